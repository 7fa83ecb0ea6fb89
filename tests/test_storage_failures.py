"""A read-only database or a full disk: a clear reply, and nothing already stored is lost."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.clock import ManualClock
from bot.failures import DISK_FULL, READ_ONLY
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


@pytest.mark.parametrize(("breakage", "expected"), [(_read_only, READ_ONLY), (_full, DISK_FULL)])
async def test_storage_failure_gets_a_clear_reply_and_keeps_what_was_stored(
    tmp_path: Path, clock: ManualClock, breakage: Any, expected: str
) -> None:
    settings = make_settings(tmp_path)
    bot: Harness = await start_bot(settings, clock)
    try:
        assert (await bot.send(seed_text(), user_id=EDITOR))[0].startswith("Saved #1: ")
        engine = bot.services.db.engine
        event.listen(engine.sync_engine, "connect", breakage)
        await engine.dispose()  # new connections get the breakage
        assert await bot.send(SECOND, user_id=EDITOR) == [expected]
        event.remove(engine.sync_engine, "connect", breakage)
        await engine.dispose()
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
