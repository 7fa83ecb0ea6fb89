"""Query analysis: words that count, their stems, spelling variants found in the archive."""

from __future__ import annotations

import calendar
import itertools
import math
import operator
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Protocol, cast

from bot.languages import detect, likeliest, script_of_language
from bot.questions.inflections import other_forms
from bot.questions.lexicon import commonest, frequency, is_common
from storage.languages import CODES, ENGLISH
from storage.search_index import MAX_TOKEN_CHARS, make_analyzer


def word_set(text: str) -> frozenset[str]:
    """Return the whitespace-separated words of `text` as a set (for word lists in code)."""
    return frozenset(text.split())


# Same split as tantivy's simple tokenizer: runs of letters and digits.
WORD_RE = re.compile(r"[^\W_]+")

QUESTION_WORDS = word_set(
    """
    who whom whose what which when where why how whats whos hows
    """
)
# Function words plus the filler of quiz questions ("this week", "according to reports") and
# of questions ("when did it happen?").
STOP_WORDS = QUESTION_WORDS | word_set(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don down during each else ever few for from further had hadn has hasn have haven having he
    her here hers herself him himself his i if in into is isn it its itself just let ll me more
    most much must mustn my myself no nor not now of off on once only or other ought our ours
    ourselves out over own re s same shan she should shouldn so some such t than that the their
    theirs them themselves then there these they this those through to too under until up upon
    us ve very was wasn we were weren while will with won would wouldn you your yours yourself
    yourselves d m o y ain ma according reportedly recently week weeks this past last latest
    news did does do many happen happened happens happening occur occurred occurs
    """
)

_ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# Rewrites of how a word sounds, for names spelled several ways (Raqqa, Raqa, Rakka).
_PHONETIC = (("qq", "q"), ("q", "k"), ("k", "q"), ("c", "k"), ("k", "c"), ("ph", "f"), ("f", "ph"))
_VOWELS = frozenset("aeiouy")
# Words in fewer articles than this may be misspellings.
RARE_DF = 3
# A variant must be this much more frequent than the word typed to be taken as its spelling.
TYPO_DF_RATIO = 20
# Spelling variants of a word the archive knows count this much of the word itself.
VARIANT_WEIGHT = 0.5
MAX_VARIANTS = 2
# ... and of a word the archive does not know: the spelling meant is often not among the two
# commonest one edit away ("jonnes": john and join are commoner than jones).
MAX_TYPO_VARIANTS = 3
# Another spelling of a known word counts this much of the word itself (before its idf).
SPELLING_WEIGHT = 1.0
# Vowel respellings are looked for in words this long, in at most this share of the articles.
NAME_MIN_CHARS = 5
NAME_MAX_SHARE = 0.25


class AnswerType(Enum):
    """What kind of thing the question asks for, to prefer sentences holding one."""

    ANY = "any"
    NUMBER = "number"
    PERSON = "person"
    PLACE = "place"
    TIME = "time"


class TermStats(Protocol):
    """The archive's term statistics the analysis needs."""

    def doc_freq(self, term: str) -> int:
        """Return in how many articles the analyzed term occurs."""

    def num_docs(self) -> int:
        """Return how many articles there are."""


@dataclass(frozen=True, slots=True)
class Variant:
    """An analyzed term searched in place of or beside a query word, with its weight."""

    term: str
    weight: float


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One query word that counts: as typed, its analyzed forms, and how rare it is."""

    word: str
    variants: tuple[Variant, ...]
    idf: float
    # The language whose index fields the variants are searched in (storage.languages).
    lang: str = "en"

    @property
    def terms(self) -> frozenset[str]:
        """All analyzed forms that match this word."""
        return frozenset(v.term for v in self.variants)


@dataclass(frozen=True, slots=True)
class Query:
    """An analyzed question: the words that count, in order, and the kind of answer wanted."""

    text: str
    terms: tuple[QueryTerm, ...]
    answer_type: AnswerType = AnswerType.ANY

    @property
    def is_empty(self) -> bool:
        """Whether no word of the question can be searched."""
        return not self.terms

    def read_in(self, code: str) -> Query:
        """The question as an article of the analysis `code` reads it: only its words read
        in that language, where it has some (an English article's are English words, not the
        same question read as typed nor in Spanish); else the question as it is."""
        own = tuple(term for term in self.terms if term.lang == code)
        if not own or len(own) == len(self.terms):
            return self
        return Query(self.text, own, self.answer_type)


@lru_cache(maxsize=1)
def _analyzer() -> object:
    return make_analyzer()


# The analyzed form of each word seen: a plain dict is the cheapest look-up there is, and
# choosing an answer sentence looks up every word of the first few dozen sentences.
_STEMS: dict[str, str] = {}
_STEMS_MAX = 200_000


def stem(word: str) -> str:
    """Return the analyzed (lowercased, folded, stemmed) form of one word, or '' if none."""
    found = _STEMS.get(word)
    if found is None:
        tokens: list[str] = _analyzer().analyze(word)  # type: ignore[attr-defined]
        found = tokens[0] if tokens else ""
        if len(_STEMS) > _STEMS_MAX:
            _STEMS.clear()
        _STEMS[word] = found
    return found


# The analyzed forms of the stop words ("" for those the analyzer drops).
STOP_TERMS = frozenset({"", *(stem(w) for w in STOP_WORDS)})


def stems(words: list[str]) -> list[str]:
    """Return the analyzed form of each word, as `stem` does ('' for words that have none)."""
    found: list[str | None] = []
    rest = iter(words)
    try:
        # The common case: every word seen before, in one pass (a search for None among the
        # results of `get` was a second pass, nearly half the look-ups' time).
        found.extend(map(_STEMS.__getitem__, rest))
        return cast("list[str]", found)
    except KeyError:
        pass
    # The look-ups stopped at the first word not seen yet (most texts have one, a sixth of the
    # way in on news-qa's): the words after it are looked up with `get`, those before not again.
    seen = len(found)
    found.append(None)
    found.extend(map(_STEMS.get, rest))
    # The words not seen yet, analyzed in one call rather than one call each (found without a
    # Python loop: the cache is large, so each look-up is likely a cache miss of the CPU's).
    unknown = map(operator.is_, itertools.islice(found, seen, None), itertools.repeat(None))
    places = list(itertools.compress(itertools.count(seen), unknown))
    new = list(dict.fromkeys(map(words.__getitem__, places)))
    if len(_STEMS) + len(new) > _STEMS_MAX:
        _STEMS.clear()
        new = list(dict.fromkeys(words))
        places = list(range(len(words)))
    # Numbers are common in news text: words of ASCII letters and digits are single tokens
    # too. Any other word (or one the analyzer drops as too long) is analyzed alone by `stem`.
    single = new if _all_one_token(new) else [w for w in new if _one_token(w)]
    if single:
        _STEMS.update(zip(single, _stem_letters(single), strict=True))
    for word in new:
        if word not in _STEMS:
            stem(word)
    # Only the places of the new words are filled: another look-up of every word was a third
    # of the time of a text with some (most texts, in a process that has just started).
    try:
        for place in places:
            found[place] = _STEMS[words[place]]
    except KeyError:  # `stem` emptied the cache on the way (it was full)
        return [stem(word) for word in words]
    return cast("list[str]", found)  # every None was filled


# English words analysed ahead of a batch of questions (see `warm_up`).
WARM_WORDS = 50_000


def warm_up() -> None:
    """Analyse English's commonest words now, as they are written in lower case and in
    sentences' capitals: a batch's answers read them in every article, and the first
    questions of a fresh process analysed them one article at a time (a sixth of the
    sentence work of 200 questions; 0.2 s here, 10 MB)."""
    words = [word for word in commonest("en", WARM_WORDS) if word.isalpha()]
    stems(words)
    stems([word.capitalize() for word in words])


def _one_token(word: str) -> bool:
    """Whether the analyzer surely makes one token of the word, as it does of it alone: letters
    (or ASCII digits), which its tokenizer never splits, and short enough to be kept."""
    return (word.isalpha() or (word.isascii() and word.isalnum())) and len(
        word.encode()
    ) < MAX_TOKEN_CHARS


def _all_one_token(words: list[str]) -> bool:
    """Whether `_one_token` holds for every word, tested in C for the usual case: all of them
    ASCII letters and digits, none empty or too long."""
    packed = "".join(words)
    return (
        packed.isascii()
        and packed.isalnum()
        and min(map(len, words), default=0) > 0
        and max(map(len, words), default=0) < MAX_TOKEN_CHARS
    )


def _stem_letters(words: list[str]) -> list[str]:
    """The analyzed forms of single-token words, in one analyzer call where it gives one
    token a word (else one call a word)."""
    tokens: list[str] = _analyzer().analyze(" ".join(words))  # type: ignore[attr-defined]
    if len(tokens) == len(words):
        return tokens
    return [stem(word) for word in words]


def stem_many(words: list[str]) -> list[str]:
    """Analyze many single lowercase words in one call (one token each, as they are letters)."""
    tokens: list[str] = _analyzer().analyze(" ".join(words))  # type: ignore[attr-defined]
    return tokens if len(tokens) == len(words) else [stem(word) for word in words]


def tokenize(text: str) -> list[re.Match[str]]:
    """Return the words of `text` as regex matches (with their spans)."""
    return [m for m in WORD_RE.finditer(text) if len(m.group()) <= MAX_TOKEN_CHARS]


def idf(doc_freq: int, num_docs: int) -> float:
    """Return the BM25 inverse document frequency."""
    return math.log(1.0 + (num_docs - doc_freq + 0.5) / (doc_freq + 0.5))


# The question words asking for a count, a time or a place in the other languages readers
# ask in (Russian, Ukrainian, Arabic, Persian, French, German, Spanish, Italian, Portuguese,
# Turkish): whole words.
_ASKS_NUMBER = re.compile(
    r"(?<!\w)(?:сколько|скільки|كم|بكم|چند|چندتا|combien|wie viele|wieviele|cuántos|cuántas|"
    r"cuánto|cuánta|quanti|quante|quantos|quantas|kaç)(?!\w)"
)
_ASKS_TIME = re.compile(r"(?<!\w)(?:когда|коли|متى|quand|wann|cuándo|quando|ne zaman)(?!\w)")
_ASKS_PLACE = re.compile(r"(?<!\w)(?:где|куда|де|أين|اين|کجا|où|wo|dónde|dove|onde|nerede)(?!\w)")
# Arabic "من" is "from" as often as "who": only with the pronoun after it ("من هو"). Not
# Turkish "kim" nor Italian "chi": Kim is a name in English questions.
_ASKS_PERSON = re.compile(
    r"(?<!\w)(?:кто|хто|qui|wer|quién|quiénes|quem|کیست|چه کسی|من (?:هو|هي|هم))(?!\w)"
)


def answer_type(question: str) -> AnswerType:
    """Guess what kind of answer the question wants from its question words."""
    lowered = question.lower()
    if re.search(
        r"\bhow (many|much|long|old|far|big|large|high)\b|\bwhat (percent|number)", lowered
    ) or _ASKS_NUMBER.search(lowered):
        return AnswerType.NUMBER
    if re.search(r"\bwhen\b|\bwhat (year|day|date|month|time)\b", lowered) or _ASKS_TIME.search(
        lowered
    ):
        return AnswerType.TIME
    if re.search(
        r"\bwhere\b|\bwhich (country|city|state|nation|region|island|county)\b", lowered
    ) or _ASKS_PLACE.search(lowered):
        return AnswerType.PLACE
    if re.search(r"\bwho(m|se)?\b", lowered) or _ASKS_PERSON.search(lowered):
        return AnswerType.PERSON
    return AnswerType.ANY


def edits(word: str, alphabet: str = _ALPHABET) -> set[str]:
    """Return the words one edit (delete, swap, replace, insert) away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {left + right[1:] for left, right in splits if right}
    found |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    found |= {left + c + right[1:] for left, right in splits if right for c in alphabet}
    found |= {left + c + right for left, right in splits for c in alphabet}
    found.discard(word)
    return found


def replacements(word: str, alphabet: str = _ALPHABET) -> set[str]:
    """Return the words one replaced letter away from `word` (a part of `edits`)."""
    found = {word[:i] + c + word[i + 1 :] for i in range(len(word)) for c in alphabet}
    found.discard(word)
    return found


def sound_alikes(word: str) -> set[str]:
    """Return spellings one sound rewrite away: a letter doubled or undoubled, q/k/c, ph/f."""
    found = {word[:i] + word[i + 1 :] for i in range(len(word) - 1) if word[i] == word[i + 1]}
    found |= {
        word[: i + 1] + word[i:]
        for i in range(len(word))
        if word[i] not in _VOWELS and (i + 1 == len(word) or word[i + 1] != word[i])
    }
    found |= _phonetic_swaps(word)
    found.discard(word)
    return found


def _phonetic_swaps(word: str) -> set[str]:
    """Every spelling with one q/k/c or ph/f swapped (at each place it occurs)."""
    found: set[str] = set()
    for old, new in _PHONETIC:
        start = word.find(old)
        while start != -1:
            found.add(word[:start] + new + word[start + len(old) :])
            start = word.find(old, start + 1)
    return found


def _sounds_same(word: str) -> bool:
    """Whether the word has letters spelled several ways in names (q, k, c, ph, f)."""
    return any(letter in word for letter in "qkcf")


def _respellings(word: str) -> set[str]:
    """Return the q/k/c and ph/f respellings of a word, its doubled letters undoubled, q doubled."""
    found = {word[:i] + word[i + 1 :] for i in range(len(word) - 1) if word[i] == word[i + 1]}
    found |= {word[: i + 1] + word[i:] for i in range(len(word)) if word[i] in "qkc"}
    found |= _phonetic_swaps(word)
    found.discard(word)
    return found


def vowel_swaps(word: str) -> set[str]:
    """Spellings with the last vowel changed, "o" and "ou" swapped (Idlib/Idleb, Zor/Zour):
    names transliterated from Arabic or Russian are spelled so several ways. Only the last
    vowel before the final consonants: changing any vowel joins English words (trap, trip)."""
    last = max((i for i, letter in enumerate(word) if letter in "aeiou"), default=-1)
    if last <= 0 or last == len(word) - 1:
        return set()
    found = {word[:last] + vowel + word[last + 1 :] for vowel in "aeiou"}
    if word[last] == "o":
        found.add(word[: last + 1] + "u" + word[last + 1 :])
    if word[last - 1 : last + 1] == "ou":
        found.add(word[: last - 1] + "o" + word[last + 1 :])
    found.discard(word)
    return found


def _typo_candidates(word: str) -> set[str]:
    """Return what an unknown word may be a misspelling of: one edit or two sound rewrites."""
    near = sound_alikes(word)
    found = edits(word) | near
    for alike in near:
        found |= _respellings(alike)
    found.discard(word)
    return found


# A rare word one likely slip from a spelling the archive holds more often ("Shaykun" once,
# "Shaykhun" three times) is read as that one too from this ratio on (TYPO_DF_RATIO else).
LIKELY_SLIP_RATIO = 2
# ... and from this one when the archive holds the word only as a common word's stem: its
# count is then that word's ("employes" is "employ" to the stemmer, in 706 articles), not
# the count of the word typed, which is rarer.
STEM_SLIP_RATIO = 1


def _ratio(slip: int, stem_only: bool = False) -> int:
    """How much commoner a reading of a rare word must be, by how likely a slip it is (and
    whether the archive's count of the word is a common word's, `stem_only`)."""
    if slip > 1:
        return TYPO_DF_RATIO
    return STEM_SLIP_RATIO if stem_only else LIKELY_SLIP_RATIO


def typing_slip(typed: str, meant: str) -> int:
    """How unlikely a typist meaning `meant` types `typed` (one edit or sound rewrite apart):
    0 a doubled letter typed once (or a single one twice), two letters swapped, or a sound
    spelled another way (q/k/c, ph/f); 1 a letter left out; 2 another slip that keeps the
    first letter; 3 one that changes the first letter, which people rarely get wrong."""
    if typed[:1] != meant[:1]:
        return 3
    shorter, longer = sorted((typed, meant), key=len)
    if len(longer) == len(shorter) + 1:
        pairs = zip(shorter, longer, strict=False)
        at = next((i for i, (a, b) in enumerate(pairs) if a != b), len(shorter))
        # The extra letter repeats its neighbour: a double typed once, or a single twice.
        if longer[at] == longer[at - 1 : at] or longer[at] == longer[at + 1 : at + 2]:
            return 0
        if longer == meant:
            return 1
    elif len(typed) == len(meant):
        diffs = [i for i, (a, b) in enumerate(zip(typed, meant, strict=True)) if a != b]
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1 and typed[diffs[0]] == meant[diffs[1]]:
            return 0
    # A sound spelled another way; not a double moved to another letter ("heering" for
    # "herring"), which takes two slips of the fingers.
    if _sound_key(meant) == _sound_key(typed) and _once(meant) != _once(typed):
        return 0
    return 2


def _odds(typed: str, meant: str) -> int:
    """How unlikely a reading of a word the archive does not know is: its `typing_slip`, one
    more for a word English rarely uses (a common word one slip further is the likelier:
    "heering" is "hearing", not "hedering")."""
    return typing_slip(typed, meant) + (0 if is_common(meant, "en") else 1)


def _sound_key(word: str) -> str:
    """The word with q/k/c and ph/f written one way and doubled letters once: equal for the
    spellings of one sound (Rakka, Raqqa, Raqa)."""
    return _once(word.replace("ph", "f").translate(_ONE_K))


def _once(word: str) -> str:
    """The word with its doubled letters written once."""
    return "".join(letter for letter, _ in itertools.groupby(word))


_ONE_K = str.maketrans("qc", "kk")


def _variants(
    word: str, term: str, stats: TermStats, question: str = "", first: str | None = None
) -> tuple[tuple[Variant, ...], str]:
    """Return the analyzed forms to search for one query word (weights sum to at most 2), and
    the word meant: the word itself, or the likeliest one when the archive does not know it.
    `first`: the language the question is likelier in than English, if any."""
    df = stats.doc_freq(term)
    if not word.isalpha():
        return (Variant(term, 1.0),), word
    # A word the archive hardly holds may be a misspelling, unless English uses it often; so
    # may a rare word the archive knows as another's stem.
    common = is_common(word, "en")
    rare = len(word) > 3 and not common
    unheld = rare and df < RARE_DF
    stem_only = rare and not unheld and _slip_of_common(word, term)
    unknown = unheld or stem_only
    # Known words take only a rarer spelling of theirs (Raqqa -> Raqa), never a commoner word
    # (but as a likely slip, above), except a name's other vowels, both ways (Idleb <-> Idlib),
    # when the word is a rare one. Other spellings are a name's: a word English uses often has
    # one ("company" is no "Kompany", "UK" no "UC").
    alikes = sound_alikes(word) if unheld else set() if common else _respellings(word)
    num_docs = max(stats.num_docs(), 1)
    vowels: set[str] = set()
    if not unheld and len(word) >= NAME_MIN_CHARS and df <= num_docs * NAME_MAX_SHARE:
        vowels = {stem(v) for v in vowel_swaps(word)}
    if not common and len(word) >= NAME_MIN_CHARS and df <= num_docs * NAME_MAX_SHARE:
        # Any vowel of a name English does not use (held or not), written as another
        # transliteration writes it, but never into a word English uses ("house": "hose").
        vowels |= _held_transliterations(word, stats)
    alikes |= vowels
    candidates = _typo_candidates(word) | alikes if unknown else alikes
    alike_terms = {stem(alike) for alike in alikes} | vowels
    found: dict[str, int] = {}
    spelled: dict[str, list[str]] = {}
    ordered = sorted(candidates)
    for cand_word, cand_term in zip(ordered, stem_many(ordered), strict=True):
        # A stop word is no reading of a word that counts ("heering" as "hering": "here").
        if cand_term and cand_term != term and cand_term not in STOP_TERMS:
            found[cand_term] = stats.doc_freq(cand_term)
            spelled.setdefault(cand_term, []).append(cand_word)
    if unknown and first is not None and is_common(word, first):
        # A word the question's likelier language uses often is that language's word, no slip
        # of an English one: "Macron retraites", read first as French, is no question about
        # "retract" (which put an English story on a lawsuit above the French ones).
        found = {}
    elif not word.isascii():
        # A word with letters English does not write (é, ğ) is a name or another language's
        # word: a slip of another such word ("sutamacrhán", Sutamarchán), not of a word English
        # uses often ("civils piégés" is no question about "pieces"); and a word another
        # language uses often is that language's, no slip at all ("piégés" is no "sièges",
        # "tués" no "trues": French words in a question to an English archive).
        found = (
            {}
            if _foreign_word(word, question)
            else {
                t: n
                for t, n in found.items()
                if not any(is_common(folded(w), "en") for w in spelled[t])
            }
        )
    if stem_only:
        # The archive's count of such a word is another's: a reading of it needs a word English
        # uses often ("minted" is no slip of the rare "minuted"), but for its other spellings.
        found = {
            t: n
            for t, n in found.items()
            if t in alike_terms or any(is_common(w, "en") for w in spelled[t])
        }
    # For a word the archive does not know: how likely each term it holds was meant, as the
    # odds of the slip of the fingers that typed it and how common its word is in English
    # (less: likelier), with that word and the slip itself.
    likely = {
        cand_term: min(
            (_odds(word, w), -frequency(w, "en"), w, typing_slip(word, w))
            for w in spelled[cand_term]
        )
        for cand_term, cand_df in found.items()
        if unknown and cand_df > 0
    }
    # The commonest in the archive first; for an unknown word the likeliest slip first
    # ("arested": "arrested", a double typed once, before the commoner "rested"), and of
    # two alike slips the commoner word ("civilans": "civilians", not "civilants").
    ranked = sorted(
        ((cand_df, cand_term) for cand_term, cand_df in found.items() if cand_df > 0),
        key=lambda r: (likely[r[1]][:2] if r[1] in likely else (0, 0.0), -r[0], r[1]),
    )
    ranked = [
        r
        for r in ranked
        if r[0] > df * (_ratio(likely[r[1]][3], stem_only) if r[1] in likely else TYPO_DF_RATIO)
        or (
            r[1] in alike_terms
            and (unheld or r[0] <= df or _sounds_same(word) or _name_pair(r, vowels, num_docs))
        )
    ]
    meant = word
    if unknown and ranked and ranked[0][0] > df * _ratio(likely[ranked[0][1]][3], stem_only):
        # The word meant, whose irregular forms and country adjective count too.
        meant = likely[ranked[0][1]][2]
    # A word held only as a common word's stem, read as a likelier slip, is that common word
    # less surely than it is the slip: "employes" means "employees" more than "employ".
    own = VARIANT_WEIGHT if stem_only and meant != word else 1.0
    variants = [Variant(term, own)] if df > 0 else []
    first_slip = likely[ranked[0][1]][0] if unknown and ranked else 0
    for cand_df, cand_term in ranked[: MAX_TYPO_VARIANTS if unknown else MAX_VARIANTS]:
        if unknown and cand_df > df * _ratio(likely[cand_term][3], stem_only):
            # Most likely what was meant: full weight for the first, half for a runner-up as
            # likely a slip (a double typed once makes "raja" for "raqa" no likely reading).
            if likely[cand_term][0] > first_slip:
                continue
            weight = 1.0 if len(variants) == (1 if df > 0 else 0) else VARIANT_WEIGHT
        elif df > 0 and cand_term in alike_terms:
            # Another spelling of a known word: the same name (Raqqa, Raqa), so an article
            # spelling it so counts as much as one with the word itself, however rare that
            # spelling is (its own idf is higher).
            weight = SPELLING_WEIGHT * min(1.0, idf(df, num_docs) / idf(cand_df, num_docs))
        else:
            continue
        variants.append(Variant(cand_term, weight))
    return (tuple(variants) if variants else (Variant(term, 1.0),)), meant


# The other languages written in Latin letters that the archive may hold (storage.languages).
_LATIN_LANGUAGES = tuple(
    sorted(code for code in CODES if code != ENGLISH and script_of_language(code) == "latin")
)


# How many of them a question's words are looked up in: a language's word list costs about
# 4 MiB and a tenth of a second once loaded (all twelve, a question with "é" in it: +45 MiB).
FOREIGN_LISTS = 3


def _foreign_word(word: str, question: str) -> bool:
    """Whether another language written in Latin letters uses this word often: one of the
    few the question is likeliest written in."""
    return any(is_common(word, lang) for lang in _likeliest_latin(question))


@lru_cache(maxsize=256)
def _likeliest_latin(question: str) -> tuple[str, ...]:
    # A question the model reads as English ("Pokémon card sale") loads no list.
    if detect(question) == ENGLISH:
        return ()
    return tuple(likeliest(question, _LATIN_LANGUAGES, FOREIGN_LISTS))


def folded(word: str) -> str:
    """The word without its accents ("piéces": "pieces"; decomposed and the marks dropped,
    which is the index's ASCII folding for accented letters, not for "ø" or "ł")."""
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
    )


