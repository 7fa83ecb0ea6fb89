"""Stories in the database: each article's story and why, LSH band keys, editors' decisions."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
from sqlalchemy import Executable, Table, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.articles import next_seq
from storage.audit import Actor, audit_entry
from storage.db import Database, insert_rows
from storage.models import Article, StoryBand, StoryDecision, StoryMember
from storage.story_candidates import Candidates, Ids, LiveStories, ids_of

_Chunk = TypeVar("_Chunk")

STORY_COUNTER = "story_changes"
# Ids or keys per IN (...): well under SQLite's and asyncpg's limits on parameters.
CHUNK = 2_000
# Every answer reads these (Database.sqlite_fetch): through SQLAlchemy's execution layer and
# pool they cost several times the statements. `copies` as `StoryStore.copies` has it.
SQLITE_STORY_OF = "SELECT article_id, story_id FROM story_members WHERE article_id IN ({})"
# The story check of every imported batch (`candidates`, `live_stories`, `live_texts`).
# A key's articles in one row: at a million articles a batch's keys hold a million rows, and
# SQLite joins them at a fraction of the cost of building each row in Python.
SQLITE_CANDIDATES = (
    "SELECT band_key, count(*), group_concat(article_id) FROM story_bands WHERE band_key IN ({})"
    " GROUP BY band_key HAVING count(*) <= {most}"
)
SQLITE_LIVE_STORIES = (
    "SELECT a.id, coalesce(m.story_id, a.id) FROM articles AS a"
    " LEFT JOIN story_members AS m ON m.article_id = a.id"
    " WHERE a.deleted_at IS NULL AND a.id IN ({})"
)
SQLITE_LIVE_TEXTS = (
    "SELECT id, substr(text, 1, ?) FROM articles WHERE deleted_at IS NULL AND id IN ({})"
)
# The story map's pages (`changes_after`): a million rows at a bot's start-up.
SQLITE_CHANGES = (
    "SELECT seq, article_id, story_id FROM story_members WHERE seq > ? ORDER BY seq LIMIT ?"
)
# A copy's length (the fullest copy is shown) is stored: SQL's length(text) reads the text.
SQLITE_COPIES = (
    "SELECT a.id, m.story_id, a.source, a.published,"
    " coalesce(a.text_chars, length(a.text)) FROM story_members AS m"
    " JOIN articles AS a ON a.id = m.article_id"
    " WHERE m.story_id IN ({marks}) AND a.deleted_at IS NULL"
    " UNION ALL"
    " SELECT a.id, coalesce(m.story_id, a.id), a.source, a.published,"
    " coalesce(a.text_chars, length(a.text))"
    " FROM articles AS a LEFT JOIN story_members AS m ON m.article_id = a.id"
    " WHERE a.id IN ({marks}) AND a.deleted_at IS NULL"
)
# `page_copies` in one statement: each hit's story (rows with a hit), then the copies of the
# first stories in the hits' order (rows without), read as `SQLITE_COPIES` reads them.
SQLITE_PAGE_COPIES = (
    "WITH hit(rank, id) AS (VALUES {values}),"
    " st AS (SELECT hit.rank AS rank, hit.id AS hit, coalesce(m.story_id, hit.id) AS story"
    " FROM hit LEFT JOIN story_members AS m ON m.article_id = hit.id),"
    " shown AS (SELECT story, min(rank) AS first FROM st GROUP BY story ORDER BY first LIMIT ?)"
    " SELECT st.hit, st.story, NULL, NULL, NULL, NULL FROM st"
    " UNION ALL"
    " SELECT NULL, m.story_id, a.id, a.source, a.published,"
    " coalesce(a.text_chars, length(a.text)) FROM shown"
    " JOIN story_members AS m ON m.story_id = shown.story"
    " JOIN articles AS a ON a.id = m.article_id WHERE a.deleted_at IS NULL"
    " UNION ALL"
    " SELECT NULL, coalesce(m.story_id, a.id), a.id, a.source, a.published,"
    " coalesce(a.text_chars, length(a.text))"
    " FROM shown JOIN articles AS a ON a.id = shown.story"
    " LEFT JOIN story_members AS m ON m.article_id = a.id WHERE a.deleted_at IS NULL"
)


@dataclass(frozen=True, slots=True)
class Membership:
    """An article's place in a story: the story (its first article's id) and why it is there."""

    article_id: int
    story_id: int
    reason: str  # "first", "similar", "bands", "split" or "join"
    matched_id: int | None = None
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class Copy:
    """One live article of a story, as an answer or a digest lists it."""

    article_id: int
    story_id: int
    source: str | None
    published: dt.date
    length: int


@dataclass(frozen=True, slots=True)
class Decision:
    """An editor's /split (other_id None) or /join, in the order they were made."""

    kind: str
    article_id: int
    other_id: int | None


