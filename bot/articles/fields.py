"""Cleaning the short fields of an article (title, source, URL, id) before they reach SQL.

The same rules on every database: PostgreSQL refuses NUL bytes and text over a column's
length where SQLite stores them, so an archive that works on one must work on the other.
"""

from __future__ import annotations

import re
import string
from collections import Counter

import numpy as np

from bot.articles.parsing import UNPRINTABLE, beyond_ascii, utf8
from bot.i18n import N_, Explained

# The column sizes in storage/models.py (String(200)); URLs are Text, but none is this long.
SOURCE_MAX = 200
EXTERNAL_ID_MAX = 200
URL_MAX = 2_048
# A text of at least this many words where one word is more than this share of them is
# keyword stuffing ("Raqqa Raqqa Raqqa…"), not an article.
STUFFING_MIN_WORDS = 60
STUFFING_SHARE = 0.35
_WORD = re.compile(r"\w+")
# More characters per token than this is not running text. A form of the stuffed word
# ("Raqqa", "raqqa.") counts when it is at least 1/_VARIANTS of the share.
_GLUED = 20
_VARIANTS = 4
_PUNCTUATION = string.punctuation + "«»“”‘’„‚…–—¡¿·"
_SPACES = re.compile(r"\s+")
# The white space str.split() splits at: these bytes of UTF-8 (1), and the characters beyond
# ASCII in _WIDE_SPACE (tests/test_parsing_equivalence.py checks both against str.isspace).
_SPLIT_BYTES = bytes(int(b in b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f") for b in range(256))
_WIDE_SPACE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# Buckets of the stuffing bound (`_no_token_stuffed`): a power of two.
_BUCKETS = 1 << 10
# The separators between a headline and the site's name or section (kept by the split).
_TITLE_PARTS = re.compile(r"( [|\-–—] )")
# A section name before the site's: "World", "Middle East".
_SECTION = re.compile(r"[A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*)?")
# Source names shorter than this ("AP") are too short to find in a site's name.
_MIN_SITE_KEY = 3
_SITE_WORDS = 4


class BadField(Explained, ValueError):
    """A field that cannot be stored as given; the message names it, for the user (said in
    their language inside the sentence that refuses the article)."""


def storable(value: str) -> str:
    """The text with lone surrogates replaced (they cannot be UTF-8) and NULs and controls gone."""
    value = value.encode("utf-8", "replace").decode("utf-8")
    if not value.isprintable():
        value = UNPRINTABLE.sub("", value)
    return value


def one_line(value: str | None) -> str | None:
    """A storable, single-line, trimmed field; None when nothing is left."""
    if value is None:
        return None
    # A printable value has no white space but " ", no surrogate and nothing UNPRINTABLE
    # matches: without two spaces in a row, only the strip changes it (most fields).
    if value.isprintable() and "  " not in value:
        return value.strip() or None
    value = storable(_SPACES.sub(" ", value)).strip()
    return value or None


def clean_source(value: str | None) -> str | None:
    """A source name that fits its column: cut at a word boundary (it only describes)."""
    value = one_line(value)
    if value is None or len(value) <= SOURCE_MAX:
        return value
    return value[: SOURCE_MAX - 1].rsplit(" ", 1)[0].rstrip() + "…"


def without_site_name(title: str, *names: str | None) -> str:
    """The headline without the site's name that pages append to it ("… | Jordan Times",
    "… - Region - World - Ahram Online"): a last part naming the source (or the page's host)
    goes, with the one- or two-word section names before it. The first part always stays."""
    parts = _TITLE_PARTS.split(title)
    if len(parts) < 3:
        return title
    keys = [k for k in (_letters(name) for name in names if name) if len(k) >= _MIN_SITE_KEY]
    last = _letters(parts[-1])
    # A site's name is a few words ("The New York Times"), not a clause that names it; cut
    # short with the headline, its start ("… - The ...", of The Week).
    cut = parts[-1].rstrip().endswith(("...", "…")) and len(last) >= _MIN_SITE_KEY
    if len(parts[-1].split()) > _SITE_WORDS or not any(
        k in last or (cut and k.startswith(last)) for k in keys
    ):
        return title
    del parts[-2:]
    # A headline of a few words keeps its parts: "Syria - Aleppo" names no section.
    while len(parts) >= 3 and _SECTION.fullmatch(parts[-1]) and _words_before(parts) >= 4:
        del parts[-2:]
    return "".join(parts)


def _words_before(parts: list[str]) -> int:
    return len("".join(parts[:-2]).split())


def _letters(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def clean_external_id(value: str | None) -> str | None:
    """An id is an identity: one that does not fit is refused, never cut into another's."""
    value = one_line(value)
    if value is not None and len(value) > EXTERNAL_ID_MAX:
        raise BadField(
            N_("its id is {size:,} characters long; the limit is {limit}"),
            size=len(value),
            limit=EXTERNAL_ID_MAX,
        )
    return value


def clean_url(value: str | None) -> str | None:
    """A URL on one line, refused when longer than any real page address."""
    value = one_line(value)
    if value is not None and len(value) > URL_MAX:
        raise BadField(
            N_("its url is {size:,} characters long; the limit is {limit:,}"),
            size=len(value),
            limit=URL_MAX,
        )
    return value


def normalised_length(text: str) -> int:
    """The length of a text once every run of white space counts as one space."""
    return len(_SPACES.sub(" ", text).strip())


def stuffed_word(text: str) -> str | None:
    """The word a keyword-stuffed text repeats, or None for an ordinary text.

    Counted on white-space tokens, which costs half of splitting into words; the commonest
    tokens are then taken without case and the punctuation around them ("Raqqa," is Raqqa).
    Tokens far longer than words (words glued by punctuation) are split into words instead.
    """
    if _no_token_stuffed(text):
        return None
    tokens = text.split()
    if len(text) > _GLUED * len(tokens):
        tokens = _WORD.findall(text)
    if len(tokens) < STUFFING_MIN_WORDS:
        return None
    counts = Counter(tokens)
    least = STUFFING_SHARE * len(tokens) / _VARIANTS  # what each form must have to count
    if max(counts.values()) <= least:
        return None
    words: Counter[str] = Counter()
    for token, count in counts.items():
        if count > least:
            words[token.strip(_PUNCTUATION).casefold()] += count
    words.pop("", None)
    word, count = max(words.items(), key=lambda item: item[1], default=("", 0))
    return word if count > STUFFING_SHARE * len(tokens) else None


def _no_token_stuffed(text: str) -> bool:
    """True only when `stuffed_word` would say None before counting: fewer than
    STUFFING_MIN_WORDS tokens, or no token more often than its least share (False: count).

    Splitting and counting a thousand tokens as strings was a fifth of an import worker's time.
    Here each token is found in the UTF-8 at the bytes str.split() splits at, and put in a
    bucket by its length and first and last bytes: equal tokens share a bucket, so no token is
    more frequent than the fullest bucket, and in running text that is below the share.
    """
    try:
        # Every character str.split() splits at beyond ASCII is unprintable: where those
        # characters are printable there is none, else they are looked for.
        if not beyond_ascii(text).isprintable() and _WIDE_SPACE.search(text) is not None:
            return False
        data = b" " + utf8(text) + b" "
    except UnicodeEncodeError:
        return False  # a lone surrogate (none in a parsed text): stuffed_word's own road
    split = np.frombuffer(data.translate(_SPLIT_BYTES), dtype=np.int8)
    # Where a token starts or ends: it alternates, as the data starts and ends with a space.
    edges = np.flatnonzero(split[1:] != split[:-1])
    count = len(edges) // 2
    if len(text) > _GLUED * count:
        return False  # words are counted instead: stuffed_word's own road
    if count < STUFFING_MIN_WORDS:
        return True
    starts = edges[0::2] + 1  # the first byte of each token
    ends = edges[1::2]  # the last byte of each
    raw = np.frombuffer(data, dtype=np.uint8)
    keys = ends - starts
    keys *= 1021
    keys += raw[starts]
    keys *= 131
    keys += raw[ends]
    keys &= _BUCKETS - 1
    return int(np.bincount(keys).max()) <= STUFFING_SHARE * count / _VARIANTS
