"""The analysis of an article's sentences for the answer choice is the word-by-word one.

`_read` analyses all the words of a text in one `stems` call and finds the names from their
analyzed forms; this checks it against the plain definition (each word analyzed alone by the
analyzer, names from the capitalised words) on the sample archive and on awkward words.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.articles.clutter.spans import clutter_spans, decode_spans, encode_spans
from bot.questions import analysis, sentences
from bot.questions.analysis import WORD_RE, stem, stems
from bot.questions.sentences import (
    _CAPTION,
    _CAPTION_WORDS,
    _PLAIN_WORD,
    MAX_SENTENCES,
    MIN_SENTENCE_WORDS,
    STOP_TERMS,
    _one_line,
    _raw_sentences,
    _without_clutter,
)
from tests.conftest import SAMPLE, seed_text

AWKWARD = (
    "Éric Zemmour and Ángela Müller met Ünal in 2017: the COVID19 plan cost $4.5bn, "
    "up 12% on 2016.\n\n"
    "The ٣٤ delegates of the Ⅻ Congress said ﬁnance was fine, “really fine”, said Ørsted.\n\n"
    "A word too long to index, " + "pneumonoultramicroscopic" * 2 + ", was said 3x by_the way.\n\n"
    "Über-rich Ωmega holders in São Paulo sold 1,000 shares on Friday, NASDAQ data showed.\n\n"
    "FILE PHOTO: A man walks past the logo of the company in Paris, France, May 5, 2021.\n\n"
    "Short line.\n\n"
    "Москва и Париж говорили, сказал Иван Петров в понедельник вечером.\n\n"
    "وقال المتحدث باسم الوزارة إن 25 شخصا قتلوا في الهجوم."
)


def _reference(text: str, clutter: str) -> list[tuple[str, list[str], frozenset[str]]]:
    """Each sentence kept, its words analyzed one analyzer call each, its names."""
    spans = decode_spans(clutter) if clutter else []
    found: list[tuple[str, list[str], frozenset[str]]] = []
    for begin, raw in _raw_sentences(text):
        if spans:
            raw = _without_clutter(text, begin, raw, spans)
        words = (WORD_RE if "_" in raw else _PLAIN_WORD).findall(raw)
        if len(words) < MIN_SENTENCE_WORDS:
            continue
        sentence = " ".join(raw.split())
        if words[0].lower() in _CAPTION_WORDS and _CAPTION.match(sentence):
            continue
        alone = [_alone(w) for w in words]
        names = frozenset(
            t
            for w, t in zip(words, alone, strict=True)
            if w[0] < "a" or (w[0] > "\x7f" and (w[0].isupper() or w[0].isdigit()))
        )
        found.append((sentence, alone, names - STOP_TERMS))
        if len(found) == MAX_SENTENCES:
            break
    return found


def _alone(word: str) -> str:
    tokens: list[str] = analysis._analyzer().analyze(word)  # type: ignore[attr-defined]
    return tokens[0] if tokens else ""


def _texts() -> list[tuple[str, str]]:
    lines = (SAMPLE / "fakes.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    found = [(r.get("title") or "", r["text"]) for r in records]
    return [("Seed", seed_text()), ("Awkward", AWKWARD), *found]


def test_every_sample_text_reads_as_word_by_word_analysis_has_it() -> None:
    analysis._STEMS.clear()
    sentences._read.cache_clear()
    for title, text in _texts():
        clutter = encode_spans(clutter_spans(title, text))
        read = [(r.text, r.terms, r.names) for r in sentences._read(text, clutter)]
        assert read == _reference(text, clutter), title[:60]


def test_the_awkward_text_has_the_names_it_should() -> None:
    analysis._STEMS.clear()
    sentences._read.cache_clear()
    read = sentences._read(AWKWARD, "")
    assert [sorted(r.names) for r in read] == [
        [
            "12",
            "2016",
            "2017",
            "4",
            "5bn",
            "angela",
            "covid19",
            "eric",
            "muller",
            "unal",
            "zemmour",
        ],
        ["congress", "orst", "٣٤", "ⅻ"],
        ["3x"],
        ["000", "1", "friday", "nasdaq", "paulo", "sao", "uber", "ωmega"],
        ["иван", "москва", "париж", "петров"],
        ["25"],
    ]
    # The word too long to index has no analyzed form; the caption and short line are left out.
    assert "" in read[2].terms
    assert not any(r.text.startswith(("FILE PHOTO", "Short")) for r in read)


def test_stems_of_mixed_words_are_each_words_own() -> None:
    words = [
        "2017",
        "COVID19",
        "Éric",
        "٣٤",
        "Ⅻ",
        "ﬁnance",
        "x" * 39,
        "x" * 40,
        "é" * 20,
        "by_the",
        "running",
        "Running",
        "running",
    ]
    for order in (words, words[::-1]):
        analysis._STEMS.clear()
        assert stems(order) == [_alone(w) for w in order]
        assert stems(order) == [stem(w) for w in order]


# Every white space character str.split() knows, other unprintable ones, and words.
_SPACES = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"
_PIECES = st.sampled_from([*_SPACES, "\u200b", "\xad", "\x00", "a", "Bc", "é", "“", "."])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PIECES | st.characters(blacklist_categories=("Cs",)), max_size=30).map("".join))
def test_one_line_is_the_join_of_the_split(raw: str) -> None:
    assert _one_line(raw) == " ".join(raw.split())