def _slip_of_common(word: str, term: str) -> bool:
    """Whether a word English rarely uses is read as a common word and an ending ("mathes":
    "math"), or is a common word with a double typed once ("staf" for "staff"; the archive
    holds "staf" as the stem of "staffing"): the archive's count of its stem is then no sign
    that it was meant, and it may be a slip of another word ("matches", "staff")."""
    if len(term) < len(word) - 1 and is_common(term, "en"):
        return True
    return any(is_common(word[: i + 1] + word[i:], "en") for i in range(len(word)))


def _inflections(word: str, term: str, stats: TermStats) -> tuple[Variant, ...]:
    """The word's irregular forms the archive holds ("said" for "say"): an article with one
    holds the word (coverage), and ranks as one with a spelling variant does (a form of a
    long question's filler verb, "break" or "driven", weighed fully, put articles that
    use two forms of it first: bench.qa's quiz form lost three answers)."""
    forms = {stem(form) for form in other_forms(word)} - {term, ""}
    if not forms:
        return ()
    num_docs = max(stats.num_docs(), 1)
    df = stats.doc_freq(term)
    found: list[Variant] = []
    for form in sorted(forms):
        form_df = stats.doc_freq(form)
        if form_df > 0:
            weight = min(1.0, idf(df, num_docs) / idf(form_df, num_docs)) if df else 1.0
            found.append(Variant(form, VARIANT_WEIGHT * weight))
    return tuple(found)


