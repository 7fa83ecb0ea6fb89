"""The bulk import's executemany writes exactly what SQLAlchemy's insert writes."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Table, insert, select, text

from storage.db import Database, insert_rows
from storage.models import Article

BOTH_BACKENDS = True

COLUMNS = (
    "external_id",
    "title",
    "text",
    "published",
    "content_hash",
    "created_at",
    "updated_at",
    "change_seq",
    "backfill",
    "origin_chat_id",
    "lang",
)


def _row(n: int) -> tuple[object, ...]:
    now = dt.datetime(2026, 12, 3, 8, 4, 45, 754006, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    return (
        f"x{n}",
        "Title",
        "Text",
        dt.date(2017, 7, 4),
        f"h{n}",
        now,
        now,
        n,
        True,
        -1001234567890,
        None,
    )


async def test_insert_rows_stores_what_the_orm_stores(database_url: str) -> None:
    db = Database.from_url(database_url)
    await db.create_schema()
    table = cast(Table, Article.__table__)
    try:
        async with db.transaction() as session:
            await session.execute(insert(table), [dict(zip(COLUMNS, _row(1), strict=True))])
            await insert_rows(session, table, COLUMNS, [_row(2), _row(3)], skip_conflicts=True)
            # A clash is skipped, not an error.
            await insert_rows(session, table, COLUMNS, [_row(2)], skip_conflicts=True)
        async with db.sessions() as session:
            raw = (
                await session.execute(
                    text(
                        "SELECT CAST(published AS TEXT), CAST(created_at AS TEXT), "
                        "CAST(backfill AS TEXT), origin_chat_id FROM articles ORDER BY change_seq"
                    )
                )
            ).all()
            typed = (await session.execute(select(Article).order_by(Article.change_seq))).scalars()
            articles = list(typed)
        assert len(raw) == 3 and raw[0] == raw[1] == raw[2]
        assert articles[0].created_at == articles[1].created_at
        assert articles[1].created_at.utcoffset() == dt.timedelta(0)
    finally:
        await db.close()
