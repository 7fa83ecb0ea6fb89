"""Filters written into a question: source:, lang:, after:, before:, "exact phrase", -word."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from enum import Enum

from bot.languages import known
from storage.languages import normalize

# A filter is a whole word: `key:value` with one of these keys (other words with a colon,
# such as a time "10:30" or a URL, stay question words).
_FILTER = re.compile(r"(?<!\S)(source|lang|after|before):(\S*)", re.IGNORECASE)
# Straight, curly and guillemet quotes: phones turn "..." into “...”, French and Russian
# keyboards into «...».
_PHRASE = re.compile(r"[\"“”„«]([^\"“”„«»]*)[\"“”»]")
_QUOTES = re.compile(r"[\"“”„«»]")
_EXCLUDED = re.compile(r"(?<!\S)-([^\W\d_][\w'’-]*)")
_WORD = re.compile(r"\w")
# The words a phrase is matched on: letters and digits, as the index splits them.
_PHRASE_WORD = re.compile(r"[^\W_]+")
# What `normalize` unifies in a phrase's words: Arabic-script letters, and digits (Arabic-Indic
# ones are written as ASCII).
_UNIFIED = re.compile(r"[\d\u0600-\u06FF]")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


class Problem(Enum):
    """What is wrong with a filter (the reply explains each in the user's language)."""

    EMPTY = "empty"
    BAD_DATE = "bad_date"
    BAD_LANGUAGE = "bad_language"
    UNCLOSED_QUOTE = "unclosed_quote"
    EMPTY_RANGE = "empty_range"
    NO_WORDS = "no_words"


@dataclass(frozen=True, slots=True)
class FilterProblem:
    """One malformed filter, as the user wrote it."""

    problem: Problem
    written: str


@dataclass(frozen=True, slots=True)
class Filters:
    """What a question's articles must satisfy (every field optional)."""

    sources: tuple[str, ...] = ()
    lang: str | None = None
    # Published on or after `after`, and before `before` (its first day left out).
    after: dt.date | None = None
    before: dt.date | None = None
    phrases: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    @property
    def narrows(self) -> bool:
        """Whether a filter alone picks articles (a source, a language or dates)."""
        return bool(self.sources or self.lang or self.after or self.before)

    @property
    def any(self) -> bool:
        """Whether any filter is set."""
        return bool(
            self.sources or self.lang or self.after or self.before or self.phrases or self.excluded
        )


@dataclass(frozen=True, slots=True)
class ParsedQuestion:
    """A question split into the words to search for and its filters."""

    text: str
    filters: Filters = field(default_factory=Filters)
    problems: tuple[FilterProblem, ...] = ()
    # The filters as the question wrote them (`source:bbc`, `"exact phrase"`, `-word`): what
    # a reply that found nothing names, so the user sees which of their words narrowed it.
    written: tuple[str, ...] = ()


def _start(value: str) -> dt.date | None:
    """The first day of "2017", "2017-06" or "2017-06-01"; None if it is no such date."""
    match = _DATE.fullmatch(value)
    if match is None:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def first_filter(text: str) -> str | None:
    """The first `key:value` filter written in `text` (`after:2017`), None when there is none."""
    match = _FILTER.search(text)
    return None if match is None else match.group()


def parse(question: str) -> ParsedQuestion:
    """Take the filters out of a question; malformed ones are reported, never searched."""
    problems: list[FilterProblem] = []
    sources: list[str] = []
    lang: str | None = None
    after: dt.date | None = None
    before: dt.date | None = None

    phrases = tuple(p for p in (" ".join(m.split()) for m in _PHRASE.findall(question)) if p)
    rest = _PHRASE.sub(lambda m: f" {m.group(1)} ", question)
    unclosed = _QUOTES.search(rest)
    if unclosed is not None:
        problems.append(FilterProblem(Problem.UNCLOSED_QUOTE, rest[unclosed.start() :][:40]))
        rest = _QUOTES.sub(" ", rest)

    typed: list[str] = [f'"{phrase}"' for phrase in phrases]
    for match in _FILTER.finditer(rest):
        key, value, written = match.group(1).lower(), match.group(2), match.group()
        typed.append(written)
        if not value:
            problems.append(FilterProblem(Problem.EMPTY, written))
        elif key == "source":
            sources.append(value)
        elif key == "lang":
            if known(value.lower()):
                lang = value.lower()
            else:
                problems.append(FilterProblem(Problem.BAD_LANGUAGE, written))
        elif key == "after":
            after = _start(value)
            if after is None:
                problems.append(FilterProblem(Problem.BAD_DATE, written))
        else:
            # "before:2017-08" leaves out August: the period's first day is the bound.
            before = _start(value)
            if before is None:
                problems.append(FilterProblem(Problem.BAD_DATE, written))
    if after and before and after >= before:
        problems.append(FilterProblem(Problem.EMPTY_RANGE, f"after:{after} before:{before}"))
    rest = _FILTER.sub(" ", rest)
    excluded = tuple(m.lower() for m in _EXCLUDED.findall(rest))
    typed += (f"-{word}" for word in _EXCLUDED.findall(rest))
    rest = _EXCLUDED.sub(" ", rest)
    filters = Filters(tuple(sources), lang, after, before, phrases, excluded)
    if not problems and filters.any and not filters.narrows and not _WORD.search(rest):
        # "-word" alone would search for nothing: say so, not "nothing found".
        problems.append(FilterProblem(Problem.NO_WORDS, " ".join(question.split())[:80]))
    return ParsedQuestion(" ".join(rest.split()), filters, tuple(problems), tuple(typed))


def phrase_in(phrase: str, text: str) -> bool:
    """Whether `text` holds the phrase, ignoring case, punctuation and spacing between words."""
    wanted = _words(phrase)
    if not wanted:
        return False
    # Arabic-script spelling is unified only for a phrase it can matter to (a phrase asked is
    # looked for in 200 candidates' texts, and the unifying was two thirds of each look).
    seen = _lowered(text) if _UNIFIED.search(wanted) else text.lower()
    return _phrase_pattern(wanted).search(seen) is not None


@functools.lru_cache(maxsize=64)
def _phrase_pattern(wanted: str) -> re.Pattern[str]:
    """The phrase's words as whole words of a text, in order, with only what is no word
    between them: what finding " wanted " among the text's words finds, in one search of the
    text rather than a split of it into words (a phrase asked reads 200 candidates' texts)."""
    first, *rest = (re.escape(word) for word in wanted.split(" "))
    # The first word opens the pattern and the look-behind follows it (no word character
    # before it): opened with the look-behind, `re` tried the pattern at every character
    # rather than skipping to the first word in C (a text's search 200 us, now 9).
    after = "".join(rf"[\W_]+{word}" for word in rest)
    return re.compile(rf"{first}(?<![^\W_]{first}){after}(?![^\W_])")


def _words(text: str) -> str:
    return " ".join(_PHRASE_WORD.findall(_lowered(text)))


def _lowered(text: str) -> str:
    return normalize("ar", text).lower()


def filter_words(
    *,
    source: str | None = None,
    lang: str | None = None,
    after: str | None = None,
    before: str | None = None,
    phrases: tuple[str, ...] = (),
    excluded: tuple[str, ...] = (),
) -> str:
    """The filters as a question would write them (so flags and typed filters are one thing)."""
    words = [
        f"{key}:{value}"
        for key, value in (("source", source), ("lang", lang), ("after", after), ("before", before))
        if value is not None
    ]
    words += [f'"{phrase}"' for phrase in phrases]
    words += [f"-{word}" for word in excluded]
    return " ".join(words)
