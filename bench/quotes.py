"""What the bot quotes, read for page clutter: each headline of an archive asked of it.

Usage:
    python -m bench.quotes ARTICLES.jsonl|ARTICLE.txt... [--limit N] [--show 20]

The articles are imported into a fresh SQLite archive as `newsbot import` does; each headline
is asked whole and by its first four words (as a reporter types), and every quote the bot
gives as an answer is checked for what a page prints around a story: photo credits and
captions, "Related" lists, tags, share prompts, links, datelines, tweet attributions. Prints
how many answered quotes look like clutter (a pattern may also match prose: read the ones
shown) and the longest quote. The patterns are this benchmark's, not the bot's rules.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pathlib
import re
import sys
import tempfile
from collections.abc import Sequence

from bench.qa import fresh_services
from bot.articles.archive import ImportRecord

SUSPECT = re.compile(
    r"REUTERS/|REUTERS [A-Z]|/AP\b|/AFP\b|Getty Images|[Pp]hoto\)|\bTags\b|\bRelated\b|"
    r"Click (?:here|to)|Read more|Follow us|Subscribe|Copyright|©|All rights reserved|"
    r"\bFILE PHOTO\b|pic\.twitter|https?:|www\.|\(Source:|Last updated|Published|"
    r"Date of publication|Hide Caption|Sign up|Newsletter|Advertisement|\bCNN(?: Business)? —|"
    r"\(@?\w+\) [A-Z][a-z]+ \d"
)


def read_records(paths: Sequence[pathlib.Path], limit: int) -> list[ImportRecord]:
    records: list[ImportRecord] = []
    for path in paths:
        if path.suffix != ".jsonl":  # one article a file (the seed), its headline found
            records.append(ImportRecord(text=path.read_text(encoding="utf-8")))
            continue
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                a = json.loads(line)
                if a.get("text"):
                    records.append(
                        ImportRecord(
                            text=a["text"],
                            title=a.get("title") or None,
                            date=a.get("date"),
                            source=a.get("source"),
                        )
                    )
    return records[:limit] if limit else records


async def sweep(records: list[ImportRecord], show: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        services = await fresh_services(pathlib.Path(tmp))
        try:
            await services.archive.import_records(records)
            asked = answered = suspect = longest = 0
            for record in records:
                title = (record.title or "").strip()
                for question in dict.fromkeys((title, " ".join(title.split()[:4]))):
                    if not question:
                        continue
                    asked += 1
                    found = await services.questions.ask(question, limit=3, with_answers=1)
                    if not found.hits or not found.answered:
                        continue
                    answered += 1
                    quote = found.hits[0].answer.sentence
                    longest = max(longest, len(quote))
                    match = SUSPECT.search(quote)
                    if match is not None:
                        suspect += 1
                        if suspect <= show:
                            print(f"[{match.group()}] {question!r}\n    {quote[:300]}")
        finally:
            await services.close()
    print(
        f"{len(records)} articles, {asked} questions, {answered} answered with a quote, "
        f"{suspect} of those look like page clutter; longest quote {longest} characters"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.quotes", description=__doc__)
    parser.add_argument("articles", type=pathlib.Path, nargs="+")
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles")
    parser.add_argument("--show", type=int, default=20, help="print this many suspect quotes")
    args = parser.parse_args(argv)
    asyncio.run(sweep(read_records(args.articles, args.limit), args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
