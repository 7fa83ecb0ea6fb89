"""Export, import, restore and the audit log on PostgreSQL (skipped when it is not reachable)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.clock import ManualClock
from storage.backup import export_rows, import_rows
from storage.db import Database
from tests.conftest import EDITOR, make_settings, seed_text, start_bot, stop_bot

POSTGRES_URL = os.environ.get("NEWSBOT_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="PostgreSQL tests need NEWSBOT_TEST_POSTGRES_URL, "
    "e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test",
)


async def _admin(sql: str) -> None:
    import asyncpg

    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL)
    conn = await asyncpg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
async def two_databases() -> AsyncIterator[tuple[str, str]]:
    assert POSTGRES_URL is not None
    names = [f"newsbot_t6_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    for name in names:
        await _admin(f'CREATE DATABASE "{name}"')
    try:
        urls = [
            make_url(POSTGRES_URL).set(database=n).render_as_string(hide_password=False)
            for n in names
        ]
        yield urls[0], urls[1]
    finally:
        for name in names:
            await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
