"""Every table as JSON lines and back, row for row: `newsbot export` and `newsbot import`."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from sqlalchemy import Column, Table, func, insert, select, text

from storage.db import Database
from storage.models import Base, UTCDateTime

FORMAT = 1
HEADER_KEY = "newsbot_export"
BATCH = 1_000
# A restore also inserts once its pending rows hold this many characters (long articles).
BATCH_CHARS = 1_000_000


class NotEmpty(Exception):
    """An export is restored only into a database without articles or subscriptions."""


def _python_type(column: Column[Any]) -> type | None:
    if isinstance(column.type, UTCDateTime):
        return dt.datetime
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _from_json(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = _python_type(column)
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    return value


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


async def export_rows(db: Database) -> AsyncGenerator[dict[str, Any]]:
    """A header line, then every row of every table as {"table": name, "row": {...}}."""
    yield {HEADER_KEY: FORMAT, "tables": [t.name for t in _tables()]}
    async with db.sessions() as session:
        for table in _tables():
            order = list(table.primary_key.columns)
            result = await session.stream(select(table).order_by(*order))
            async for row in result.mappings():
                yield {
                    "table": table.name,
                    "row": {c.name: _to_json(row[c.name]) for c in table.columns},
                }


def is_export_header(line: dict[str, Any]) -> bool:
    """Whether a first line opens a newsbot export."""
    return line.get(HEADER_KEY) == FORMAT


class OutOfOrder(ValueError):
    """An export whose tables are not in the order `newsbot export` writes them."""


async def import_rows(db: Database, lines: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Restore an export into an empty database in one transaction; returns rows per table.

    Streams: rows are inserted BATCH at a time as they are read, so memory does not grow with
    the export. The lines must come table by table in the export's order (parents before
    children, as `newsbot export` writes them); anything else is refused whole (OutOfOrder),
    as is an error the `lines` iterable raises: the transaction then stores nothing.
    """
    order = _tables()
    position = {t.name: n for n, t in enumerate(order)}
    counts = {t.name: 0 for t in order}
    async with db.transaction() as session:
        for name in ("articles", "subscriptions"):
            table = order[position[name]]
            if await session.scalar(select(func.count()).select_from(table)):
                raise NotEmpty(f"the database already has {name}; restore into an empty one")
        current = -1
        pending: list[dict[str, Any]] = []
        pending_chars = 0

        async def flush() -> None:
            nonlocal pending_chars
            pending_chars = 0
            if pending:
                await session.execute(insert(order[current]), pending)
                counts[order[current].name] += len(pending)
                pending.clear()

        async def move_to(target: int) -> None:
            nonlocal current
            await flush()
            while current < target:
                current += 1
                if order[current].name == "counters":
                    # The export's counters replace the ones a new database starts with.
                    await session.execute(order[current].delete())

        for line in lines:
            number = position.get(str(line.get("table")))
            if number is None or not isinstance(line.get("row"), dict):
                continue
            if number < current:
                raise OutOfOrder(
                    f"rows of {order[number].name} after those of {order[current].name}"
                )
            if number > current:
                await move_to(number)
            row = {c.name: _from_json(c, line["row"].get(c.name)) for c in order[number].columns}
            pending.append(row)
            pending_chars += sum(len(v) for v in row.values() if isinstance(v, str))
            if len(pending) >= BATCH or pending_chars >= BATCH_CHARS:
                await flush()
        await move_to(len(order) - 1)
        await flush()
        if db.engine.dialect.name == "postgresql":
            for table in order:
                if "id" in table.columns and table.columns["id"].autoincrement is not False:
                    await session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                        )
                    )
    return counts
