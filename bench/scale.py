"""Questions per second through the webhook with 1, 2, 4 bot processes on one PostgreSQL.

    python bench/scale.py ../shared/data --database newsbot_scale --workdir /tmp/scale

Builds an archive of `--articles` articles (the real corpora under DATA_DIR, topped up with
synthetic articles recombined from their paragraphs) in a PostgreSQL database, starts a lean
fake Bot API server (bench/lean_api.py) and `newsbot run --webhook` processes, and has a load
generator (bench/load.py, a process of its own) post private-chat questions (news-qa quiz and
short forms) round-robin over the processes, as a reverse proxy would. Two loads per step:
closed loop (as fast as answers come back) for throughput, and an open loop at `--rate`
questions/s for latency. Latency is from POST to the webhook's 200, which the bot returns only
after its reply reached the Bot API.

Everything runs on this machine and shares its cores, so each load also reports the CPU time
each part spent per question (bots, PostgreSQL, the fake Bot API, the load generator, and
everything else the machine did meanwhile), read from /proc, and the ceiling those figures
give: the machine's cores divided by the CPU per question of our parts. `--pipeline` asks `/start`
instead of questions: the whole path of an update without retrieval and answer sentences.
`--in-process N` first times N questions inside this process (retrieval, SQL fetch, answer
sentence) on the same archive. `--profile DIR` records each process with py-spy during the
closed loop. `--database` keeps the archive (and `--workdir` the index slots) between runs.
`--small` is the CI smoke run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import async_url

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:" + "B" * 35
SECRET = "bench-secret"
CORPORA = [
    "news-qa/articles.jsonl",
    "corpora/reuters21578.jsonl",
    "corpora/bbc2225.jsonl",
    "syria-fakes/articles.jsonl",
]
TICK = os.sysconf("SC_CLK_TCK")
PG_SERVICE = re.compile(
    r"postgres: .*(checkpointer|background writer|walwriter|autovacuum launcher|"
    r"logical replication launcher|stats collector|archiver)"
)


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("data", type=Path, help="the shared data folder")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "NEWSBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        ),
        help="a PostgreSQL server URL; a fresh database is created on it and dropped after",
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--processes", default="1,2,4", help="process counts, ascending")
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop questions/s")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each load")
    parser.add_argument(
        "--askers", type=int, default=4, help="closed loop: concurrent askers per process"
    )
    parser.add_argument("--pipeline", action="store_true", help="ask /start, not questions")
    parser.add_argument(
        "--in-process", type=int, default=0, metavar="N", help="first time N questions in-process"
    )
    parser.add_argument("--profile", type=Path, help="py-spy recordings of the closed loops here")
    parser.add_argument(
        "--full-fake", action="store_true", help="tests/support/server.py instead of the lean fake"
    )
    parser.add_argument("--small", action="store_true", help="CI smoke: tiny and quick")
    parser.add_argument(
        "--database",
        help="keep the archive in this database (reused when it already holds enough articles)",
    )
    parser.add_argument("--workdir", type=Path, help="keep index slots here (reuse them)")
    parser.add_argument(
        "--prepare-only", action="store_true", help="build the archive (and its index), then stop"
    )
    args = parser.parse_args()
    if args.small:
        args.articles, args.processes, args.rate, args.seconds = 3_000, "1,2", 50.0, 3.0
        args.in_process = args.in_process or 50
    asyncio.run(run(args))


async def run(args: argparse.Namespace) -> None:
    counts = sorted({int(n) for n in args.processes.split(",") if n})
    questions = ["/start"] if args.pipeline else load_questions(args.data)
    with tempfile.TemporaryDirectory(prefix="newsbot-scale-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "questions.json").write_text(json.dumps(questions), encoding="utf-8")
        name = args.database or f"newsbot_bench_{uuid.uuid4().hex[:8]}"
        await admin(args.postgres, f'CREATE DATABASE "{name}"', missing_ok=bool(args.database))
        url = make_url(async_url(args.postgres)).set(database=name).render_as_string(False)
        fake: subprocess.Popen[bytes] | None = None
        bots: list[Bot] = []
        try:
            started = time.perf_counter()
            source, stored = articles(args.data), await count_articles(url)
            if stored:  # a kept archive: skip what it already holds
                source = itertools.islice(source, stored, None)
            while stored < args.articles:  # duplicates and non-articles are dropped: top up
                write_articles(source, args.articles - stored, workdir / "articles.jsonl")
                await asyncio.to_thread(import_archive, workdir, url)
                stored = await count_articles(url)
            print(f"archive: {stored:,} articles in {time.perf_counter() - started:.0f} s")
            if args.prepare_only:
                return
            if args.in_process:
                await in_process(url, workdir, load_questions(args.data)[: args.in_process])
            fake_port = free_port()
            fake = start_fake(fake_port, full=args.full_fake)
            next_id = await last_update_id(url) + 1
            rows: list[Row] = []
            for count in counts:
                started = time.perf_counter()
                while len(bots) < count:
                    bots.append(Bot.start(workdir, bot_env(url, fake_port)))
                for bot in bots:
                    await bot.ready()
                print(f"{count} process(es) ready in {time.perf_counter() - started:.0f} s")
                ports = [b.port for b in bots]
                meter = Meter(bots, fake, name)
                # Warm-up: connections, caches, the first questions' lazy set-up.
                warm = await load(workdir, ports, next_id, ["--closed", str(2 * count)], 2.0)
                next_id = int(warm["next_id"])
                closed, next_id = await measure(
                    meter, workdir, ports, next_id, ["--closed", str(args.askers * count)],
                    args, f"{count} closed loop", profile=(args.profile, count),
                )  # fmt: skip
                rows.append(closed)
                rate = args.rate if closed.answered_rate >= args.rate else closed.answered_rate
                rate = round(rate if rate == args.rate else 0.8 * rate, 1)
                opened, next_id = await measure(
                    meter, workdir, ports, next_id, ["--rate", str(rate)], args,
                    f"{count} open loop", profile=(None, count),
                )  # fmt: skip
                rows.append(opened)
            print_table(rows, args)
        finally:
            for bot in bots:
                bot.stop()
            if fake is not None:
                fake.terminate()
                fake.wait()
            if not args.database:
                await admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(slots=True)
class Row:
    """One load: what was offered and answered, latency, CPU per question of each part."""

    label: str
    offered: float | None
    answered: int
    failed: int
    seconds: float
    p50: float | None
    p95: float | None
    cpu_ms: dict[str, float] = field(default_factory=dict)
    busy_cores: float = 0.0

    @property
    def answered_rate(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


class Bot:
    """One `newsbot run --webhook` process, its port once it listens."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.port = 0

    @classmethod
    def start(cls, workdir: Path, env: dict[str, str]) -> Bot:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--webhook"],
            cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        return cls(proc)

    async def ready(self) -> None:
        """Wait until the process logged that it listens (its index is then up to date)."""
        assert self.proc.stderr is not None
        lines = []
        while not self.port:
            line = await asyncio.to_thread(self.proc.stderr.readline)
            lines.append(line)
            if not line:
                raise RuntimeError("a bot process exited during start-up:\n" + "".join(lines))
            if "webhook server listening on" in line:
                self.port = int(line.rsplit(":", 1)[1])
                # Keep draining its log so the pipe never fills up.
                asyncio.get_running_loop().run_in_executor(None, self.proc.stderr.read)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


