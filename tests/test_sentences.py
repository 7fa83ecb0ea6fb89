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


_DINOSAUR = (
    "Sotheby's will auction a rare dinosaur found in Montana this month.\n\n"
    "The Gorgosaurus skeleton is nearly 10 feet tall and 22 feet long.\n\n"
    "Experts said the Gorgosaurus lived 76 million years ago in what is now Alberta.\n\n"
    "The sale draws collectors from around the world, Sotheby's said."
)


def test_a_question_prefers_the_sentence_naming_what_the_story_keeps_returning_to() -> None:
    keywords = _query(("dinosaur", "dinosaur", 2.0), ("skeleton", "skeleton", 2.0))
    query = Query("Which dinosaur skeleton?", keywords.terms, AnswerType.ANY)
    expected = "The Gorgosaurus skeleton is nearly 10 feet tall and 22 feet long."
    assert expected == best_sentence(query, "Dinosaur for sale", _DINOSAUR)


def test_keywords_alone_do_not_pull_towards_the_recurring_name() -> None:
    query = _query(("dinosaur", "dinosaur", 2.0), ("skeleton", "skeleton", 2.0))
    expected = "Sotheby's will auction a rare dinosaur found in Montana this month."
    assert expected == best_sentence(query, "Dinosaur for sale", _DINOSAUR)