class StoryStore:
    """Every read and write of story membership; each method is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def candidates(self, keys: Iterable[int], *, most: int = sys.maxsize) -> Candidates:
        """The articles stored under each of these band keys, for the keys that hold at most
        `most` (keys with none or more left out: at a million near copies, reading keys that
        are then passed over was most of an import's transient memory)."""
        chunks = await self._read(
            SQLITE_CANDIDATES.format("{}", most=int(most)),
            ids_of(keys),
            lambda chunk: select(StoryBand.band_key, StoryBand.article_id).where(
                StoryBand.band_key.in_(chunk)
            ),
            _key_runs,
        )
        if not chunks:
            return Candidates.of_runs(*(np.zeros(0, dtype=np.int64),) * 3)
        runs = [np.concatenate(column) for column in zip(*chunks, strict=True)]
        del chunks
        return Candidates.of_runs(*runs, most=most)

    async def live_stories(self, ids: Iterable[int]) -> LiveStories:
        """The story of each of these articles that is live (its own when none is recorded)."""
        chunks = await self._read(
            SQLITE_LIVE_STORIES,
            ids_of(ids),
            lambda chunk: (
                select(Article.id, func.coalesce(StoryMember.story_id, Article.id))
                .outerjoin(StoryMember, StoryMember.article_id == Article.id)
                .where(Article.id.in_(chunk), Article.deleted_at.is_(None))
            ),
            _int_pairs,
        )
        return LiveStories.of_pairs(*_joined(chunks))

    async def live_texts(self, ids: Iterable[int], *, chars: int) -> dict[int, str]:
        """The first `chars` characters of the texts of these articles that are live."""
        rows = await self._rows(
            SQLITE_LIVE_TEXTS,
            sorted(set(ids)),
            lambda chunk: select(Article.id, func.substr(Article.text, 1, chars)).where(
                Article.id.in_(chunk), Article.deleted_at.is_(None)
            ),
            first=(chars,),
        )
        return {int(i): t for i, t in rows}

    async def story_of(self, ids: Iterable[int]) -> dict[int, int]:
        """The story of each article (an article with no recorded story is its own)."""
        wanted = sorted(set(ids))
        stories = {i: i for i in wanted}
        rows = await self._rows(
            SQLITE_STORY_OF,
            wanted,
            lambda chunk: select(StoryMember.article_id, StoryMember.story_id).where(
                StoryMember.article_id.in_(chunk)
            ),
        )
        stories.update((int(a), int(s)) for a, s in rows)
        return stories

    async def _rows(
        self,
        sql: str,
        values: Sequence[int],
        statement: Callable[[Sequence[int]], Executable],
        *,
        first: tuple[object, ...] = (),
    ) -> list[Any]:
        """`_read`'s rows, every chunk's in one list."""
        chunks = await self._read(sql, values, statement, list, first=first)
        return [row for rows in chunks for row in rows]

    async def _read(
        self,
        sql: str,
        values: Sequence[int] | Ids,
        statement: Callable[[Sequence[int]], Executable],
        convert: Callable[[list[Any]], _Chunk],
        *,
        first: tuple[object, ...] = (),
    ) -> list[_Chunk]:
        """`convert` of the rows of a read by many values, a chunk at a time: `sql` (its
        "IN ({})" filled with a chunk, after the parameters `first`) on SQLite's reader
        connection, where there is one (the story check reads these for every batch of an
        import, and SQLAlchemy's execution layer costs several times the statements), else
        `statement(chunk)`. A chunk's rows are converted as they come: a batch's candidates
        as Python rows were more than their arrays."""
        converted: list[_Chunk] = []
        if self._db.is_sqlite:
            for chunk in _chunks(values):
                padded = _padded(chunk)
                found = await self._db.sqlite_fetch(
                    sql.format(",".join("?" * len(padded))), [*first, *padded]
                )
                if found is None:  # an in-memory database: only the engine sees it
                    converted = []
                    break
                converted.append(convert(found))
            else:
                return converted
        async with self._db.sessions() as session:
            for chunk in _chunks(values):
                converted.append(convert(list(await session.execute(statement(chunk)))))
        return converted

    async def membership(self, article_id: int) -> Membership | None:
        """The recorded story of one article."""
        async with self._db.sessions() as session:
            row = await session.get(StoryMember, article_id)
            return None if row is None else _membership(row)

    async def record(self, members: Sequence[Membership], bands: Sequence[tuple[int, int]]) -> None:
        """Store new articles' stories and band keys (band, article) in one transaction."""
        if not members and not bands:
            return
        async with self._db.transaction() as session:
            if members:
                last = await next_seq(session, len(members), STORY_COUNTER)
                first = last - len(members) + 1
                # An article another process gave a story first (its start-up catches up on
                # articles with none, and an import's batch has none until this) keeps it.
                await insert_rows(
                    session,
                    cast(Table, StoryMember.__table__),
                    _MEMBER_COLUMNS,
                    [_row(m, first + n) for n, m in enumerate(members)],
                    skip_conflicts=True,
                )
            # Up to ten rows an article: a bulk import writes millions.
            await _insert_bands(session, bands)

    async def add_bands(self, bands: Sequence[tuple[int, int]]) -> None:
        """Store band keys (band, article) that may be stored already (those are kept)."""
        if not bands:
            return
        async with self._db.transaction() as session:
            await _insert_bands(session, bands)

    async def live_members(self, article_id: int) -> list[int]:
        """The live articles of the story `article_id` is in (itself too, if live), by id."""
        async with self._db.sessions() as session:
            story = await _story(session, article_id)
            # (Its first article has a row naming itself, or none before the story check.)
            members = {story, *await _members(session, story, without=story)}
            rows = await session.scalars(
                select(Article.id).where(Article.id.in_(members), Article.deleted_at.is_(None))
            )
            return sorted(int(r) for r in rows)

    async def replace_bands(self, article_id: int, keys: Sequence[int]) -> None:
        """An edited article's new band keys."""
        async with self._db.transaction() as session:
            await session.execute(delete(StoryBand).where(StoryBand.article_id == article_id))
            if keys:
                await session.execute(
                    insert(cast(Table, StoryBand.__table__)),
                    [{"band_key": key, "article_id": article_id} for key in set(keys)],
                )

    async def unassigned(self, after_id: int, *, limit: int, chars: int) -> list[tuple[int, str]]:
        """Live articles with no story yet (id > after_id), oldest first: (id, the first
        `chars` characters of the text, all that signatures read)."""
        async with self._db.sessions() as session:
            rows = await session.execute(
                select(Article.id, func.substr(Article.text, 1, chars))
                .outerjoin(StoryMember, StoryMember.article_id == Article.id)
                .where(
                    Article.id > after_id,
                    Article.deleted_at.is_(None),
                    StoryMember.article_id.is_(None),
                )
                .order_by(Article.id)
                .limit(limit)
            )
            return [(int(i), t) for i, t in rows]

    async def clear(self) -> None:
        """Forget every story and band key (a rebuild computes them again)."""
        async with self._db.transaction() as session:
            await session.execute(delete(StoryBand))
            await session.execute(delete(StoryMember))

    async def page_copies(
        self, ids: Sequence[int], *, most: int | None = None
    ) -> tuple[dict[int, int], list[Copy]] | None:
        """`story_of(ids)`, and `copies` of the first `most` of those stories in the order of
        `ids`, in one statement on SQLite's reader connection (an answer's page asks for them
        together); None where there is none (PostgreSQL, an in-memory database) or for more
        ids than a statement takes."""
        if not self._db.is_sqlite or not ids or len(ids) > CHUNK:
            return None
        values = ",".join("(?, ?)" for _ in ids)
        params = [*itertools.chain.from_iterable(enumerate(ids)), -1 if most is None else most]
        rows = await self._db.sqlite_fetch(SQLITE_PAGE_COPIES.format(values=values), params)
        if rows is None:
            return None
        stories: dict[int, int] = {}
        found: dict[int, Copy] = {}
        for hit, story_id, article_id, source, published, length in rows:
            if hit is not None:
                stories[int(hit)] = int(story_id)
            else:
                found[int(article_id)] = _sqlite_copy(
                    article_id, story_id, source, published, length
                )
        shown = set(list(dict.fromkeys(stories[i] for i in ids))[:most])
        copies = [c for _, c in sorted(found.items()) if c.story_id in shown]
        return stories, copies

    async def copies(self, story_ids: Iterable[int]) -> list[Copy]:
        """Every live article of these stories (a story's first article included)."""
        wanted = sorted(set(story_ids))
        wanted_ids = set(wanted)
        found: dict[int, Copy] = {}
        if self._db.is_sqlite and wanted:
            for chunk in _chunks(wanted):
                marks = ",".join("?" * len(chunk))
                rows = await self._db.sqlite_fetch(
                    SQLITE_COPIES.format(marks=marks), [*chunk, *chunk]
                )
                if rows is None:  # an in-memory database: only the engine sees it
                    break
                for article_id, story_id, source, published, length in rows:
                    if int(story_id) in wanted_ids:
                        found[int(article_id)] = _sqlite_copy(
                            article_id, story_id, source, published, length
                        )
            else:
                return sorted(found.values(), key=lambda c: c.article_id)
        async with self._db.sessions() as session:
            for chunk in _chunks(wanted):
                columns = (
                    Article.id,
                    func.coalesce(StoryMember.story_id, Article.id),
                    Article.source,
                    Article.published,
                    func.coalesce(Article.text_chars, func.length(Article.text)),
                )
                live = Article.deleted_at.is_(None)
                for query in (
                    # From the members' index: a LEFT JOIN from articles would scan them all.
                    select(*columns)
                    .join(Article, Article.id == StoryMember.article_id)
                    .where(StoryMember.story_id.in_(chunk), live),
                    select(*columns)
                    .outerjoin(StoryMember, StoryMember.article_id == Article.id)
                    .where(Article.id.in_(chunk), live),
                ):
                    for article_id, story_id, source, published, length in await session.execute(
                        query
                    ):
                        if int(story_id) in wanted_ids:
                            found[int(article_id)] = Copy(
                                int(article_id), int(story_id), source, published, int(length)
                            )
        return sorted(found.values(), key=lambda c: c.article_id)

    async def changes_after(self, seq: int, *, limit: int) -> list[tuple[int, int, int]]:
        """Membership rows changed after `seq`, in order: (seq, article_id, story_id)."""
        fetched = await self._db.sqlite_fetch(SQLITE_CHANGES, (seq, limit))
        if fetched is not None:
            return fetched
        async with self._db.sessions() as session:
            rows = await session.execute(
                select(StoryMember.seq, StoryMember.article_id, StoryMember.story_id)
                .where(StoryMember.seq > seq)
                .order_by(StoryMember.seq)
                .limit(limit)
            )
            return [(int(s), int(a), int(t)) for s, a, t in rows]

    async def decisions(self) -> list[Decision]:
        """Editors' decisions, oldest first."""
        async with self._db.sessions() as session:
            rows = await session.scalars(select(StoryDecision).order_by(StoryDecision.id))
            return [Decision(r.kind, r.article_id, r.other_id) for r in rows]

    async def split(
        self, article_id: int, *, now: dt.datetime, actor: Actor | None, record: bool = True
    ) -> int | None:
        """Take an article out of its story into one of its own; returns the story it left.

        None when the article is alone in its story already. With `record`, the decision is
        kept for rebuilds, and with an `actor` audited, in the same transaction.
        """
        async with self._db.transaction() as session:
            story = await _story(session, article_id)
            others = await _members(session, story, without=article_id)
            if not others:
                return None
            seq = await next_seq(session, len(others) + 1, STORY_COUNTER)
            if story == article_id:
                # The story's first article leaves: the next one names the story now.
                await _move(session, others, min(others), seq - len(others))
            await _set(session, Membership(article_id, article_id, "split"), seq)
            if record:
                session.add(StoryDecision(kind="split", article_id=article_id, at=now))
            if actor is not None:
                # The story as it is named now: one the article named itself is named by the
                # next of its articles ("left story 68" of article 68 named nothing).
                detail = f"left story {min(others) if story == article_id else story}"
                session.add(
                    audit_entry("split", now=now, actor=actor, article_id=article_id, detail=detail)
                )
            return story

    async def join(
        self,
        article_id: int,
        other_id: int,
        *,
        now: dt.datetime,
        actor: Actor | None,
        record: bool = True,
    ) -> int | None:
        """Merge the stories of two articles; returns the story id they share, None if they
        already did. Decision and audit entry as for `split`."""
        async with self._db.transaction() as session:
            first = await _story(session, article_id)
            second = await _story(session, other_id)
            if first == second:
                return None
            target, moved_story = min(first, second), max(first, second)
            moved = [moved_story, *await _members(session, moved_story, without=moved_story)]
            seq = await next_seq(session, len(moved), STORY_COUNTER)
            matched = other_id if moved_story == first else article_id
            for offset, member in enumerate(sorted(set(moved))):
                joined = Membership(member, target, "join", matched_id=matched)
                await _set(session, joined, seq - offset)
            if record:
                session.add(
                    StoryDecision(kind="join", article_id=article_id, other_id=other_id, at=now)
                )
            if actor is not None:
                detail = f"stories {first} and {second} are story {target}"
                session.add(
                    audit_entry("join", now=now, actor=actor, article_id=article_id, detail=detail)
                )
            return target


async def _insert_bands(session: AsyncSession, bands: Sequence[tuple[int, int]]) -> None:
    await insert_rows(
        session,
        cast(Table, StoryBand.__table__),
        ("band_key", "article_id"),
        bands,
        skip_conflicts=True,
    )


async def _story(session: AsyncSession, article_id: int) -> int:
    story = await session.scalar(
        select(StoryMember.story_id).where(StoryMember.article_id == article_id)
    )
    return article_id if story is None else int(story)


async def _members(session: AsyncSession, story: int, *, without: int) -> list[int]:
    """The articles recorded in a story, but one."""
    rows = await session.scalars(
        select(StoryMember.article_id).where(
            StoryMember.story_id == story, StoryMember.article_id != without
        )
    )
    return [int(r) for r in rows]


async def _move(session: AsyncSession, ids: list[int], story: int, first_seq: int) -> None:
    for offset, member in enumerate(sorted(ids)):
        await session.execute(
            update(StoryMember)
            .where(StoryMember.article_id == member)
            .values(story_id=story, seq=first_seq + offset)
        )


async def _set(session: AsyncSession, member: Membership, seq: int) -> None:
    """Write one article's membership, whether or not it had one."""
    row = await session.get(StoryMember, member.article_id)
    if row is None:
        session.add(StoryMember(**_values(member, seq)))
        return
    row.story_id, row.reason, row.seq = member.story_id, member.reason, seq
    row.matched_id, row.similarity = member.matched_id, member.similarity


def _membership(row: StoryMember) -> Membership:
    return Membership(row.article_id, row.story_id, row.reason, row.matched_id, row.similarity)


def _values(member: Membership, seq: int) -> dict[str, object]:
    return {
        "article_id": member.article_id,
        "story_id": member.story_id,
        "reason": member.reason,
        "matched_id": member.matched_id,
        "similarity": member.similarity,
        "seq": seq,
    }


def _sqlite_copy(
    article_id: int, story_id: int, source: str | None, published: str, length: int
) -> Copy:
    """A copy from a row read on SQLite's own connection (dates come as text)."""
    return Copy(
        int(article_id), int(story_id), source, dt.date.fromisoformat(published), int(length)
    )


_MEMBER_COLUMNS = ("article_id", "story_id", "reason", "matched_id", "similarity", "seq")


def _row(member: Membership, seq: int) -> tuple[object, ...]:
    return (
        member.article_id,
        member.story_id,
        member.reason,
        member.matched_id,
        member.similarity,
        seq,
    )


def _chunks(items: Sequence[int] | Ids) -> list[list[int]]:
    """CHUNK values at a time, as Python ints (the drivers' parameters)."""
    if isinstance(items, np.ndarray):
        return [items[i : i + CHUNK].tolist() for i in range(0, len(items), CHUNK)]
    return [list(items[i : i + CHUNK]) for i in range(0, len(items), CHUNK)]


def _int_pairs(rows: list[Any]) -> tuple[Ids, Ids]:
    """Rows of two integers as two arrays."""
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=2 * len(rows))
    return flat[0::2], flat[1::2]


