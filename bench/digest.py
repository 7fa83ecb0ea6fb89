"""Digest delivery at scale: compose every due digest, then send them through a local Bot API
server that enforces Telegram's flood limits and injects transient faults, optionally killing
the bot with SIGKILL half-way and starting it again.

Usage: python -m bench.digest DATA_DIR [--subscriptions N] [--articles N] [--rate R]
       [--fault-rate F] [--kill-at F] [--workdir DIR]
DATA_DIR holds corpora/reuters21578.jsonl (the archive's article texts, reused as needed).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import hashlib
import json
import os
import random
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from bench.procfs import cpu_seconds, status_kib
from bot.clock import SystemClock
from bot.digests.compose import DigestService
from bot.digests.dispatch import DigestDispatcher
from storage.articles import ArticleStore
from storage.db import Database
from storage.deliveries import DeliveryStore
from storage.models import Article, Chat, Subscription
from storage.subscriptions import SubscriptionStore

ZONES = (
    "UTC", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles",
    "Asia/Damascus", "Asia/Tokyo", "Australia/Sydney",
)  # fmt: skip
TOPICS = (
    "", "", "", "oil", "coffee", "gold", "wheat", "trade deficit", "bank rates", "opec",
    "dollar", "shipping strike", "sugar", "copper", "bonds", "grain exports",
)  # fmt: skip
GROUP_SHARE = 0.05
SECOND_SUBSCRIPTION_SHARE = 0.10
WINDOW = (1_000, 3_000)  # each digest covers the last one to three thousand articles


def read_texts(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / "corpora" / "reuters21578.jsonl"
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


async def prepare(url: str, data_dir: Path, n_articles: int, n_subs: int, seed: int) -> None:
    """Fill a fresh database with the archive and the subscriptions, all due now."""
    rng = random.Random(seed)
    db = Database.from_url(url)
    await db.create_schema()
    texts = read_texts(data_dir)
    now = dt.datetime.now(dt.UTC)
    async with db.transaction() as session:
        for start in range(0, n_articles, 5_000):
            rows = []
            for i in range(start, min(n_articles, start + 5_000)):
                record = texts[i % len(texts)]
                text = record.get("text") or record.get("title") or "No text."
                title = (record.get("title") or text[:60]).strip() or "Untitled"
                rows.append(
                    {
                        "title": title,
                        "text": text,
                        "published": dt.date.fromisoformat(record["date"][:10]),
                        "source": "Reuters",
                        "content_hash": hashlib.sha256(f"{i}".encode()).hexdigest(),
                        "created_at": now,
                        "updated_at": now,
                        "change_seq": 0,  # not in the search index: digests do not need it
                    }
                )
            await session.execute(insert(Article), rows)
        chats, subs = [], []
        chat_number = 0
        while len(subs) < n_subs:
            chat_number += 1
            is_group = rng.random() < GROUP_SHARE
            chat_id = -1_000_000_000 - chat_number if is_group else chat_number
            kind = "supergroup" if is_group else "private"
            chats.append({"id": chat_id, "kind": kind, "timezone": rng.choice(ZONES)})
            times = rng.sample(range(24 * 60), 2 if rng.random() < SECOND_SUBSCRIPTION_SHARE else 1)
            for minute in times[: n_subs - len(subs)]:
                subs.append(
                    {
                        "chat_id": chat_id,
                        "time_of_day": f"{minute // 60:02d}:{minute % 60:02d}",
                        "topics": rng.choice(TOPICS),
                        "created_at": now - dt.timedelta(days=3),
                        "last_article_id": n_articles - rng.randint(*WINDOW),
                        "active": True,
                    }
                )
        for start in range(0, len(chats), 10_000):
            await session.execute(insert(Chat), chats[start : start + 10_000])
        for start in range(0, len(subs), 10_000):
            await session.execute(insert(Subscription), subs[start : start + 10_000])
    await db.close()


async def compose(url: str) -> tuple[float, float, int]:
    """Open (compose and record) every due digest in this process; (seconds, CPU s, digests)."""
    db = Database.from_url(url)
    subs = SubscriptionStore(db)
    clock = SystemClock()
    digests = DigestService(ArticleStore(db), subs, clock, "UTC")
    dispatcher = DigestDispatcher(digests, DeliveryStore(db), subs, clock, worker="bench")
    started, cpu = time.perf_counter(), time.process_time()
    opened = await dispatcher.open_due()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    await db.close()
    return elapsed, cpu, opened


def parts_per_digest(path: Path) -> collections.Counter[int]:
    """How many digests have 1, 2, ... messages."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT parts FROM deliveries").fetchall()
    return collections.Counter(len(json.loads(parts)) for (parts,) in rows)


def expected_messages(path: Path) -> tuple[collections.Counter[tuple[int, str]], int, int]:
    """(chat, text digest) of every part of every delivery; deliveries; parts."""
    expected: collections.Counter[tuple[int, str]] = collections.Counter()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT chat_id, parts FROM deliveries").fetchall()
    for chat_id, parts in rows:
        for part in json.loads(parts):
            expected[(chat_id, hashlib.sha1(part.encode()).hexdigest()[:16])] += 1
    return expected, len(rows), sum(expected.values())


