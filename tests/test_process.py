"""Whole processes: an acknowledged article survives kill -9, and the token never reaches a log."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.logs import RedactTokens
from tests.conftest import SEED
from tests.support.ports import free_port

TOKEN = "7654321098:AAH-secret_tokenValue0123456789abcdefXYZ"
EDITOR = 1001


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "EDITOR_", "INDEX_", "LOG_"))
    }
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}"
    env.update(extra)
    return env


def test_saved_article_survives_kill_9_the_next_instant(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        cwd=tmp_path,
        env=_env(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as chat:
        # If the bot never answers, kill it so the blocking reads below end instead of hanging.
        watchdog = threading.Timer(60, chat.kill)
        watchdog.start()
        try:
            assert chat.stdin is not None and chat.stdout is not None
            chat.stdin.write("/paste\n" + seed.strip() + "\n.\n")
            chat.stdin.flush()
            acknowledged = ""
            for line in chat.stdout:
                if "Saved #" in line:
                    acknowledged = line
                    chat.send_signal(signal.SIGKILL)  # the very next instant
                    break
            chat.wait()
        finally:
            watchdog.cancel()
    assert "Saved #1: US-backed forces in Syria" in acknowledged
    assert chat.returncode == -signal.SIGKILL
    fresh = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "civilians trapped in Raqqa?", "--json"],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert fresh.returncode == 0, fresh.stderr
    results = json.loads(fresh.stdout)["results"]
    assert [r["article_id"] for r in results][:1] == [1]


def _until(what: str, check: Any, seconds: float = 30.0) -> Any:
    """Wait for another process to do something (it cannot tell us otherwise)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = check()
        except httpx.HTTPError:
            result = None
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def fake_server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.server", "--port", str(port)],
        cwd=Path(__file__).parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _until("the fake Bot API", lambda: httpx.get(f"{base}/_fake/sent").status_code == 200)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _message(update_id: int, text: str, user_id: int = EDITOR) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1764050400,
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "Ed"},
            "text": text,
            **(
                {"entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}
                if text.startswith("/")
                else {}
            ),
        },
    }


def test_token_never_reaches_the_logs_of_a_full_run(tmp_path: Path, fake_server: str) -> None:
    seed = SEED.read_text(encoding="utf-8")
    env = _env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"{fake_server}/bot",
        TELEGRAM_FILE_BASE_URL=f"{fake_server}/file/bot",
        EDITOR_IDS=str(EDITOR),
        LOG_LEVEL="DEBUG",
    )
    log_file = tmp_path / "bot.log"
    # A file, not a pipe: at DEBUG the bot writes more than a pipe holds while nobody reads it.
    with log_file.open("w") as log_out:
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            stdout=log_out,
            stderr=subprocess.STDOUT,
        )
    try:

        def sent() -> list[str]:
            return [m["text"] for m in httpx.get(f"{fake_server}/_fake/sent").json()]

        httpx.post(f"{fake_server}/_fake/updates", json=_message(1, seed))
        _until("Saved #1", lambda: any(t.startswith("Saved #1") for t in sent()))
        httpx.post(f"{fake_server}/_fake/updates", json=_message(2, "/stats"))
        _until("/stats", lambda: any(t.startswith("Articles: 1") for t in sent()))
        # A failing send: the error handler logs a traceback, and so does the failed apology.
        for _ in range(2):
            httpx.post(
                f"{fake_server}/_fake/fail/{EDITOR}",
                json={"status": 400, "description": f"Bad Request: chat bot{TOKEN} not found"},
            )
        httpx.post(f"{fake_server}/_fake/updates", json=_message(3, "/help"))
        httpx.post(f"{fake_server}/_fake/updates", json=_message(4, "civilians in Raqqa?"))
        # Saved, the stats, then the answer (the /help reply and the apology both failed).
        _until("the answer", lambda: len(sent()) == 3)
    finally:
        bot.send_signal(signal.SIGINT)
        bot.wait(timeout=60)
    logs = log_file.read_text(encoding="utf-8")
    assert "newsroom bot ready as @newsroom_test_bot" in logs
    assert "error while handling an update (update 3, chat 1001)" in logs
    assert "[token]" in logs  # the scripted error quoted the token, and it was masked
    assert TOKEN not in logs
    assert TOKEN.split(":")[1] not in logs


def test_a_token_written_with_a_space_after_it_is_masked_as_the_bot_sends_it() -> None:
    # Too short for the token pattern: only the secret given masks it.
    short = "12345:abcdefghij"
    redact = RedactTokens((f"{short} ",)).redact
    assert redact(f"GET https://api.telegram.org/bot{short}/getMe") == (
        "GET https://api.telegram.org/bot[token]/getMe"
    )
