"""Where an import's CPU goes: `newsbot import` with parts of it left out, and raw tantivy.

    python -m bench.import_cost CORPUS.jsonl... --size 30000 [--runs full,stories,index]

Writes the speed benchmark's import file (bench/speed.py: the corpora cycled, each article
after the first cycle a near copy of one before), then imports it into a fresh database and
index, once per run, each in a process of its own: `full` as `newsbot import` does it,
`stories` without the story check, `index` without the search index (nothing staged for
tantivy), `stories+index` without both. Each prints the rate and the CPU milliseconds an
article of the importer (its Python, SQLite's and tantivy's threads) and of its parse workers.
Last, plain tantivy (bench/reference.py) indexes the same titles and texts: what indexing alone
costs, the part of an import no code of ours can remove. A difference between two runs is what
the part left out costs; they run one after another, so compare them in one invocation.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

from bench.reference import Doc, TantivyEngine
from bench.speed import sources, write_import_file

RUNS = ("full", "stories", "index", "stories+index")


def run_import(articles: pathlib.Path, size: int, without: Sequence[str]) -> None:
    """One import in this process with the parts in `without` left out; prints its line."""
    from bot.articles import archive
    from bot.cli.main import main as newsbot
    from storage.search_index import SearchIndex

    if "stories" in without:

        async def no_stories(*_: object) -> None:
            return None

        archive.Archive._join_stories = no_stories  # type: ignore[method-assign, assignment]
    if "index" in without:
        SearchIndex.stage = lambda *_, **__: None  # type: ignore[method-assign]
    started = time.perf_counter()
    newsbot(["import", "--quiet", str(articles)])
    elapsed = time.perf_counter() - started
    # The parse workers count in RUSAGE_CHILDREN once reaped: they exit when the pool is done.
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "rate": round(size / elapsed),
                "importer_ms": round((own.ru_utime + own.ru_stime) / size * 1000, 3),
                "workers_ms": round((workers.ru_utime + workers.ru_stime) / size * 1000, 3),
                "peak_rss_mb": round(own.ru_maxrss / 1024),
            }
        ),
        flush=True,
    )


def raw_tantivy(articles: pathlib.Path, work: pathlib.Path) -> tuple[int, float, float]:
    """Index the file's titles and texts into plain tantivy: rate, CPU ms an article, count."""
    docs = []
    with articles.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            record = json.loads(line)
            docs.append(Doc(number, record.get("title") or "", record["text"], None))
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    engine = TantivyEngine(str(work))
    for start in range(0, len(docs), 1_000):
        engine.add(docs[start : start + 1_000])
    engine.finish()
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return round(len(docs) / elapsed), cpu / len(docs) * 1000, len(docs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_cost", description=__doc__)
    parser.add_argument("corpora", type=pathlib.Path, nargs="+")
    parser.add_argument("--size", type=int, default=30_000)
    parser.add_argument("--runs", default=",".join(RUNS), help="of " + ", ".join(RUNS))
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a run's own process: its `without`
    args = parser.parse_args(argv)
    if args.one is not None:
        run_import(args.corpora[0], args.size, [w for w in args.one.split("+") if w != "full"])
        return 0
    runs = [r for r in args.runs.split(",") if r]
    unknown = sorted(set(runs) - set(RUNS))
    if unknown:
        parser.error(f"unknown runs: {', '.join(unknown)} (known: {', '.join(RUNS)})")
    with tempfile.TemporaryDirectory() as folder:
        work = pathlib.Path(folder)
        articles = work / "articles.jsonl"
        write_import_file(articles, sources(args.corpora), args.size)
        for run in runs:
            store = work / run
            store.mkdir()
            env = {
                **os.environ,
                "DATABASE_URL": f"sqlite:///{store / 'bot.sqlite3'}",
                "INDEX_DIR": str(store / "index"),
            }
            command = [sys.executable, "-m", "bench.import_cost", str(articles)]
            command += ["--size", str(args.size), "--one", run]
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            found = json.loads(done.stdout.strip().splitlines()[-1])
            total = found["importer_ms"] + found["workers_ms"]
            print(
                f"{run:>14}: {found['rate']:>6,}/s  CPU an article: importer "
                f"{found['importer_ms']:.3f} ms + workers {found['workers_ms']:.3f} ms = "
                f"{total:.3f} ms  (peak RSS {found['peak_rss_mb']:,} MiB)",
                flush=True,
            )
        (work / "tantivy").mkdir()
        rate, cpu_ms, count = raw_tantivy(articles, work / "tantivy")
        print(f"{'raw tantivy':>14}: {rate:>6,}/s  CPU an article: {cpu_ms:.3f} ms ({count:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
