"""Which language a text is in: py3langid (model shipped in its package) plus the script."""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from storage.languages import CODES

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

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
# Common words no other language in Latin letters writes often (unlike "in", "is", "was",
# "a", "as", "by", "to", "on", "for", "has", "of": Dutch, Afrikaans, Polish, Norwegian...).
_ONLY_ENGLISH_WORDS = (
    "the and that with said from have were its this which would could who what when after about"
    " more than into there their they them been his her she but not you our out new year only"
    " other people because"
)
_ONLY_ENGLISH = frozenset(_ONLY_ENGLISH_WORDS.split())
_ASCII_WORD = re.compile(r"[a-z]+")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_a-zA-Z]")
# The other shortcuts in `detect`: text in one language's letters (any other letter is left to
# the model), with words or letters that only it, of the languages the model knows in that
# script, writes often. French's letters, words only it writes, and its articles (which Latin
# lacks: "et" and "est" are Latin too).
_NOT_FRENCH_LETTER = re.compile(r"[^\W\d_a-zA-ZàâçéèêëîïôûùüÿœæÀÂÇÉÈÊËÎÏÔÛÙÜŸŒÆ]")
_FRENCH_WORD = re.compile(r"[a-zàâçéèêëîïôûùüÿœæ]+")
_ONLY_FRENCH_WORDS = (
    "du et est une dans pour sur au aux ont sont été elle ce avec mais cette ces leur selon"
)
_ONLY_FRENCH = frozenset(_ONLY_FRENCH_WORDS.split())
_FRENCH_ARTICLES = frozenset({"le", "la", "les", "des", "un", "une", "du"})
# Russian: the basic Cyrillic letters and ё; ы or э, which Ukrainian and Bulgarian lack; its
# commonest short words, which Cyrillic Central Asian languages lack.
_NOT_RUSSIAN_LETTER = re.compile(r"[^\W\d_\u0410-\u044f\u0401\u0451]")
_RUSSIAN_LETTERS = frozenset("ыэЭ")
_RUSSIAN_WORD = re.compile(r"[а-яё]+")
_RUSSIAN_WORDS = (
    "и в на не что с по о для из к от как это он она также его а до за при но у же был была"
    " были их они все уже после более так только или еще ещё года году"
)
_RUSSIAN = frozenset(_RUSSIAN_WORDS.split())
# Arabic: the basic letters (hamza to yeh: none of Persian's, Urdu's or Kurdish's own), the
# article starting three words, and ta marbuta, which Persian rarely writes.
_NOT_ARABIC_LETTER = re.compile(r"[^\W\d_\u0621-\u064a]")
_ARABIC_ARTICLE = re.compile(r"(?<!\S)ال")
# Persian: the basic Arabic letters and Persian's six; two of its own four make it Persian
# whatever Arabic-script language the model says (`_by_model`).
_NOT_PERSIAN_LETTER = re.compile(r"[^\W\d_\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")
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


def load_model() -> None:
    """Load the language model now (half a second), not at the first text that needs it."""
    _identifier()


