"""Turning a text into an article ready to store: every road in (message, file, feed, link).

Pure work on strings, so a bulk import runs it in worker processes (`build_records`) while
the main process stores and indexes the batch before.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass

from bot.articles.clutter.sources import article_source
from bot.articles.clutter.spans import clutter_spans, decode_spans, encode_spans
from bot.articles.fields import (
    BadField,
    clean_external_id,
    clean_source,
    clean_url,
    normalised_length,
    one_line,
    stuffed_word,
    without_site_name,
)
from bot.articles.junk import looks_binary
from bot.articles.parsing import content_hash, parse_article, utf8
from bot.i18n import N_, Explained, Phrase
from bot.languages import detect, known
from storage.articles import NewArticle, StoredArticle

MAX_ARTICLE_CHARS = 200_000


class RejectedInput(Explained, ValueError):
    """Input that cannot become an article; the message is for the user."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a text came from in Telegram (so an edit can find it again)."""

    chat_id: int | None = None
    message_id: int | None = None
    added_by: int | None = None


@dataclass(frozen=True, slots=True)
class ImportRecord:
    """One article from a file: only `text` is required."""

    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    external_id: str | None = None
    # Where it was read, for the import summary: the file ("events.jsonl") and, in a file of
    # many, its line ("events.jsonl line 6000").
    where: str | None = None
    # An ISO 639-1 code given by the file; None: detected from the text.
    lang: str | None = None
    canonical_url: str | None = None
    line: int | None = None

    def place(self, number: int) -> Phrase | str:
        """Where the record was read, for a refusal: its file and line, else record `number`."""
        if self.line is not None:
            if self.where:
                return Phrase.of(N_("{file} line {n}"), file=self.where, n=self.line)
            return Phrase.of(N_("line {n}"), n=self.line)
        return self.where or Phrase.of(N_("record {n}"), n=number)


@dataclass(frozen=True, slots=True)
class JsonLine:
    """A line of a `.jsonl` file as its bytes: an import's workers decode it (bytes cost the
    importer a third of what text does, read and sent to a worker)."""

    data: bytes
    where: str | None
    number: int

    def __reduce__(self) -> tuple[type[JsonLine], tuple[bytes, str | None, int]]:
        # Sent to a worker as a plain tuple: a slotted dataclass pickles through Python code
        # that lists its fields for every line (5 us a line of the importer's time, 1.5 here).
        return JsonLine, (self.data, self.where, self.number)


def decode_record(line: str, where: str | None, number: int) -> ImportRecord | None:
    """The record a `.jsonl` line holds, None if it is not an article object."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # ValueError: also integers of over 4,300 digits
        return None
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        return None

    def text_field(key: str) -> str | None:
        item = value.get(key)
        if item is None or isinstance(item, (dict, list, bool)):
            return None
        return item if isinstance(item, str) else json.dumps(item)

    return ImportRecord(
        text=value["text"],
        title=text_field("title"),
        date=text_field("date"),
        source=text_field("source"),
        url=text_field("url"),
        external_id=text_field("id"),
        where=where,
        lang=_language(text_field("lang")),
        line=number,
    )


def _language(value: str | None) -> str | None:
    """A `lang` field's code ("fr", "pt-BR" -> "pt"); an unknown one is left to detection."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if known(code) else None


