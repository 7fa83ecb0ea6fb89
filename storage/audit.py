"""The audit log: one row per change to the archive or to a chat's digests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from storage.db import Database
from storage.models import AuditEntry

DETAIL_CHARS = 300


@dataclass(frozen=True, slots=True)
class Actor:
    """Who makes a change, for the audit entry written in the same transaction as the change."""

    actor_id: int | None = None
    chat_id: int | None = None


def audit_entry(
    action: str,
    *,
    now: dt.datetime,
    actor: Actor,
    article_id: int | None = None,
    detail: str = "",
) -> AuditEntry:
    """One audit row, to add to the session that makes the change it records."""
    return AuditEntry(
        at=now,
        actor_id=actor.actor_id,
        chat_id=actor.chat_id,
        action=action,
        article_id=article_id,
        detail=detail[:DETAIL_CHARS],
    )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry as /audit shows it."""

    id: int
    at: dt.datetime
    actor_id: int | None
    chat_id: int | None
    action: str
    article_id: int | None
    detail: str


class AuditStore:
    """Appends to and reads the audit log; each method is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self,
        action: str,
        *,
        now: dt.datetime,
        actor_id: int | None = None,
        chat_id: int | None = None,
        article_id: int | None = None,
        detail: str = "",
    ) -> None:
        """Append one entry in a transaction of its own."""
        async with self._db.transaction() as session:
            session.add(
                audit_entry(
                    action,
                    now=now,
                    actor=Actor(actor_id, chat_id),
                    article_id=article_id,
                    detail=detail,
                )
            )

    async def recent(self, limit: int = 20) -> list[AuditRecord]:
        """The newest entries, newest first."""
        async with self._db.sessions() as session:
            rows = await session.scalars(
                select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            )
            return [
                AuditRecord(r.id, r.at, r.actor_id, r.chat_id, r.action, r.article_id, r.detail)
                for r in rows
            ]
