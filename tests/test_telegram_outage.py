"""Telegram out of reach: the bot starts anyway, retries with capped back-off, logs an
outage once (not a traceback per update) and sends no apology that could not arrive."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.telegram.outage import (
    MAX_RETRY_SECONDS,
    OUTAGE_GAP_SECONDS,
    Outage,
    reach_telegram,
    retry_delays,
)
from tests.conftest import EDITOR, READER, Harness
from tests.support.ports import free_port
from tests.test_process import TOKEN, _env, _message, _until


class Unreachable:
    """Every send fails as when Telegram's host does not answer."""

    async def before_send(self, request: httpx.Request, chat_id: int) -> None:
        raise httpx.ConnectError("connection refused", request=request)


async def test_an_outage_is_one_log_line_and_no_apology(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.fake.delivery = Unreachable()
    caplog.set_level(logging.INFO)
    for n in range(5):
        await bot.send(f"Tabqa dam {n}?", user_id=READER)
    sends = [name for name, _ in bot.fake.calls if name == "sendMessage"]
    assert len(sends) == 5  # the answers; no apology was tried after any of them
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in problems] == [
        "Telegram cannot be reached (NetworkError); replies are lost until it is back"
    ]
    assert not any(r.exc_info for r in caplog.records)
    bot.fake.delivery = None
    assert await bot.send("Tabqa dam?", user_id=READER)  # back: answered again


def test_an_outage_is_logged_again_only_after_a_quiet_gap(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    outage = Outage(monotonic=lambda: now[0])
    for step in (0, 10, 50, 100, 100 + OUTAGE_GAP_SECONDS + 1):
        now[0] = float(step)
        outage.failed(NetworkError("down"))
    lines = [r for r in caplog.records if "cannot be reached" in r.getMessage()]
    assert (len(lines), outage.failures) == (2, 5)


def test_retries_back_off_to_a_cap() -> None:
    delays = retry_delays()
    assert [delays() for _ in range(9)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert MAX_RETRY_SECONDS == 60


async def test_the_start_up_line_says_where_and_why(caplog: pytest.LogCaptureFixture) -> None:
    # It said "Telegram cannot be reached (NetworkError)": no host, no reason to check.
    port = free_port()  # nothing listens there
    bot = Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot")

    class Stop(Exception):
        pass

    async def stop(seconds: float) -> None:
        raise Stop

    with pytest.raises(Stop):
        await reach_telegram(bot, sleep=stop)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        f"Telegram cannot be reached at 127.0.0.1:{port} (httpx.ConnectError: All connection "
        "attempts failed); trying again, at most every 60 s"
    ]


def _server(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.server", "--port", str(port)],
        cwd=Path(__file__).parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def offline_port() -> Iterator[int]:
    yield free_port()


def _run_offline(
    tmp_path: Path, port: int, *, webhook: bool
) -> tuple[subprocess.Popen[bytes], Path]:
    """`newsbot run` (with `--webhook`) against a Bot API at `port` that is not there yet,
    and the file its log goes to."""
    base = f"http://127.0.0.1:{port}"
    env = _env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"{base}/bot",
        TELEGRAM_FILE_BASE_URL=f"{base}/file/bot",
        EDITOR_IDS=str(EDITOR),
        LOG_LEVEL="INFO",
    )
    args = ["run"]
    if webhook:
        args.append("--webhook")
        env.update(WEBHOOK_SECRET="s3cret", WEBHOOK_PORT=str(free_port()))
    log_file = tmp_path / "bot.log"
    with log_file.open("w") as log_out:
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=tmp_path,
            env=env,
            stdout=log_out,
            stderr=subprocess.STDOUT,
        )
    return bot, log_file


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_run_starts_once_telegram_can_be_reached(
    tmp_path: Path, offline_port: int, mode: str
) -> None:
    base = f"http://127.0.0.1:{offline_port}"
    bot, log_file = _run_offline(tmp_path, offline_port, webhook=mode == "webhook")
    server = None
    try:
        _until("the first failure", lambda: "cannot be reached" in log_file.read_text())
        assert bot.poll() is None  # still running, retrying
        server = _server(offline_port)
        _until("start", lambda: "newsroom bot ready" in log_file.read_text(), seconds=60)
        if mode == "polling":
            httpx.post(f"{base}/_fake/updates", json=_message(1, "/help"))
            _until("the answer", lambda: httpx.get(f"{base}/_fake/sent").json())
    finally:
        bot.send_signal(signal.SIGINT)
        bot.wait(timeout=60)
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    logs = log_file.read_text(encoding="utf-8")
    assert logs.count("Telegram cannot be reached") == 1, logs
    assert "Telegram reached; starting" in logs
    assert "Traceback" not in logs and "Unclosed" not in logs, logs
    assert TOKEN not in logs


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_bot_stopped_while_starting_stops_at_once_and_quietly(
    tmp_path: Path, offline_port: int, signum: int, mode: str
) -> None:
    # Telegram is out of reach: the bot waits to try again, and Ctrl-C (or a service
    # manager's SIGTERM) must end that wait, not raise through the start-up half way
    # (polling was killed by SIGTERM, exit -15, with no line in the log).
    bot, log_file = _run_offline(tmp_path, offline_port, webhook=mode == "webhook")
    try:
        _until("the first failure", lambda: "cannot be reached" in log_file.read_text())
        bot.send_signal(signum)
        assert bot.wait(timeout=30) == 0
    finally:
        if bot.poll() is None:
            bot.kill()
    logs = log_file.read_text(encoding="utf-8")
    assert "stopped while starting" in logs, logs
    assert "Traceback" not in logs and "Unclosed" not in logs, logs


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_polling_bot_stops_cleanly_on_a_signal(
    tmp_path: Path, offline_port: int, signum: int
) -> None:
    base = f"http://127.0.0.1:{offline_port}"
    server = _server(offline_port)
    try:
        _until("the fake Bot API", lambda: httpx.get(f"{base}/_fake/sent").status_code == 200)
        bot, log_file = _run_offline(tmp_path, offline_port, webhook=False)
        try:
            # Answered: polling runs, and the signal is PTB's to handle.
            httpx.post(f"{base}/_fake/updates", json=_message(1, "/help"))
            _until("the answer", lambda: httpx.get(f"{base}/_fake/sent").json(), seconds=60)
            bot.send_signal(signum)
            assert bot.wait(timeout=30) == 0
        finally:
            if bot.poll() is None:
                bot.kill()
    finally:
        server.terminate()
        server.wait(timeout=30)
    logs = log_file.read_text(encoding="utf-8")
    assert "newsroom bot ready" in logs and "newsroom bot stopped" in logs, logs
    assert "Traceback" not in logs and "Unclosed" not in logs, logs
