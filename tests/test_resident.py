"""Giving the index's mapped pages back: searches go on finding the same articles."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
import tantivy

from storage.resident import PageTrimmer
from storage.search_index import BODY_FIELD, IndexChange, SearchIndex


def _ids(index: SearchIndex, word: str) -> list[int]:
    query = tantivy.Query.term_query(index.schema, BODY_FIELD, word)
    return sorted(hit.article_id for hit in index.search(query, as_of=None, limit=100))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise and /proc: Linux")
def test_trimming_releases_the_index_mappings_and_searches_still_work(tmp_path: Path) -> None:
    index = SearchIndex.open(tmp_path / "index")
    day = dt.date(2024, 1, 1)
    index.apply([IndexChange(n, "t", f"flood report {n}", day) for n in range(1, 50)], 49)
    before = _ids(index, "flood")
    trimmer = PageTrimmer(budget=0)
    assert trimmer.trim() == 0  # nothing registered: nothing to do
    trimmer.register(tmp_path / "index")
    assert trimmer.trim() > 0
    assert _ids(index, "flood") == before == list(range(1, 50))
    trimmer.unregister(tmp_path / "index")
    assert trimmer.trim() == 0
    assert PageTrimmer(budget=2**62).trim() == 0  # under budget: left alone
    index.close()
