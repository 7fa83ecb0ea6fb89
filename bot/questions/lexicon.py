"""Words a language uses often: such a word is what the person meant, never a misspelling.

The archive not holding "stock" does not make it a typo of "stuck": corrected so, a question
on another topic reads as one the archive answers (a confident wrong quote). wordfreq's word
lists (built from Wikipedia, subtitles, news and the web; shipped in the package, 42 languages
in the small lists) tell a common word from a mistyped one ("civilans", "boker").
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

from storage.languages import normalize

# Zipf frequency (log10 of uses per billion words) from which a word is a common one: about
# once in a million words ("lasagna" 3.1, "stock" 4.9; "sarin" 2.8 and "boker" 1.9 are not).
COMMON_ZIPF = 3.0
_WORDLIST = "small"


@cache
def _languages() -> frozenset[str]:
    from wordfreq import available_languages

    return frozenset(available_languages(_WORDLIST))


@lru_cache(maxsize=65_536)
def is_common(word: str, lang: str) -> bool:
    """Whether `word` (lower case) is a common word of language `lang` (ISO 639-1)."""
    return frequency(word, lang) >= COMMON_ZIPF


@lru_cache(maxsize=65_536)
def frequency(word: str, lang: str) -> float:
    """How often language `lang` uses `word` (lower case), on wordfreq's Zipf scale (0: never
    seen, or a language it has no list for). Arabic and Persian words are looked up as the
    index spells them too (`normalize`: one yeh, one kaf, hamza forms unified...): a question's
    words are so spelt, and wordfreq holds "الرئيس" and "پرکار", not "الرييس" and "پركار" (the
    common word was then "corrected" into another, "پرکار" into "پیکار")."""
    if lang not in _languages():
        return 0.0
    from wordfreq import zipf_frequency

    found = float(zipf_frequency(word, lang, wordlist=_WORDLIST))
    if lang in _NORMALISED:
        found = max(found, _normalised(lang).get(word, 0.0))
    return found


_NORMALISED = frozenset({"ar", "fa"})


# How much more often (in wordfreq's Zipf scale: 2 is a hundred times) one language writes a
# word than another for the word to be the first one's, though both lists hold it.
FAR_MORE = 2.0


def writes_far_more(word: str, lang: str, other: str) -> bool:
    """Whether `lang` uses `word` often and `other` rarely or a hundred times less often."""
    if not is_common(word, lang):
        return False
    return not is_common(word, other) or frequency(word, lang) - frequency(word, other) >= FAR_MORE


def load(lang: str) -> None:
    """Read the language's word list now (a first question in it would: tens of ms)."""
    frequency("the", lang)


def commonest(lang: str, count: int) -> list[str]:
    """The language's `count` commonest words (fewer where its list is shorter)."""
    if lang not in _languages():
        return []
    from wordfreq import top_n_list

    return list(top_n_list(lang, count, wordlist=_WORDLIST))


@cache
def _normalised(lang: str) -> dict[str, float]:
    """The language's common words (Zipf >= COMMON_ZIPF) by their normalised spelling."""
    from wordfreq import get_frequency_dict

    table: dict[str, float] = {}
    for listed, share in get_frequency_dict(lang, wordlist=_WORDLIST).items():
        zipf = round(math.log10(share * 1e9), 2)  # as zipf_frequency rounds it
        if zipf >= COMMON_ZIPF:
            key = normalize(lang, listed)
            table[key] = max(table.get(key, 0.0), zipf)
    return table
