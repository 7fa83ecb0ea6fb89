"""A feed's items from its bytes, bounded: RSS 0.9x/1.0/2.0 and Atom (feedparser), JSON Feed."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree

from bot.articles.pages import html_to_text
from bot.i18n import N_, Explained

# Real feeds carry tens of items; a feed of thousands is a mistake or an attack, and is
# refused whole rather than stored in part.
MAX_FEED_ITEMS = 1_000
# What a page's <link rel="alternate"> names when it is a feed.
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/json"}
)
_PAGE_PARSER = lxml.html.HTMLParser(no_network=True, huge_tree=False)


class FeedError(Explained):
    """The body is not a usable feed; the message is for the user (/feed add, /feeds)."""


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
    if "json" in content_type or body.lstrip()[:1] == b"{":
        return _json_feed(body)
    _check_size(body)
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
        if problem:
            # The parser's own words (feedparser's exception) stay as it says them.
            raise FeedError(N_("That is not a feed ({problem})."), problem=str(problem))
        raise FeedError(N_("That is not a feed (no items)."))
    if len(entries) > MAX_FEED_ITEMS:
        raise _too_many(len(entries))
    title = parsed.feed.get("title") or None
    return ParsedFeed(title=title, entries=tuple(_entry(e) for e in entries))


def discover_feeds(body: bytes, url: str) -> list[str]:
    """The feeds a web page announces (<link rel="alternate" type="application/rss+xml"...>),
    absolute, in page order: what readers find when given a site's address."""
    try:
        root = lxml.html.document_fromstring(body, parser=_PAGE_PARSER)
    except (etree.ParserError, ValueError):
        return []
    found: list[str] = []
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            absolute = urljoin(url, href)
            if urlsplit(absolute).scheme in ("http", "https") and absolute not in found:
                found.append(absolute)
    return found


def _check_size(body: bytes) -> None:
    """Refuse a huge feed before building every item (memory stays near the body's size),
    and one that declares its own entities (real feeds don't; "billion laughs" does)."""
    if b"<!ENTITY" in body:
        raise FeedError(N_("The feed declares XML entities, which feeds never need; refused."))
    count = body.count(b"<item") + body.count(b"<entry")
    if count > MAX_FEED_ITEMS:
        raise _too_many(count)


def _json_feed(body: bytes) -> ParsedFeed:
    """A JSON Feed (jsonfeed.org 1.0/1.1), which feedparser 6.0 does not read."""
    try:
        data = json.loads(body)
    except ValueError:
        raise FeedError(N_("That is not a feed (invalid JSON).")) from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or "jsonfeed.org" not in str(data.get("version", "")):
        raise FeedError(N_("That is not a feed (JSON, but not a JSON Feed)."))
    if len(items) > MAX_FEED_ITEMS:
        raise _too_many(len(items))
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        html = item.get("content_html")
        entries.append(
            {
                "id": item.get("id"),
                "link": item.get("url"),
                "title": item.get("title"),
                "summary": item.get("summary"),
                "content": [{"value": html if html else _escape(item.get("content_text"))}],
                "published_parsed": _iso_time(
                    item.get("date_published") or item.get("date_modified")
                ),
            }
        )
    title = data.get("title")
    return ParsedFeed(
        title=str(title) if title else None, entries=tuple(_entry(e) for e in entries)
    )


def _iso_time(value: object) -> time.struct_time | None:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(dt.UTC).timetuple() if moment.tzinfo else moment.timetuple()


def _escape(text: object) -> str:
    value = str(text or "")
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _too_many(count: int) -> FeedError:
    return FeedError(
        N_("The feed lists {count:,} items; the limit is {limit:,}."),
        count=count,
        limit=MAX_FEED_ITEMS,
    )


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
