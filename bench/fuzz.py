"""Fuzz the ask and ingest paths through the real Application with generated hostile input.

Usage: python -m bench.fuzz [--inputs 100000] [--workers 4] [--seed 1] [--json]

Every input is a Telegram update (private text, /ask, a group mention, an inline query, an
editor's message, /add, or an uploaded file) processed by the Application that `newsbot run`
uses, against a fake Bot API that rejects what Telegram would reject. Counted per category:
crashes (the error handler ran), replies Telegram would refuse, inputs left without an answer,
then acknowledged articles missing afterwards (data lost) and the token found in any log line
or message (token leaks).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import logging
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.clock import ManualClock
from bot.fake_telegram import FakeBotApi
from bot.fake_updates import GROUP, UpdateFactory
from bot.files import read_records
from bot.hostile import CATEGORIES, FIXED, generate
from bot.logs import RedactTokens
from bot.settings import Settings

TOKEN = "5550001234:AAFuzz-token_ShouldNeverBeSeen0123456789"
EDITOR, READER, GROUP_ID = 1001, 2002, -100777
PATHS = ("private", "ask", "group", "inline", "editor", "add", "file")
SAMPLE = Path(__file__).parent.parent / "bot" / "sample" / "fakes.jsonl"


@dataclass(slots=True)
class FuzzReport:
    """What one run found."""

    inputs: Counter[str] = field(default_factory=Counter)
    crashes: Counter[str] = field(default_factory=Counter)
    refused_replies: Counter[str] = field(default_factory=Counter)
    unanswered: Counter[str] = field(default_factory=Counter)
    by_path: Counter[str] = field(default_factory=Counter)
    saved: int = 0
    data_lost: int = 0
    token_leaks: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def add(self, other: FuzzReport) -> None:
        """Fold in another worker's report."""
        for mine, theirs in (
            (self.inputs, other.inputs),
            (self.crashes, other.crashes),
            (self.refused_replies, other.refused_replies),
            (self.unanswered, other.unanswered),
            (self.by_path, other.by_path),
        ):
            mine.update(theirs)
        self.saved += other.saved
        self.data_lost += other.data_lost
        self.token_leaks += other.token_leaks
        self.seconds = max(self.seconds, other.seconds)
        self.examples += other.examples

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return {
            "inputs": sum(self.inputs.values()),
            "per_category": {
                c: {
                    "inputs": self.inputs[c],
                    "crashes": self.crashes[c],
                    "refused_replies": self.refused_replies[c],
                    "unanswered": self.unanswered[c],
                }
                for c in sorted(self.inputs)
            },
            "per_path": dict(sorted(self.by_path.items())),
            "articles_saved": self.saved,
            "data_lost": self.data_lost,
            "token_leaks": self.token_leaks,
            "seconds": round(self.seconds, 1),
            "examples": self.examples[:10],
        }


