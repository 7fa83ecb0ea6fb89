"""Topic words of a subscription or a /digest: those no article could be on are refused.

A digest on topic words lists the articles that hold most of their weight (the rule of
answers, bot/questions/abstention.py). Words the analyser keeps nothing of ("!!!! ####",
control codes, one 5,000-letter word) would leave the digest unfiltered under a header that
names them; so would words every article uses ("the of and"), which the analyser keeps; a
page of words would leave it empty every day, and nothing would say why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.articles.fields import one_line
from bot.digests.requests import CLOCK_WORD, OFFSET, find_timezone
from bot.i18n import N_, Texts
from bot.questions.analysis import STOP_WORDS, meaningful_words, typed_as_name
from bot.render import escape

# More topic words than this is a text, not a topic: an article is on a topic only when it
# holds most of the words' weight.
MAX_TOPIC_WORDS = 10
# How much of the typed words a reply repeats.
_SHOWN_CHARS = 60
# A short word in capitals ("US", "WHO"), or one written with full stops ("U.S.").
_CAPITALS = re.compile(r"\b[A-Z]{2,5}\b|\b(?:[A-Z]\.){2,5}")
NO_TOPIC_WORDS = N_(
    "“{topics}” holds no word to look for: topic words are words an article would use, "
    "for example syria raqqa."
)


@dataclass(frozen=True, slots=True)
class NoTopicWords:
    """The topic words hold no word an article could hold (`typed`: as shown back)."""

    typed: str


@dataclass(frozen=True, slots=True)
class TimeAsTopic:
    """A topic word that is a time of day: a second time, taken for a topic before."""

    word: str


@dataclass(frozen=True, slots=True)
class WhenAsTopic:
    """A topic word that says when ("tomorrow", "now", "daily"): a time was meant."""

    word: str


@dataclass(frozen=True, slots=True)
class ZoneAsTopic:
    """A topic word that is a time zone ("Europe/London", "UTC+3"): /timezone sets it."""

    word: str


@dataclass(frozen=True, slots=True)
class TooManyTopicWords:
    """More topic words than a topic has."""

    count: int


TopicProblem = NoTopicWords | TimeAsTopic | WhenAsTopic | ZoneAsTopic | TooManyTopicWords

# Words that say when, not what, in the reply languages: "/subscribe 8am tomorrow" was a digest
# about the word "tomorrow" (and "/subscribe now" was told "now" holds no word to look for).
WHEN_WORDS = frozenset(
    {
        *("now", "today", "tomorrow", "tonight", "daily", "everyday", "every", "weekly"),
        *("morning", "evening", "afternoon", "mornings", "evenings"),
        *("maintenant", "aujourd'hui", "demain", "quotidien", "matin", "soir"),
        *("сейчас", "сегодня", "завтра", "ежедневно", "утром", "вечером"),
        *("الآن", "اليوم", "غدا", "غداً", "يوميا", "يومياً"),
    }
)


def topic_problem(words: Sequence[str], terms: Callable[[str], set[str]]) -> TopicProblem | None:
    """Why these topic words cannot make a digest's topic, None when they can (or there are
    none); `terms`: the words as the digests' analyser keeps them."""
    if not words:
        return None
    if len(words) > MAX_TOPIC_WORDS:
        return TooManyTopicWords(len(words))
    # A second time ("/subscribe 8am 9pm"): written as one, never a topic word.
    if clock := next((word for word in words if CLOCK_WORD.match(word)), None):
        return TimeAsTopic(clock)
    if zone := next((word for word in words if _is_zone(word)), None):
        return ZoneAsTopic(zone)
    if when := next((word for word in words if word.casefold() in WHEN_WORDS), None):
        return WhenAsTopic(when)
    typed = " ".join(words)
    if terms(" ".join(meaningful_words(typed))):
        return None
    shown = one_line(typed) or "?"
    if len(shown) > _SHOWN_CHARS:
        shown = shown[: _SHOWN_CHARS - 1] + "…"
    return NoTopicWords(shown)


def _is_zone(word: str) -> bool:
    """Whether a word can only be a time zone: an Area/City name, or UTC or GMT (with an
    offset). Not a bare name: tzdata has zones named "Turkey", "Cuba" and "NZ", which are
    topics too."""
    if OFFSET.match(word.casefold()) or word.casefold() in ("utc", "gmt"):
        return True
    return "/" in word and find_timezone(word).zone is not None


def named_stop_words(text: str) -> dict[str, str]:
    """The stop words `text` types as names, as typed (`U.S.`) -> as a name (`US`): in capitals
    as typed_as_name reads them ("the US", "WHO warns"), or with full stops. The name is no
    term an analyser makes (those are lower case): a topic's "the US" is held by the name,
    not by the pronoun "us"."""
    named: dict[str, str] = {}
    for match in _CAPITALS.finditer(text):
        typed = match.group()
        name = typed.replace(".", "")
        if (
            typed not in named
            and name.lower() in STOP_WORDS
            and (typed != name or typed_as_name(name, text))
        ):
            named[typed] = name
    return named


def topic_problem_line(problem: TopicProblem, texts: Texts, *, on_demand: bool = False) -> str:
    """The reply's line (HTML) saying what is wrong with the topic words (`on_demand`: those
    of a /digest, which takes no time)."""
    if isinstance(problem, NoTopicWords):
        return texts(NO_TOPIC_WORDS, topics=escape(problem.typed))
    if isinstance(problem, TimeAsTopic) and on_demand:
        return texts(
            "“{word}” is a time, not a topic word: /digest shows what is new now.",
            word=escape(problem.word),
        )
    if isinstance(problem, WhenAsTopic) and on_demand:
        return texts(
            "“{word}” is not a topic word: /digest shows what is new now, and /subscribe 8am "
            "sends a digest every day at 8am.",
            word=escape(problem.word),
        )
    if isinstance(problem, WhenAsTopic):
        return texts(
            "“{word}” is not a topic word: a digest comes every day at its time, for example "
            "/subscribe 8am, /subscribe 08:00 or /subscribe 7:30pm raqqa; /digest shows what "
            "is new now.",
            word=escape(problem.word),
        )
    if isinstance(problem, ZoneAsTopic):
        # "/subscribe 8am Europe/London" was a digest about the words "Europe/London".
        return texts(
            "“{word}” is a time zone, not a topic word: /timezone {word} sets this chat's, "
            "and its digests follow it.",
            word=escape(problem.word),
        )
    if isinstance(problem, TimeAsTopic):
        return texts(
            "“{word}” is a time, not a topic word: a digest has one time; subscribe once for each.",
            word=escape(problem.word),
        )
    return texts.plural(
        "That is {n} topic word: a topic is at most {most} words (an article is on it when "
        "it holds most of them).",
        "That is {n} topic words: a topic is at most {most} words (an article is on it when "
        "it holds most of them).",
        problem.count,
        most=MAX_TOPIC_WORDS,
    )
