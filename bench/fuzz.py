"""Fuzz the ask and ingest paths through the real Application with generated hostile input.

Usage: python -m bench.fuzz [--inputs 100000] [--workers N] [--shard-size 10000] [--seed 1]
[--json]

Every input is a Telegram update (private text, /ask, a group mention, an inline query, an
editor's message, /add, an uploaded file, a question whose "More" button is pressed, or a
forged button press) processed by the Application that `newsbot run` uses, against a fake Bot
API that rejects what Telegram would reject. Counted per category: crashes (the error handler
ran), replies Telegram would refuse, inputs left without an answer, then acknowledged articles
missing afterwards, also after a restart on the same files (data lost), and the token found in
any log line or message (token leaks).

The inputs are cut into shards: shard k is a fresh bot (new database and index, the FA-KES
sample loaded) fed `--shard-size` inputs drawn with seed `--seed` + k, so any finding is
reproduced by `--inputs <shard size> --seed <its seed>`. Shards run on `--workers` processes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.articles.files import read_records
from bot.clock import ManualClock
from bot.context import NewsApp
from bot.logs import RedactTokens
from bot.settings import Settings
from bot.telegram.offline import FakeBotApi, SentMessage
from bot.telegram.updates import GROUP, UpdateFactory
from tests.support.hostile import CATEGORIES, FIXED, generate

TOKEN = "5550001234:AAFuzz-token_ShouldNeverBeSeen0123456789"
EDITOR, READER, GROUP_ID = 1001, 2002, -100777
PATHS = ("private", "ask", "group", "inline", "editor", "add", "file", "more", "button")
SAMPLE = Path(__file__).parent.parent / "bot" / "sample" / "fakes.jsonl"
CALLBACK_DATA_BYTES = 64  # Telegram's limit for a button's callback_data


@dataclass(slots=True)
class FuzzReport:
    """What one run found."""

    inputs: Counter[str] = field(default_factory=Counter)
    crashes: Counter[str] = field(default_factory=Counter)
    refused_replies: Counter[str] = field(default_factory=Counter)
    unanswered: Counter[str] = field(default_factory=Counter)
    by_path: Counter[str] = field(default_factory=Counter)
    cpu_by_path: Counter[str] = field(default_factory=Counter)  # microseconds
    shards: int = 0
    saved: int = 0
    deleted: int = 0
    data_lost: int = 0
    token_leaks: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def add(self, other: FuzzReport) -> None:
        """Fold in another shard's report."""
        for mine, theirs in (
            (self.inputs, other.inputs),
            (self.crashes, other.crashes),
            (self.refused_replies, other.refused_replies),
            (self.unanswered, other.unanswered),
            (self.by_path, other.by_path),
            (self.cpu_by_path, other.cpu_by_path),
        ):
            mine.update(theirs)
        self.shards += other.shards
        self.saved += other.saved
        self.deleted += other.deleted
        self.data_lost += other.data_lost
        self.token_leaks += other.token_leaks
        self.cpu_seconds += other.cpu_seconds
        self.examples += other.examples

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return {
            "inputs": sum(self.inputs.values()),
            "crashes": sum(self.crashes.values()),
            "refused_replies": sum(self.refused_replies.values()),
            "unanswered": sum(self.unanswered.values()),
            "per_category": {
                c: {
                    "inputs": self.inputs[c],
                    "crashes": self.crashes[c],
                    "refused_replies": self.refused_replies[c],
                    "unanswered": self.unanswered[c],
                }
                for c in sorted(self.inputs)
            },
            "per_path": {
                p: {
                    "inputs": n,
                    "cpu_ms_per_input": round(self.cpu_by_path[p] / n / 1000, 1),
                }
                for p, n in sorted(self.by_path.items())
            },
            "shards": self.shards,
            "articles_saved": self.saved,
            "articles_deleted_by_forged_buttons": self.deleted,
            "data_lost": self.data_lost,
            "token_leaks": self.token_leaks,
            "seconds": round(self.seconds, 1),
            "cpu_seconds": round(self.cpu_seconds, 1),
            "examples": self.examples[:20],
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


def _settings(workdir: Path) -> Settings:
    return Settings(
        telegram_bot_token=TOKEN,  # type: ignore[arg-type]
        database_url=f"sqlite+aiosqlite:///{workdir / 'fuzz.sqlite3'}",
        editor_ids=frozenset({EDITOR}),
        questions_per_user=0,
        questions_per_chat=0,
        _env_file=None,  # type: ignore[call-arg]
    )


async def _start(settings: Settings, fake: FakeBotApi, clock: ManualClock) -> NewsApp:
    app = build_application(settings, request=fake.request(), clock=clock, rate_limit=False)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    return app


async def _stop(app: NewsApp) -> None:
    await app.shutdown()
    assert app.post_shutdown is not None
    await app.post_shutdown(app)


async def run_fuzz(
    inputs: int, seed: int, workdir: Path, progress: int = 0, deadline: float = 0.0
) -> FuzzReport:
    """Send `inputs` generated updates through a fresh bot in `workdir` (one shard).

    `deadline` (a time.time() value) stops early; what was done is still checked in full.
    """
    rng = random.Random(seed)
    clock = ManualClock(dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC))
    settings = _settings(workdir)
    fake = FakeBotApi()
    errors = _Errors()
    root = logging.getLogger()
    root_level = root.level
    root.addHandler(errors)
    root.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    report = FuzzReport(shards=1)
    started, cpu_started = time.perf_counter(), time.process_time()
    saved: set[int] = set()
    deleted: set[int] = set()
    try:
        app = await _start(settings, fake, clock)
        try:
            core = app.bot_data.services
            records = read_records(SAMPLE.name, SAMPLE.read_bytes()).records
            await core.archive.import_records(records)
            known = (await core.archive.articles.stats()).articles
            factory = UpdateFactory(app.bot, now=clock.now())
            for number in range(inputs):
                if deadline and time.time() > deadline:
                    break
                category, text = _input(rng)
                path = PATHS[number % len(PATHS)]
                report.inputs[category] += 1
                report.by_path[path] += 1
                before_sent, before_calls = len(fake.sent), len(fake.calls)
                before_errors, cpu = errors.errors, time.process_time()
                for update in _updates(factory, fake, path, text, rng):
                    await app.process_update(update)
                report.cpu_by_path[path] += round((time.process_time() - cpu) * 1e6)
                answers = [m.text for m in fake.sent[before_sent:]]
                calls = [name for name, _ in fake.calls[before_calls:]]
                if errors.errors > before_errors:
                    report.crashes[category] += 1
                    if len(report.examples) < 20:
                        report.examples.append(
                            f"seed {seed} input {number + 1} {path}/{category}: {text[:60]!r}"
                        )
                report.refused_replies[category] += _refused(calls, fake.sent[before_sent:])
                if not answers and not {"answerInlineQuery", "answerCallbackQuery"} & set(calls):
                    report.unanswered[category] += path != "inline"
                _follow(answers, saved, deleted)
                clock.advance(dt.timedelta(seconds=1))
                if progress and (number + 1) % progress == 0:
                    print(
                        f"seed {seed}: {number + 1} inputs, {sum(report.crashes.values())} "
                        f"crashes, {len(saved)} saved, {time.perf_counter() - started:.0f} s, "
                        f"{time.process_time() - cpu_started:.0f} s CPU",
                        file=sys.stderr,
                        flush=True,
                    )
            live = known + len(saved) - len(deleted)
            report.data_lost = await _lost(app, saved - deleted, live)
        finally:
            await _stop(app)
        # Again after a restart on the same files: what was acknowledged is still there.
        again = await _start(settings, FakeBotApi(), clock)
        try:
            report.data_lost += await _lost(again, saved - deleted, live)
        finally:
            await _stop(again)
    finally:
        root.removeHandler(errors)
        root.setLevel(root_level)
    report.saved, report.deleted = len(saved), len(deleted & saved)
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu_started
    secret = TOKEN.split(":")[1]
    report.token_leaks = errors.text.getvalue().count(secret) + sum(
        secret in m.text for m in fake.sent
    )
    return report


