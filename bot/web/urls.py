"""Web addresses: finding a link in a message, and the canonical form that identifies a page."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

URL = re.compile(r"https?://[^\s<>\"'\u00a0]+", re.IGNORECASE)
# Besides the link, a message that is "mostly a link" carries at most a line like a headline.
MAX_TEXT_BESIDE_LINK = 200
# The addresses of one message that are fetched (each is a request and a reply).
MAX_LINKS = 10
MAX_KEY_CHARS = 2048
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "_hs", "vero_", "oly_")
TRACKING_NAMES = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid",
        "ref", "ref_src", "ref_url", "cmpid", "ocid", "smid", "smtyp", "at_medium",
        "at_campaign", "ito", "ns_mchannel", "ns_source", "ns_campaign", "ns_linkname", "ns_fee",
        "amp", "outputtype", "spm", "s_cid", "ftag",
    }
)  # fmt: skip
# Only parameters that never pick a different page: dropping a real one would merge articles.
# Host prefixes of the same site's mobile and AMP copies.
MIRROR_PREFIXES = ("www.", "m.", "mobile.", "amp.", "www1.")
TRAILING_PUNCTUATION = ".,;:!?)]}»”’'"
# Something written as an address of any scheme ("ftp://x", "http://"), which URL does not
# find: alone in a message, it is refused as an address rather than read as a tiny article.
ADDRESS_LIKE = re.compile(r"[a-z][a-z0-9+.\-]*://\S*", re.IGNORECASE)
# A site's address without a scheme: a host name of letters (a dot and a top-level domain of
# letters), then a path or nothing ("reuters.com/rss"; not "3.5", "e.g." nor "syria").
BARE_HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:[/?#]\S*)?", re.IGNORECASE
)


# The word after an address on its line that goes on as an address does (a path, a query, a
# page's ending), where the first word of a headline beside it would not: "http://a b/" and
# "https://x.org/syria- raqqa.html" are addresses with a space typed or pasted into them
# ("24/7", "9/11" and "2017/07/04" are a headline's).
RUNS_ON = re.compile(
    r"""[ \t]+(?![a-z][a-z0-9+.\-]*://)(?:                # (the next address is not)
        (?![\d/]+[\s.,;:!?)]*(?:\s|$)) [^\s/]*/\S*         # a path: b/, raqqa/dam
        | \S*\?\S*=\S*                                      # a query: ?id=3
        | \S+\.(?:s?html?|php|aspx?|jsp)(?:[?\#]\S*)?        # a page: raqqa-dam.html
    )(?=\s|$)""",
    re.IGNORECASE | re.VERBOSE,
)


def find_links(text: str) -> list[str]:
    """The addresses of a message that is mostly links: one, or several side by side or a line
    each, with at most a headline's words beside them; [] for anything else.

    An address a space cuts in two is found whole, space and all ("http://a b/"): fetching
    it says so, where fetching its first part would fetch the wrong page.
    """
    found = [_with_run_on(text, match) for match in URL.finditer(text)]
    links = list(dict.fromkeys(written.rstrip(TRAILING_PUNCTUATION) for written in found))
    beside = text
    for written in found:
        beside = beside.replace(written, " ", 1)
    return links if len(beside.strip()) <= MAX_TEXT_BESIDE_LINK else []


def find_link(text: str) -> str | None:
    """The one address in a message that is mostly a link; None for anything else."""
    links = find_links(text)
    return links[0] if len(links) == 1 else None


def _with_run_on(text: str, match: re.Match[str]) -> str:
    run_on = RUNS_ON.match(text, match.end())
    return match.group() + run_on.group() if run_on is not None else match.group()


def leading_address(text: str) -> tuple[str, str]:
    """The first word of `text` as an address, with the word after it when that goes on as an
    address does ("http://a b/", space and all: fetching it says so), and the rest of `text`
    (a feed's topic words). A site's address typed without its scheme, as feeds are listed
    ("feeds.bbci.co.uk/news/rss.xml"), is an https one."""
    text = text.strip()
    first = text.split(maxsplit=1)[0] if text else ""
    if BARE_HOST.fullmatch(first):
        text = f"https://{text}"
        first = f"https://{first}"
    run_on = RUNS_ON.match(text, len(first)) if URL.fullmatch(first) else None
    address = first + run_on.group() if run_on is not None else first
    return address, text[len(address) :].strip()


def find_addresses(text: str) -> list[str]:
    """find_links' addresses, else the whole message when it is one address-like word (an
    `ftp://` address, a bare `http://`): fetching it says why it cannot be fetched."""
    links = find_links(text)
    if links:
        return links
    stripped = text.strip()
    return [stripped] if ADDRESS_LIKE.fullmatch(stripped) else []


def find_anchored_link(text: str, anchors: Iterable[tuple[str, str]]) -> str | None:
    """The one address behind a message's linked words (Telegram's text links: (url, words)),
    when the message is mostly that link ("Raqqa siege ends. Read more" with "Read more"
    linked); None for anything else, or when the text has an address of its own."""
    anchors = [(url, words) for url, words in anchors if URL.fullmatch(url)]
    if len({url for url, _ in anchors}) != 1 or URL.search(text):
        return None
    beside = text
    for _, words in anchors:
        beside = beside.replace(words, " ", 1)
    return anchors[0][0] if len(beside.strip()) <= MAX_TEXT_BESIDE_LINK else None


def canonical_key(url: str) -> str | None:
    """The address that identifies a page, whatever copy of it was reached.

    Scheme and `www.`/`m.`/`amp.` hosts, tracking parameters, `/amp` paths, fragments and a
    trailing slash do not count. None when the address is not http(s) or absurdly long.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    for prefix in MIRROR_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix) :]
            break
    if port not in (None, 80, 443):
        host = f"{host}:{port}"
    path = re.sub(r"/+", "/", parts.path or "/")
    path = re.sub(r"\.amp(\.html?)?$", r"\1", path, flags=re.IGNORECASE)
    path = re.sub(r"/amp/?$|^/amp(?=/)", "", path, flags=re.IGNORECASE)
    path = path.rstrip("/") or "/"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _tracking(name)
    ]
    key = urlunsplit(("https", host, path, urlencode(sorted(query)), ""))
    return key if len(key) <= MAX_KEY_CHARS else None


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_NAMES or lowered.startswith(TRACKING_PREFIXES)
