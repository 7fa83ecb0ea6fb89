"""Text that is not text: binary data read as characters (a PNG or zip renamed .txt and
pasted, random bytes decoded as Latin-1 or UTF-8 with replacements, a run of control codes).

Such input decodes and holds letters, so the length and letter checks pass it; what gives it
away is its share of characters no written language uses: control codes, undecodable bytes
(U+FFFD), unassigned and private-use code points, and symbols beyond ASCII (box drawing,
arrows, math). Real articles hold at most 1.5% of them (news corpora in English, Arabic,
Russian, French and Persian, 2,225 to 10,000 articles each); random bytes 19-57%.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# A text with at least this share of its non-space characters unwritten (and at least
# _FEWEST of them) is binary data, not an article.
JUNK_SHARE = 0.15
_FEWEST = 8
_UNWRITTEN_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})
# Beyond ASCII only: ASCII's symbols (+ < = > | ~ ^ `) are typed in ordinary text.
_SYMBOL_CATEGORIES = frozenset({"So", "Sm", "Sk"})
_WHITE_SPACE = re.compile(r"\s")


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
    found = len(_unwritten_pattern().findall(text))
    if found < _FEWEST:
        return False
    written = len(text) - len(_WHITE_SPACE.findall(text))
    return found >= JUNK_SHARE * max(written, 1)