# The endings British and American English spell apart (defence, defense; colour, color;
# organise, organize; analyse, analyze; centre, center; catalogue, catalog): agencies write
# one or the other, and a newsroom asks in its own.
_REGIONAL_ENDINGS = (
    ("ence", "ense"),
    ("ences", "enses"),
    ("our", "or"),
    ("ours", "ors"),
    ("oured", "ored"),
    ("ouring", "oring"),
    ("ourite", "orite"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ising", "izing"),
    ("isation", "ization"),
    ("isations", "izations"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("entre", "enter"),
    ("entres", "enters"),
    ("etre", "eter"),
    ("etres", "eters"),
    ("atre", "ater"),
    ("atres", "aters"),
    ("itre", "iter"),
    ("itres", "iters"),
    ("ibre", "iber"),
    ("ogue", "og"),
    ("ogues", "ogs"),
)
# Shorter words are left alone ("four" is no "for", "tour" no "tor").
REGIONAL_MIN_CHARS = 5


def regional_spellings(word: str) -> set[str]:
    """The word as the other side of the Atlantic spells it, by its ending (none if neither's
    ending is there); whether that is a word at all is for the caller to ask."""
    if len(word) < REGIONAL_MIN_CHARS:
        return set()
    found = set()
    for british, american in _REGIONAL_ENDINGS:
        for ending, other in ((british, american), (american, british)):
            if word.endswith(ending) and len(word) > len(ending):
                found.add(word[: -len(ending)] + other)
    return found


# An American -ize verb's inflections and their base: wordfreq lists "legalize" but not
# "legalizes" or "legalising", so a pair is told by its base ("promises" has no "promize").
_IZE_INFLECTIONS = (
    ("izes", "ize"),
    ("ized", "ize"),
    ("izing", "ize"),
    ("yzes", "yze"),
    ("yzed", "yze"),
    ("yzing", "yze"),
)


def _one_word(word: str, other: str) -> bool:
    """Whether `other`, the word's other regional spelling, is the same English word: it is
    common, or the pair's -ize spelling's base is ("legalises" and "legalizes", both rare)."""
    if is_common(other, "en"):
        return True
    for spelled in (word, other):
        for inflected, base in _IZE_INFLECTIONS:
            if spelled.endswith(inflected):
                return is_common(spelled[: -len(inflected)] + base, "en")
    return False


def _regional(word: str, term: str, stats: TermStats) -> tuple[Variant, ...]:
    """The word's other regional spellings (`regional_spellings`) that English uses often and
    the archive holds, weighed as another spelling of a name is: the same word."""
    num_docs = max(stats.num_docs(), 1)
    df = stats.doc_freq(term)
    found: list[Variant] = []
    spellings = sorted(regional_spellings(word))
    for spelling, other in zip(spellings, stem_many(spellings), strict=True):
        if not other or other == term or other in STOP_TERMS or not _one_word(word, spelling):
            continue
        other_df = stats.doc_freq(other)
        if other_df > 0:
            weight = SPELLING_WEIGHT * min(1.0, idf(df, num_docs) / idf(other_df, num_docs))
            found.append(Variant(other, weight if df else SPELLING_WEIGHT))
    return tuple(found)


# The ways one Arabic or Persian vowel is written in Latin letters (Khan Shaykhun, Sheikhun,
# Sheikhoun, Shaikhoun; Deir, Dair): a vowel spelled one way may be spelled another of its
# group. The long u and i and the diphthong of "sheikh"; a run of vowels in no group is kept.
_TRANSLITERATED = (
    frozenset({"ay", "ai", "ei", "ey"}),
    frozenset({"u", "ou", "oo"}),
    frozenset({"i", "ee", "ie"}),
)
_VOWEL_RUN = re.compile(r"[aeiou]+y?(?![aeiou])")


def transliterations(word: str) -> set[str]:
    """Spellings of a name with one or two of its vowels written as another transliteration
    writes them (`_TRANSLITERATED`): "shaykhun" gives "sheikhun", "sheikhoun", "shaikhoun"..."""
    runs = [
        (match.start(), match.end(), group)
        for match in _VOWEL_RUN.finditer(word)
        for group in _TRANSLITERATED
        if match.group() in group
    ]
    found: set[str] = set()
    for count in (1, 2):
        for chosen in itertools.combinations(runs, count):
            if len({start for start, _, _ in chosen}) < count:
                continue
            spellings = [[(s, e, v) for v in sorted(g - {word[s:e]})] for s, e, g in chosen]
            for choice in itertools.product(*spellings):
                spelled, last = [], 0
                for start, end, vowel in choice:
                    spelled += [word[last:start], vowel]
                    last = end
                found.add("".join(spelled) + word[last:])
    found.discard(word)
    return found


def _held_transliterations(word: str, stats: TermStats) -> set[str]:
    """The analysed forms of the word's `transliterations` that the archive holds, from a
    spelling English does not use often (the archive is asked first: a word list's look-up of
    a made-up spelling costs more than the index's)."""
    spellings = sorted(transliterations(word))
    held: set[str] = set()
    for spelling, term in zip(spellings, stem_many(spellings), strict=True):
        if term and term not in held and stats.doc_freq(term) > 0 and not is_common(spelling, "en"):
            held.add(term)
    return held


def _name_pair(found: tuple[int, str], vowels: set[str], num_docs: int) -> bool:
    """Whether a vowel respelling found in the archive is itself a rare word (a name)."""
    return found[1] in vowels and found[0] <= num_docs * NAME_MAX_SHARE


# A short word in capitals: a name even where its lower case is a stop word ("US", "WHO").
_ACRONYM = re.compile(r"[A-Z]{2,5}")


# English capitalises the days and months: a date, not a name an answer must hold.
_CALENDAR = frozenset(
    word.lower()
    for word in (*calendar.day_name, *calendar.month_name, *calendar.month_abbr)
    if word
)


@lru_cache(maxsize=1024)
def typed_names(question: str) -> frozenset[str]:
    """The words (lower case) typed as names: capitalised inside the question ("how many
    people fled Aleppo?"). Not the first word (a phone capitalises it), nor any in a question
    typed with every word capitalised (a headline's case says nothing of names), nor days
    and months, nor acronyms: articles write them several ways ("US": "U.S.", "United
    States", "American"; "ISIS": "Islamic State", "Daesh")."""
    words = [match.group() for match in tokenize(question)]
    lettered = [word for word in words if word[0].isalpha()]
    if len(lettered) > 1 and all(word[0].isupper() for word in lettered):
        return frozenset()
    return frozenset(
        word.lower()
        for word in words[1:]
        if word[0].isupper() and not word.isupper() and word.lower() not in _CALENDAR
    )


def meaningful_words(typed: str) -> list[str]:
    """The typed words that are not stop words, as a question's are read: a stop word typed
    in capitals ("US", "WHO") is a name, unless every word is in capitals. None: the words
    hold nothing to look for, whichever language they seem to be in ("the" alone is not)."""
    return [
        word
        for word in (match.group() for match in WORD_RE.finditer(typed))
        if word.lower() not in STOP_WORDS or typed_as_name(word, typed)
    ]


def typed_as_name(word: str, text: str) -> bool:
    """Whether a word as typed in `text` is a name though its lower case may be a stop word:
    in capitals in a text that is not all capitals ("the US", "IS fighters", "WHO warns")."""
    return _ACRONYM.fullmatch(word) is not None and text != text.upper()


def analyze(question: str, stats: TermStats, first: str | None = None) -> Query:
    """Turn a question into the query terms that count, with spelling variants from `stats`
    (`first`: the language the question is likelier in than English, if any)."""
    num_docs = max(stats.num_docs(), 1)
    terms: list[QueryTerm] = []
    seen: set[str] = set()
    for match in tokenize(question):
        word = match.group().lower()
        named = typed_as_name(match.group(), question)
        if word in STOP_WORDS and not named:
            continue
        term = stem(word)
        if not term or term in seen or (term in STOP_WORDS and not named):
            continue
        seen.add(term)
        variants, meant = _variants(word, term, stats, question, first)
        df = max(stats.doc_freq(v.term) for v in variants)
        meant_term = term if meant == word else stem(meant)
        forms = _inflections(meant, meant_term, stats) + _regional(meant, meant_term, stats)
        if forms:
            variants += forms
            # The word's rarity is its own (its other forms may be far commoner: "Chinese",
            # "China"), unless the archive holds only those.
            df = df or max(stats.doc_freq(v.term) for v in forms)
        terms.append(QueryTerm(word, variants, idf(df, num_docs)))
    return Query(question, tuple(terms), answer_type(question))
