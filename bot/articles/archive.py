"""Keeping articles: parse, store once, and keep the search index in step with the database."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.articles.parsing import content_hash, parse_article
from bot.clock import Clock
from storage.articles import (
    ArchiveStats,
    ArticleChange,
    ArticleStore,
    NewArticle,
    StoredArticle,
)
from storage.articles import (
    Change as Change,  # re-exported: handlers read outcomes
)
from storage.articles import SaveResult as SaveResult  # re-exported: what handlers are told
from storage.audit import Actor as Actor  # re-exported: handlers name who makes a change
from storage.search_index import IndexChange, IndexLocked, SearchIndex
from storage.tombstones import TombstoneStore

log = logging.getLogger(__name__)

MAX_ARTICLE_CHARS = 200_000
RESTORE_DAYS = 30
INDEX_BATCH = 5_000
# An import commits the index this often (new articles), so a bot beside it sees progress.
IMPORT_COMMIT_EVERY = 50_000
T = TypeVar("T")


class RejectedInput(ValueError):
    """Input that cannot become an article; the message is for the user."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a text came from in Telegram (so an edit can find it again)."""

    chat_id: int | None = None
    message_id: int | None = None
    added_by: int | None = None


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One article from a file: only `text` is required."""

    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    external_id: str | None = None
    canonical_url: str | None = None


@dataclass(frozen=True, slots=True)
class Written(Generic[T]):
    """What a write returned, and whether search already reflects it.

    `searchable` is False when the database committed the change but the search index could
    not take it (its disk is full, another process holds it): the change is stored, and the
    index catches up from the database later (the follow job, the next write, a restart).
    """

    value: T
    searchable: bool = True


@dataclass(slots=True)
class ImportReport:
    added: int = 0
    duplicates: int = 0
    rejected: list[str] = field(default_factory=list)


class Archive:
    """The archive as the rest of the bot sees it."""

    def __init__(
        self,
        articles: ArticleStore,
        index: SearchIndex,
        clock: Clock,
        tombstones: TombstoneStore,
    ) -> None:
        self.articles = articles
        self._tombstones = tombstones
        self.index = index
        self._clock = clock
        self._sync_lock = asyncio.Lock()
        self._index_failing = False

    def build(
        self,
        raw: str,
        *,
        published: dt.date | None = None,
        title: str | None = None,
        source: str | None = None,
        url: str | None = None,
        external_id: str | None = None,
        canonical_url: str | None = None,
        origin: Origin | None = None,
    ) -> NewArticle:
        """Parse a text into an article ready to store, or raise RejectedInput."""
        # Lone surrogates cannot be stored as UTF-8: keep the rest of the text, mark the spot.
        raw = raw.encode("utf-8", "replace").decode("utf-8")
        if len(raw) > MAX_ARTICLE_CHARS:
            raise RejectedInput(
                f"That text is too long to be one article ({len(raw):,} characters; "
                f"the limit is {MAX_ARTICLE_CHARS:,})."
            )
        parsed = parse_article(raw, title=title)
        if len(parsed.text) < 20 or not any(ch.isalpha() for ch in parsed.text):
            raise RejectedInput("That doesn't look like an article: there is no text to keep.")
        origin = origin or Origin()
        return NewArticle(
            title=parsed.title or parsed.text[:80],
            text=parsed.text,
            published=parsed.published or published or self._clock.now().date(),
            content_hash=content_hash(parsed.text),
            source=source or parsed.source,
            url=url,
            external_id=external_id,
            canonical_url=canonical_url,
            origin_chat_id=origin.chat_id,
            origin_message_id=origin.message_id,
            added_by=origin.added_by,
        )

    async def get(self, article_id: int) -> StoredArticle | None:
        """A live article by number (None when there is none, or it was deleted)."""
        return await self.articles.get(article_id)

    async def stats(self) -> ArchiveStats:
        """Counts for /stats."""
        return await self.articles.stats()

    async def add(self, new: NewArticle, *, actor: Actor | None = None) -> Written[SaveResult]:
        """Store one article (once, audited with it) and make it searchable before returning."""
        result = await self.articles.save(new, now=self._clock.now(), actor=actor)
        return Written(result, await self.catch_up() if result.created else True)

    async def update_from_origin(
        self, chat_id: int, message_id: int, new: NewArticle, *, actor: Actor | None = None
    ) -> Written[StoredArticle | None]:
        """An edited channel post replaces the stored article."""
        stored = await self.articles.update_from_origin(
            chat_id, message_id, new, now=self._clock.now(), actor=actor
        )
        return Written(stored, await self.catch_up() if stored is not None else True)

    async def replace(
        self, article_id: int, new: NewArticle, *, actor: Actor | None = None
    ) -> Written[tuple[Change, StoredArticle | None]]:
        """Replace an article's text; searchable in its new form before this returns."""
        outcome = await self.articles.replace(article_id, new, now=self._clock.now(), actor=actor)
        return Written(outcome, await self.catch_up() if outcome[0] is Change.EDITED else True)

    async def delete(
        self, article_id: int, *, actor: Actor | None = None
    ) -> Written[StoredArticle | None]:
        """Delete an article; answers leave it out at once (they read only live articles)."""
        stored = await self.articles.delete(article_id, now=self._clock.now(), actor=actor)
        return Written(stored, await self.catch_up() if stored is not None else True)

    async def restore(
        self, article_id: int, *, actor: Actor | None = None
    ) -> Written[tuple[Change, StoredArticle | None]]:
        """Undo a delete from the last RESTORE_DAYS days; see ArticleStore.restore for results."""
        deleted = await self.articles.deleted_text(article_id)
        if deleted is None:
            live = await self.articles.get(article_id)
            return Written((Change.LIVE, live) if live is not None else (Change.MISSING, None))
        now = self._clock.now()
        outcome = await self.articles.restore(
            article_id,
            content_hash(deleted),
            now=now,
            deleted_since=now - dt.timedelta(days=RESTORE_DAYS),
            actor=actor,
        )
        return Written(outcome, await self.catch_up() if outcome[0] is Change.RESTORED else True)

    async def purge_deleted(self) -> int:
        """Erase the words of articles deleted more than RESTORE_DAYS ago (audited)."""
        erased = await self._tombstones.purge(
            deleted_before=self._clock.now() - dt.timedelta(days=RESTORE_DAYS),
            now=self._clock.now(),
            why=f"deleted over {RESTORE_DAYS} days ago",
            actor=Actor(),
        )
        if erased:
            log.info("erased %d article(s) deleted over %d days ago", erased, RESTORE_DAYS)
        return erased

    async def catch_up(self) -> bool:
        """Bring the index up to date with the database; False if it could not be, now.

        Never raises: after a committed change, a full disk or a broken index directory must
        not make the change look lost. The traceback is logged once per failing spell; the
        follow job, the next write or a restart catches up once the index can be written.
        """
        try:
            # Every change committed so far, ours included: the index must reach this one.
            target = await self.articles.last_seq()
            await self.sync_index()
        except Exception:
            if self._index_failing:
                log.warning("search index still cannot be written; it is behind the database")
            else:
                log.exception("search index could not be written; it will catch up later")
            self._index_failing = True
            return False
        complete = self.index.watermark >= target
        if complete and self._index_failing:
            log.info("search index has caught up with the database again")
            self._index_failing = False
        return complete

    async def import_records(
        self,
        records: Iterable[ImportRecord],
        *,
        batch_size: int = 2_000,
        progress: Callable[[int], object] | None = None,
        commit_every: int = IMPORT_COMMIT_EVERY,
        actor: Actor | None = None,
        origin: str = "",
    ) -> ImportReport:
        """Bulk import; each batch is one transaction, the index one writer for the whole run.

        Batches are indexed as they are stored and committed to the index every
        `commit_every` new articles and at the end. A crash in between loses only index work:
        the watermark stays at the last commit, and the next sync (start-up) replays the rest.
        With an `actor`, each batch's "import" audit entry (added from `origin`) is written in
        the batch's own transaction.
        """
        report = ImportReport()
        save = functools.partial(self._save_batch, actor=actor, origin=origin)
        batches = self._build_batches(records, report, progress, batch_size)
        async with self._sync_lock:
            try:
                await asyncio.to_thread(self.index.open_writer, bulk=True)
            except IndexLocked:
                writer = False
            else:
                writer = True
                ok = False
                try:
                    await self._import_indexing(batches, report, commit_every, save)
                    ok = True
                finally:
                    await asyncio.to_thread(self.index.close_writer, ok=ok)
        if not writer:
            # Another process is writing the index (another import): store the articles;
            # that process or a later sync indexes them from the change feed.
            log.warning("search index busy in another process; importing, indexing later")
            async for batch in batches:
                await save(batch, report)
            await self.sync_index()
        return report

    async def _import_indexing(
        self,
        batches: AsyncIterator[list[NewArticle]],
        report: ImportReport,
        commit_every: int,
        save: Callable[[list[NewArticle], ImportReport], Awaitable[list[ArticleChange]]],
    ) -> None:
        index = self.index
        indexed = index.watermark  # every change up to here is staged or committed
        committed = indexed
        async for batch in batches:
            created = await save(batch, report)
            if not created:
                continue
            if created[0].seq == indexed + 1:
                await asyncio.to_thread(index.stage, _index_changes(created))
                indexed = created[-1].seq
            else:
                # Another process changed articles in between: take those too.
                indexed = await self._stage_changes_after(indexed)
            if indexed - committed >= commit_every:
                await asyncio.to_thread(index.commit, indexed)
                committed = indexed
        indexed = await self._stage_changes_after(indexed)
        await asyncio.to_thread(index.commit, indexed)

    async def _save_batch(
        self,
        batch: list[NewArticle],
        report: ImportReport,
        *,
        actor: Actor | None,
        origin: str,
    ) -> list[ArticleChange]:
        created = await self.articles.save_many(
            batch, now=self._clock.now(), actor=actor, origin=origin
        )
        report.added += len(created)
        report.duplicates += len(batch) - len(created)
        return created

    async def sync_index(self) -> int:
        """Apply every change the index has not seen; returns how many were applied.

        Changes another process committed to a shared index are taken over without writing.
        While another process imports into it, nothing is written here and nothing waits:
        the import indexes every change in the database as it goes (ours too) and commits
        every IMPORT_COMMIT_EVERY articles; a later sync (the follow job) takes that over.
        """
        applied = 0
        async with self._sync_lock:
            await asyncio.to_thread(self.index.follow)
            while True:
                if await asyncio.to_thread(self.index.bulk_writer_elsewhere):
                    log.debug("search index: an import in another process is writing it")
                    return applied
                changes = await self.articles.changes_after(self.index.watermark, limit=INDEX_BATCH)
                if not changes:
                    return applied
                try:
                    await asyncio.to_thread(
                        self.index.apply, _index_changes(changes), changes[-1].seq
                    )
                except IndexLocked:
                    # Another process (e.g. `newsbot import`) is writing the index; the
                    # changes are safe in the database and the next sync applies them.
                    if not await asyncio.to_thread(self.index.follow):
                        log.warning("search index busy in another process; will catch up later")
                    return applied
                applied += len(changes)

    async def _stage_changes_after(self, seq: int) -> int:
        """Stage every change after `seq` from the database (writer open); returns the last."""
        while True:
            changes = await self.articles.changes_after(seq, limit=INDEX_BATCH)
            if not changes:
                return seq
            await asyncio.to_thread(self.index.stage, _index_changes(changes))
            seq = changes[-1].seq

    async def rebuild_index(self) -> int:
        """Drop the index and build it again from the database."""
        async with self._sync_lock:
            await asyncio.to_thread(self.index.reset)
        return await self.sync_index()

    async def _build_batches(
        self,
        records: Iterable[ImportRecord],
        report: ImportReport,
        progress: Callable[[int], object] | None,
        size: int,
    ) -> AsyncIterator[list[NewArticle]]:
        """Read and parse `size` records at a time, each batch on a thread while the caller
        stores the one before (SQLite works without the GIL, so the two overlap)."""
        numbered = enumerate(records, start=1)

        def build_next() -> list[NewArticle] | None:
            chunk = list(itertools.islice(numbered, size))
            if not chunk:
                return None
            if progress is not None:
                progress(len(chunk))
            built = []
            for number, record in chunk:
                try:
                    built.append(
                        self.build(
                            record.text,
                            published=record_date(record.date),
                            title=record.title,
                            source=record.source,
                            url=record.url,
                            external_id=record.external_id,
                            canonical_url=record.canonical_url,
                        )
                    )
                except RejectedInput as exc:
                    report.rejected.append(f"record {number}: {exc}")
            return built

        pending = asyncio.ensure_future(asyncio.to_thread(build_next))
        try:
            while (batch := await pending) is not None:
                pending = asyncio.ensure_future(asyncio.to_thread(build_next))
                if batch:
                    yield batch
        finally:
            # Stopped early (an error while storing): let the batch being parsed finish
            # before the records' source is closed.
            if not pending.done():
                await asyncio.wait([pending])
            elif not pending.cancelled():
                pending.exception()  # retrieved, so asyncio does not log it as forgotten


def _index_changes(changes: Iterable[ArticleChange]) -> list[IndexChange]:
    return [
        IndexChange(c.article_id, c.title, c.text, c.published, deleted=c.deleted) for c in changes
    ]


def record_date(value: str | None) -> dt.date | None:
    """A date written YYYY-MM-DD (anything after it ignored); None when there is none."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
