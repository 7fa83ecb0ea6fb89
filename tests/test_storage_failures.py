"""A read-only database or a full disk: a clear reply, and nothing already stored is lost."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import ManualClock
from bot.failures import DISK_FULL, READ_ONLY
from bot.settings import Settings
from tests.conftest import EDITOR, Harness, make_settings, seed_text, start_bot, stop_bot

SECOND = (
    "date 2026-11-20\nMosul dam repairs resume\n\n"
    "Engineers resumed grouting work at the Mosul dam on Friday after a two-week pause, "
    "the ministry of water resources said in a statement.\n\n"
    # Long enough to need new pages in the database file.
    + "The dam holds back the Tigris upstream of the city. "
    * 1500
)


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _full(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA page_count")
    pages = cursor.fetchone()[0]
    # The file may not grow by a single page: SQLite answers "database or disk is full".
    cursor.execute(f"PRAGMA max_page_count={pages}")
    cursor.close()


Breakage = Callable[[AsyncEngine], Awaitable[None]]


def _on_connect(hook: Any) -> tuple[Breakage, Breakage]:
    """Break every new connection with `hook`, and mend them again."""

    async def breaks(engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "connect", hook)
        await engine.dispose()  # new connections get the breakage

    async def mends(engine: AsyncEngine) -> None:
        event.remove(engine.sync_engine, "connect", hook)
        await engine.dispose()

    return breaks, mends


def _read_only_postgres() -> tuple[Breakage, Breakage]:
    """What an admin does to stop writes: the database refuses them for every new session."""

    async def alter(engine: AsyncEngine, setting: str) -> None:
        name = engine.url.database
        async with engine.begin() as conn:
            await conn.exec_driver_sql("SET TRANSACTION READ WRITE")
            await conn.exec_driver_sql(f'ALTER DATABASE "{name}" {setting}')
        await engine.dispose()

    async def breaks(engine: AsyncEngine) -> None:
        await alter(engine, "SET default_transaction_read_only = on")

    async def mends(engine: AsyncEngine) -> None:
        await alter(engine, "RESET default_transaction_read_only")

    return breaks, mends


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [(_on_connect(_read_only), READ_ONLY), (_on_connect(_full), DISK_FULL)],
)
async def test_storage_failure_gets_a_clear_reply_and_keeps_what_was_stored(
    tmp_path: Path, clock: ManualClock, breakage: tuple[Breakage, Breakage], expected: str
) -> None:
    await _check_failure(make_settings(tmp_path), clock, breakage, expected)


@pytest.mark.parametrize(
    "backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_read_only_postgres_gets_the_same_clear_reply(
    settings: Settings, clock: ManualClock
) -> None:
    await _check_failure(settings, clock, _read_only_postgres(), READ_ONLY)


async def _check_failure(
    settings: Settings, clock: ManualClock, breakage: tuple[Breakage, Breakage], expected: str
) -> None:
    breaks, mends = breakage
    bot: Harness = await start_bot(settings, clock)
    try:
        assert (await bot.send(seed_text(), user_id=EDITOR))[0].startswith("Saved #1: ")
        await breaks(bot.services.db.engine)
        assert await bot.send(SECOND, user_id=EDITOR) == [expected]
        await mends(bot.services.db.engine)
    finally:
        await stop_bot(bot)
    again = await start_bot(settings, clock)
    try:
        assert (await again.services.archive.articles.stats()).articles == 1
        assert len((await again.services.questions.ask("civilians trapped in Raqqa")).hits) == 1
        # Once the disk has room again the same text is saved (a fresh factory reuses message
        # ids, so the first one goes to /help instead of clashing with article #1's origin).
        await again.send("/help", user_id=EDITOR)
        assert await again.send(SECOND, user_id=EDITOR) == [
            "Saved #2: Mosul dam repairs resume (2026-11-20)"
        ]
    finally:
        await stop_bot(again)


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(bot: Harness) -> None:
    async with bot.services.db.engine.connect() as conn:
        mode = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
        timeout = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar()
    assert (mode, timeout) == ("wal", 10_000)
