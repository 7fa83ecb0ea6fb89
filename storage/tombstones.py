"""Deleted articles: kept whole while they can be restored, then their words are erased."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import update

from storage.audit import Actor, audit_entry
from storage.db import Database
from storage.models import Article


class TombstoneStore:
    """Erases the content of articles deleted long enough ago; each method is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def purge(
        self, *, deleted_before: dt.datetime, now: dt.datetime, why: str, actor: Actor
    ) -> int:
        """Blank the title, text and URL of articles deleted before `deleted_before`.

        The row stays (its id is never reused, so old /read_N links and the audit log still
        point at nothing rather than at another article); returns how many were erased now.
        When any were, the "purge" audit entry ("N articles `why`") is written in the same
        transaction.
        """
        async with self._db.transaction() as session:
            result = await session.execute(
                update(Article)
                .where(Article.deleted_at < deleted_before, Article.text != "")
                .values(title="", text="", text_chars=0, url=None)
            )
            erased = int(cast(Any, result).rowcount or 0)
            if erased:
                what = f"{erased} article{'s' if erased != 1 else ''} {why}"
                session.add(audit_entry("purge", now=now, actor=actor, detail=what))
            return erased
