"""The tantivy index wrapper: upserts, deletes, the watermark and the date rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import tantivy

from storage.search_index import BODY_FIELD, IndexChange, IndexLocked, SearchIndex


def _change(article_id: int, body: str, day: int = 1) -> IndexChange:
    return IndexChange(article_id, f"title {article_id}", body, dt.date(2024, 1, day))


def _ids(index: SearchIndex, word: str, as_of: dt.date | None = None) -> list[int]:
    query = tantivy.Query.term_query(index.schema, BODY_FIELD, word)
    return sorted(hit.article_id for hit in index.search(query, as_of=as_of, limit=10))


def test_new_index_is_empty_with_watermark_zero() -> None:
    index = SearchIndex.open(None)
    assert (index.num_docs(), index.watermark) == (0, 0)


def test_apply_upserts_by_id_and_is_idempotent() -> None:
    index = SearchIndex.open(None)
    changes = [_change(1, "flood warning"), _change(2, "flood defences")]
    index.apply(changes, watermark=2)
    index.apply(changes, watermark=2)
    index.apply([_change(1, "drought")], watermark=3)
    assert (index.num_docs(), index.watermark) == (2, 3)
    assert _ids(index, "flood") == [2]
    assert _ids(index, "drought") == [1]


def test_doc_freq_follows_every_commit() -> None:
    index = SearchIndex.open(None)
    index.apply([_change(1, "flood warning")], watermark=1)
    # Asked twice (the second answer is the one kept for the next questions).
    assert [index.doc_freq("flood"), index.doc_freq("flood")] == [1, 1]
    index.apply([_change(2, "flood defences")], watermark=2)
    assert index.doc_freq("flood") == 2
    index.apply([IndexChange(1, "", "", None, deleted=True)], watermark=3)
    assert index.doc_freq("flood") == 1
    # A word in titles only counts as one in bodies does.
    assert index.doc_freq("storm") == 0
    index.apply([IndexChange(3, "Storm", "rain", dt.date(2024, 1, 1))], watermark=4)
    assert (index.doc_freq("storm"), index.doc_freq("rain")) == (1, 1)


def test_delete_removes_the_article() -> None:
    index = SearchIndex.open(None)
    index.apply([_change(1, "flood"), _change(2, "flood")], watermark=1)
    index.apply([IndexChange(1, "", "", None, deleted=True)], watermark=2)
    assert _ids(index, "flood") == [2]


def test_as_of_leaves_out_later_articles_but_keeps_undated_ones() -> None:
    index = SearchIndex.open(None)
    undated = IndexChange(3, "", "flood", None)
    index.apply([_change(1, "flood", day=1), _change(2, "flood", day=9), undated], watermark=1)
    assert _ids(index, "flood", as_of=dt.date(2024, 1, 5)) == [1, 3]
    assert _ids(index, "flood") == [1, 2, 3]


def test_as_of_finds_the_best_earlier_articles_below_many_better_later_ones() -> None:
    index = SearchIndex.open(None)
    # Ten later articles repeat the word and outrank the two earlier ones, which say it once
    # (id 2 in a shorter text, so it scores higher); the best 4 x 2 hits hold neither.
    later = [_change(n, "flood flood flood", day=20) for n in range(10, 20)]
    index.apply([_change(1, "flood and more words"), _change(2, "flood here"), *later], 12)
    query = tantivy.Query.term_query(index.schema, BODY_FIELD, "flood")
    early = index.search(query, as_of=dt.date(2024, 1, 10), limit=2)
    assert [hit.article_id for hit in early] == [2, 1]
    everything = index.search(query, as_of=dt.date(2024, 1, 31), limit=12)
    assert [hit.article_id for hit in everything][10:] == [2, 1]
    assert index.search(query, as_of=dt.date(2024, 1, 31), limit=2) == everything[:2]


def test_watermark_and_documents_survive_reopening(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "index")
    index.apply([_change(1, "flood")], watermark=41)
    index.close()
    reopened = SearchIndex.open(tmp_path / "index")
    assert (reopened.num_docs(), reopened.watermark) == (1, 41)
    reopened.reset()
    assert (reopened.num_docs(), reopened.watermark) == (0, 0)
    reopened.close()


def test_case_and_accents_and_word_forms_share_terms() -> None:
    index = SearchIndex.open(None)
    index.apply([IndexChange(1, "", "CAFÉ Civilians", None)], watermark=1)
    assert (index.doc_freq("cafe"), index.doc_freq("civilian")) == (1, 1)


def test_writer_is_released_after_each_apply_so_another_process_can_write(
    tmp_path: Path,
) -> None:
    bot = SearchIndex.open(tmp_path / "index")
    importer = SearchIndex.open(tmp_path / "index")
    bot.apply([_change(1, "flood")], watermark=1)
    importer.apply([_change(2, "flood")], watermark=2)
    bot.apply([_change(3, "flood")], watermark=3)
    assert (_ids(bot, "flood"), bot.watermark) == ([1, 2, 3], 3)


def test_apply_while_another_writer_holds_the_lock_raises_and_changes_nothing(
    tmp_path: Path,
) -> None:
    importer = SearchIndex.open(tmp_path / "index")
    bot = SearchIndex.open(tmp_path / "index", lock_wait=0.0)
    with importer.writing():
        with pytest.raises(IndexLocked):
            bot.apply([_change(1, "flood")], watermark=1)
        importer.apply([_change(2, "flood")], watermark=2)
    assert (bot.num_docs(), bot.watermark) == (0, 0)
    bot.apply([_change(1, "flood")], watermark=3)
    assert (_ids(bot, "flood"), bot.watermark) == ([1, 2], 3)
