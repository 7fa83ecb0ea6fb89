"""Telegram HTML for every reply, and splitting long texts into messages that fit."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from bot.i18n import ENGLISH, Phrase, Texts

MESSAGE_LIMIT = 4096
# The callback data of an answer's "More ▸" button starts with this (then the offset).
MORE_PREFIX = "more:"
PARAGRAPH = re.compile(r"\n\s*\n")


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _fitting_prefix(text: str, limit: int) -> int:
    """How many characters from the start of `text` fit in `limit` UTF-16 code units."""
    n = min(len(text), limit)
    over = telegram_length(text[:n]) - limit
    while over > 0:
        n -= max(1, over // 2)
        over = telegram_length(text[:n]) - limit
    return n


def escape(text: str) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


# What a reply repeats of a user's argument: an address, a code or a word they typed (4,000
# characters of it would be the reply, in several messages).
ECHO_LIMIT = 200


def echoed(text: str, limit: int = ECHO_LIMIT) -> str:
    """A user's argument as a reply repeats it: at most `limit` characters, `…` where cut."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


# Quotation marks inside a quote become single ones, as in print ("““Coalition forces ...,”
# Centcom said.”" read as a typo): one character for one, so highlight spans stay put.
_NESTED = str.maketrans({"“": "‘", "”": "’"})


def quoted(text: str) -> str:
    """`text` in quotation marks, its own double ones made single."""
    return f"“{text.translate(_NESTED)}”"


def bold_spans(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escape `text`, wrapping the given character spans in <b>."""
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        start = max(start, position)
        if end <= start:
            continue
        out.append(escape(text[position:start]))
        out.append(f"<b>{escape(text[start:end])}</b>")
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def read_command(article_id: int) -> str:
    """The tappable command that sends a whole article."""
    return f"/read_{article_id}"


def also_in(outlets: str, texts: Texts = ENGLISH) -> str:
    """'<i>also in: Reuters, Al Arabiya +3</i>': the outlets (plain text) of a story's copies."""
    return "<i>" + texts("also in: {outlets}", outlets=escape(outlets)) + "</i>"


def byline(published: str, source: str | None, article_id: int) -> str:
    """'2017-07-04 · Reuters · /read_42', escaped."""
    parts = [published]
    if source:
        parts.append(escape(source))
    parts.append(read_command(article_id))
    return " · ".join(parts)


def join_blocks(blocks: Iterable[str], limit: int = MESSAGE_LIMIT, sep: str = "\n\n") -> list[str]:
    """Pack blocks into as few messages as fit; a block too long alone is split by `split_text`."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        pieces = [block] if telegram_length(block) <= limit else split_plain(block, limit)
        for piece in pieces:
            candidate = f"{current}{sep}{piece}" if current else piece
            if telegram_length(candidate) <= limit:
                current = candidate
                continue
            if current:
                messages.append(current)
            current = piece
    if current:
        messages.append(current)
    return messages


def split_article(title: str, meta: str, text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """A whole article as HTML messages, split on paragraph boundaries."""
    head = f"<b>{escape(title)}</b>\n{meta}"
    paragraphs = [p.strip() for p in PARAGRAPH.split(text) if p.strip()]
    if paragraphs and _same_line(paragraphs[0], title):
        # A text's first line is its headline, already shown in bold above.
        paragraphs = paragraphs[1:]
    return join_blocks([head, *(escape(p) for p in paragraphs)], limit)


def _same_line(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def split_plain(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split already-escaped text without tags at line, then sentence, then word boundaries."""
    chunks: list[str] = []
    rest = text
    while telegram_length(rest) > limit:
        window = rest[: _fitting_prefix(rest, limit)]
        cut = max(window.rfind("\n"), window.rfind(". ") + 1, window.rfind(" "))
        # Never cut inside an HTML entity such as &amp;.
        amp = window.rfind("&", max(cut, 0))
        if amp != -1 and ";" not in window[amp:]:
            cut = amp
        if cut <= 0:
            cut = len(window)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def saved_line(
    article_id: int, title: str, published: str, source: str | None, texts: Texts = ENGLISH
) -> str:
    """'Saved #42: headline (2017-07-04, Reuters)' as HTML."""
    where = f"{published}, {source}" if source else published
    return texts(
        "Saved #{n}: {title} ({where})", n=article_id, title=escape(title), where=escape(where)
    )


def duplicate_line(article_id: int, title: str, texts: Texts = ENGLISH) -> str:
    """The reply when an article is already in the archive."""
    return texts(
        "Already in the archive as #{n}: {title} — {read}",
        n=article_id,
        title=escape(title),
        read=read_command(article_id),
    )


def no_article_line(number: int, texts: Texts = ENGLISH) -> str:
    """The reply when an article number names nothing in the archive."""
    return texts("There is no article #{n} in the archive.", n=number)


class FeedView(Protocol):
    """What /feeds shows of a feed."""

    @property
    def id(self) -> int: ...
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def topics(self) -> str: ...
    @property
    def last_success_at(self) -> dt.datetime | None: ...
    @property
    def last_error(self) -> str | None: ...
    @property
    def next_poll_at(self) -> dt.datetime: ...
    @property
    def item_count(self) -> int: ...


def feed_lines(feeds: Sequence[FeedView], texts: Texts = ENGLISH) -> str:
    """/feeds: each feed numbered, with its topics, last success, last error and item count."""
    if not feeds:
        return escape(texts("No feeds yet. Follow one with /feed add <url> [topic words]."))
    blocks = []
    for feed in feeds:
        lines = [f"#{feed.id} {escape(feed.title or feed.url)}", f"   {escape(feed.url)}"]
        details = [texts.plural("{n} article", "{n} articles", feed.item_count)]
        if feed.topics:
            details.append(texts("topics: {topics}", topics=escape(feed.topics)))
        success = feed.last_success_at
        details.append(
            texts("last success: {when}", when=_moment(success))
            if success
            else texts("last success: never")
        )
        lines.append("   " + "; ".join(details))
        if feed.last_error:
            lines.append(
                "   "
                + texts(
                    "last error: {error} (next try {when})",
                    error=escape(said_error(feed.last_error, texts)),
                    when=_moment(feed.next_poll_at),
                )
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def said_error(stored: str, texts: Texts) -> str:
    """A feed's last error in the reader's language (as it was kept, if kept as plain text)."""
    phrase = Phrase.from_stored(stored)
    return stored if phrase is None else phrase.said(texts)


def _moment(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")
