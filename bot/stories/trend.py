"""A story's timeline: how many stories matched some words per week (per month past two years).

Counted from the search index (ids and days are fast fields) and the in-memory story map,
never by loading articles: only the few peak headlines are read from the database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import tantivy

from bot.articles.fields import storable
from bot.i18n import ENGLISH, Texts
from bot.render import echoed
from bot.stories.keeper import StoryKeeper
from storage.articles import ArticleStore
from storage.languages import LANGUAGES, analyzer, body_field, normalize, title_field
from storage.search_index import DAY_FIELD, SearchIndex

# Past this span, weekly bars are too thin to read: one bar a month.
WEEKLY_SPAN_DAYS = 2 * 365
# Up to this many matching articles, copies are merged into stories (every hit's id is read,
# 1.7 s for 7,000 at load 17 on 2 cores); past it the bars count articles, from the index's own
# per-day counts (an aggregation in tantivy: well under a second at a million articles).
EXACT_LIMIT = 10_000
PEAKS = 3
_EPOCH = np.datetime64("1970-01-01", "D")


@dataclass(frozen=True, slots=True)
class Peak:
    """One of the busiest bars, with the headline of its best-matching article."""

    start: dt.date
    count: int
    article_id: int
    headline: str


@dataclass(frozen=True, slots=True)
class Trend:
    """Stories per bar (week or month), oldest first; empty when nothing matched."""

    words: str
    unit: str  # "week" or "month"
    starts: tuple[dt.date, ...]
    counts: tuple[int, ...]
    articles: int
    stories: int
    peaks: tuple[Peak, ...]
    # False when too many articles matched to merge copies: the bars count articles.
    merged: bool = True

    @property
    def is_empty(self) -> bool:
        """Whether nothing matched."""
        return self.stories == 0

    def caption(self, texts: Texts = ENGLISH) -> str:
        """The totals in one line (plain text), in the language of `texts` (the CLI: English)."""
        if self.is_empty:
            return texts("Nothing in the archive matches “{words}”.", words=self.words)
        copies = self.articles - self.stories
        span = texts(
            "{first} to {last}", first=self.starts[0].isoformat(), last=self.starts[-1].isoformat()
        )
        # The busiest bar by its date and count: "busiest month: 13" read as a month, not as
        # thirteen stories, and named no month.
        top = max(range(len(self.counts)), key=self.counts.__getitem__)
        when = self.starts[top].isoformat()[: 7 if self.unit == "month" else 10]
        busiest = (
            texts.plural("{n} story", "{n} stories", self.counts[top])
            if self.merged
            else texts.plural("{n} article", "{n} articles", self.counts[top])
        )
        if self.merged:
            total = texts.plural("{n} story", "{n} stories", self.stories)
            if copies:
                total += " " + texts.plural(
                    "({articles} articles, {n} of them a copy)",
                    "({articles} articles, {n} of them copies)",
                    copies,
                    articles=self.articles,
                )
        else:
            total = texts.plural(
                "{n} article (too many to merge copies into stories)",
                "{n} articles (too many to merge copies into stories)",
                self.articles,
            )
        if self.unit == "month":
            return texts(
                "“{words}”: {total}, by month from {span}; busiest month: {when}, {busiest}.",
                words=self.words,
                total=total,
                span=span,
                when=when,
                busiest=busiest,
            )
        return texts(
            "“{words}”: {total}, by week from {span}; busiest week: {when}, {busiest}.",
            words=self.words,
            total=total,
            span=span,
            when=when,
            busiest=busiest,
        )


# One of the words, as a language's fields hold it: the terms any of which will do (its other
# spellings in the archive, as a question reads them: "Raqa" and "Rakka" for "Raqqa").
WordForms = tuple[str, tuple[str, ...]]


def forms_query(index: SearchIndex, forms: Sequence[WordForms]) -> tantivy.Query | None:
    """Articles holding every word in one of its forms, in their language's fields: "/trend
    Ракка" finds the Russian articles, "/trend Raqqa" the English ones."""
    schema = index.schema
    by_lang: dict[str, list[tuple[str, ...]]] = {}
    for lang, terms in forms:
        if terms:
            by_lang.setdefault(lang, []).append(terms)
    per_language = [
        tantivy.Query.boolean_query(
            [
                (
                    tantivy.Occur.Must,
                    tantivy.Query.boolean_query(
                        [
                            (
                                tantivy.Occur.Should,
                                tantivy.Query.term_query(schema, field, term, "freq"),
                            )
                            for term in terms
                            for field in (body_field(lang), title_field(lang))
                        ]
                    ),
                )
                for terms in words
            ]
        )
        for lang, words in by_lang.items()
    ]
    if not per_language:
        return None
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in per_language])