class Meter:
    """CPU seconds used so far by each part of the set-up, and by the whole machine."""

    def __init__(self, bots: list[Bot], fake: subprocess.Popen[bytes], database: str) -> None:
        self.bots, self.fake, self.database = bots, fake, database

    def read(self) -> dict[str, float | dict[int, float]]:
        postgres = {}  # per process: backends come and go (a pool's overflow connections)
        for pid, cmdline in _postgres_processes():
            if f" {self.database} " in cmdline or PG_SERVICE.search(cmdline) or cmdline[:1] == "/":
                postgres[pid] = _cpu(pid)
        return {
            "bots": sum(_cpu(b.proc.pid) for b in self.bots),
            "postgres": postgres,
            "fake API": _cpu(self.fake.pid),
            "machine": _machine_busy(),
        }

    @staticmethod
    def spent(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float]:
        """CPU seconds between two reads; a PostgreSQL process that ended in between is lost."""
        spent = {k: after[k] - before[k] for k in ("bots", "fake API", "machine")}
        spent["postgres"] = sum(
            cpu - before["postgres"].get(pid, 0.0) for pid, cpu in after["postgres"].items()
        )
        return spent


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy since boot (all cores)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICK


def _postgres_processes() -> Iterator[tuple[int, str]]:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        yield int(entry.name), cmdline


async def load(
    workdir: Path, ports: list[int], first_id: int, mode: list[str], seconds: float
) -> dict[str, float]:
    """Run bench/load.py once (it waits for a line on stdin to start) and return its summary."""
    proc = await start_load(workdir, ports, first_id, mode, seconds)
    return await finish_load(proc)


