"""Near-copy detection: how many republished copies join their original's story, how many
distinct same-topic articles are wrongly joined, and what the story check costs an import.

Usage:
    python -m bench.stories quality ARTICLES.jsonl [--limit 400] [--thresholds 0.3,0.4,...]
    python -m bench.stories speed CORPUS.jsonl... [--size 100000]

quality: originals are drawn from ARTICLES.jsonl (FA-KES or news-qa), each given 2-4 copies
made the way outlets republish wire copy (a new headline, a changed dateline, the last one or
two paragraphs cut, a "Read more"/"Follow us" line or a photo caption added, quotes, dashes and
white space restyled, another outlet, a date up to a day later). The originals are split in
two halves by id: the threshold is chosen on the first (the best recall with fewer than 0.5%
wrong joins) and measured on the second, whose copies it never saw. Everything goes through
the real import (`Archive.import_records` with the StoryKeeper, a fresh SQLite database).
Wrong joins: pairs of distinct originals on the same topic (FA-KES: the same location; else
the same day) that ended in one story, over all such pairs.

speed: the corpora are cycled up to --size articles (parsed by --workers processes, as
`newsbot import` does) (each cycle's texts changed a little, so
every article after the first cycle is a near copy of one before: the costly case, where each
new article has candidates to verify) and imported twice, each in a fresh process: without
the story check and with it. Prints both rates and peak resident memory, and how long
/trend's counting takes for a rare, a common and a two-word query on the archive built.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import json
import pathlib
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from bench.speed import peak_rss_mb
from bot.articles.archive import Archive, ImportRecord
from bot.articles.workers import IMPORT_WORKERS
from bot.clock import SystemClock
from bot.memory import keep_memory_flat
from bot.stories.keeper import StoryKeeper
from bot.stories.trend import trend
from storage.articles import ArticleStore
from storage.db import Database
from storage.models import Article, StoryMember
from storage.search_index import SearchIndex
from storage.stories import StoryStore
from storage.tombstones import TombstoneStore

OUTLETS = ("Reuters", "AFP", "Al Arabiya", "Al Jazeera", "Asharq Al-Awsat", "The National")
DATELINES = ("BEIRUT", "DAMASCUS", "AMMAN", "ISTANBUL", "GENEVA", "MOSCOW")
TAILS = (
    "Read more: the latest on the war in Syria",
    "Follow us on Twitter and Facebook for the latest news.",
    "Photo: Smoke rises over the city after the strikes. (AFP)",
    "FILE PHOTO: Civil defence members search the rubble.",
)
SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class Original:
    id: str
    title: str
    text: str
    date: str
    topic: str


def read_originals(path: pathlib.Path, limit: int, seed: int) -> list[Original]:
    """`limit` articles with enough text, drawn at random (same seed, same draw)."""
    rows = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            a = json.loads(line)
            text = a.get("text") or ""
            # FA-KES holds some texts twice (one article, two labels): one original each.
            if len(text.split()) < 80 or not a.get("date") or text in seen:
                continue
            seen.add(text)
            topic = a.get("location") or a["date"][:10]
            rows.append(Original(a["id"], a.get("title") or "", text, a["date"][:10], topic))
    random.Random(seed).shuffle(rows)
    return rows[:limit]


def paragraphs(text: str) -> list[str]:
    """Real paragraphs, or runs of three sentences where a text has none (FA-KES)."""
    found = [p for p in text.split("\n") if p.strip()]
    if len(found) >= 4:
        return found
    sentences = SENTENCE.split(text)
    return [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]


def make_copy(original: Original, rng: random.Random) -> ImportRecord:
    """One outlet's republication of an original (see the module docstring)."""
    parts = paragraphs(original.text)
    cut = rng.choice((1, 2)) if len(parts) > 4 else 1
    parts = parts[:-cut] if len(parts) > cut + 1 else parts
    if rng.random() < 0.7:
        parts[0] = f"{rng.choice(DATELINES)} ({rng.choice(OUTLETS)}) - {parts[0]}"
    if rng.random() < 0.7:
        parts.append(rng.choice(TAILS))
    text = "\n\n".join(parts)
    if rng.random() < 0.6:
        text = text.replace('"', "“").replace(" - ", " — ").replace(",", " ,")
    if rng.random() < 0.5:
        text = re.sub(r" ", lambda _: "  " if rng.random() < 0.05 else " ", text)
    words = original.title.split()
    title = " ".join(words[: max(3, len(words) - 2)]) + rng.choice(("", " - report", ": update"))
    day = _shift(original.date, rng.choice((0, 1)))
    return ImportRecord(text, title=title.strip() or None, date=day, source=rng.choice(OUTLETS))


