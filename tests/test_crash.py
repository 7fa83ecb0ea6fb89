"""kill -9 while a digest is being sent, start again: each chat gets every part exactly once.

The bot and the fake Bot API run as real processes on 127.0.0.1; waits are the fake's own
blocking /_fake/wait-* routes, each bounded by a timeout.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.clock import ManualClock
from storage.db import Database
from storage.deliveries import DeliveryStore
from tests.conftest import READER, make_settings, start_bot, stop_bot
from tests.support.ports import free_port
from tests.test_delivery import subscribe_private
from tests.test_digests import add_articles
from tests.test_exactly_once import LONG

ROOT = Path(__file__).parent.parent


@pytest.fixture
def fake_server(tmp_path: Path) -> Iterator[httpx.Client]:
    port = free_port()
    with (tmp_path / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.support.server",
                "--port",
                str(port),
                "--per-second",
                "30",
            ],
            cwd=ROOT,
            stderr=log,
        )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
    try:
        for _ in range(300):  # until it listens: a few seconds at most
            try:
                client.get("/_fake/stats")
                break
            except httpx.TransportError:
                # Waiting on the process, not the clock: returns at once if the server died.
                with contextlib.suppress(subprocess.TimeoutExpired):
                    server.wait(timeout=0.05)
                assert server.returncode is None, (tmp_path / "server.log").read_text()
        yield client
    finally:
        client.close()
        server.kill()  # a stalled request would hold up a graceful stop
        server.wait(timeout=10)


def bot_process(tmp_path: Path, base: str) -> subprocess.Popen[bytes]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DIGEST_"))},
        "TELEGRAM_BOT_TOKEN": "123456:crash-test",
        "TELEGRAM_API_BASE_URL": f"{base}/bot",
        "TELEGRAM_FILE_BASE_URL": f"{base}/file/bot",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}",
        "DIGEST_WORKER_ID": "crash-test",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    with (tmp_path / "bot.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stderr=log
        )


async def test_kill_9_mid_digest_then_restart_sends_each_part_once(
    tmp_path: Path, fake_server: httpx.Client
) -> None:
    # Closed however the test ends: a failed wait left its socket open for the next test.
    async with httpx.AsyncClient(base_url=fake_server.base_url, timeout=90) as control:
        now = dt.datetime.now(dt.UTC)
        clock = ManualClock(now - dt.timedelta(days=2))
        settings = make_settings(tmp_path)
        bot = await start_bot(settings, clock)
        due = now - dt.timedelta(hours=1)
        await subscribe_private(bot, READER, at=f"{due.hour:02d}:{due.minute:02d}")
        # Dated when they arrive: bulk-imported articles dated long before are not news.
        await add_articles(bot, *LONG, date=clock.now().date().isoformat())
        await stop_bot(bot)

        await control.post(f"/_fake/stall/{READER}", params={"after": 1})
        base = str(fake_server.base_url).rstrip("/")
        first = bot_process(tmp_path, base)
        try:
            assert (await control.get("/_fake/wait-stalled", params={"timeout": 60})).json() == {
                "stalled": True
            }
        finally:
            first.send_signal(signal.SIGKILL)  # mid-digest: part 1 sent, part 2 in flight
            first.wait(timeout=10)
        sent = [m for m in (await control.get("/_fake/sent")).json() if m["chat_id"] == READER]
        assert len(sent) == 1

        second = bot_process(tmp_path, base)
        try:
            answer = await control.get(
                f"/_fake/wait-sent/{READER}", params={"count": 2, "timeout": 60}
            )
            assert answer.json() == {"arrived": True}
        finally:
            second.terminate()
            second.wait(timeout=20)
        received = [
            m["text"] for m in (await control.get("/_fake/sent")).json() if m["chat_id"] == READER
        ]
        db = Database.from_url(settings.database_url)
        delivery = await DeliveryStore(db).get(1)
        counts = await DeliveryStore(db).counts()
        await db.close()
        assert delivery is not None and len(delivery.parts) == 2
        assert received == list(delivery.parts)
        assert (counts.sent, counts.pending) == (1, 0)
