"""Answering questions from the archive: retrieve, pick the sentence, keep what a reply needs."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass

from bot.articles.clutter.spans import without_clutter
from bot.articles.fields import storable
from bot.clock import Clock
from bot.questions.abstention import (
    NO_COVERAGE,
    Coverage,
    answers,
    asks_a_fact,
    asks_the_holder,
    asks_where,
    counted_word,
    counts,
    coverage,
    holds_count,
    holds_the_event,
    is_long,
    names_the_role,
    names_the_thing,
    share_needed,
)
from bot.questions.analysis import (
    AnswerType,
    Query,
    meaningful_words,
    stem,
    stems,
    tokenize,
    typed_names,
)
from bot.questions.dates import DatedQuestion, DateRange, find_dates, find_year
from bot.questions.doers import names_the_doer
from bot.questions.filters import FilterProblem, Filters, parse, phrase_in
from bot.questions.languages import asks_for_news, news_subject
from bot.questions.lexicon import frequency
from bot.questions.links import find_links, stand_ins
from bot.questions.retrieval import Answer, Retriever, ScoredArticle
from bot.questions.sentences import holds_place, iter_sentences
from bot.questions.sums import asks_a_sum, holds_money
from bot.questions.whens import times_the_event
from bot.stories.answers import newest_shown_first, one_per_story
from bot.stories.keeper import StoryKeeper
from storage.articles import ArticleStore, StoredArticle
from storage.languages import ENGLISH, analysis_of
from storage.stories import Copy

# Words as the index's tokenizer splits them in texts without "_".
_WORDS = re.compile(r"\w+")
# Telegram allows 4,096 characters; a question needs far fewer, and long ones cost search time.
MAX_QUESTION_CHARS = 1_000
PAGE_SIZE = 3
# How far down the ranking an "X of Y" question no article of its page answers looks.
LINKED_CANDIDATES = 30
# A question with a quoted phrase looks for it in this many of the best articles.
PHRASE_CANDIDATES = 200
# A newest-first list reads at most this many copies to order a page's stories by the dates
# they are shown with (past it, those it read are the list).
LISTED_COPIES = 5_000
# A first hit holding less than this idf share of the question was lifted by a word or two
# and its freshness: the page's next hit that answers comes first. (On the news-qa dev
# questions, first hits that do not answer hold 0.49-0.65 where a later one does, and are
# mostly the right article: docs/BENCHMARKS.md, stop 32.)
STRAY_SHARE = 0.4
# A question of at most this many words that count is answered only by a quote that, with
# its headline, holds them all.
TOGETHER_WORDS = 2
# A story's lead: the sentences that name what its counts are of.
LEAD_SENTENCES = 2
# A word counted by "how many" this common (wordfreq's Zipf scale: "people" 6.3, "years" 6.0,
# "children" 5.5, "refugees" 4.3) need not be named by the quote that counts it.
GENERIC_ZIPF = 6.0
# A verb this common ("work" 6.0, "take" 5.9, "go"; not "start" 5.6, "enter" 4.8) names no
# deed a quote must repeat to tell where or when it happened.
LIGHT_ZIPF = 5.75
# Words that say only that the event happened ("where did the debate take place?").
_HAPPENING = frozenset(("place", "happen", "happened", "happens", "occur", "occurred"))


@dataclass(frozen=True, slots=True)
class Hit:
    """One article found for a question, with the sentence to quote."""

    article: StoredArticle
    score: float
    answer: Answer
    # The story's other live copies (the hit shows its best copy), oldest first.
    also: tuple[Copy, ...] = ()


@dataclass(frozen=True, slots=True)
class Answers:
    """A page of hits; `suggestions` only when nothing was found.

    `answered` is False when the archive holds no answer (bot/questions/abstention.py): the
    hits are then only the closest articles, which may not answer.
    """

    question: str
    hits: tuple[Hit, ...]
    offset: int
    has_more: bool
    suggestions: tuple[str, ...] = ()
    answered: bool = False
    coverage: Coverage = NO_COVERAGE
    # Malformed filters: nothing was searched, the reply says what to fix.
    problems: tuple[FilterProblem, ...] = ()
    # Filters and no words: the newest articles that pass them, nothing quoted.
    listing: bool = False
    # Nothing found because nothing is stored yet (a newcomer's first question).
    empty_archive: bool = False
    # A request for the news itself ("what's new?"), no filter given: the newest articles.
    news: bool = False
    # The days the question names ("yesterday"), when no article of those days matches it.
    other_days: DateRange | None = None
    # The filters the question wrote, which narrowed the search (nothing found may be their
    # doing, not the words'), as written: `source:bbc`.
    filtered: tuple[str, ...] = ()
    # Nothing found, and the archive holds no article in the language the question asks in
    # (its script's) or filters on (`lang:ar`): that language's code.
    unheld_lang: str | None = None


class QuestionService:
    """Asks the retriever and fetches what the reply shows."""

    def __init__(
        self,
        articles: ArticleStore,
        retriever: Retriever,
        clock: Clock,
        stories: StoryKeeper,
    ) -> None:
        self._articles = articles
        self._retriever = retriever
        self._clock = clock
        self._stories = stories

    async def warm_up(self) -> None:
        """Load the models questions need now rather than at the first that needs each."""
        await asyncio.to_thread(self._retriever.warm_up)

    async def ask(
        self,
        question: str,
        *,
        as_of: dt.date | None = None,
        limit: int = PAGE_SIZE,
        offset: int = 0,
        with_answers: int | None = None,
        highlights: bool = True,
    ) -> Answers:
        """Up to `limit` hits from `offset`; answer sentences for the first `with_answers`,
        with the spans of the question's words in them unless `highlights` is False (a reply
        that does not show them: the CLI's)."""
        question = _cleaned(question)
        parsed = parse(question)
        if parsed.problems:
            return Answers(question, (), offset, False, problems=parsed.problems)
        filters = parsed.filters
        # "yesterday" is the day before the question was asked (or the `as_of` day).
        dated = find_dates(parsed.text, as_of or self._clock.now().date())
        query = self._retriever.analyze(dated.text, lang=filters.lang)
        if (
            dated.days is not None
            and is_long(query)
            and not await self._date_counts(query, as_of, dated.days, filters)
        ):
            # A long question may state its story's background ("after sealing its borders in
            # March 2020", "following the attack last week") rather than the days of its
            # answer ("... the sarin attack in Khan Shaykhun in April 2017, how many died?"):
            # its date counts only when an article of those days answers it as well as any.
            dated = DatedQuestion(parsed.text, None)
            query = self._retriever.analyze(dated.text, lang=filters.lang)
        # "what's new?", "latest news", "news yesterday": the newest articles (of those days).
        news = not filters.phrases and asks_for_news(query.terms)
        subject = None if news or filters.phrases else news_subject(dated.text, query.terms)
        if dated.days is None and (news or subject is not None):
            # "news from 2017": in a request for the news, a bare year names its days.
            yearly = find_year(dated.text)
            if yearly.days is not None:
                dated = yearly
                query = self._retriever.analyze(dated.text, lang=filters.lang)
                news = asks_for_news(query.terms)
                subject = None if news else news_subject(dated.text, query.terms)
        # "latest news about Aleppo": the newest articles holding every word of the subject
        # (of the days named), when there are any; else the question is answered as asked.
        topical = False
        if subject is not None:
            about = dataclasses.replace(query, terms=subject)
            within = filters if dated.days is None else _within_days(filters, dated.days)
            if self._retriever.search(about, as_of=as_of, limit=1, filters=within, newest=True):
                query, filters, topical = about, within, True
                dated = DatedQuestion(dated.text, None)
        news_elsewhen: DateRange | None = None
        if news:
            query = dataclasses.replace(query, terms=())
            if dated.days is not None:
                # Days without an article ("today's news" before today's are in): the newest
                # of any day, said to be so.
                within = _within_days(filters, dated.days)
                if self._retriever.search(query, as_of=as_of, limit=1, filters=within, newest=True):
                    filters = within
                else:
                    news_elsewhen = dated.days
                dated = DatedQuestion(dated.text, None)
        # One more than asked tells whether a "More" button makes sense.
        also: dict[int, tuple[Copy, ...]] = {}
        held: list[ScoredArticle] | None = None
        if filters.phrases:
            held = await self._holding_phrases(query, as_of, dated.days, filters)
        # A long question's quotation no article holds (worded otherwise in the story: "tested
        # the limits" for "testing the limits") leaves its words to find the closest articles,
        # none of them taken for the answer; in a chat question a phrase stays a filter.
        unheld = held == [] and is_long(query)
        if unheld:
            held, filters = None, dataclasses.replace(filters, phrases=())
        # The first few articles of a question in another language than English are ranked
        # again by the words their texts hold as typed (whatever the page: it pages them).
        reranked = 0 if dated.days is not None or topical else self._retriever.reranks(query)
        fetched: dict[int, StoredArticle] = {}
        ranking = functools.partial(
            self._ranked,
            query,
            as_of,
            dated.days,
            filters,
            newest=news or topical,
            reranked=reranked,
        )
        if held is not None:
            scored = held[offset : offset + limit + 1]
        else:
            # One hit per story: rank every copy, keep each story's best, then page.
            wanted = offset + limit + 1
            fetch = max(reranked, wanted * 3)
            while True:
                ranked, fetched = await ranking(limit=fetch)
                if not (query.is_empty or topical):
                    # The page and one more (for "More") are all that is shown of the stories.
                    picks = await one_per_story(self._stories, ranked, as_of=as_of, most=wanted)
                    break
                # A newest-first list reads newest first by the dates it shows, page after page
                # (bot/stories/answers.py): more copies until the page's stories are settled.
                exhausted = len(ranked) < fetch or fetch >= LISTED_COPIES
                shown = newest_shown_first(
                    await one_per_story(self._stories, ranked, as_of=as_of),
                    ranked,
                    exhausted=exhausted,
                )
                if shown is not None and (len(shown) >= wanted or exhausted):
                    picks = shown[:wanted]
                    break
                fetch = min(fetch * 4, LISTED_COPIES)
            scored = [ScoredArticle(p.article_id, p.score) for p in picks][offset:]
            also = {p.article_id: p.also for p in picks}
        has_more = len(scored) > limit
        scored = scored[:limit]
        stored = {i: fetched[i] for i in (s.article_id for s in scored) if i in fetched}
        stored.update(
            await self._articles.get_many(
                [s.article_id for s in scored if s.article_id not in stored]
            )
        )
        listing = query.is_empty or topical
        quoted = 0 if listing else limit if with_answers is None else with_answers
        hits: list[Hit] = []
        for rank, item in enumerate(scored):
            article = stored.get(item.article_id)
            if article is None:  # deleted since the index last heard
                continue
            answer = (
                self._retriever.answer(
                    query,
                    article.title,
                    article.text,
                    article.clutter,
                    article.lang,
                    highlight=highlights,
                )
                if rank < quoted
                else Answer(sentence="", highlights=())
            )
            hits.append(Hit(article, item.score, answer, also.get(article.id, ())))
        suggestions: tuple[str, ...] = ()
        empty_archive = False
        unheld_lang = None
        if not hits and offset == 0:
            empty_archive = self._retriever.is_empty()
            # With filters, or up to a day (`as_of`), the words may well be in the archive: no
            # spellings to offer ("raqqa" up to 2010 offered "raqa", found no earlier).
            if not empty_archive and not filters.any and as_of is None:
                suggestions = tuple(self._retriever.suggest(query))
            if not empty_archive:
                # (The question's language is read with its days: "Алеппо" alone is no
                # Russian to the detector, "Алеппо в мае 2016" is.)
                unheld_lang = self._retriever.unheld_language(parsed.text, filters.lang)
        # Quotes found for deciding, not shown: by article, so that each is found once.
        quotes: dict[int, str] = {}
        together = True
        if hits and not listing and offset == 0 and _few_words(query):
            hits, together = self._together_first(
                query, hits, quotes, quoted=quoted, highlight=highlights
            )
        # The first hit decides for the whole page: it is the one a reply quotes.
        covered = None
        if hits:
            covered = _covered(query, hits[0].article)
            if not listing and offset == 0 and together and covered.share < STRAY_SHARE:
                hits, covered = self._answering_first(
                    query, hits, covered, quoted=quoted, highlight=highlights
                )
        needed = share_needed(query)
        answered = not listing and not unheld and covered is not None and answers(covered, needed)
        if (
            not answered
            and covered is not None
            and not listing
            and not unheld
            and offset == 0
            and together
            and find_links(query, with_ofs=not is_long(query)).linking
        ):
            hits, covered = await self._linked_further(
                query,
                hits,
                covered,
                as_of,
                dated.days,
                filters,
                quoted=quoted,
                highlight=highlights,
            )
            # At the share by length, not a fact's (`share_needed`): an X held apart from its Y
            # counts as missing, though the quote may hold them together ("Who became the new
            # prime minister of the United Kingdom this week?" holds 0.76, "minister" missing,
            # and quotes "Rishi Sunak is the United Kingdom's latest prime minister").
            answered = answers(covered)
            if answered and not answers(covered, needed):
                # ... where the quote or its headline does hold the X, for a fact: "when did the
                # siege of Madaya begin?" is not answered by "Three women from the besieged
                # town of Madaya ... were killed ... on Thursday evening" (0.78 of its article,
                # "siege" held apart from Madaya; the quote holds no siege).
                answered = self._quote_holds_the_xs(query, hits[0], quotes)
        # "sarin attack yesterday": no article of that day matches (they would come first),
        # and one of another day answers another question.
        days = dated.days
        other_days = news_elsewhen
        if days is not None and hits and not listing and not _within(hits[0].article, days):
            other_days, answered = days, False
        if answered and query.answer_type is AnswerType.NUMBER:
            hits, answered = self._counting_first(
                query, hits, quotes, quoted=quoted, highlight=highlights
            )
        if answered and asks_a_sum(query):
            # "how much does bread cost in Aleppo?" is not answered by "Wheat output ...
            # dropped ... to 1.5 million": an amount, but no money.
            quote = self._quote(query, hits[0], quotes)
            answered = holds_money(quote) or holds_money(hits[0].article.title)
        if answered and query.answer_type is AnswerType.TIME and not is_long(query):
            # "when did Russia start bombing Syria?" is not answered by a sentence without a
            # time ("Russia's actions ... since the start of the Syrian revolution").
            # Nor "when did the siege of Aleppo end?" by "... launched a major assault Friday
            # aimed at breaking a months-long siege ... "will end the regime occupation"": the
            # time of another event.
            quote = self._quote(query, hits[0], quotes)
            answered = times_the_event(query, quote, hits[0].article.title)
        if answered and asks_where(query) and analysis_of(hits[0].article.lang).code == ENGLISH:
            # "where was James Foley killed?" is not answered by "... the criminals who killed
            # the US journalist James Foley ...": the quote itself names a place, not one of
            # the question's (a headline names its story's: "... Silence over Al Raqqa
            # Massacre"). English only: the other languages' news writes its places otherwise.
            # (The page's next hit naming a place is not put first: "paul pelosi attack
            # where" would quote another story than the one asked about.)
            answered = holds_place(self._quote(query, hits[0], quotes), _typed_forms(query))
        if (
            answered
            and asks_where(query, or_when=True)
            and analysis_of(hits[0].article.lang).code == ENGLISH
        ):
            # "where did the Turkish army enter Syria?" is not answered by "The Syrian Army
            # ... killed some 70 Islamic State fighters ... near the Turkish border", nor
            # "when did the US-led coalition start airstrikes in Syria?" by "Airstrikes by
            # US-led coalition fighter jets have killed at least 21 civilians ... said
            # Monday": the place or time of a quote telling another deed. A place or a time
            # is of the event the question tells in all its words, so the quote with its
            # headline holds each of them (a name typed: `_quotes_the_names`).
            answered = self._quote_holds_every_word(query, hits[0], quotes)
        if (
            answered
            and asks_a_fact(query)
            and query.answer_type is not AnswerType.NUMBER
            and typed_names(query.text)
        ):
            # "where was Abu Bakr al-Baghdadi killed?" is not answered by "Russian air strikes
            # killed at least 14 civilians ... near ... Al Mayadeen", its story naming Baghdadi
            # further down: a fact of a name is told where the name is. (A count's names may
            # be in its story's lead: `_counts`.)
            answered = self._quotes_the_names(query, hits[0], quotes)
        if answered:
            answered = self._names_itself(query, hits[0], quotes)
        if (
            answered
            and asks_the_holder(query)
            and analysis_of(hits[0].article.lang).code == ENGLISH
        ):
            hits, answered = self._naming_the_role_first(
                query, hits, quotes, quoted=quoted, highlight=highlights
            )
        if answered and analysis_of(hits[0].article.lang).code == ENGLISH:
            quote = self._quote(query, hits[0], quotes)
            answered = names_the_thing(query, (quote, hits[0].article.title))
            # "who killed James Foley?" is not answered by "... the criminals who killed the
            # US journalist James Foley ...": the deed told, its doer not.
            answered = answered and names_the_doer(query, quote)
        # "who is the president of France?": the article names a president (Assad) and France,
        # no quote of the first page both: with so few words, the quote and its headline hold
        # them all when it answers (every dev question answered right does).
        answered = answered and together
        return Answers(
            question,
            tuple(hits),
            offset,
            has_more,
            suggestions,
            answered=answered,
            coverage=covered or NO_COVERAGE,
            listing=listing,
            news=news and not filters.narrows,
            empty_archive=empty_archive,
            other_days=other_days,
            filtered=parsed.written,
            unheld_lang=unheld_lang,
        )

    async def _ranked(
        self,
        query: Query,
        as_of: dt.date | None,
        days: DateRange | None,
        filters: Filters,
        *,
        newest: bool,
        limit: int,
        reranked: int = 0,
    ) -> tuple[list[ScoredArticle], dict[int, StoredArticle]]:
        """The engine's ranking, its first `reranked` ranked again by the words as typed
        (`_as_typed_first`), and the articles that read (none when nothing was)."""
        ranked = self._retriever.search(
            query,
            as_of=as_of,
            limit=limit,
            days=days,
            filters=filters,
            newest=newest,
        )
        if not reranked:
            return ranked, {}
        return await self._as_typed_first(query, ranked, reranked)

    async def _as_typed_first(
        self, query: Query, ranked: list[ScoredArticle], head: int
    ) -> tuple[list[ScoredArticle], dict[int, StoredArticle]]:
        """`ranked` with its first `head` articles ranked again by the question's words their
        texts hold as typed (`Retriever.by_exact_words`), and those articles as stored."""
        stored = await self._articles.get_many([s.article_id for s in ranked[:head]])
        texts = {
            number: (
                article.lang,
                f"{article.title}\n{without_clutter(article.text, article.clutter)}",
            )
            for number, article in stored.items()
        }
        return self._retriever.by_exact_words(query, ranked, texts), stored

    async def _date_counts(
        self, query: Query, as_of: dt.date | None, days: DateRange, filters: Filters
    ) -> bool:
        """Whether the best article of these days answers the question and lacks at most one
        word more of it than the best article of any day (the days' articles then rank first).

        "Following the attack on Salman Rushdie last week, which fellow author did J. K. Rowling
        get in a Twitter row with?": last week's best lacks Rowling, Twitter and three more,
        the answer two; "... the sarin attack in Khan Shaykhun in April 2017, how many people
        died according to the Observatory?": April 2017's best lacks "sarin", a later
        article that recalls the attack lacks "following"."""
        within = self._retriever.search(query, as_of=as_of, limit=1, days=days, filters=filters)
        if not within:
            return False
        anywhen = self._retriever.search(query, as_of=as_of, limit=1, filters=filters)
        ids = [hit.article_id for hit in (*within, *anywhen)]
        stored = await self._articles.get_many(ids)
        dated, best = stored.get(ids[0]), stored.get(ids[-1])
        if dated is None or not _within(dated, days):
            return False
        held = coverage(query, dated.title, dated.text, dated.clutter, lang=dated.lang)
        if not answers(held):
            return False
        if best is None or best.id == dated.id:
            return True
        best_held = coverage(query, best.title, best.text, best.clutter, lang=best.lang)
        return held.missing <= best_held.missing + 1

    async def _holding_phrases(
        self, query: Query, as_of: dt.date | None, days: DateRange | None, filters: Filters
    ) -> list[ScoredArticle]:
        """The best candidates that hold the filters' phrases, best first."""
        # Word order is checked on the text: take every candidate, keep those in order.
        found = self._retriever.search(
            query, as_of=as_of, limit=PHRASE_CANDIDATES, days=days, filters=filters
        )
        stored = await self._articles.get_many([s.article_id for s in found])
        return [
            s
            for s in found
            if s.article_id in stored
            and all(phrase_in(p, _full_text(stored[s.article_id])) for p in filters.phrases)
        ]

    def _together_first(
        self, query: Query, hits: list[Hit], quotes: dict[int, str], *, quoted: int, highlight: bool
    ) -> tuple[list[Hit], bool]:
        """The first page's hits, the first whose quote and headline hold every word first,
        and whether there is one.

        "Raqqa civilians": the Raqqa story's best sentence names Raqa, its civilians are
        "trapped in the city"; the next hit's "At least 10 civilians were killed ... near
        Raqqa" holds both. The first page only, whatever its length: the chat's and the CLI's
        answers stay the same.
        """
        for rank, hit in enumerate(hits[:PAGE_SIZE]):
            quote = self._quote(query, hit, quotes)
            year = hit.article.published.year
            lang = hit.article.lang
            found = coverage(query, hit.article.title, quote, year=year, lang=lang)
            if found.missing == 0 or _counts_the_dead_instead(query, found, quote, lang):
                return self._first(query, hits, rank, quoted=quoted, highlight=highlight), True
        return hits, False

    def word_forms(self, words: str) -> list[tuple[str, tuple[str, ...]]]:
        """Each of the words that counts, with its language and the index terms any of which
        will do: its other spellings in the archive, as a question takes them (Raqqa, Raqa,
        Rakka), so that /trend counts what a question finds. Stop words drop out; none at all
        when every word is one, though the words read as another language ("the": a chart of
        every article holding it), as a digest's topic words are refused."""
        if not meaningful_words(words):
            return []
        query = self._retriever.analyze(_cleaned(words))
        return [(term.lang, tuple(sorted(term.terms))) for term in query.terms]

    def _answering_first(
        self, query: Query, hits: list[Hit], covered: Coverage, *, quoted: int, highlight: bool
    ) -> tuple[list[Hit], Coverage]:
        """The first page's hits, the first holding all the question's words first, and its
        coverage (`covered`, the first hit's, when none does).

        A story of the asking day ranks up to four times higher ("Raqqa reopens its museum",
        for "civilians trapped in Raqqa?") while it may hold one word of the question (less
        than STRAY_SHARE): the page's next article holding every word comes first (one that
        merely answers would answer near-topic questions with another story: docs/BENCHMARKS.md).
        """
        for rank, hit in enumerate(hits[1:PAGE_SIZE], start=1):
            article = hit.article
            found = _covered(query, article)
            if found.missing == 0:
                return self._first(query, hits, rank, quoted=quoted, highlight=highlight), found
        return hits, covered

    async def _linked_further(
        self,
        query: Query,
        hits: list[Hit],
        covered: Coverage,
        as_of: dt.date | None,
        days: DateRange | None,
        filters: Filters,
        *,
        quoted: int,
        highlight: bool,
    ) -> tuple[list[Hit], Coverage]:
        """The page with the first article further down the ranking that answers an "X of Y"
        question first, and its coverage (`covered`, the page's, when none does).

        "who is the defense minister of Russia?": stories naming Russia's Defense Ministry
        and some minister rank above the one story that names "Russian Defense Minister
        Sergei Shoigu" (twelfth in the sample), and none of them answers.
        """
        ranked = self._retriever.search(
            query, as_of=as_of, limit=LINKED_CANDIDATES, days=days, filters=filters
        )
        # The first page only, whatever the page's length: a story further down a longer page
        # (`ask --jsonl`'s ten) is lifted as the chat's three would lift it, not passed over.
        shown = {h.article.id for h in hits[:PAGE_SIZE]}
        shown |= {c.article_id for h in hits[:PAGE_SIZE] for c in h.also}
        picks = await one_per_story(self._stories, ranked, as_of=as_of)
        picks = [
            p
            for p in picks
            if p.article_id not in shown and shown.isdisjoint(c.article_id for c in p.also)
        ]
        stored = await self._articles.get_many([p.article_id for p in picks])
        for pick in picks:
            article = stored.get(pick.article_id)
            if article is None:
                continue
            found = _covered(query, article)
            # Every word, not the share that answers on the page: of thirty articles, one
            # holds most words of almost any question ("2023 grammys album of the year" by
            # Usher's "2004 album", "white house chief of staff?" in the Syria archive).
            if found.missing == 0 and answers(found):
                first = Hit(article, pick.score, Answer(sentence="", highlights=()), pick.also)
                copies = {pick.article_id, *(c.article_id for c in pick.also)}
                rest = [h for h in hits if h.article.id not in copies]
                page = [first, *rest[: max(len(hits) - 1, 1)]]
                return [
                    self._quoted(query, h, n < quoted, highlight) for n, h in enumerate(page)
                ], found
        return hits, covered

    def _first(
        self, query: Query, hits: list[Hit], rank: int, *, quoted: int, highlight: bool
    ) -> list[Hit]:
        """The hits with the one at `rank` first, each quoted as its new place says."""
        if rank == 0:
            return hits
        ordered = [hits[rank], *hits[:rank], *hits[rank + 1 :]]
        return [self._quoted(query, h, n < quoted, highlight) for n, h in enumerate(ordered)]

    def _quoted(self, query: Query, hit: Hit, quote: bool, highlight: bool) -> Hit:
        """The hit with its answer sentence when its place quotes one, else without."""
        if not quote:
            return dataclasses.replace(hit, answer=Answer(sentence="", highlights=()))
        if hit.answer.sentence:
            return hit
        article = hit.article
        answer = self._retriever.answer(
            query, article.title, article.text, article.clutter, article.lang, highlight=highlight
        )
        return dataclasses.replace(hit, answer=answer)

    def _names_itself(self, query: Query, hit: Hit, quotes: dict[int, str]) -> bool:
        """Whether the hit's quote and headline hold no word of the question's names only as
        another word of its stem: "who leads the Islamic State?" is not answered by "...
        fighters from Jaish al-Islam ... Leading members of Jaish al-Islam were on high alert",
        chosen for its "Islam", though its article names the Islamic State elsewhere (and so
        "who leads the islamic state?", as it is typed: bot/questions/links.py)."""
        article = hit.article
        written = f"{article.title}\n{without_clutter(article.text, article.clutter)}"
        links = find_links(query, with_ofs=False, written=written)
        if not links:
            return True
        text = f"{article.title}\n{self._quote(query, hit, quotes)}"
        english = [term for term in query.terms if term.lang == ENGLISH]
        return not stand_ins(links, english, text)

    def _quote_holds_the_xs(self, query: Query, hit: Hit, quotes: dict[int, str]) -> bool:
        """Whether the hit's quote, with its headline, holds each X of the question's "X of Y"
        in any form, by its Y or not: links.py does not see every way news writes them
        together ("the United Kingdom's latest prime minister")."""
        text = f"{hit.article.title}\n{self._quote(query, hit, quotes)}"
        held = frozenset(stems(_WORDS.findall(text.lower())))
        heads = {head for head, _ in find_links(query, with_ofs=True).ofs}
        return all(not held.isdisjoint(term.terms) for term in query.terms if term.word in heads)

    def _quote_holds_every_word(self, query: Query, hit: Hit, quotes: dict[int, str]) -> bool:
        """Whether the hit's quote, with its headline, holds every word of the question but
        one as common as "work" or "take", which tells no deed of its own ("White Helmets
        operates in the opposition-held parts of Syria" answers "where do the White Helmets
        work?")."""
        article = hit.article
        quote = self._quote(query, hit, quotes)
        year = article.published.year
        found = coverage(query, article.title, quote, year=year, lang=article.lang)
        return all(
            word in _HAPPENING or frequency(word, ENGLISH) >= LIGHT_ZIPF for word in found.absent
        )

    def _quotes_the_names(self, query: Query, hit: Hit, quotes: dict[int, str]) -> bool:
        """Whether the hit's quote, with its headline, holds each name the question types."""
        article = hit.article
        quote = self._quote(query, hit, quotes)
        year = article.published.year
        return not coverage(query, article.title, quote, year=year, lang=article.lang).unnamed

    def _counting_first(
        self, query: Query, hits: list[Hit], quotes: dict[int, str], *, quoted: int, highlight: bool
    ) -> tuple[list[Hit], bool]:
        """The first page's hits, the first whose quote counts what a "how many" question
        asks first, and whether there is one (`_counts`)."""
        for rank, hit in enumerate(hits[:PAGE_SIZE]):
            if self._counts(query, hit, self._quote(query, hit, quotes)):
                return self._first(query, hits, rank, quoted=quoted, highlight=highlight), True
            if is_long(query):
                break  # a quiz's answer may count in other words: its first hit decides
        return hits, False

    def _naming_the_role_first(
        self, query: Query, hits: list[Hit], quotes: dict[int, str], *, quoted: int, highlight: bool
    ) -> tuple[list[Hit], bool]:
        """The first page's hits, the first whose quote or headline names the role a "who led
        X?" question asks about first, and whether there is one (`names_the_role`): a story
        telling of X beside a coalition "led by the United States" may rank above the one
        naming who led X."""
        for rank, hit in enumerate(hits[:PAGE_SIZE]):
            if names_the_role(query, (self._quote(query, hit, quotes), hit.article.title)):
                return self._first(query, hits, rank, quoted=quoted, highlight=highlight), True
        return hits, False

    @staticmethod
    def _counts(query: Query, hit: Hit, quote: str) -> bool:
        """Whether a hit's quote answers "how many": it holds a count, of what is counted
        (`_counts_the_counted`), of the event asked ("killed", not "trapped") and, with its
        headline and the story's lead, the names a chat question types ("how many children
        died in the Khan Sheikhoun attack?" is not answered by the lead's count of another
        strike in Idlib, its story naming Khan Sheikhun further down)."""
        article = hit.article
        title = article.title
        if not (
            holds_count(quote)
            and _counts_the_counted(query, title, quote, article.lang)
            and holds_the_event(query, (quote, title))
        ):
            return False
        if is_long(query) or not typed_names(query.text):
            return True
        text = without_clutter(article.text, article.clutter, photos=True)
        lead = " ".join(itertools.islice(iter_sentences(text), LEAD_SENTENCES))
        return not coverage(query, title, f"{lead}\n{quote}", lang=article.lang).unnamed

    def _quote(self, query: Query, hit: Hit, quotes: dict[int, str]) -> str:
        """The sentence a chat reply would quote for this hit (found now, once, if not asked
        for: `quotes` keeps those found)."""
        if hit.answer.sentence:
            return hit.answer.sentence
        article = hit.article
        if article.id not in quotes:
            quotes[article.id] = self._retriever.answer(
                query, article.title, article.text, article.clutter, article.lang, highlight=False
            ).sentence
        return quotes[article.id]


