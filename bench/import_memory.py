"""The memory and CPU of `newsbot import` over a long import, as a user runs it.

    python -m bench.import_memory CORPUS.jsonl... --size 200000 [--code CHECKOUT] [--every 20]

Writes the speed benchmark's import file (bench/speed.py: the corpora cycled, each article
after the first cycle a near copy of one before, the story check's costly case), then runs
`newsbot import` on a fresh database and index, and reads the importer's resident anonymous
memory (RssAnon: its heaps, not the files it maps) every second from /proc. Prints a line
every `--every` seconds, then the peak, the wall time and the CPU seconds of the importer and
of its worker processes. `--code` runs the `bot` package of another checkout (to compare
two versions in the same minutes); Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

from bench.procfs import children, cpu_seconds, status_kib
from bench.speed import sources, write_import_file


def watch(articles: pathlib.Path, work: pathlib.Path, code: pathlib.Path, every: int) -> None:
    """Run one import of `articles` with the code in `code`, reading its memory as it goes."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'bot.sqlite3'}",
        "INDEX_DIR": str(work / "index"),
        "PYTHONPATH": str(code),
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "import", "--quiet", str(articles)],
        cwd=code,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    peak = 0
    cpu: dict[int, float] = {}
    next_line = every
    while process.poll() is None:
        rss = status_kib(process.pid, "RssAnon") // 1024
        peak = max(peak, rss)
        for pid in [process.pid, *children(process.pid)]:
            # CPU time only grows: a worker gone since keeps its last reading.
            cpu[pid] = max(cpu.get(pid, 0.0), cpu_seconds(pid))
        elapsed = time.perf_counter() - started
        if elapsed >= next_line and rss:
            print(f"{elapsed:5.0f} s  RssAnon {rss:,} MiB", flush=True)
            next_line += every
        time.sleep(1)
    out = process.stdout.read().strip() if process.stdout is not None else ""
    elapsed = time.perf_counter() - started
    importer = cpu.pop(process.pid, 0.0)
    print(out)
    print(
        f"== {elapsed:.0f} s; peak RssAnon of the importer {peak:,} MiB; CPU: importer "
        f"{importer:.0f} s, workers {sum(cpu.values()):.0f} s",
        flush=True,
    )
    if process.returncode:
        raise SystemExit(process.returncode)


def main(argv: Sequence[str] | None = None) -> int:
    """Write the import file, then import it once, watching the importer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", type=pathlib.Path, nargs="+")
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--every", type=int, default=20, help="seconds between lines")
    parser.add_argument(
        "--code",
        type=pathlib.Path,
        default=pathlib.Path(__file__).resolve().parent.parent,
        help="the checkout whose `bot` runs (default: this one)",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        articles = work / "articles.jsonl"
        write_import_file(articles, sources(args.corpora), args.size)
        watch(articles, work, args.code.resolve(), args.every)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
