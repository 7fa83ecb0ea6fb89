"""Subscribed feeds: health, HTTP validators, a lease per poll, and the items already handled.

Several processes share the feeds: `claim` leases due feeds to one worker in one statement
(PostgreSQL adds FOR UPDATE SKIP LOCKED, SQLite serialises writers), as deliveries are claimed.
Every write after the claim is conditional on the lease holder. A poll records its items as
seen only after they are stored, and the feed's validators only after every item: a process
killed half-way leaves the feed to be polled again, and the archive's dedupe keeps each article
once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import Feed, FeedItem

FEEDS = cast(Table, Feed.__table__)

# A feed's last error is kept up to this long.
MAX_ERROR_CHARS = 500


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A feed as the poller and /feeds see it."""

    id: int
    url: str
    title: str | None
    topics: str
    etag: str | None
    last_modified: str | None
    next_poll_at: dt.datetime
    last_success_at: dt.datetime | None
    last_error: str | None
    failures: int
    item_count: int


def _info(row: Any) -> FeedInfo:
    return FeedInfo(
        id=row.id,
        url=row.url,
        title=row.title,
        topics=row.topics,
        etag=row.etag,
        last_modified=row.last_modified,
        next_poll_at=_utc(row.next_poll_at),
        last_success_at=_utc(row.last_success_at) if row.last_success_at else None,
        last_error=row.last_error,
        failures=row.failures,
        item_count=row.item_count,
    )


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def guid_hash(guid: str) -> str:
    """The stored identity of a feed item (guids can be any length)."""
    return hashlib.sha256(guid.encode("utf-8", "replace")).hexdigest()


class FeedStore:
    """Feeds and their items; each method is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self, url: str, *, title: str | None, topics: str, added_by: int | None, now: dt.datetime
    ) -> tuple[FeedInfo, bool]:
        """Follow a feed (due at once); returns it and False if it was followed already."""
        try:
            async with self._db.transaction() as session:
                row = Feed(
                    url=url,
                    title=title,
                    topics=topics,
                    added_by=added_by,
                    created_at=now,
                    next_poll_at=now,
                    failures=0,
                    item_count=0,
                )
                session.add(row)
                await session.flush()
                return _info(row), True
        except IntegrityError:
            existing = await self.by_url(url)
            if existing is None:
                raise
            return existing, False

    async def by_url(self, url: str) -> FeedInfo | None:
        async with self._db.sessions() as session:
            row = await session.scalar(select(Feed).where(Feed.url == url))
            return None if row is None else _info(row)

    async def get(self, feed_id: int) -> FeedInfo | None:
        async with self._db.sessions() as session:
            row = await session.get(Feed, feed_id)
            return None if row is None else _info(row)

    async def all(self) -> list[FeedInfo]:
        """Every feed, oldest first."""
        async with self._db.sessions() as session:
            return [_info(r) for r in await session.scalars(select(Feed).order_by(Feed.id))]

    async def remove(self, feed_id: int) -> FeedInfo | None:
        """Stop following a feed (its articles stay); None if there is no such feed."""
        async with self._db.transaction() as session:
            row = await session.get(Feed, feed_id)
            if row is None:
                return None
            info = _info(row)
            await session.execute(delete(FeedItem).where(FeedItem.feed_id == feed_id))
            await session.delete(row)
            return info

    async def claim(
        self, worker: str, *, now: dt.datetime, lease: dt.timedelta, limit: int
    ) -> list[FeedInfo]:
        """Lease up to `limit` due feeds whose lease is free or lapsed, most overdue first."""
        free = or_(Feed.lease_until.is_(None), Feed.lease_until <= now)
        candidates = (
            select(Feed.id)
            .where(Feed.next_poll_at <= now, free)
            .order_by(Feed.next_poll_at, Feed.id)
            .limit(limit)
        )
        if not self._db.is_sqlite:
            candidates = candidates.with_for_update(skip_locked=True)
        async with self._db.engine.begin() as conn:
            rows = await conn.execute(
                FEEDS.update()
                .where(Feed.id.in_(candidates.scalar_subquery()), free)
                .values(claimed_by=worker, lease_until=now + lease, last_polled_at=now)
                .returning(*FEEDS.c)
            )
            claimed = [_info(row) for row in rows]
        return sorted(claimed, key=lambda f: (f.next_poll_at, f.id))

    async def unseen(self, feed_id: int, guids: Sequence[str]) -> set[str]:
        """The guids among these that no poll has handled yet."""
        hashes = {guid_hash(g): g for g in guids}
        seen: set[str] = set()
        keys = list(hashes)
        async with self._db.sessions() as session:
            for start in range(0, len(keys), 500):
                found = await session.scalars(
                    select(FeedItem.guid_hash).where(
                        FeedItem.feed_id == feed_id,
                        FeedItem.guid_hash.in_(keys[start : start + 500]),
                    )
                )
                seen.update(found)
        return {g for h, g in hashes.items() if h not in seen}

    async def mark_seen(self, feed_id: int, guids: Sequence[str], *, now: dt.datetime) -> None:
        """Record handled items (again is harmless: two processes may race on one item)."""
        if not guids:
            return
        rows = [{"feed_id": feed_id, "guid_hash": guid_hash(g), "seen_at": now} for g in set(guids)]
        dialect = postgresql if not self._db.is_sqlite else sqlite
        statement = dialect.insert(FeedItem).on_conflict_do_nothing(
            index_elements=["feed_id", "guid_hash"]
        )
        async with self._db.transaction() as session:
            await session.execute(statement, rows)

    async def succeeded(
        self,
        feed_id: int,
        worker: str,
        *,
        now: dt.datetime,
        next_poll_at: dt.datetime,
        new_items: int,
        etag: str | None,
        last_modified: str | None,
        title: str | None = None,
        error: str | None = None,
    ) -> bool:
        """End a poll that worked (`error`: what went wrong with some of its items, shown as
        the feed's last error); False if the lease was lost meanwhile."""
        values: dict[str, Any] = {
            "last_success_at": now,
            "last_error": error[:MAX_ERROR_CHARS] if error else None,
            "failures": 0,
            "next_poll_at": next_poll_at,
            "item_count": Feed.item_count + new_items,
            "etag": etag,
            "last_modified": last_modified,
        }
        if title:
            values["title"] = func.coalesce(Feed.title, title)
        return await self._held(feed_id, worker, **values)

    async def failed(
        self, feed_id: int, worker: str, error: str, *, next_poll_at: dt.datetime
    ) -> bool:
        """End a poll that failed: the error shows in /feeds, the feed waits until then."""
        return await self._held(
            feed_id,
            worker,
            last_error=error[:MAX_ERROR_CHARS],
            failures=Feed.failures + 1,
            next_poll_at=next_poll_at,
        )

    async def release_worker(self, worker: str) -> int:
        """Free the leases a previous run of this worker id left behind."""
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                FEEDS.update()
                .where(Feed.claimed_by == worker)
                .values(claimed_by=None, lease_until=None)
            )
            return int(result.rowcount or 0)

    async def make_due(self, feed_id: int, now: dt.datetime) -> None:
        """Poll this feed at the next chance (after /feed add)."""
        async with self._db.transaction() as session:
            await session.execute(update(Feed).where(Feed.id == feed_id).values(next_poll_at=now))

    async def _held(self, feed_id: int, worker: str, **values: Any) -> bool:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                FEEDS.update()
                .where(Feed.id == feed_id, Feed.claimed_by == worker)
                .values(claimed_by=None, lease_until=None, **values)
            )
            return bool(result.rowcount)
