"""The story reads of every answer: on an SQLite file they take the database's own reader
connection (`Database.sqlite_fetch`); they must find what SQLAlchemy's engine finds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from bot.questions.retrieval import ScoredArticle
from bot.stories.answers import one_per_story
from bot.stories.keeper import StoryKeeper
from bot.stories.signature import band_keys
from storage.articles import ArticleStore
from storage.db import Database
from storage.stories import StoryStore
from tests.conftest import EDITOR, Harness
from tests.test_stories import import_copies


class _EngineOnly(Database):
    """The same file read as an in-memory database is: through the engine only."""

    async def sqlite_fetch(self, sql: str, params: Sequence[Any]) -> list[Any] | None:
        return None


class _Reads(Database):
    """Notes the statements read on the reader connection."""

    statements: list[str]

    async def sqlite_fetch(self, sql: str, params: Sequence[Any]) -> list[Any] | None:
        self.statements.append(sql)
        return await super().sqlite_fetch(sql, params)


async def _copies_one_deleted(bot: Harness) -> str:
    """Story 1: articles 1 (the seed, from an editor's message), 2 and 3 (copies); story 4:
    article 4 alone. 2 to 4 came in a bulk import (backfill); 3 is deleted. Returns the
    database's URL."""
    await import_copies(bot)
    written = await bot.services.archive.delete(3)
    assert written.value is not None
    return bot.settings.database_url


async def test_each_article_length_is_stored_as_its_text_changes(bot: Harness) -> None:
    # The fullest copy is read from the stored length (SQL's length() reads the whole text),
    # so every way in and every edit must keep it: a message, a bulk import, an edit.
    await import_copies(bot)
    await bot.send("/edit 2 A much shorter copy of the story, edited by hand.", user_id=EDITOR)
    database = Database.from_url(bot.settings.database_url)
    try:
        rows = await database.sqlite_fetch(
            "SELECT id, text_chars, length(text) FROM articles ORDER BY id", []
        )
    finally:
        await database.close()
    assert rows is not None and [r[0] for r in rows] == [1, 2, 3, 4]
    assert all(chars == length for _, chars, length in rows), rows
    assert rows[1][1] == len("A much shorter copy of the story, edited by hand.")


async def test_the_reader_connection_finds_what_the_engine_finds(bot: Harness) -> None:
    url = await _copies_one_deleted(bot)
    fast, engine_only = Database.from_url(url), _EngineOnly.from_url(url)
    try:
        assert fast.is_sqlite and await fast.sqlite_fetch("SELECT 1", []) == [(1,)]
        ids = [4, 2, 99, 1, 3]
        found = await StoryStore(fast).story_of(ids)
        assert found == await StoryStore(engine_only).story_of(ids)
        assert found == {1: 1, 2: 1, 3: 1, 4: 4, 99: 99}
        # The story check's candidates: live ones only (3 is deleted, 99 was never stored).
        live = (await StoryStore(fast).live_stories(ids)).as_dict()
        assert live == (await StoryStore(engine_only).live_stories(ids)).as_dict()
        assert live == {1: 1, 2: 1, 4: 4}
        live_articles = await bot.services.questions._articles.get_many([1, 2, 4])
        keys = [k for ks in band_keys([a.text for a in live_articles.values()]) for k in ks]
        by_key = (await StoryStore(fast).candidates([*keys, 12345])).as_lists()
        assert by_key.keys() == set(keys)  # a key no article has is left out
        assert {k: sorted(v) for k, v in by_key.items()} == {
            k: sorted(v)
            for k, v in (await StoryStore(engine_only).candidates(keys)).as_lists().items()
        }
        # The copies 1 and 2 share some keys; each article is under its own ten.
        assert any(len(ids) > 1 for ids in by_key.values())
        # Keys held by more than `most` are left out, by both paths alike.
        single = {k: v for k, v in by_key.items() if len(v) == 1}
        assert single and len(single) < len(by_key)
        for store in (StoryStore(fast), StoryStore(engine_only)):
            few = (await store.candidates(keys, most=1)).as_lists()
            assert {k: sorted(v) for k, v in few.items()} == {
                k: sorted(v) for k, v in single.items()
            }
        # 3's deletion gave the copies left all their keys (each copy had stored only those
        # its story lacked).
        assert all(sum(a in ids for ids in by_key.values()) >= 5 for a in (1, 2, 4))
        copies = await StoryStore(fast).copies([4, 1, 99])
        assert copies == await StoryStore(engine_only).copies([4, 1, 99])
        # The deleted copy is left out; each copy has its story, outlet, day and length.
        assert [(c.article_id, c.story_id, c.source) for c in copies] == [
            (1, 1, None),
            (2, 1, "Indian Express"),
            (4, 4, "AFP"),
        ]
        assert [c.published.isoformat() for c in copies] == [
            "2017-07-04",
            "2017-07-04",
            "2017-07-10",
        ]
        stored = await bot.services.questions._articles.get_many([1, 2, 4])
        assert [c.length for c in copies] == [len(stored[c.article_id].text) for c in copies]
        assert await StoryStore(fast).copies([]) == []
        # An answer's page: both reads at once, the copies of the first `most` stories only.
        hits = [2, 99, 4, 1]
        of_hits = {i: found[i] for i in hits}
        assert await StoryStore(fast).page_copies(hits) == (of_hits, copies)
        first = await StoryStore(fast).copies([1])
        assert await StoryStore(fast).page_copies(hits, most=1) == (of_hits, first)
        two = await StoryStore(fast).copies([1, 99])
        assert await StoryStore(fast).page_copies(hits, most=2) == (of_hits, two)
        assert await StoryStore(engine_only).page_copies(hits) is None
    finally:
        await fast.close()
        await engine_only.close()


async def test_the_story_check_reads_take_a_few_statement_shapes(bot: Harness) -> None:
    # The reader connection keeps a prepared statement per distinct text; one per length of
    # IN list would hold ~30 MiB of them by 100,000 imported articles.
    url = await _copies_one_deleted(bot)
    fast, engine_only = _Reads.from_url(url), _EngineOnly.from_url(url)
    fast.statements = []
    try:
        for n in range(0, 4100, 7):
            ids = [*range(n, 0, -1), 99]
            live = (await StoryStore(fast).live_stories(ids)).as_dict()
            assert live == {i: s for i, s in {1: 1, 2: 1, 4: 4}.items() if i <= n}
        # Lengths 1, 2, 4 ... 1024 and 2,000 (CHUNK) only.
        assert len(set(fast.statements)) == 12
        seed = (await bot.services.questions._articles.get_many([1]))[1]
        keys = band_keys([seed.text])[0]
        for extra in (0, 1, 5, 2500):
            asked = [*range(10**6, 10**6 + extra), *keys]
            found = (await StoryStore(fast).candidates(asked)).as_lists()
            by_engine = (await StoryStore(engine_only).candidates(asked)).as_lists()
            assert {k: sorted(v) for k, v in found.items()} == {
                k: sorted(v) for k, v in by_engine.items()
            }
            assert found.keys() == set(keys)
    finally:
        await fast.close()
        await engine_only.close()


async def test_the_articles_of_an_answer_are_read_as_the_engine_reads_them(bot: Harness) -> None:
    url = await _copies_one_deleted(bot)
    fast, engine_only = _Reads.from_url(url), _EngineOnly.from_url(url)
    fast.statements = []
    try:
        ids = [4, 2, 99, 1, 3, 2]
        found = await ArticleStore(fast).get_many(ids)
        assert found == await ArticleStore(engine_only).get_many(ids)
        assert sorted(found) == [1, 2, 4]
        assert [found[i].backfill for i in (1, 2, 4)] == [False, True, True]
        assert all(a.created_at.tzinfo is dt.UTC for a in found.values())
        assert [found[i].published.isoformat() for i in (1, 2, 4)] == [
            "2017-07-04",
            "2017-07-04",
            "2017-07-10",
        ]
        # Read on the reader connection, in one statement.
        assert len(fast.statements) == 1
        assert fast.statements[0].startswith("SELECT id, title, text")
        # More ids than one statement takes.
        many = [*range(5, 5000), 4]
        assert await ArticleStore(fast).get_many(many) == {4: found[4]}
        assert len(fast.statements) == 4
        assert await ArticleStore(fast).get_many([]) == {}
    finally:
        await fast.close()
        await engine_only.close()


async def test_only_the_stories_asked_for_are_read(bot: Harness) -> None:
    await import_copies(bot)
    keeper: StoryKeeper = bot.services.stories
    ranked = [ScoredArticle(2, 3.0), ScoredArticle(4, 2.0), ScoredArticle(1, 1.0)]
    every = await one_per_story(keeper, ranked, as_of=None)
    # Story 1 is shown by its most complete copy (#1) with its other copies; then story 4.
    assert [(p.article_id, p.score, [c.article_id for c in p.also]) for p in every] == [
        (1, 3.0, [2, 3]),
        (4, 2.0, []),
    ]
    assert await one_per_story(keeper, ranked, as_of=None, most=1) == every[:1]
    assert await one_per_story(keeper, ranked, as_of=None, most=5) == every
