"""The articles a batch of digests draws from, analysed once and shared by every subscription."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from bot.questions.abstention import ANSWERED_SHARE
from bot.questions.analysis import idf
from bot.stories.keeper import Outlets, outlets_of
from storage.articles import ArticleStore, StoredArticle
from storage.stories import Copy

PAGE = 1_000


@dataclass(frozen=True, slots=True)
class Selection:
    """The articles one digest shows, best first, and how many matched in all."""

    shown: tuple[StoredArticle, ...]
    total: int
    # Per shown article, the outlets of its story's other copies (empty if none): one item a story.
    outlets: tuple[Outlets, ...] = ()


StoryLookup = Callable[[list[int]], Awaitable[Mapping[int, int]]]


class ArticleWindow:
    """Live articles with after < id <= upto, with an index from word forms to articles."""

    def __init__(
        self,
        articles: list[StoredArticle],
        analyze: Callable[[str], set[str]],
        upto_article_id: int,
        stories: Mapping[int, int] | None = None,
    ) -> None:
        self.upto_article_id = upto_article_id
        # Article id -> story id (its first article's id); None: every article its own story.
        self._stories = stories
        self._story_rankings: dict[frozenset[str], list[int]] = {}
        self._articles = articles  # oldest first, by id
        self._ids = [a.id for a in articles]
        self._title: dict[int, set[str]] = {}
        self._postings: dict[str, list[int]] = {}
        self._rankings: dict[frozenset[str], tuple[list[int], list[int]]] = {}
        for position, article in enumerate(articles):
            title = analyze(article.title)
            self._title[position] = title
            for term in title | analyze(article.text):
                self._postings.setdefault(term, []).append(position)
        # Bulk-imported articles, by position: news only when dated near their period.
        self._backfill = [p for p, a in enumerate(articles) if a.backfill]
        self._stale: dict[tuple[int, dt.date], frozenset[int]] = {}
        # Newest first by date, then by arrival: the order of a digest without topic words.
        self._by_recency = sorted(
            range(len(articles)),
            key=lambda p: (articles[p].published, articles[p].id),
            reverse=True,
        )

    @classmethod
    async def load(
        cls,
        store: ArticleStore,
        after_article_id: int,
        upto_article_id: int,
        analyze: Callable[[str], set[str]],
        stories: StoryLookup | None = None,
    ) -> ArticleWindow:
        """Read the window from the archive, a page at a time, with each article's story."""
        articles: list[StoredArticle] = []
        cursor = after_article_id
        while True:
            page = await store.added_after(cursor, upto_article_id, limit=PAGE)
            if not page:
                break
            articles.extend(page)
            cursor = page[-1].id
        story_of = None if stories is None else await stories([a.id for a in articles])
        return cls(articles, analyze, upto_article_id, story_of)

    def select(
        self,
        topics: set[str],
        after_article_id: int,
        limit: int,
        *,
        stale_before: dt.date | None = None,
    ) -> Selection:
        """The best `limit` articles newer than `after_article_id` for these topic words.

        Backfill (bulk-imported articles) dated before `stale_before` is archive, not news:
        it is left out of the selection and of the count.
        """
        first = bisect.bisect_right(self._ids, after_article_id)
        ranked, positions = self._ranking(frozenset(topics))
        stale = self._stale_from(first, stale_before)
        if self._stories is not None:
            return self._select_stories(frozenset(topics), ranked, after_article_id, limit, stale)
        total = len(positions) - bisect.bisect_left(positions, first)
        if stale:
            total -= sum(1 for p in stale if _contains(positions, p))
        shown = itertools.islice((p for p in ranked if p >= first and p not in stale), limit)
        return Selection(tuple(self._articles[p] for p in shown), total)

    def _stale_from(self, first: int, stale_before: dt.date | None) -> frozenset[int]:
        # Subscriptions due at one slot share both, so each set is worked out once.
        if stale_before is None or not self._backfill:
            return frozenset()
        key = (first, stale_before)
        stale = self._stale.get(key)
        if stale is None:
            start = bisect.bisect_left(self._backfill, first)
            stale = frozenset(
                p for p in self._backfill[start:] if self._articles[p].published < stale_before
            )
            if len(self._stale) > 1_000:
                self._stale.clear()
            self._stale[key] = stale
        return stale

    def _select_stories(
        self,
        topics: frozenset[str],
        ranked: list[int],
        after_article_id: int,
        limit: int,
        stale: frozenset[int],
    ) -> Selection:
        """One item per story, the story's best copy with its outlets; a story that began at
        or before `after_article_id` was news in an earlier digest, and its copies are not.
        Stale backfill (`stale` positions) is neither shown nor counted."""
        assert self._stories is not None
        story_of = self._stories
        matched = self._story_rankings.get(topics)
        if matched is None:
            matched = sorted({story_of.get(self._ids[p], self._ids[p]) for p in ranked})
            self._story_rankings[topics] = matched
        members: dict[int, list[int]] = {}
        for p in ranked:
            story = story_of.get(self._ids[p], self._ids[p])
            if story > after_article_id and p not in stale:
                members.setdefault(story, []).append(p)
        total = (
            len(members) if stale else len(matched) - bisect.bisect_right(matched, after_article_id)
        )
        shown: list[StoredArticle] = []
        outlets: list[Outlets] = []
        for story, positions in itertools.islice(members.items(), limit):
            copies = [self._copy(p, story) for p in positions]
            best = min(copies, key=lambda c: (-c.length, c.published, c.article_id))
            article = self._articles[positions[copies.index(best)]]
            shown.append(article)
            others = sorted((c for c in copies if c is not best), key=lambda c: c.article_id)
            outlets.append(outlets_of(others, article.source))
        if not topics and len(shown) > 1:
            # Newest first by each story's newest copy, but shown by its most complete one,
            # which may be older: the digest reads newest first by the dates it shows.
            pairs = sorted(
                zip(shown, outlets, strict=True), key=lambda p: p[0].published, reverse=True
            )
            shown, outlets = [a for a, _ in pairs], [o for _, o in pairs]
        return Selection(tuple(shown), total, tuple(outlets))

    def _copy(self, position: int, story: int) -> Copy:
        article = self._articles[position]
        return Copy(article.id, story, article.source, article.published, len(article.text))

    def _ranking(self, topics: frozenset[str]) -> tuple[list[int], list[int]]:
        # The order does not depend on where a digest starts, so one ranking per set of
        # topic words serves every subscription that has them: (best first, by position).
        cached = self._rankings.get(topics)
        if cached is not None:
            return cached
        if not topics:
            ranking = (self._by_recency, list(range(len(self._articles))))
        else:
            scores: dict[int, int] = {}
            for term in topics:
                for position in self._postings.get(term, ()):
                    scores[position] = scores.get(position, 0) + 1
            # The rule of questions (bot/questions/abstention.py): an article is on the topic
            # when it holds the topic words that carry its meaning, not just any one of them.
            weight = {t: idf(len(self._postings.get(t, ())), len(self._articles)) for t in topics}
            total = sum(weight.values())
            held: dict[int, float] = {}
            for term in topics:
                for position in self._postings.get(term, ()):
                    held[position] = held.get(position, 0.0) + weight[term]
            for position in list(scores):
                if held[position] < ANSWERED_SHARE * total:
                    del scores[position]
            for position in scores:
                # Title hits count double: one more for each topic word in the title.
                scores[position] += len(self._title[position] & topics)
            ranked = sorted(
                scores,
                key=lambda p: (scores[p], self._articles[p].published, self._articles[p].id),
                reverse=True,
            )
            ranking = (ranked, sorted(scores))
        if len(self._rankings) > 50_000:
            self._rankings.clear()
        self._rankings[topics] = ranking
        return ranking


def _contains(ordered: list[int], value: int) -> bool:
    at = bisect.bisect_left(ordered, value)
    return at < len(ordered) and ordered[at] == value
