"""Export, import, restore and the audit log on PostgreSQL (skipped when it is not reachable)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from storage.backup import export_rows, import_rows
from storage.db import Database
from tests.conftest import EDITOR, make_settings, seed_text, start_bot, stop_bot
from tests.support.postgres import fresh_database, postgres_url_or_skip

pytestmark = pytest.mark.postgres


@pytest.fixture
async def two_databases() -> AsyncIterator[tuple[str, str]]:
    server = postgres_url_or_skip()
    async with fresh_database(server) as first, fresh_database(server) as second:
        yield first, second


async def _dump(url: str) -> list[dict[str, Any]]:
    db = Database.from_url(url)
    try:
        return [line async for line in export_rows(db)]
    finally:
        await db.close()


async def test_round_trip_restore_and_audit_on_postgres(
    two_databases: tuple[str, str], tmp_path: Path, clock: ManualClock
) -> None:
    first, second = two_databases
    bot = await start_bot(
        make_settings(tmp_path, database_url=first, index_dir=tmp_path / "i1"), clock
    )
    try:
        await bot.send(seed_text(), user_id=EDITOR)
        await bot.send("/delete 1", user_id=EDITOR)
        await bot.process(bot.updates.callback("delete:1", bot.fake.sent[-1]))
        assert (await bot.send("/restore 1", user_id=EDITOR))[0].startswith("Restored #1: ")
        assert len((await bot.services.questions.ask("civilians trapped in Raqqa")).hits) == 1
        actions = [e.action for e in await bot.services.audit.recent()]
        assert actions == ["restore", "delete", "add"]
    finally:
        await stop_bot(bot)

    dumped = await _dump(first)
    target = Database.from_url(second)
    try:
        await target.create_schema()
        counts = await import_rows(target, dumped[1:])
    finally:
        await target.close()
    assert (counts["articles"], counts["audit_log"]) == (1, 3)
    assert await _dump(second) == dumped

    again = await start_bot(
        make_settings(tmp_path, database_url=second, index_dir=tmp_path / "i2"), clock
    )
    try:
        await again.services.archive.rebuild_index()
        assert len((await again.services.questions.ask("civilians trapped in Raqqa")).hits) == 1
        await again.send("/help", user_id=EDITOR)
        saved = await again.send(
            "date 2026-11-20\nMosul dam repairs resume\n\nEngineers resumed work on Friday.",
            user_id=EDITOR,
        )
        assert saved == ["Saved #2: Mosul dam repairs resume (2026-11-20)"]
    finally:
        await stop_bot(again)
