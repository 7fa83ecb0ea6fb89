"""Which language a text is in: py3langid (model shipped in its package) plus the script."""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from storage.languages import CODES

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# The detector reads this much of an article: news states its language in the first lines,
# and the cost grows with the length (import speed is the limit). On the benchmark articles
# (docs/BENCHMARKS.md) 160 characters misjudge 6 in 11,637, 240 one, at 1.8 times the cost.
SAMPLE_CHARS = 160
# Questions are short: every candidate whose probability is at least this share of the best
# one's is searched too, and BM25 decides between them.
QUESTION_MARGIN = 0.1
MAX_QUESTION_LANGUAGES = 3
# The detector's codes that differ from ours (Arabic dialects are searched as Arabic).
_ALIASES = {"nb": "no", "nn": "no", "arz": "ar", "ary": "ar", "apc": "ar", "acm": "ar"}
# Letters Persian writes and Arabic does not: the detector's n-grams often miss them in Persian
# spelled with Arabic yeh and kaf (as some agencies do).
_PERSIAN_LETTERS = frozenset("پچژگ")
# English's commonest words, for the shortcut in `detect`.
_ENGLISH_WORDS = (
    "the of and to in a is was for that on with said by at from as has have are were it its"
)
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
_ASCII_WORD = re.compile(r"[a-z]+")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_a-zA-Z]")
# Letters only one of them writes: Persian's four and its own yeh and kaf; Arabic's ta marbuta
# and alef maqsura.
_PERSIAN_ONLY = frozenset("پچژگیک")
_ARABIC_ONLY = frozenset("ةى")
_ARABIC_SCRIPT_LANGUAGES = frozenset({"ar", "fa", "ps", "ur", "ckb", "ug", *_ALIASES})


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    # One model in memory (about 100 MiB once loaded): articles and questions share it.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the language of an article's text, or None without letters."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    if _plainly_english(sample):
        return "en"
    code = str(_identifier().classify(sample)[0])
    if code in _ARABIC_SCRIPT_LANGUAGES and code != "fa" and _persian(sample):
        return "fa"
    return _ALIASES.get(code, code)


def _plainly_english(sample: str) -> bool:
    """Latin letters only, "the" and three more of English's commonest words: the model
    would say English too (every such article of the benchmarks' 21,000), at 1/20 the cost."""
    if not sample.isascii() and _NON_ASCII_LETTER.search(sample):
        return False
    words = set(_ASCII_WORD.findall(sample.lower()))
    return "the" in words and len(words & _ENGLISH) >= 4


def _persian(text: str) -> bool:
    return sum(ch in _PERSIAN_LETTERS for ch in text) >= 2


def script(text: str) -> str:
    """The writing system of most letters of `text`: "arabic", "cyrillic", "latin", ... or ""."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            name = _script_of(ch)
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else ""


@lru_cache(maxsize=4096)
def _script_of(ch: str) -> str:
    # The first word of a letter's Unicode name is its script (LATIN, CYRILLIC, ARABIC...).
    return unicodedata.name(ch, "").split(" ", 1)[0].lower()


# The script each language is written in, for keeping questions within it.
SCRIPTS = {
    "ar": "arabic",
    "fa": "arabic",
    "ru": "cyrillic",
    "uk": "cyrillic",
    "el": "greek",
    "ta": "tamil",
}


def script_of_language(code: str) -> str:
    """The script a language of ours is written in (Latin unless listed)."""
    return SCRIPTS.get(code, "latin")


def question_languages(question: str, present: list[str]) -> list[str]:
    """The languages to search a question in: the likeliest of those the archive holds.

    Only languages written in the question's script are candidates; among them the detector's
    ranking, cut at QUESTION_MARGIN of the best. Short questions are often misjudged, so the
    runners-up are searched too rather than trusted or dropped.
    """
    written = script(question)
    candidates = [code for code in present if script_of_language(code) == written]
    if written == "arabic":
        # One Persian or one Arabic letter settles it better than n-grams of a short question.
        if _PERSIAN_ONLY.intersection(question) and "fa" in candidates:
            return ["fa"]
        if _ARABIC_ONLY.intersection(question) and "ar" in candidates:
            return ["ar"]
        # Neither: the detector's n-grams misjudge short questions, so BM25 decides.
        return [code for code in ("ar", "fa") if code in candidates] or candidates[:1]
    if len(candidates) <= 1:
        return candidates
    # The detector's log-likelihoods scaled as its own probabilities are (by the square root of
    # the length in bytes): a ratio of probabilities is then a difference of these.
    scale = math.sqrt(max(len(question.encode("utf-8")), 1))
    score = {
        _ALIASES.get(code, code): s / scale for code, s in reversed(_identifier().rank(question))
    }
    chosen = sorted(((score.get(code, -math.inf), code) for code in candidates), reverse=True)
    best = chosen[0][0]
    kept = [code for s, code in chosen if s >= best + math.log(QUESTION_MARGIN)]
    return kept[:MAX_QUESTION_LANGUAGES]


def known(code: str) -> bool:
    """Whether `code` is a language code an editor or a file may give (ours or the detector's)."""
    return code in CODES or code in _identifier().nb_classes