def _refused(calls: list[str], sent: list[SentMessage]) -> int:
    # Every send or edit the fake accepted is in `sent`; the others were refused.
    tried = sum(1 for name in calls if name in ("sendMessage", "editMessageText"))
    return max(0, tried - len(sent))


def _follow(answers: list[str], saved: set[int], deleted: set[int]) -> None:
    """Track acknowledged articles, and deletes that a (forged) confirmation really made."""
    for answer in answers:
        for prefix, ids in (("Saved #", saved), ("Deleted #", deleted)):
            if answer.startswith(prefix):
                ids.add(int(answer[len(prefix) :].split(":", 1)[0]))
        if answer.startswith("Restored #"):
            deleted.discard(int(answer[10:].split(":", 1)[0]))


async def _lost(app: NewsApp, expected: set[int], live_at_least: int) -> int:
    """Acknowledged articles missing, plus 1 if the index is behind the database."""
    articles = app.bot_data.services.archive.articles
    alive = await articles.get_many(sorted(expected))
    lost = len(expected) - len(alive)
    lost += max(0, live_at_least - (await articles.stats()).articles)
    if app.bot_data.services.index.watermark != await articles.last_seq():
        lost += 1
    return lost


def _updates(
    factory: UpdateFactory, fake: FakeBotApi, path: str, text: str, rng: random.Random
) -> Iterable[Any]:
    if path == "private":
        return [factory.message(text, user_id=READER)]
    if path == "ask":
        return [factory.message(f"/ask {text}", user_id=READER)]
    if path == "group":
        mention = f"@{fake.username} {text}"
        return [factory.message(mention, user_id=READER, chat_id=GROUP_ID, chat_type=GROUP)]
    if path == "inline":
        return [factory.inline(text[:256], user_id=READER)]
    if path == "editor":
        return [factory.message(text, user_id=EDITOR)]
    if path == "add":
        return [factory.message(f"/add {text}", user_id=EDITOR)]
    if path == "more":
        return _MorePress(factory, fake, text)
    if path == "button":
        pressed = _fit_callback_data(rng.choice(("more:", "delete:", "")) + text)
        shown = SentMessage("sendMessage", READER, "Earlier answer", 1, {})
        return [factory.callback(pressed, shown, user_id=rng.choice((READER, EDITOR)))]
    data = text.encode("utf-8", "surrogatepass") if rng.random() < 0.7 else rng.randbytes(300)
    name = rng.choice(("a.txt", "b.md", "c.html", "d.jsonl", "e.exe", "noext"))
    file_id, _ = fake.add_file(data)
    return [factory.message(user_id=EDITOR, document=(file_id, name, len(data)))]


