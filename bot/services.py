"""Everything a handler or command may use, opened and closed in one place."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bot.articles.archive import Archive
from bot.clock import Clock, SystemClock
from bot.digests.compose import DigestService
from bot.digests.dispatch import DigestDispatcher
from bot.digests.subscriptions import SubscriptionService
from bot.i18n import ChatLanguages
from bot.metrics import Metrics
from bot.questions.limits import QuestionLimits
from bot.questions.retrieval import Retriever
from bot.questions.service import QuestionService
from bot.roles import EditorRoles
from bot.settings import Settings, SettingsError, worker_id
from bot.stories.keeper import StoryKeeper
from storage.articles import ArticleStore
from storage.audit import AuditStore
from storage.chat_languages import ChatLanguageStore
from storage.db import Database
from storage.deliveries import DeliveryStore
from storage.index_slots import IndexSlot, committed_watermark, seed_slot
from storage.schema import ensure_schema, require_archive
from storage.search_index import SearchIndex, folder_problem
from storage.stories import StoryStore
from storage.subscriptions import SubscriptionStore
from storage.tombstones import TombstoneStore
from storage.updates import UpdateLedger

if TYPE_CHECKING:
    from bot.feeds.service import FeedService
    from bot.web.fetch import Fetcher
    from bot.web.reader import WebReader

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Services:
    """The bot's core, wired once."""

    settings: Settings
    clock: Clock
    db: Database
    index: SearchIndex
    archive: Archive
    questions: QuestionService
    subscriptions: SubscriptionStore
    digest_subscriptions: SubscriptionService
    digests: DigestService
    deliveries: DeliveryStore
    dispatcher: DigestDispatcher
    updates: UpdateLedger
    stories: StoryKeeper
    metrics: Metrics = field(default_factory=Metrics)
    index_slot: IndexSlot | None = None
    audit: AuditStore = field(init=False)
    roles: EditorRoles = field(init=False)
    question_limits: QuestionLimits = field(init=False)
    languages: ChatLanguages = field(init=False)
    # Made at first use: a CLI command that never reads the web should not wait for aiohttp,
    # trafilatura and feedparser to load (a third of a second).
    _fetcher: Fetcher | None = field(default=None, init=False)
    _web: WebReader | None = field(default=None, init=False)
    _feeds: FeedService | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        settings = self.settings
        self.audit = AuditStore(self.db)
        self.languages = ChatLanguages(ChatLanguageStore(self.db))
        self.dispatcher.languages = self.languages.of_chat  # digests in each chat's language
        self.roles = EditorRoles(
            settings.editor_ids,
            settings.newsroom_chat_ids,
            dt.timedelta(seconds=settings.admin_cache_seconds),
            self.clock,
        )
        self.question_limits = QuestionLimits(
            settings.questions_per_user,
            settings.questions_per_chat,
            dt.timedelta(seconds=settings.question_window_seconds),
            self.clock,
        )

    @property
    def fetcher(self) -> Fetcher:
        """The web client, within the limits the settings give."""
        if self._fetcher is None:
            from bot.web.fetch import Fetcher, FetchLimits

            settings = self.settings
            self._fetcher = Fetcher(
                FetchLimits(
                    allow_private=settings.fetch_allow_private,
                    max_bytes=settings.fetch_max_bytes,
                    timeout=settings.fetch_timeout_seconds,
                    per_host=settings.fetch_per_host,
                )
            )
        return self._fetcher

    @property
    def web(self) -> WebReader:
        """Links fetched, read and stored."""
        if self._web is None:
            from bot.web.reader import WebReader

            self._web = WebReader(self.fetcher, self.archive)
        return self._web

    @property
    def feeds(self) -> FeedService:
        """Subscribed feeds and their polling."""
        if self._feeds is None:
            from bot.feeds.service import FeedService
            from storage.feeds import FeedStore

            self._feeds = FeedService(
                FeedStore(self.db),
                self.web,
                self.archive,
                self.clock,
                worker=worker_id(self.settings),
                interval=dt.timedelta(minutes=self.settings.feed_poll_minutes),
            )
        return self._feeds

    async def close(self) -> None:
        """Close the web client, the index and the database."""
        if self._fetcher is not None:
            await self._fetcher.close()
        if self._web is not None:
            self._web.close()
        await asyncio.to_thread(self.index.close)
        await self.db.close()
        if self.index_slot is not None:
            self.index_slot.release()


