"""How fast one process turns records into articles (the import's parse, before storage).

Usage: python -m bench.parse CORPUS.jsonl... [--limit 5000] [--repeat 3]

Runs `build_records` (mojibake repair, clutter, field cleaning, stuffing check, language
detection) over the first `limit` records on one thread and prints the best of `repeat` rates,
with the share of each step from one profiled pass.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pathlib
import pstats
import time

from bot.articles.building import ImportRecord, build_records

STEPS = {
    "repair_mojibake": "mojibake repair",
    "clutter_spans": "clutter",
    "stuffed_word": "stuffing check",
    "detect": "language",
    "content_hash": "content hash",
    "clean_text": "clean text",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", type=pathlib.Path, nargs="+")
    parser.add_argument("--limit", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    records: list[tuple[int, ImportRecord]] = []
    for path in args.corpora:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                a = json.loads(line)
                record = ImportRecord(a.get("text") or "", a.get("title"), a.get("date"))
                records.append((len(records) + 1, record))
                if len(records) == args.limit:
                    break
        if len(records) == args.limit:
            break
    today = dt.date(2026, 12, 2)
    build_records(records[:10], today)  # the language model loads once
    rates = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        built, refused = build_records(records, today)
        rates.append(len(records) / (time.perf_counter() - started))
    print(f"{len(records):,} records ({len(built):,} articles, {len(refused)} refused)")
    print(f"parse, one thread: {max(rates):,.0f} records a second (best of {args.repeat})")
    profile = cProfile.Profile()
    profile.runcall(build_records, records, today)
    stats = pstats.Stats(profile)
    total = sum(t for (_, _, t, _, _) in stats.stats.values())  # type: ignore[attr-defined]
    for (_, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if name in STEPS:
            print(f"  {STEPS[name]:<16} {cumulative / total:6.1%} of the profiled time")


if __name__ == "__main__":
    main()
