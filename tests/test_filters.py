"""Filters written into a question (bot/questions/filters.py)."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.questions.filters import (
    FilterProblem,
    Filters,
    ParsedQuestion,
    Problem,
    filter_words,
    parse,
    phrase_in,
)
from storage.languages import normalize


def test_each_filter_is_taken_out_of_the_question() -> None:
    # Each as written too: a reply that finds nothing names them so (`source:reuters`).
    assert parse("dam source:reuters") == ParsedQuestion(
        "dam", Filters(sources=("reuters",)), written=("source:reuters",)
    )
    assert parse("dam LANG:AR") == ParsedQuestion("dam", Filters(lang="ar"), written=("LANG:AR",))
    assert parse("dam after:2017-06-01") == ParsedQuestion(
        "dam", Filters(after=dt.date(2017, 6, 1)), written=("after:2017-06-01",)
    )
    assert parse("dam after:2017") == ParsedQuestion(
        "dam", Filters(after=dt.date(2017, 1, 1)), written=("after:2017",)
    )
    assert parse("dam before:2017-08") == ParsedQuestion(
        "dam", Filters(before=dt.date(2017, 8, 1)), written=("before:2017-08",)
    )
    assert parse('the "Tabqa dam" attack') == ParsedQuestion(
        "the Tabqa dam attack", Filters(phrases=("Tabqa dam",)), written=('"Tabqa dam"',)
    )
    assert parse("«barrage de Tabqa» attaque") == ParsedQuestion(
        "barrage de Tabqa attaque",
        Filters(phrases=("barrage de Tabqa",)),
        written=('"barrage de Tabqa"',),
    )
    assert parse("dam -Raqqa -year-old") == ParsedQuestion(
        "dam", Filters(excluded=("raqqa", "year-old")), written=("-Raqqa", "-year-old")
    )


def test_words_that_only_look_like_filters_stay_question_words() -> None:
    assert parse("meeting at 10:30 in well-known half-time -5 degrees") == ParsedQuestion(
        "meeting at 10:30 in well-known half-time -5 degrees"
    )
    assert parse("https://example.org/a:b sorce:reuters").text == (
        "https://example.org/a:b sorce:reuters"
    )


def test_malformed_filters_are_reported_not_searched() -> None:
    parsed = parse('dam after:2017-13-01 before:june lang:xyz source: "open')
    assert parsed.problems == (
        FilterProblem(Problem.UNCLOSED_QUOTE, '"open'),
        FilterProblem(Problem.BAD_DATE, "after:2017-13-01"),
        FilterProblem(Problem.BAD_DATE, "before:june"),
        FilterProblem(Problem.BAD_LANGUAGE, "lang:xyz"),
        FilterProblem(Problem.EMPTY, "source:"),
    )
    assert parse("dam after:2017-08 before:2017-08").problems == (
        FilterProblem(Problem.EMPTY_RANGE, "after:2017-08-01 before:2017-08-01"),
    )
    # Only words left out, nothing to look for: nothing would be searched.
    for question in ("-Raqqa", "-Raqqa  -Aleppo ?"):
        assert parse(question).problems == (
            FilterProblem(Problem.NO_WORDS, " ".join(question.split())),
        )
    # A source, a language or dates alone pick articles (the newest are listed).
    for question in ("source:reuters", "lang:ar after:2017 -Raqqa", '"open hours"'):
        assert parse(question).problems == ()


def test_flags_write_the_same_filters() -> None:
    words = filter_words(
        source="afp", lang="fr", after="2017", before="2018-02", phrases=("a b",), excluded=("c",)
    )
    assert words == 'source:afp lang:fr after:2017 before:2018-02 "a b" -c'
    assert parse(f"dam {words}").filters == Filters(
        ("afp",), "fr", dt.date(2017, 1, 1), dt.date(2018, 2, 1), ("a b",), ("c",)
    )


def test_phrase_matches_words_in_order_whatever_the_punctuation() -> None:
    assert phrase_in("Tabqa dam", "Near the TABQA, dam of the Euphrates")
    assert not phrase_in("dam Tabqa", "the Tabqa dam")
    assert not phrase_in("Tabqa dam", "the Tabqa dams")
    assert phrase_in("إغلاق المدارس", "قال إن اغلاق المدارس سيستمر")
    # The first word inside a longer one first, then as a word of its own.
    assert phrase_in("am dam", "the Tabqam dam, a dam am dam")
    assert not phrase_in("am dam", "the Tabqam dam")


def _plain_phrase_in(phrase: str, text: str) -> bool:
    """phrase_in's definition: the phrase's words, in order, among the text's words."""

    def words(found: str) -> str:
        return " ".join(re.findall(r"[^\W_]+", normalize("ar", found).lower()))

    wanted = words(phrase)
    return bool(wanted) and f" {wanted} " in f" {words(text)} "


_PIECES = [
    *("Tabqa", "TABQA", "dam", "dams", "Dam,", "am", "2", "اغلاق", "إغلاق"),
    *(" ", "\n", ".", "-", "_"),
]


# No deadline: a test's speed under a loaded machine is no property of the code.
@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=4).map(" ".join),
    st.lists(st.sampled_from(_PIECES), max_size=30).map("".join),
)
def test_phrase_in_is_its_definition(phrase: str, text: str) -> None:
    # One regex search of the text finds what the split of it into words would.
    assert phrase_in(phrase, text) == _plain_phrase_in(phrase, text)
