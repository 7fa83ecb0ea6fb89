"""The article in a web page: body (trafilatura, readability-lxml as fallback), headline, date,
outlet and canonical address; of a page fetched from its link, a feed's item or a file.

CPU-bound and synchronous: callers run it on a thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from readability import Document

from bot.articles.building import record_date

log = logging.getLogger(__name__)

# Below this many characters trafilatura's result is taken as "nothing" and the fallback tried.
MIN_BODY_CHARS = 200
BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"})
SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"<[^>]*>")
# A page opens with these within its first characters; a fragment does not.
_DOCUMENT = re.compile(r"<(?:!doctype|html)\b", re.IGNORECASE)
DOCUMENT_START_CHARS = 1024
# The labels under a country's domain that name no site (bbc.co.uk, ahram.org.eg).
SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu"})
# A site name this short is an acronym: "AP" of hosted.ap.org, "BBC", "CNN".
MAX_ACRONYM = 3


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """What a page says about its article."""

    title: str | None
    text: str
    published: dt.date | None
    outlet: str | None
    canonical_url: str


def extract_page(html: str, url: str) -> ExtractedPage | None:
    """The article in `html` (fetched from `url`), or None when the page holds no article text.

    Comments are left out and precision favoured: measured on real pages (bench/extract.py),
    both remove boilerplate that trafilatura's defaults keep, at no cost in recall.
    """
    if not _MARKUP.sub("", html).strip():
        return None  # nothing but tags: the extractors would log an error for each such page
    if not _DOCUMENT.search(html, 0, DOCUMENT_START_CHARS):
        # A fragment ("<p>...</p>" in an uploaded file): trafilatura logs one as an error
        # ("not valid HTML"); wrapped, it reads it.
        html = f"<html><body>{html}</body></html>"
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, favor_precision=True
        )
    except Exception:  # a hostile page can break the parser in any way; the fallback decides
        log.info("trafilatura could not read %s", url, exc_info=True)
        document = None
    found: dict[str, Any] = {}
    if document is not None:
        found = document if isinstance(document, dict) else document.as_dict()
    text = str(found.get("text") or "")
    if len(text) < MIN_BODY_CHARS:
        text = _readability_text(html) or text
    if not text.strip():
        return None
    title = _clean(found.get("title"))
    if not title:
        title = _readability_title(html)
    canonical = _canonical(found.get("url"), url)
    return ExtractedPage(
        title=title or None,
        text=_without_headline(text, title),
        published=record_date(found.get("date")),
        # (the page's own address names the outlet: a copy may be served from anywhere)
        outlet=_outlet(found.get("sitename"), canonical),
        canonical_url=canonical,
    )


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment (a feed item's summary), paragraphs on their own lines."""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:
        return SPACE.sub(" ", re.sub(r"<[^>]*>", " ", html)).strip()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in BLOCKS:
            element.tail = "\n" + (element.tail or "")
    return "\n".join(SPACE.sub(" ", line).strip() for line in root.text_content().split("\n"))


def _readability_text(html: str) -> str:
    try:
        summary = Document(html).summary(html_partial=True)
    except Exception:
        log.info("readability could not read the page either", exc_info=True)
        return ""
    return html_to_text(summary).strip()


def _readability_title(html: str) -> str | None:
    try:
        return _clean(Document(html).short_title())
    except Exception:
        return None


def _without_headline(text: str, title: str | None) -> str:
    """The body without a first line that repeats the headline."""
    if not title:
        return text
    lines = text.lstrip().split("\n")
    if lines and _same(lines[0], title):
        return "\n".join(lines[1:]).strip()
    return text


def _same(a: str, b: str) -> bool:
    return SPACE.sub(" ", a).strip().casefold() == SPACE.sub(" ", b).strip().casefold()


def _clean(value: str | None) -> str | None:
    return SPACE.sub(" ", value).strip() or None if value else None


def _outlet(sitename: str | None, url: str) -> str | None:
    name = _clean(sitename)
    host = urlsplit(url).hostname
    if name and not is_host_outlet(name, host):
        return name[:200]
    return outlet_of_host(host)


def _canonical(declared: str | None, url: str) -> str:
    """The page's own canonical address when it names one on http(s), else the fetched one."""
    if declared:
        absolute = urljoin(url, declared.strip())
        if urlsplit(absolute).scheme in ("http", "https"):
            return absolute
    return url


def outlet_of_host(host: str | None) -> str | None:
    """The outlet a page's host names, for a page that names none: its registered domain,
    whatever service or copy the subdomain serves (hosted., www., m., amp., edition.,
    english.), and an acronym's capitals for a short one ("AP" of hosted.ap.org)."""
    labels = _labels(host)
    if len(labels) < 2 or labels[-1].isdigit():
        return None  # localhost, an IP address
    name = _name_at(labels)
    if labels[name].isalpha() and len(labels[name]) <= MAX_ACRONYM:
        return labels[name].upper()
    return ".".join(labels[name:])


def is_host_outlet(outlet: str, host: str | None) -> bool:
    """Whether a page's "site name" is only its host or a subdomain's label ("Hosted" of
    hosted.ap.org, as extractors make one from the address), not a name the site gives."""
    labels = _labels(host)
    said = outlet.strip().lower()
    if said.removeprefix("www.") == ".".join(labels).removeprefix("www."):
        return True
    return len(labels) >= 2 and said in labels[: _name_at(labels)]


def _labels(host: str | None) -> list[str]:
    return [label for label in (host or "").lower().rstrip(".").split(".") if label]


def _name_at(labels: list[str]) -> int:
    """Where the site's name is among a host's labels: before the public suffix, a top-level
    domain with a country's second level under it (co.uk, org.eg) when a name comes first."""
    name = len(labels) - 2
    if name >= 1 and labels[name] in SECOND_LEVEL and len(labels[-1]) == 2:
        name -= 1
    return max(name, 0)
