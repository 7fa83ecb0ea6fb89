"""Engine and session factory: the only place that knows how to connect."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from storage.models import Base

SQLITE_BUSY_TIMEOUT_MS = 10_000


def async_url(url: str) -> str:
    """Accept plain `sqlite:///` and `postgresql://` URLs and pick the async driver."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str) -> AsyncEngine:
    """An engine with the pragmas that make SQLite safe for a bot: WAL and a busy timeout."""
    url = async_url(url)
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ":memory:"
        if database == ":memory:" or "mode=memory" in url:
            # One shared connection, or every session would see its own empty database.
            kwargs["poolclass"] = StaticPool
        else:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        # A webhook process handles up to 16 updates at once (bot/webhook.py), each holding a
        # connection only between its CPU work: keep enough open that load does not open and
        # close overflow connections (a new backend each), and 4 processes stay well within
        # PostgreSQL's default 100 connections.
        kwargs.update(pool_size=12, max_overflow=8)
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL survives kill -9 of the process and lets readers run beside the writer.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Database:
    """An engine plus its session factory; stores take one of these."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        # Same pool; each statement commits by itself (no BEGIN/COMMIT round trips).
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    @classmethod
    def from_url(cls, url: str) -> Database:
        """A database for this URL (nothing is opened until first use)."""
        return cls(create_engine(url))

    @property
    def is_sqlite(self) -> bool:
        """Whether the backend is SQLite."""
        return self.engine.dialect.name == "sqlite"

    async def create_schema(self) -> None:
        """Create missing tables (idempotent)."""
        async with self.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commit on success, roll back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @contextlib.asynccontextmanager
    async def driver_connection(self) -> AsyncIterator[Any]:
        """The driver's own connection (asyncpg's), from the pool, each statement autocommitted.

        For the one statement every Telegram update runs: SQLAlchemy's execution layer costs
        several times what the statement itself does. Callers write the dialect's own SQL.
        """
        async with self._autocommit.connect() as conn:
            raw = await conn.get_raw_connection()
            yield raw.driver_connection

    async def ping(self) -> bool:
        """Whether the database answers."""
        from sqlalchemy import text

        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def close(self) -> None:
        """Release every connection."""
        await self.engine.dispose()
