"""Reading article files: plain text, Markdown, HTML and JSON Lines."""

from __future__ import annotations

import codecs
import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath
from typing import BinaryIO

from bot.articles.archive import ImportRecord
from bot.articles.building import JsonLine, decode_record
from bot.articles.junk import looks_binary
from bot.i18n import N_, Explained

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
BINARY_FILE = N_("That file is binary, not text.")
# UTF-32's marks first: UTF-32 LE's begins with UTF-16 LE's.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Western European, Cyrillic (Windows' and KOI8-R), Arabic and Persian.
_ONE_BYTE_CODECS = ["cp1252", "cp1251", "koi8_r", "cp1256"]


class UnreadableFile(Explained, ValueError):
    """A file that is not text we can read; the message is for the user."""


@dataclass(slots=True)
class FileRecords:
    records: list[ImportRecord] = field(default_factory=list)
    bad_lines: list[int] = field(default_factory=list)


def shown_name(path: object) -> str:
    """A file name as it may be printed, logged or audited: control characters (a newline
    that would fake a summary line or an audit entry) are shown escaped."""
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in str(path))


def decode_text(data: bytes, *, legacy: bool = True) -> str:
    """The text of a file: UTF-8 (a BOM is fine); UTF-16 or UTF-32 with a byte order mark
    (Windows' "Unicode" text); else, with `legacy`, a one-byte encoding charset-normalizer
    recognises (Windows-1251 Russian, Windows-1256 Arabic, Latin-1 French...). Binary data
    and damaged UTF-8 are refused, with the reason."""
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            with contextlib.suppress(UnicodeDecodeError):
                return data.decode(codec)
            break
    if b"\x00" in data[:8192]:
        raise UnreadableFile(BINARY_FILE)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Binary data without a NUL near its start (a photo's, an archive's bytes) was "not
        # valid UTF-8 text (bad byte at position 1)", as if it were text in another encoding.
        if looks_binary(data[:8192].decode("latin-1")):
            raise UnreadableFile(BINARY_FILE) from None
        text = _one_byte_text(data) if legacy else None
        if text is None:
            raise UnreadableFile(
                N_("That file is not valid UTF-8 text (bad byte at position {position})."),
                position=exc.start,
            ) from None
        return text


def _one_byte_text(data: bytes) -> str | None:
    """`data` read in the one-byte encoding it is likely in, or None: UTF-8 with a few bad
    bytes (a cut download) is refused rather than read as another encoding's letters."""
    read = data.decode("utf-8", "replace")
    bad = read.count("\ufffd")
    # (Counted in C: a Python loop over a 20 MB file's characters took a second.)
    letters = len(read) - len(read.encode("ascii", "ignore")) - bad
    if bad <= letters:
        return None  # more letters UTF-8 reads than bytes it cannot: damaged UTF-8
    from charset_normalizer import from_bytes  # (loaded only for such a file)

    # The encodings newsrooms' older files are in: with all of them, Latin-1 French came out
    # as Central European ("siège" as "sičge") and short text as Chinese or Arabic.
    found = from_bytes(data, cp_isolation=_ONE_BYTE_CODECS)
    best = found.best()
    # A text too short to tell its language by (coherence 0) is read only when one of the
    # encodings can read it at all: "Été à Nice" is as likely Russian or Arabic bytes.
    if best is None or (best.coherence == 0 and len(found) > 1):
        return None
    text = str(best)
    return None if looks_binary(text) else text


