"""Sentence splitting of article texts and the choice of the sentence that answers a question."""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from bot.articles.abbreviations import ends_short_form
from bot.articles.clutter.spans import clutter_spans, decode_spans, encode_spans, without_clutter
from bot.articles.letters import CAPITALS, SENTENCE_OPENERS, SMALL
from bot.questions.abstention import counted_word, counts, coverage, holds_count, is_long
from bot.questions.analysis import (
    STOP_TERMS,
    WORD_RE,
    AnswerType,
    idf,
    stems,
    tokenize,
    typed_names,
    word_set,
)
from bot.questions.languages import analyse_word
from bot.questions.links import find_links, foreign_unlinked, unlinked
from storage.languages import ENGLISH, OTHER, analysis_of, normalize

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from bot.questions.analysis import Query, TermStats

# The last part of a web address, capitalised as some pages do ("Jobing.Com", "Газете.Ru").
_DOMAINS = "(?:Com|COM|Net|Org|Ru|RU|Ру|Fr|Info|Online|Io|Uk)"
# A sentence ends at . ! ? or Arabic's question mark (and closing quotes or brackets) before a
# space and a capital ("ловушке. ООН", "Alep. À"), or a letter of a script without capitals.
_SPACED_END = rf"""[.!?؟]*["'”’»)\]]*\s+(?=["'“‘«(\[]?[{SENTENCE_OPENERS}])"""
# ... or, with no space, between a word and a capitalised one: pages whose paragraphs were
# joined glue them so ("...pour les usagers.Twitter va également..."; 2,328 of 3,250 French
# articles of the benchmark do, a paragraph then read as one sentence and its quote cut
# before the answer). Two small letters before the stop, or one and a closing quote: not
# initials ("U.S.Army") nor a web address's parts ("Jobing.Com", "Газете.Ru"). A straight
# quote after the stop closes the sentence's quotation or opens the next one's: see
# `_raw_sentences`.
_GLUED_END = (
    rf"""(?<=(?:[{SMALL}][{SMALL}]|[{SMALL}]["”»’])[.!?])[.!?]*[”’»)\]]*"""
    rf"""(?=["“«]?[{CAPITALS}]['’]?[{SMALL}])(?!{_DOMAINS}\b)"""
)
# Both open with the mark itself, so that `re` skips to the next mark in C: begun with the
# glued one's look-behind, an alternation made `re` try it at every character (the split of
# an article 540 us, not 60 to 80).
_BOUNDARY = re.compile(f"[.!?؟](?:{_SPACED_END}|{_GLUED_END})")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[-•*])")
# Splits as WORD_RE does in text without "_", and faster.
_PLAIN_WORD = re.compile(r"\w+")
# ... and so in ASCII text, faster still.
_ASCII_WORD = re.compile(r"\w+", re.ASCII)
# A name inside a sentence (for "who" and "where"): a capital and small letters, of any script
# with case ("Raqqa", "Ракка").
_CAPITALIZED = re.compile(rf"(?<![.!?]\s)(?<!^)\b[{CAPITALS}][{SMALL}]+")
_TIME_WORDS = (
    r"\b(?:1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"yesterday|today)\b"
    # ... and in the other languages readers ask in: Russian (words begin so), French (not
    # "mars": English news names the planet), Arabic.
    r"|(?<!\w)(?:январ|феврал|март|апрел|ма[яйе]\b|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"понедельник|вторник|сред[уаы]\b|четверг|пятниц|суббот|воскресень|вчера\b|сегодня\b|"
    r"(?:janvier|février|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
    r"décembre|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd'hui)\b|"
    r"(?:ال)?(?:اثنين|ثلاثاء|اربعاء|أربعاء|خميس|جمعة|سبت|أحد|احد)\b|أمس\b|امس\b)"
)
# The first letters of those words and years, in any case: tried first at each character, they
# spare `re` trying every word there (holds_time of a sentence in half the time).
TIME_OPENERS = "12adfhjlmnostvwyавдимнопсфчяأاثجخس"
_TIME = re.compile(f"(?=[{TIME_OPENERS}])(?:{_TIME_WORDS})", re.IGNORECASE)
# `_BELOW_A(word)`: "a" > word, that is word < "a".
_BELOW_A = "a".__gt__
_NOTHING: frozenset[str] = frozenset()
# Opening quotation marks.
_QUOTES = frozenset("\"'“‘«")
_CLOSING = "\"'”’»)] "
# Photo captions repeat the story's names but never say what happened.
_CAPTION = re.compile(
    r"(?:FILE )?(?:PHOTO|IMAGE|PICTURE)\b|\(?(?:Photo|Image)(?: credit)?:", re.IGNORECASE
)
# Captions start with one of these words (a cheap test before the pattern).
_CAPTION_WORDS = word_set("file photo image picture")
# "What did Russia say about ...?": who is asked to have said it (English).
_SAID_BY = re.compile(
    r"\bwhat (?:did|does|do|has|have|will) (.+?) (?:say|said|tell|told|think|claim)\b",
    re.IGNORECASE,
)
# Answers sit near the top of news stories; reading further costs time and rarely pays.
MAX_SENTENCES = 30
# Analyzed texts kept for the next questions (about 25 KiB each on news-qa articles).
READ_TEXTS_KEPT = 256
# A headline found this close to the start of the text was cut from it.
HEADLINE_SEARCH_CHARS = 400
# Questions of at least this many words prefer a sentence holding all of them.
MIN_WORDS_FOR_ALL = 3
# A sentence holding less than this share of the question's weight holds none of what it asks.
STRAY_SHARE = 0.05
# ... when none of the first this many sentences holds any of them.
LEAD_SENTENCES = 3
# How many sentences on each side of a quote count as its context.
NEIGHBOURS = 2
# A quote is cut to this many characters (on a word boundary, with "…").
MAX_QUOTE_CHARS = 400
# Lines this short with no full stop are bylines, datelines and bullet headings, not answers.
MIN_SENTENCE_WORDS = 5
# The two sentences of a story's lead are quoted together when one refers to the other: a first
# sentence opening with an article describes its subject before naming it ("A copy of a Jane
# Austen novel sold..." / "The first edition of Emma..."), and a second one opening with "The"
# or a pronoun refers back to what the first named ("Tom Cruise is choosing..." / "The 'Top
# Gun' star, 62, received..."): either quoted alone leaves out who or what it is about.
_DESCRIBES = frozenset({"A", "An", "The"})
# A second sentence of the lead is quoted cut when at least this much of it fits.
MIN_CUT_PARTNER_CHARS = 100
_REFERS_BACK = frozenset(
    {"The", "He", "She", "It", "It’s", "It's", "They", "His", "Her", "Its", "Their", "This"}
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a text: its characters and where it starts in the text."""

    text: str
    start: int


def split_sentences(text: str) -> list[Sentence]:
    """Split a text into sentences, by paragraph and then by end punctuation."""
    return [
        Sentence(" ".join(raw.split()), begin + len(raw) - len(raw.lstrip()))
        for begin, raw in _raw_sentences(text)
        if not raw.isspace() and raw
    ]


def iter_sentences(text: str) -> Iterator[str]:
    """The sentences of a text as `split_sentences` finds them, lazily (just their text)."""
    for _, raw in _raw_sentences(text):
        sentence = " ".join(raw.split())
        if sentence:
            yield sentence


def _raw_sentences(text: str) -> Iterator[tuple[int, str]]:
    """Each piece of the text between sentence ends, with where it starts (may be blank)."""
    start = 0
    for gap in itertools.chain(_PARAGRAPH.finditer(text), (None,)):
        end = len(text) if gap is None else gap.start()
        piece = start
        for boundary in _BOUNDARY.finditer(text, start, end):
            dot = boundary.start()
            if text[dot] == "." and ends_short_form(text, start, dot):
                continue
            after = boundary.end()
            if text[after : after + 1] == '"' and text.count('"', piece, dot) % 2:
                # Glued to the next sentence, a straight quote closes the one open here.
                after += 1
            yield piece, text[piece:after]
            piece = after
        yield piece, text[piece:end]
        if gap is not None:
            start = gap.end()


# The cues that choose the answer sentence, in the order of `SentenceWeights` (see there).
CUES = (
    "share",
    "best_share",
    "focus",
    "sole",
    "position",
    "answer_type",
    "headline",
    "new_name",
    "recurring",
    "subject",
    "quote",
)
# Where a sentence's cues say it holds the kind of answer asked (for "how many": a count).
_TYPED = CUES.index("answer_type")


@dataclass(frozen=True, slots=True)
class SentenceWeights:
    """How much each cue counts when choosing the answer sentence: score = sum of weight x cue.

    Fitted by `python -m bench.tune ARTICLES QUESTIONS fit` (news-qa dev questions, all three
    forms): a conditional logit over the sentences of each question's article, the sentences
    holding the answer string being the right ones, with the README's seed question (the UN
    sentence of the Raqqa story, in the sample archive and alone) as a requirement; checked on
    question halves it was not fitted on; rounded to two digits.
    """

    # The idf share of the query words the sentence holds (0..1).
    share: float = 0.43
    # ... relative to the sentence holding most of them (1 for that one): what matters is
    # matching the question better than the rest of the article does.
    best_share: float = 0.90
    # The share of the query words weighted also by how few of the article's sentences hold
    # them: a query word in every sentence (the story's subject) does not tell them apart.
    focus: float = 1.04
    # For the sentence holding most of the query: by how much the next one holds less
    # (1 - its share / this share); 0 for the others.
    sole: float = 1.00
    # Lost as log(1 + n) by the n-th full sentence: news puts what happened up front.
    position: float = -0.34
    # The kind of answer asked for (a number for "how many") appears in the sentence.
    answer_type: float = 0.6
    # The idf share of the headline's words the question does not use: the headline often
    # names what the question asks for (asked "which celebrity?", the headline says Rihanna).
    headline: float = 1.92
    # The sentence names someone or something (a capitalised word or a number the question
    # does not use) for the first time in the text: answers come with a full name.
    new_name: float = 1.20
    # ... and how much the most recurring such name recurs in the text (0 once .. 1 the most):
    # asked "which dinosaur?", the story names its Gorgosaurus in sentence after sentence.
    recurring: float = 0.75
    # ... counted again when the question names none of the story's most-named names: asked
    # "ice cream company makeover?", the story's subject (Baskin-Robbins) is likely the answer,
    # while asked "Bob Saget dies?", it is not.
    subject: float = 0.99
    # The sentence opens with a quotation mark: someone's words, less often the fact asked for.
    quote: float = -0.81

    def vector(self) -> tuple[float, ...]:
        """The weights in the order of `CUES`."""
        return tuple(getattr(self, name) for name in CUES)


DEFAULT_WEIGHTS = SentenceWeights()
# Its vector, read once (`vector` reads each weight by name: a tenth of an answer's scoring).
_DEFAULT_VECTOR = DEFAULT_WEIGHTS.vector()


class _Read(NamedTuple):
    """A sentence worth reading, analyzed as far as no question is needed.

    (Named tuples: several dozen are made for each article an answer reads.)
    """

    text: str
    terms: list[str]
    # Capitalised words (the first one too) and numbers, stop words left out.
    names: frozenset[str]


@functools.lru_cache(maxsize=READ_TEXTS_KEPT)
def _read(
    text: str, clutter: str = "", most: int | None = MAX_SENTENCES, lang: str = ENGLISH
) -> tuple[_Read, ...]:
    """The full sentences of a text worth reading (at most `most`; None: all), analyzed as
    `lang`'s index field has its words (the question's words are, in that language).

    `clutter` holds the spans of page clutter found at import (bot/articles/clutter/):
    they are cut out of the sentences. Kept for the last few texts: the same story answers
    many questions (and the three forms of one), and this is most of the cost of choosing a
    sentence.
    """
    texts: list[str] = []
    lists: list[list[str]] = []
    spans = decode_spans(clutter) if clutter else []
    # A sentence wholly before or after every span needs no look at them.
    first = min(low for low, _ in spans) if spans else 0
    last = max(high for _, high in spans) if spans else 0
    english = lang == ENGLISH
    # Without "_" anywhere, no sentence needs WORD_RE (one look at the text, not one a sentence).
    plain = "_" not in text
    for begin, raw in _raw_sentences(text):
        if begin < last and begin + len(raw) > first:
            raw = _without_clutter(text, begin, raw, spans)
        seen = raw if english else normalize(lang, raw)
        if plain or "_" not in seen:
            # A fifth faster on ASCII text, where it splits as `_PLAIN_WORD` does.
            words = (_ASCII_WORD if seen.isascii() else _PLAIN_WORD).findall(seen)
        else:
            words = WORD_RE.findall(seen)
        if len(words) < MIN_SENTENCE_WORDS:
            continue
        sentence = _one_line(raw)
        if words[0].lower() in _CAPTION_WORDS and _CAPTION.match(sentence):
            continue
        texts.append(sentence)
        lists.append(words)
        if len(texts) == most:
            break
    if not texts:
        return ()
    # The words of every sentence kept analyzed at once: the words not seen yet then cost one
    # analyzer call for the text, not one a sentence; so are their capitals (`_capitals`).
    every = list(itertools.chain.from_iterable(lists))
    terms = stems(every) if english else _analysed_words(lang, every)
    capital = _capitals(every)
    found: list[_Read] = []
    at = 0
    for sentence, words in zip(texts, lists, strict=True):
        end = at + len(words)
        own = terms[at:end]
        names = frozenset(itertools.compress(own, capital[at:end])) - STOP_TERMS
        found.append(_Read(sentence, own, names))
        at = end
    return tuple(found)


def _one_line(raw: str) -> str:
    """`" ".join(raw.split())`: the text with each run of white space one space, none at the
    ends; in twice less time for the sentences whose only white space inside is single spaces
    (nearly all): every other white space character is unprintable."""
    core = raw.strip()
    if core.isprintable() and "  " not in core:
        return core
    return " ".join(raw.split())


def _analysed_words(lang: str, words: list[str]) -> list[str]:
    """Each word as `lang`'s index field has it ('' for stop words)."""
    return [analyse_word(lang, word.lower()) for word in words]