def pending(path: Path) -> int:
    with sqlite3.connect(path, timeout=30) as conn:
        return int(
            conn.execute("SELECT count(*) FROM deliveries WHERE status='pending'").fetchone()[0]
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_bot(workdir: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (workdir / "bot.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=workdir, env=env, stdout=log, stderr=log
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-digest-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / "bench.sqlite3"
    for stale in workdir.glob("bench.sqlite3*"):
        stale.unlink()
    url = f"sqlite+aiosqlite:///{db_path}"
    started = time.perf_counter()
    asyncio.run(prepare(url, args.data_dir, args.articles, args.subscriptions, args.seed))
    prepared = time.perf_counter() - started
    compose_s, compose_cpu_s, opened = asyncio.run(compose(url))
    compose_peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    expected, deliveries, parts = expected_messages(db_path)
    composed = {
        "subscriptions": args.subscriptions,
        "articles": args.articles,
        "prepare_s": round(prepared, 1),
        "digests_composed": opened,
        "compose_s": round(compose_s, 1),
        "compose_cpu_s": round(compose_cpu_s, 1),
        "compose_per_s": round(opened / compose_s) if compose_s else None,
        "compose_peak_mib": round(compose_peak_mib),
        "deliveries": deliveries,
        "messages_expected": parts,
        "messages_per_digest": dict(sorted(parts_per_digest(db_path).items())),
    }
    if args.compose_only:
        return composed

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.server", "--port", str(port),
         "--per-second", str(args.rate), "--fault-rate", str(args.fault_rate), "--seed", "1"],
        stdout=subprocess.DEVNULL, stderr=(workdir / "server.log").open("ab"),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base, timeout=60)
    for _ in range(200):  # the server needs a moment to listen: at most 20 s
        try:
            client.get("/_fake/stats")
            break
        except httpx.TransportError:
            time.sleep(0.1)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DIGEST_"))},
        "TELEGRAM_BOT_TOKEN": "123456:bench",
        "TELEGRAM_API_BASE_URL": f"{base}/bot",
        "TELEGRAM_FILE_BASE_URL": f"{base}/file/bot",
        "DATABASE_URL": url,
        "INDEX_DIR": str(workdir / "index"),
        "TELEGRAM_MESSAGES_PER_SECOND": str(args.rate),
        "DIGEST_WORKER_ID": "bench-bot",
        "DIGEST_CONCURRENCY": str(args.concurrency),
        "DIGEST_TICK_SECONDS": "2",
        "LOG_LEVEL": "WARNING",
    }
    bot = start_bot(workdir, env)
    peaks: list[int] = []
    bot_cpu = 0.0
    kills = 0
    deadline = time.monotonic() + args.timeout
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
            stats = client.get("/_fake/stats").json()
            if args.kill_at and not kills and stats["sent"] >= args.kill_at * parts:
                peaks.append(status_kib(bot.pid, "VmHWM"))
                bot_cpu += cpu_seconds(bot.pid)
                bot.send_signal(signal.SIGKILL)
                bot.wait()
                kills += 1
                bot = start_bot(workdir, env)
            if stats["sent"] >= parts and pending(db_path) == 0:
                break  # (later slots that fall due meanwhile are in the final count)
        peaks.append(status_kib(bot.pid, "VmHWM"))
        bot_cpu += cpu_seconds(bot.pid)
    finally:
        bot.terminate()
        try:
            bot.wait(timeout=30)
        except subprocess.TimeoutExpired:
            bot.kill()
    stats = client.get("/_fake/stats").json()
    pairs = client.get("/_fake/received").json()
    (workdir / "received.json").write_text(json.dumps(pairs))
    received = collections.Counter((int(chat), digest) for chat, digest in pairs)
    # Slots that fell due while the run went on were opened and sent too: count them in.
    expected, deliveries_at_end, parts_at_end = expected_messages(db_path)
    server_cpu = cpu_seconds(server.pid)
    server.terminate()
    server.wait(timeout=30)
    lost = sum(max(0, n - received[key]) for key, n in expected.items())
    duplicated = sum(max(0, n - expected[key]) for key, n in received.items())
    span = (stats["last"] or 0) - (stats["first"] or 0)
    rate = stats["accepted"] / span if span > 0 else 0.0
    # With a kill, the restart's silence is not sending time: leave the longest gap out.
    busy = span - (stats["longest_gap"] or 0) if kills else span
    busy_rate = stats["accepted"] / busy if busy > 0 else 0.0
    return {
        **composed,
        "deliveries_at_end": deliveries_at_end,
        "messages_expected_at_end": parts_at_end,
        "messages_received": sum(received.values()),
        "configured_rate": args.rate,
        "send_rate": round(rate, 1),
        "send_rate_share": round(rate / args.rate, 3),
        "restart_gap_s": round(stats["longest_gap"] or 0, 1) if kills else None,
        "send_rate_excluding_restart": round(busy_rate, 1),
        "bot_cpu_s": round(bot_cpu, 1),
        "bot_cpu_ms_per_message": round(1000 * bot_cpu / max(1, stats["sent"]), 2),
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_ms_per_message": round(1000 * server_cpu / max(1, stats["sent"]), 2),
        "answers_429": stats["refused_429"],
        "faults_injected": stats["faults"],
        "kills": kills,
        "messages_lost": lost,
        "messages_duplicated": duplicated,
        "pending_left": pending(db_path),
        "bot_peak_mib": round(max(peaks) / 1024) if peaks else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=100.0, help="configured messages a second")
    parser.add_argument("--fault-rate", type=float, default=0.01)
    parser.add_argument("--kill-at", type=float, default=0.0, help="SIGKILL the bot at this share")
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--timeout", type=float, default=3600, help="give up sending after this")
    parser.add_argument("--small", action="store_true", help="CI: 2,000 subscriptions")
    parser.add_argument("--compose-only", action="store_true", help="measure composing only")
    args = parser.parse_args()
    if args.small:
        args.subscriptions, args.articles = 2_000, 5_000
    result = run(args)
    for key, value in result.items():
        print(f"{key:>20}: {value}")
    print(json.dumps(result))
    if args.compose_only:
        return
    ok = not result["messages_lost"] and not result["messages_duplicated"]
    sys.exit(0 if ok and not result["pending_left"] else 1)


if __name__ == "__main__":
    main()
