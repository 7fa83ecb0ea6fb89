"""Properties over any input: parsing, query analysis, rendering and splitting never break."""

from __future__ import annotations

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.articles.files import UnreadableFile, html_to_text, read_records
from bot.articles.parsing import clean_text, content_hash, looks_like_article, parse_article
from bot.questions.analysis import analyze, answer_type, tokenize
from bot.render import (
    MESSAGE_LIMIT,
    bold_spans,
    escape,
    join_blocks,
    split_article,
    split_plain,
    telegram_length,
)
from bot.telegram.offline import TelegramParseError, _check_text, _plain

# Any Unicode a Telegram update can carry (no lone surrogates: they cannot be sent as UTF-8).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=3000)
# Long texts from a random piece repeated: past the 4,096 limit without huge generated data.
LONG = st.builds(
    lambda piece, sep, times: (piece + sep) * times,
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=400),
    st.sampled_from(["", " ", "\n", "\n\n", ". "]),
    st.integers(10, 400),
)
# Markup built from the pieces HTML parsers branch on: random characters rarely form `<![`.
MARKUP_PIECES = (
    *("<![", "<!", "<!--", "-->", "<?", "</", "<", ">", "/>", "]]>", "]>", "CDATA[", "if"),
    *("endif", "DOCTYPE", "%", " ", "\t", "\n", "a", "p", "script", "&#", "&#x", "&amp"),
    *(";", "=", '"', "'", "D800", "99999999999"),
)
MARKUP = st.lists(st.sampled_from(MARKUP_PIECES), max_size=40).map("".join)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class NoStats:
    """An empty archive for query analysis."""

    def doc_freq(self, term: str) -> int:
        return 0

    def num_docs(self) -> int:
        return 0


@SETTINGS
@given(TEXT)
def test_escape_round_trips_through_telegram_html(text: str) -> None:
    escaped = escape(text)
    assert html.unescape(escaped) == text
    if text.strip():
        assert _plain(escaped) == text


@SETTINGS
@given(TEXT, st.lists(st.tuples(st.integers(-5, 3005), st.integers(-5, 3005)), max_size=8))
def test_bold_spans_are_always_valid_html(text: str, spans: list[tuple[int, int]]) -> None:
    marked = bold_spans(text, spans)
    assert _plain(marked) == text


@SETTINGS
@given(st.one_of(TEXT, LONG))
def test_split_plain_keeps_every_word_and_fits(text: str) -> None:
    escaped = escape(text)
    parts = split_plain(escaped)
    for part in parts:
        assert 0 < telegram_length(part) <= MESSAGE_LIMIT
        _plain(part)  # no entity is cut in half
    # Only white space at the cuts may go; every other character stays, in order.
    assert "".join("".join(parts).split()) == "".join(escaped.split())


@SETTINGS
@given(TEXT, LONG)
def test_split_article_gives_messages_telegram_accepts(title: str, text: str) -> None:
    for part in split_article(title or "t", "2017-07-04 · /read_1", text):
        _check_text(part, "HTML")


@SETTINGS
@given(st.lists(TEXT, max_size=6))
def test_join_blocks_fits_the_limit(blocks: list[str]) -> None:
    for message in join_blocks([escape(b) for b in blocks if b.strip()]):
        assert telegram_length(message) <= MESSAGE_LIMIT


@SETTINGS
@given(st.one_of(TEXT, LONG))
def test_article_parsing_never_fails_and_is_stable(raw: str) -> None:
    parsed = parse_article(raw)
    assert parsed.text == clean_text(parsed.text) or parsed.text == parsed.text.strip()
    assert content_hash(parsed.text) == content_hash(parse_article(raw).text)
    assert isinstance(looks_like_article(raw), bool)
    assert len(parsed.title or "") <= 200


@SETTINGS
@given(st.one_of(MARKUP, TEXT))
def test_html_to_text_never_fails(markup: str) -> None:
    assert isinstance(html_to_text(markup), str)  # the property: it returns, never raises


@SETTINGS
@given(
    st.sampled_from(["a.txt", "b.md", "c.html", "d.jsonl", "e.exe", "noext"]),
    st.one_of(MARKUP.map(str.encode), TEXT.map(str.encode), st.binary(max_size=500)),
)
def test_reading_any_file_gives_records_or_a_reason(name: str, data: bytes) -> None:
    try:
        found = read_records(name, data)
    except UnreadableFile as exc:
        assert str(exc)
        return
    assert all(isinstance(record.text, str) for record in found.records)


@SETTINGS
@given(st.one_of(TEXT, st.text(alphabet='"*()-+:^~[]{}\\ANDORNEAR raqqa', max_size=200)))
def test_query_analysis_never_fails(question: str) -> None:
    query = analyze(question, NoStats())
    lowered = question.lower()
    for term in query.terms:
        assert term.word in lowered
        assert term.terms
    answer_type(question)
    for match in tokenize(question):
        assert match.group(0)


def test_check_text_rejects_what_telegram_rejects() -> None:
    for bad in ("<b>open", "x" * (MESSAGE_LIMIT + 1), "\U0001f600" * 2049, "   "):
        try:
            _check_text(bad, "HTML")
        except TelegramParseError:
            continue
        raise AssertionError(f"accepted {bad[:20]!r}")