def _without_clutter(text: str, begin: int, raw: str, spans: list[tuple[int, int]]) -> str:
    """The longest piece of the sentence at `begin` outside the clutter spans ("" if none)."""
    end = begin + len(raw)
    pieces: list[tuple[int, int]] = []
    start = begin
    for low, high in spans:
        if high <= start or low >= end:
            continue
        if low > start:
            pieces.append((start, low))
        start = max(start, high)
    if start == begin and not pieces:
        return raw
    if start < end:
        pieces.append((start, end))
    best = ""
    for low, high in pieces:
        # A piece starting inside a word (clutter glued to it) starts at the next word.
        while low < high and low > 0 and text[low - 1].isalnum() and text[low].isalnum():
            low += 1
        piece = text[low:high].strip()
        if len(piece) > len(best):
            best = piece
    return best


def cut_quote(sentence: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """The sentence, or its start cut at a word boundary with "…" to fit `limit` characters."""
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    if sentence[limit - 1].isalnum() and cut[-1:].isalnum():
        cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:-–—") + "…"


# The `position` cue of the first sentences (log1p of the place), read from a table.
_LOG_PLACE = tuple(math.log1p(rank) for rank in range(MAX_SENTENCES))
# The query weights of a sentence holding no word of the question (shared: never written).
_NO_MATCH: dict[int, float] = {}
# The names of a `_Read`, read in C.
_NAMES = operator.attrgetter("names")


def sentence_cues(
    query: Query,
    title: str,
    text: str,
    stats: TermStats | None = None,
    clutter: str | None = None,
    lang: str | None = None,
    most: int | None = MAX_SENTENCES,
) -> list[tuple[str, tuple[float, ...]]]:
    """Return the full sentences worth reading (at most `most`: None, all) with their cues.

    `stats` gives the rarity of the headline's words; without it they all count the same.
    `clutter` is the article's stored clutter spans (None: found now); `lang` the article's
    language (None: English), whose analysis its words are read with.
    """
    code = ENGLISH if lang is None else analysis_of(lang).code
    if clutter is None:
        clutter = encode_spans(clutter_spans(title, text))
    weights = _query_weights(query)
    wanted = frozenset(weights)
    # Exactly rounded sums: a sentence holding every word has a share of exactly 1.0, whatever
    # order the set of its words was read in (the order differs between processes).
    total_idf = math.fsum(term.idf for term in query.terms)
    headline = _headline_idf(title, text, wanted, stats, code)
    headline_terms = frozenset(headline)
    headline_total = math.fsum(headline.values())
    kind = query.answer_type
    reads = _read(text, clutter, most, code)
    if len(reads) == MAX_SENTENCES and not any(wanted.intersection(r.terms) for r in reads):
        # A round-up ("the week's news in ten stories") holds the question's words further
        # down than a story's answer ever sits: read on rather than quote an unrelated lead.
        reads = _read(text, clutter, None, code)
    idfs = [term.idf for term in query.terms]
    # The query's analyzed forms each sentence holds (its names are among its terms).
    asked = wanted if total_idf else _NOTHING
    # The first pass: each sentence's share of the question, the question's words it holds
    # (by number, with the weight of the form held) and its share of the headline.
    shares: list[float] = []
    matched: list[dict[int, float]] = []
    heads: list[float] = []
    for read in reads:
        held = asked.intersection(read.terms)
        if held:
            best: dict[int, float] = {}
            for term in held:
                number, weight = weights[term]
                if weight > best.get(number, 0.0):
                    best[number] = weight
            shares.append(math.fsum(w * idfs[n] for n, w in best.items()) / total_idf)
            matched.append(best)
        else:
            shares.append(0.0)
            matched.append(_NO_MATCH)
        found = headline_terms.intersection(read.terms) if headline_terms else _NOTHING
        heads.append(math.fsum(headline[t] for t in found) / headline_total if found else 0.0)
    if kind is AnswerType.ANY:
        typed = [0.0] * len(reads)
    else:
        typed = [float(_has_answer_type(kind, read.text)) for read in reads]
    # The second pass: cues that depend on the other sentences. A sentence's names never
    # include the question's words it holds (those are `asked` names): a name is counted
    # apart from those, and is new when neither the question nor an earlier sentence has it.
    counts = Counter(itertools.chain.from_iterable(map(_NAMES, reads)))
    asked_counts = [counts.pop(name) for name in asked.intersection(counts)]
    # Whether the question names (one of) the name(s) the story repeats most.
    subject_asked = bool(asked_counts) and max(asked_counts) >= max(counts.values(), default=0)
    holding = Counter(itertools.chain.from_iterable(matched))
    local = {n: idfs[n] * math.log1p(len(reads) / k) for n, k in holding.items()}
    local_total = math.fsum(local.values())
    most = max(counts.values(), default=1)
    ranked = sorted(shares, reverse=True)
    top_share = ranked[0] if ranked else 0.0
    runner_up = ranked[1] if len(ranked) > 1 else 0.0
    sole = 1.0 - runner_up / top_share if top_share > 0 else 0.0
    seen = set(asked)
    found_cues: list[tuple[str, tuple[float, ...]]] = []
    count = counts.__getitem__  # every name is counted: never Counter's 0 for a missing one
    for rank, read in enumerate(reads):
        share = shares[rank]
        best = matched[rank]
        new = read.names - seen
        if new:
            seen |= new
            recurring = (max(map(count, new)) - 1) / (most - 1) if most > 1 else 0.0
        else:
            recurring = 0.0
        cues = (
            share,
            share / top_share if top_share else 0.0,
            math.fsum(w * local[n] for n, w in best.items()) / local_total
            if best and local_total
            else 0.0,
            sole if share == top_share > 0 else 0.0,
            _LOG_PLACE[rank] if rank < MAX_SENTENCES else math.log1p(rank),
            typed[rank],
            heads[rank],
            1.0 if new else 0.0,
            recurring,
            0.0 if subject_asked else recurring,
            1.0 if read.text[0] in _QUOTES else 0.0,
        )
        found_cues.append((read.text, cues))
    return found_cues


def _query_weights(query: Query) -> dict[str, tuple[int, float]]:
    """Each analyzed form matching a query word: that word's number and the form's weight."""
    weights: dict[str, tuple[int, float]] = {}
    for number, term in enumerate(query.terms):
        for variant in term.variants:
            weight = min(variant.weight, 1.0)
            if weight > weights.get(variant.term, (0, 0.0))[1]:
                weights[variant.term] = (number, weight)
    return weights


def _headline_idf(
    title: str, text: str, wanted: frozenset[str], stats: TermStats | None, lang: str = ENGLISH
) -> dict[str, float]:
    """The headline's analyzed words the question does not use, with their idf.

    None when the headline was cut from the text's first lines (an article sent without one):
    it then says nothing the lead does not.
    """
    cut = title.removesuffix("…").strip()
    if not cut or cut in text[: len(cut) + HEADLINE_SEARCH_CHARS]:
        return {}
    if lang == ENGLISH:
        analysed = stems(WORD_RE.findall(title))
    else:
        analysed = _analysed_words(lang, WORD_RE.findall(normalize(lang, title)))
    terms = set(analysed) - wanted - STOP_TERMS - {""}
    if stats is None:
        return dict.fromkeys(terms, 1.0)
    num_docs = max(stats.num_docs(), 1)
    return {term: idf(stats.doc_freq(term), num_docs) for term in terms}


def _capitals(words: list[str]) -> list[bool]:
    """Whether each word is capitalised or a number: its analyzed form is then one of the
    sentence's names (stop words left out).

    The first word of a sentence counts too: a capital there is often a name ("Rihanna
    revealed ..."), and the common words that start sentences are stop words.
    """
    # In ASCII a word starting below "a" starts with a capital or a digit; beyond ASCII ask.
    # A word sorts below "a" exactly when it starts below "a": tested in C, not word by word,
    # when no word starts beyond ASCII (the greatest word sorts below "\x80").
    if max(words) < "\x80":
        return list(map(_BELOW_A, words))
    return [w[0] < "a" or (w[0] > "\x7f" and (w[0].isupper() or w[0].isdigit())) for w in words]


def holds_time(text: str) -> bool:
    """Whether a text can answer "when": it names a year, a month, a day of the week or a
    day relative to the story's ("yesterday"), in the languages readers ask in."""
    return _TIME.search(text) is not None


# A place as English news writes one: a name after a preposition of place or a direction,
# with "the", a direction, "rebel-held" or a kind of place "of" between them ("in Cuba",
# "near the Ohio-Pennsylvania border", "in the rebel-held town of Khan Shaykhun", "attack on
# Venezuela", "rocked eastern Afghanistan"). Only those words between: "on ignoring Assads
# warplanes" names no place.
_PLACE_BEFORE = (
    r"(?:in|at|near|outside|inside|into|from|across|over|on|off|around|through|throughout|"
    r"within|toward|towards|to|between|along|beyond|under|(?:north|south)?(?:north|south|east|"
    r"west)ern)"
)
_PLACE_BETWEEN = (
    rf"(?:the|a|an|of|\d+|central|(?:north|south)?(?:north|south|east|west)(?:ern)?|"
    rf"[{SMALL}]+-(?:held|controlled|run|occupied|besieged)|cities|countries|(?:city|town|"
    rf"village|province|region|district|state|county|capital|country|island|neighbou?rhood|"
    rf"area|suburb|outskirt|port|camp|border|side|part|heart|coast|shore|street)s?)"
)
_PLACE = re.compile(
    rf"\b(?i:{_PLACE_BEFORE}) (?:(?i:{_PLACE_BETWEEN}) ){{0,5}}([{CAPITALS}][\w'’-]*)"
)


def holds_place(text: str, typed: frozenset[str] = _NOTHING) -> bool:
    """Whether an English text can answer "where": it names a place (`_PLACE`) other than
    the question's own words (`typed`, their stems) and not a time ("on Thursday")."""
    return any(
        not _TIME.fullmatch(name) and stems([name.lower()])[0] not in typed
        for name in _PLACE.findall(text)
    )


def _has_answer_type(kind: AnswerType, sentence: str) -> bool:
    if kind is AnswerType.NUMBER:
        return holds_count(sentence)
    if kind is AnswerType.TIME:
        return _TIME.search(sentence) is not None
    if kind in (AnswerType.PERSON, AnswerType.PLACE):
        return _CAPITALIZED.search(sentence) is not None
    return False


def best_sentence(
    query: Query,
    title: str,
    text: str,
    weights: SentenceWeights = DEFAULT_WEIGHTS,
    stats: TermStats | None = None,
    clutter: str | None = None,
    lang: str | None = None,
) -> str:
    """Return the sentence of `text` that best answers `query` (the earliest on ties)."""
    cues = sentence_cues(query, title, text, stats, clutter, lang)
    best = _choose(query, title, cues, weights)
    return _longest(text, title, clutter) if best is None else best[0]


def best_quote(
    query: Query,
    title: str,
    text: str,
    stats: TermStats | None = None,
    clutter: str | None = None,
    limit: int = MAX_QUOTE_CHARS,
    lang: str | None = None,
) -> str:
    """Return what to quote as the answer: `best_sentence`, with the other sentence of the
    story's lead when one of the two refers to the other, within `limit` characters (a second
    sentence that does not fit is cut with "…"; the chosen one never is); else with the
    sentence that answers next best and goes with it, when both fit whole ("…" between them
    unless it follows the chosen one in the text). `lang`: the article's language (None:
    English)."""
    cues = sentence_cues(query, title, text, stats, clutter, lang)
    if len(cues) == MAX_SENTENCES and _link_further_down(query, cues):
        cues = sentence_cues(query, title, text, stats, clutter, lang, most=None)
    pool = _pool(query, cues, ENGLISH if lang is None else analysis_of(lang).code)
    # Each sentence's score, by the identity of its cues: the chosen one's and the second's
    # choice read them both (ten answers a `--jsonl` question).
    scores = {id(item): float(sum(map(operator.mul, _DEFAULT_VECTOR, item[1]))) for item in pool}
    best = _choose(query, title, cues, DEFAULT_WEIGHTS, pool, scores)
    if best is None:
        return _longest(text, title, clutter)
    at = cues.index(best)
    if at <= 1 and len(cues) >= 2:
        joined = _with_lead_partner(cues, at, limit)
        if joined is not None:
            return joined
    return _with_runner_up(query, title, cues, pool, scores, at, limit)


def _with_lead_partner(
    cues: list[tuple[str, tuple[float, ...]]], at: int, limit: int
) -> str | None:
    """The story's first two sentences as one quote when one refers to the other (the chosen
    one is sentence `at`), None when they do not go together."""
    lead, second = cues[0][0], cues[1][0]
    joined = f"{lead} {second}"
    refers = lead.split(" ", 1)[0] in _DESCRIBES or second.split(" ", 1)[0] in _REFERS_BACK
    # A lead that does not end as a statement (a quiz's question, a heading or a caption: "The
    # best photos from the 2022 Tony Awards") is no part of an answer, nor a question after it.
    if not refers or not _ends_sentence(lead) or _asks(second) or _repeats(lead, second):
        return None
    if len(joined) <= limit:
        return joined
    # Too long for both: the second sentence is cut when it is the partner and a good part of
    # it fits (who or what the lead is about comes early in it), never the chosen sentence.
    if at == 0 and len(lead) + MIN_CUT_PARTNER_CHARS <= limit:
        return cut_quote(joined, limit)
    return None


def _with_runner_up(
    query: Query,
    title: str,
    cues: list[tuple[str, tuple[float, ...]]],
    pool: list[tuple[str, tuple[float, ...]]],
    scores: dict[int, float],
    at: int,
    limit: int,
) -> str:
    """The chosen sentence (`cues[at]`) and the next best answer of the `pool` it was chosen
    from that goes with it and fits beside it whole, if any."""
    best = cues[at]
    others = sorted(
        (item for item in pool if item is not best and item[1][0] > 0),
        key=lambda item: scores[id(item)],
        reverse=True,
    )
    shown = title.removesuffix("…").strip()
    shown_words = _word_set(shown) if shown else None
    best_words = _word_set(best[0])
    best_held: set[int] | None = None
    for other in others:
        # Whole beside the chosen one (a cut sentence reads badly after a whole one, and
        # answered less often); not the sentence the reply's headline shows again (cut from
        # the lead, or repeated), a heading, or one that says nothing the chosen one does not.
        if len(best[0]) + len(other[0]) + 3 > limit or not _ends_sentence(other[0]):
            continue
        if shown and other[0].startswith(shown):
            continue
        words = _word_set(other[0])
        if _either_within(words, best_words) or (
            shown_words is not None and _either_within(words, shown_words)
        ):
            continue
        follows = cues.index(other) == at + 1
        if not follows:
            # From elsewhere in the text, one sharing a word of the question with the chosen
            # one: two sentences each holding another part of it read as one answer to the
            # whole ("who is the president of France?": "France and Britain said..." ...
            # "President Bashar al-Assad denied...").
            best_held = _held(query, best_words) if best_held is None else best_held
            if not best_held & _held(query, words):
                continue
        # The answer first, where the reader looks; "…" unless the other follows it.
        return f"{best[0]} {other[0]}" if follows else f"{best[0]} … {other[0]}"
    return best[0]


def _word_set(text: str) -> set[str]:
    return set(_PLAIN_WORD.findall(text.lower()))


def _either_within(a: set[str], b: set[str]) -> bool:
    """Whether one text's words are all in the other's."""
    return a <= b or b <= a


def _held(query: Query, words: set[str]) -> set[int]:
    """The numbers of the query's words that these words hold (any analyzed form)."""
    found = set(stems(list(words)))
    return {n for n, term in enumerate(query.terms) if term.terms & found}


def _longest(text: str, title: str, clutter: str | None) -> str:
    """What to quote when no sentence is long enough to read: the longest piece there is
    outside page clutter and photo captions, else nothing (a text that is only its date and
    headline again has nothing to quote: the reply shows the headline anyway)."""
    if clutter is None:
        clutter = encode_spans(clutter_spans(title, text))
    return max(iter_sentences(without_clutter(text, clutter, photos=True)), key=len, default="")


def _choose(
    query: Query,
    title: str,
    cues: list[tuple[str, tuple[float, ...]]],
    weights: SentenceWeights,
    found: list[tuple[str, tuple[float, ...]]] | None = None,
    scores: dict[int, float] | None = None,
) -> tuple[str, tuple[float, ...]] | None:
    """The sentence (with its cues) that best answers `query`, None if there is none;
    `found`: the `_pool` of the cues, when already read, and `scores` all of theirs by `id`."""
    vector = _DEFAULT_VECTOR if weights is DEFAULT_WEIGHTS else weights.vector()

    def score(item: tuple[str, tuple[float, ...]]) -> float:
        known = None if scores is None else scores.get(id(item))
        return float(sum(map(operator.mul, vector, item[1]))) if known is None else known

    if found is None:
        found = _pool(query, cues)
    if scores is not None and found:
        # The scores read in C: the first best, as `max` takes it.
        values = list(map(scores.__getitem__, map(id, found)))
        best: tuple[str, tuple[float, ...]] | None = found[values.index(max(values))]
    else:
        best = max(found, key=score, default=None)
    # The story is about something else (its lead holds none of the question's words, or a
    # stray one: "Al" Mayadeen for "al-Baghdadi") and one sentence further down holds them all
    # ("Khan Shaykhun sarin"). Or keywords typed in a chat, which ask for the story of those
    # words, not for a name they lack (as a question word does, or a quiz's long question):
    # "Al-Bab captured" is answered by "... attempting to capture the city of al-Bab", not by
    # the lead's "Several villages held by Islamic State have been captured". Either way, a
    # sentence holding every word, where there is one, is quoted.
    stray = (
        best is not None
        and best[1][0] < STRAY_SHARE
        and len(query.terms) >= MIN_WORDS_FOR_ALL
        and all(cues[0] < STRAY_SHARE for _, cues in found[:LEAD_SENTENCES])
    )
    keywords = query.answer_type is AnswerType.ANY and not is_long(query)
    if best is not None and best[1][0] < 1.0 and (stray or keywords):
        complete = [item for item in found if item[1][0] >= 1.0]
        if complete:
            best = max(complete, key=score)
    if best is not None and query.answer_type is AnswerType.PERSON and not is_long(query):
        best = _linked_one(query, best, found, score)
    speaker = _speaker(query)
    if best is not None and speaker and not speaker <= _held(query, _word_set(best[0])):
        # "What did Russia say about the chemical attack?" asks for Russia's words: a sentence
        # naming it ("... Russia disagreed"), not another's on the same attack ("President
        # Donald Trump declared ...").
        naming = [
            item for item in found if item[1][0] > 0 and speaker <= _held(query, _word_set(item[0]))
        ]
        if naming:
            best = max(naming, key=score)
    if (
        best is not None
        and not any(item[1][0] for item in _around(found, best))
        and not coverage(query, title, "").share
    ):
        # Neither the quote, the sentences around it nor the headline would hold a word of
        # the question: a lead about something else reads as a confident answer ("Assad wife
        # name" quoting a wedding bombing). Quote a sentence that holds the most of it, so the
        # reader can judge. (A subject named next to the words asked is an answer: "ice cream
        # makeover" quotes "Baskin-Robbins is making some changes.")
        most = max(item[1][0] for item in found)
        if most:
            fullest = [item for item in found if item[1][0] >= most]
            best = max(fullest, key=score)
    return best


def _link_further_down(query: Query, cues: list[tuple[str, tuple[float, ...]]]) -> bool:
    """Whether a "who is the X of Y?" in another language than English finds X by Y in none
    of the first sentences: "кто мэр Москвы?" is answered forty sentences into a story on
    Moscow's rain ("... мэра Москвы Сергея Собянина"), which the article holds."""
    if query.answer_type is not AnswerType.PERSON or is_long(query):
        return False
    apart = _foreign_x_apart(query)
    return apart is not None and all(apart(sentence) for sentence, _ in cues)


def _foreign_x_apart(query: Query) -> Callable[[str], bool] | None:
    """For a question in another language than English with an "X of Y": whether a sentence
    holds an X only apart from its Y, or not at all (None: no such question)."""
    lang = query.terms[0].lang if query.terms else ENGLISH
    if lang in (ENGLISH, OTHER):
        return None
    links = find_links(query)
    heads = {head for code, head, _, _ in links.foreign if code == lang}
    if not heads:
        return None
    return lambda sentence: bool(heads & foreign_unlinked(links, lang, query.terms, sentence))


def _linked_one(
    query: Query,
    best: tuple[str, tuple[float, ...]],
    found: list[tuple[str, tuple[float, ...]]],
    score: Callable[[tuple[str, tuple[float, ...]]], float],
) -> tuple[str, tuple[float, ...]]:
    """For "who is the X of Y?", the sentence holding X by Y where `best` holds X only apart
    from Y, or not at all: "who is the UN envoy for Syria?" is answered by "... told the UN
    envoy ... Mistura", not by the story's lead on fighting in Aleppo, Syria (the article
    answers: it holds the pair, bot/questions/links.py). Among the question's sentences
    holding X by Y, the best scoring."""
    lang = query.terms[0].lang if query.terms else ENGLISH
    if lang not in (ENGLISH, OTHER):
        # Another language's "X of Y" ("кто мэр Москвы?": "... мэра Москвы Сергея Собянина",
        # not the lead on the rain in Moscow): held apart, X counts as not held at all.
        apart = _foreign_x_apart(query)
        if apart is None or not apart(best[0]):
            return best
        linked = [item for item in found if item[1][0] > 0 and not apart(item[0])]
        return max(linked, key=score) if linked else best
    links = find_links(query)
    if not links.ofs:
        return best
    heads = {head for head, _ in links.ofs}
    if not heads & unlinked(links, query.terms, best[0]):
        return best
    linked = [
        item
        for item in found
        if item[1][0] > 0
        and heads <= {query.terms[n].word for n in _held(query, _word_set(item[0]))}
        and not heads & unlinked(links, query.terms, item[0])
    ]
    return max(linked, key=score) if linked else best


def _speaker(query: Query) -> set[int]:
    """The numbers of the query's words naming who a "what did X say" question asks about."""
    said = _SAID_BY.search(query.text)
    if said is None:
        return set()
    words = {word.lower() for word in _PLAIN_WORD.findall(said.group(1))}
    return {n for n, term in enumerate(query.terms) if term.word in words}


def _pool(
    query: Query, cues: list[tuple[str, tuple[float, ...]]], lang: str = ENGLISH
) -> list[tuple[str, tuple[float, ...]]]:
    """The sentences that may answer the question (of an article read as `lang`)."""
    # A question in the text (a news quiz, a rhetorical lead) is never its own answer.
    found = [item for item in cues if not item[0].rstrip(_CLOSING).endswith("?")] or cues  # _asks
    if query.answer_type is AnswerType.NUMBER:
        # "How many" is answered by a count: of the sentences holding a word of the question,
        # those with a number, where there are any (a sentence without one cannot answer).
        counted = [item for item in found if item[1][0] > 0 and item[1][_TYPED]]
        # And of those, the ones that count what is asked, where there are any.
        word = counted_word(query.text, lang)
        counting = [item for item in counted if counts(item[0], word, lang)] if word else []
        # And of those, a chat question's, the ones naming what it names: "how many children
        # died in the Khan Sheikhoun attack?" asks for that attack's count ("... hit the town
        # of Khan Sheikhun in Idlib killing at least 87 civilians including 31 children"),
        # not the lead's count of another strike. (A quiz's answer may count in other words.)
        names = typed_names(query.text)
        named = {n for n, term in enumerate(query.terms) if term.word in names}
        if named and counting and not is_long(query):
            counting = [i for i in counting if named <= _held(query, _word_set(i[0]))] or counting
        counted = counting or counted
        found = counted or found
    return found


def _around(
    found: list[tuple[str, tuple[float, ...]]], chosen: tuple[str, tuple[float, ...]]
) -> list[tuple[str, tuple[float, ...]]]:
    """The chosen sentence and the two before and after it."""
    at = found.index(chosen)
    return found[max(0, at - NEIGHBOURS) : at + NEIGHBOURS + 1]


def _asks(sentence: str) -> bool:
    return sentence.rstrip(_CLOSING).endswith("?")


def _repeats(first: str, second: str) -> bool:
    """Whether one sentence says nothing the other does not (pages that print the lead twice)."""
    return _either_within(_word_set(first), _word_set(second))


def _ends_sentence(sentence: str) -> bool:
    """Whether the text ends as a statement does (a full stop or "!", then quotes or brackets)."""
    return sentence.rstrip(_CLOSING).endswith((".", "!"))


def highlights(query: Query, sentence: str) -> tuple[tuple[int, int], ...]:
    """Return the character spans of the words in `sentence` that match a query word, each
    word analysed as the language of the query words it may match."""
    wanted: dict[str, set[str]] = {}
    for term in query.terms:
        wanted.setdefault(term.lang, set()).update(term.terms)
    found = tokenize(sentence)
    words = [m.group() for m in found]
    matched = [False] * len(words)
    for lang, terms in wanted.items():
        # English words are analysed all at once (`stems`), as each would be alone.
        forms = stems(words) if lang == ENGLISH else [_analysed(lang, w) for w in words]
        matched = [m or form in terms for m, form in zip(matched, forms, strict=True)]
    return tuple(m.span() for m, hit in zip(found, matched, strict=True) if hit)


def _analysed(lang: str, word: str) -> str:
    """One word as the index of a language other than English has it."""
    return analyse_word(lang, normalize(lang, word.lower()))
