"""A feed's items from its bytes (feedparser: RSS 0.9x/1.0/2.0, Atom, JSON Feed), bounded."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any

import feedparser

from bot.web.extract import html_to_text

# Real feeds carry tens of items; a feed of thousands is a mistake or an attack, and is
# refused whole rather than stored in part.
MAX_FEED_ITEMS = 1_000


class FeedError(Exception):
    """The body is not a usable feed; the message is for /feeds."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item: its identity, link, and whatever text the feed itself carries."""

    guid: str
    link: str | None
    title: str
    summary: str
    content: str
    published: dt.date | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    entries: tuple[FeedEntry, ...]


def parse_feed(body: bytes, content_type: str, url: str) -> ParsedFeed:
    """Parse a fetched feed; FeedError when it is not one or holds too many items."""
    _check_size(body, content_type)
    parsed: Any = feedparser.parse(
        body,
        response_headers={"content-type": content_type, "content-location": url},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    entries = list(parsed.entries)
    version = parsed.get("version") or ""
    if not entries and not version:
        problem = parsed.get("bozo_exception")
        raise FeedError(f"That is not a feed ({problem or 'no items'}).")
    if len(entries) > MAX_FEED_ITEMS:
        raise FeedError(_too_many(len(entries)))
    title = parsed.feed.get("title") or None
    return ParsedFeed(title=title, entries=tuple(_entry(e) for e in entries))


def _check_size(body: bytes, content_type: str) -> None:
    """Refuse a huge feed before building every item (memory stays near the body's size)."""
    if "json" in content_type:
        try:
            items = json.loads(body).get("items")
        except (ValueError, AttributeError):
            raise FeedError("That is not a feed (invalid JSON).") from None
        count = len(items) if isinstance(items, list) else 0
    else:
        count = body.count(b"<item") + body.count(b"<entry")
    if count > MAX_FEED_ITEMS:
        raise FeedError(_too_many(count))


def _too_many(count: int) -> str:
    return f"The feed lists {count:,} items; the limit is {MAX_FEED_ITEMS:,}."


def _entry(entry: Any) -> FeedEntry:
    title = html_to_text(entry.get("title") or "").strip()
    link = entry.get("link") or None
    summary = html_to_text(entry.get("summary") or "")
    content = max(
        (html_to_text(c.get("value") or "") for c in entry.get("content") or []),
        key=len,
        default="",
    )
    guid = entry.get("id") or link
    if not guid:
        guid = "text:" + hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()
    return FeedEntry(
        guid=str(guid),
        link=str(link) if link else None,
        title=title,
        summary=summary.strip(),
        content=content.strip(),
        published=_date(entry.get("published_parsed") or entry.get("updated_parsed")),
    )


def _date(value: time.struct_time | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC).date()
    except (OverflowError, ValueError):
        return None
