"""Answering questions from the archive: retrieve, pick the sentence, keep what a reply needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.questions.filters import FilterProblem, parse, phrase_in
from bot.questions.retrieval import Answer, Retriever
from storage.articles import ArticleStore, StoredArticle

# Telegram allows 4,096 characters; a question needs far fewer, and long ones cost search time.
MAX_QUESTION_CHARS = 1_000
PAGE_SIZE = 3
# A question with a quoted phrase looks for it in this many of the best articles.
PHRASE_CANDIDATES = 200


@dataclass(frozen=True, slots=True)
class Hit:
    """One article found for a question, with the sentence to quote."""

    article: StoredArticle
    score: float
    answer: Answer


@dataclass(frozen=True, slots=True)
class Answers:
    """A page of hits; `suggestions` only when nothing was found."""

    question: str
    hits: tuple[Hit, ...]
    offset: int
    has_more: bool
    suggestions: tuple[str, ...] = ()
    # Malformed filters: nothing was searched, the reply says what to fix.
    problems: tuple[FilterProblem, ...] = ()


class QuestionService:
    """Asks the retriever and fetches what the reply shows."""

    def __init__(self, articles: ArticleStore, retriever: Retriever) -> None:
        self._articles = articles
        self._retriever = retriever

    async def ask(
        self,
        question: str,
        *,
        as_of: dt.date | None = None,
        limit: int = PAGE_SIZE,
        offset: int = 0,
        with_answers: int | None = None,
    ) -> Answers:
        """Up to `limit` hits from `offset`; answer sentences for the first `with_answers`."""
        question = " ".join(question.split())[:MAX_QUESTION_CHARS]
        parsed = parse(question)
        if parsed.problems:
            return Answers(question, (), offset, False, problems=parsed.problems)
        filters = parsed.filters
        query = self._retriever.analyze(parsed.text, lang=filters.lang)
        # One more than asked tells whether a "More" button makes sense.
        if filters.phrases:
            # Word order is checked on the text: take every candidate, keep those in order.
            found = self._retriever.search(
                query, as_of=as_of, limit=PHRASE_CANDIDATES, filters=filters
            )
            stored = await self._articles.get_many([s.article_id for s in found])
            scored = [
                s
                for s in found
                if s.article_id in stored
                and all(phrase_in(p, _full_text(stored[s.article_id])) for p in filters.phrases)
            ][offset : offset + limit + 1]
        else:
            scored = self._retriever.search(
                query, as_of=as_of, limit=limit + 1, offset=offset, filters=filters
            )
        has_more = len(scored) > limit
        scored = scored[:limit]
        stored = await self._articles.get_many([s.article_id for s in scored])
        answered = limit if with_answers is None else with_answers
        hits: list[Hit] = []
        for rank, item in enumerate(scored):
            article = stored.get(item.article_id)
            if article is None:  # deleted since the index last heard
                continue
            answer = (
                self._retriever.answer(query, article.title, article.text, article.lang)
                if rank < answered
                else Answer(sentence="", highlights=())
            )
            hits.append(Hit(article, item.score, answer))
        suggestions: tuple[str, ...] = ()
        if not hits and offset == 0:
            suggestions = tuple(self._retriever.suggest(query))
        return Answers(question, tuple(hits), offset, has_more, suggestions)


def _full_text(article: StoredArticle) -> str:
    return f"{article.title}\n{article.text}"