def _shift(date: str, days: int) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


@dataclass(frozen=True, slots=True)
class Quality:
    copies: int
    joined: int
    pairs: int
    wrong_pairs: int

    @property
    def recall(self) -> float:
        return self.joined / max(self.copies, 1)

    @property
    def wrong(self) -> float:
        return self.wrong_pairs / max(self.pairs, 1)


async def measure_quality(originals: Sequence[Original], threshold: float, seed: int) -> Quality:
    """Import originals then copies (shuffled) into a fresh archive; count the joins."""
    rng = random.Random(seed)
    copies: list[tuple[int, ImportRecord]] = []
    for number, original in enumerate(originals):
        for n in range(rng.randint(2, 4)):
            copy = make_copy(original, rng)
            copies.append((number, replace(copy, external_id=f"copy-{number}-{n}")))
    rng.shuffle(copies)
    with tempfile.TemporaryDirectory() as work:
        db = Database.from_url(f"sqlite:///{work}/bench.sqlite3")
        await db.create_schema()
        articles = ArticleStore(db)
        keeper = StoryKeeper(StoryStore(db), SystemClock(), threshold=threshold)
        archive = Archive(
            articles, SearchIndex.open(None), SystemClock(), TombstoneStore(db), keeper
        )
        try:
            records = [
                ImportRecord(
                    o.text, title=o.title, date=o.date, source="Original", external_id=o.id
                )
                for o in originals
            ]
            await archive.import_records(records)
            # A copy identical to another copy is stored once (the archive's exact duplicates).
            await archive.import_records([r for _, r in copies])
            async with db.sessions() as session:
                rows = await session.execute(select(Article.external_id, Article.id))
                id_of = {str(e): int(i) for e, i in rows}
            story = await keeper.stories_of(list(id_of.values()))
        finally:
            await db.close()
    stored = [
        (n, id_of[r.external_id or ""])
        for n, r in copies
        if r.external_id in id_of and originals[n].id in id_of
    ]
    joined = sum(story[i] == story[id_of[originals[n].id]] for n, i in stored)
    pairs = wrong = 0
    for a, b in itertools.combinations(originals, 2):
        if a.topic == b.topic and a.id in id_of and b.id in id_of:
            pairs += 1
            if story[id_of[a.id]] == story[id_of[b.id]]:
                wrong += 1
                print(f"  joined: {a.date} {a.title[:60]!r} / {b.date} {b.title[:60]!r}")
    return Quality(len(stored), joined, pairs, wrong)


def half(original: Original) -> int:
    return hashlib.sha256(original.id.encode()).digest()[0] % 2


def quality(args: argparse.Namespace) -> None:
    originals = read_originals(args.articles, args.limit, args.seed)
    tune = [o for o in originals if half(o) == 0]
    check = [o for o in originals if half(o) == 1]
    print(f"{args.articles}: {len(originals)} originals ({len(tune)} tune, {len(check)} check)")
    best: tuple[float, float, float] | None = None
    for threshold in (float(t) for t in args.thresholds.split(",")):
        q = asyncio.run(measure_quality(tune, threshold, args.seed))
        print(
            f"tune  threshold {threshold:.2f}: copies joined {q.joined}/{q.copies} "
            f"({q.recall:.3f}); same-topic pairs joined {q.wrong_pairs}/{q.pairs} ({q.wrong:.4f})"
        )
        # The best recall; on a tie, the fewer wrong joins, then the higher threshold.
        if q.wrong < 0.005 and (best is None or (q.recall, -q.wrong) >= best[1:]):
            best = (threshold, q.recall, -q.wrong)
    if best is None:
        print("no threshold kept wrong joins under 0.5%")
        return
    q = asyncio.run(measure_quality(check, best[0], args.seed + 1))
    print(
        f"check threshold {best[0]:.2f}: copies joined {q.joined}/{q.copies} ({q.recall:.3f}); "
        f"same-topic pairs joined {q.wrong_pairs}/{q.pairs} ({q.wrong:.4f})"
    )


def corpus_texts(paths: Sequence[pathlib.Path]) -> list[tuple[str, str, str]]:
    found = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                a = json.loads(line)
                if a.get("text"):
                    found.append((a.get("title") or "", a["text"], (a.get("date") or "")[:10]))
    return found


