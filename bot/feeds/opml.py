"""OPML, the format feed readers exchange subscriptions in: read and write feed lists."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from lxml import etree


class OpmlError(ValueError):
    """Not an OPML file; the message says why."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str | None = None


def read_opml(data: bytes) -> list[OpmlFeed]:
    """Every outline with an xmlUrl, in order (entities and network access disabled)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"not an OPML file: {exc}") from None
    tag = etree.QName(root).localname if isinstance(root.tag, str) else ""
    if tag.lower() != "opml":
        # A feed itself, say: read as OPML it listed nothing, and the import said "0 new".
        raise OpmlError(f"not an OPML file (it is <{tag}>, not <opml>)")
    feeds = []
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl")
        if url:
            feeds.append(OpmlFeed(url.strip(), outline.get("title") or outline.get("text")))
    return feeds


def write_opml(feeds: list[OpmlFeed], title: str = "newsroom bot feeds") -> str:
    """An OPML 2.0 document listing the feeds."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        f"  <head><title>{_text(title)}</title></head>",
        "  <body>",
    ]
    for feed in feeds:
        name = feed.title or feed.url
        lines.append(
            f'    <outline type="rss" text={quoteattr(name)} title={quoteattr(name)}'
            f" xmlUrl={quoteattr(feed.url)}/>"
        )
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