def html_to_text(markup: str) -> str:
    """The readable text of an HTML page, one paragraph per block element."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return parser.text()


def read_records(name: str, data: bytes) -> FileRecords:
    """The articles in one file, by its extension."""
    suffix = PurePath(name).suffix.lower()
    if not suffix:
        raise UnreadableFile(
            N_("I can read .txt, .md, .html and .jsonl files, not files without an extension.")
        )
    if suffix not in SUPPORTED:
        raise UnreadableFile(
            N_("I can read .txt, .md, .html and .jsonl files, not {suffix}."), suffix=suffix
        )
    # JSON is UTF-8 (RFC 8259): a .jsonl file in another encoding is damaged, not guessed at.
    text = decode_text(data, legacy=suffix not in JSONL_SUFFIXES)
    if suffix in JSONL_SUFFIXES:
        return parse_jsonl(text)
    if suffix in HTML_SUFFIXES:
        return FileRecords([page_record(text)])
    return FileRecords([ImportRecord(text=text)])


def page_record(markup: str) -> ImportRecord:
    """The article of a saved web page, read as its link would be: its headline, date and
    outlet, not its menus (a page the extractor finds no article in is read as plain text)."""
    # Imported here: the extractor's libraries take a quarter of a second to load, which
    # only a page needs.
    from bot.articles.pages import extract_page

    # (Text with no tag at all is no page: read as it is.)
    page = extract_page(markup, "") if "<" in markup else None
    if page is None:
        return ImportRecord(text=html_to_text(markup))
    return ImportRecord(
        text=page.text,
        title=page.title,
        date=page.published.isoformat() if page.published else None,
        source=page.outlet,
        url=page.canonical_url or None,
    )


def parse_jsonl(text: str) -> FileRecords:
    """One `{title, text, date, source, url, id, lang}` object per line; bad lines counted."""
    result = FileRecords()
    result.records.extend(iter_jsonl_lines(iter(text.splitlines()), result.bad_lines))
    return result


def iter_jsonl_lines(
    lines: Iterator[str], bad_lines: list[int], *, label: str = ""
) -> Iterator[ImportRecord]:
    """Stream records from a large file, noting line numbers that are not article objects.

    Each record knows its file (`label`) and line, so a record refused later is reported
    where it is.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = decode_record(line, label or None, number)
        if record is None:
            bad_lines.append(number)
        else:
            yield record


def undecoded_lines(lines: Iterator[bytes], *, label: str = "") -> Iterator[JsonLine]:
    """The non-blank lines of a large file as they are, for an import's workers to decode
    (`Archive.import_records` counts those that are not article objects)."""
    for number, line in enumerate(lines, start=1):
        # (Not `line.strip()`: a copy of every line to find the few blank ones.)
        if line and not line.isspace():
            yield JsonLine(line, label or None, number)


def bounded_lines(handle: BinaryIO, limit: int) -> Iterator[bytes]:
    """The lines of a file, each line over `limit` bytes given as OVERLONG_LINE and skipped
    without holding it (a file of one endless line must not fill the memory)."""
    while line := handle.readline(limit + 1):
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := handle.readline(limit)) and not rest.endswith(b"\n"):
                pass
            yield OVERLONG_LINE
        else:
            yield line


def jsonl_lines(handle: BinaryIO, limit: int) -> Iterator[bytes]:
    """The lines of a `.jsonl` file as UTF-8, as `bounded_lines` gives them: a file in UTF-16
    or UTF-32 with its byte order mark (Windows' "Unicode") is read in it, as an uploaded one
    is (`decode_text`), not taken for lines that are no article objects."""
    start = handle.read(4)
    handle.seek(0)
    codec = next((codec for bom, codec in _WIDE_BOMS if start.startswith(bom)), None)
    if codec is None:
        return bounded_lines(handle, limit)
    return _wide_lines(handle, codec, limit)


def _wide_lines(handle: BinaryIO, codec: str, limit: int) -> Iterator[bytes]:
    # A rare file (saved by Notepad): line by line, as bounded_lines reads, in characters.
    reader = io.TextIOWrapper(handle, encoding=codec, errors="replace")
    try:
        while line := reader.readline(limit + 1):
            if len(line) > limit and not line.endswith("\n"):
                while (rest := reader.readline(limit)) and not rest.endswith("\n"):
                    pass
                yield OVERLONG_LINE
            else:
                yield line.encode("utf-8")
    finally:
        reader.detach()  # the file is its opener's to close


# What bounded_lines gives for a line too long to read: not an article object.
OVERLONG_LINE = b"overlong"


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
