"""An operator's mistake in `.env` is one line naming the setting: no traceback, no secret."""

from __future__ import annotations

import http.server
import json
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.support.ports import free_port

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


@pytest.mark.parametrize("key", ["TELEGRAM_API_BASE_URL", "TELEGRAM_FILE_BASE_URL"])
def test_a_bot_api_address_without_http_is_one_line(
    operator: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    # `newsbot run` took httpx's UnsupportedProtocol for an outage and retried it for ever.
    monkeypatch.setenv(key, "127.0.0.1:8081/bot")
    assert main(["ask", "civilians in Raqqa"]) == 2
    assert capsys.readouterr().err == (
        f"invalid settings: {key}: '127.0.0.1:8081/bot' is not an http(s) address: e.g. "
        "https://api.telegram.org/bot, or http://127.0.0.1:8081/bot for a local Bot API server\n"
    )


@pytest.mark.parametrize("value", ["8am", "25:00", "8", "08:00:00:00"])
def test_a_digest_time_that_is_not_hh_mm_says_how_to_write_it(
    operator: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    # "DIGEST_TIME: Input should be in a valid time format, input is too short" for 8am.
    monkeypatch.setenv("DIGEST_TIME", value)
    assert main(["ask", "civilians in Raqqa"]) == 2
    assert capsys.readouterr().err == (
        f"invalid settings: DIGEST_TIME: {value!r} is not a time of day: use HH:MM, e.g. 08:00 "
        "or 20:30\n"
    )


def test_a_digest_time_of_one_hour_digit_is_read(
    operator: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DIGEST_TIME", " 7:30")
    assert main(["db", "upgrade"]) == 0
    assert "DIGEST_TIME" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("key", "value", "wrong"),
    [
        ("EDITOR_IDS", "12345, @alice", "'@alice'"),
        ("CHANNEL_IDS", "@newsroom_channel", "'@newsroom_channel'"),
        ("NEWSROOM_CHAT_IDS", "-100123;12 34", "'12 34'"),
    ],
)
def test_an_id_that_is_not_a_number_is_named(
    operator: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key: str,
    value: str,
    wrong: str,
) -> None:
    # It was "EDITOR_IDS.1: Input should be a valid integer, unable to parse string as an
    # integer": which one, and why, was left to guess.
    monkeypatch.setenv(key, value)
    assert main(["ask", "civilians in Raqqa"]) == 2
    assert capsys.readouterr().err == (
        f"invalid settings: {key}: {wrong} is not a numeric Telegram id (e.g. 12345; a "
        "channel's is like -1001234567890, not its @name)\n"
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


class BotApi(http.server.BaseHTTPRequestHandler):
    """Enough of the Bot API for `newsbot run --webhook` to start: getMe, and True for the rest."""

    requests: list[str] = []  # noqa: RUF012 (the paths asked, of every instance)

    def do_POST(self) -> None:
        self.requests.append(self.path)
        if not re.fullmatch(r"/bot\d+:[A-Za-z0-9_-]+/\w+", self.path):
            self.answer({"ok": False, "error_code": 404, "description": "Not Found"})
            return
        me = {"id": 7654321098, "is_bot": True, "first_name": "News", "username": "news_bot"}
        answer = {"ok": True, "result": me if self.path.endswith("/getMe") else True}
        if self.path.endswith("/setWebhook"):
            answer = self.refusal(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        self.answer(answer)

    def answer(self, answer: dict[str, object]) -> None:
        body = json.dumps(answer).encode()
        self.send_response(200 if answer["ok"] else int(str(answer["error_code"])))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def refusal(self, body: bytes) -> dict[str, object]:
        """setWebhook's answer: Telegram refuses an http:// URL and a secret of other letters."""
        fields = json.loads(body) if body.startswith(b"{") else {}
        if not str(fields.get("url", "")).startswith("https://"):
            return {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: bad webhook: "
                "An HTTPS URL must be provided for webhook",
            }
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(fields.get("secret_token", ""))):
            return {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: secret token contains unallowed characters",
            }
        return {"ok": True, "result": True}

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def bot_api(operator: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A Bot API on 127.0.0.1 for the CLI to reach; its port, which is taken, is yielded."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BotApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_port
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"http://127.0.0.1:{port}/bot")
    monkeypatch.setenv("TELEGRAM_FILE_BASE_URL", f"http://127.0.0.1:{port}/file/bot")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    try:
        yield port
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_webhook_port_in_use_is_said_as_such(
    bot_api: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # It was "newsbot run: cannot use the database: [Errno 98] Address already in use".
    monkeypatch.setenv("WEBHOOK_PORT", str(bot_api))
    assert main(["run", "--webhook"]) == 2
    err = capsys.readouterr().err
    assert err.endswith(
        "the webhook server cannot listen on WEBHOOK_LISTEN=127.0.0.1 "
        f"WEBHOOK_PORT={bot_api}: Address already in use (another process on that port, or "
        "an address not of this machine?)\n"
    )
    assert "database" not in err


@pytest.mark.parametrize(
    ("key", "value", "line"),
    [
        (
            "WEBHOOK_URL",
            "http://bot.example.org/telegram",
            "WEBHOOK_URL must be an https:// address (Telegram posts to HTTPS only): "
            "http://bot.example.org/telegram",
        ),
        (
            "WEBHOOK_PATH",
            "telegram",
            "WEBHOOK_PATH must start with /, e.g. /telegram: no request path matches it",
        ),
        (
            "WEBHOOK_SECRET",
            "my secret!",
            "WEBHOOK_SECRET may hold only 1-256 characters A-Z, a-z, 0-9, _ and - "
            "(Telegram's rule for a secret token)",
        ),
    ],
)
def test_a_webhook_telegram_would_refuse_is_one_line_at_start(
    bot_api: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    key: str,
    value: str,
    line: str,
) -> None:
    # The bot started, and Telegram refused the webhook (or no update ever matched the path).
    # The port is taken too: checked first, the mistake is said before that, and without the
    # check the start-up ends there rather than serve.
    monkeypatch.setenv("WEBHOOK_PORT", str(bot_api))
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/telegram")
    monkeypatch.setenv(key, value)
    assert main(["run", "--webhook"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", line + "\n")


@pytest.mark.parametrize("token", ["abc", "bot7654321098:AAH-abc", "7654321098:AAH abc", "'12:x'"])
def test_a_token_of_the_wrong_shape_is_said_before_telegram_is_asked(
    bot_api: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    token: str,
) -> None:
    # Offline, "Telegram cannot be reached" was retried for ever; here Telegram was asked.
    BotApi.requests.clear()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    assert main(["run"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        "TELEGRAM_BOT_TOKEN is not shaped like a bot token (digits, a colon, then letters, "
        "digits, _ and -): copy it again from @BotFather, without quotes, spaces or the word "
        "bot in front\n",
    )
    assert BotApi.requests == []


def test_a_database_refusing_from_dot_env_is_named_without_its_password(
    operator: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Set in .env (as the README says), the URL was left out: "cannot use the database: [Errno
    # 111] Connect call failed", which database unsaid.
    monkeypatch.delenv("DATABASE_URL", raising=False)
    port = free_port()  # no PostgreSQL there
    (operator / ".env").write_text(
        f"DATABASE_URL=postgresql+asyncpg://newsroom:hunter2pw@127.0.0.1:{port}/news\n"
    )
    assert main(["db", "current"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        f"newsbot db: cannot use the database (postgresql+asyncpg://newsroom:***@127.0.0.1:{port}"
        "/news): "
    )
    assert err.count("\n") == 1
    assert "hunter2pw" not in err


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("EDITOR_ID", "EDITOR_IDS"),
        ("TELEGRAM_TOKEN", "TELEGRAM_BOT_TOKEN"),
        ("TIME_ZONE", "TIMEZONE"),
    ],
)
def test_a_misspelt_key_in_dot_env_is_named(
    operator: Path, capsys: pytest.CaptureFixture[str], key: str, meant: str
) -> None:
    # Ignored, it left the bot without editors (or token, or time zone), and nothing said why.
    (operator / ".env").write_text(f"# ours\n{key}=12345\nPOSTGRES_PASSWORD=another-tools\n")
    assert main(["ask", "civilians in Raqqa"]) == 2
    assert capsys.readouterr().err == (
        f"invalid settings: .env sets {key}, which is no setting: did you mean {meant}? "
        "(.env.example lists them all)\n"
    )


def test_another_tools_keys_in_dot_env_are_left_alone(
    operator: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (operator / ".env").write_text("POSTGRES_PASSWORD=x\nCOMPOSE_PROJECT_NAME=news\nEDITOR_IDS=1\n")
    assert main(["db", "upgrade"]) == 0
    assert "setting" not in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "-5", "0.0001", "5000"])
def test_a_sending_rate_out_of_range_names_the_range(
    operator: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    # 0.0001 was taken: every reply then waited hours for its turn under the overall rate.
    monkeypatch.setenv("TELEGRAM_MESSAGES_PER_SECOND", value)
    assert main(["ask", "civilians in Raqqa"]) == 2
    assert capsys.readouterr() == (
        "",
        f"invalid settings: TELEGRAM_MESSAGES_PER_SECOND: {value} is out of range: use 1 to 1000\n",
    )


def test_an_index_dir_that_is_a_file_stops_run_in_one_line(
    bot_api: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The file was moved aside as a damaged index (and where that failed, the bot ran on an
    # index in memory, rebuilt at every start), said in log lines only.
    Path("index").write_text("notes", encoding="utf-8")
    monkeypatch.setenv("INDEX_DIR", "index")
    assert main(["run"]) == 2
    assert capsys.readouterr() == (
        "",
        "invalid settings: INDEX_DIR: index is a file, not a folder\n",
    )
    assert Path("index").read_text(encoding="utf-8") == "notes"
