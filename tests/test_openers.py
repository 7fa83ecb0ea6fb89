"""The opener classes that let `re` skip past characters no match starts at: each must hold
every character a match of its pattern can start with, or that pattern would miss matches."""

from __future__ import annotations

import re
from re import _constants as C
from re import _parser

import pytest

from bot.questions import abstention, sentences


def _first_characters(items: list[tuple[object, object]]) -> set[str]:
    """Every character a match of parsed `items` can start with (r"\\d" as "DIGIT")."""
    found: set[str] = set()
    for op, av in items:
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue  # zero width: the next item holds the first character
        if op is C.LITERAL:
            return found | {chr(av)}  # type: ignore[arg-type]
        if op is C.IN:
            for kind, value in av:  # type: ignore[attr-defined]
                if kind is C.LITERAL:
                    found.add(chr(value))
                elif kind is C.RANGE:
                    found.update(chr(code) for code in range(value[0], value[1] + 1))
                elif kind is C.CATEGORY and value is C.CATEGORY_DIGIT:
                    found.add("DIGIT")
                else:
                    raise AssertionError(f"no first characters for {kind} {value}")
            return found
        if op is C.SUBPATTERN:
            return found | _first_characters(av[3].data)  # type: ignore[index]
        if op is C.BRANCH:
            for alternative in av[1]:  # type: ignore[index]
                found |= _first_characters(alternative.data)
            return found
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            found |= _first_characters(av[2].data)  # type: ignore[index]
            if av[0] >= 1:  # type: ignore[index]
                return found
            continue
        raise AssertionError(f"no first characters for {op}")
    raise AssertionError("a pattern matching the empty string")


@pytest.mark.parametrize(
    ("words", "openers"),
    [
        (sentences._TIME_WORDS, sentences.TIME_OPENERS),
        (abstention._COUNT_WORDS, abstention.COUNT_OPENERS),
    ],
)
def test_an_opener_class_holds_every_first_character(words: str, openers: str) -> None:
    firsts = _first_characters(_parser.parse(words, re.IGNORECASE).data)
    opener = re.compile(f"[{openers}]", re.IGNORECASE)
    for char in firsts - {"DIGIT"}:
        assert opener.fullmatch(char), char
    if "DIGIT" in firsts:
        assert all(opener.fullmatch(d) for d in "0٣۴")  # any script's digits, as \d


def test_the_opener_classes_change_no_match() -> None:
    cases = [
        "On 12 March 2017, 58 people died.",
        "Вчера в Ракке погибли семь человек, 18 октября.",
        "Hier, trois morts à Alep; le 4 avril 2017.",
        "قتل عشرات المدنيين يوم الخميس أمس",
        "پنج گل در ۲۰ دقیقه",
        "Sept. 11 per cent, dozens of fighters and ١٢ civilians",
        "no time nor count here at all",
    ]
    for text in cases:
        for words, pattern in (
            (sentences._TIME_WORDS, sentences._TIME),
            (abstention._COUNT_WORDS, abstention._COUNT),
        ):
            bare = re.compile(words, re.IGNORECASE)
            assert [m.span() for m in pattern.finditer(text)] == [
                m.span() for m in bare.finditer(text)
            ]
