"""Keeping articles: parse, store once, and keep the search index in step with the database."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import functools
import itertools
import logging
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from bot.articles.building import (
    MAX_ARTICLE_CHARS as MAX_ARTICLE_CHARS,  # re-exported: the limit users are told
)
from bot.articles.building import ImportRecord as ImportRecord
from bot.articles.building import JsonLine, build_article, reread
from bot.articles.building import Origin as Origin
from bot.articles.building import RejectedInput as RejectedInput
from bot.articles.building import record_date as record_date
from bot.articles.clutter.spans import without_clutter
from bot.articles.parsing import content_hash
from bot.articles.workers import Built, build_batch, parse_pool
from bot.clock import Clock
from bot.i18n import N_, Phrase
from bot.languages import detect
from storage.articles import (
    ArchiveStats,
    ArticleChange,
    ArticleStore,
    StoredArticle,
)
from storage.articles import (
    Change as Change,  # re-exported: handlers read outcomes
)
from storage.articles import NewArticle as NewArticle  # re-exported: what a message makes
from storage.articles import SaveResult as SaveResult  # re-exported: what handlers are told
from storage.audit import Actor as Actor  # re-exported: handlers name who makes a change
from storage.faults import crash_point
from storage.languages import OTHER
from storage.search_index import IndexChange, IndexLocked, SearchIndex
from storage.tombstones import TombstoneStore

if TYPE_CHECKING:
    from bot.stories.keeper import StoryKeeper
    from bot.stories.signature import Signature

log = logging.getLogger(__name__)

RESTORE_DAYS = 30
INDEX_BATCH = 5_000
# ...and at most this much text at once (5,000 typical articles are ~35 million characters;
# 5,000 of the longest would be a billion).
INDEX_BATCH_CHARS = 50_000_000
# An import commits the index this often (new articles), so a bot beside it sees progress.
IMPORT_COMMIT_EVERY = 50_000
# Worker processes parse an import's batches when a batch is at least this big (starting
# one costs about a second: small imports parse on a thread).
POOL_MIN_BATCH = 200
# Articles read again at a time by `reread` (about 20 MiB of text).
REREAD_PAGE = 2_000
# The version of the rules that find headlines and page clutter (bot/articles/clutter/,
# `without_site_name`): raise it when they change, and archives read by older ones are read
# anew at their next start (`reread_once`). 1: before it was recorded; 3: a headline's words
# inside a sentence are no repeat of it; 4: Russian, Arabic and Persian agency datelines;
# 5: an outlet's "(... and Agencies)" credit, TASS's and RIA Novosti's datelines; 6: a "see
# also" label and the link after it ("Также по теме"); 7: photo captions inside a paragraph,
# closed by their credit ("... August 21 2013. REUTERS/Bassam Khabieh We hope ..."); 8: a
# related story's box, its credit's slash lost ("... said. REUTERS Rodi Said Battle for ...");
# 9: a quote glued to its colon and closed after its full stop is no link ('گفت:"...!"');
# 10: embedded videos' titles ("... - YouTube"), inline "Read also" links, related stories'
# boxes before a Sputnik dateline, Sputnik's "Topic X (1881) Related" list, "SEND <link>";
# 11: Al-Ahram's header around "Print Tweet Views N Related" and the headlines after it;
# 12: scraped datelines in capitals ("BEIRUT ", "ROCHESTER, N.Y. — ", "AFP ") and bylined ones
# ("DAMASCUS Syria (The Associated Press Albert Aji)"); 13: photo credits on lines of their
# own ("РИА Новости", "© Reuters", "globallookpress.com") and the captions before them;
# 14: a dateline in capitals before "Two", "Three" or "More" and a capital ("BEIRUT Two
# Syrian soldiers ...").
READING_VERSION = 14
READING_COUNTER = "article_reading"
# Less free space than this on the index's disk: a failed index write is a full disk.
FULL_DISK_BYTES = 1 << 20
T = TypeVar("T")


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
    """What an import did: stored, already there, and each refused record with its reason.

    `index_error` is set when the articles are stored but the search index could not take
    them (its disk full, say): they are safe, and searchable once the index catches up.
    """

    added: int = 0
    duplicates: int = 0
    rejected: list[Phrase] = field(default_factory=list)
    index_error: Phrase | None = None
    # Lines of `.jsonl` files given undecoded (JsonLine) that are not article objects.
    unreadable: list[tuple[str | None, int]] = field(default_factory=list)


class Archive:
    """The archive as the rest of the bot sees it."""

    def __init__(
        self,
        articles: ArticleStore,
        index: SearchIndex,
        clock: Clock,
        tombstones: TombstoneStore,
        stories: StoryKeeper | None = None,
    ) -> None:
        self.articles = articles
        self._tombstones = tombstones
        self.index = index
        self.stories = stories
        self._clock = clock
        self._sync_lock = asyncio.Lock()
        self._index_failing = False
        self._index_problem: str | None = None
        # An import's story assignments, one batch after another, while the next batch is
        # stored and indexed (see `_join_stories_later`).
        self._story_chain: asyncio.Future[None] | None = None

    @property
    def index_problem(self) -> str | None:
        """Why search is behind the database right now, for /healthz (None when it is not)."""
        return self._index_problem or self.index.problem

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
        lang: str | None = None,
    ) -> NewArticle:
        """Parse a text into an article ready to store, or raise RejectedInput."""
        return build_article(
            raw,
            today=self._clock.now().date(),
            published=published,
            title=title,
            source=source,
            url=url,
            external_id=external_id,
            canonical_url=canonical_url,
            origin=origin,
            lang=lang,
        )

    async def get(self, article_id: int) -> StoredArticle | None:
        """A live article by number (None when there is none, or it was deleted)."""
        return await self.articles.get(article_id)

    async def was_deleted(self, article_id: int) -> bool:
        """Whether this article number names a deleted article."""
        return await self.articles.deleted_text(article_id) is not None

    async def stats(self) -> ArchiveStats:
        """Counts for /stats."""
        return await self.articles.stats()

    async def add(self, new: NewArticle, *, actor: Actor | None = None) -> Written[SaveResult]:
        """Store one article (once, audited with it) and make it searchable before returning."""
        result = await self.articles.save(new, now=self._clock.now(), actor=actor)
        crash_point("archive:saved")
        if result.created:
            await self._join_stories([(result.article.id, result.article.text)])
        return Written(result, await self.catch_up() if result.created else True)

    async def update_from_origin(
        self, chat_id: int, message_id: int, new: NewArticle, *, actor: Actor | None = None
    ) -> Written[StoredArticle | None]:
        """An edited channel post replaces the stored article."""
        stored = await self.articles.update_from_origin(
            chat_id, message_id, new, now=self._clock.now(), actor=actor
        )
        if stored is not None:
            await self._refresh_story_bands(stored.id, stored.text)
        return Written(stored, await self.catch_up() if stored is not None else True)

    async def from_origin(self, chat_id: int, message_id: int) -> StoredArticle | None:
        """The live article that came from this message (an edit of it may update it)."""
        return await self.articles.by_origin(chat_id, message_id)

    async def replace(
        self, article_id: int, new: NewArticle, *, actor: Actor | None = None
    ) -> Written[tuple[Change, StoredArticle | None]]:
        """Replace an article's text; searchable in its new form before this returns."""
        outcome = await self.articles.replace(article_id, new, now=self._clock.now(), actor=actor)
        if outcome[1] is not None and outcome[0] is Change.EDITED:
            await self._refresh_story_bands(article_id, outcome[1].text)
        return Written(outcome, await self.catch_up() if outcome[0] is Change.EDITED else True)

    async def delete(
        self, article_id: int, *, actor: Actor | None = None
    ) -> Written[StoredArticle | None]:
        """Delete an article; answers leave it out at once (they read only live articles)."""
        stored = await self.articles.delete(article_id, now=self._clock.now(), actor=actor)
        if stored is not None and self.stories is not None:
            try:
                await self.stories.hand_keys(article_id)
            except Exception:
                # (Its copies are still found by the keys they hold themselves.)
                log.exception("could not hand the story keys of article %d on", article_id)
        return Written(stored, await self.catch_up() if stored is not None else True)

    async def set_lang(
        self, article_id: int, lang: str, *, actor: Actor | None = None
    ) -> Written[tuple[Change, StoredArticle | None]]:
        """An editor's correction of an article's language; searched as that language at once
        (see ArticleStore.set_lang for results)."""
        outcome = await self.articles.set_lang(article_id, lang, now=self._clock.now(), actor=actor)
        return Written(outcome, await self.catch_up() if outcome[0] is Change.EDITED else True)

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
        except Exception as exc:
            if self._index_failing:
                log.debug("search index still cannot be written; it is behind the database")
            else:
                log.exception("search index could not be written; it will catch up later")
            self._index_failing = True
            why = _reason(exc, self.index.path)
            self._index_problem = (
                f"search index cannot be written ({why}); answers come from what "
                "it holds, and it catches up once it can be written"
            )
            return False
        complete = self.index.watermark >= target
        if complete and self._index_failing:
            log.info("search index has caught up with the database again")
            self._index_failing = False
            self._index_problem = None
        return complete

    async def verify_index(self) -> bool:
        """Check that the index holds what its watermark claims; rebuild it when it does not.

        Every live article changed at or before the watermark must be in the index, so it
        holds at least that many documents (a crash between clearing the index and writing
        its watermark once left it empty while claiming to be up to date). Cheap: one count
        in each. Returns True when a rebuild was needed (and done, or at least begun).
        """
        watermark = self.index.watermark
        expected = await self.articles.live_count(upto_seq=watermark)
        held = await asyncio.to_thread(self.index.num_docs)
        if held >= expected:
            return False
        log.warning(
            "search index holds %d articles but claims the %d changed up to change %d; "
            "rebuilding it from the database",
            held,
            expected,
            watermark,
        )
        await self.rebuild_index()
        return True

    async def start_index(self) -> None:
        """At start-up: rebuild a wrong index, catch up a late one; never stop the bot.

        A failing index (its disk full) leaves the bot answering from what the index holds;
        `index_problem` says why, and the follow job catches up once it can.
        """
        try:
            if self.index.watermark > await self.articles.last_seq():
                # Ahead of this database (a different or restored database): rebuild.
                log.warning("search index is ahead of the database; rebuilding it")
                await self.rebuild_index()
            else:
                await self.verify_index()
        except Exception:
            log.exception("search index could not be checked or rebuilt")
        before = self.index.watermark
        if await self.catch_up() and self.index.watermark > before:
            log.info("search index caught up to change %d", self.index.watermark)

    async def import_records(
        self,
        records: Iterable[ImportRecord | JsonLine],
        *,
        batch_size: int = 2_000,
        progress: Callable[[int], object] | None = None,
        commit_every: int = IMPORT_COMMIT_EVERY,
        actor: Actor | None = None,
        origin: str = "",
        backfill: bool = True,
        workers: int = 0,
    ) -> ImportReport:
        """Bulk import; each batch is one transaction, the index one writer for the whole run.

        Batches are indexed as they are stored and committed to the index every
        `commit_every` new articles and at the end. A crash in between loses only index work:
        the watermark stays at the last commit, and the next sync (start-up) replays the rest.
        With an `actor`, each batch's "import" audit entry (added from `origin`) is written in
        the batch's own transaction.
        """
        report = ImportReport()
        save = functools.partial(self._save_batch, actor=actor, origin=origin, backfill=backfill)
        batches = self._build_batches(records, report, progress, batch_size, workers)
        try:
            await self._import(batches, report, commit_every, save)
        finally:
            await self._stories_done()
        return report

    async def _import(
        self,
        batches: AsyncIterator[Built],
        report: ImportReport,
        commit_every: int,
        save: Callable[[Built, ImportReport], Awaitable[list[ArticleChange]]],
    ) -> None:
        async with self._sync_lock:
            try:
                await asyncio.to_thread(self.index.open_writer, bulk=True)
            except IndexLocked:
                writer = False
            except Exception as exc:  # the index's disk is full, its directory gone...
                writer = False
                report.index_error = _index_failure(exc, self.index.path)
            else:
                writer = True
                ok = False
                try:
                    ok = await self._import_indexing(batches, report, commit_every, save)
                finally:
                    try:
                        await asyncio.to_thread(self.index.close_writer, ok=ok)
                    except Exception as exc:
                        report.index_error = report.index_error or _index_failure(
                            exc, self.index.path
                        )
        if not writer:
            # Another process is writing the index (another import), or it cannot be
            # written: store the articles; a later sync indexes them from the change feed.
            if report.index_error is None:
                log.warning("search index busy in another process; importing, indexing later")
            async for batch in batches:
                await save(batch, report)
            if report.index_error is None:
                await self.sync_index()

    async def _import_indexing(
        self,
        batches: AsyncIterator[Built],
        report: ImportReport,
        commit_every: int,
        save: Callable[[Built, ImportReport], Awaitable[list[ArticleChange]]],
    ) -> bool:
        """Store every batch, indexing as it goes; False when the index failed on the way.

        A failing index stops only the indexing: the articles are still stored (their
        changes wait in the database), and the report says why search is behind.
        """
        index = self.index
        indexed = index.watermark  # every change up to here is staged or committed
        committed = indexed
        async for batch in batches:
            created = await save(batch, report)
            if not created or report.index_error is not None:
                continue
            try:
                if created[0].seq == indexed + 1:
                    await asyncio.to_thread(index.stage, _index_changes(created), fresh=True)
                    indexed = created[-1].seq
                else:
                    # Another process changed articles in between: take those too.
                    indexed = await self._stage_changes_after(indexed)
                if indexed - committed >= commit_every:
                    await asyncio.to_thread(index.commit, indexed)
                    committed = indexed
            except Exception as exc:
                report.index_error = _index_failure(exc, self.index.path)
        if report.index_error is not None:
            return False
        try:
            indexed = await self._stage_changes_after(indexed)
            await asyncio.to_thread(index.commit, indexed)
        except Exception as exc:
            report.index_error = _index_failure(exc, self.index.path)
            return False
        return True

    async def _save_batch(
        self,
        batch: Built,
        report: ImportReport,
        *,
        actor: Actor | None,
        origin: str,
        backfill: bool,
    ) -> list[ArticleChange]:
        created = await self.articles.save_many(
            batch.articles, now=self._clock.now(), actor=actor, origin=origin, backfill=backfill
        )
        crash_point("import:batch-stored")
        # (The heaps' free pages are not trimmed after each batch: the next batch faulted
        # them back in, 5% of an import's CPU, and with two heaps (bot/memory.py) the story
        # check adds nothing to the peak at 400,000 without it: docs/BENCHMARKS.md, stop 28.)
        await self._join_stories_later(
            [(c.article_id, c.text) for c in created], _signatures_of(created, batch)
        )
        report.added += len(created)
        report.duplicates += len(batch.articles) - len(created)
        return created

    async def _join_stories(
        self, new: list[tuple[int, str]], signed: Sequence[Signature | None] | None = None
    ) -> None:
        """New articles join the story of a near copy (see bot/stories).

        Never raises: the articles are stored; one left without a story gets it at the next
        start-up (StoryKeeper.catch_up) and meanwhile is a story of its own.
        """
        if self.stories is None or not new:
            return
        try:
            await self.stories.assign(new, signed)
        except Exception:
            log.exception(
                "could not assign stories to %d new article(s); next start-up will", len(new)
            )

    async def _join_stories_later(
        self, new: list[tuple[int, str]], signed: Sequence[Signature | None]
    ) -> None:
        """Assign stories to a stored batch while the import stores and indexes the next.

        One batch at a time, in order (each one's copies may be of the one before, and
        memory stays bounded); the import waits for the last before it returns.
        """
        await self._stories_done()
        if self.stories is not None and new:
            self._story_chain = asyncio.ensure_future(self._join_stories(new, signed))

    async def _stories_done(self) -> None:
        chain, self._story_chain = self._story_chain, None
        if chain is not None:
            await chain

    async def _refresh_story_bands(self, article_id: int, text: str) -> None:
        if self.stories is None:
            return
        try:
            await self.stories.refresh_bands(article_id, text)
        except Exception:
            log.exception("could not refresh the story keys of article %d", article_id)

    async def sync_index(self, *, progress: Callable[[int], object] | None = None) -> int:
        """Apply every change the index has not seen; returns how many were applied.

        Changes another process committed to a shared index are taken over without writing.
        While another process imports into it, nothing is written here and nothing waits:
        the import indexes every change in the database as it goes (ours too) and commits
        every IMPORT_COMMIT_EVERY articles; a later sync (the follow job) takes that over.
        """
        applied = 0
        total: int | None = None  # of a rebuild's progress lines
        async with self._sync_lock:
            await asyncio.to_thread(self.index.follow)
            while True:
                if await asyncio.to_thread(self.index.bulk_writer_elsewhere):
                    log.debug("search index: an import in another process is writing it")
                    return applied
                changes = await self.articles.changes_after(
                    self.index.watermark, limit=INDEX_BATCH, max_chars=INDEX_BATCH_CHARS
                )
                if not changes:
                    if self.index.rebuilding:
                        self.index.rebuilding = False
                        log.info("search index rebuilt for the new schema: %d change(s)", applied)
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
                if progress is not None:
                    progress(len(changes))
                if self.index.rebuilding:
                    if total is None:  # counted once: a count of every article at each batch
                        # (one change an article, as the index is given them: not the last number)
                        last = await self.articles.last_seq()
                        total = await self.articles.feed_count(upto_seq=last)
                    _log_rebuild_progress(applied, max(total, applied))

    async def _stage_changes_after(self, seq: int) -> int:
        """Stage every change after `seq` from the database (writer open); returns the last."""
        while True:
            changes = await self.articles.changes_after(
                seq, limit=INDEX_BATCH, max_chars=INDEX_BATCH_CHARS
            )
            if not changes:
                return seq
            await asyncio.to_thread(self.index.stage, _index_changes(changes))
            seq = changes[-1].seq

    async def reread_once(self) -> int:
        """At start-up: an archive whose articles older rules read gets them read anew, once
        (`reread`); how many changed."""
        try:
            if await self.articles.counter(READING_COUNTER) >= READING_VERSION:
                return 0
            if await self.articles.last_id():
                log.warning("reading every article's headline and clutter anew (once)")
            changed = await self.reread()
            await self.articles.set_counter(READING_COUNTER, READING_VERSION)
        except Exception:
            # The articles stay as they were read; the next start tries again.
            log.exception("articles could not be read anew")
            return 0
        if changed:
            log.warning("headlines or clutter read anew in %d articles", changed)
        return changed

    async def reread(
        self, *, progress: Callable[[int], object] | None = None, page: int = REREAD_PAGE
    ) -> int:
        """Read every live article's headline, clutter and source again by this version's
        rules and store those that changed; how many did (`progress` gets page sizes)."""
        changed = 0
        after, last = 0, await self.articles.last_id()
        while articles := await self.articles.added_after(after, last, limit=page):
            found = await asyncio.to_thread(_reread_page, articles)
            await self.articles.reread(found)
            changed += len(found)
            after = articles[-1].id
            if progress is not None:
                progress(len(articles))
        return changed

    async def rebuild_index(self, *, progress: Callable[[int], object] | None = None) -> int:
        """Drop the index and build it again from the database (`progress` gets batch sizes)."""
        async with self._sync_lock:
            await asyncio.to_thread(self.index.reset)
        return await self.sync_index(progress=progress)

    async def _build_batches(
        self,
        records: Iterable[ImportRecord | JsonLine],
        report: ImportReport,
        progress: Callable[[int], object] | None,
        size: int,
        workers: int,
    ) -> AsyncIterator[Built]:
        """Read `size` records at a time and parse them while the caller stores the batch
        before: on a thread (SQLite works without the GIL, so the two overlap), or, for an
        import of more than one batch with `workers`, in that many worker processes."""
        numbered = enumerate(records, start=1)
        today = self._clock.now().date()
        loop = asyncio.get_running_loop()

        def read_next() -> list[tuple[int, ImportRecord | JsonLine]]:
            chunk = list(itertools.islice(numbered, size))
            if chunk and progress is not None:
                progress(len(chunk))
            return chunk

        pool: ProcessPoolExecutor | None = None
        building: collections.deque[
            tuple[list[tuple[int, ImportRecord | JsonLine]], asyncio.Future[Built]]
        ]
        building = collections.deque()

        def start(chunk: list[tuple[int, ImportRecord | JsonLine]]) -> None:
            nonlocal pool
            future: asyncio.Future[Built]
            starting = pool is None and workers and len(chunk) == size >= POOL_MIN_BATCH
            if starting:
                pool = parse_pool(workers)
            if pool is not None and not starting:
                future = loop.run_in_executor(pool, build_batch, chunk, today)
            else:
                # No workers, or the first batch while they start: nothing else runs here yet.
                future = asyncio.ensure_future(asyncio.to_thread(build_batch, chunk, today))
            building.append((chunk, future))

        async def built(
            chunk: list[tuple[int, ImportRecord | JsonLine]], future: asyncio.Future[Built]
        ) -> Built:
            nonlocal pool
            try:
                return await future
            except BrokenProcessPool:
                # A worker died (killed, out of memory): parse the rest here.
                if pool is not None:
                    log.warning("import worker process died; parsing in this process")
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = None
                return await asyncio.to_thread(build_batch, chunk, today)

        try:
            while True:
                # Keep every worker busy (or one batch ahead on the thread).
                while len(building) < (workers + 1 if pool is not None else 1):
                    chunk = await asyncio.to_thread(read_next)
                    if not chunk:
                        break
                    start(chunk)
                if not building:
                    return
                batch = await built(*building.popleft())
                report.rejected.extend(batch.refused)
                report.unreadable.extend(batch.unreadable)
                if batch.articles:
                    yield batch
        finally:
            # Stopped early (an error while storing): nothing is left running.
            for _, future in building:
                future.cancel()
            if building:
                await asyncio.wait([f for _, f in building])
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)


