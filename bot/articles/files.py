"""Reading article files: plain text, Markdown, HTML and JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath

from bot.articles.archive import ImportRecord
from bot.languages import known

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


class UnreadableFile(ValueError):
    """A file that is not text we can read; the message is for the user."""


@dataclass(slots=True)
class FileRecords:
    records: list[ImportRecord] = field(default_factory=list)
    bad_lines: list[int] = field(default_factory=list)


def decode_text(data: bytes) -> str:
    """UTF-8 text (a BOM is fine); binary or other encodings are refused."""
    if b"\x00" in data[:8192]:
        raise UnreadableFile("That file is binary, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"That file is not valid UTF-8 text (bad byte at position {exc.start})."
        ) from None


def html_to_text(markup: str) -> str:
    """The readable text of an HTML page, one paragraph per block element."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return parser.text()


def read_records(name: str, data: bytes) -> FileRecords:
    """The articles in one file, by its extension."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED:
        what = suffix or "files without an extension"
        raise UnreadableFile(f"I can read .txt, .md, .html and .jsonl files, not {what}.")
    text = decode_text(data)
    if suffix in JSONL_SUFFIXES:
        return parse_jsonl(text)
    if suffix in HTML_SUFFIXES:
        text = html_to_text(text)
    return FileRecords([ImportRecord(text=text)])


def parse_jsonl(text: str) -> FileRecords:
    """One `{title, text, date, source, url, id, lang}` object per line; bad lines counted."""
    result = FileRecords()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        record = _record(line)
        if record is None:
            result.bad_lines.append(number)
        else:
            result.records.append(record)
    return result


def iter_jsonl_lines(lines: Iterator[str], bad_lines: list[int]) -> Iterator[ImportRecord]:
    """Stream records from a large file, noting line numbers that are not article objects."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = _record(line)
        if record is None:
            bad_lines.append(number)
        else:
            yield record


def _record(line: str) -> ImportRecord | None:
    try:
        value = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        return None

    def text_field(key: str) -> str | None:
        item = value.get(key)
        if item is None or isinstance(item, (dict, list)):
            return None
        return str(item)

    return ImportRecord(
        text=value["text"],
        title=text_field("title"),
        date=text_field("date"),
        source=text_field("source"),
        url=text_field("url"),
        external_id=text_field("id"),
        lang=_language(text_field("lang")),
    )


def _language(value: str | None) -> str | None:
    """A `lang` field's code ("fr", "pt-BR" -> "pt"); an unknown one is left to detection."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if known(code) else None


class _TextExtractor(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "h1", "h2", "h3", "h4", "li", "article", "section", "tr"})
    SKIP = frozenset({"script", "style", "noscript", "head", "nav", "footer"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self._parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self.BLOCKS:
            self._parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._parts.append(data)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # The stdlib raises AssertionError on `<![` not followed by a known section name
        # (`<![%x`); HTML5 reads any `<![` outside SVG/MathML as a bogus comment, so do that.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i, report)

    def text(self) -> str:
        return "".join(self._parts)
