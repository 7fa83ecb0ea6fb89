"""The Retriever: analyzed questions to ranked articles and the sentence that answers them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

import tantivy

from bot.languages import load_model
from bot.questions import lexicon
from bot.questions.analysis import (
    Query,
    QueryTerm,
    TermStats,
    analyze,
    answer_type,
    idf,
    meaningful_words,
    stem,
    tokenize,
)
from bot.questions.analysis import warm_up as warm_stems
from bot.questions.dates import DateRange
from bot.questions.filters import Filters
from bot.questions.languages import (
    LanguageStats,
    analyse_in,
    analyse_word,
    candidate_languages,
    languages_present,
    unheld_language,
)
from bot.questions.sentences import best_quote, cut_quote, highlights
from storage.languages import (
    ENGLISH,
    analysis_of,
    body_field,
    lead_field,
    normalize,
    title_field,
)
from storage.search_index import DAY_FIELD, LANG_FIELD, SOURCE_FIELD, day_number

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from storage.search_index import Hit, SearchIndex


@dataclass(frozen=True, slots=True)
class ScoredArticle:
    """An article id and how well it answers the query."""

    article_id: int
    score: float


@dataclass(frozen=True, slots=True)
class Answer:
    """The sentence to quote and the spans in it of words matching the query (none when they
    were not asked for)."""

    sentence: str
    highlights: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class RankingWeights:
    """The few parameters of the ranking, tuned on the dev questions (docs/BENCHMARKS.md)."""

    # A headline word counts this many times a body word; `other_title` in languages other
    # than English (tuned on bench/languages.py with 1.0). A headline is a short field whose
    # words BM25 already scores high; at 1.0 the right article came first less often on both
    # halves of the dev questions (tuned on the even ones: docs/BENCHMARKS.md).
    title: float = 0.4
    other_title: float = 1.0
    # Relative score bonus for an article published on the asking day; halved at `half_life`.
    recency: float = 3.0
    half_life_days: float = 14.0
    # A word in the opening of the body (storage.languages.LEAD_CHARS) counts this much more;
    # languages other than English only (tuned on bench/languages.py's tune half).
    lead: float = 0.5
    # Each distinct query word present adds this times its idf; `other_coordination` for the
    # words of languages other than English (tuned on bench/languages.py's tune half). Little
    # in English since headline words count less (0 ranked a little better still, but then an
    # article of common words alone could outrank one holding a rare word, which the narrowed
    # search of a large archive never finds: `_narrow_query`). 0.25 -> 0.2 in stop 27: hit@1
    # up on the even dev questions in every form, level or up on the odd ones, hit@5 the same
    # (docs/BENCHMARKS.md); 0.15 ranked better still but put such an article third for the
    # seed question in the sample archive (tests/test_retrieval.py).
    coordination: float = 0.2
    other_coordination: float = 0.5
    # Candidates taken from the engine before reranking.
    candidates: int = 100
    # A question in languages other than English: its first `exact_candidates` articles are
    # ranked again, each score times 1 + `exact` x the idf share of the question's words its
    # text holds as typed, not only as a stem (`by_exact_words`). A headline or a question
    # mostly uses its story's own word forms, a sibling story of the same event others
    # ("Мерседес" / "мерседесы"). Tuned on bench/languages.py's tune half (0.1-1.0, 5-20
    # candidates: docs/BENCHMARKS.md, "Languages, helper branch `lang30`").
    exact: float = 0.2
    exact_candidates: int = 10
    # ... and times 1 + `near` x the idf share of those words found as typed within
    # `near_chars` characters of each other (one sentence or clause): a headline often takes
    # a phrase of its story's ("все его успехи были ещё впереди"), a sibling story uses the
    # words apart. Tuned on bench/languages.py's tune half (60-120 characters, 0.15-0.25:
    # docs/BENCHMARKS.md, "Languages, helper branch `lang31`").
    near: float = 0.2
    near_chars: int = 100
    # Coordination counts only words in less than this share of the articles:
    # commoner words add little to them (low idf) and would cost most of the search time
    # (ranking is the same within 0.01 at 0.01 and 1.0 on the dev set).
    bonus_max_share: float = 0.01
    # ... but never fewer than this many articles: in a small archive they cost nothing.
    bonus_min_docs: int = 1_000
    # Words in fewer articles than this (and than `bonus_max_share`) choose the candidates, the
    # commoner ones only add to their scores (see `_narrow_query`); never below `bonus_min_docs`.
    # Below ~3,000 articles a word's postings are short and narrowing gains little, while on
    # the 11k dev archive at 1,000 it lost 2 of 366 gold articles from the top 5.
    narrow_min_docs: int = 3_000


DEFAULT_RANKING = RankingWeights()


def _english_function_words_only(question: str) -> bool:
    """Whether every word of the question is an English stop word, none typed in capitals
    ("WHO", "US" alone may name something)."""
    words = [match.group() for match in tokenize(question)]
    return (
        bool(words)
        and not meaningful_words(question)
        and not any(word.isupper() and len(word) > 1 for word in words)
    )


def warm_models() -> None:
    """Load what questions of any archive load once: the language model (half a second),
    English's word list and the analysis of its commonest words."""
    load_model()
    lexicon.load(ENGLISH)
    warm_stems()


