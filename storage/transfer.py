"""Copy every table from one database to another, resumable: rows already there are kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Table, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database
from storage.models import Base, Counter

# Who took which update is only meaningful to the processes running now.
SKIPPED_TABLES = frozenset({"processed_updates", "alembic_version"})


@dataclass(slots=True)
class CopyReport:
    """Rows copied and rows the target had already, per table."""

    copied: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)


def copied_tables() -> list[Table]:
    """The tables to copy, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED_TABLES]


async def count_rows(db: Database) -> int:
    """How many rows a copy from this database reads."""
    total = 0
    async with db.engine.connect() as conn:
        for table in copied_tables():
            total += int((await conn.execute(select(func.count()).select_from(table))).scalar_one())
    return total


async def copy_database(
    source: Database,
    target: Database,
    *,
    batch_size: int = 2_000,
    progress: Callable[[int], object] | None = None,
) -> CopyReport:
    """Copy rows by primary key; each batch is one transaction, so a re-run resumes."""
    report = CopyReport()
    for table in copied_tables():
        copied = kept = 0
        key = list(table.primary_key.columns)
        async with source.engine.connect() as src:
            result = await src.stream(select(table).order_by(*key))
            async for rows in result.partitions(batch_size):
                batch = [dict(row._mapping) for row in rows]
                async with target.engine.begin() as dst:
                    inserted = await _insert_missing(dst, table, batch, target.is_sqlite)
                copied += inserted
                kept += len(batch) - inserted
                if progress is not None:
                    progress(len(batch))
        report.copied[table.name], report.kept[table.name] = copied, kept
    async with target.engine.begin() as dst:
        await _raise_counters(source, dst)
        if not target.is_sqlite:
            await _reset_sequences(dst)
    return report


async def _insert_missing(
    conn: AsyncConnection, table: Table, rows: list[dict[str, object]], is_sqlite: bool
) -> int:
    dialect_insert = sqlite.insert if is_sqlite else postgresql.insert
    # RETURNING lists only the rows that were new; conflicting ones are left as they are.
    statement = dialect_insert(table).on_conflict_do_nothing().returning(*table.primary_key.columns)
    return len((await conn.execute(statement, rows)).all())


async def _raise_counters(source: Database, dst: AsyncConnection) -> None:
    async with source.engine.connect() as src:
        counters = (await src.execute(select(Counter.name, Counter.value))).all()
    for name, value in counters:
        # Change numbers must never go backwards, or the search index would miss changes.
        await dst.execute(
            Counter.__table__.update()  # type: ignore[attr-defined]
            .where(Counter.name == name, Counter.value < value)
            .values(value=value)
        )


async def _reset_sequences(dst: AsyncConnection) -> None:
    for table in copied_tables():
        for column in table.primary_key.columns:
            if column.autoincrement is not True:
                continue
            await dst.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                )
            )