class _MorePress:
    """A question from a reader, then a press of the "More" button on the answer, if any."""

    def __init__(self, factory: UpdateFactory, fake: FakeBotApi, text: str) -> None:
        self.question = factory.message(f"/ask {text}", user_id=READER)
        self.factory, self.fake = factory, fake

    def __iter__(self) -> Iterator[Any]:
        before = len(self.fake.sent)
        yield self.question
        for sent in self.fake.sent[before:]:
            for data in sent.buttons:
                yield self.factory.callback(data, sent, user_id=READER)


def _fit_callback_data(data: str) -> str:
    while len(data.encode("utf-8", "surrogatepass")) > CALLBACK_DATA_BYTES:
        data = data[:-1]
    return data or "x"


def _worker(inputs: int, seed: int, progress: int = 0, deadline: float = 0.0) -> FuzzReport:
    # RAM-backed when the machine has it: the figures are about behaviour, not disk speed.
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        return asyncio.run(run_fuzz(inputs, seed, Path(tmp), progress, deadline))


def run_shards(
    inputs: int, seed: int, shard_size: int, workers: int, progress: int = 0, deadline: float = 0.0
) -> FuzzReport:
    """Cut `inputs` into shards (shard k: a fresh bot, seed `seed` + k) and run them all."""
    sizes = [min(shard_size, inputs - start) for start in range(0, inputs, shard_size)]
    seeds = [seed + k for k in range(len(sizes))]
    report = FuzzReport()
    started = time.perf_counter()
    if workers <= 1 or len(sizes) == 1:
        parts = [_worker(n, s, progress, deadline) for n, s in zip(sizes, seeds, strict=True)]
    else:
        with ProcessPoolExecutor(min(workers, len(sizes))) as pool:
            count = len(sizes)
            parts = list(pool.map(_worker, sizes, seeds, [progress] * count, [deadline] * count))
    for part in parts:
        report.add(part)
    report.seconds = time.perf_counter() - started
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the fuzzer and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes running shards"
    )
    parser.add_argument(
        "--shard-size", type=int, default=10_000, help="inputs per fresh bot (one seed each)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the first shard")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--progress", type=int, default=0, help="report every N inputs")
    parser.add_argument(
        "--max-seconds", type=float, default=0.0, help="stop every shard after this long"
    )
    args = parser.parse_args(argv)
    deadline = time.time() + args.max_seconds if args.max_seconds else 0.0
    report = run_shards(
        args.inputs, args.seed, args.shard_size, args.workers, args.progress, deadline
    )
    figures = report.as_dict()
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        _print_table(figures, min(args.workers, figures["shards"]))
    bad = sum(report.crashes.values()) + report.data_lost + report.token_leaks
    bad += sum(report.refused_replies.values()) + sum(report.unanswered.values())
    return 1 if bad else 0


def _print_table(figures: dict[str, Any], workers: int) -> None:
    print(f"{'category':<14} {'inputs':>8} {'crashes':>8} {'refused':>8} {'unanswered':>10}")
    for name, row in figures["per_category"].items():
        print(
            f"{name:<14} {row['inputs']:>8} {row['crashes']:>8} "
            f"{row['refused_replies']:>8} {row['unanswered']:>10}"
        )
    print(f"{'path':<14} {'inputs':>8} {'CPU ms/input':>13}")
    for name, row in figures["per_path"].items():
        print(f"{name:<14} {row['inputs']:>8} {row['cpu_ms_per_input']:>13}")
    print(
        f"total {figures['inputs']} inputs in {figures['shards']} shard(s) on {workers} "
        f"worker(s): {figures['seconds']} s, {figures['cpu_seconds']} s CPU; "
        f"crashes {figures['crashes']}; refused {figures['refused_replies']}; "
        f"unanswered {figures['unanswered']}; articles saved {figures['articles_saved']}; "
        f"data lost {figures['data_lost']}; token leaks {figures['token_leaks']}"
    )
    for example in figures["examples"]:
        print(f"  crash: {example}")


if __name__ == "__main__":
    sys.exit(main())
