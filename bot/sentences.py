"""Sentence splitting of article texts and the choice of the sentence that answers a question."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.analysis import STOP_WORDS, AnswerType, stem, tokenize, word_set

if TYPE_CHECKING:
    from bot.analysis import Query

# Words after which a full stop does not end a sentence.
_ABBREVIATIONS = word_set(
    """
    mr mrs ms dr st jr sr gen sen rep gov lt col sgt capt cmdr adm prof rev fr maj pres supt inc
    corp co ltd llc bros dept univ assn no nos vs etc al approx est fig jan feb mar apr jun jul
    aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun ft mt ave blvd rd hwy
    """
)
# A sentence ends at . ! or ? (and closing quotes or brackets) before a space and a capital.
_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*\s+(?=["'“‘(\[]?[A-Z0-9])""")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[-•*])")
_NUMBER = re.compile(r"\d")
_CAPITALIZED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_TIME = re.compile(
    r"\b(?:1[89]\d\d|20\d\d|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"yesterday|today)\b",
    re.IGNORECASE,
)
STOP_TERMS = frozenset({"", *(stem(w) for w in STOP_WORDS)})
# Photo captions repeat the story's names but never say what happened.
_CAPTION = re.compile(
    r"(?:FILE )?(?:PHOTO|IMAGE|PICTURE)\b|\(?(?:Photo|Image)(?: credit)?:", re.IGNORECASE
)
# Answers sit near the top of news stories; reading further costs time and rarely pays.
MAX_SENTENCES = 40
# This many new names or numbers make a sentence as informative as it gets.
NOVEL_ENOUGH = 3
# Lines this short with no full stop are bylines, datelines and bullet headings, not answers.
MIN_SENTENCE_WORDS = 5


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a text: its characters and where it starts in the text."""

    text: str
    start: int


def split_sentences(text: str) -> list[Sentence]:
    """Split a text into sentences, by paragraph and then by end punctuation."""
    sentences: list[Sentence] = []
    offset = 0
    for paragraph in [*_PARAGRAPH.split(text), ""]:
        start = text.find(paragraph, offset) if paragraph else len(text)
        offset = start + len(paragraph)
        piece_start = 0
        for boundary in _BOUNDARY.finditer(paragraph):
            if _is_abbreviation(paragraph, boundary.start()):
                continue
            _add(sentences, paragraph, piece_start, boundary.end(), start)
            piece_start = boundary.end()
        _add(sentences, paragraph, piece_start, len(paragraph), start)
    return sentences


def _is_abbreviation(paragraph: str, dot: int) -> bool:
    if paragraph[dot] != ".":
        return False
    word = re.search(r"([A-Za-z]+)$", paragraph[max(0, dot - 12) : dot])
    if word is None:
        return False
    token = word.group(1)
    # Initials (J. K. Rowling) and dotted acronyms (U.S.) are single letters before the dot.
    return len(token) == 1 or token.lower() in _ABBREVIATIONS


def _add(sentences: list[Sentence], paragraph: str, begin: int, end: int, base: int) -> None:
    raw = paragraph[begin:end]
    stripped = raw.strip()
    if stripped:
        sentences.append(Sentence(" ".join(stripped.split()), base + begin + raw.find(stripped)))


@dataclass(frozen=True, slots=True)
class SentenceWeights:
    """How much each cue counts when choosing the answer sentence (query words count 1 in all)."""

    # Lost by the n-th full sentence as log(1 + n): news puts the answer up front.
    position: float = 0.15
    # Sharing words with the headline marks a sentence central to the article (share of them).
    title: float = 0.3
    # Query words close together within the sentence.
    proximity: float = 0.1
    # The kind of answer asked for (a number for "how many") appears in the sentence.
    answer_type: float = 0.1
    # Names and numbers the question does not mention: what an answer adds to a question.
    novelty: float = 0.2


DEFAULT_WEIGHTS = SentenceWeights()


def sentence_score(
    query: Query,
    sentence: str,
    rank: int,
    title_terms: frozenset[str],
    weights: SentenceWeights = DEFAULT_WEIGHTS,
    words: list[re.Match[str]] | None = None,
    known: frozenset[str] | None = None,
) -> float:
    """Score one sentence, the `rank`-th full one of its text, as the answer to `query`."""
    words = tokenize(sentence) if words is None else words
    terms = [stem(m.group()) for m in words]
    term_set = set(terms)
    positions: list[int] = []
    matched = 0.0
    total = 0.0
    for query_term in query.terms:
        total += query_term.idf
        best = max((v.weight for v in query_term.variants if v.term in term_set), default=0.0)
        if best:
            matched += min(best, 1.0) * query_term.idf
            wanted = query_term.terms
            positions.append(next(i for i, t in enumerate(terms) if t in wanted))
    score = matched / total if total else 0.0
    if len(positions) > 1:
        span = max(positions) - min(positions) + 1
        score += weights.proximity * len(positions) / span
    if title_terms and not _is_headline(sentence, title_terms, term_set):
        score += weights.title * len(title_terms & term_set) / len(title_terms)
    score -= weights.position * math.log1p(rank)
    if _has_answer_type(query.answer_type, sentence):
        score += weights.answer_type
    if weights.novelty:
        known = query_terms(query) if known is None else known
        novel = sum(
            1
            for i, m in enumerate(words[1:], start=1)
            if (m.group()[0].isupper() or m.group()[0].isdigit()) and terms[i] not in known
        )
        score += weights.novelty * min(novel, NOVEL_ENOUGH) / NOVEL_ENOUGH
    return score


def query_terms(query: Query) -> frozenset[str]:
    """Return every analyzed form that matches a word of the query."""
    found: set[str] = set()
    for term in query.terms:
        found |= term.terms
    return frozenset(found)


def _is_headline(sentence: str, title_terms: frozenset[str], term_set: set[str]) -> bool:
    """Whether the headline was cut from this sentence (guessed headlines are lead sentences)."""
    return len(title_terms) > 2 and title_terms <= term_set


def _has_answer_type(kind: AnswerType, sentence: str) -> bool:
    if kind is AnswerType.NUMBER:
        return _NUMBER.search(sentence) is not None
    if kind is AnswerType.TIME:
        return _TIME.search(sentence) is not None
    if kind in (AnswerType.PERSON, AnswerType.PLACE):
        return _CAPITALIZED.search(sentence) is not None
    return False


def best_sentence(
    query: Query, title: str, text: str, weights: SentenceWeights = DEFAULT_WEIGHTS
) -> str:
    """Return the sentence of `text` that best answers `query` (the lead if none does)."""
    sentences = [s.text for s in split_sentences(text)]
    full: list[tuple[str, list[re.Match[str]]]] = []
    for sentence in sentences:
        words = tokenize(sentence)
        if len(words) >= MIN_SENTENCE_WORDS and not _CAPTION.match(sentence):
            full.append((sentence, words))
            if len(full) == MAX_SENTENCES:
                break
    if not full:
        return max(sentences, key=len, default=title)
    title_terms = frozenset(stem(m.group()) for m in tokenize(title)) - STOP_TERMS
    known = query_terms(query)
    scored = [
        (sentence_score(query, s, rank, title_terms, weights, words, known), -rank, s)
        for rank, (s, words) in enumerate(full)
    ]
    return max(scored)[2]


def highlights(query: Query, sentence: str) -> tuple[tuple[int, int], ...]:
    """Return the character spans of the words in `sentence` that match a query word."""
    wanted: set[str] = set()
    for term in query.terms:
        wanted |= term.terms
    return tuple(m.span() for m in tokenize(sentence) if stem(m.group()) in wanted)
