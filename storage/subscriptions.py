"""Chats, their subscriptions, and the bookkeeping that sends each digest exactly once."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.audit import Actor, audit_entry
from storage.db import Database
from storage.layouts import PartLayout, decode_layouts
from storage.models import Chat, Delivery, Subscription


@dataclass(frozen=True, slots=True)
class SubscriptionInfo:
    id: int
    chat_id: int
    time_of_day: str
    topics: str
    timezone: str | None
    created_at: dt.datetime
    last_article_id: int
    last_slot: dt.datetime | None
    active: bool
    next_due_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class DeliveryInfo:
    id: int
    subscription_id: int
    chat_id: int
    slot: dt.datetime
    status: str
    parts: tuple[str, ...]
    parts_sent: int
    upto_article_id: int
    attempts: int = 0
    layouts: tuple[PartLayout, ...] = ()


@dataclass(frozen=True, slots=True)
class PausedChat:
    chat_id: int
    reason: str
    since: dt.datetime


def _info(sub: Subscription, timezone: str | None) -> SubscriptionInfo:
    return SubscriptionInfo(
        id=sub.id,
        chat_id=sub.chat_id,
        time_of_day=sub.time_of_day,
        topics=sub.topics,
        timezone=timezone,
        created_at=sub.created_at,
        last_article_id=sub.last_article_id,
        last_slot=sub.last_slot,
        active=sub.active,
        next_due_at=sub.next_due_at,
    )


def delivery_info(row: Delivery | Row[Any]) -> DeliveryInfo:
    """The plain view of a delivery row: an ORM object or a Core row (the same column names)."""
    return DeliveryInfo(
        id=row.id,
        subscription_id=row.subscription_id,
        chat_id=row.chat_id,
        slot=row.slot,
        status=row.status,
        parts=tuple(json.loads(row.parts)),
        parts_sent=row.parts_sent,
        upto_article_id=row.upto_article_id,
        attempts=row.attempts or 0,
        layouts=decode_layouts(row.layout),
    )


async def _lift_pause(session: AsyncSession, chat_id: int) -> Chat:
    chat = await session.get(Chat, chat_id)
    if chat is None:
        chat = Chat(id=chat_id)
        session.add(chat)
    chat.paused_reason, chat.paused_at = None, None
    await session.execute(
        update(Subscription)
        .where(Subscription.chat_id == chat_id)
        .values(active=True, next_due_at=None)
    )
    return chat


def subscription_info(sub: Subscription, timezone: str | None) -> SubscriptionInfo:
    """The plain view of a subscription row with its chat's time zone."""
    return _info(sub, timezone)


