"""Following feeds: add and remove them, and poll the due ones, storing each new item once.

A poll fetches the feed conditionally (ETag / Last-Modified: an unchanged feed costs one small
request), reads the full article from each new item's link unless the feed carries it, keeps
only items that match the feed's topic words, and stores them through the archive's import,
like any article. A failing feed backs off exponentially (up to a day) and never stops the
others.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.articles.archive import Actor, Archive, ImportRecord, RejectedInput
from bot.articles.pages import outlet_of_host
from bot.clock import Clock
from bot.feeds.parse import FeedEntry, FeedError, ParsedFeed, discover_feeds, parse_feed
from bot.i18n import N_, Phrase
from bot.web.fetch import Fetched, FetchError
from bot.web.reader import WebReader
from bot.web.urls import canonical_key
from storage.feeds import MAX_ERROR_CHARS, FeedInfo, FeedStore

log = logging.getLogger(__name__)

MAX_BACKOFF = dt.timedelta(days=1)
# A feed whose own text is at least this long carries the article; shorter is a teaser.
FULL_TEXT_CHARS = 1_000
FEEDS_AT_ONCE = 8
PAGES_AT_ONCE = 8
CLAIM_BATCH = 50
WORDS = re.compile(r"\w+")


@dataclass(slots=True)
class PollReport:
    """What one round of polling did."""

    feeds: int = 0
    unchanged: int = 0
    failed: int = 0
    stored: int = 0
    # Items whose page could not be read (tried again at the next poll).
    items_failed: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Unread:
    """A new item whose page could not be read, and why."""

    link: str
    reason: Phrase


# Said in /feeds: without it a feed whose item pages all fail looks healthy and brings nothing.
UNREAD_ITEMS = N_(
    "new items whose page could not be read: {n} (the first, {url}: {reason}); "
    "tried again at the next poll"
)


UNREADABLE_NAMED_FEED = N_("That page names the feed {feed}, which could not be read: {reason}")
NO_FEED_ON_PAGE = N_(
    "That is a web page, not a feed, and it names no feed: "
    "give the address of the site's RSS or Atom feed."
)


@dataclass(frozen=True, slots=True)
class Followed:
    feed: FeedInfo
    created: bool
    items: int
    # True when the address given was a page and the feed is the one it announces.
    discovered: bool = False


class FeedService:
    """The feeds the newsroom follows."""

    def __init__(
        self,
        store: FeedStore,
        reader: WebReader,
        archive: Archive,
        clock: Clock,
        *,
        worker: str,
        interval: dt.timedelta,
        lease: dt.timedelta = dt.timedelta(minutes=15),
    ) -> None:
        self.store = store
        self._reader = reader
        self._archive = archive
        self._clock = clock
        self._worker = worker
        self.interval = interval
        self._lease = lease
        self._pages = asyncio.Semaphore(PAGES_AT_ONCE)

    async def follow(self, url: str, topics: str = "", *, added_by: int | None = None) -> Followed:
        """Check that `url` is a feed, or a page that announces one, and follow the feed
        (polled at once); FetchError or FeedError."""
        fetched = await self._reader.fetcher.fetch(url)
        discovered = False
        try:
            parsed = await _parse(fetched)
        except FeedError:
            # A site's page, not its feed: follow the first feed the page announces.
            page = "html" in fetched.content_type
            announced = discover_feeds(fetched.body, fetched.url) if page else []
            if page and not announced:
                # The parser's words about a page ("<unknown>:2:13499: mismatched tag") would
                # tell an editor nothing.
                raise FeedError(NO_FEED_ON_PAGE) from None
            if not announced:
                raise
            url, discovered = announced[0], True
            try:
                fetched = await self._reader.fetcher.fetch(url)
                parsed = await _parse(fetched)
            except (FetchError, FeedError) as exc:
                # Said of the page's address, "The server answered 404" read as if the page
                # itself were missing.
                raise FeedError(UNREADABLE_NAMED_FEED, feed=url, reason=exc) from None
        feed, created = await self.store.add(
            url,
            title=parsed.title,
            topics=" ".join(topics.split()),
            added_by=added_by,
            now=self._clock.now(),
        )
        return Followed(feed, created, len(parsed.entries), discovered)

    async def listed(self) -> list[FeedInfo]:
        """Every feed followed, numbered, with its health (for /feeds)."""
        return await self.store.all()

    async def remove(self, number: int) -> FeedInfo | None:
        """Stop following feed `number` (its articles stay); None when there is none."""
        return await self.store.remove(number)

    async def start(self) -> int:
        """Start-up: free the leases this worker held when it stopped."""
        return await self.store.release_worker(self._worker)

    async def poll_due(self) -> PollReport:
        """Poll every feed that is due (and not leased elsewhere), a batch at a time."""
        report = PollReport()
        gate = asyncio.Semaphore(FEEDS_AT_ONCE)

        async def one(feed: FeedInfo) -> None:
            async with gate:
                await self._poll(feed, report)

        while True:
            feeds = await self.store.claim(
                self._worker, now=self._clock.now(), lease=self._lease, limit=CLAIM_BATCH
            )
            if not feeds:
                return report
            report.feeds += len(feeds)
            await asyncio.gather(*(one(feed) for feed in feeds))

    async def _poll(self, feed: FeedInfo, report: PollReport) -> None:
        started = self._clock.now()
        try:
            fetched = await self._reader.fetcher.fetch(
                feed.url, etag=feed.etag, last_modified=feed.last_modified
            )
            if fetched.not_modified:
                report.unchanged += 1
                await self._succeeded(feed, started, 0, feed.etag, feed.last_modified, None)
                return
            parsed = await _parse(fetched)
            stored, unread = await self._store_new(feed, parsed)
        except (FetchError, FeedError) as exc:
            await self._failed(feed, exc.phrase, report)
            return
        except Exception:
            log.exception("feed %s (%s) could not be polled", feed.id, feed.url)
            await self._failed(
                feed, Phrase.of(N_("internal error while polling (see the bot's log)")), report
            )
            return
        report.stored += stored
        report.items_failed += len(unread)
        # An item that failed is tried again at the next poll: without validators the
        # server cannot answer "unchanged" and hide it.
        etag, modified = (fetched.etag, fetched.last_modified) if not unread else (None, None)
        error = None
        if unread:
            first = unread[0]
            error = Phrase.of(UNREAD_ITEMS, n=len(unread), url=first.link, reason=first.reason)
            report.errors.append(f"{feed.url}: {error}")
        await self._succeeded(feed, started, stored, etag, modified, parsed.title, error)

    async def _store_new(self, feed: FeedInfo, parsed: ParsedFeed) -> tuple[int, list[Unread]]:
        """Store the items no poll has handled; returns how many were new, and the items
        whose page could not be read."""
        unseen = await self.store.unseen(feed.id, [e.guid for e in parsed.entries])
        entries = list({e.guid: e for e in parsed.entries if e.guid in unseen}.values())
        if not entries:
            return 0, []
        host = urlsplit(feed.url).hostname
        outlet = feed.title or parsed.title or outlet_of_host(host) or host
        results = await asyncio.gather(*(self._record(feed, e, outlet) for e in entries))
        records = [r for r in results if isinstance(r, ImportRecord)]
        handled = [
            e.guid for e, r in zip(entries, results, strict=True) if not isinstance(r, Unread)
        ]
        added = 0
        if records:
            # A feed's new items are news when they arrive, not backfill.
            added = (
                await self._archive.import_records(
                    records,
                    batch_size=500,
                    backfill=False,
                    actor=Actor(),
                    origin=f"feed #{feed.id} ({feed.url})",
                )
            ).added
        await self.store.mark_seen(feed.id, handled, now=self._clock.now())
        return added, [r for r in results if isinstance(r, Unread)]

    async def _record(
        self, feed: FeedInfo, entry: FeedEntry, outlet: str | None
    ) -> ImportRecord | bool | Unread:
        """The item as an article to store; True: handled, nothing to store; Unread: its page
        could not be read."""
        date = entry.published.isoformat() if entry.published else None
        if len(entry.content) >= FULL_TEXT_CHARS or not entry.link:
            if feed.topics and not _matches(feed.topics, entry.title, entry.summary, entry.content):
                return True
            text = entry.content if len(entry.content) >= len(entry.summary) else entry.summary
            if not text:
                return True
            return ImportRecord(
                text=text,
                title=entry.title or None,
                date=date,
                source=outlet,
                url=entry.link,
                canonical_url=canonical_key(entry.link) if entry.link else None,
            )
        if await self._reader.stored(entry.link) is not None:
            return True
        try:
            async with self._pages:
                page = await self._reader.read(entry.link)
        except (FetchError, RejectedInput) as exc:
            log.info("feed %s: item %s not read: %s", feed.id, entry.link, exc)
            return Unread(entry.link, exc.phrase)
        if feed.topics and not _matches(feed.topics, entry.title, page.title or "", page.text):
            return True
        return dataclasses.replace(
            page, title=page.title or entry.title or None, date=date or page.date, source=outlet
        )

    async def _succeeded(
        self,
        feed: FeedInfo,
        started: dt.datetime,
        stored: int,
        etag: str | None,
        modified: str | None,
        title: str | None,
        error: Phrase | None = None,
    ) -> None:
        kept = None
        if error is not None:
            kept = error.stored()
            if len(kept) > MAX_ERROR_CHARS:
                kept = str(error)
        await self.store.succeeded(
            feed.id,
            self._worker,
            now=self._clock.now(),
            next_poll_at=started + self.interval,
            new_items=stored,
            etag=etag,
            last_modified=modified,
            title=title,
            error=kept,
        )

    async def _failed(self, feed: FeedInfo, error: Phrase, report: PollReport) -> None:
        report.failed += 1
        report.errors.append(f"{feed.url}: {error}")
        wait = min(self.interval * (2 ** min(feed.failures + 1, 20)), MAX_BACKOFF)
        log.info("feed %s failed (%s); next try in %s", feed.id, error, wait)
        # Kept as a phrase, so /feeds says it in each chat's language (in English when too
        # long to keep whole).
        kept = error.stored()
        if len(kept) > MAX_ERROR_CHARS:
            kept = str(error)
        await self.store.failed(feed.id, self._worker, kept, next_poll_at=self._clock.now() + wait)


async def _parse(fetched: Fetched) -> ParsedFeed:
    if fetched.not_modified:
        raise FeedError(N_("The server answered 'not modified' to a plain request."))
    return await asyncio.to_thread(parse_feed, fetched.body, fetched.content_type, fetched.url)


def _matches(topics: str, *texts: str) -> bool:
    """Whether any topic word starts a word of the texts (case does not count)."""
    words = {w for text in texts for w in WORDS.findall(text.casefold())}
    wanted = topics.casefold().split()
    return any(word.startswith(topic) for topic in wanted for word in words)
