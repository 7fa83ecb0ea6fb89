"""Questions per second through the webhook with 1, 2, 4 bot processes on one PostgreSQL.

    python bench/scale.py ../shared/data --postgres postgresql+asyncpg://postgres@127.0.0.1/test

Builds an archive of `--articles` articles (the real corpora under DATA_DIR, topped up with
synthetic articles recombined from their paragraphs) in a fresh database, starts a fake Bot API
server and `newsbot run --webhook` processes, and sends private-chat questions (news-qa quiz and
short forms) round-robin over the processes, as a reverse proxy would. Two loads per step:
closed loop (as fast as answers come back) for throughput, and an open loop at `--rate`
questions/s for latency. Latency is from POST to the webhook's 200, which the bot returns only
after its reply reached the fake Bot API. The load generator runs on the same machine.
`--small` is the CI smoke run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.db import async_url

TOKEN = "123456:" + "B" * 35
SECRET = "bench-secret"
CORPORA = [
    "news-qa/articles.jsonl",
    "corpora/reuters21578.jsonl",
    "corpora/bbc2225.jsonl",
    "syria-fakes/articles.jsonl",
]


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
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each load")
    parser.add_argument("--small", action="store_true", help="CI smoke: tiny and quick")
    args = parser.parse_args()
    if args.small:
        args.articles, args.processes, args.rate, args.seconds = 3_000, "1,2", 50.0, 3.0
    asyncio.run(run(args))


async def run(args: argparse.Namespace) -> None:
    counts = sorted({int(n) for n in args.processes.split(",")})
    questions = load_questions(args.data)
    with tempfile.TemporaryDirectory(prefix="newsbot-scale-") as tmp:
        workdir = Path(tmp)
        name = f"newsbot_bench_{uuid.uuid4().hex[:8]}"
        await admin(args.postgres, f'CREATE DATABASE "{name}"')
        url = make_url(async_url(args.postgres)).set(database=name).render_as_string(False)
        fake = procs = None
        try:
            started = time.perf_counter()
            source, stored = articles(args.data), 0
            while stored < args.articles:  # duplicates and non-articles are dropped: top up
                write_articles(source, args.articles - stored, workdir / "articles.jsonl")
                await asyncio.to_thread(import_archive, workdir, url)
                stored = await count_articles(url)
            print(f"archive: {stored:,} articles stored in {time.perf_counter() - started:.0f} s")
            fake_port = free_port()
            fake = await asyncio.to_thread(start_fake, workdir, fake_port)
            procs = []
            rows = []
            for count in counts:
                started = time.perf_counter()
                while len(procs) < count:
                    procs.append(start_bot(workdir, bot_env(url, fake_port)))
                ports = [await ready(p) for p in procs]
                print(f"{count} process(es) ready in {time.perf_counter() - started:.0f} s")
                rows.append(await measure(count, ports, questions, args))
            print_table(rows, args)
        finally:
            for proc in (procs or []) + ([fake] if fake else []):
                proc.terminate()
                proc.wait()
            await admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Ids:
    """Update ids, unique across the whole run (the processes drop repeats)."""

    numbers = itertools.count(1)


def update(question: str, user: int) -> bytes:
    number = next(Ids.numbers)
    chat = {"id": user, "type": "private", "first_name": "Bench"}
    return json.dumps(
        {
            "update_id": number,
            "message": {
                "message_id": number,
                "date": int(time.time()),
                "chat": chat,
                "from": {"id": user, "is_bot": False, "first_name": "Bench"},
                "text": question,
            },
        }
    ).encode()


async def ask(http: httpx.AsyncClient, port: int, question: str, user: int) -> float:
    started = time.perf_counter()
    answer = await http.post(
        f"http://127.0.0.1:{port}/telegram",
        content=update(question, user),
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET, "content-type": "application/json"},
    )
    answer.raise_for_status()
    return time.perf_counter() - started


async def measure(
    count: int, ports: list[int], questions: list[str], args: argparse.Namespace
) -> dict[str, float]:
    limits = httpx.Limits(max_connections=512, max_keepalive_connections=512)
    timeout = httpx.Timeout(30, pool=None)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
        turn = itertools.count()

        async def one() -> float:
            n = next(turn)
            return await ask(
                http, ports[n % len(ports)], questions[n % len(questions)], 10_000 + n % 5_000
            )

        for _ in range(20 * count):  # warm-up: connections, caches
            await one()
        # Closed loop: enough askers to keep every process busy.
        closed: list[float] = []
        deadline = time.perf_counter() + args.seconds

        async def asker() -> None:
            while time.perf_counter() < deadline:
                closed.append(await one())

        started = time.perf_counter()
        await asyncio.gather(*(asker() for _ in range(4 * count)))
        throughput = len(closed) / (time.perf_counter() - started)
        # Open loop: questions arrive at a fixed rate whether or not answers keep up. A rate
        # far above what the closed loop managed would only measure a growing queue, so then
        # the open loop runs at 80% of that instead (and the table says so).
        rate = args.rate if throughput >= args.rate else round(0.8 * throughput, 1)
        tasks = []
        started = time.perf_counter()
        total = max(2, int(rate * args.seconds))
        for n in range(total):
            delay = started + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one()))
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        opened = [o for o in outcomes if isinstance(o, float)]
        achieved = len(opened) / (time.perf_counter() - started)
    return {
        "processes": count,
        "qps": throughput,
        "closed_p50": pct(closed, 50),
        "closed_p95": pct(closed, 95),
        "open_target": rate,
        "open_rate": achieved,
        "open_failed": len(outcomes) - len(opened),
        "open_p50": pct(opened, 50),
        "open_p95": pct(opened, 95),
    }


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else float("nan")


def print_table(rows: list[dict[str, float]], args: argparse.Namespace) -> None:
    base = rows[0]["qps"]
    print()
    print(
        "| processes | closed loop q/s | × 1 process | p50 ms | p95 ms "
        "| open loop: offered q/s | answered q/s | failed | p50 ms | p95 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['processes']:.0f} | {r['qps']:.1f} | {r['qps'] / base:.2f} "
            f"| {r['closed_p50']:.1f} | {r['closed_p95']:.1f} | {r['open_target']:.1f} "
            f"| {r['open_rate']:.1f} | {r['open_failed']:.0f} | {r['open_p50']:.1f} "
            f"| {r['open_p95']:.1f} |"
        )
    print(f"(open loop offered --rate {args.rate:.0f} q/s where the closed loop reached it)")


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


async def count_articles(url: str) -> int:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(text("SELECT count(*) FROM articles"))).scalar_one())
    finally:
        await engine.dispose()


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


def start_fake(workdir: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.fake_server", "--port", str(port)], cwd=workdir
    )


def start_bot(workdir: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--webhook"],
        cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


_ports: dict[int, int] = {}


async def ready(proc: subprocess.Popen[str]) -> int:
    """The port, once the process logged that it listens (its index is then up to date)."""
    if proc.pid in _ports:
        return _ports[proc.pid]
    assert proc.stderr is not None
    while True:
        line = await asyncio.to_thread(proc.stderr.readline)
        if not line:
            raise RuntimeError("a bot process exited during start-up")
        if "webhook server listening on" in line:
            _ports[proc.pid] = int(line.rsplit(":", 1)[1])
            # Keep draining its log so the pipe never fills up.
            asyncio.get_running_loop().run_in_executor(None, proc.stderr.read)
            return _ports[proc.pid]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def admin(server: str, statement: str) -> None:
    engine = create_async_engine(async_url(server), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


if __name__ == "__main__":
    main()
