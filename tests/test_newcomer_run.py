"""A newcomer's first day through `newsbot run` against a Bot API server on 127.0.0.1 (issue 13)."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.test_daily_use import story
from tests.test_process import EDITOR, TOKEN, _env, _message, _until, fake_server  # noqa: F401

READER = 2002


def test_import_subscribe_and_receive_the_first_digest(tmp_path: Path, fake_server: str) -> None:  # noqa: F811
    env = _env(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"{fake_server}/bot",
        TELEGRAM_FILE_BASE_URL=f"{fake_server}/file/bot",
        EDITOR_IDS=str(EDITOR),
        DIGEST_TICK_SECONDS="0.5",
    )
    imported = subprocess.run(
        [sys.executable, "-m", "bot", "import", "--sample", "--quiet"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    # The sample's CREDITS file is not reported to a newcomer as a skipped file.
    assert imported.stdout == "Imported from 2 files: 789 stored, 16 duplicates, 0 refused.\n"
    log_file = tmp_path / "bot.log"
    with log_file.open("w") as log_out:
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            stdout=log_out,
            stderr=subprocess.STDOUT,
        )
    try:

        def sent_to(chat: int) -> list[str]:
            sent = httpx.get(f"{fake_server}/_fake/sent").json()
            return [m["text"] for m in sent if m["chat_id"] == chat]

        httpx.post(f"{fake_server}/_fake/updates", json=_message(1, story("Dam repairs start")))
        _until("Saved #", lambda: any(t.startswith("Saved #") for t in sent_to(EDITOR)))
        # The next whole minute at least 20 s away, so the first scheduled digest falls due
        # within a minute and a half. (The next minute alone failed when the test ran in a
        # minute's last seconds: the slot had passed by the time /subscribe was handled, and
        # was tomorrow's.)
        now = dt.datetime.now(dt.UTC)
        slot = (now + dt.timedelta(minutes=1 if now.second < 40 else 2)).strftime("%H:%M")
        httpx.post(f"{fake_server}/_fake/updates", json=_message(2, f"/subscribe {slot}", READER))
        _until("Subscribed", lambda: any(t.startswith("Subscribed") for t in sent_to(READER)))
        httpx.post(f"{fake_server}/_fake/updates", json=_message(3, "/digest", READER))
        first = f"<b>Your {slot} digest</b> · 1 new article in the last 24 hours, newest first"
        digests = _until(
            "the first digest", lambda: [t for t in sent_to(READER) if first in t], 120
        )
        assert "Dam repairs start" in digests[0]
        # The /digest reply and the scheduled digest are sent independently (the slot may be
        # seconds away): wait for the reply rather than assume it came first.
        on_demand = _until(
            "the /digest reply",
            lambda: [t for t in sent_to(READER) if t.startswith("<b>Digest</b> ·")],
        )
        # /digest before any digest: the last 24 hours, the sample's old backfill left out.
        assert on_demand[0].startswith("<b>Digest</b> · 1 new article in the last 24 hours")
    finally:
        bot.send_signal(signal.SIGINT)
        bot.wait(timeout=60)
