"""`newsbot export` then `newsbot import` into an empty database gives back the same data."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import json
import logging
import os
import stat
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.articles.archive import ImportRecord
from bot.cli.main import main
from bot.clock import ManualClock
from bot.settings import Settings
from tests.conftest import EDITOR, READER, SEED, make_settings, seed_text, start_bot, stop_bot
from tests.test_digests import run_digest_job

WIRE = "Raqqa wire\n\nCoalition aircraft struck targets near the Raqqa stadium overnight."
SECOND = (
    "date 2026-11-20\nMosul dam repairs resume\n\n"
    "Engineers resumed grouting work at the Mosul dam on Friday after a two-week pause."
)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for key in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "EDITOR_IDS", "CHANNEL_IDS", "INDEX_DIR"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


async def _fill(settings: Settings, clock: ManualClock) -> None:
    bot = await start_bot(settings, clock)
    try:
        await bot.send(seed_text(), user_id=EDITOR)
        await bot.send(SECOND + " Ünïcode ✓ «quotes» &amp; <b>", user_id=EDITOR)
        await bot.send("/delete 2", user_id=EDITOR)
        await bot.process(bot.updates.callback("delete:2", bot.fake.sent[-1]))
        await bot.send("/subscribe 07:30 raqqa", user_id=READER)
        await bot.send("/timezone Europe/London", user_id=READER)
        # Fields only a JSONL import fills, and a digest delivered with its parts.
        await bot.services.archive.import_records(
            [
                ImportRecord(
                    text=WIRE,
                    title="Raqqa wire",
                    date="2026-11-24",
                    source="Wire",
                    url="https://example.org/raqqa?a=1&b=2",
                    external_id="wire-7",
                )
            ]
        )
        bot.clock.set(dt.datetime(2026, 11, 25, 7, 30, 1, tzinfo=dt.UTC))
        assert len(await run_digest_job(bot)) == 1
    finally:
        await stop_bot(bot)


def test_export_import_round_trip_is_lossless(
    workdir: Path, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(workdir / "first")
    asyncio.run(_fill(settings, clock))

    export = workdir / "archive.jsonl"
    assert main(["--database-url", settings.database_url, "export", str(export)]) == 0
    assert capsys.readouterr().out == (
        f"Exported 3 articles, 1 subscription, 1 chat, 4 audit entries to {export}.\n"
    )
    second_url = f"sqlite+aiosqlite:///{workdir / 'second' / 'news.sqlite3'}"
    (workdir / "second").mkdir()  # a folder that is not there is a mistyped path
    assert main(["--database-url", second_url, "import", str(export)]) == 0
    assert capsys.readouterr().out == (
        f"Restored 3 articles, 1 subscription, 1 chat, 4 audit entries from {export}.\n"
    )
    again = workdir / "again.jsonl"
    assert main(["--database-url", second_url, "export", str(again)]) == 0
    assert again.read_text(encoding="utf-8") == export.read_text(encoding="utf-8")

    # Into a database that already has articles: refused, nothing changes.
    assert main(["--database-url", second_url, "import", str(export)]) == 1
    assert capsys.readouterr().err.endswith(
        "newsbot import: the database already has articles; restore into an empty one\n"
    )

    asyncio.run(_check_restored(make_settings(workdir / "second"), clock))
    lines = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["newsbot_export"] == 1
    tables = Counter(line["table"] for line in lines[1:])
    # Three counters: article changes, story changes (stories take numbers of their own), and
    # the version of the rules the articles were read by (an older export has none: restored,
    # its articles are read anew at the first start).
    assert (tables["articles"], tables["deliveries"], tables["counters"]) == (3, 1, 3)


async def _check_restored(settings: Settings, clock: ManualClock) -> None:
    restored = await start_bot(settings, clock)
    try:
        core = restored.services
        raqqa = await core.questions.ask("civilians trapped in Raqqa")
        assert sorted(h.article.id for h in raqqa.hits) == [1, 3]
        grouting = await core.questions.ask("Mosul dam grouting")
        assert [h.article.id for h in grouting.hits if h.article.id == 2] == []
        assert await restored.send("/restore 2", user_id=EDITOR) == [
            "Restored #2: Mosul dam repairs resume"
        ]
        grouting = await core.questions.ask("Mosul dam grouting")
        assert [h.article.id for h in grouting.hits][:1] == [2]
        subs = await core.subscriptions.for_chat(READER)
        assert [(s.time_of_day, s.topics, s.timezone) for s in subs] == [
            ("07:30", "raqqa", "Europe/London")
        ]
        # New rows continue after the restored ids.
        await restored.send("/help", user_id=EDITOR)
        await restored.send("/help", user_id=EDITOR)
        saved = await restored.send(SECOND.replace("Friday", "Monday"), user_id=EDITOR)
        assert saved == ["Saved #4: Mosul dam repairs resume (2026-11-20)"]
        wire = await core.archive.articles.get(3)
        assert wire is not None
        assert (wire.url, wire.external_id) == ("https://example.org/raqqa?a=1&b=2", "wire-7")
    finally:
        await stop_bot(restored)


def test_damaged_export_is_refused_whole(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = workdir / "broken.jsonl"
    export.write_text(
        '{"newsbot_export": 1, "tables": []}\n{"table": "articles", "row": {}}\n{oops\n',
        encoding="utf-8",
    )
    url = f"sqlite+aiosqlite:///{workdir / 'db' / 'news.sqlite3'}"
    (workdir / "db").mkdir()
    assert main(["--database-url", url, "import", str(export)]) == 1
    assert capsys.readouterr().err == f"newsbot import: {export} line 3 is not JSON\n"


def test_export_to_a_folder_says_to_name_a_file_and_leaves_nothing_behind(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = workdir / "backups"
    folder.mkdir()
    url = f"sqlite+aiosqlite:///{workdir / 'news.sqlite3'}"
    assert main(["--database-url", url, "export", str(folder)]) == 1
    assert capsys.readouterr().err == (
        f"newsbot export: {folder} is a folder; name the file to write, "
        f"e.g. {folder / 'newsbot-export.jsonl'}\n"
    )
    assert sorted(p.name for p in workdir.iterdir() if p.name.startswith("backups")) == ["backups"]


def test_export_to_a_pipe_is_refused_and_through_a_link_writes_its_file(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--quiet", str(SEED)]) == 0
    pipe = workdir / "backup.jsonl"
    os.mkfifo(pipe)
    assert main(["export", str(pipe)]) == 1
    assert capsys.readouterr().err == (
        f"newsbot export: {pipe} is no file but a device, a pipe or a socket; "
        "name a file to write\n"
    )
    assert stat.S_ISFIFO(pipe.lstat().st_mode)  # not replaced by a file
    # A link to last night's export: the file it names is written, the link kept.
    (workdir / "backups").mkdir()
    real = workdir / "backups" / "nightly.jsonl"
    real.write_text("old\n", encoding="utf-8")
    link = workdir / "latest.jsonl"
    link.symlink_to(real)
    assert main(["export", str(link)]) == 0
    assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8").splitlines()[0])["newsbot_export"] == 1


def test_export_to_dash_writes_standard_output(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--quiet", str(SEED)]) == 0
    capsys.readouterr()
    assert main(["export", "-"]) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert (lines[0]["newsbot_export"], lines[1]["table"]) == (1, "articles")
    assert captured.err.endswith(
        "Exported 1 article, 0 subscriptions, 0 chats, 1 audit entry to standard output.\n"
    )
    assert not (workdir / "-").exists()


def test_export_to_a_closed_pipe_stops_quietly(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert main(["import", "--quiet", str(SEED)]) == 0
    capsys.readouterr()
    stdout = HeadOne()
    monkeypatch.setattr(sys, "stdout", stdout)
    try:
        assert main(["export", "-"]) == 141
    finally:
        stdout.pipe.close()
    gc.collect()  # an export left open mid-table logged a traceback when it was collected
    assert capsys.readouterr().err == ""
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


class HeadOne:
    """Standard output piped to `head -1`: the reader closes its end after the first line."""

    def __init__(self) -> None:
        self.read_end, write_end = os.pipe()
        self.pipe = os.fdopen(write_end, "w", buffering=1, encoding="utf-8")
        self.lines = 0

    def write(self, text: str) -> int:
        if self.lines == 1:
            os.close(self.read_end)
        self.lines += 1
        return self.pipe.write(text)

    def flush(self) -> None:
        self.pipe.flush()

    def fileno(self) -> int:
        return self.pipe.fileno()
