"""An operator's mistake in `.env` is one line naming the setting: no traceback, no secret."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.main import main

TOKEN = "7654321098:AAH-operator_tokenValue0123456789abcdefX"


@pytest.fixture
def operator(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh folder with a token set, and the root logger as it was afterwards."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    for key in ("LOG_LEVEL", "WEBHOOK_URL", "TELEGRAM_API_BASE_URL"):
        monkeypatch.delenv(key, raising=False)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # main() sets up logging for the CLI
    try:
        yield workdir
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_an_unknown_log_level_is_one_line(
    operator: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    assert main(["run"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "invalid settings: LOG_LEVEL: unknown level 'LOUD', use DEBUG, INFO, WARNING or ERROR\n"
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("QUESTION_WINDOW_SECONDS", "99999999999999"),
        ("DIGEST_TICK_SECONDS", "1e12"),
        ("DIGEST_LEASE_SECONDS", "99999999999999"),
        ("ADMIN_CACHE_SECONDS", "99999999999999"),
        ("PROCESSED_UPDATES_DAYS", "100000000"),
        ("FEED_POLL_MINUTES", "1e15"),
        ("INDEX_FOLLOW_SECONDS", "inf"),
        ("FETCH_TIMEOUT_SECONDS", "inf"),
    ],
)
def test_an_absurd_limit_is_one_line_naming_it(
    operator: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key: str,
    value: str,
) -> None:
    # Each of these overflowed a date or the job queue at start-up, in a traceback.
    monkeypatch.setenv(key, value)
    assert main(["ask", "civilians in Raqqa"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"invalid settings: {key}: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("url", ["mysql://newsroom:s3cret-pw@db.example.org/news", "oracle://x"])
def test_a_database_the_bot_cannot_use_is_one_line(
    operator: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    # mysql:// died importing MySQLdb, in a traceback.
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["db", "current"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("DATABASE_URL is not a database URL I can use: ")
    assert "use sqlite+aiosqlite:///" in err
    assert err.count("\n") == 1
    assert "s3cret-pw" not in err
