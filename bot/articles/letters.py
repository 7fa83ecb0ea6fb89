"""The letters of the world's scripts as regex character classes (parts to put in [...]).

Sentence ends and names are found by case: a capital of any script with case (Latin,
Cyrillic, Greek), or, in a script without (Arabic, Persian), any letter.
"""

from __future__ import annotations

import re

# The characters looked at: every script with case is below U+3000.
_SCANNED = [chr(code) for code in range(0x80, 0x3000)]

# Capitals and small letters (A-Z and a-z included).
CAPITALS = "A-Z" + re.escape("".join(c for c in _SCANNED if c.isupper()))
SMALL = "a-z" + re.escape("".join(c for c in _SCANNED if c.islower()))
# What a sentence opens with: a digit, a capital, a letter of a script without case (and the
# CJK and Hangul letters, written in ranges).
SENTENCE_OPENERS = (
    "A-Z0-9"
    + re.escape("".join(c for c in _SCANNED if c.isalpha() and not c.islower()))
    + "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"
)
