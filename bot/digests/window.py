"""The articles a batch of digests draws from, analysed once and shared by every subscription."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from storage.articles import ArticleStore, StoredArticle

PAGE = 1_000


@dataclass(frozen=True, slots=True)
class Selection:
    """The articles one digest shows, best first, and how many matched in all."""

    shown: tuple[StoredArticle, ...]
    total: int


class ArticleWindow:
    """Live articles with after < id <= upto, with an index from word forms to articles."""

    def __init__(
        self,
        articles: list[StoredArticle],
        analyze: Callable[[str], set[str]],
        upto_article_id: int,
    ) -> None:
        self.upto_article_id = upto_article_id
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
    ) -> ArticleWindow:
        """Read the window from the archive, a page at a time."""
        articles: list[StoredArticle] = []
        cursor = after_article_id
        while True:
            page = await store.added_after(cursor, upto_article_id, limit=PAGE)
            if not page:
                break
            articles.extend(page)
            cursor = page[-1].id
        return cls(articles, analyze, upto_article_id)

    def select(self, topics: set[str], after_article_id: int, limit: int) -> Selection:
        """The best `limit` articles newer than `after_article_id` for these topic words."""
        first = bisect.bisect_right(self._ids, after_article_id)
        ranked, positions = self._ranking(frozenset(topics))
        total = len(positions) - bisect.bisect_left(positions, first)
        shown = itertools.islice((p for p in ranked if p >= first), limit)
        return Selection(tuple(self._articles[p] for p in shown), total)

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
