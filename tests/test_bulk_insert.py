"""`insert_rows` (the bulk import's inserts) stores what SQLAlchemy's own insert stores."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table, insert

from storage.db import Database, insert_rows

_METADATA = MetaData()
_TIMES = Table(
    "times",
    _METADATA,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True)),
    Column("day", Date),
    Column("note", String(20)),
)


async def test_each_row_stores_its_own_time_and_date(tmp_path: Path) -> None:
    # Equal instants in two zones compare (and hash) equal, yet SQLite stores each as its own
    # wall-clock text: a value processed once for the batch must not stand for the other.
    utc = dt.datetime(2017, 7, 4, 12, 0, tzinfo=dt.UTC)
    beirut = utc.astimezone(dt.timezone(dt.timedelta(hours=3)))
    assert utc == beirut
    values = [
        (1, utc, dt.date(2017, 7, 4), "a"),
        (2, beirut, dt.date(2017, 7, 4), "b"),
        (3, utc, dt.date(2017, 7, 5), None),
        (4, None, None, "d"),
    ]
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'times.sqlite3'}")
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(_METADATA.create_all)
        async with db.transaction() as session:
            await insert_rows(session, _TIMES, ("id", "at", "day", "note"), values)
            await session.execute(
                insert(_TIMES),
                [{"id": 10 + i, "at": a, "day": d, "note": n} for i, a, d, n in values],
            )
        async with db.engine.connect() as conn:
            stored = (await conn.exec_driver_sql("SELECT id, at, day, note FROM times")).all()
    finally:
        await db.close()
    ours = [row[1:] for row in stored if row[0] < 10]
    theirs = [row[1:] for row in stored if row[0] >= 10]
    assert ours == theirs
    assert ours[0][0] != ours[1][0]  # the same instant, each in its own zone's text