class _Errors(logging.Handler):
    """Counts error-handler records; formats every record through the production filter."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.errors = 0
        self.text = io.StringIO()
        self.addFilter(RedactTokens((TOKEN,)))
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors += 1
        self.text.write(self.format(record) + "\n")


def _input(rng: random.Random) -> tuple[str, str]:
    category = rng.choice(CATEGORIES)
    fixed = FIXED.get(category, ())
    if fixed and rng.random() < 0.3:
        return category, rng.choice(fixed)
    return category, generate(category, rng)


async def run_fuzz(
    inputs: int, seed: int, workdir: Path, progress: int = 0, max_seconds: float = 0.0
) -> FuzzReport:
    """Send `inputs` generated updates through a fresh bot in `workdir` (or until `max_seconds`)."""
    rng = random.Random(seed)
    clock = ManualClock(dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC))
    settings = Settings(
        telegram_bot_token=TOKEN,  # type: ignore[arg-type]
        database_url=f"sqlite+aiosqlite:///{workdir / 'fuzz.sqlite3'}",
        editor_ids=frozenset({EDITOR}),
        questions_per_user=0,
        questions_per_chat=0,
        _env_file=None,  # type: ignore[call-arg]
    )
    fake = FakeBotApi()
    app = build_application(settings, request=fake.request(), clock=clock, rate_limit=False)
    errors = _Errors()
    root = logging.getLogger()
    root_level = root.level
    root.addHandler(errors)
    root.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    report = FuzzReport()
    started = time.perf_counter()
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    core = app.bot_data.services
    try:
        records = read_records(SAMPLE.name, SAMPLE.read_bytes()).records
        await core.archive.import_records(records)
        known = (await core.archive.articles.stats()).articles
        factory = UpdateFactory(app.bot, now=clock.now())
        saved_ids: list[int] = []
        for number in range(inputs):
            if max_seconds and time.perf_counter() - started > max_seconds:
                break  # out of time: what was done is still checked and reported in full
            category, text = _input(rng)
            path = PATHS[number % len(PATHS)]
            report.inputs[category] += 1
            report.by_path[path] += 1
            update = _update(factory, fake, path, text, rng)
            before_sent, before_calls, before_errors = (
                len(fake.sent),
                len(fake.calls),
                errors.errors,
            )
            await app.process_update(update)
            answers = [m.text for m in fake.sent[before_sent:]]
            calls = [name for name, _ in fake.calls[before_calls:]]
            if errors.errors > before_errors:
                report.crashes[category] += 1
                if len(report.examples) < 10:
                    report.examples.append(f"{path}/{category}: {text[:60]!r}")
            refused = sum(1 for name in calls if name == "sendMessage") - len(
                [m for m in fake.sent[before_sent:] if m.method == "sendMessage"]
            )
            report.refused_replies[category] += max(0, refused)
            if not answers and "answerInlineQuery" not in calls and _expects_reply(path, text):
                report.unanswered[category] += 1
            for answer in answers:
                if answer.startswith("Saved #"):
                    saved_ids.append(int(answer[7:].split(":", 1)[0]))
            clock.advance(dt.timedelta(seconds=1))
            if progress and (number + 1) % progress == 0:
                print(
                    f"seed {seed}: {number + 1} inputs, {sum(report.crashes.values())} crashes, "
                    f"{len(saved_ids)} saved",
                    file=sys.stderr,
                    flush=True,
                )
        report.saved = len(saved_ids)
        alive = await core.archive.articles.get_many(saved_ids)
        stats = await core.archive.articles.stats()
        report.data_lost = (len(saved_ids) - len(alive)) + max(
            0, known + len(saved_ids) - stats.articles
        )
        if core.index.watermark != await core.archive.articles.last_seq():
            report.data_lost += 1  # the index fell behind the database
    finally:
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        root.removeHandler(errors)
        root.setLevel(root_level)
    report.seconds = time.perf_counter() - started
    logs = errors.text.getvalue()
    secret = TOKEN.split(":")[1]
    report.token_leaks = logs.count(secret) + sum(secret in m.text for m in fake.sent)
    return report


def _expects_reply(path: str, text: str) -> bool:
    # In a group the bot answers only when addressed; the fuzz always addresses it.
    return path != "inline"


def _update(
    factory: UpdateFactory, fake: FakeBotApi, path: str, text: str, rng: random.Random
) -> Any:
    if path == "private":
        return factory.message(text, user_id=READER)
    if path == "ask":
        return factory.message(f"/ask {text}", user_id=READER)
    if path == "group":
        return factory.message(
            f"@{fake.username} {text}", user_id=READER, chat_id=GROUP_ID, chat_type=GROUP
        )
    if path == "inline":
        return factory.inline(text[:256], user_id=READER)
    if path == "editor":
        return factory.message(text, user_id=EDITOR)
    if path == "add":
        return factory.message(f"/add {text}", user_id=EDITOR)
    data = text.encode("utf-8", "surrogatepass") if rng.random() < 0.7 else rng.randbytes(300)
    name = rng.choice(("a.txt", "b.md", "c.html", "d.jsonl", "e.exe", "noext"))
    file_id, _ = fake.add_file(data)
    return factory.message(user_id=EDITOR, document=(file_id, name, len(data)))


def _worker(inputs: int, seed: int, progress: int = 0, max_seconds: float = 0.0) -> FuzzReport:
    # RAM-backed when the machine has it: the figures are about behaviour, not disk speed.
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        return asyncio.run(run_fuzz(inputs, seed, Path(tmp), progress, max_seconds))


def main(argv: list[str] | None = None) -> int:
    """Run the fuzzer and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument(
        "--workers", type=int, default=1, help="separate bots (processes) sharing the inputs"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--progress", type=int, default=0, help="report every N inputs")
    parser.add_argument(
        "--max-seconds", type=float, default=0.0, help="stop each worker after this long"
    )
    args = parser.parse_args(argv)
    shares = [args.inputs // args.workers] * args.workers
    shares[0] += args.inputs - sum(shares)
    if args.workers == 1:
        report = _worker(args.inputs, args.seed, args.progress, args.max_seconds)
    else:
        report = FuzzReport()
        with ProcessPoolExecutor(args.workers) as pool:
            seeds = [args.seed + n for n in range(args.workers)]
            progress = [args.progress] * args.workers
            budget = [args.max_seconds] * args.workers
            for part in pool.map(_worker, shares, seeds, progress, budget):
                report.add(part)
    figures = report.as_dict()
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        print(f"{'category':<14} {'inputs':>8} {'crashes':>8} {'refused':>8} {'unanswered':>10}")
        for name, row in figures["per_category"].items():
            print(
                f"{name:<14} {row['inputs']:>8} {row['crashes']:>8} "
                f"{row['refused_replies']:>8} {row['unanswered']:>10}"
            )
        print(
            f"total {figures['inputs']} inputs in {figures['seconds']} s "
            f"({args.workers} worker(s)); "
            f"articles saved {figures['articles_saved']}; data lost {figures['data_lost']}; "
            f"token leaks {figures['token_leaks']}"
        )
        for example in figures["examples"]:
            print(f"  crash: {example}")
    bad = sum(report.crashes.values()) + report.data_lost + report.token_leaks
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
