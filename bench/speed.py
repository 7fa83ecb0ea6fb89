"""Speed of the bot's index against raw tantivy and SQLite FTS5, on archives of given sizes.

Usage: python -m bench.speed QUESTIONS CORPUS.jsonl... [--sizes 100000,1000000] [--queries 200]
Measures bulk indexing rate, ask latency (analyze, search, answer sentence, reply text) for the
short and quiz forms, start-up time of a reopened index, and peak resident memory.
"""

from __future__ import annotations

import argparse
import datetime
import html
import itertools
import json
import pathlib
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence

from bench.reference import Doc, Fts5Engine, TantivyEngine
from bot.retrieval import Retriever
from storage.search_index import IndexChange, SearchIndex

BATCH = 5000


def texts(paths: Sequence[pathlib.Path]) -> Iterator[tuple[str, str, datetime.date | None]]:
    """Yield (title, text, date) from the corpora, once."""
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                a = json.loads(line)
                date = datetime.date.fromisoformat(a["date"]) if a.get("date") else None
                yield a.get("title") or "", a.get("text") or "", date


def archive(paths: Sequence[pathlib.Path], size: int) -> Iterator[Doc]:
    """Yield `size` documents, cycling through the corpora with new ids."""
    source = list(texts(paths))
    for number, (title, text, date) in zip(range(size), itertools.cycle(source), strict=False):
        yield Doc(number + 1, title, text, date)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the value below which `fraction` of the values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def peak_rss_mb() -> float:
    """Return this process's peak resident memory in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_size(
    size: int, corpora: Sequence[pathlib.Path], questions: list[dict[str, str]], tmp: pathlib.Path
) -> None:
    """Build every engine over `size` documents and time the same questions on each."""
    docs = list(archive(corpora, size))
    by_id = {d.doc_id: d for d in docs}
    print(f"== {size} articles")

    started = time.perf_counter()
    index = SearchIndex.open(tmp / f"bot-{size}")
    for start in range(0, len(docs), BATCH):
        batch = docs[start : start + BATCH]
        index.apply(
            [IndexChange(d.doc_id, d.title, d.text, d.date) for d in batch], start + len(batch)
        )
    bot_rate = size / (time.perf_counter() - started)
    index.close()

    started = time.perf_counter()
    index = SearchIndex.open(tmp / f"bot-{size}")
    retriever = Retriever(index)
    retriever.search(retriever.analyze("warm up"), as_of=None)
    startup = time.perf_counter() - started

    raw = TantivyEngine(str(_mkdir(tmp / f"tantivy-{size}")))
    fts = Fts5Engine(str(tmp / f"fts-{size}.db"))
    rates = {"bot": bot_rate}
    for name, engine in (("tantivy", raw), ("fts5", fts)):
        started = time.perf_counter()
        for start in range(0, len(docs), BATCH):
            engine.add(docs[start : start + BATCH])
        engine.finish()
        rates[name] = size / (time.perf_counter() - started)
    del docs
    print("bulk import, articles/s: " + "  ".join(f"{k} {v:,.0f}" for k, v in rates.items()))
    print(
        f"bot start-up {startup * 1000:.0f} ms, {index.num_docs()} docs, "
        f"watermark {index.watermark}"
    )

    for form in ("short", "quiz"):
        latencies: dict[str, list[float]] = {"bot ask": [], "tantivy": [], "fts5": []}
        for q in questions:
            as_of = datetime.date.fromisoformat(q["question_date"])
            started = time.perf_counter()
            query = retriever.analyze(q[form])
            hits = retriever.search(query, as_of=as_of, limit=5)
            if hits:
                top = by_id[hits[0].article_id]
                answer = retriever.answer(query, top.title, top.text)
                _render(top.title, answer.sentence, answer.highlights)
            latencies["bot ask"].append(time.perf_counter() - started)
            for name, engine in (("tantivy", raw), ("fts5", fts)):
                started = time.perf_counter()
                engine.search(q[form], as_of, 5)
                latencies[name].append(time.perf_counter() - started)
        cells = "  ".join(
            f"{k} p50 {statistics.median(v) * 1000:.1f} / p95 {percentile(v, 0.95) * 1000:.1f} ms"
            for k, v in latencies.items()
        )
        ratio = percentile(latencies["bot ask"], 0.95) / percentile(latencies["tantivy"], 0.95)
        print(f"{form:<5} {cells}  (bot/tantivy p95 x{ratio:.1f})")
    print(f"peak RSS so far {peak_rss_mb():.0f} MiB (all engines and the texts in one process)")
    index.close()


def _render(title: str, sentence: str, spans: Sequence[tuple[int, int]]) -> str:
    """Render the reply the way a chat shows it: headline, quoted sentence, bold matches."""
    out: list[str] = []
    last = 0
    for start, end in spans:
        out += [html.escape(sentence[last:start]), "<b>", html.escape(sentence[start:end]), "</b>"]
        last = end
    out.append(html.escape(sentence[last:]))
    return f"<b>{html.escape(title)}</b>\n«{''.join(out)}»"


def _mkdir(path: pathlib.Path) -> pathlib.Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run the speed benchmark for each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=pathlib.Path)
    parser.add_argument("corpora", type=pathlib.Path, nargs="+")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    with args.questions.open(encoding="utf-8") as handle:
        questions = [json.loads(line) for line in handle][: args.queries]
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            run_size(size, args.corpora, questions, pathlib.Path(tmp))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
