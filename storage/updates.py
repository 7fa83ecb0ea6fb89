"""Which Telegram updates some bot process has taken, so that each is handled once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from storage.db import Database
from storage.models import ProcessedUpdate


class UpdateLedger:
    """Claims update ids in the database; the first process to claim one handles it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, update_id: int, *, now: dt.datetime) -> bool:
        """True for the one caller that takes this update; False for every later one."""
        dialect_insert = sqlite.insert if self._db.is_sqlite else postgresql.insert
        statement = (
            dialect_insert(ProcessedUpdate)
            .values(update_id=update_id, seen_at=now)
            .on_conflict_do_nothing()
            .returning(ProcessedUpdate.update_id)
        )
        async with self._db.transaction() as session:
            return (await session.execute(statement)).first() is not None

    async def prune(self, *, before: dt.datetime) -> int:
        """Forget updates seen before `before` (Telegram stops retrying long before)."""
        async with self._db.transaction() as session:
            result = await session.execute(
                delete(ProcessedUpdate).where(ProcessedUpdate.seen_at < before)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]
