"""Schema migrations with Alembic: upgrade, compare with the models, and the start-up rule."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from storage.db import Database
from storage.models import Base

MIGRATIONS = Path(__file__).parent / "migrations"
FIRST_REVISION = "0001"
# Several processes may start at once: one migrates, the others wait on this lock.
PG_LOCK_KEY = 7_264_501_113


class SchemaError(Exception):
    """The database schema cannot be used by this version; the message says what to do."""


class NoArchive(SchemaError):
    """A command that only reads was pointed at a database no archive was created in."""


async def require_archive(db: Database) -> None:
    """NoArchive, having changed nothing, when the database holds no archive: no SQLite file
    (connecting would create it), or no table (an empty PostgreSQL database)."""
    if db.sqlite_file is not None and not await asyncio.to_thread(os.path.exists, db.sqlite_file):
        raise NoArchive("no archive yet")
    async with db.engine.connect() as conn:
        found = await conn.run_sync(
            lambda sync: _current(sync) is not None or inspect(sync).has_table("articles")
        )
    if not found:
        raise NoArchive("no archive yet")


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for our migrations, bound to an open connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration this version of the bot knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise SchemaError("no migrations found")
    return head


async def current_revision(db: Database) -> str | None:
    """The revision the database is at (None: never migrated)."""
    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)


async def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Apply pending migrations; returns the revisions before and after."""
    async with db.engine.begin() as conn:
        if not db.is_sqlite:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        return await conn.run_sync(_upgrade, revision)


async def ensure_schema(db: Database, *, auto_migrate: bool, reading: bool = False) -> None:
    """Start-up: migrate when allowed, and refuse to run on a schema this version doesn't know.

    `reading`: for a command that only reads, which never migrates (AUTO_MIGRATE is not
    named: it does not apply to such a command)."""
    current = await current_revision(db)
    head = head_revision()
    if current == head:
        return
    known = {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    if current is not None and current not in known:
        raise SchemaError(
            f"the database is at schema revision {current}, newer than this version of the bot "
            f"knows ({head}): upgrade the bot"
        )
    if reading:
        raise SchemaError(
            f"the archive's schema is at {current or 'nothing'}, this version of the bot needs "
            f"{head}: run `newsbot db upgrade` first (a command that only reads changes nothing)"
        )
    if not auto_migrate:
        raise SchemaError(
            f"the database schema is at {current or 'nothing'}, the bot needs {head}: "
            "run `newsbot db upgrade` (or set AUTO_MIGRATE=true)"
        )
    await upgrade(db)


async def differences(db: Database) -> list[Any]:
    """What Alembic autogenerate would change to make the database match the models."""
    async with db.engine.connect() as conn:
        return await conn.run_sync(_compare)


async def new_revision(db: Database, message: str, rev_id: str | None = None) -> str:
    """Write a migration from the difference between the database and the models."""
    async with db.engine.begin() as conn:
        return await conn.run_sync(_revision, message, rev_id)


def _current(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _upgrade(conn: Connection, revision: str) -> tuple[str | None, str | None]:
    before = _current(conn)
    config = alembic_config(conn)
    if before is None and inspect(conn).has_table("articles"):
        # Made by create_all before migrations existed: that is the first migration's schema.
        command.stamp(config, FIRST_REVISION)
    command.upgrade(config, revision)
    return before, _current(conn)


def _compare(conn: Connection) -> list[Any]:
    from storage.migrations.env_options import comparison_options

    context = MigrationContext.configure(conn, opts=comparison_options())
    return list(compare_metadata(context, Base.metadata))


def _revision(conn: Connection, message: str, rev_id: str | None) -> str:
    script = command.revision(
        alembic_config(conn), message=message, autogenerate=True, rev_id=rev_id
    )
    if script is None or isinstance(script, list):
        raise SchemaError("alembic wrote no single revision")
    return str(script.path)
