"""Digest delivery bookkeeping: open each (subscription, slot) once, claim it, send it once.

The contract, for every process that shares the database:

- `open_slots` records a composed digest as a `pending` Delivery. The unique key
  (subscription_id, slot) makes this idempotent: two processes that compose the same slot leave
  one row, and the subscription's `next_due_at`/`last_slot` move past the slot in the same
  transaction.
- `claim` hands a worker a batch of pending deliveries whose lease is free or has lapsed,
  oldest slot first, and leases them until `now + lease`. It is one UPDATE ... WHERE id IN
  (SELECT ... LIMIT n) statement: SQLite serialises writers, so the conditional UPDATE decides;
  PostgreSQL adds FOR UPDATE SKIP LOCKED so concurrent claimers take disjoint rows.
- While it holds a lease, the worker calls `part_sent` after each message Telegram accepted;
  that records progress and renews the lease. Right before sending a message, when half the
  lease has passed since (a long pacing wait or 429 pause), it calls `renew` first. Every
  write after the claim is conditional on `claimed_by = worker AND status = 'pending'`: a
  worker whose lease was taken over gets False and must stop sending. A new holder resumes
  from `parts_sent`, never from the start.
- `complete`, `retry_later` (transient failure: lease released until `not_before`) and `drop`
  (the chat is gone) end a claim. `release_worker` frees a worker id's leases at start-up, so a
  restarted process with a stable DIGEST_WORKER_ID resumes at once instead of waiting out its
  old leases.
- The one message whose fate cannot be known is the one in flight when a process dies (Telegram
  accepted it but `part_sent` did not commit): its new holder sends it again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import ColumnElement, Table, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import Database
from storage.layouts import PartLayout, encode_layouts
from storage.models import Article, Chat, Delivery, Subscription
from storage.subscriptions import DeliveryInfo, SubscriptionInfo, delivery_info, subscription_info

PENDING, SENT, GONE = "pending", "sent", "gone"
# Claims and progress are written for every message sent: they use Core statements on a
# connection, not ORM sessions, which cost a third more CPU per transaction.
DELIVERIES = cast(Table, Delivery.__table__)
SUBSCRIPTIONS = cast(Table, Subscription.__table__)
DELETED_AMONG = select(Article.id).where(
    Article.id.in_(bindparam("ids", expanding=True)), Article.deleted_at.is_not(None)
)
SQLITE_DELETED_AMONG = "SELECT id FROM articles WHERE id IN ({}) AND deleted_at IS NOT NULL"
PG_DELETED_AMONG = (
    "SELECT id FROM articles WHERE id = ANY($1::integer[]) AND deleted_at IS NOT NULL"
)


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A composed digest for one slot, and when the subscription is next due after it."""

    subscription_id: int
    chat_id: int
    slot: dt.datetime
    next_due_at: dt.datetime
    parts: tuple[str, ...]
    upto_article_id: int
    layouts: tuple[PartLayout, ...] = ()


@dataclass(frozen=True, slots=True)
class DeliveryCounts:
    sent: int
    pending: int
    gone: int