class Retriever:
    """Search the index for a question and pick the sentence that answers it."""

    def __init__(self, index: SearchIndex, weights: RankingWeights = DEFAULT_RANKING) -> None:
        self._index = index
        self._weights = weights

    @property
    def stats(self) -> TermStats:
        """The archive's term statistics (how rare a word is, for choosing sentences)."""
        return self._index

    def warm_up(self) -> None:
        """Load what a first question of a kind loads once: `warm_models`, and the word lists
        of the archive's languages. For a batch of questions, whose first ones would otherwise
        pay."""
        warm_models()
        for code in languages_present(self._index):
            lexicon.load(code)

    def analyze(self, question: str, *, lang: str | None = None) -> Query:
        """Analyze a question against the archive's vocabulary, in each language it may be in
        (`lang`: only that one); each article is then scored on its own language's words."""
        if lang is None and _english_function_words_only(question):
            # "the" alone, read as another language where it is a word, quoted a story on
            # Tabqa as the answer: like "of and", it names nothing (the newest are listed).
            return Query(question, (), answer_type(question))
        langs = candidate_languages(question, self._index, analysis_of(lang).code if lang else None)
        if langs == [ENGLISH]:
            return analyze(question, self._index)
        terms: list[QueryTerm] = []
        for rank, code in enumerate(langs):
            if code == ENGLISH:
                terms.extend(analyze(question, self._index, langs[0] if rank else None).terms)
            else:
                stats = LanguageStats(self._index, code)
                terms.extend(analyse_in(code, question, stats, correct=rank == 0))
        # In every language its question words ask for what English's do ("сколько погибло в
        # Алеппо?" wants a count: the quote holds one, or the archive has no answer).
        return Query(question, tuple(terms), answer_type(question))

    def search(
        self,
        query: Query,
        *,
        as_of: datetime.date | None,
        limit: int = 10,
        offset: int = 0,
        days: DateRange | None = None,
        filters: Filters | None = None,
        newest: bool = False,
    ) -> list[ScoredArticle]:
        """Rank articles for `query`, best first, leaving out those published after `as_of`
        and those `filters` leave out.

        With `days` (a date the question names), the articles of those days come first. A
        query without words lists the newest articles its filters pass: with `newest`, also
        when there are none (a request for the news), else none; one with words and `newest`
        lists the newest articles holding each of them (in any of its forms).
        """
        if limit <= 0:
            return []
        if filters is not None and filters.before is not None:
            last = filters.before - datetime.timedelta(days=1)
            as_of = last if as_of is None else min(as_of, last)
        if query.is_empty:
            if not newest and (filters is None or not filters.narrows):
                return []
            # Filters alone ("source:reuters", "lang:ar after:2017-06"): the newest they pass.
            listed = self._filtered(tantivy.Query.all_query(), query, filters)
            hits = self._index.newest(listed, as_of=as_of, limit=limit, offset=offset)
            return [ScoredArticle(hit.article_id, hit.score) for hit in hits]
        if newest:
            # The news of a subject ("latest news about Aleppo"): the articles whose headlines
            # hold every word of it, newest first, when there are any (a story naming Aleppo
            # in passing, "... major cities Damascus, Aleppo, Homs", is no news about it); else
            # those whose texts do.
            listed = self._filtered(self._every_word(query.terms, titles=True), query, filters)
            if not self._index.newest(listed, as_of=as_of, limit=1):
                listed = self._filtered(self._every_word(query.terms), query, filters)
            hits = self._index.newest(listed, as_of=as_of, limit=limit, offset=offset)
            return [ScoredArticle(hit.article_id, hit.score) for hit in hits]
        if days is not None:
            return self._dated(query, as_of, limit, offset, days, filters)
        wanted = max(self._weights.candidates, offset + limit)
        min_idf = self._rare_idf(self._weights.bonus_min_docs)
        narrow = self._narrow_query(query, min_idf)
        hits = (
            []
            if narrow is None
            else self._index.search(
                self._filtered(narrow, query, filters), as_of=as_of, limit=wanted
            )
        )
        if len(hits) < offset + limit:
            # Too few articles hold a rare word for this page: let the common words find more.
            full = self._filtered(self._full_query(query, min_idf), query, filters)
            hits = self._index.search(full, as_of=as_of, limit=wanted)
        today = day_number(as_of if as_of is not None else datetime.date.today())
        ranked = sorted(
            ((self._final_score(hit, today), hit.day or 0, hit.article_id) for hit in hits),
            reverse=True,
        )
        return [ScoredArticle(a, s) for s, _, a in ranked[offset : offset + limit]]

    def reranks(self, query: Query) -> int:
        """How many of the first articles found `by_exact_words` ranks again (0: none): only
        for a question read in languages other than English alone (English ranking is tuned
        without it, and its articles would lose to others' that get the bonus)."""
        if self._weights.exact <= 0 or query.is_empty:
            return 0
        if any(term.lang == ENGLISH for term in query.terms):
            return 0
        return self._weights.exact_candidates

    def by_exact_words(
        self,
        query: Query,
        ranked: Sequence[ScoredArticle],
        texts: Mapping[int, tuple[str | None, str]],
    ) -> list[ScoredArticle]:
        """`ranked` with its first `reranks(query)` articles ordered again by their scores
        raised for the question's words their text holds as typed, and more for those it
        holds side by side; `texts`: each of those articles' language and searched text
        (headline and body, page clutter left out)."""
        head = self.reranks(query)
        if head < 2 or len(ranked) < 2:
            return list(ranked)
        by_lang: dict[str, list[QueryTerm]] = {}
        for term in query.terms:
            by_lang.setdefault(term.lang, []).append(term)
        weights = self._weights
        rescored = []
        for place, found in enumerate(ranked[:head]):
            raised = 1.0
            if (article := texts.get(found.article_id)) is not None:
                code = analysis_of(article[0]).code
                if terms := by_lang.get(code):
                    held, near = _shares_as_typed(
                        terms, normalize(code, article[1]).lower(), weights.near_chars
                    )
                    raised = (1.0 + weights.exact * held) * (1.0 + weights.near * near)
            rescored.append((found.score * raised, -place, found))
        rescored.sort(key=lambda item: item[:2], reverse=True)
        # Every score only rises: the rest stay below.
        return [ScoredArticle(f.article_id, score) for score, _, f in rescored] + list(
            ranked[head:]
        )

    def _dated(
        self,
        query: Query,
        as_of: datetime.date | None,
        limit: int,
        offset: int,
        days: DateRange,
        filters: Filters | None,
    ) -> list[ScoredArticle]:
        """The articles of `days` that match, best first, then the rest as ranked near them."""
        wanted = max(self._weights.candidates, offset + limit)
        full = self._filtered(
            self._full_query(query, self._rare_idf(self._weights.bonus_min_docs)), query, filters
        )
        dated = self._index.search(
            self._index.within_days(full, days.first, days.last), as_of=as_of, limit=wanted
        )
        # Recency counts from the day asked about, not from today.
        rest = self.search(query, as_of=as_of, limit=wanted, offset=0, filters=filters)
        first = [
            ScoredArticle(h.article_id, h.score) for h in sorted(dated, key=lambda h: -h.score)
        ]
        seen = {s.article_id for s in first}
        ranked = first + [s for s in rest if s.article_id not in seen]
        return ranked[offset : offset + limit]

    def is_empty(self) -> bool:
        """Whether the index holds no article at all."""
        return self._index.num_docs() == 0

    def unheld_language(self, question: str, only: str | None = None) -> str | None:
        """The language the question asks in (or filters on) when no article is in it."""
        return unheld_language(question, self._index, only)

    def suggest(self, query: Query, limit: int = 5) -> list[str]:
        """Return archive words spelled closest to the query words, for "nothing found"."""
        found: list[str] = []
        for term in query.terms:
            # The word's own analysed form is no suggestion (in its language's analysis).
            own = stem(term.word) if term.lang == ENGLISH else analyse_word(term.lang, term.word)
            for variant in term.variants:
                if variant.term != own and variant.term not in found:
                    found.append(variant.term)
        return found[:limit]

    def answer(
        self,
        query: Query,
        title: str,
        text: str,
        clutter: str | None = None,
        lang: str | None = None,
        *,
        highlight: bool = True,
    ) -> Answer:
        """Return the sentence of this article that best answers `query`, with highlights
        (`highlight=False`: none, for a reply that does not show them).

        `clutter` is the article's page clutter found at import (None: found now); `lang`, the
        article's language, keeps only the question's words read in it.
        """
        if lang is not None:
            query = query.read_in(analysis_of(lang).code)
        sentence = cut_quote(
            best_quote(query, title, text, stats=self._index, clutter=clutter, lang=lang)
        )
        return Answer(sentence, highlights(query, sentence) if highlight else ())

    def _filtered(
        self, found: tantivy.Query, query: Query, filters: Filters | None
    ) -> tantivy.Query:
        """`found` narrowed to the articles that pass the filters (scores unchanged)."""
        if filters is None or not filters.any:
            return found
        schema = self._index.schema
        must: list[tantivy.Query] = []
        if filters.lang is not None:
            must.append(tantivy.Query.term_query(schema, LANG_FIELD, filters.lang, "basic"))
        for source in filters.sources:
            must.extend(
                tantivy.Query.term_query(schema, SOURCE_FIELD, word, "basic")
                for word in self._index.source_terms(source)
            )
        if filters.after is not None:
            must.append(
                tantivy.Query.range_query(
                    schema,
                    DAY_FIELD,
                    tantivy.FieldType.Integer,
                    lower_bound=day_number(filters.after),
                )
            )
        # A quoted phrase needs all its words (the service then checks they are in order).
        langs = sorted({term.lang for term in query.terms})
        if not langs and filters.excluded:
            # Filters alone ("lang:fr -inondation"): the words left out, read in their language.
            left_out = self.analyze(" ".join(filters.excluded), lang=filters.lang)
            langs = sorted({term.lang for term in left_out.terms})
        langs = langs or [ENGLISH]
        for phrase in filters.phrases:
            # Every word in one language's fields: the article is in one language, and a
            # question read as English and as Nigerian Pidgin matched nothing when the words
            # were needed in both.
            readings = [
                tantivy.Query.boolean_query(
                    [(tantivy.Occur.Must, self._any_field(term, [lang])) for term in terms]
                )
                for lang in langs
                if (terms := self._analyse_filter_words(phrase, lang))
            ]
            if readings:
                must.append(
                    tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in readings])
                )
        clauses = [(tantivy.Occur.Must, found)]
        clauses.extend((tantivy.Occur.Must, q) for q in must)
        for word in filters.excluded:
            unwanted = {
                (lang, term) for lang in langs for term in self._analyse_filter_words(word, lang)
            }
            # ... and its other spellings the archive holds, as a question takes them ("-Raqqa"
            # leaves out Raqa too).
            unwanted.update(
                (term.lang, variant.term)
                for term in self.analyze(word, lang=filters.lang).terms
                if term.lang in langs
                for variant in term.variants
            )
            for lang, term in sorted(unwanted):
                clauses.append((tantivy.Occur.MustNot, self._any_field(term, [lang])))
        return tantivy.Query.boolean_query(clauses)

    @staticmethod
    def _analyse_filter_words(text: str, lang: str) -> list[str]:
        """The indexed forms of a filter's words in `lang`, as written (stop words left out)."""
        words = (m.group().lower() for m in tokenize(normalize(lang, text)))
        return [term for term in (analyse_word(lang, w) for w in words) if term]

    def _any_field(self, term: str, langs: Sequence[str]) -> tantivy.Query:
        schema = self._index.schema
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.term_query(schema, field, term, "basic"))
                for lang in langs
                for field in (body_field(lang), title_field(lang))
            ]
        )

    def _final_score(self, hit: Hit, today: int) -> float:
        weights = self._weights
        if hit.day is None:
            return hit.score
        age = max(0, today - hit.day)
        boost: float = weights.recency * 0.5 ** (age / weights.half_life_days)
        return hit.score * (1.0 + boost)

    def _terms_query(self, terms: Sequence[QueryTerm]) -> tantivy.Query:
        """BM25 of every analyzed form of these query words, in body and headline."""
        schema = self._index.schema
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for term in terms:
            for variant in term.variants:
                title = self._weights.title if term.lang == ENGLISH else self._weights.other_title
                fields = [(body_field(term.lang), 1.0), (title_field(term.lang), title)]
                if self._weights.lead > 0 and term.lang != ENGLISH:
                    fields.append((lead_field(term.lang), self._weights.lead))
                for field, boost in fields:
                    # BM25 needs the counts, not the positions.
                    clause = tantivy.Query.term_query(schema, field, variant.term, "freq")
                    clauses.append(
                        (
                            tantivy.Occur.Should,
                            tantivy.Query.boost_query(clause, boost * variant.weight),
                        )
                    )
        return tantivy.Query.boolean_query(clauses)

    def _every_word(self, terms: Sequence[QueryTerm], *, titles: bool = False) -> tantivy.Query:
        """The articles holding each word typed (in any language it was read in); with
        `titles`, in their headlines."""
        by_word: dict[str, list[QueryTerm]] = {}
        for term in terms:
            by_word.setdefault(term.word.lower(), []).append(term)
        schema = self._index.schema
        musts: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for same in by_word.values():
            if titles:
                held = tantivy.Query.boolean_query(
                    [
                        (
                            tantivy.Occur.Should,
                            tantivy.Query.term_query(
                                schema, title_field(term.lang), variant.term, "basic"
                            ),
                        )
                        for term in same
                        for variant in term.variants
                    ]
                )
            else:
                held = self._terms_query(same)
            musts.append((tantivy.Occur.Must, held))
        return tantivy.Query.boolean_query(musts)

    def _full_query(self, query: Query, min_idf: float) -> tantivy.Query:
        """BM25 of the query words, plus coordination of the rarer ones."""
        clauses = [self._terms_query(query.terms), *self._bonus_clauses(query, min_idf)]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, c) for c in clauses])

    def _narrow_query(self, query: Query, min_idf: float) -> tantivy.Query | None:
        """The full query's scores, over only the articles holding a rarer word.

        None when that is every article the full query finds (no common words) or none (no
        rare ones). The common words add to the scores without being searched on their own:
        the postings of a common word are long (up to every article), so reading them whole
        was most of the search time, and an article holding only common words of the question
        almost never ranks near the top (it misses every high-idf word and its coordination).
        """
        # At most `min_idf`: every word with a coordination clause is rare.
        narrow_idf = min(min_idf, self._rare_idf(self._weights.narrow_min_docs))
        rare = [term for term in query.terms if term.idf >= narrow_idf]
        common = [term for term in query.terms if term.idf < narrow_idf]
        if not rare or not common:
            return None
        driver = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, c)
                for c in (self._terms_query(rare), *self._bonus_clauses(query, min_idf))
            ]
        )
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, driver), (tantivy.Occur.Should, self._terms_query(common))]
        )

    def _rare_idf(self, min_docs: int) -> float:
        """The idf below which a word is common: in `bonus_max_share` of the articles or more,
        and in at least `min_docs`."""
        num_docs = max(self._index.num_docs(), 1)
        common = max(int(self._weights.bonus_max_share * num_docs), min_docs)
        return idf(common, num_docs) if common < num_docs else 0.0

    def _bonus_clauses(self, query: Query, min_idf: float) -> list[tantivy.Query]:
        """Coordination of the rarer query words (each a clause to add)."""
        schema = self._index.schema
        weights = self._weights
        clauses: list[tantivy.Query] = []
        if weights.coordination > 0 or weights.other_coordination > 0:
            # Each distinct query word found adds its idf once, whatever its count: articles
            # holding all the words beat those repeating a few.
            for term in (t for t in query.terms if t.idf >= min_idf):
                factor = (
                    weights.coordination if term.lang == ENGLISH else weights.other_coordination
                )
                if factor <= 0:
                    continue
                present = [
                    tantivy.Query.const_score_query(
                        tantivy.Query.term_query(schema, field, variant.term, "basic"),
                        factor * term.idf * variant.weight,
                    )
                    for variant in term.variants
                    for field in (body_field(term.lang), title_field(term.lang))
                ]
                clauses.append(tantivy.Query.disjunction_max_query(present))
        return clauses