def _cleaned(question: str) -> str:
    """A question as it is searched: lone surrogates (which no UTF-8 encoder takes) and
    controls are typing accidents; runs of white space are one space; at most
    MAX_QUESTION_CHARS."""
    return " ".join(storable(question).split())[:MAX_QUESTION_CHARS]


def _covered(query: Query, article: StoredArticle) -> Coverage:
    """How much of the question an article holds, read in its language, its year held."""
    return coverage(
        query,
        article.title,
        article.text,
        article.clutter,
        year=article.published.year,
        lang=article.lang,
    )


def _counts_the_dead_instead(query: Query, found: Coverage, quote: str, lang: str | None) -> bool:
    """Whether the one word of a "how many" question the quote lacks is what it counts, and
    the quote counts it in other words: "combien de morts à Nice ?" is answered by "84
    personnes ont été tuées à Nice" (bot/questions/abstention.py `counts`)."""
    if query.answer_type is not AnswerType.NUMBER or found.missing != 1:
        return False
    code = analysis_of(lang).code
    counted = counted_word(query.text, code)
    return (
        counted is not None
        and any(t.word in found.absent and counted in t.terms for t in query.terms)
        and counts(quote, counted, code)
    )


def _typed_forms(query: Query) -> frozenset[str]:
    """The question's words as the English index has them, and their other spellings searched
    ("Raqqa", "Raqa"): no place the question names is where it asks about."""
    typed = stems([match.group().lower() for match in tokenize(query.text)])
    return frozenset(typed).union(*(term.terms for term in query.terms))