def build_article(
    raw: str,
    *,
    today: dt.date,
    published: dt.date | None = None,
    title: str | None = None,
    source: str | None = None,
    url: str | None = None,
    external_id: str | None = None,
    canonical_url: str | None = None,
    origin: Origin | None = None,
    lang: str | None = None,
) -> NewArticle:
    """Parse a text into an article ready to store, or raise RejectedInput.

    Every field is cleaned here, whatever path it came by (message, file, feed), so what
    reaches SQL is storable on SQLite and PostgreSQL alike.
    """
    # Lone surrogates cannot be stored as UTF-8: keep the rest of the text, mark the spot.
    # (A text the strict encoder takes has none: then the round trip gives it back unchanged.)
    try:
        utf8(raw)  # (kept: the mojibake check reads the same bytes)
    except UnicodeEncodeError:
        raw = raw.encode("utf-8", "replace").decode("utf-8")
    # White space does not count (HTML's block tags leave runs of blank lines); a text
    # far over the limit is refused before spending a copy of it on the measure.
    size = len(raw)
    if MAX_ARTICLE_CHARS < size <= 10 * MAX_ARTICLE_CHARS:
        size = normalised_length(raw)
    if size > MAX_ARTICLE_CHARS:
        raise RejectedInput(
            N_(
                "That text is too long to be one article ({size:,} characters; "
                "the limit is {limit:,})."
            ),
            size=size,
            limit=MAX_ARTICLE_CHARS,
        )
    if looks_binary(raw):
        raise RejectedInput(
            N_(
                "That looks like binary data, not an article: much of it is control "
                "characters, symbols or unreadable bytes."
            )
        )
    try:
        fields = (clean_source(source), clean_url(url), clean_external_id(external_id))
    except BadField as exc:
        raise RejectedInput(N_("That article cannot be stored: {reason}."), reason=exc) from None
    parsed = parse_article(raw, title=one_line(title))
    if len(parsed.text) < 20 or not any(ch.isalpha() for ch in parsed.text):
        if any(ch.isalpha() for ch in raw):
            # ("short", '{"text": "hello"}': words, too few to be more than a headline)
            raise RejectedInput(
                N_(
                    "That is too short to keep as an article: an article has at least a "
                    "sentence of text besides its headline."
                )
            )
        raise RejectedInput(N_("That doesn't look like an article: there is no text to keep."))
    if word := stuffed_word(parsed.text):
        raise RejectedInput(
            N_("That text is mostly one word repeated (“{word}”): it is not an article."),
            word=word[:40],
        )
    origin = origin or Origin()
    # A headline given, or the text's own first line, is a repeat when the text has it
    # again; one cut from the first sentence is the lead itself, not clutter.
    given = bool(title and title.strip()) or parsed.text.startswith(f"{parsed.title}\n")
    source = fields[0] or clean_source(parsed.source)
    headline = without_site_name(one_line(parsed.title) or "", source, _host(fields[1]))
    return NewArticle(
        title=headline or one_line(parsed.text[:80]) or "untitled",
        text=parsed.text,
        published=parsed.published or published or today,
        content_hash=content_hash(parsed.text),
        source=source,
        # (The headline as shown, its site name cut: the text repeats it so, as `reread` has it.)
        clutter=encode_spans(
            clutter_spans(headline if given else "", parsed.text, utf8(parsed.text))
        ),
        url=fields[1],
        external_id=fields[2],
        canonical_url=canonical_url,
        origin_chat_id=origin.chat_id,
        origin_message_id=origin.message_id,
        added_by=origin.added_by,
        lang=lang or detect(parsed.text),
    )


def reread(article: StoredArticle) -> tuple[str, str, str | None]:
    """The headline, clutter spans and source of a stored article as this version finds them
    (the rules improve: `newsbot reindex` brings older articles up to date). A source given
    with the article is kept; one read from its dateline may be found now."""
    source = article.source or clean_source(article_source(article.text))
    title = without_site_name(article.title, source, _host(article.url))
    text = article.text
    given, cut = clutter_spans(title, text), clutter_spans("", text)
    if given == cut:
        return title, encode_spans(given), source
    # Where the headline's words open a sentence, they are clutter (a repeat) only if the
    # headline was given, not cut from that sentence at import: as the older reading says.
    if article.clutter is None:
        repeat = not title.endswith("…")
    else:
        old = decode_spans(article.clutter)
        repeat = all(_mostly_within(span[:2], old) for span in given if span not in cut)
    return title, encode_spans(given if repeat else cut), source


def _mostly_within(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    """Whether most of the characters of `span` are inside `spans`."""
    inside = sum(max(0, min(span[1], e) - max(span[0], s)) for s, e in spans)
    return 2 * inside >= span[1] - span[0]


def _host(url: str | None) -> str | None:
    """The name in a page's address ("ahram" of english.ahram.org.eg), to find in a headline."""
    try:
        labels = (urllib.parse.urlsplit(url or "").hostname or "").split(".")[:-1]
    except ValueError:
        return None
    while len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels.pop()
    return labels[-1] if labels and labels[-1] != "www" else None


# The labels under a country's domain that name no site (bbc.co.uk, ahram.org.eg).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu"})


def build_records(
    chunk: Sequence[tuple[int, ImportRecord]],
    today: dt.date,
    encoded: list[bytes] | None = None,
) -> tuple[list[NewArticle], list[Phrase]]:
    """The articles of numbered records, and why each refused one was refused (where it was
    read, and why, to be said in the reader's language); `encoded`, when given, gets each
    article's text in UTF-8 (the parse has it: the content hash reads it)."""
    built: list[NewArticle] = []
    refused: list[Phrase] = []
    for number, record in chunk:
        try:
            built.append(
                article := build_article(
                    record.text,
                    today=today,
                    published=record_date(record.date),
                    title=record.title,
                    source=record.source,
                    url=record.url,
                    external_id=record.external_id,
                    lang=record.lang,
                    canonical_url=record.canonical_url,
                )
            )
            if encoded is not None:
                encoded.append(utf8(article.text))
        except RejectedInput as exc:
            refused.append(
                Phrase.of(N_("{where}: {reason}"), where=record.place(number), reason=exc.phrase)
            )
    return built, refused


def record_date(value: str | None) -> dt.date | None:
    """A record's date (YYYY-MM-DD, a time after it is fine); RejectedInput if it is not one.

    Never silently today: an undated article stays dated by its text or the day it came,
    but a date that cannot be read is the file's mistake, and the summary says so.
    """
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        shown = one_line(value[:40]) or "?"
        raise RejectedInput(
            N_("its date “{date}” is not a date (write YYYY-MM-DD)"), date=shown
        ) from None
