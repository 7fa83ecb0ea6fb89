"""Two real bot processes on one PostgreSQL behind one fake Bot API, serving one webhook."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from bot.articles.archive import ImportRecord
from bot.services import open_services
from bot.telegram.updates import UpdateFactory
from storage.db import Database
from tests.conftest import EDITOR, make_settings
from tests.support.postgres import fresh_database, postgres_url_or_skip
from tests.support.server import create_app

pytestmark = pytest.mark.postgres

TOKEN = "123456:" + "A" * 35
SECRET = "two-processes"
STARTUP_SECONDS = 60


class BotProcess:
    """`newsbot run --webhook` in a subprocess, with its port and what it logged."""

    def __init__(self, proc: asyncio.subprocess.Process, port: int, log: list[str]) -> None:
        self.proc, self.port, self.log = proc, port, log
        self._drain = asyncio.create_task(self._read_rest())

    @classmethod
    async def start(cls, workdir: Path, env: dict[str, str]) -> BotProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--webhook",
            cwd=workdir, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert proc.stderr is not None
        log: list[str] = []
        async with asyncio.timeout(STARTUP_SECONDS):
            while True:  # the line the server logs once its socket listens
                line = (await proc.stderr.readline()).decode()
                assert line, "the bot process exited:\n" + "".join(log)
                log.append(line)
                if "webhook server listening on" in line:
                    return cls(proc, int(line.rsplit(":", 1)[1]), log)

    async def _read_rest(self) -> None:
        assert self.proc.stderr is not None
        async for line in self.proc.stderr:
            self.log.append(line.decode())

    async def post(self, http: httpx.AsyncClient, update: Any) -> int:
        answer = await http.post(
            f"http://127.0.0.1:{self.port}/telegram",
            content=json.dumps(update.to_dict()),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        return answer.status_code

    async def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        await self.proc.wait()
        await self._drain


@contextlib.asynccontextmanager
async def fake_bot_api() -> AsyncIterator[tuple[Any, int]]:
    """The fake Bot API server in this process; yields its Starlette app and port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    web = create_app()
    server = uvicorn.Server(uvicorn.Config(web, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield web, sock.getsockname()[1]
    finally:
        web.state.stall.set(None)
        server.should_exit = True
        await task


def bot_env(database_url: str, api_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{api_port}/bot",
        TELEGRAM_FILE_BASE_URL=f"http://127.0.0.1:{api_port}/file/bot",
        DATABASE_URL=database_url,
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_PORT="0",
        EDITOR_IDS=str(EDITOR),
        LOG_LEVEL="INFO",
        # A dead process's digest is taken over once its lease lapses: keep that short here.
        DIGEST_LEASE_SECONDS="10",
        DIGEST_TICK_SECONDS="1",
    )
    return env


def article(number: int) -> str:
    return (
        f"Report {number} from the Euphrates valley\n"
        f"Correspondents filed report number {number} on water, power and schools in the valley. "
        + "Residents described the situation in detail to our reporters. "
        * 6
    )


async def test_two_processes_handle_each_update_once_and_answer_alike(tmp_path: Path) -> None:
    async with fresh_database(postgres_url_or_skip()) as url, fake_bot_api() as (web, port):
        fake = web.state.fake
        env = bot_env(url, port)
        # Started together: they also race to migrate the empty database.
        one, two = await asyncio.gather(
            BotProcess.start(tmp_path, env), BotProcess.start(tmp_path, env)
        )
        updates = UpdateFactory(None)  # type: ignore[arg-type]
        try:
            async with httpx.AsyncClient(timeout=30) as http:
                added = updates.message(f"/add {article(1)}", user_id=EDITOR)
                # Telegram delivers to one, but a retry may reach the other: both get it at once.
                assert await asyncio.gather(one.post(http, added), two.post(http, added)) == [
                    200,
                    200,
                ]
                questions = [
                    updates.message("Euphrates valley report?", user_id=5000 + n) for n in range(10)
                ]
                for update in questions:
                    await asyncio.gather(one.post(http, update), two.post(http, update))
                # An article added through one process is found at once through the other.
                await one.post(http, updates.message(f"/add {article(2)}", user_id=EDITOR))
                await two.post(http, updates.message("report number 2?", user_id=6001))
                await one.post(http, updates.message("report number 2?", user_id=6002))
        finally:
            await asyncio.gather(one.stop(), two.stop())
        by_chat: dict[int, list[str]] = {}
        for message in fake.sent:
            by_chat.setdefault(message.chat_id, []).append(message.text)
        assert by_chat[EDITOR] == [
            "Saved #1: Report 1 from the Euphrates valley (2026-11-25)",
            "Saved #2: Report 2 from the Euphrates valley (2026-11-25)",
        ]
        answers = [by_chat[5000 + n] for n in range(10)]
        assert [len(a) for a in answers] == [1] * 10  # each question answered once
        assert all(a == answers[0] for a in answers)  # and alike, whichever process took it
        assert "/read_1" in answers[0][0]
        assert by_chat[6001] == by_chat[6002]
        assert "/read_2" in by_chat[6001][0].split("\n")[2]
        handled = sum(sum(1 for line in p.log if "Traceback" in line) for p in (one, two))
        assert handled == 0


async def test_a_digest_interrupted_by_kill_9_is_finished_by_another_process(
    tmp_path: Path,
) -> None:
    async with fresh_database(postgres_url_or_skip()) as url, fake_bot_api() as (web, port):
        fake, stall = web.state.fake, web.state.stall
        reader = 7007
        now = dt.datetime.now(dt.UTC)
        services = await open_services(
            make_settings(tmp_path, database_url=url, index_dir=tmp_path / "setup")
        )
        try:
            await services.subscriptions.subscribe(
                reader, "00:00", "", created_by=reader, after_article_id=0,
                now=now - dt.timedelta(days=2),
            )  # fmt: skip
            await services.archive.import_records(ImportRecord(text=article(n)) for n in range(60))
        finally:
            await services.close()
        env = bot_env(url, port)
        stall.set(1)  # the first digest message goes out, then sending hangs
        first = await BotProcess.start(tmp_path, env)
        async with httpx.AsyncClient(timeout=30) as http:
            assert (await http.get(f"http://127.0.0.1:{port}/_fake/stalled")).status_code == 200
            await first.stop(signal.SIGKILL)  # dies in the middle of the digest
            stall.set(None)
            parts = await _delivery_parts(url)
            assert len(parts) >= 2  # so that the kill falls between two parts
            assert [m.text for m in fake.sent] == parts[:1]
            second = await BotProcess.start(tmp_path, env)  # its start-up catch-up finishes it
            try:
                waited = await http.get(
                    f"http://127.0.0.1:{port}/_fake/wait", params={"count": len(parts)}
                )
                assert waited.status_code == 200
            finally:
                await second.stop()
        assert [m.text for m in fake.sent] == parts  # every part once, in order
        assert {m.chat_id for m in fake.sent} == {reader}
        assert await _delivery_state(url) == ("sent", len(parts))


async def test_two_processes_due_at_once_send_one_digest(tmp_path: Path) -> None:
    async with fresh_database(postgres_url_or_skip()) as url, fake_bot_api() as (web, port):
        fake = web.state.fake
        services = await open_services(
            make_settings(tmp_path, database_url=url, index_dir=tmp_path / "setup")
        )
        try:
            await services.subscriptions.subscribe(
                7007, "00:00", "", created_by=7007, after_article_id=0,
                now=dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
            )  # fmt: skip
            await services.archive.import_records(ImportRecord(text=article(n)) for n in range(60))
        finally:
            await services.close()
        env = bot_env(url, port)
        one, two = await asyncio.gather(
            BotProcess.start(tmp_path, env), BotProcess.start(tmp_path, env)
        )
        async with httpx.AsyncClient(timeout=30) as http:
            # The digest is recorded before its first message goes out: wait for that message.
            first = await http.get(f"http://127.0.0.1:{port}/_fake/wait", params={"count": 1})
            assert first.status_code == 200
            parts = await _delivery_parts(url)
            waited = await http.get(
                f"http://127.0.0.1:{port}/_fake/wait", params={"count": len(parts)}
            )
        await asyncio.gather(one.stop(), two.stop())
        assert waited.status_code == 200
        assert [m.text for m in fake.sent] == parts


async def _delivery_parts(url: str) -> list[str]:
    db = Database.from_url(url)
    try:
        async with db.engine.connect() as conn:
            raw = (await conn.execute(text("SELECT parts FROM deliveries"))).scalar_one()
    finally:
        await db.close()
    return list(json.loads(raw))


async def _delivery_state(url: str) -> tuple[str, int]:
    db = Database.from_url(url)
    try:
        async with db.engine.connect() as conn:
            row = (await conn.execute(text("SELECT status, parts_sent FROM deliveries"))).one()
    finally:
        await db.close()
    return str(row[0]), int(row[1])