async def trend(
    words: str,
    *,
    index: SearchIndex,
    stories: StoryKeeper,
    articles: ArticleStore,
    forms: Sequence[WordForms] | None = None,
) -> Trend:
    """The timeline of the stories matching `words` (see the module docstring); `forms`: the
    words as a question reads them (QuestionService.word_forms), else as each language's
    fields hold them."""
    typed = " ".join(storable(words).split())
    # The first 200 characters are searched; the caption says back as many, "…" where cut.
    words, shown = typed[:200], echoed(typed)
    if forms is None:
        forms = [
            (lang, (term,))
            for lang in LANGUAGES
            for term in dict.fromkeys(analyzer(lang).analyze(normalize(lang, words)))
        ]
    query = forms_query(index, forms)
    empty = Trend(shown, "week", (), (), 0, 0, ())
    if query is None:
        return empty
    per_day = await asyncio.to_thread(_per_day, index, query)
    if not len(per_day[0]):
        return empty
    matched = int(per_day[1].sum())
    if matched > EXACT_LIMIT:
        return await _article_trend(shown, index, query, articles, per_day)
    hits = await asyncio.to_thread(index.search, query, as_of=None, limit=matched + 1)
    # Best first; equal scores by id, so a bar's headline does not depend on segment order.
    hits.sort(key=lambda h: (-h.score, h.article_id))
    dated = [(h.article_id, h.day) for h in hits if h.day is not None]
    if not dated:
        return empty
    # Best match first (search order): the first hit of a bar gives the bar's headline.
    ids = np.fromiter((a for a, _ in dated), dtype=np.int64, count=len(dated))
    days = np.fromiter((d for _, d in dated), dtype=np.int64, count=len(dated))
    await stories.map.refresh(stories.store)
    story = stories.map.stories(ids)
    series = bars(ids, days, story)
    titles = await articles.get_many([p[2] for p in series.peaks])
    peaks = tuple(
        Peak(start, count, article_id, titles[article_id].title)
        for start, count, article_id in series.peaks
        if article_id in titles
    )
    return Trend(shown, series.unit, series.starts, series.counts, len(ids), series.stories, peaks)


def _per_day(index: SearchIndex, query: tantivy.Query) -> tuple[np.ndarray, np.ndarray]:
    """(day numbers, matching articles that day), from the index's day fast field."""
    found = index.searcher.aggregate(
        query, {"d": {"histogram": {"field": DAY_FIELD, "interval": 1}}}
    )
    buckets = [
        (int(b["key"]), int(b["doc_count"])) for b in found["d"]["buckets"] if b["doc_count"]
    ]
    days = np.array([d for d, _ in buckets], dtype=np.int64)
    return days, np.array([c for _, c in buckets], dtype=np.int64)


