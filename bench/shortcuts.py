"""The language shortcuts of `detect` against the model, on every article of the benchmarks.

Usage: python -m bench.shortcuts DATA_FOLDER   (../shared/data; about a minute)

Each shortcut (`bot.languages._plainly`) answers for a text plainly in one language without
the model; wherever one fires it must say what `_by_model` says. Prints how many distinct
openings each shortcut took and how many of those the model reads otherwise (the counts quoted
in bot/languages.py); exits 1 when a shortcut disagrees beyond the two known English ones.
"""

from __future__ import annotations

import argparse
import json
import pathlib
from collections import Counter

from bot import languages
from bot.articles.fields import one_line
from bot.articles.parsing import parse_article

FILES = (
    "syria-fakes/articles.jsonl",
    "corpora/bbc2225.jsonl",
    "corpora/reuters21578.jsonl",
    "news-qa/articles.jsonl",
    "multilingual/ar-articles.jsonl",
    "multilingual/fa-articles.jsonl",
    "multilingual/fr-articles.jsonl",
    "multilingual/ru-articles.jsonl",
)
# Two English articles the model reads as Nigerian Pidgin, taken by the first English rule.
KNOWN = Counter({"en": 2})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=pathlib.Path)
    folder = parser.parse_args().data
    samples: set[str] = set()
    articles = 0
    for name in FILES:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            articles += 1
            title = record.get("title") if isinstance(record.get("title"), str) else None
            sample = parse_article(record["text"], title=one_line(title)).text
            sample = sample[: languages.SAMPLE_CHARS]
            if any(ch.isalpha() for ch in sample):
                samples.add(sample)
    taken: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for sample in samples:
        found = languages._plainly(sample)
        if found is not None:
            taken[found] += 1
            wrong[found] += found != languages._by_model(sample)
    print(f"{len(samples):,} distinct openings of {articles:,} articles")
    for code, count in taken.most_common():
        print(f"  {code}: the shortcut took {count:,}, the model says otherwise for {wrong[code]}")
    return 0 if +wrong == KNOWN or not +wrong else 1


if __name__ == "__main__":
    raise SystemExit(main())
