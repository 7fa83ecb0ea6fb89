"""Everything a handler or command may use, opened and closed in one place."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from bot.archive import Archive
from bot.clock import Clock, SystemClock
from bot.digests import DigestService
from bot.dispatch import DigestDispatcher
from bot.questions import QuestionService
from bot.retrieval import Retriever
from bot.settings import Settings, worker_id
from storage.articles import ArticleStore
from storage.db import Database
from storage.deliveries import DeliveryStore
from storage.search_index import SearchIndex
from storage.subscriptions import SubscriptionStore
from storage.upgrade import add_missing_columns

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
    digests: DigestService
    deliveries: DeliveryStore
    dispatcher: DigestDispatcher

    def is_editor(self, user_id: int | None) -> bool:
        """Whether this Telegram user may add and delete articles."""
        return user_id is not None and user_id in self.settings.editor_ids

    async def close(self) -> None:
        """Close the index and the database."""
        await asyncio.to_thread(self.index.close)
        await self.db.close()


async def open_services(settings: Settings, *, clock: Clock | None = None) -> Services:
    """Connect to the database, open the index and bring it up to date with the database."""
    clock = clock or SystemClock()
    db = Database.from_url(settings.database_url)
    await db.create_schema()
    added = await add_missing_columns(db)
    if added:
        log.info("database upgraded: added %s", ", ".join(added))
    index_dir = settings.search_index_dir
    index = await asyncio.to_thread(SearchIndex.open, index_dir)
    articles = ArticleStore(db)
    subscriptions = SubscriptionStore(db)
    archive = Archive(articles, index, clock)
    digests = DigestService(articles, subscriptions, clock, settings.timezone)
    deliveries = DeliveryStore(db)
    services = Services(
        settings=settings,
        clock=clock,
        db=db,
        index=index,
        archive=archive,
        questions=QuestionService(articles, Retriever(index)),
        subscriptions=subscriptions,
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
    )
    last_seq = await articles.last_seq()
    if index.watermark > last_seq:
        # The index is ahead of this database (a different or restored database): rebuild.
        log.warning("search index is ahead of the database; rebuilding it")
        await archive.rebuild_index()
    else:
        repaired = await archive.sync_index()
        if repaired:
            log.info("search index caught up with %d change(s)", repaired)
    return services