_FIRST, _SECOND, _THIRD = operator.itemgetter(0), operator.itemgetter(1), operator.itemgetter(2)


def _key_runs(rows: list[Any]) -> tuple[Ids, Ids, Ids]:
    """`Candidates.of_runs`' keys, counts and ids of `SQLITE_CANDIDATES`' rows (a key's
    articles in one text), or of the engine's (a key and an article a row)."""
    if rows and not isinstance(rows[0][-1], str):
        pairs = Candidates.of_pairs(*_int_pairs(rows))
        return pairs.keys, np.diff(pairs.bounds), pairs.ids
    keys = np.fromiter(map(_FIRST, rows), dtype=np.int64, count=len(rows))
    counts = np.fromiter(map(_SECOND, rows), dtype=np.int64, count=len(rows))
    ids = np.fromstring(",".join(map(_THIRD, rows)), dtype=np.int64, sep=",")
    return keys, counts, ids


def _joined(chunks: list[tuple[Ids, Ids]]) -> tuple[Ids, Ids]:
    """Every chunk's pairs of arrays as one pair."""
    if not chunks:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate([a for a, _ in chunks]), np.concatenate([b for _, b in chunks])


def _padded(chunk: Sequence[int]) -> Sequence[int]:
    """The chunk with its last value repeated up to a power of two (or CHUNK): an IN list's
    repeats match nothing more. The reader connection caches 128 prepared statements, one for
    each length of IN list it sees, and with a length for each batch's last chunk it held
    ~30 MiB of them (~220 KiB for 2,000 values) by 100,000 articles; now 12 lengths a read."""
    size = min(CHUNK, 1 << max(len(chunk) - 1, 0).bit_length())
    return [*chunk, *[chunk[-1]] * (size - len(chunk))] if len(chunk) < size else chunk