def _few_words(query: Query) -> bool:
    """Whether a question has so few words that count that its quote must hold them all."""
    return 0 < len({term.word for term in query.terms}) <= TOGETHER_WORDS


def _counts_the_counted(query: Query, title: str, quote: str, lang: str | None) -> bool:
    """Whether the quote or its headline counts what a chat question counts: "how many
    refugees has Turkey taken in?" is not answered by "At least 29 people were killed at the
    Syria-Turkey border", nor "how many chemical attacks ...?" by "a chemical attack killed
    dozens of civilians", whatever count they hold. (A quiz question's quote may answer in
    other words: "how many passengers were aboard?", "the four members of the crew".) A word
    as common as "people" names nothing in particular: a count of any of the question's words
    will do ("Some 200,000 lived in the city" answers "how many people live in Raqqa?").
    In the article's language (`lang`, as stored): "сколько школ закрыто?" is not answered by
    "Наводнение разрушило 12 домов" (12 houses)."""
    code = analysis_of(lang).code
    counted = counted_word(query.text, code)
    if counted is None or is_long(query):
        return True
    if code == ENGLISH:
        named = [term for term in query.terms if stem(term.word) == counted]
    else:
        named = [term for term in query.terms if term.lang == code and counted in term.terms]
    asked = tuple(term for term in named if frequency(term.word, term.lang) < GENERIC_ZIPF)
    if not named:  # "how much did it cost?": any count
        return True
    if not asked:
        # "how many people live in Raqqa?": a count of any word of the question ("Some 200,000
        # lived in the city"), not of something else ("opening two small gaps in the wall").
        asked = query.terms
    # Any analysed form or correction of the word ("civilans" counts civilians).
    return any(
        counts(text, form, term.lang)
        for text in (quote, title)
        for term in asked
        for form in term.terms
    )


def _within_days(filters: Filters, days: DateRange) -> Filters:
    """The filters narrowed to these days ("news yesterday")."""
    after, before = days.first, days.last + dt.timedelta(days=1)
    return dataclasses.replace(
        filters,
        after=max(after, filters.after) if filters.after else after,
        before=min(before, filters.before) if filters.before else before,
    )


def _within(article: StoredArticle, days: DateRange) -> bool:
    return days.first <= article.published <= days.last


def _full_text(article: StoredArticle) -> str:
    return f"{article.title}\n{article.text}"
