"""Which Telegram updates some bot process has taken, so that each is handled once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects import sqlite

from storage.articles import CHANGE_COUNTER
from storage.db import Database
from storage.models import Counter, ProcessedUpdate

# The insert and the counter read as one statement: one round trip, committed by itself.
PG_CLAIM = f"""
WITH claimed AS (
    INSERT INTO {ProcessedUpdate.__tablename__} (update_id, seen_at) VALUES ($1, $2)
    ON CONFLICT DO NOTHING RETURNING update_id
)
SELECT (SELECT count(*) FROM claimed),
       (SELECT value FROM {Counter.__tablename__} WHERE name = $3)
"""


@dataclass(frozen=True, slots=True)
class Claim:
    """Whether this process took the update, and the newest article change committed then."""

    taken: bool
    change_seq: int


class UpdateLedger:
    """Claims update ids in the database; the first process to claim one handles it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, update_id: int, *, now: dt.datetime) -> bool:
        """True for the one caller that takes this update; False for every later one."""
        return (await self.claim_and_read_changes(update_id, now=now)).taken

    async def claim_and_read_changes(self, update_id: int, *, now: dt.datetime) -> Claim:
        """Claim the update and read the article change counter, in one round trip.

        Every update pays for this claim, so on PostgreSQL it is one statement through the
        driver, in autocommit (no BEGIN/COMMIT round trips): the insert and a read of the
        counter's committed value.
        A caller whose search index is behind that value catches up before answering, so an
        article committed by any process before this update arrived is already found.
        """
        if self._db.is_sqlite:
            seq = select(Counter.value).where(Counter.name == CHANGE_COUNTER)
            insert = (
                sqlite.insert(ProcessedUpdate)
                .values(update_id=update_id, seen_at=now)
                .on_conflict_do_nothing()
                .returning(ProcessedUpdate.update_id)
            )
            async with self._db.engine.begin() as conn:
                taken = (await conn.execute(insert)).first() is not None
                value = (await conn.execute(seq)).scalar()
            return Claim(taken, int(value or 0))
        async with self._db.driver_connection() as conn:
            taken_count, value = await conn.fetchrow(PG_CLAIM, update_id, now, CHANGE_COUNTER)
        return Claim(bool(taken_count), int(value or 0))

    async def prune(self, *, before: dt.datetime) -> int:
        """Forget updates seen before `before` (Telegram stops retrying long before)."""
        async with self._db.transaction() as session:
            result = await session.execute(
                delete(ProcessedUpdate).where(ProcessedUpdate.seen_at < before)
            )
            return int(result.rowcount)  # type: ignore[attr-defined]