def synthetic(source: Sequence[tuple[str, str, str]], size: int) -> Iterator[ImportRecord]:
    """`size` records cycling the corpora; cycle k > 0 changes one word in 40 and the ending."""
    rng = random.Random(7)
    for number, (title, text, date) in zip(range(size), itertools.cycle(source), strict=False):
        cycle = number // len(source)
        if cycle:
            words = text.split(" ")
            for _ in range(max(1, len(words) // 40)):
                words[rng.randrange(len(words))] = f"w{rng.randrange(10**6)}"
            text = " ".join(words)
        yield ImportRecord(f"{text}\n\n({number})", title=title or None, date=date or None)


async def timed_import(
    paths: Sequence[pathlib.Path], size: int, stories: bool, workers: int
) -> None:
    keep_memory_flat()  # as `newsbot` does at every start
    source = corpus_texts(paths)
    with tempfile.TemporaryDirectory() as work:
        db = Database.from_url(f"sqlite:///{work}/bench.sqlite3")
        await db.create_schema()
        keeper = StoryKeeper(StoryStore(db), SystemClock()) if stories else None
        index = SearchIndex.open(pathlib.Path(work) / "index")
        archive = Archive(ArticleStore(db), index, SystemClock(), TombstoneStore(db), keeper)
        base = peak_rss_mb()
        started = time.perf_counter()
        report = await archive.import_records(synthetic(source, size), workers=workers)
        elapsed = time.perf_counter() - started
        # The import's peak, before anything below adds its own (a story per article of a
        # million, as a dict, would be ~150 MiB of this benchmark's, not of the import's).
        import_peak = peak_rss_mb()
        joined = 0
        trends: dict[str, float] = {}
        if keeper is not None:
            async with db.engine.connect() as conn:
                joined = (
                    await conn.scalar(
                        select(func.count())
                        .select_from(StoryMember)
                        .where(StoryMember.article_id != StoryMember.story_id)
                    )
                    or 0
                )
            # /trend's work (not the picture): a fresh StoryMap loads once, as after a restart.
            for words in ("oil", "said", "Syria Aleppo"):
                begun = time.perf_counter()
                found = await trend(words, index=index, stories=keeper, articles=archive.articles)
                trends[f"{words} ({found.articles} articles)"] = round(
                    time.perf_counter() - begun, 2
                )
        index.close()
        await db.close()
    print(
        json.dumps(
            {
                "stories": stories,
                "added": report.added,
                "seconds": round(elapsed, 1),
                "rate": round(report.added / elapsed),
                "rss_before_mb": round(base),
                "peak_rss_mb": round(import_peak),
                "peak_rss_with_trend_mb": round(peak_rss_mb()),
                "joined": joined,
                "trend_seconds": trends,
            }
        ),
        flush=True,
    )


def speed(args: argparse.Namespace) -> None:
    results = {}
    for stories in (False, True):
        command = [sys.executable, "-m", "bench.stories", "speed-worker", *map(str, args.corpora)]
        command += ["--size", str(args.size), "--workers", str(args.workers)]
        command += ["--stories"] if stories else []
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        results[stories] = json.loads(done.stdout.strip().splitlines()[-1])
        print(done.stdout.strip(), flush=True)
    off, on = results[False], results[True]
    print(
        f"== {args.size:,} articles: import {off['rate']:,}/s without the story check, "
        f"{on['rate']:,}/s with it ({on['joined']:,} joined a story); peak RSS "
        f"{off['peak_rss_mb']} -> {on['peak_rss_mb']} MiB "
        f"(+{on['peak_rss_mb'] - off['peak_rss_mb']} MiB) at the end of the import; "
        f"{on['peak_rss_with_trend_mb']} MiB after /trend's story map"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stories", description=__doc__)
    sub = parser.add_subparsers(dest="mode", required=True)
    q = sub.add_parser("quality")
    q.add_argument("articles", type=pathlib.Path)
    q.add_argument("--limit", type=int, default=400)
    q.add_argument("--seed", type=int, default=15)
    q.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7")
    q.set_defaults(run=quality)
    s = sub.add_parser("speed")
    s.add_argument("corpora", type=pathlib.Path, nargs="+")
    s.add_argument("--size", type=int, default=100_000)
    s.add_argument("--workers", type=int, default=IMPORT_WORKERS, help="as newsbot import's")
    s.set_defaults(run=speed)
    w = sub.add_parser("speed-worker")
    w.add_argument("corpora", type=pathlib.Path, nargs="+")
    w.add_argument("--size", type=int, default=100_000)
    w.add_argument("--stories", action="store_true")
    w.add_argument("--workers", type=int, default=0)
    w.set_defaults(run=lambda a: asyncio.run(timed_import(a.corpora, a.size, a.stories, a.workers)))
    args = parser.parse_args(argv)
    args.run(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
