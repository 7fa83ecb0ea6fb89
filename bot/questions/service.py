"""Answering questions from the archive: retrieve, pick the sentence, keep what a reply needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.questions.retrieval import Answer, Retriever
from storage.articles import ArticleStore, StoredArticle

# Telegram allows 4,096 characters; a question needs far fewer, and long ones cost search time.
MAX_QUESTION_CHARS = 1_000
PAGE_SIZE = 3


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
        query = self._retriever.analyze(question)
        # One more than asked tells whether a "More" button makes sense.
        scored = self._retriever.search(query, as_of=as_of, limit=limit + 1, offset=offset)
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
                self._retriever.answer(query, article.title, article.text)
                if rank < answered
                else Answer(sentence="", highlights=())
            )
            hits.append(Hit(article, item.score, answer))
        suggestions: tuple[str, ...] = ()
        if not hits and offset == 0:
            suggestions = tuple(self._retriever.suggest(query))
        return Answers(question, tuple(hits), offset, has_more, suggestions)
