"""Text that is not text: binary data read as characters (a PNG or zip renamed .txt and
pasted, random bytes decoded as Latin-1 or UTF-8 with replacements, a run of control codes).

Such input decodes and holds letters, so the length and letter checks pass it; what gives it
away is its share of characters no written language uses: control codes, undecodable bytes
(U+FFFD), unassigned and private-use code points, and symbols beyond ASCII (box drawing,
arrows, math). Real articles hold at most 1.5% of them (news corpora in English, Arabic,
Russian, French and Persian, 2,225 to 10,000 articles each); random bytes 19-57%.

Binary data with only its printable bytes kept (decoded as Latin-1), or written as base64, has
none of them; what gives it away is words no language writes: runs of more than 20 printable
Latin-1 characters without a space (base64's lines are 76 long; printable bytes hold a space
one time in a hundred). Articles hold few such words (a web address is one, and is no word;
a UTF-8 text read as Latin-1, "ÐÑÐ»Ð¾", which the parser repairs, doubles its words' length).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from bot.articles.parsing import beyond_ascii, utf8

# A text with at least this share of its non-space characters unwritten (and at least
# _FEWEST of them) is binary data, not an article.
JUNK_SHARE = 0.15
_FEWEST = 8
_UNWRITTEN_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})
# Beyond ASCII only: ASCII's symbols (+ < = > | ~ ^ `) are typed in ordinary text.
_SYMBOL_CATEGORIES = frozenset({"So", "Sm", "Sk"})
_WHITE_SPACE = re.compile(r"\s")
# A text with at least this share of its non-space characters in words of more than 20
# printable Latin-1 characters that are not addresses (and at least _FEWEST_LONG of them) is
# binary data spelt in printable characters.
LONG_WORDS_SHARE = 0.5
_FEWEST_LONG = 64
_LONG_WORD = re.compile(r"[!-~\u00a1-\u00ff]{21,}")
# Text with at least this share of spaces and line breaks is words, not such runs: it is not
# read for them (English holds 16-18%, printable bytes about 1%, base64 1.3%).
_SPACED_SHARE = 0.125
# An address in a list of them (https://..., www...., reuters.com/world/...) is a long word.
_ADDRESS = re.compile(r"[a-z][a-z0-9+.\-]*://|www\.|[\w\-]+(?:\.[\w\-]+)+/", re.IGNORECASE)


def _unwritten(code: int) -> bool:
    char = chr(code)
    if char.isspace():
        return False
    category = unicodedata.category(char)
    if category in _UNWRITTEN_CATEGORIES:
        return True
    return code >= 0x80 and (char == "\ufffd" or category in _SYMBOL_CATEGORIES)


@functools.cache
def _unwritten_pattern() -> re.Pattern[str]:
    """One character class of the Basic Multilingual Plane's unwritten characters (built at
    the first use: a scan of 65,536 code points takes a few tens of milliseconds)."""
    ranges: list[str] = []
    start: int | None = None
    for code in range(0x10001):
        inside = code <= 0xFFFF and _unwritten(code)
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    return re.compile("[" + "".join(ranges) + "]")


def looks_binary(text: str) -> bool:
    """Whether `text` is binary data decoded as characters rather than written text."""
    found = _unwritten_count(text)
    long = 0
    if text.count(" ") + text.count("\n") < _SPACED_SHARE * len(text):
        long = sum(len(run) for run in _LONG_WORD.findall(text) if _ADDRESS.search(run) is None)
    if found < _FEWEST and long < _FEWEST_LONG:
        return False
    written = max(len(text) - len(_WHITE_SPACE.findall(text)), 1)
    return (found >= _FEWEST and found >= JUNK_SHARE * written) or (
        long >= _FEWEST_LONG and long >= LONG_WORDS_SHARE * written
    )


# Every byte but ASCII's unwritten characters (its control codes that are not white space),
# deleted by bytes.translate to count those.
_ALL_BUT_ASCII_UNWRITTEN = bytes(
    code for code in range(256) if code >= 0x80 or not _unwritten(code)
)


def _unwritten_count(text: str) -> int:
    """How many of the text's characters are unwritten. ASCII's are counted in the UTF-8 at
    memory speed and only the characters beyond ASCII are searched: the search over a whole
    English text was 7% of an import worker's parse."""
    try:
        controls = len(utf8(text).translate(None, _ALL_BUT_ASCII_UNWRITTEN))
        others = beyond_ascii(text)
    except UnicodeEncodeError:  # a lone surrogate: it is unwritten, and searched for
        return len(_unwritten_pattern().findall(text))
    return controls + (len(_unwritten_pattern().findall(others)) if others else 0)
