"""Speed of the bot's index against raw tantivy and SQLite FTS5, on archives of given sizes.

Usage: python -m bench.speed QUESTIONS CORPUS.jsonl... [--sizes 100000,1000000] [--queries 200]
    [--workdir DIR] [--no-reference | --engines tantivy,fts5]

For each size the corpora are cycled with new ids up to that many articles and imported by the
bot (`newsbot import` of a JSONL file, timed as a whole: parsing, deduplication, SQLite and the
search index), and indexed by raw tantivy and by FTS5; the bulk rate of each is printed.
With `--workdir` the indexes are kept there and reused by the
next run (the rates printed are those of the run that built them).

The bot is then measured in a fresh process, as after a restart: start-up (open the index,
answer a first question), then `ask` as a chat question runs it (analyze, search for a page of
3, fetch their texts, choose the answer sentence of the first, render the reply) for the short
and quiz forms, and that process's peak resident memory. Texts are fetched from an SQLite table
as the archive does, so they are not held in memory. The bot is warmed up on other questions
than the timed ones, with no per-question cache warm (see `measure_bot`); the raw engines, which
keep no such caches, get each timed question once untimed first, in the parent process.
"""

from __future__ import annotations

import argparse
import datetime
import html
import itertools
import json
import os
import pathlib
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from bench.reference import Doc, Engine, Fts5Engine, TantivyEngine
from bot.articles.clutter.spans import clutter_spans, encode_spans
from bot.questions.abstention import coverage
from storage.search_index import SearchIndex

BATCH = 5000
FORMS = ("short", "quiz")
# What a chat question asks for (bot/questions/service.py PAGE_SIZE and handlers/questions.py).
PAGE = 3
# Questions `ask --jsonl` answers untimed first (see `measure_jsonl`).
WARM_UP = 30


@dataclass(frozen=True, slots=True)
class Source:
    """One distinct text of the corpora."""

    title: str
    text: str
    date: datetime.date | None


def sources(paths: Sequence[pathlib.Path]) -> list[Source]:
    """Read every article of the corpora once."""
    found: list[Source] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                a = json.loads(line)
                date = datetime.date.fromisoformat(a["date"][:10]) if a.get("date") else None
                found.append(Source(a.get("title") or "", a.get("text") or "", date))
    return found


