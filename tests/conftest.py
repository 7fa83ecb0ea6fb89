"""Shared fixtures: the real Application from the one factory, a real database, a fake Bot API."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import OFFLINE_TOKEN, build_application
from bot.clock import ManualClock
from bot.services import Services
from bot.settings import Settings
from bot.telegram.offline import FakeBotApi
from bot.telegram.pacing import Pacer, VirtualTime
from bot.telegram.updates import UpdateFactory
from tests.support.flood import FloodGate, FloodRules, delivery_faults
from tests.support.postgres import fresh_database, postgres_url_or_skip
from tests.support.web import WebSite

EDITOR = 1001
READER = 2002
CHANNEL = -1001234567890
FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = Path(__file__).parent.parent / "bot" / "sample"
# The seed article ships with the sample; tests read that copy (one file, not two).
SEED = SAMPLE / "raqqa-2017-07-04.txt"
START = dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC)


@dataclass
class Harness:
    """A running bot with its fake Telegram, an update factory and a movable clock."""

    app: Any
    fake: FakeBotApi
    updates: UpdateFactory
    clock: ManualClock
    settings: Settings
    time: VirtualTime

    @property
    def services(self) -> Services:
        return self.app.bot_data.services  # type: ignore[no-any-return]

    async def send(self, text: str | None = None, **kwargs: Any) -> list[str]:
        """Process one message; return the texts the bot sent in answer."""
        before = len(self.fake.sent)
        await self.app.process_update(self.updates.message(text, **kwargs))
        return [m.text for m in self.fake.sent[before:]]

    async def process(self, update: Any) -> list[str]:
        before = len(self.fake.sent)
        await self.app.process_update(update)
        return [m.text for m in self.fake.sent[before:]]


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": None,
        "database_url": f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}",
        "editor_ids": frozenset({EDITOR}),
        "channel_ids": frozenset({CHANNEL}),
        "timezone": "UTC",
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)


async def start_bot(
    settings: Settings, clock: ManualClock, fake: FakeBotApi | None = None
) -> Harness:
    fake = fake or FakeBotApi()
    # Pacing waits move virtual time, and the fake enforces Telegram's limits on the same time.
    time = VirtualTime()
    delivery_faults(fake).gate = FloodGate(FloodRules(), time.monotonic)
    pacer = Pacer(monotonic=time.monotonic, sleep=time.sleep)
    app = build_application(
        settings, token=OFFLINE_TOKEN, request=fake.request(), clock=clock, pacer=pacer
    )
    await app.initialize()
    await app.post_init(app)
    return Harness(app, fake, UpdateFactory(app.bot, now=clock.now()), clock, settings, time)


async def stop_bot(harness: Harness) -> None:
    await harness.app.shutdown()
    await harness.app.post_shutdown(harness.app)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Modules that set BOTH_BACKENDS run their database tests on SQLite and PostgreSQL.
    if "backend" in metafunc.fixturenames and getattr(metafunc.module, "BOTH_BACKENDS", False):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}"
        return
    async with fresh_database(postgres_url_or_skip()) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url=database_url, index_dir=tmp_path / "index")


@pytest.fixture
async def bot(settings: Settings, clock: ManualClock) -> AsyncIterator[Harness]:
    harness = await start_bot(settings, clock)
    try:
        yield harness
    finally:
        await stop_bot(harness)


@pytest.fixture
async def site() -> AsyncIterator[WebSite]:
    """A web site on 127.0.0.1 for the fetcher, links and feeds."""
    server = await WebSite().start()
    try:
        yield server
    finally:
        await server.stop()


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working folder, and no settings from the environment (the CLI reads both)."""
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "EDITOR_IDS", "CHANNEL_IDS", "INDEX_DIR"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path