async def start_load(
    workdir: Path, ports: list[int], first_id: int, mode: list[str], seconds: float
) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.load", "--ports", ",".join(map(str, ports)),
        "--questions", str(workdir / "questions.json"), "--first-id", str(first_id),
        "--seconds", str(seconds), *mode,
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    line = await proc.stdout.readline()
    if line.strip() != b"ready":
        raise RuntimeError(f"load generator did not start: {line!r}")
    return proc


async def finish_load(proc: asyncio.subprocess.Process) -> dict[str, float]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"go\n")
    await proc.stdin.drain()
    summary: dict[str, float] = json.loads(await proc.stdout.readline())
    await proc.wait()
    return summary


async def measure(
    meter: Meter,
    workdir: Path,
    ports: list[int],
    first_id: int,
    mode: list[str],
    args: argparse.Namespace,
    label: str,
    *,
    profile: tuple[Path | None, int],
) -> tuple[Row, int]:
    """One load, with the CPU each part spent during it; and the next free update id."""
    proc = await start_load(workdir, ports, first_id, mode, args.seconds)
    spies = start_profilers(profile[0], profile[1], meter, args.seconds)
    before = meter.read()
    summary = await finish_load(proc)
    spent = Meter.spent(before, meter.read())
    for spy in spies:
        spy.wait()
    answered = int(summary["answered"])
    per = 1000 / max(answered, 1)
    cpu = {k: spent[k] * per for k in ("bots", "postgres", "fake API")}
    cpu["load generator"] = summary["cpu_seconds"] * per
    cpu["others"] = max(0.0, spent["machine"] * per - sum(cpu.values()))
    row = Row(
        label=label,
        offered=float(mode[1]) if mode[0] == "--rate" else None,
        answered=answered,
        failed=int(summary["failed"]),
        seconds=summary["seconds"],
        p50=summary["p50"],
        p95=summary["p95"],
        cpu_ms=cpu,
        busy_cores=spent["machine"] / summary["seconds"],
    )
    print(format_row(row), flush=True)
    if summary.get("errors"):
        print(f"  failures: {summary['errors']}", flush=True)
    return row, int(summary["next_id"])


def start_profilers(
    folder: Path | None, count: int, meter: Meter, seconds: float
) -> list[subprocess.Popen[bytes]]:
    """py-spy on each bot and the fake API for the length of one load (collapsed stacks)."""
    if folder is None:
        return []
    folder.mkdir(parents=True, exist_ok=True)
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    targets = [(f"bot{n + 1}", b.proc.pid) for n, b in enumerate(meter.bots)]
    targets.append(("fake", meter.fake.pid))
    spies = []
    for name, pid in targets:
        command = [
            spy, "record", "--nonblocking", "--format", "raw", "--rate", "200",
            "--duration", str(max(1, int(seconds))), "--pid", str(pid),
            "--output", str(folder / f"{count}p-{name}.txt"),
        ]  # fmt: skip
        spies.append(
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        )
    return spies


async def in_process(url: str, workdir: Path, questions: list[str]) -> None:
    """CPU per question inside one process, by step: what no process count can go below."""
    from bot.questions.retrieval import Answer
    from bot.services import open_services
    from bot.settings import Settings

    settings = Settings(
        telegram_bot_token=TOKEN,  # type: ignore[arg-type]
        database_url=url,
        index_dir=workdir / "data" / "index" / "slot-0",
        auto_migrate=False,
    )
    services = await open_services(settings)
    steps = {"retrieval": 0.0, "SQL fetch": 0.0, "answer sentence": 0.0, "whole ask()": 0.0}
    try:
        retriever, store = services.questions._retriever, services.archive.articles
        for question in questions * 2:  # the first round warms caches
            if question is questions[0]:
                steps = dict.fromkeys(steps, 0.0)
            t0 = time.thread_time()
            query = retriever.analyze(question)
            scored = retriever.search(query, as_of=None, limit=4, offset=0)[:3]
            t1 = time.thread_time()
            stored = await store.get_many([s.article_id for s in scored])
            t2 = time.thread_time()
            first = stored.get(scored[0].article_id) if scored else None
            if first is not None:
                answer: Answer = retriever.answer(query, first.title, first.text)
                assert answer is not None
            t3 = time.thread_time()
            await services.questions.ask(question, with_answers=1)
            t4 = time.thread_time()
            for step, spent in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                steps[step] += spent
    finally:
        await services.close()
    print(
        f"in-process, CPU per question over {len(questions)} questions: "
        + ", ".join(f"{k} {v / len(questions) * 1000:.1f} ms" for k, v in steps.items())
    )


