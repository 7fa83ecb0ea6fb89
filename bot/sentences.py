"""Sentence splitting of article texts and the choice of the sentence that answers a question."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.analysis import QUESTION_WORDS, STOP_WORDS, AnswerType, stem, tokenize, word_set

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
    position: float = 0.2
    # Sharing words with the headline marks a sentence central to the article (share of them).
    title: float = 0.3
    # Query words close together within the sentence.
    proximity: float = 0.1
    # The kind of answer asked for (a number for "how many") appears in the sentence.
    answer_type: float = 0.1
    # Names and numbers the question does not mention: what an answer adds to a question.
    novelty: float = 0.2
    # The sentence names what the article keeps returning to and the question does not say:
    # asked "which dinosaur?", the story names its Gorgosaurus in sentence after sentence.
    salience: float = 0.5
    # ... in sentences matching at least this share of what the best sentence matches.
    salience_share: float = 0.5


DEFAULT_WEIGHTS = SentenceWeights()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A full sentence with its words, their analyzed forms, and the new names it holds."""

    text: str
    words: list[re.Match[str]]
    terms: list[str]
    term_set: frozenset[str]
    names: frozenset[str]


def sentence_score(
    query: Query,
    candidate: Candidate,
    rank: int,
    title_terms: frozenset[str],
    salience: dict[str, float],
    weights: SentenceWeights = DEFAULT_WEIGHTS,
    min_share: float = 0.0,
) -> float:
    """Score one sentence, the `rank`-th full one of its text, as the answer to `query`."""
    terms = candidate.terms
    term_set = candidate.term_set
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
    share = matched / total if total else 0.0
    score = share
    if len(positions) > 1:
        span = max(positions) - min(positions) + 1
        score += weights.proximity * len(positions) / span
    if title_terms and not _is_headline(title_terms, term_set):
        score += weights.title * len(title_terms & term_set) / len(title_terms)
    score -= weights.position * math.log1p(rank)
    if _has_answer_type(query.answer_type, candidate.text):
        score += weights.answer_type
    score += weights.novelty * min(len(candidate.names), NOVEL_ENOUGH) / NOVEL_ENOUGH
    # Recurring names count only in sentences that answer to a good part of the question:
    # one that merely shares the story's subject is not the answer however central.
    if share >= min_share:
        recurring = max((salience.get(name, 0.0) for name in candidate.names), default=0.0)
        score += weights.salience * recurring
    return score


def match_share(query: Query, term_set: frozenset[str]) -> float:
    """Return the share of the query's idf that a sentence with these terms matches."""
    total = sum(term.idf for term in query.terms)
    if not total:
        return 0.0
    matched = sum(
        min(max((v.weight for v in term.variants if v.term in term_set), default=0.0), 1.0)
        * term.idf
        for term in query.terms
    )
    return matched / total


def query_terms(query: Query) -> frozenset[str]:
    """Return every analyzed form that matches a word of the query."""
    found: set[str] = set()
    for term in query.terms:
        found |= term.terms
    return frozenset(found)


def _is_headline(title_terms: frozenset[str], term_set: frozenset[str]) -> bool:
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


def _candidates(text: str, known: frozenset[str]) -> list[Candidate]:
    """The full sentences of the text worth reading, at most MAX_SENTENCES."""
    found: list[Candidate] = []
    for sentence in split_sentences(text):
        words = tokenize(sentence.text)
        if len(words) < MIN_SENTENCE_WORDS or _CAPTION.match(sentence.text):
            continue
        terms = [stem(m.group()) for m in words]
        # A capital after the first word, or a digit: a name or a number.
        names = frozenset(
            terms[i]
            for i, m in enumerate(words[1:], start=1)
            if (m.group()[0].isupper() or m.group()[0].isdigit())
            and terms[i] not in known
            and terms[i] not in STOP_TERMS
        )
        found.append(Candidate(sentence.text, words, terms, frozenset(terms), names))
        if len(found) == MAX_SENTENCES:
            break
    return found


def _asks(query: Query) -> bool:
    """Whether the question has a question word (who, which, how ...)."""
    return any(m.group().lower() in QUESTION_WORDS for m in tokenize(query.text))


def _salience(candidates: list[Candidate]) -> dict[str, float]:
    """How often each new name recurs across the sentences: 0 for once, 1 for the most often."""
    counts: Counter[str] = Counter()
    for candidate in candidates:
        counts.update(candidate.names)
    most = max(counts.values(), default=1)
    if most < 2:
        return {}
    return {name: (count - 1) / (most - 1) for name, count in counts.items() if count > 1}


def best_sentence(
    query: Query, title: str, text: str, weights: SentenceWeights = DEFAULT_WEIGHTS
) -> str:
    """Return the sentence of `text` that best answers `query` (the lead if none does)."""
    known = query_terms(query)
    candidates = _candidates(text, known)
    if not candidates:
        return max((s.text for s in split_sentences(text)), key=len, default=title)
    title_terms = frozenset(stem(m.group()) for m in tokenize(title)) - STOP_TERMS
    # Recurring names answer a question asking for something (which dinosaur?); a list of
    # keywords asks for no name, and there they would only pull towards the story's subject.
    salience = _salience(candidates) if _asks(query) else {}
    min_share = weights.salience_share * max(match_share(query, c.term_set) for c in candidates)
    scored = [
        (sentence_score(query, c, rank, title_terms, salience, weights, min_share), -rank, c.text)
        for rank, c in enumerate(candidates)
    ]
    return max(scored)[2]


def highlights(query: Query, sentence: str) -> tuple[tuple[int, int], ...]:
    """Return the character spans of the words in `sentence` that match a query word."""
    wanted: set[str] = set()
    for term in query.terms:
        wanted |= term.terms
    return tuple(m.span() for m in tokenize(sentence) if stem(m.group()) in wanted)
