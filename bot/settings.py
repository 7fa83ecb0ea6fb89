"""Typed settings, read once from the environment and `.env`."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import socket
import zoneinfo
from pathlib import Path
from typing import Annotated

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/newsbot.sqlite3"
HOUR, DAY = 3600, 86400
# @BotFather's tokens: the bot's id, a colon, then letters, digits, _ and - (35 of them today).
TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(Exception):
    """A setting is missing or malformed; the message says what to set."""


def _split_ids(value: object) -> object:
    if isinstance(value, str):
        parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        for part in parts:
            # Pydantic's own error named the position alone ("EDITOR_IDS.1: Input should be a
            # valid integer"); the value says which, and an @name is the usual mistake.
            if not re.fullmatch(r"-?\d+", part):
                raise ValueError(
                    f"{part[:40]!r} is not a numeric Telegram id (e.g. 12345; a channel's is "
                    "like -1001234567890, not its @name)"
                )
        return parts
    if isinstance(value, int):
        return [value]
    return value


class Settings(BaseSettings):
    """Everything the bot can be told from outside; see `.env.example`."""

    # No infinity or NaN, and an upper bound on each duration: past them the job queue and the
    # date arithmetic overflowed, in a traceback at start-up (DIGEST_TICK_SECONDS=1e12).
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", frozen=True, allow_inf_nan=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str = "https://api.telegram.org/file/bot"
    database_url: str = DEFAULT_DATABASE_URL
    index_dir: Path | None = None
    editor_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    channel_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "UTC"
    digest_time: dt.time = dt.time(8, 0)
    log_level: str = "INFO"
    max_file_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    # Several processes: migrations at start-up, the webhook server, following the index.
    auto_migrate: bool = True
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=0, lt=65536)  # 0: any free port
    webhook_path: str = "/telegram"
    set_webhook: bool = True
    # Flood control is per process; Telegram's limits are per bot (see docs/scaling.md).
    rate_limit: bool = True
    index_follow_seconds: float = Field(default=0.5, gt=0, le=HOUR)
    processed_updates_days: int = Field(default=2, gt=0, le=365)
    # Digest delivery: pacing, the dispatcher's tick, and claims shared by processes.
    # Every reply waits its turn under this rate, not digests alone: below one a second a
    # user's answer waited longer than Telegram makes any chat wait; 1000 is Telegram's
    # ceiling with paid broadcasts.
    telegram_messages_per_second: float = Field(default=30.0, ge=1, le=1000)
    digest_tick_seconds: float = Field(default=30.0, gt=0, le=HOUR)
    digest_worker_id: str | None = Field(default=None, max_length=64)
    digest_lease_seconds: int = Field(default=300, ge=10, le=DAY)
    digest_concurrency: int = Field(default=32, ge=1, le=1000)
    # Admins of these chats are editors too (their lists are cached for admin_cache_seconds).
    newsroom_chat_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    admin_cache_seconds: int = Field(default=300, ge=0, le=DAY)
    # Questions allowed per user and per group chat in each window; 0 turns a limit off.
    questions_per_user: int = Field(default=20, ge=0)
    questions_per_chat: int = Field(default=60, ge=0)
    question_window_seconds: int = Field(default=60, gt=0, le=7 * DAY)
    # Fetching web pages and feeds (issue 14): people type these addresses, so only public
    # networks unless FETCH_ALLOW_PRIVATE (an intranet, or tests on 127.0.0.1).
    fetch_allow_private: bool = False
    fetch_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    fetch_timeout_seconds: float = Field(default=15.0, gt=0, le=HOUR)
    fetch_per_host: int = Field(default=2, ge=1, le=100)
    feed_poll_minutes: float = Field(default=10.0, gt=0, le=DAY / 60)

    @field_validator("editor_ids", "channel_ids", "newsroom_chat_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        return _split_ids(value)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}, use an Area/City name") from exc
        return value

    @field_validator("telegram_api_base_url", "telegram_file_base_url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        # httpx refuses another as UnsupportedProtocol, which `newsbot run` took for an
        # outage and retried for ever.
        if not value.lower().startswith(("https://", "http://")):
            raise ValueError(
                f"{value[:60]!r} is not an http(s) address: e.g. https://api.telegram.org/bot, "
                "or http://127.0.0.1:8081/bot for a local Bot API server"
            )
        return value

    @field_validator("digest_time", mode="before")
    @classmethod
    def _clock_time(cls, value: object) -> object:
        # Pydantic said "Input should be in a valid time format, input is too short" for 8am.
        if not isinstance(value, str):
            return value
        if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value.strip()):
            raise ValueError(f"{value[:40]!r} is not a time of day: use HH:MM, e.g. 08:00 or 20:30")
        return value.strip().zfill(5)  # 7:30 is 07:30

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        # logging.setLevel would raise on another word, in a traceback at start-up.
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"unknown level {value!r}, use DEBUG, INFO, WARNING or ERROR")
        return level

    @property
    def search_index_dir(self) -> Path | None:
        """Where the search index lives: beside an SQLite file, or INDEX_DIR; None for RAM."""
        if self.index_dir is not None:
            return self.index_dir
        database = sqlite_path(self.database_url)
        if database is None:
            return Path("data") / "index"
        if database == ":memory:":
            return None
        return Path(database).with_suffix(".index")

    def require_token(self) -> str:
        """The bot token, or a SettingsError saying what to set."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not set: add the line TELEGRAM_BOT_TOKEN=<the token "
                "@BotFather gives you> to .env in this folder (.env.example lists every "
                "setting) or set it in the environment; or try the bot offline, with a "
                "sample archive, with `newsbot chat --sample`."
            )
        token = self.telegram_bot_token.get_secret_value().strip()
        if not TOKEN_SHAPE.fullmatch(token):
            # Without network Telegram cannot say so: the bot retried "cannot be reached" for
            # ever. (The token is not shown: it may be a real one, half pasted.)
            raise SettingsError(
                "TELEGRAM_BOT_TOKEN is not shaped like a bot token (digits, a colon, then "
                "letters, digits, _ and -): copy it again from @BotFather, without quotes, "
                "spaces or the word bot in front"
            )
        return token


