"""Sentence splitting and the choice of the answer sentence."""

from __future__ import annotations

from bot.analysis import AnswerType, Query, QueryTerm, Variant
from bot.sentences import best_sentence, highlights, split_sentences


def test_split_keeps_abbreviations_and_initials_together() -> None:
    text = "Mr. J. K. Smith went to the U.S. on Jan. 5. He left.\n\nCNN —\n\nOne? Yes!"
    assert [s.text for s in split_sentences(text)] == [
        "Mr. J. K. Smith went to the U.S. on Jan. 5.",
        "He left.",
        "CNN —",
        "One?",
        "Yes!",
    ]


def test_split_joins_hard_wrapped_lines() -> None:
    text = "Showers continued throughout the week in\nthe Bahia cocoa zone. Prices fell."
    assert [s.text for s in split_sentences(text)] == [
        "Showers continued throughout the week in the Bahia cocoa zone.",
        "Prices fell.",
    ]


def test_split_reports_start_offsets() -> None:
    text = "First one here.  Second one here."
    assert [s.start for s in split_sentences(text)] == [0, 17]


def _query(*words: tuple[str, str, float]) -> Query:
    terms = tuple(QueryTerm(word, (Variant(term, 1.0),), idf) for word, term, idf in words)
    return Query(" ".join(w for w, _, _ in words), terms, AnswerType.ANY)


def test_best_sentence_prefers_rare_query_words_over_the_lead() -> None:
    query = _query(("trapped", "trap", 3.0), ("civilians", "civilian", 0.5))
    text = (
        "Forces entered the old city on Sunday after weeks of fighting.\n\n"
        "Officials said the civilians were safe in the north today.\n\n"
        "Up to 100,000 civilians are still trapped in the city, the UN said."
    )
    expected = "Up to 100,000 civilians are still trapped in the city, the UN said."
    assert expected == best_sentence(query, "Forces enter the city", text)


def test_highlights_are_spans_of_matching_words() -> None:
    query = _query(("trapped", "trap", 3.0))
    assert highlights(query, "Are trapped or traps here?") == ((4, 11), (15, 20))
