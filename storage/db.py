"""Engine and session factory: the only place that knows how to connect."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import inspect
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from storage.models import Base

SQLITE_BUSY_TIMEOUT_MS = 10_000
DRIVER_POOL_SIZE = 10


def async_url(url: str) -> str:
    """Accept plain `sqlite:///` and `postgresql://` URLs and pick the async driver; another
    database (`mysql://`) is an ArgumentError saying which to use, not a missing module."""
    parsed = make_url(url)
    if parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    if parsed.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
        raise ArgumentError(
            f"{parsed.drivername} is not supported: use sqlite+aiosqlite:///path/to/file.sqlite3 "
            "or postgresql+asyncpg://user@host/db"
        )
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, *, make_folder: bool = True) -> AsyncEngine:
    """An engine with the pragmas that make SQLite safe for a bot: WAL and a busy timeout;
    `make_folder`: make the SQLite file's folder when missing (not for a reader)."""
    url = async_url(url)
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ":memory:"
        if database == ":memory:" or "mode=memory" in url:
            # One shared connection, or every session would see its own empty database.
            kwargs["poolclass"] = StaticPool
        elif make_folder:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        # A webhook process handles up to 16 updates at once (bot/cli/webhook.py); their hot
        # statements use the driver pool below, the rest this one. Enough connections stay open
        # that load does not open and close overflow ones (a new backend each), and 4 processes
        # (up to 10 + 10 each) stay within PostgreSQL's default 100 connections.
        kwargs.update(pool_size=6, max_overflow=4)
    # An error's text (and the DEBUG SQL log) must not carry an article's words or a chat's
    # ids: the statement is enough to say what failed.
    engine = create_async_engine(url, hide_parameters=True, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


async def _driver_pool(engine: AsyncEngine) -> Any:
    import asyncpg

    # The same connection settings as the engine's (host, user, ssl=... in the URL), less the
    # ones only SQLAlchemy's adapter knows.
    _, params = engine.dialect.create_connect_args(engine.url)
    accepted = inspect.signature(asyncpg.connect).parameters
    return await asyncpg.create_pool(
        **{k: v for k, v in params.items() if k in accepted},
        min_size=1,
        max_size=DRIVER_POOL_SIZE,
        # Nothing to reset: these connections only run autocommitted single statements, and
        # asyncpg's default reset is one more round trip per use.
        reset=_no_reset,
    )


async def _no_reset(conn: Any) -> None:
    return None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL survives kill -9 of the process and lets readers run beside the writer.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_file(engine: AsyncEngine) -> str | None:
    """The file of a SQLite database (None for another backend or an in-memory one)."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ":memory:"
    if database == ":memory:" or "mode=memory" in str(url) or database.startswith("file:"):
        return None
    return database


async def insert_rows(
    session: AsyncSession,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    skip_conflicts: bool = False,
) -> None:
    """Insert many rows of plain values in the session's transaction, as one executemany.

    For bulk imports: SQLAlchemy's statement layer builds and processes a parameter dict
    per row, several times the cost of the insert itself. Each value still goes through its
    column type's bind processing (dates and times as SQLAlchemy stores them).
    """
    if not rows:
        return
    conn = await session.connection()
    dialect = conn.dialect
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    if any(processors):
        processed = [list(row) for row in rows]
        for column, process in enumerate(processors):
            if process is not None:
                _process_column(processed, column, process)
        rows = [tuple(row) for row in processed]
    marks = _placeholders(dialect, len(columns))
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({marks})" + (" ON CONFLICT DO NOTHING" if skip_conflicts else "")
    )
    await conn.exec_driver_sql(sql, list(rows))


async def stored_values(
    session: AsyncSession, table: Table, column: str, values: Sequence[str], *, chunk: int = 500
) -> set[str]:
    """Which of these text `values` the `column` of `table` holds, read in the session's
    transaction, `chunk` at a time.

    For bulk imports: a `select(...).where(column.in_(values))` coerces and compiles every
    value on each call, several times what the read costs; this is one plain statement.
    """
    found: set[str] = set()
    if not values:
        return found
    conn = await session.connection()
    quote = conn.dialect.identifier_preparer.quote
    name, source = quote(column), quote(table.name)
    for at in range(0, len(values), chunk):
        part = list(values[at : at + chunk])
        # The last value repeated up to a power of two (or `chunk`): one prepared statement
        # for each of a few lengths, not one for every batch's last chunk.
        size = min(chunk, 1 << max(len(part) - 1, 0).bit_length())
        part += [part[-1]] * (size - len(part))
        marks = _placeholders(conn.dialect, len(part))
        result = await conn.exec_driver_sql(
            f"SELECT {name} FROM {source} WHERE {name} IN ({marks})", tuple(part)
        )
        found.update(value for (value,) in result if value is not None)
    return found


def _placeholders(dialect: Dialect, count: int) -> str:
    """`count` bind markers in the driver's own style (asyncpg numbers them)."""
    if dialect.paramstyle == "numeric_dollar":
        return ", ".join(f"${n}" for n in range(1, count + 1))
    return ", ".join("?" * count)


def _process_column(rows: list[list[Any]], column: int, process: Callable[[Any], Any]) -> None:
    """Bind-process one column of every row, each distinct date or time once: a batch's rows
    share a few, and formatting each again was a tenth of an import's inserts."""
    done: dict[object, Any] = {}
    for row in rows:
        value = row[column]
        if value is None:
            continue
        if not isinstance(value, dt.date):
            row[column] = process(value)
            continue
        # Equal times in two zones compare equal, yet may be stored differently.
        key = (value, value.tzinfo) if isinstance(value, dt.datetime) else value
        try:
            row[column] = done[key]
        except KeyError:
            row[column] = done[key] = process(value)


class Database:
    """An engine plus its session factory; stores take one of these."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._driver_pool: Any = None  # asyncpg.Pool, opened on first use
        self._driver_pool_lock = asyncio.Lock()
        self._sqlite_file = _sqlite_file(engine)
        self._reader: Any = None  # aiosqlite.Connection, opened on first use
        self._reader_lock = asyncio.Lock()

    @classmethod
    def from_url(cls, url: str, *, make_folder: bool = True) -> Database:
        """A database for this URL (nothing is opened until first use)."""
        return cls(create_engine(url, make_folder=make_folder))

    @property
    def sqlite_file(self) -> str | None:
        """The SQLite file (None for another backend or an in-memory database)."""
        return self._sqlite_file

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
        """An asyncpg connection of a small pool of its own; each statement autocommits.

        For the statements every Telegram update runs (its claim, the articles of an answer):
        SQLAlchemy's execution layer and pool cost several times what such a statement does.
        Callers write PostgreSQL's own SQL. Not for SQLite.
        """
        if self._driver_pool is None:
            async with self._driver_pool_lock:
                if self._driver_pool is None:
                    self._driver_pool = await _driver_pool(self.engine)
        async with self._driver_pool.acquire() as conn:
            yield conn

    async def sqlite_fetch(self, sql: str, params: Sequence[Any]) -> list[Any] | None:
        """Rows of one read on an aiosqlite connection of its own (SQLite files only).

        For the read before every digest message: through SQLAlchemy's execution layer and
        pool it costs about four times the statement (385 against 90 us of CPU). Each read is
        its own snapshot (sqlite3 opens no transaction for a SELECT), so it sees every commit.
        None for an in-memory database, where another connection would see another database:
        use the engine there.
        """
        if self._sqlite_file is None:
            return None
        async with self._reader_lock:
            if self._reader is None:
                import aiosqlite

                self._reader = await aiosqlite.connect(
                    self._sqlite_file, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000
                )
            # One trip to the connection's thread (execute, fetch, close), not three: each trip
            # is a hand-over between threads, and every question makes two reads.
            return list(await self._reader.execute_fetchall(sql, tuple(params)))

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
        if self._driver_pool is not None:
            await self._driver_pool.close()
            self._driver_pool = None
        async with self._reader_lock:
            if self._reader is not None:
                await self._reader.close()
                self._reader = None
        await self.engine.dispose()
