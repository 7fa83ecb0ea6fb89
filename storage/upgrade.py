"""Bring an existing database up to the models: add missing nullable columns and indexes.

`create_all` creates missing tables only; a database made by an earlier version lacks the
columns added since. Only additions that need no data rewrite are made here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.schema import CreateIndex

from storage.db import Database
from storage.models import Base


async def add_missing_columns(db: Database) -> list[str]:
    """Add the nullable columns and indexes the models have and the tables lack; what was added."""
    async with db.engine.begin() as conn:
        return await conn.run_sync(_upgrade)


def _upgrade(conn: Any) -> list[str]:
    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    added: list[str] = []
    for table in Base.metadata.sorted_tables:
        if table.name not in tables:
            continue
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present or not column.nullable:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')
            added.append(f"{table.name}.{column.name}")
        indexes = {i["name"] for i in inspector.get_indexes(table.name)}
        for index in table.indexes:
            if index.name not in indexes:
                conn.execute(CreateIndex(index))
                added.append(f"index {index.name}")
    return added
