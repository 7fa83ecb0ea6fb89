"""Every table as JSON lines and back, row for row: `newsbot export` and `newsbot import`."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable
from typing import Any

from sqlalchemy import Column, Table, func, insert, select, text

from storage.db import Database
from storage.models import Base, UTCDateTime

FORMAT = 1
HEADER_KEY = "newsbot_export"
BATCH = 1_000


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


async def export_rows(db: Database) -> AsyncIterator[dict[str, Any]]:
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


async def import_rows(db: Database, lines: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Restore an export into an empty database in one transaction; returns rows per table."""
    tables = {t.name: t for t in _tables()}
    counts = dict.fromkeys(tables, 0)
    async with db.transaction() as session:
        for name in ("articles", "subscriptions"):
            if await session.scalar(select(func.count()).select_from(tables[name])):
                raise NotEmpty(f"the database already has {name}; restore into an empty one")
        pending: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
        for line in lines:
            table = tables.get(str(line.get("table")))
            if table is None or not isinstance(line.get("row"), dict):
                continue
            row = {c.name: _from_json(c, line["row"].get(c.name)) for c in table.columns}
            pending[table.name].append(row)
        # Parents before children, whatever order the lines came in.
        for table in _tables():
            rows = pending[table.name]
            if table.name == "counters":
                await session.execute(table.delete())
            for start in range(0, len(rows), BATCH):
                await session.execute(insert(table), rows[start : start + BATCH])
            counts[table.name] = len(rows)
        if db.engine.dialect.name == "postgresql":
            for table in _tables():
                if "id" in table.columns and table.columns["id"].autoincrement is not False:
                    await session.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                        )
                    )
    return counts