async def _article_trend(
    words: str,
    index: SearchIndex,
    query: tantivy.Query,
    articles: ArticleStore,
    per_day: tuple[np.ndarray, np.ndarray],
) -> Trend:
    """Too many matches to merge copies: articles per bar, each peak's best hit searched."""
    days, counts = per_day
    unit = "week" if int(days.max() - days.min()) <= WEEKLY_SPAN_DAYS else "month"
    bar_of = _bar_numbers(days, unit)
    lowest, highest = int(bar_of.min()), int(bar_of.max())
    totals = np.bincount(bar_of - lowest, weights=counts, minlength=highest - lowest + 1)
    starts = tuple(_bar_start(n, unit) for n in range(lowest, highest + 1))
    busiest = sorted((int(n) for n in np.flatnonzero(totals)), key=lambda n: (-totals[n], n))
    peaks: list[Peak] = []
    for n in sorted(busiest[:PEAKS]):
        first = int(days[bar_of - lowest == n].min())
        last = int(days[bar_of - lowest == n].max())
        within = tantivy.Query.range_query(
            index.schema, DAY_FIELD, tantivy.FieldType.Integer, first, last
        )
        both = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, query), (tantivy.Occur.Must, within)]
        )
        top = await asyncio.to_thread(index.search, both, as_of=None, limit=10)
        if not top:
            continue
        best = min(top, key=lambda h: (-h.score, h.article_id)).article_id
        found = await articles.get_many([best])
        if best in found:
            peaks.append(Peak(starts[n], int(totals[n]), best, found[best].title))
    total = int(counts.sum())
    return Trend(
        words, unit, starts, tuple(int(c) for c in totals), total, total, tuple(peaks), False
    )


@dataclass(frozen=True, slots=True)
class Bars:
    """What `bars` computes (before headlines are read)."""

    unit: str
    starts: tuple[dt.date, ...]
    counts: tuple[int, ...]
    stories: int
    peaks: tuple[tuple[dt.date, int, int], ...]  # (bar start, count, best article id)


def bars(ids: np.ndarray, days: np.ndarray, story: np.ndarray) -> Bars:
    """Count each story once, in the bar of its earliest matching copy.

    `ids`, `days` (days since 1970-01-01) and `story` describe the matching articles, best
    match first; every bar from the first to the last is returned, empty ones included.
    """
    # Each story's earliest day: sort by (story, day) and keep each story's first row.
    order = np.lexsort((days, story))
    first_rows = order[np.unique(story[order], return_index=True)[1]]
    span = int(days.max() - days.min())
    unit = "week" if span <= WEEKLY_SPAN_DAYS else "month"
    bar_of = _bar_numbers(days, unit)
    lowest, highest = int(bar_of.min()), int(bar_of.max())
    counts = np.bincount(bar_of[first_rows] - lowest, minlength=highest - lowest + 1)
    starts = tuple(_bar_start(n, unit) for n in range(lowest, highest + 1))
    # The busiest bars (ties: the earlier), each with the best-ranked article in it.
    busiest = sorted((int(n) for n in np.flatnonzero(counts)), key=lambda n: (-int(counts[n]), n))[
        :PEAKS
    ]
    first_hit: dict[int, int] = {}
    for row, number in enumerate((bar_of - lowest).tolist()):
        first_hit.setdefault(number, row)
    peaks = tuple((starts[n], int(counts[n]), int(ids[first_hit[n]])) for n in sorted(busiest))
    return Bars(unit, starts, tuple(int(c) for c in counts), len(first_rows), peaks)


def _bar_numbers(days: np.ndarray, unit: str) -> np.ndarray:
    if unit == "week":
        # 1970-01-01 was a Thursday: weeks start on Mondays.
        return (days + 3) // 7
    months: np.ndarray = (_EPOCH + days.astype("timedelta64[D]")).astype("datetime64[M]")
    return months.astype(np.int64)


def _bar_start(number: int, unit: str) -> dt.date:
    if unit == "week":
        return dt.date(1970, 1, 1) + dt.timedelta(days=number * 7 - 3)
    return dt.date(1970 + number // 12, number % 12 + 1, 1)