def detect(text: str) -> str | None:
    """The ISO 639-1 code of the language of an article's text, or None without letters."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    return _plainly(sample) or _by_model(sample)


def likeliest(text: str, among: Collection[str], most: int) -> list[str]:
    """Of the languages `among`, the (at most) `most` the model finds the text likeliest in,
    likeliest first."""
    ranked = (_ALIASES.get(code, code) for code, _ in _identifier().rank(text))
    return list(itertools.islice((code for code in ranked if code in among), most))


def _by_model(sample: str) -> str:
    code = str(_identifier().classify(sample)[0])
    if code in _ARABIC_SCRIPT_LANGUAGES and code != "fa" and _persian(sample):
        return "fa"
    return _ALIASES.get(code, code)


def _plainly(sample: str) -> str | None:
    """The language a sample is plainly written in, or None: ask the model.

    Each costs a few microseconds where the model costs 60 to 200. On the openings of the
    benchmarks' 44,761 articles (41,450 distinct; bench/shortcuts.py) each says
    what `_by_model` says wherever it speaks: English on 26,100 (but two, see
    `_plainly_english`), French 2,646, Arabic 2,026, Persian 1,567, Russian 1,122.
    """
    if _plainly_english(sample):
        return "en"
    if _NOT_FRENCH_LETTER.search(sample) is None:
        words = set(_FRENCH_WORD.findall(sample.lower()))
        only = _ONLY_FRENCH.intersection(words)
        if len(only) >= 2 and _FRENCH_ARTICLES.intersection(words) and not _ONLY_ENGLISH & words:
            return "fr"
        return None
    if _NOT_RUSSIAN_LETTER.search(sample) is None:
        words = set(_RUSSIAN_WORD.findall(sample.lower()))
        if not _RUSSIAN_LETTERS.isdisjoint(sample) and len(_RUSSIAN.intersection(words)) >= 2:
            return "ru"
        return None
    if _NOT_ARABIC_LETTER.search(sample) is None:
        if "ة" in sample and len(_ARABIC_ARTICLE.findall(sample)) >= 3:
            return "ar"
        return None
    if _NOT_PERSIAN_LETTER.search(sample) is None and _persian(sample):
        return "fa"
    return None


def _plainly_english(sample: str) -> bool:
    """Latin letters only, and "the" with three more of English's commonest words, or two
    words only English writes among five common ones: the model would say English too, at
    1/20 the cost. Of the benchmarks' 41,450 distinct openings (see `_plainly`) it takes
    26,100, all English to the model but two the first rule ("the" and three) took (English
    it reads as Nigerian Pidgin); four common words would take 3 it calls otherwise."""
    if not sample.isascii() and _NON_ASCII_LETTER.search(sample):
        return False
    words = set(_ASCII_WORD.findall(sample.lower()))
    common = _ENGLISH.intersection(words)
    if "the" in common and len(common) >= 4:
        return True
    only = _ONLY_ENGLISH.intersection(words)
    return len(only) >= 2 and len(common | only) >= 5


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


def question_languages(
    question: str, present: list[str], counts: Mapping[str, int] | None = None
) -> list[str]:
    """The languages to search a question in: the likeliest of those the archive holds.

    Only languages written in the question's script are candidates; among them the detector's
    ranking, cut at QUESTION_MARGIN of the best. Short questions are often misjudged, so the
    runners-up are searched too rather than trusted or dropped. `counts` (articles per
    language) adds the languages that are as likely once the archive's share of each is
    taken as the prior: never fewer than the detector's own.
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
    if counts:
        # A headline in English words ("... the auction sale") in an archive of French
        # articles is about as likely French; a French question to an English archive keeps
        # French, as the detector chose it.
        total = sum(max(counts.get(code, 0), 1) for code in candidates)
        prior = sorted(
            ((s + math.log(max(counts.get(code, 0), 1) / total), code) for s, code in chosen),
            reverse=True,
        )
        top = prior[0][0]
        kept += [
            code for s, code in prior if s >= top + math.log(QUESTION_MARGIN) and code not in kept
        ]
    return kept[:MAX_QUESTION_LANGUAGES]


def known(code: str) -> bool:
    """Whether `code` is a language code an editor or a file may give (ours or the detector's)."""
    return code in CODES or code in _identifier().nb_classes


def language_code(word: str) -> str | None:
    """The code of a language as an editor types it: its code (`fr`), or its name in English,
    the replies' languages or Persian (`french`, `français`, `французский`); None if neither."""
    typed = word.strip().casefold()
    if known(typed):
        return typed
    return _language_names().get(typed)


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    # Babel's names of languages, in the languages whose names an editor would type.
    from babel import Locale

    names: dict[str, str] = {}
    for locale in ("en", "ru", "fr", "ar", "fa"):
        for code, name in Locale.parse(locale).languages.items():
            if known(code):
                names.setdefault(name.casefold(), code)
    return names