def _index_failure(exc: BaseException, where: Path | None) -> Phrase:
    """One line on why the index could not be written (logged once with its traceback); the
    reason in brackets is the system's own words."""
    log.error("search index could not be written during an import", exc_info=exc)
    return Phrase.of(
        N_("the search index could not be written ({reason})"), reason=_reason(exc, where)
    )


def _reason(exc: BaseException, where: Path | None) -> str:
    """A short reason for an index failure, for a log line, /healthz or a summary."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if "No space left" in str(exc):  # tantivy's IO errors arrive as ValueError
        return "No space left on device"
    # A write that fails inside one of tantivy's threads comes back only as "an index writer
    # was killed": the disk itself says whether it is full.
    if where is not None:
        with contextlib.suppress(OSError):
            if shutil.disk_usage(where).free < FULL_DISK_BYTES:
                return "No space left on device"
    return type(exc).__name__


def _log_rebuild_progress(applied: int, total: int) -> None:
    """The progress line of a rebuild after a schema change (changes applied of all)."""
    log.info("rebuilding the search index for the new schema: %d of %d change(s)", applied, total)


def _signatures_of(created: Sequence[ArticleChange], batch: Built) -> list[Signature | None]:
    """The workers' signature of each stored article of a batch (None where there is none).

    Found by the text itself (`save_many` keeps each article's text object), not its value:
    hashing every text for a dict cost ~3 us an article."""
    if not batch.signed:
        return [None] * len(created)
    by_text = {id(a.text): s for a, s in zip(batch.articles, batch.signed, strict=True)}
    return [by_text.get(id(c.text)) for c in created]


def _index_changes(changes: Iterable[ArticleChange]) -> list[IndexChange]:
    # Page clutter is not searched: a "Related News" list must not make an article match.
    return [
        IndexChange(
            c.article_id,
            c.title,
            without_clutter(c.text, c.clutter),
            c.published,
            deleted=c.deleted,
            # Articles stored before languages were kept are detected as they are indexed.
            lang=c.lang or (None if c.deleted else detect(c.text)) or OTHER,
            source=c.source,
        )
        for c in changes
    ]


def _reread_page(articles: Sequence[StoredArticle]) -> list[tuple[int, str, str, str | None]]:
    """The (id, title, clutter, source) of the articles whose headline, clutter or source
    reads differently."""
    found = []
    for article in articles:
        read = reread(article)
        if read != (article.title, article.clutter, article.source):
            found.append((article.id, *read))
    return found