@dataclass(slots=True)
class Reader:
    """What answering questions needs, and nothing that writes."""

    db: Database
    index: SearchIndex
    questions: QuestionService

    async def close(self) -> None:
        """Close the index and the database."""
        await asyncio.to_thread(self.index.close)
        await self.db.close()


async def open_reader(database_url: str, index_path: Path) -> Reader:
    """Open, for questions only, an archive `open_services` has brought up to date (a helper
    process of `newsbot ask --jsonl` beside the one that did)."""
    clock = SystemClock()
    db = Database.from_url(database_url)
    try:
        index = await asyncio.to_thread(SearchIndex.open, index_path)
    except BaseException:
        await db.close()
        raise
    stories = StoryKeeper(StoryStore(db), clock)
    return Reader(db, index, QuestionService(ArticleStore(db), Retriever(index), clock, stories))


async def _seed_empty_slot(path: Path, articles: ArticleStore) -> None:
    """A new slot starts from another slot's index, not from indexing the whole archive."""
    if committed_watermark(path) > 0:
        return
    newest = await articles.last_seq()
    if newest == 0:
        return
    seeded = await asyncio.to_thread(seed_slot, path, path.parent, newest_seq=newest)
    if seeded:
        log.info(
            "search index %s seeded from another slot at change %d of %d", path, seeded, newest
        )


async def open_services(
    settings: Settings,
    *,
    clock: Clock | None = None,
    reading: bool = False,
    existing: bool = False,
) -> Services:
    """Connect to the database, open the index and bring it up to date with the database.

    `reading` (a command that only reads): a database with no archive yet is a NoArchive
    error, not created (reading an empty PostgreSQL database made every table in it), and an
    older schema is not migrated, whatever AUTO_MIGRATE says (it is the bot's start-up's).
    `existing` (a command with nothing to do without an archive, `reindex`): NoArchive too,
    and migrated as at start-up.
    """
    clock = clock or SystemClock()
    index_dir = settings.search_index_dir
    if index_dir is not None and (problem := folder_problem(index_dir)):
        # A production operator fixes the setting; kept in memory, the index was rebuilt from
        # the whole archive at every start, and the process held it all in RAM.
        if settings.index_dir is not None:
            raise SettingsError(f"invalid settings: INDEX_DIR: {problem}")
        raise SettingsError(
            f"the search index beside the database: {problem}; set INDEX_DIR to put it elsewhere"
        )
    db = Database.from_url(settings.database_url, make_folder=not (reading or existing))
    try:
        if reading or existing:
            await require_archive(db)
        await ensure_schema(db, auto_migrate=settings.auto_migrate, reading=reading)
    except BaseException:
        await db.close()
        raise
    slot = None
    if settings.index_dir is None and not db.is_sqlite and index_dir is not None:
        # Several processes may share this machine and PostgreSQL: each needs its own index.
        slot = IndexSlot.claim(index_dir)
        index_dir = slot.path
        await _seed_empty_slot(slot.path, ArticleStore(db))
    index = await asyncio.to_thread(SearchIndex.open_or_replace, index_dir)
    if index.rebuilding:
        log.warning("search index was built by an older version; rebuilding it from the database")
    articles = ArticleStore(db)
    subscriptions = SubscriptionStore(db)
    stories = StoryKeeper(StoryStore(db), clock)
    archive = Archive(articles, index, clock, TombstoneStore(db), stories)
    digests = DigestService(articles, subscriptions, clock, settings.timezone, stories=stories)
    deliveries = DeliveryStore(db)
    services = Services(
        settings=settings,
        clock=clock,
        db=db,
        index=index,
        archive=archive,
        questions=QuestionService(articles, Retriever(index), clock, stories),
        subscriptions=subscriptions,
        digest_subscriptions=SubscriptionService(
            subscriptions,
            articles,
            clock,
            default_time=settings.digest_time,
            default_timezone=settings.timezone,
        ),
        digests=digests,
        deliveries=deliveries,
        dispatcher=DigestDispatcher(
            digests,
            deliveries,
            subscriptions,
            clock,
            worker=worker_id(settings),
            lease=dt.timedelta(seconds=settings.digest_lease_seconds),
            concurrency=settings.digest_concurrency,
        ),
        updates=UpdateLedger(db),
        stories=stories,
        index_slot=slot,
    )
    # Before the index catches up: headlines read anew are indexed with the rest.
    await archive.reread_once()
    await archive.start_index()
    # Articles stored without a story (before stories existed, or a crash in between).
    assigned = await stories.catch_up()
    if assigned:
        log.info("stories: %d article(s) given their story", assigned)
    return services