def worker_id(settings: Settings) -> str:
    """This process's name in delivery claims: DIGEST_WORKER_ID, else host and pid."""
    return settings.digest_worker_id or f"{socket.gethostname()}:{os.getpid()}"[:64]


def sqlite_path(database_url: str) -> str | None:
    """The file path of an SQLite URL (':memory:' for in-memory), or None for other databases."""
    scheme, _, rest = database_url.partition("://")
    if not scheme.startswith("sqlite"):
        return None
    path = rest[1:] if rest.startswith("/") else rest
    return path or ":memory:"


def misspelt_key(path: Path) -> str | None:
    """What is wrong when the `.env` file at `path` sets a key one slip away from a setting.

    Keys that are no setting are ignored (a `.env` may hold other tools' too), so EDITOR_ID
    left the bot without editors, and nothing said why.
    """
    if not path.is_file():
        return None
    known = [name.upper() for name in Settings.model_fields]
    for key in dotenv_values(path):
        if key.upper() in known:
            continue
        close = difflib.get_close_matches(key.upper(), known, n=1, cutoff=0.8)
        if close:
            return (
                f"invalid settings: {path} sets {key}, which is no setting: did you mean "
                f"{close[0]}? (.env.example lists them all)"
            )
    return None


BOUND_ERRORS = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}


def _problem(err: ErrorDetails) -> str:
    """Pydantic's message, or for a number out of bounds the value and the whole allowed range
    (pydantic named one bound: "Input should be greater than 0" for 0.0001 allowed it)."""
    message = err["msg"].removeprefix("Value error, ")
    field = Settings.model_fields.get(str(err["loc"][0])) if err["loc"] else None
    if err["type"] not in BOUND_ERRORS or field is None:
        return message
    limits = {
        name: value
        for bound in field.metadata
        for name in ("gt", "ge", "lt", "le")
        if (value := getattr(bound, name, None)) is not None
    }
    if "ge" in limits and "le" in limits:
        allowed = f"{limits['ge']:g} to {limits['le']:g}"
    else:
        words = {"gt": "more than", "ge": "at least", "lt": "less than", "le": "at most"}
        allowed = " and ".join(f"{words[name]} {value:g}" for name, value in limits.items())
    return f"{err['input']!s:.40} is out of range: use {allowed}"


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one readable line."""
    if problem := misspelt_key(Path(".env")):
        raise SettingsError(problem)
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper()}: " + _problem(err)
            for err in exc.errors()
        )
        raise SettingsError(f"invalid settings: {problems}") from None
