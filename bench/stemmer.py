"""What the English stemmer costs tantivy's indexing: the same texts indexed three ways.

Usage: python -m bench.stemmer ARTICLES.jsonl [--limit 8000] [--runs 3]

Each run indexes the first `limit` texts (title and body, counts without positions, as the
bot's index) into a fresh tantivy index in a temporary folder, with the bot's English analyser
(simple tokenizer, remove_long, lowercase, ascii_fold, Snowball English), the same without the
stemmer, and the same with English stop words removed before the stemmer; it prints the CPU
of this process (tantivy's indexing threads included) an article for each, in turn.
"""

from __future__ import annotations

import argparse
import itertools
import json
import pathlib
import resource
import tempfile
from collections.abc import Sequence

import tantivy

from storage.languages import MAX_TOKEN_CHARS

WAYS = ("stemmed", "stop words, stemmed", "not stemmed")


def analyser(way: str) -> tantivy.TextAnalyzer:
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_CHARS))
        .filter(tantivy.Filter.lowercase())
    )
    if way == "stop words, stemmed":
        builder = builder.filter(tantivy.Filter.stopword("english"))
    builder = builder.filter(tantivy.Filter.ascii_fold())
    if way != "not stemmed":
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


def cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def index_cost(texts: Sequence[tuple[str, str]], way: str, folder: pathlib.Path) -> float:
    """CPU microseconds an article to index `texts` the `way` named."""
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", indexed=True, fast=True)
    builder.add_text_field("title", tokenizer_name="words", index_option="freq")
    builder.add_text_field("body", tokenizer_name="words", index_option="freq")
    index = tantivy.Index(builder.build(), path=str(folder))
    index.register_tokenizer("words", analyser(way))
    writer = index.writer(heap_size=300_000_000)
    started = cpu_seconds()
    for number, (title, body) in enumerate(texts):
        doc = tantivy.Document()
        doc.add_integer("id", number)
        doc.add_text("title", title)
        doc.add_text("body", body)
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    return (cpu_seconds() - started) * 1e6 / len(texts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stemmer", description=__doc__)
    parser.add_argument("articles", type=pathlib.Path)
    parser.add_argument("--limit", type=int, default=8_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with args.articles.open(encoding="utf-8") as handle:
        records = (json.loads(line) for line in itertools.islice(handle, args.limit))
        texts = [(r.get("title") or "", r.get("text") or "") for r in records]
    tokens = sum(len(analyser("not stemmed").analyze(body)) for _, body in texts) / len(texts)
    print(f"{len(texts):,} texts, {tokens:,.0f} tokens a body on average")
    for run in range(1, args.runs + 1):
        costs = []
        for way in WAYS:
            with tempfile.TemporaryDirectory() as folder:
                costs.append(f"{way} {index_cost(texts, way, pathlib.Path(folder)):,.0f} us")
        print(f"run {run}: " + ", ".join(costs) + " of CPU an article", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
