"""The load generator of bench/scale.py, in a process of its own: webhook updates over HTTP/1.1.

    python bench/load.py --ports 8001,8002 --questions q.json --closed 8 --seconds 10
    python bench/load.py --ports 8001,8002 --questions q.json --rate 200 --seconds 10

Posts private-chat message updates (one question each) to the bots' webhooks, round-robin over
the ports as a reverse proxy would, on keep-alive connections, and prints one JSON line: how
many were answered (HTTP 200) and failed, the time taken, latency percentiles (POST to the
200, which a bot sends once its reply reached the Bot API) and this process's own CPU time.
Closed loop (`--closed N`): N askers in all, each posting its next question when the last one
was answered. Open loop (`--rate R`): questions start at R per second whatever the answers do;
a new connection is opened whenever every open one is busy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from bench.lean_api import run_fast

SECRET = "bench-secret"
TIMEOUT_SECONDS = 30.0
USERS = 5_000
IDLE_SECONDS = 4.0


class Updates:
    """Webhook request bytes, from templates: formatting costs little of the shared CPU."""

    def __init__(self, questions: list[str], first_id: int, path: str) -> None:
        # A command carries its bot_command entity, as Telegram sends it.
        self._texts = [json.dumps(q) + _command_entity(q) for q in questions]
        self.next_id = first_id
        self._head = (
            f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
            f"x-telegram-bot-api-secret-token: {SECRET}\r\ncontent-length: "
        ).encode()

    def next(self) -> bytes:
        """The next update: a new update id, the next question, one of USERS private chats."""
        number = self.next_id
        self.next_id += 1
        user = 10_000 + number % USERS
        body = (
            f'{{"update_id":{number},"message":{{"message_id":{number},'
            f'"date":{int(time.time())},"chat":{{"id":{user},"type":"private",'
            f'"first_name":"Bench"}},"from":{{"id":{user},"is_bot":false,'
            f'"first_name":"Bench"}},"text":{self._texts[number % len(self._texts)]}}}}}'
        ).encode()
        return self._head + str(len(body)).encode() + b"\r\n\r\n" + body


def _command_entity(text: str) -> str:
    if not text.startswith("/"):
        return ""
    length = len(text.split(None, 1)[0])
    return f',"entities":[{{"type":"bot_command","offset":0,"length":{length}}}]'


class Connection:
    """One keep-alive HTTP/1.1 connection to a webhook."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def post(self, request: bytes) -> int:
        """Send one request, read the whole answer; its status code."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        if length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


class Pools:
    """Idle connections per port; a busy port gets a new connection."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.idle: dict[int, list[tuple[float, Connection]]] = {p: [] for p in ports}
        self.errors: Counter[str] = Counter()

    async def post(self, port: int, request: bytes) -> float:
        """Latency in seconds of one update; raises on anything but a 200."""
        conn = None
        while self.idle[port] and conn is None:
            since, conn = self.idle[port].pop()
            # uvicorn closes a connection idle for 5 s: never send on one it may be closing.
            if conn.reader.at_eof() or time.monotonic() - since > IDLE_SECONDS:
                conn.close()
                conn = None
        conn = conn or await Connection.open(port)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                status = await conn.post(request)
        except BaseException:
            conn.close()
            raise
        latency = time.perf_counter() - started
        self.idle[port].append((time.monotonic(), conn))
        if status != 200:
            raise RuntimeError(f"HTTP {status}")
        return latency

    def close(self) -> None:
        for conns in self.idle.values():
            for _, conn in conns:
                conn.close()


async def closed_loop(
    pools: Pools, updates: Updates, askers: int, seconds: float
) -> tuple[list[float], int, float]:
    """Each asker posts its next update once the last is answered, for `seconds`."""
    latencies: list[float] = []
    failed = 0
    deadline = time.perf_counter() + seconds

    async def asker(number: int) -> None:
        nonlocal failed
        port = pools.ports[number % len(pools.ports)]
        while time.perf_counter() < deadline:
            try:
                latencies.append(await pools.post(port, updates.next()))
            except (OSError, RuntimeError, TimeoutError, asyncio.IncompleteReadError) as exc:
                pools.errors[f"{type(exc).__name__}: {exc}"[:80]] += 1
                failed += 1

    started = time.perf_counter()
    await asyncio.gather(*(asker(n) for n in range(askers)))
    return latencies, failed, time.perf_counter() - started


async def open_loop(
    pools: Pools, updates: Updates, rate: float, seconds: float
) -> tuple[list[float], int, float]:
    """Updates start at `rate` per second; the time runs until the last is answered."""
    latencies: list[float] = []
    failed = 0

    async def one(port: int, request: bytes) -> None:
        nonlocal failed
        try:
            latencies.append(await pools.post(port, request))
        except (OSError, RuntimeError, TimeoutError, asyncio.IncompleteReadError) as exc:
            pools.errors[f"{type(exc).__name__}: {exc}"[:80]] += 1
            failed += 1

    tasks = []
    started = time.perf_counter()
    for n in range(max(2, int(rate * seconds))):
        delay = started + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        port = pools.ports[n % len(pools.ports)]
        tasks.append(asyncio.create_task(one(port, updates.next())))
    await asyncio.gather(*tasks)
    return latencies, failed, time.perf_counter() - started


def percentile(values: list[float], q: int) -> float | None:
    """The q-th percentile in milliseconds (None for fewer than two values)."""
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else None


async def run(args: argparse.Namespace, questions: list[str]) -> dict[str, object]:
    ports = [int(p) for p in args.ports.split(",")]
    updates = Updates(questions, args.first_id, args.path)
    pools = Pools(ports)
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    try:
        if args.rate:
            latencies, failed, elapsed = await open_loop(pools, updates, args.rate, args.seconds)
        else:
            latencies, failed, elapsed = await closed_loop(
                pools, updates, args.closed, args.seconds
            )
    finally:
        pools.close()
    after = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "answered": len(latencies),
        "failed": failed,
        "seconds": elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "cpu_seconds": after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime,
        "next_id": updates.next_id,
        "errors": dict(pools.errors),
    }


def main() -> None:
    """Parse arguments, run one load, print its summary as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ports", required=True, help="webhook ports, comma-separated")
    parser.add_argument("--questions", required=True, help="a JSON list of question texts")
    parser.add_argument("--path", default="/telegram")
    parser.add_argument("--first-id", type=int, default=1, help="the first update id")
    parser.add_argument("--seconds", type=float, default=10.0)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--closed", type=int, help="closed loop with this many askers in all")
    group.add_argument("--rate", type=float, help="open loop at this many questions/s")
    args = parser.parse_args()
    questions = json.loads(Path(args.questions).read_text(encoding="utf-8"))
    print("ready", flush=True)
    sys.stdin.readline()  # started by bench/scale.py, which reads the CPU clocks first
    print(json.dumps(run_fast(run(args, questions))), flush=True)


if __name__ == "__main__":
    main()
