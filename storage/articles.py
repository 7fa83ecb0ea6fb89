"""The archive: articles, deduplicated by content, with a change sequence for the index."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import Select, Table, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import Actor, audit_entry
from storage.db import Database, insert_rows, stored_values
from storage.models import Article, Counter

CHANGE_COUNTER = "article_changes"
# StoredArticle's fields, in order, of live articles by id (asyncpg's own SQL).
PG_GET_MANY = (
    "SELECT id, title, text, published, source, url, external_id, created_at, clutter, lang,"
    " backfill FROM articles"
    " WHERE id = ANY($1::integer[]) AND deleted_at IS NULL"
)
# The same on SQLite's reader connection (Database.sqlite_fetch), with `backfill`: through
# SQLAlchemy's ORM the read of an answer's ten articles costs several times the statement.
SQLITE_GET_MANY = (
    "SELECT id, title, text, published, source, url, external_id, created_at, clutter, lang,"
    " backfill FROM articles WHERE id IN ({marks}) AND deleted_at IS NULL"
)
# Ids per IN (...) on SQLite: well under its limit on parameters.
SQLITE_CHUNK = 2_000


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article about to be stored."""

    title: str
    text: str
    published: dt.date
    content_hash: str
    source: str | None = None
    url: str | None = None
    external_id: str | None = None
    # Page clutter in `text`, as bot/articles/clutter/spans.py encodes them.
    clutter: str | None = None
    # A web article's normalised canonical address: the first test of "stored already".
    canonical_url: str | None = None
    origin_chat_id: int | None = None
    origin_message_id: int | None = None
    added_by: int | None = None
    # ISO 639-1 code (detected at import or given); None: detected when indexed.
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the archive has it."""

    id: int
    title: str
    text: str
    published: dt.date
    source: str | None
    url: str | None
    external_id: str | None
    created_at: dt.datetime
    # From a bulk import: news only when dated near its arrival (bot/digests/window.py).
    backfill: bool = False
    # Page clutter in `text` found at import (None: not looked for, e.g. stored before).
    clutter: str | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class SaveResult:
    """The stored article, and whether this call created it (False: it was there already)."""

    article: StoredArticle
    created: bool


@dataclass(frozen=True, slots=True)
class ArticleChange:
    """One row of the change feed the search index follows."""

    seq: int
    article_id: int
    title: str
    text: str
    published: dt.date
    deleted: bool
    clutter: str | None = None
    lang: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class ArchiveStats:
    articles: int
    sources: int
    deleted: int


class Change(StrEnum):
    """What became of an edit or a restore."""

    EDITED = "edited"
    RESTORED = "restored"
    LIVE = "live"  # restore: the article was never deleted
    EXPIRED = "expired"  # restore: deleted too long ago, its text is erased
    MISSING = "missing"
    CLASH = "clash"  # another live article holds the same text
    SAME = "same"  # /lang: the article was searched in that language already


def _stored(row: Article) -> StoredArticle:
    return StoredArticle(
        id=row.id,
        title=row.title,
        text=row.text,
        published=row.published,
        source=row.source,
        url=row.url,
        external_id=row.external_id,
        created_at=row.created_at,
        backfill=bool(row.backfill),
        clutter=row.clutter,
        lang=row.lang,
    )


def _sqlite_stored(row: Sequence[Any]) -> StoredArticle:
    """An article from a row of `SQLITE_GET_MANY` (dates and times come as SQLite's text,
    `created_at` in UTC without its offset, as `UTCDateTime` writes it)."""
    id_, title, text, published, source, url, external_id, created, clutter, lang, backfill = row
    return StoredArticle(
        id=int(id_),
        title=title,
        text=text,
        published=dt.date.fromisoformat(published),
        source=source,
        url=url,
        external_id=external_id,
        created_at=dt.datetime.fromisoformat(created).replace(tzinfo=dt.UTC),
        backfill=bool(backfill),
        clutter=clutter,
        lang=lang,
    )


async def next_seq(session: AsyncSession, count: int = 1, counter: str = CHANGE_COUNTER) -> int:
    """Reserve `count` numbers of a counter (the article change feed's by default); the last."""
    result = await session.execute(
        update(Counter)
        .where(Counter.name == counter)
        .values(value=Counter.value + count)
        .returning(Counter.value)
    )
    value = result.scalar_one_or_none()
    if value is None:
        session.add(Counter(name=counter, value=count))
        await session.flush()
        return count
    return int(value)


class ArticleStore:
    """Every read and write of articles; each method is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(
        self, new: NewArticle, *, now: dt.datetime, actor: Actor | None = None
    ) -> SaveResult:
        """Store an article once: the same text (or external id) again returns the first copy.

        With an `actor`, a new article's "add" audit entry is written in the same transaction.
        """
        try:
            async with self._db.transaction() as session:
                existing = await self._find_duplicate(session, new)
                if existing is not None:
                    return SaveResult(_stored(existing), created=False)
                row = self._row(new, now, await next_seq(session))
                session.add(row)
                await session.flush()
                _audit(session, "add", row, now, actor)
                return SaveResult(_stored(row), created=True)
        except IntegrityError:
            # Another process stored the same article a moment ago: its copy is the article.
            async with self._db.sessions() as session:
                existing = await self._find_duplicate(session, new)
            if existing is None:
                raise
            return SaveResult(_stored(existing), created=False)

    async def save_many(
        self,
        batch: Sequence[NewArticle],
        *,
        now: dt.datetime,
        actor: Actor | None = None,
        origin: str = "",
        backfill: bool = True,
    ) -> list[ArticleChange]:
        """Store a batch in one transaction (bulk import); returns the new ones, in seq order.

        With `backfill` (a bulk import, not a feed's new items) the articles are marked so: a
        digest leaves out those dated long before it.

        Articles whose canonical address, text or external id is already stored, or repeated in
        the batch, are left out. The result is what the search index needs to add them. With an
        `actor`, an "import" audit entry ("N added from `origin`") is written in the same
        transaction.
        """
        async with self._db.transaction() as session:
            known_hashes, known_external, known_urls = await _known_keys(session, batch)
            fresh = [
                a
                for a in _unique(batch)
                if a.content_hash not in known_hashes
                and (a.external_id or "") not in known_external
                and (a.canonical_url or "") not in known_urls
            ]
            if not fresh:
                return []
            last = await next_seq(session, len(fresh))
            first = last - len(fresh) + 1
            # Core executemany: the ORM's bulk insert costs several times the statement.
            # The check above read before this transaction held the write lock: another
            # import, bot or feed may have stored the same article since. Such a row is
            # skipped here (a duplicate), never an error that costs the batch.
            await insert_rows(
                session,
                cast(Table, Article.__table__),
                _NEW_COLUMNS,
                [_new_row(new, now, first + offset, backfill) for offset, new in enumerate(fresh)],
                skip_conflicts=True,
            )
            # The ids, by the change numbers this transaction reserved (an indexed range);
            # a number whose row was skipped is left unused.
            ids = await session.execute(
                select(Article.change_seq, Article.id).where(
                    Article.change_seq >= first, Article.change_seq <= last
                )
            )
            id_of = {int(seq): int(article_id) for seq, article_id in ids}
            if actor is not None and id_of:
                # What was stored: a row another process stored meanwhile is not counted.
                added = len(id_of)
                detail = f"{added} added from {origin}" if origin else f"{added} added"
                session.add(audit_entry("import", now=now, actor=actor, detail=detail))
            return [
                ArticleChange(
                    first + n,
                    id_of[first + n],
                    a.title,
                    a.text,
                    a.published,
                    False,
                    a.clutter,
                    lang=a.lang,
                    source=a.source,
                )
                for n, a in enumerate(fresh)
                if first + n in id_of
            ]

    async def update_from_origin(
        self,
        chat_id: int,
        message_id: int,
        new: NewArticle,
        *,
        now: dt.datetime,
        actor: Actor | None = None,
    ) -> StoredArticle | None:
        """Replace the article that came from this message (an edited channel post).

        With an `actor`, the "edit" audit entry is written in the same transaction.
        """
        async with self._db.transaction() as session:
            row = await session.scalar(_live_from(chat_id, message_id))
            if row is None:
                return None
            clash = await session.scalar(
                select(Article.id).where(
                    Article.content_hash == new.content_hash, Article.id != row.id
                )
            )
            if clash is None:
                row.content_hash = new.content_hash
            await _rewrite(session, row, new, now, actor)
            return _stored(row)

    async def replace(
        self, article_id: int, new: NewArticle, *, now: dt.datetime, actor: Actor | None = None
    ) -> tuple[Change, StoredArticle | None]:
        """An editor's new version of a live article.

        Returns (EDITED, article), (MISSING, None), or (CLASH, the other article that
        already holds this text). With an `actor`, the "edit" audit entry is written in the
        same transaction.
        """
        async with self._db.transaction() as session:
            row = await session.get(Article, article_id)
            if row is None or row.deleted_at is not None:
                return Change.MISSING, None
            clash = await session.scalar(
                select(Article).where(
                    Article.content_hash == new.content_hash, Article.id != row.id
                )
            )
            if clash is not None:
                return Change.CLASH, _stored(clash)
            row.content_hash = new.content_hash
            await _rewrite(session, row, new, now, actor)
            return Change.EDITED, _stored(row)

    async def delete(
        self, article_id: int, *, now: dt.datetime, actor: Actor | None = None
    ) -> StoredArticle | None:
        """Mark an article deleted (kept as a tombstone); None if there is no such article.

        With an `actor`, the "delete" audit entry is written in the same transaction.
        """
        async with self._db.transaction() as session:
            row = await session.get(Article, article_id)
            if row is None or row.deleted_at is not None:
                return None
            row.deleted_at = now
            row.updated_at = now
            # Free the identity so the same text can be added again later.
            row.content_hash = f"deleted:{row.id}"
            row.external_id = None
            row.canonical_url = None
            row.origin_message_id = None
            row.change_seq = await next_seq(session)
            _audit(session, "delete", row, now, actor)
            return _stored(row)

    async def restore(
        self,
        article_id: int,
        content_hash: str,
        *,
        now: dt.datetime,
        deleted_since: dt.datetime,
        actor: Actor | None = None,
    ) -> tuple[Change, StoredArticle | None]:
        """Bring back an article deleted at or after `deleted_since`.

        Returns (RESTORED, article), (LIVE, article) if it was never deleted, (EXPIRED, None),
        (MISSING, None), or (CLASH, the live article that now holds the same text). With an
        `actor`, the "restore" audit entry is written in the same transaction.
        """
        async with self._db.transaction() as session:
            row = await session.get(Article, article_id)
            if row is None:
                return Change.MISSING, None
            if row.deleted_at is None:
                return Change.LIVE, _stored(row)
            if row.deleted_at < deleted_since:
                return Change.EXPIRED, None
            clash = await session.scalar(
                select(Article).where(
                    Article.content_hash == content_hash, Article.deleted_at.is_(None)
                )
            )
            if clash is not None:
                return Change.CLASH, _stored(clash)
            row.deleted_at = None
            row.content_hash = content_hash
            row.updated_at = now
            # A new change number puts it back into the search index.
            row.change_seq = await next_seq(session)
            _audit(session, "restore", row, now, actor)
            return Change.RESTORED, _stored(row)

    async def set_lang(
        self, article_id: int, lang: str, *, now: dt.datetime, actor: Actor | None = None
    ) -> tuple[Change, StoredArticle | None]:
        """An editor's correction of a live article's language (re-indexed for it): EDITED,
        SAME when it is in that language already (nothing changes, nothing is audited), or
        MISSING. With an `actor`, audited in the same transaction."""
        async with self._db.transaction() as session:
            row = await session.get(Article, article_id)
            if row is None or row.deleted_at is not None:
                return Change.MISSING, None
            if row.lang == lang:
                return Change.SAME, _stored(row)
            row.lang, row.updated_at = lang, now
            # A new change number: the index files it under its new language.
            row.change_seq = await next_seq(session)
            if actor is not None:
                entry = audit_entry("lang", now=now, actor=actor, article_id=row.id, detail=lang)
                session.add(entry)
            return Change.EDITED, _stored(row)

    async def counter(self, name: str) -> int:
        """A named counter's value (0 if it was never set)."""
        async with self._db.sessions() as session:
            return int(await session.scalar(select(Counter.value).where(Counter.name == name)) or 0)

    async def set_counter(self, name: str, value: int) -> None:
        """Set a named counter (a version the articles were brought up to)."""
        try:
            async with self._db.transaction() as session:
                row = await session.get(Counter, name)
                if row is None:
                    session.add(Counter(name=name, value=value))
                else:
                    row.value = value
        except IntegrityError:
            # Another process set it first (both starting at once): set it over theirs.
            async with self._db.transaction() as session:
                await session.execute(
                    update(Counter).where(Counter.name == name).values(value=value)
                )

    async def reread(self, changes: Sequence[tuple[int, str, str, str | None]]) -> None:
        """Store headlines, clutter and sources read again by newer rules: (id, title,
        clutter, source) each.

        Not an edit (no audit entry, the text is the same), but a new change number, so that
        the index files the new headline.
        """
        if not changes:
            return
        async with self._db.transaction() as session:
            last = await next_seq(session, len(changes))
            for seq, (article_id, title, clutter, source) in enumerate(
                changes, start=last - len(changes) + 1
            ):
                await session.execute(
                    update(Article)
                    .where(Article.id == article_id)
                    .values(title=title, clutter=clutter, source=source, change_seq=seq)
                )

    async def get(self, article_id: int) -> StoredArticle | None:
        """One live article."""
        async with self._db.sessions() as session:
            row = await session.get(Article, article_id)
            return None if row is None or row.deleted_at is not None else _stored(row)

    async def by_origin(self, chat_id: int, message_id: int) -> StoredArticle | None:
        """The live article that came from this message, if any."""
        async with self._db.sessions() as session:
            row = await session.scalar(_live_from(chat_id, message_id))
            return None if row is None else _stored(row)

    async def last_origin_message(self, chat_id: int) -> int:
        """The highest message id of this chat an article came from, deleted ones too (0: none)."""
        async with self._db.sessions() as session:
            found = await session.scalar(
                select(func.max(Article.origin_message_id)).where(Article.origin_chat_id == chat_id)
            )
            return int(found or 0)

    async def deleted_text(self, article_id: int) -> str | None:
        """The text of a deleted article (None if it is live or absent)."""
        async with self._db.sessions() as session:
            row = await session.get(Article, article_id)
            return row.text if row is not None and row.deleted_at is not None else None

    async def get_many(self, ids: Sequence[int]) -> dict[int, StoredArticle]:
        """Live articles by id (missing and deleted ones are left out)."""
        if not ids:
            return {}
        if not self._db.is_sqlite:
            # Every question runs this: through the driver it costs a fraction of the ORM's.
            async with self._db.driver_connection() as conn:
                rows = await conn.fetch(PG_GET_MANY, list(ids))
            return {
                r["id"]: StoredArticle(
                    id=r["id"],
                    title=r["title"],
                    text=r["text"],
                    published=r["published"],
                    source=r["source"],
                    url=r["url"],
                    external_id=r["external_id"],
                    created_at=r["created_at"].astimezone(dt.UTC),
                    clutter=r["clutter"],
                    lang=r["lang"],
                    backfill=r["backfill"],
                )
                for r in rows
            }
        found = await self._sqlite_get_many(ids)
        if found is not None:
            return found
        async with self._db.sessions() as session:
            rows = await session.scalars(
                select(Article).where(Article.id.in_(list(ids)), Article.deleted_at.is_(None))
            )
            return {r.id: _stored(r) for r in rows}

    async def _sqlite_get_many(self, ids: Sequence[int]) -> dict[int, StoredArticle] | None:
        """`get_many` on SQLite's reader connection; None where there is none (PostgreSQL,
        an in-memory database)."""
        if not self._db.is_sqlite:
            return None
        wanted = list(dict.fromkeys(ids))
        found: dict[int, StoredArticle] = {}
        for at in range(0, len(wanted), SQLITE_CHUNK):
            chunk = wanted[at : at + SQLITE_CHUNK]
            rows = await self._db.sqlite_fetch(
                SQLITE_GET_MANY.format(marks=",".join("?" * len(chunk))), chunk
            )
            if rows is None:
                return None
            for row in rows:
                article = _sqlite_stored(row)
                found[article.id] = article
        return found

    async def added_after(self, article_id: int, upto: int, *, limit: int) -> list[StoredArticle]:
        """Live articles with article_id < id <= upto, oldest first."""
        async with self._db.sessions() as session:
            rows = await session.scalars(
                select(Article)
                .where(Article.id > article_id, Article.id <= upto, Article.deleted_at.is_(None))
                .order_by(Article.id)
                .limit(limit)
            )
            return [_stored(r) for r in rows]

    async def last_id(self) -> int:
        """The newest article id (0 for an empty archive)."""
        async with self._db.sessions() as session:
            return int(await session.scalar(select(func.coalesce(func.max(Article.id), 0))) or 0)

    async def last_id_before(self, moment: dt.datetime) -> int:
        """The newest article id stored before `moment` (0 if none)."""
        async with self._db.sessions() as session:
            value = await session.scalar(
                select(func.coalesce(func.max(Article.id), 0)).where(Article.created_at < moment)
            )
            return int(value or 0)

    async def newest_published(self) -> dt.date | None:
        """The date of the newest live article (None for an empty archive)."""
        async with self._db.sessions() as session:
            # ORDER BY ... LIMIT 1 walks the date index backwards; max() with a WHERE would not.
            return await session.scalar(
                select(Article.published)
                .where(Article.deleted_at.is_(None))
                .order_by(Article.published.desc())
                .limit(1)
            )

    async def last_seq(self) -> int:
        """The newest change number."""
        async with self._db.sessions() as session:
            value = await session.scalar(
                select(Counter.value).where(Counter.name == CHANGE_COUNTER)
            )
            return int(value or 0)

    async def live_count(self, *, upto_seq: int) -> int:
        """How many live articles the change feed gave the index up to change `upto_seq`.

        Rows with change number 0 are outside the feed (bench/digest.py stores such rows).
        """
        async with self._db.sessions() as session:
            value = await session.scalar(
                select(func.count()).where(
                    Article.deleted_at.is_(None),
                    Article.change_seq > 0,
                    Article.change_seq <= upto_seq,
                )
            )
            return int(value or 0)

    async def feed_count(self, *, upto_seq: int) -> int:
        """How many changes a rebuilt index is given up to change `upto_seq`: one an article,
        its latest (deleted ones too: the index learns they are gone), not every change made."""
        async with self._db.sessions() as session:
            value = await session.scalar(
                select(func.count()).where(Article.change_seq > 0, Article.change_seq <= upto_seq)
            )
            return int(value or 0)

    async def changes_after(
        self, seq: int, *, limit: int, max_chars: int | None = None
    ) -> list[ArticleChange]:
        """Changes the index has not seen yet, in order: at most `limit`, and with `max_chars`
        no more than fit in that many characters of text (always at least one), so a run of
        200,000-character articles costs no more memory than a run of short ones."""
        async with self._db.sessions() as session:
            last: int | None = None
            if max_chars is not None:
                sizes = await session.execute(
                    select(Article.change_seq, func.length(Article.text))
                    .where(Article.change_seq > seq)
                    .order_by(Article.change_seq)
                    .limit(limit)
                )
                total = 0
                for change, size in sizes:
                    total += int(size or 0)
                    if total > max_chars and last is not None:
                        break
                    last = int(change)
                if last is None:
                    return []
            rows = await session.execute(
                select(
                    Article.change_seq,
                    Article.id,
                    Article.title,
                    Article.text,
                    Article.published,
                    Article.deleted_at,
                    Article.clutter,
                    Article.lang,
                    Article.source,
                )
                .where(
                    Article.change_seq > seq,
                    Article.change_seq <= last if last is not None else true(),
                )
                .order_by(Article.change_seq)
                .limit(limit)
            )
            return [
                ArticleChange(
                    s, i, t, x, p, deleted=d is not None, clutter=c, lang=lang, source=src
                )
                for s, i, t, x, p, d, c, lang, src in rows
            ]

    async def stats(self) -> ArchiveStats:
        """Counts for /stats."""
        async with self._db.sessions() as session:
            live = Article.deleted_at.is_(None)
            articles = await session.scalar(select(func.count()).where(live))
            sources = await session.scalar(
                select(func.count(func.distinct(Article.source))).where(live)
            )
            deleted = await session.scalar(
                select(func.count()).where(Article.deleted_at.is_not(None))
            )
            return ArchiveStats(int(articles or 0), int(sources or 0), int(deleted or 0))

    @staticmethod
    def _row(new: NewArticle, now: dt.datetime, seq: int) -> Article:
        return Article(**_values(new, now, seq))

    async def find_by_canonical_url(self, canonical_url: str) -> StoredArticle | None:
        """The live article stored from this (normalised) address, if any."""
        async with self._db.sessions() as session:
            row = await session.scalar(
                select(Article).where(Article.canonical_url == canonical_url)
            )
            return None if row is None else _stored(row)

    @staticmethod
    async def _find_duplicate(session: AsyncSession, new: NewArticle) -> Article | None:
        # The canonical address first: the same page fetched twice may differ in a few words.
        if new.canonical_url:
            row = await session.scalar(
                select(Article).where(Article.canonical_url == new.canonical_url)
            )
            if row is not None:
                return row
        row = await session.scalar(select(Article).where(Article.content_hash == new.content_hash))
        if row is None and new.external_id:
            row = await session.scalar(
                select(Article).where(Article.external_id == new.external_id)
            )
        return row


async def _rewrite(
    session: AsyncSession, row: Article, new: NewArticle, now: dt.datetime, actor: Actor | None
) -> None:
    """Give a live article its new version: a new change number, and the "edit" audit entry."""
    row.title, row.text, row.published = new.title, new.text, new.published
    row.text_chars = len(new.text)
    row.clutter = new.clutter
    row.source = new.source or row.source
    row.lang = new.lang or row.lang
    row.updated_at = now
    row.change_seq = await next_seq(session)
    _audit(session, "edit", row, now, actor)


def _audit(
    session: AsyncSession, action: str, row: Article, now: dt.datetime, actor: Actor | None
) -> None:
    # Part of the change's own transaction: both are stored, or neither.
    if actor is not None:
        session.add(audit_entry(action, now=now, actor=actor, article_id=row.id, detail=row.title))


async def _known_keys(
    session: AsyncSession, batch: Sequence[NewArticle]
) -> tuple[set[str], set[str], set[str]]:
    """The content hashes, external ids and canonical URLs of this batch stored already."""
    table = cast(Table, Article.__table__)
    return (
        await stored_values(session, table, "content_hash", [a.content_hash for a in batch]),
        await stored_values(
            session, table, "external_id", [a.external_id for a in batch if a.external_id]
        ),
        await stored_values(
            session, table, "canonical_url", [a.canonical_url for a in batch if a.canonical_url]
        ),
    )


_NEW_COLUMNS = (
    "external_id",
    "title",
    "text",
    "text_chars",
    "published",
    "source",
    "lang",
    "url",
    "clutter",
    "canonical_url",
    "content_hash",
    "origin_chat_id",
    "origin_message_id",
    "added_by",
    "created_at",
    "updated_at",
    "change_seq",
    "backfill",
)


def _new_row(new: NewArticle, now: dt.datetime, seq: int, backfill: bool) -> tuple[object, ...]:
    """A bulk import's row, in the order of _NEW_COLUMNS (the values of `_values`)."""
    return (
        new.external_id,
        new.title,
        new.text,
        len(new.text),
        new.published,
        new.source,
        new.lang,
        new.url,
        new.clutter,
        new.canonical_url,
        new.content_hash,
        new.origin_chat_id,
        new.origin_message_id,
        new.added_by,
        now,
        now,
        seq,
        backfill,
    )


def _values(new: NewArticle, now: dt.datetime, seq: int) -> dict[str, object]:
    return {
        "external_id": new.external_id,
        "title": new.title,
        "text": new.text,
        "text_chars": len(new.text),
        "published": new.published,
        "source": new.source,
        "lang": new.lang,
        "url": new.url,
        "clutter": new.clutter,
        "canonical_url": new.canonical_url,
        "content_hash": new.content_hash,
        "origin_chat_id": new.origin_chat_id,
        "origin_message_id": new.origin_message_id,
        "added_by": new.added_by,
        "created_at": now,
        "updated_at": now,
        "change_seq": seq,
    }


def _unique(batch: Sequence[NewArticle]) -> list[NewArticle]:
    seen_hash: set[str] = set()
    seen_external: set[str] = set()
    seen_urls: set[str] = set()
    kept = []
    for new in batch:
        if (
            new.content_hash in seen_hash
            or (new.external_id and new.external_id in seen_external)
            or (new.canonical_url and new.canonical_url in seen_urls)
        ):
            continue
        seen_hash.add(new.content_hash)
        if new.external_id:
            seen_external.add(new.external_id)
        if new.canonical_url:
            seen_urls.add(new.canonical_url)
        kept.append(new)
    return kept


def _live_from(chat_id: int, message_id: int) -> Select[Article]:
    """The live article that came from this message."""
    return select(Article).where(
        Article.origin_chat_id == chat_id,
        Article.origin_message_id == message_id,
        Article.deleted_at.is_(None),
    )
