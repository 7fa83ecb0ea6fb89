"""Turn raw text from a message or file into an article: date, source, headline, clean body."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from bot.articles.boilerplate import article_source

DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t:]*", re.IGNORECASE)
CAPTION_START = re.compile(r"^(?:file\s+photo|photo|picture|image)\b\s*:", re.IGNORECASE)
# Control characters except tab and newline, and the invisible ones that break matching.
UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)
SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])")
WHITESPACE = re.compile(r"\s+")
_ASCII_BYTES = bytes(range(128))

HEADLINE_MAX = 150
TRIMMED_HEADLINE = 110
MIN_ARTICLE_CHARS = 280


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """What the parser found in one text."""

    title: str
    text: str
    published: dt.date | None
    source: str | None


def clean_text(raw: str) -> str:
    """Normalise Unicode, drop control and zero-width characters, tidy blank lines."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", raw)
    # Every character UNPRINTABLE matches is unprintable: when the rest of the text is
    # printable (str.isprintable is a plain C loop), the regex need not scan it.
    if not text.replace("\n", "").replace("\t", "").isprintable() and UNPRINTABLE.search(text):
        text = UNPRINTABLE.sub("", text)
    text = "\n".join([line.strip() for line in text.split("\n")])
    if "\n\n\n" in text:
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def content_hash(text: str) -> str:
    """The identity of an article's text: white space and case do not count.

    The SHA-256 of " ".join(text.split()).casefold() in UTF-8, as stored since the first
    version. Most texts take a cheaper road to the same bytes: split the UTF-8 at ASCII
    white space and lower its ASCII letters. That is exact when no other character is white
    space (\x1c-\x1f and the non-ASCII spaces, all unprintable) and every non-ASCII
    character folds to itself (casefold works character by character).
    """
    data = text.encode("utf-8")
    if b"\x1c" not in data and b"\x1d" not in data and b"\x1e" not in data and b"\x1f" not in data:
        if data.isascii():
            exact = True
        else:
            others = data.translate(None, _ASCII_BYTES).decode("utf-8")
            exact = others.isprintable() and others.casefold() == others
        if exact:
            return hashlib.sha256(b" ".join(data.split()).lower()).hexdigest()
    normal = " ".join(text.split()).casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def looks_like_article(raw: str) -> bool:
    """Whether a private message is an article to keep rather than a question."""
    text = raw.strip()
    if DATE_LINE.match(text):
        return True
    if len(text) >= MIN_ARTICLE_CHARS:
        return True
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return len(paragraphs) >= 2 and len(text) >= 150 and not text.endswith("?")


def parse_article(raw: str, *, title: str | None = None) -> ParsedArticle:
    """Parse an article text; `title`, when given (JSONL), wins over the guessed headline."""
    text = clean_text(raw)
    published = None
    if match := DATE_LINE.match(text):
        published = _parse_date(match.group(1))
        if published is not None:
            text = text[match.end() :].lstrip()
    # clean_text stripped every line, so the paragraphs are the non-empty lines.
    paragraphs = [_once(p) for p in text.split("\n") if p]
    paragraphs = _drop_repeats(paragraphs)
    body = "\n\n".join(paragraphs)
    source = article_source(body)
    headline = clean_headline(title) if title and title.strip() else guess_headline(paragraphs)
    return ParsedArticle(title=headline, text=body, published=published, source=source)


def guess_headline(paragraphs: list[str]) -> str:
    """The first line when it looks like a headline, else the trimmed first sentence."""
    content = [p for p in paragraphs if not _is_caption(p)] or paragraphs
    if not content:
        return ""
    first = content[0]
    if len(content) > 1 and _looks_like_headline(first):
        return first
    return trim_headline(first_sentence(first))


def first_sentence(paragraph: str) -> str:
    """The paragraph's first sentence (the whole paragraph when it has one)."""
    return SENTENCE_END.split(paragraph.strip(), maxsplit=1)[0].strip()


def trim_headline(sentence: str, limit: int = TRIMMED_HEADLINE) -> str:
    """Cut a sentence at a word boundary so it fits a one-line headline."""
    sentence = WHITESPACE.sub(" ", sentence).strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:-–— ")
    return f"{cut}…"


def clean_headline(title: str) -> str:
    """A given title on one line, trimmed when absurdly long."""
    return trim_headline(title, HEADLINE_MAX)


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    return (
        0 < len(line) <= HEADLINE_MAX
        and len(words) <= 22
        and not line.endswith((".", ",", ";", ":"))
        and not _is_caption(line)
    )


def _is_caption(paragraph: str) -> bool:
    return bool(CAPTION_START.match(paragraph))


def _once(paragraph: str) -> str:
    """A caption printed twice in a row on one line ("A. A.") is kept once."""
    paragraph = paragraph.strip()
    size = len(paragraph)
    if size < 40:
        return paragraph
    middle = size // 2
    if paragraph.find(paragraph[:20], middle - 4) == -1:  # cheap test before the exact one
        return paragraph
    for cut in range(max(1, middle - 3), min(size, middle + 4)):
        left, right = paragraph[:cut].strip(), paragraph[cut:].strip()
        if left and left == right:
            return left
    return paragraph


def _drop_repeats(paragraphs: list[str]) -> list[str]:
    kept: list[str] = []
    for paragraph in paragraphs:
        if not kept or kept[-1] != paragraph:
            kept.append(paragraph)
    return kept


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