def archive(source: Sequence[Source], size: int) -> Iterator[Doc]:
    """Yield `size` documents, cycling through the corpora with new ids (1-based)."""
    for number, s in zip(range(size), itertools.cycle(source), strict=False):
        yield Doc(number + 1, s.title, s.text, s.date)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the value below which `fraction` of the values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MiB.

    On Linux, VmHWM of /proc/self/status: `getrusage` keeps the peak across exec, so a child
    would report its parent's peak when that was higher.
    """
    try:
        status = pathlib.Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def resident_split_mb() -> dict[str, float]:
    """This process's resident memory now by kind, in MiB (Linux; empty elsewhere).

    RssAnon is the heap and other private memory; RssFile is mapped files, here mostly the
    index pages tantivy's memory maps have touched, which stay in the page cache and which the
    kernel takes back from the process under memory pressure.
    """
    try:
        status = pathlib.Path("/proc/self/status").read_text(encoding="utf-8")
    except OSError:
        return {}
    fields = (line.split() for line in status.splitlines())
    return {f[0].rstrip(":"): int(f[1]) / 1024 for f in fields if f[0] in ("RssAnon:", "RssFile:")}


def _batches(docs: Iterator[Doc]) -> Iterator[list[Doc]]:
    while batch := list(itertools.islice(docs, BATCH)):
        yield batch


def write_import_file(path: pathlib.Path, source: Sequence[Source], size: int) -> None:
    """Write the archive as the JSONL `newsbot import` reads, one distinct article a line.

    Each text ends with its number in parentheses, so that no copy is a duplicate of another
    (the archive keeps one copy of a text); a text the bot would refuse (no letters, such as
    Reuters' "******") is preceded by its title, or replaced when there is none. So article n
    is line n, as `measure_bot` assumes when it maps an id back to its text.
    """
    from bot.articles.archive import Archive, RejectedInput
    from bot.clock import SystemClock

    # Only parsing is needed: no store, no index.
    check = Archive(None, None, SystemClock(), None).build  # type: ignore[arg-type]
    prefixed: set[int] = set()
    for number, s in enumerate(source):
        try:
            check(f"{s.text}\n\n(1)", title=s.title or None)
        except RejectedInput:
            prefixed.add(number)
    with path.open("w", encoding="utf-8") as out:
        for n in range(size):
            s = source[n % len(source)]
            text = s.text
            if n % len(source) in prefixed:
                text = f"{s.title}\n\n{s.text}" if s.title.strip() else "This record has no text."
            record = {"id": f"speed-{n + 1}", "title": s.title, "text": f"{text}\n\n({n + 1})"}
            if s.date is not None:
                record["date"] = s.date.isoformat()
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def build_bot(work: pathlib.Path, source: Sequence[Source], size: int) -> float:
    """Run `newsbot import` on a fresh database and index; return articles stored per second.

    The whole command is timed, as a user runs it: start-up, reading and parsing the JSONL,
    deduplication, the SQL inserts and the search index (into `work/bot`).
    """
    articles = work / "articles.jsonl"
    write_import_file(articles, source, size)
    for old in (work / "bot.sqlite3", work / "bot.sqlite3-wal", work / "bot.sqlite3-shm"):
        old.unlink(missing_ok=True)
    if (work / "bot").exists():
        shutil.rmtree(work / "bot")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'bot.sqlite3'}",
        "INDEX_DIR": str(work / "bot"),
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "import", "--quiet", str(articles)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"newsbot import: {done.stdout.strip()} ({elapsed:.1f} s, peak RSS of the import "
        f"<= {peak:.0f} MiB)",
        flush=True,
    )
    articles.unlink()
    stored = int(done.stdout.split(": ", 1)[1].split()[0])  # "Imported from 1 file(s): N stored"
    if stored != size:
        raise RuntimeError(f"newsbot import stored {stored} of {size} articles")
    return stored / elapsed


def build_engine(engine: Engine, source: Sequence[Source], size: int) -> float:
    """Index `size` documents into a reference engine; return articles per second."""
    started = time.perf_counter()
    for batch in _batches(archive(source, size)):
        engine.add(batch)
    engine.finish()
    return size / (time.perf_counter() - started)


def build_texts(path: pathlib.Path, source: Sequence[Source]) -> None:
    """Store the distinct texts in SQLite, where the measured process fetches them from,
    with their page clutter as the import finds it."""
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "CREATE TABLE texts (id INTEGER PRIMARY KEY, title TEXT, body TEXT, clutter TEXT)"
        )
        db.executemany(
            "INSERT INTO texts VALUES (?, ?, ?, ?)",
            [
                (n, s.title, s.text, encode_spans(clutter_spans(s.title, s.text)))
                for n, s in enumerate(source, start=1)
            ],
        )
    db.close()


def _cached_rate(marker: pathlib.Path, build: Callable[[], float]) -> float:
    if marker.exists():
        return float(json.loads(marker.read_text(encoding="utf-8"))["rate"])
    rate = build()
    marker.write_text(json.dumps({"rate": rate}), encoding="utf-8")
    return rate


def run_size(
    size: int,
    source: Sequence[Source],
    questions_path: pathlib.Path,
    n_queries: int,
    workdir: pathlib.Path,
    reference: Sequence[str],
) -> None:
    """Build (or reuse) every engine over `size` documents and time the same questions on each."""
    print(f"== {size:,} articles", flush=True)
    work = workdir / str(size)
    work.mkdir(parents=True, exist_ok=True)
    rates = {"bot": _cached_rate(work / "bot-import.done", lambda: build_bot(work, source, size))}
    if not (work / "texts.sqlite3").exists():
        build_texts(work / "texts.sqlite3", source)
    engines: dict[str, Engine] = {}
    if "tantivy" in reference:
        (work / "tantivy").mkdir(exist_ok=True)
        engines["tantivy"] = TantivyEngine(str(work / "tantivy"))
    if "fts5" in reference:
        engines["fts5"] = Fts5Engine(str(work / "fts5.sqlite3"))
    for name, engine in engines.items():
        marker = work / f"{name}.done"
        if marker.exists():
            engine.finish()  # open what an earlier run built
        rates[name] = _cached_rate(marker, lambda e=engine: build_engine(e, source, size))
    print("bulk import, articles/s: " + "  ".join(f"{k} {v:,.0f}" for k, v in rates.items()))

    measured = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.speed",
            "--measure",
            str(work),
            str(questions_path),
            "--queries",
            str(n_queries),
            "--size",
            str(size),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    bot = json.loads(measured.stdout)
    questions = _questions(questions_path, n_queries)
    # As a user runs it (helper processes on the other cores), and in one process.
    for workers, how in ((None, "default workers"), (0, "--workers 0")):
        jsonl_ms, jsonl_cpu_ms, answered = measure_jsonl(work, questions_path, n_queries, workers)
        print(
            f"newsbot ask --jsonl, {how} (short form, ten results with answers): "
            f"{jsonl_ms:.1f} ms mean a question ({jsonl_cpu_ms:.1f} ms CPU); "
            f"{answered} of {n_queries} answered"
        )
    print(
        f"bot start-up {bot['startup_ms']:.0f} ms (open the index, answer one question); "
        f"peak RSS {bot['rss_mb']:.0f} MiB"
        + "".join(f", {k} {v:.0f} MiB at the end" for k, v in bot.get("rss_split", {}).items())
    )
    for form in FORMS:
        wall: dict[str, list[float]] = {"bot ask": bot[form]}
        cpu: dict[str, list[float]] = {"bot ask": bot[f"{form} cpu"]}
        for name, engine in engines.items():
            wall[name], cpu[name] = _time_engine(engine, questions, form)
        for kind, latencies in (("wall", wall), ("cpu", cpu)):
            cells = "  ".join(
                f"{k} p50 {statistics.median(v) * 1000:.1f} / p95 {percentile(v, 0.95) * 1000:.1f}"
                for k, v in latencies.items()
            )
            if "tantivy" in latencies:
                ratio = percentile(latencies["bot ask"], 0.95) / percentile(
                    latencies["tantivy"], 0.95
                )
                cells += f"  (bot/tantivy p95 x{ratio:.1f})"
            print(f"{form:<5} {kind:<4} ms: {cells}", flush=True)


def measure_jsonl(
    work: pathlib.Path, questions_path: pathlib.Path, n: int, workers: int | None = None
) -> tuple[float, float, int]:
    """`newsbot ask --jsonl` on the bot's archive (ten results, each with its answer sentence):
    mean milliseconds a question in wall time and in CPU time (the process's user + system, its
    helper processes' included: a shared machine moves the first more), and how many were
    answered (`answered` true). `workers`: its `--workers` (None: the default).

    Two runs in fresh processes, both first asked `WARM_UP` other questions, the second then
    the `n` timed ones: the difference divided by n leaves out start-up, and with it the
    models a first question of a kind loads once (the language model, a language's word
    list: half a second, which one question could not load and the other run did, counted as
    the questions' time before stop 33). Every index file and the database are read once first.
    """
    for path in [*sorted((work / "bot").rglob("*")), work / "bot.sqlite3"]:
        if path.is_file():
            with path.open("rb") as handle:
                while handle.read(1 << 22):
                    pass
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'bot.sqlite3'}",
        "INDEX_DIR": str(work / "bot"),
    }
    asked = [
        json.dumps({"query": q["short"], "as_of": as_of.isoformat()})
        for q, as_of in _questions(questions_path, n + WARM_UP)
    ]
    warm, lines = asked[n:], asked[:n]
    timings: list[float] = []
    cpu: list[float] = []
    out = ""
    for batch in (warm, warm + lines):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "--jsonl"]
            + ([] if workers is None else ["--workers", str(workers)]),
            input="\n".join(batch) + "\n",
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        timings.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    answered = sum(bool(json.loads(line).get("answered")) for line in out.splitlines()[len(warm) :])
    per = max(len(lines), 1)
    return (timings[1] - timings[0]) / per * 1000, (cpu[1] - cpu[0]) / per * 1000, answered


def _questions(path: pathlib.Path, n: int) -> list[tuple[dict[str, str], datetime.date]]:
    with path.open(encoding="utf-8") as handle:
        raw = [json.loads(line) for line in handle][:n]
    return [(q, datetime.date.fromisoformat(q["question_date"])) for q in raw]


def _time_engine(
    engine: Engine, questions: Sequence[tuple[dict[str, str], datetime.date]], form: str
) -> tuple[list[float], list[float]]:
    """Time the engine on each question, once untimed first: wall and CPU seconds."""
    for q, as_of in questions:
        engine.search(q[form], as_of, PAGE + 1)
    latencies, cpu = [], []
    for q, as_of in questions:
        started, started_cpu = time.perf_counter(), time.thread_time()
        engine.search(q[form], as_of, PAGE + 1)
        latencies.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
    return latencies, cpu


def measure_bot(work: pathlib.Path, questions_path: pathlib.Path, n: int, size: int) -> None:
    """In a fresh process: start-up, ask latency per form, peak RSS; print them as JSON.

    What is warm, as in a bot that has run for a while: the index and the texts are in the page
    cache (every file read once after start-up), the code paths have run, and the word -> stem
    caches hold the words of the warm-up answers. What is not: the timed questions were never
    asked before (the warm-up asks the next questions of the file, disjoint from the timed
    ones), and the analysed-text cache of the answer-sentence choice is emptied before each
    timed ask, so no article is found pre-split. Each form starts from the same state (the
    word caches emptied and warmed up again), so the quiz form does not reuse the stems of the
    articles the short form just answered.
    """
    from bot.questions import analysis, sentences
    from bot.questions.retrieval import Retriever

    def forget_texts() -> None:
        sentences._read.cache_clear()

    def forget_words() -> None:
        forget_texts()
        analysis._STEMS.clear()

    started = time.perf_counter()
    index = SearchIndex.open(work / "bot")
    retriever = Retriever(index)
    texts = sqlite3.connect(work / "texts.sqlite3")
    n_texts = int(texts.execute("SELECT count(*) FROM texts").fetchone()[0])
    retriever.search(retriever.analyze("civilians trapped in Raqqa"), as_of=None, limit=PAGE + 1)
    startup = time.perf_counter() - started
    # The page cache of a running bot: every index page and text read once.
    for path in [*sorted((work / "bot").rglob("*")), work / "texts.sqlite3"]:
        if path.is_file():
            with path.open("rb") as handle:
                while handle.read(1 << 22):
                    pass

    def ask(question: str, as_of: datetime.date) -> str:
        query = retriever.analyze(question)
        hits = retriever.search(query, as_of=as_of, limit=PAGE + 1)[:PAGE]
        if not hits:
            return ""
        # Article n is text (n - 1) % n_texts + 1: the archive cycles through the corpora.
        ids = [(h.article_id - 1) % n_texts + 1 for h in hits]
        rows = texts.execute(
            f"SELECT id, title, body, clutter FROM texts WHERE id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()
        by_id = {int(r[0]): (str(r[1]), str(r[2]), str(r[3])) for r in rows}
        title, text, clutter = by_id[ids[0]]
        # Whether the archive answers at all (the reply says so when not), as the service does.
        coverage(query, title, text, clutter)
        answer = retriever.answer(query, title, text, clutter)
        return _render(title, answer.sentence, answer.highlights)

    every = _questions(questions_path, 2 * n)
    questions, warm_up = every[:n], every[n:]
    out: dict[str, object] = {"startup_ms": startup * 1000, "size": size}
    for form in FORMS:
        forget_words()
        for q, as_of in warm_up:
            ask(q[form], as_of)
        latencies, cpu = [], []
        for q, as_of in questions:
            forget_texts()
            started, started_cpu = time.perf_counter(), time.thread_time()
            ask(q[form], as_of)
            latencies.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - started_cpu)
        out[form] = latencies
        out[f"{form} cpu"] = cpu
    out["rss_mb"] = peak_rss_mb()
    out["rss_split"] = resident_split_mb()
    print(json.dumps(out))


def _render(title: str, sentence: str, spans: Sequence[tuple[int, int]]) -> str:
    """Render the reply the way a chat shows it: headline, quoted sentence, bold matches."""
    out: list[str] = []
    last = 0
    for start, end in spans:
        out += [html.escape(sentence[last:start]), "<b>", html.escape(sentence[start:end]), "</b>"]
        last = end
    out.append(html.escape(sentence[last:]))
    return f"<b>{html.escape(title)}</b>\n«{''.join(out)}»"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the speed benchmark for each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=pathlib.Path)
    parser.add_argument("corpora", type=pathlib.Path, nargs="*")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--workdir", type=pathlib.Path, help="keep the indexes here and reuse them")
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument(
        "--engines", default="tantivy,fts5", help="reference engines to build and ask"
    )
    parser.add_argument("--measure", type=pathlib.Path, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure is not None:
        measure_bot(args.measure, args.questions, args.queries, args.size)
        return 0
    source = sources(args.corpora)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or pathlib.Path(tmp)
        for size in (int(s) for s in args.sizes.split(",")):
            engines = () if args.no_reference else tuple(args.engines.split(","))
            run_size(size, source, args.questions, args.queries, workdir, engines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