def _shares_as_typed(terms: Sequence[QueryTerm], text: str, width: int) -> tuple[float, float]:
    """The idf share of the words (normalised, lower case) that `text` (the same) holds as
    whole words, and the largest share of them starting less than `width` characters apart."""
    total = sum(term.idf for term in terms)
    if total <= 0:
        return 0.0, 0.0
    places = sorted((at, n) for n, term in enumerate(terms) for at in _word_places(text, term.word))
    held = sum(terms[n].idf for n in {n for _, n in places}) / total
    # A window sliding over the places: each word's count in it, and their idf summed.
    inside = [0] * len(terms)
    near = within = 0.0
    first = 0
    for at, n in places:
        if not inside[n]:
            within += terms[n].idf
        inside[n] += 1
        while at - places[first][0] >= width:
            gone = places[first][1]
            inside[gone] -= 1
            if not inside[gone]:
                within -= terms[gone].idf
            first += 1
        near = max(near, within)
    return held, near / total


def _word_places(text: str, word: str) -> list[int]:
    """Where `word` starts in `text` as a whole word (as the index's tokenizer splits them)."""
    places = []
    at = text.find(word)
    while at != -1:
        end = at + len(word)
        before = at == 0 or not text[at - 1].isalnum()
        if before and (end == len(text) or not text[end].isalnum()):
            places.append(at)
        at = text.find(word, at + 1)
    return places