class SubscriptionStore:
    """Subscriptions per chat; each method is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def touch_chat(self, chat_id: int, kind: str, title: str | None) -> None:
        """Make sure the chat is known (kind and title kept current)."""
        async with self._db.transaction() as session:
            chat = await session.get(Chat, chat_id)
            if chat is None:
                session.add(Chat(id=chat_id, kind=kind, title=title))
            else:
                chat.kind, chat.title = kind, title or chat.title

    async def chat_timezone(self, chat_id: int) -> str | None:
        """The chat's own time zone, if it set one."""
        async with self._db.sessions() as session:
            return await session.scalar(select(Chat.timezone).where(Chat.id == chat_id))

    async def set_timezone(self, chat_id: int, timezone: str) -> None:
        """Set the chat's time zone (its subscriptions follow it)."""
        async with self._db.transaction() as session:
            chat = await session.get(Chat, chat_id)
            if chat is None:
                session.add(Chat(id=chat_id, timezone=timezone))
            else:
                chat.timezone = timezone
            # The schedule follows the new zone: the dispatcher works next_due_at out again.
            await session.execute(
                update(Subscription).where(Subscription.chat_id == chat_id).values(next_due_at=None)
            )

    async def subscribe(
        self,
        chat_id: int,
        time_of_day: str,
        topics: str,
        *,
        created_by: int | None,
        after_article_id: int,
        now: dt.datetime,
        actor: Actor | None = None,
    ) -> SubscriptionInfo:
        """Add a subscription; subscribing also lifts a delivery pause on the chat.

        With an `actor`, the "subscribe" audit entry is written in the same transaction.
        """
        async with self._db.transaction() as session:
            chat = await _lift_pause(session, chat_id)
            sub = Subscription(
                chat_id=chat_id,
                time_of_day=time_of_day,
                topics=topics,
                created_by=created_by,
                created_at=now,
                last_article_id=after_article_id,
                active=True,
            )
            session.add(sub)
            if actor is not None:
                detail = f"{time_of_day} {topics}".strip()
                session.add(audit_entry("subscribe", now=now, actor=actor, detail=detail))
            await session.flush()
            return _info(sub, chat.timezone)

    async def resume(self, chat_id: int, *, now: dt.datetime, actor: Actor | None = None) -> None:
        """Lift a delivery pause on the chat (it subscribed again to a digest it has)."""
        async with self._db.transaction() as session:
            await _lift_pause(session, chat_id)
            if actor is not None:
                session.add(audit_entry("resume", now=now, actor=actor))

    async def for_chat(self, chat_id: int) -> list[SubscriptionInfo]:
        """The chat's subscriptions, oldest first (their list numbers)."""
        async with self._db.sessions() as session:
            timezone = await session.scalar(select(Chat.timezone).where(Chat.id == chat_id))
            rows = await session.scalars(
                select(Subscription)
                .where(Subscription.chat_id == chat_id)
                .order_by(Subscription.id)
            )
            return [_info(r, timezone) for r in rows]

    async def get(self, subscription_id: int) -> SubscriptionInfo | None:
        """One subscription with its chat's time zone."""
        async with self._db.sessions() as session:
            row = await session.execute(
                select(Subscription, Chat.timezone)
                .join(Chat, Chat.id == Subscription.chat_id)
                .where(Subscription.id == subscription_id)
            )
            found = row.first()
            return None if found is None else _info(found[0], found[1])

    async def unsubscribe(
        self,
        chat_id: int,
        subscription_ids: Sequence[int],
        *,
        now: dt.datetime,
        actor: Actor | None = None,
        detail: str = "",
    ) -> int:
        """Remove these subscriptions of the chat; returns how many went.

        With an `actor`, the "unsubscribe" audit entry is written in the same transaction.
        """
        async with self._db.transaction() as session:
            result = await session.execute(
                delete(Subscription).where(
                    Subscription.chat_id == chat_id, Subscription.id.in_(list(subscription_ids))
                )
            )
            removed = int(result.rowcount or 0)  # type: ignore[attr-defined]
            if actor is not None:
                what = f"{removed} removed ({detail})" if detail else f"{removed} removed"
                session.add(audit_entry("unsubscribe", now=now, actor=actor, detail=what))
            return removed

    async def active(self) -> list[SubscriptionInfo]:
        """Every subscription that should be scheduled."""
        async with self._db.sessions() as session:
            rows = await session.execute(
                select(Subscription, Chat.timezone)
                .join(Chat, Chat.id == Subscription.chat_id)
                .where(Subscription.active.is_(True))
                .order_by(Subscription.id)
            )
            return [_info(sub, tz) for sub, tz in rows]

    async def count(self) -> tuple[int, int]:
        """(active subscriptions, chats they go to)."""
        async with self._db.sessions() as session:
            active = Subscription.active.is_(True)
            subs = await session.scalar(select(func.count()).where(active))
            chats = await session.scalar(
                select(func.count(func.distinct(Subscription.chat_id))).where(active)
            )
            return int(subs or 0), int(chats or 0)

    async def pause_chat(self, chat_id: int, reason: str, *, now: dt.datetime) -> None:
        """Stop sending to a chat that blocked or removed the bot."""
        async with self._db.transaction() as session:
            chat = await session.get(Chat, chat_id)
            if chat is None:
                return
            chat.paused_reason, chat.paused_at = reason, now
            await session.execute(
                update(Subscription).where(Subscription.chat_id == chat_id).values(active=False)
            )

    async def paused_chats(self) -> list[PausedChat]:
        """Chats whose digests are paused, for /stats."""
        async with self._db.sessions() as session:
            rows = await session.execute(
                select(Chat.id, Chat.paused_reason, Chat.paused_at).where(
                    Chat.paused_reason.is_not(None)
                )
            )
            return [PausedChat(i, r or "", p) for i, r, p in rows if p is not None]

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: move everything to its new id."""
        async with self._db.transaction() as session:
            old = await session.get(Chat, old_id)
            if old is None:
                return
            if await session.get(Chat, new_id) is None:
                session.add(
                    Chat(id=new_id, kind="supergroup", title=old.title, timezone=old.timezone)
                )
                await session.flush()
            await session.execute(
                update(Subscription).where(Subscription.chat_id == old_id).values(chat_id=new_id)
            )
            await session.execute(
                update(Delivery).where(Delivery.chat_id == old_id).values(chat_id=new_id)
            )
            await session.delete(old)

    async def delivered_count(self) -> tuple[int, int]:
        """(digests sent, digests pending) for /stats."""
        async with self._db.sessions() as session:
            sent = await session.scalar(select(func.count()).where(Delivery.status == "sent"))
            pending = await session.scalar(select(func.count()).where(Delivery.status == "pending"))
            return int(sent or 0), int(pending or 0)