PARTS = ("bots", "postgres", "fake API", "load generator", "others")


def format_row(row: Row) -> str:
    offered = f"{row.offered:.1f}" if row.offered is not None else "closed"
    cpu = " | ".join(f"{row.cpu_ms[k]:.1f}" for k in PARTS)
    # What the cores could answer if nothing else ran: cores / CPU per question of our parts.
    ours = sum(row.cpu_ms[k] for k in PARTS if k != "others")
    ceiling = (os.cpu_count() or 1) * 1000 / ours if ours else float("nan")
    return (
        f"| {row.label.split()[0]} | {offered} | {row.answered_rate:.1f} | {row.failed} "
        f"| {_ms(row.p50)} | {_ms(row.p95)} | {cpu} | {row.busy_cores:.2f} | {ceiling:.0f} |"
    )


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    print()
    print(
        "| processes | offered q/s | answered q/s | failed | p50 ms | p95 ms "
        "| CPU ms/q: bots | PostgreSQL | fake API | load gen | others | busy cores "
        "| ceiling q/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(format_row(row))
    print(
        f"(closed: {args.askers} askers per process; the open loop offers --rate "
        f"{args.rate:.0f} q/s where the closed loop reached it, else 80% of what it reached"
        + ("; every update was /start" if args.pipeline else "")
        + f"; ceiling: {os.cpu_count()} cores / CPU per question of bots, PostgreSQL, fake API"
        " and load generator, i.e. the rate if nothing else ran and every core were busy)"
    )


async def last_update_id(url: str) -> int:
    """Update ids already claimed in a kept database: the run continues after them."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            found = await conn.execute(
                text("SELECT coalesce(max(update_id), 0) FROM processed_updates")
            )
            return int(found.scalar_one())
    finally:
        await engine.dispose()


def load_questions(data: Path) -> list[str]:
    questions = []
    with (data / "news-qa" / "dev-questions.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            questions += [q for q in (item.get("quiz"), item.get("short")) if q]
    random.Random(5).shuffle(questions)
    return questions


def write_articles(source: Iterator[dict[str, str]], wanted: int, out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        for record in itertools.islice(source, wanted):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def articles(data: Path) -> Iterator[dict[str, str]]:
    """The real articles, then synthetic ones mixing paragraphs of two real ones."""
    real: list[dict[str, str]] = []
    for name in CORPORA:
        with (data / name).open(encoding="utf-8") as handle:
            for line in handle:
                item = json.loads(line)
                record = {
                    "text": item["text"],
                    "title": item.get("title") or "",
                    "date": item.get("date") or "",
                    "source": item.get("source") or "",
                    "external_id": item["id"],
                }
                real.append(record)
                yield record
    rng = random.Random(7)
    for number in itertools.count(1):
        first, second = rng.sample(real, 2)
        paragraphs = [p for p in (first["text"] + "\n" + second["text"]).split("\n") if p.strip()]
        rng.shuffle(paragraphs)
        yield {
            "text": "\n".join(paragraphs[:12]),
            "title": f"{first['title']} / {second['title']}"[:200],
            "date": first["date"],
            "source": "synthetic",
            "external_id": f"synthetic-{number}",
        }


def bot_env(url: str, fake_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{fake_port}/bot",
        TELEGRAM_FILE_BASE_URL=f"http://127.0.0.1:{fake_port}/file/bot",
        DATABASE_URL=url,
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_PORT="0",
        RATE_LIMIT="false",
        LOG_LEVEL="INFO",
    )
    return env


def import_archive(workdir: Path, url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot", "--database-url", url, "import", "--quiet",
         str(workdir / "articles.jsonl")],
        cwd=workdir, env=bot_env(url, 0), check=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def start_fake(port: int, *, full: bool) -> subprocess.Popen[bytes]:
    module = "tests.support.server" if full else "bench.lean_api"
    return subprocess.Popen([sys.executable, "-m", module, "--port", str(port)], cwd=ROOT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def count_articles(url: str) -> int:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            exists = await conn.execute(text("SELECT to_regclass('articles') IS NOT NULL"))
            if not exists.scalar_one():
                return 0
            return int((await conn.execute(text("SELECT count(*) FROM articles"))).scalar_one())
    finally:
        await engine.dispose()


async def admin(server: str, statement: str, *, missing_ok: bool = False) -> None:
    engine = create_async_engine(async_url(server), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            if missing_ok and statement.startswith("CREATE DATABASE"):
                name = statement.split('"')[1]
                found = await conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
                )
                if found.first():
                    return
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


if __name__ == "__main__":
    main()