class DeliveryStore:
    """Claims and progress of digest deliveries; each method is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def due_subscriptions(
        self, now: dt.datetime, *, after_id: int = 0, limit: int
    ) -> list[SubscriptionInfo]:
        """Active subscriptions with id > after_id whose next_due_at is unknown or has come."""
        async with self._db.sessions() as session:
            rows = await session.execute(
                select(Subscription, Chat.timezone)
                .join(Chat, Chat.id == Subscription.chat_id)
                .where(
                    Subscription.id > after_id,
                    Subscription.active.is_(True),
                    or_(Subscription.next_due_at.is_(None), Subscription.next_due_at <= now),
                )
                .order_by(Subscription.id)
                .limit(limit)
            )
            return [subscription_info(sub, tz) for sub, tz in rows]

    async def reschedule(self, due: Sequence[tuple[int, dt.datetime]]) -> None:
        """Set next_due_at for subscriptions that owe nothing now."""
        if not due:
            return
        async with self._db.transaction() as session:
            await session.execute(
                update(Subscription), [{"id": i, "next_due_at": at} for i, at in due]
            )

    async def open_slots(self, digests: Sequence[NewDelivery], *, now: dt.datetime) -> None:
        """Record composed digests (a slot already recorded is kept as it is) and move on."""
        if not digests:
            return
        rows = [
            {
                "subscription_id": d.subscription_id,
                "chat_id": d.chat_id,
                "slot": d.slot,
                "status": PENDING,
                "parts": json.dumps(list(d.parts), ensure_ascii=False),
                "layout": encode_layouts(d.layouts),
                "parts_sent": 0,
                "upto_article_id": d.upto_article_id,
                "attempts": 0,
                "created_at": now,
            }
            for d in digests
        ]
        dialect = postgresql if not self._db.is_sqlite else sqlite
        statement = dialect.insert(Delivery).on_conflict_do_nothing(
            index_elements=["subscription_id", "slot"]
        )
        async with self._db.transaction() as session:
            await session.execute(statement, rows)
            await session.execute(
                update(Subscription),
                [
                    {"id": d.subscription_id, "next_due_at": d.next_due_at, "last_slot": d.slot}
                    for d in digests
                ],
            )

    async def pending_upto(self, subscription_ids: Sequence[int]) -> dict[int, int]:
        """The newest article that each subscription's digests not yet sent already cover."""
        if not subscription_ids:
            return {}
        async with self._db.engine.connect() as conn:
            rows = await conn.execute(
                select(Delivery.subscription_id, func.max(Delivery.upto_article_id))
                .where(
                    Delivery.status == PENDING,
                    Delivery.subscription_id.in_(list(subscription_ids)),
                )
                .group_by(Delivery.subscription_id)
            )
            return {int(sub): int(upto) for sub, upto in rows}

    async def deleted_among(self, article_ids: Sequence[int]) -> frozenset[int]:
        """Which of these articles are deleted now (one lookup by primary key).

        Runs before every digest message, so past SQLAlchemy's execution layer: through the
        driver on PostgreSQL and on a SQLite file; an in-memory SQLite database (tests) uses
        one statement compiled once.
        """
        if not article_ids:
            return frozenset()
        if not self._db.is_sqlite:
            async with self._db.driver_connection() as driver:
                found = await driver.fetch(PG_DELETED_AMONG, list(article_ids))
            return frozenset(int(row["id"]) for row in found)
        marks = ",".join("?" * len(article_ids))
        rows = await self._db.sqlite_fetch(SQLITE_DELETED_AMONG.format(marks), article_ids)
        if rows is None:
            async with self._db.engine.connect() as conn:
                rows = list(await conn.execute(DELETED_AMONG, {"ids": list(article_ids)}))
        return frozenset(int(article_id) for (article_id,) in rows)

    async def claim(
        self, worker: str, *, now: dt.datetime, lease: dt.timedelta, limit: int
    ) -> list[DeliveryInfo]:
        """Lease up to `limit` claimable deliveries to `worker`, oldest slot first."""
        free = or_(Delivery.lease_until.is_(None), Delivery.lease_until <= now)
        candidates = (
            select(Delivery.id)
            .where(Delivery.status == PENDING, free)
            .order_by(Delivery.slot, Delivery.id)
            .limit(limit)
        )
        if not self._db.is_sqlite:
            candidates = candidates.with_for_update(skip_locked=True)
        async with self._db.engine.begin() as conn:
            rows = await conn.execute(
                DELIVERIES.update()
                .where(Delivery.id.in_(candidates.scalar_subquery()), Delivery.status == PENDING)
                .where(free)
                .values(claimed_by=worker, lease_until=now + lease)
                .returning(*DELIVERIES.c)
            )
            claimed = [delivery_info(row) for row in rows]
        return sorted(claimed, key=lambda d: (d.slot, d.id))

    async def part_sent(
        self,
        delivery_id: int,
        worker: str,
        parts_sent: int,
        *,
        now: dt.datetime,
        lease: dt.timedelta,
    ) -> bool:
        """Record that the first `parts_sent` messages went out; False if the lease was lost."""
        return await self._held(delivery_id, worker, parts_sent=parts_sent, lease_until=now + lease)

    async def renew(
        self, delivery_id: int, worker: str, *, now: dt.datetime, lease: dt.timedelta
    ) -> bool:
        """Extend the lease before sending; False if it is no longer this worker's."""
        return await self._held(delivery_id, worker, lease_until=now + lease)

    async def complete(self, delivery: DeliveryInfo, worker: str, *, now: dt.datetime) -> bool:
        """Mark the digest sent and move the subscription past the articles it covered."""
        async with self._db.engine.begin() as conn:
            done = await conn.execute(
                DELIVERIES.update()
                .where(*self._holder(delivery.id, worker))
                .values(
                    status=SENT,
                    sent_at=now,
                    parts_sent=len(delivery.parts),
                    claimed_by=None,
                    lease_until=None,
                )
            )
            if not done.rowcount:
                return False
            newest = (
                func.max(Subscription.last_article_id, delivery.upto_article_id)
                if self._db.is_sqlite
                else func.greatest(Subscription.last_article_id, delivery.upto_article_id)
            )
            await conn.execute(
                SUBSCRIPTIONS.update()
                .where(Subscription.id == delivery.subscription_id)
                .values(last_article_id=newest)
            )
            return True

    async def retry_later(
        self, delivery_id: int, worker: str, error: str, *, not_before: dt.datetime
    ) -> bool:
        """A transient failure: release the claim; the delivery stays due from `not_before`."""
        return await self._held(
            delivery_id,
            worker,
            claimed_by=None,
            lease_until=not_before,
            attempts=Delivery.attempts + 1,
            last_error=error[:500],
        )

    async def drop(self, delivery_id: int, worker: str, error: str) -> bool:
        """The chat is gone: this digest will not be sent."""
        return await self._held(
            delivery_id,
            worker,
            status=GONE,
            claimed_by=None,
            lease_until=None,
            last_error=error[:500],
        )

    async def release_worker(self, worker: str) -> int:
        """Free the leases a previous run of this worker id left behind."""
        async with self._db.transaction() as session:
            result = await session.execute(
                update(Delivery)
                .where(Delivery.claimed_by == worker, Delivery.status == PENDING)
                .values(claimed_by=None, lease_until=None)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def get(self, delivery_id: int) -> DeliveryInfo | None:
        """One delivery."""
        async with self._db.sessions() as session:
            row = await session.get(Delivery, delivery_id)
            return None if row is None else delivery_info(row)

    async def counts(self) -> DeliveryCounts:
        """Deliveries by status."""
        async with self._db.sessions() as session:
            rows = dict(
                (status, int(n))
                for status, n in await session.execute(
                    select(Delivery.status, func.count()).group_by(Delivery.status)
                )
            )
        return DeliveryCounts(rows.get(SENT, 0), rows.get(PENDING, 0), rows.get(GONE, 0))

    def _holder(self, delivery_id: int, worker: str) -> tuple[ColumnElement[bool], ...]:
        return (
            Delivery.id == delivery_id,
            Delivery.claimed_by == worker,
            Delivery.status == PENDING,
        )

    async def _held(self, delivery_id: int, worker: str, **values: object) -> bool:
        async with self._db.engine.begin() as conn:
            result = await conn.execute(
                DELIVERIES.update().where(*self._holder(delivery_id, worker)).values(**values)
            )
            return bool(result.rowcount)
