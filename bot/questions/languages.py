"""Questions in languages other than English: each word as that language's index field has it,
with typo corrections found in that language's field and spelled in its script."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from bot.languages import detect, likeliest, question_languages
from bot.questions.analysis import (
    NAME_MAX_SHARE,
    NAME_MIN_CHARS,
    RARE_DF,
    SPELLING_WEIGHT,
    VARIANT_WEIGHT,
    QueryTerm,
    Variant,
    edits,
    idf,
    replacements,
    tokenize,
)
from bot.questions.analysis import QUESTION_WORDS as ENGLISH_QUESTION_WORDS
from bot.questions.analysis import STOP_WORDS as ENGLISH_STOP_WORDS
from bot.questions.lexicon import is_common, writes_far_more
from storage.languages import CODES, ENGLISH, LANGUAGES, OTHER, analyzer, normalize

if TYPE_CHECKING:
    from collections.abc import Sequence

    from storage.search_index import SearchIndex

MAX_VARIANTS = 2
# A correction must be in more than this many times the articles the word typed is in (at
# least one): English's TYPO_DF_RATIO is 20, tuned on an 11,000-article English archive, but a
# language here often has a few thousand articles, where the word meant is itself in only a
# few. 1: the word meant is in more articles than the one typed, and in two at least
# (bench/languages.py, tune half: 3 and 1 leave every clean question as it was, 1 recovers
# more typo ones; wordfreq keeps a common word from being "corrected", see `is_common`).
OTHER_TYPO_DF_RATIO = 1
# A correction by a replaced letter counts as this share of the articles holding it, one by a
# letter dropped, added or swapped with its neighbour as all of them: in Arabic, Persian and
# Russian most words one replaced letter away are other words of the same root or stem
# (بدل, دول), and a replacement is the likelier typo only when nothing else is found.
REPLACEMENT_WEIGHT = 0.1
# The letters a typo correction may put into a word, per language (after `normalize`: the
# Arabic script has one yeh and one kaf there). A word is only ever corrected within these,
# so never into another script.
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_ALPHABETS = {
    "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهويء",
    "fa": "ابپتثجچحخدذرزژسشصضطظعغفقكگلمنهويء",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'",
    "el": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώ",
    "fr": _LATIN + "àâçéèêëîïôûùüÿœ",
    "de": _LATIN + "äöüß",
    "es": _LATIN + "áéíñóúü",
    "it": _LATIN + "àèéìòù",
    "pt": _LATIN + "áâãàçéêíóôõú",
    "tr": _LATIN + "çğıöşü",
}

# The question words of each language (written for this project, as its readers ask): not
# what the question is about, so neither searched for nor needed in an answer ("сколько" is in
# no article that answers "сколько мирных жителей в Ракке?"), where they ask: in a question
# that opens with one or ends with a question mark (in a headline "почему" is its subject's
# word). English's are its stop words. Persian's "کی" is left out: it is also a name's part
# ("بان کی‌مون"); its "کیست", "چیست", "کجاست" are "who / what / where is" in one word, "کسی"
# the "who" of "چه کسی"; Russian's "такое" that of "что такое ...?" (what is ...?).
QUESTION_WORDS = {
    lang: frozenset(normalize(lang, words).split())
    for lang, words in {
        "ru": "сколько почему зачем кто что где куда откуда когда как какой какая какое какие "
        "каких каким каков какова каковы который которая которое которые чей чья чьё чьи ли "
        "такое такая такие",
        "uk": "скільки чому навіщо хто що де куди звідки коли як який яка яке які яких чий "
        "чия чиє чиї чи",
        "ar": "كم بكم متى أين اين ماذا لماذا كيف ما من هل أي اي ماهو ماهي",
        "fa": "چند چندتا چندمین چه چرا کجا کجاست چگونه چطور چطوری چقدر آیا کدام کدوم کیست چیست کسی",
        "fr": "combien pourquoi quand où comment quel quelle quels quelles qui que quoi lequel "
        "laquelle lesquels lesquelles",
        "de": "wie viele wieviele warum wann wo woher wohin wer wen wem was welche welcher welches",
        "es": "cuántos cuántas cuánto cuánta por qué cuándo dónde cómo quién quiénes qué cuál "
        "cuáles",
        "it": "quanti quante quanto quanta perché quando dove come chi che quale quali",
        "pt": "quantos quantas quanto quanta porque por que quando onde como quem que qual quais",
        "tr": "kaç neden niçin ne nerede nereye nereden kim nasıl hangi",
    }.items()
}

_ANY_QUESTION_WORD = frozenset().union(*QUESTION_WORDS.values())
# "is" after a question word ("qui est ...?", "où est ...?"), which the language's stop words
# keep: French's "est" is also "east" ("l'est de la Syrie").
_COPULAS = {"fr": frozenset({"est"})}
# The words of a request for the news itself ("what's new?", "today's headlines", "что
# нового?", "quoi de neuf ?", "ما الجديد؟"), besides the stop and question words ("latest
# news"): a question of these alone asks for the newest articles, not for articles using them.
_NEWS = """
    new news headline headlines story stories article articles update updates recent today
    новости новостей новое нового новенького свежие последние сегодня
    de neuf nouveau nouvelles nouveautés actualité actualités actu actus infos dernières
    جديد الجديد أخبار الأخبار آخر
    خبر اخبار خبرها خبرهای تازه تازه‌ها جدیدترین آخرین تازه‌ترین امروز
"""
NEWS_WORDS = frozenset(normalize("ar", _NEWS).split())


def asks_for_news(terms: Sequence[QueryTerm]) -> bool:
    """Whether the question asks for the news itself: no word it holds names a subject."""
    return all(_news_or_question_word(term) for term in terms)


def _news_or_question_word(term: QueryTerm) -> bool:
    word = normalize("ar", term.word.lower())
    # English's stop words too: an archive with no English article reads "what is new?" in
    # its own languages' fields, where "is" is a word to look for ("I found nothing").
    return word in NEWS_WORDS or word in _ANY_QUESTION_WORD or word in ENGLISH_STOP_WORDS


# A question with a subject asks for its news ("latest news about Aleppo", "Raqqa headlines",
# "новости Ракки", "actualités de Raqqa", "أخبار الرقة", "what's new in Raqqa?") when it names
# the news and asks nothing else: "which news agency reported ...?" and "what is the latest
# death toll?" ask a question; "latest news" is a request even inside one ("what is the latest
# news on Aleppo?"). Not "new" alone ("new refugees" is a subject), nor "nouvelles" ("nouvelles
# Alpina B5" are new cars).
_NEWS_NOUNS = frozenset(
    normalize(
        "ar",
        "news headlines новости новостей actualités actualité actus أخبار الأخبار "
        "خبر اخبار خبرها خبرهای",
    ).split()
)
_NEWS_ADJECTIVES = frozenset(
    normalize("ar", "latest newest последние свежие dernières آخر آخرین جدیدترین تازه‌ترین").split()
)
_NEWS_PHRASES = tuple(
    tuple(normalize("ar", phrase).split())
    for phrase in ("what s new", "what is new", "что нового", "quoi de neuf", "ما الجديد", "چه خبر")
)
_ASKING = frozenset(word.lower() for word in _ANY_QUESTION_WORD | ENGLISH_QUESTION_WORDS)


def news_subject(question: str, terms: Sequence[QueryTerm]) -> tuple[QueryTerm, ...] | None:
    """The words naming the subject of a request for its news ("latest news about Aleppo":
    Aleppo), or None when the question is no such request (or names no subject)."""
    # (A short question is read in other languages too, where "latest" is no stop word.)
    subject = tuple(
        term
        for term in terms
        if not _news_or_question_word(term) and term.word.lower() not in _NEWS_ADJECTIVES
    )
    if not subject:
        return None
    words = [match.group().lower() for match in tokenize(normalize("ar", question))]
    for phrase in _NEWS_PHRASES:
        for i in range(len(words) - len(phrase) + 1):
            if tuple(words[i : i + len(phrase)]) == phrase:
                return subject
    if any(
        first in _NEWS_ADJECTIVES and second in _NEWS_NOUNS
        for first, second in itertools.pairwise(words)
    ):
        return subject
    if not _ASKING.isdisjoint(words):
        return None
    if not _NEWS_NOUNS.isdisjoint(words):
        return subject
    asked = question.rstrip().endswith(("?", "؟", "？"))
    return subject if not asked and not _NEWS_ADJECTIVES.isdisjoint(words) else None


@dataclass(frozen=True, slots=True)
class LanguageStats:
    """Term statistics of one language's fields (the TermStats of its questions)."""

    index: SearchIndex
    lang: str

    def doc_freq(self, term: str) -> int:
        """In how many articles of this language the analyzed term occurs."""
        return self.index.doc_freq_in(self.lang, term)

    def num_docs(self) -> int:
        """How many articles the index holds (BM25's count, over all languages)."""
        return self.index.num_docs()


def languages_present(index: SearchIndex) -> dict[str, int]:
    """The analysed languages the index holds articles of, with their counts, most first."""
    counts = [(index.lang_count(f"@{code}"), code) for code in LANGUAGES]
    return {code: count for count, code in sorted(counts, reverse=True) if count > 0}


def unheld_language(question: str, index: SearchIndex, only: str | None = None) -> str | None:
    """The language a question asks in (`only`: its `lang:` filter's) when the archive holds
    no article in it, else None. A question is taken to be in a language by its script only
    (Arabic, Cyrillic...): a Latin one may be a misspelt English one, read as German."""
    if only is not None:
        return None if index.lang_count(only) else only
    if any("a" <= ch <= "z" for ch in question.lower()):
        return None
    code = detect(question)
    if code is not None and code not in CODES and len(question.split()) > 1:
        # Short Russian reads as Macedonian or Belarusian, which the archive cannot hold
        # analysed ("кто президент Сирии?" was "mk"): said of no language, where "сколько
        # погибло в Ракке?" was told the archive holds no Russian. The likeliest language
        # the archive can hold is named; one word alone ("Алеппо") is too little to tell.
        code = next(iter(likeliest(question, CODES, 1)), None)
    if code is None or code not in CODES:
        return None
    return None if index.lang_count(code) else code


def candidate_languages(question: str, index: SearchIndex, only: str | None = None) -> list[str]:
    """The languages to analyse a question for (`only`: the one a `lang:` filter names)."""
    if only is not None:
        return [only]
    counts = languages_present(index)
    present = list(counts)
    if not present:
        return [ENGLISH]
    chosen = question_languages(question, [code for code in present if code != OTHER], counts)
    if len(chosen) > 1 and set(chosen) <= {"ar", "fa"}:
        chosen = _arabic_or_persian(question, chosen)
    # The fields shared by languages without analysis of their own: only for a question in
    # one of those (or one no analysed language of the archive is written like).
    if OTHER in present and (not chosen or detect(question) not in LANGUAGES):
        chosen.append(OTHER)
    return chosen or [present[0]]


def _arabic_or_persian(question: str, chosen: list[str]) -> list[str]:
    """Of Arabic and Persian, both searched for a question holding no letter only one of them
    writes: the one whose common words it holds where it holds none of the other's only
    (wordfreq's lists). "كم عدد الحجاج هذا العام؟" (how many pilgrims this year?) holds
    "هذا" and "العام", which Persian does not write, and was searched in Persian too, where
    "كم" (few) and "عدد" ranked a wrestling story first; a Persian headline spelled with
    Arabic yeh and kaf holds "نيست" or "شوراها". Both when neither or each has some."""
    words = {match.group().lower() for match in tokenize(normalize("ar", question))}
    only = [
        lang
        for lang, other in (("ar", "fa"), ("fa", "ar"))
        # (wordfreq's Persian list holds Arabic's function words from quotations, "هو", he,
        # and "في": "من هو رئيس سوريا؟" was read as Persian too, and a Persian story on a
        # footballer "جو هو" came first.)
        if any(writes_far_more(word, lang, other) for word in words)
    ]
    return only if len(only) == 1 else chosen


@lru_cache(maxsize=100_000)
def analyse_word(lang: str, word: str) -> str:
    """The indexed form of one (normalised, lower-case) word in `lang`; '' for stop words."""
    tokens: list[str] = analyzer(lang).analyze(word)
    return tokens[0] if len(tokens) == 1 else ""


def analyse_many(lang: str, words: list[str]) -> list[str]:
    """The indexed forms of many words in `lang` (one analyzer call when none is a stop word)."""
    tokens: list[str] = analyzer(lang).analyze(" ".join(words))
    return tokens if len(tokens) == len(words) else [analyse_word(lang, w) for w in words]


def _variants(
    lang: str, word: str, term: str, stats: LanguageStats, correct: bool
) -> tuple[Variant, ...]:
    """The term, and for a word the archive hardly knows, the likeliest corrections."""
    df = stats.doc_freq(term)
    alphabet = _ALPHABETS.get(lang, _LATIN)
    # Only words wholly in the language's letters are corrected (not names in another script),
    # and never a word the language uses often.
    if (
        not correct
        or df >= RARE_DF
        or len(word) <= 3
        or not set(word) <= set(alphabet)
        or is_common(word, lang)
    ):
        return (Variant(term, 1.0),)
    replaced = replacements(word, alphabet)
    dfs: dict[str, int] = {}
    found: dict[str, float] = {}
    for spellings, weight in (
        (edits(word, alphabet) - replaced, 1.0),
        (replaced, REPLACEMENT_WEIGHT),
    ):
        for cand_term in set(analyse_many(lang, list(spellings))):
            if not cand_term or cand_term == term:
                continue
            cand_df = dfs.get(cand_term)
            if cand_df is None:
                cand_df = dfs[cand_term] = stats.doc_freq(cand_term)
            if cand_df > max(df, 1) * OTHER_TYPO_DF_RATIO:
                found[cand_term] = max(found.get(cand_term, 0.0), cand_df * weight)
    ranked = sorted(((likely, t) for t, likely in found.items()), reverse=True)[:MAX_VARIANTS]
    variants = [Variant(term, 1.0)] if df > 0 else []
    for n, (_, cand_term) in enumerate(ranked):
        variants.append(Variant(cand_term, 1.0 if n == 0 and df == 0 else VARIANT_WEIGHT))
    return tuple(variants) if variants else (Variant(term, 1.0),)


# Persian has no Snowball stemmer (nor does PyStemmer). The suffixes of Lucene's PersianStemmer
# (org.apache.lucene.analysis.fa; plural -ات -ان -ها, comparative -تر -ترين, the -ي of ezafe,
# adjectives and indefinites; spelled as `normalize` leaves them), taken off in its order, each
# only when two letters are left. Applied to questions only: the other forms of a stem that the
# articles hold are searched beside the word asked (no Python work per article at import).
_PERSIAN_SUFFIXES = ("ات", "ان", "ترين", "تر", "يي", "ي", "ها")
# The forms searched: the stem with each suffix, and -هاي (plural with ezafe).
_PERSIAN_FORMS = ("", "ات", "ان", "ترين", "تر", "ي", "ها", "هاي")


def persian_stem(word: str) -> str:
    """The (normalised) Persian word with Lucene's PersianStemmer suffixes taken off."""
    for suffix in _PERSIAN_SUFFIXES:
        if len(word) >= len(suffix) + 2 and word.endswith(suffix):
            word = word[: -len(suffix)]
    return word


def _other_forms(
    lang: str, variants: tuple[Variant, ...], stats: LanguageStats
) -> tuple[Variant, ...]:
    """The variants, and the other inflected forms of the first that the articles hold (for
    Persian, as it has no stemmer): the word and its stem with each suffix, each counting
    VARIANT_WEIGHT of the word."""
    if lang != "fa":
        return variants
    first = variants[0]
    stem = persian_stem(first.term)
    have = {variant.term for variant in variants}
    # The word asked may itself take a suffix ("ايراني" of "ايران", which the stemmer would
    # cut to "اير"), its stem may take the others.
    forms = (base + suffix for base in (first.term, stem) for suffix in _PERSIAN_FORMS)
    return variants + tuple(
        Variant(form, VARIANT_WEIGHT * first.weight)
        for form in dict.fromkeys(forms)
        if form not in have and stats.doc_freq(form) > 0
    )


# Arabic writes its one-letter conjunctions (و ف) and prepositions (ب ل ك) joined to the next
# word, and the Snowball stemmer takes them off only in some cases ("لمنسوبي", "والاتفاقية"
# and "بالدم" stay whole): the word without one of them is searched too, as the same word.
# (Arabic grammar's one-letter proclitics: wa-, fa-, bi-, li-, ka-.)
_ARABIC_PROCLITICS = "وفبلك"


def _without_proclitic(word: str) -> str:
    """The (normalised) Arabic word without its joined conjunction or preposition, or ''.

    Three letters at least must be left; "لل" is "ل" before the article ("للافلام": the films).
    """
    if len(word) < 4 or word[0] not in _ARABIC_PROCLITICS:
        return ""
    rest = word[1:]
    return "ا" + rest if word[0] == "ل" and rest[0] == "ل" else rest


def _bare_forms(
    word: str, variants: tuple[Variant, ...], stats: LanguageStats
) -> tuple[Variant, ...]:
    """The variants, and those of the Arabic word without its proclitic that the articles hold
    (corrected there too when the word as typed is unknown: a correction of the whole word,
    "والمخالافت" to "والمخالفات", is searched with and without its "و", as the word typed
    right is); at half weight when the archive holds them less often than the whole word."""
    bare = _without_proclitic(word)
    term = analyse_word("ar", bare) if bare else ""
    if not term:
        return variants
    whole = stats.doc_freq(analyse_word("ar", word))
    have = {variant.term for variant in variants}
    extra: list[Variant] = []
    for variant in _variants("ar", bare, term, stats, whole == 0):
        df = stats.doc_freq(variant.term) if variant.term not in have else 0
        if df == 0:
            continue
        # The first letter is likelier a root letter when the archive holds the whole word
        # more often than the rest ("لجان", committees: "جان"); that reading counts half.
        extra.append(variant if df >= whole else Variant(variant.term, variant.weight / 2))
    return variants + tuple(extra)


def _article_forms(
    word: str, variants: tuple[Variant, ...], stats: LanguageStats
) -> tuple[Variant, ...]:
    """The variants, and the stem of the Arabic word with the article "ال" put on (for a word
    ending in ta marbuta, also taken off), at VARIANT_WEIGHT, when the articles hold it.

    The Snowball stemmer reads a word's first letter as a joined conjunction or preposition
    (و ف ب ك ل) only when no article follows it, so a root letter is cut off a word written
    without the article: "وزير" (minister) is indexed as "زير", "الوزير" as "وزير"; "فنون"
    as "نون". And `normalize` writes ta marbuta as heh (writers use both), which the stemmer
    keeps after the article: "الجديدة" is indexed as "جديده", "جديدة" as "جديد".
    """
    have = {variant.term for variant in variants}
    extra: list[Variant] = []
    for base in dict.fromkeys((word, _without_proclitic(word))):
        if len(base) < 4:
            continue
        if base.startswith("ال"):
            if not base.endswith("ه"):
                continue
            term = analyse_word("ar", base[2:])
        else:
            term = analyse_word("ar", "ال" + base)
        if term and term not in have and stats.doc_freq(term) > 0:
            have.add(term)
            extra.append(Variant(term, VARIANT_WEIGHT))
    return variants + tuple(extra)


# Arabic writes a verb's present and future with a prefix of its person (ي he, ت she or you,
# ن we, ا I), the future with "س" before it ("سيزور", will visit; "ستعقد", will be held),
# and its past without: the stemmer takes off the "س" and keeps the prefix ("يزور", "تعقد"),
# so a question on what will happen never met the article telling what happened ("زار",
# "عقدت": "عقد"). The past is searched too: the word without "س" and its prefix (and its
# plural's "ون"), that with the past's alef of the derived verbs ("يفتتح": "افتتح", "يعلن":
# "أعلن"), and a hollow verb's, whose middle و or ي is alef in the past ("يزور": "زار").
_FUTURE = "س"
# The future written apart ("سوف يزور", will visit): a word of no article telling the past,
# so not searched, and the verb after it read as if written "سيزور".
_WILL = "سوف"
_PERSON_PREFIXES = "يتنا"
_PLURAL_ENDINGS = ("ون", "ين", "ان")


def _past_spellings(word: str) -> list[str]:
    """The past forms a (normalised) Arabic future verb may take, or [] for no such word."""
    if len(word) < 5 or word[0] != _FUTURE or word[1] not in _PERSON_PREFIXES:
        return []
    bare = word[2:]
    bases = [bare] + [bare[:-2] for end in _PLURAL_ENDINGS if bare.endswith(end)]
    spellings: list[str] = []
    for base in bases:
        if len(base) < 3:
            continue
        spellings += [base, "ا" + base]
        if len(base) == 3 and base[1] in "وي":
            spellings.append(base[0] + "ا" + base[2])
    return spellings


def _past_forms(
    word: str, variants: tuple[Variant, ...], stats: LanguageStats
) -> tuple[Variant, ...]:
    """The variants, and the past forms of an Arabic future verb that the articles hold, at
    VARIANT_WEIGHT (half that where the archive holds the future more often: "سنوات", years,
    is no future of "وات")."""
    spellings = _past_spellings(word)
    if not spellings:
        return variants
    have = {variant.term for variant in variants}
    whole = max(stats.doc_freq(variant.term) for variant in variants)
    extra: list[Variant] = []
    for term in dict.fromkeys(analyse_many("ar", spellings)):
        if not term or term in have:
            continue
        df = stats.doc_freq(term)
        if df > 0:
            have.add(term)
            extra.append(Variant(term, VARIANT_WEIGHT if df >= whole else VARIANT_WEIGHT / 2))
    return variants + tuple(extra)


# Russian's Snowball stemmer takes a verb's present and future ending off only after "а" or
# "я" (or as "-ует", "-ит"), its past's and infinitive's always: "откроется" (will open) is
# indexed as "откроет", "открылась" (opened) and "открыть" as "откр"; "состоится" as "состо",
# "состоялась" as "состоя". A question in one tense never met the article in the other. The
# verb's other forms are searched too: its stem (the word without its ending, "-ся" and the
# vowel before the ending, or with it) with each ending of the present, past and infinitive,
# those the articles hold, the two they hold most. Only for a word that reads as a verb: a
# reflexive one, or an ending after a vowel ("откроет", "состоит", "открыла"; not "совет").
_RUSSIAN_VOWELS = "аеёиоуыэюя"
_RUSSIAN_REFLEXIVE = ("ся", "сь")
_RUSSIAN_VERB_ENDINGS = ("ла", "ло", "ли", "ть", "ет", "ёт", "ют", "ут", "ит", "ят", "л")
_RUSSIAN_FORMS = (
    "ет", "ют", "ут", "ит", "ят", "ется", "ются", "утся", "ится", "ятся",
    "л", "ла", "ло", "ли", "лся", "лась", "лось", "лись", "ть", "ться",
)  # fmt: skip


def _russian_verb_stems(word: str) -> list[str]:
    """The stems a Russian verb's forms are built on, or [] for a word that reads as none:
    "откроется": "откро", "откр"."""
    reflexive = len(word) > 4 and word.endswith(_RUSSIAN_REFLEXIVE)
    core = word[:-2] if reflexive else word
    ending = next((end for end in _RUSSIAN_VERB_ENDINGS if core.endswith(end)), None)
    if ending is None:
        return []
    stem = core[: -len(ending)]
    if len(stem) < 3 or (not reflexive and stem[-1] not in _RUSSIAN_VOWELS):
        return []
    return [stem, stem[:-1]] if stem[-1] in _RUSSIAN_VOWELS and len(stem) > 3 else [stem]


def _tense_forms(
    word: str, variants: tuple[Variant, ...], stats: LanguageStats
) -> tuple[Variant, ...]:
    """The variants, and the Russian verb's forms of its other tenses that the articles hold
    (the two they hold most), each at VARIANT_WEIGHT."""
    stems = _russian_verb_stems(word)
    if not stems:
        return variants
    spellings = [
        stem + vowel + ending
        for stem in stems
        for vowel in ("", *"аеиоуыя")
        for ending in _RUSSIAN_FORMS
    ]
    have = {variant.term for variant in variants}
    found: dict[str, int] = {}
    for term in dict.fromkeys(analyse_many("ru", spellings)):
        if term and term not in have and (df := stats.doc_freq(term)) > 0:
            found[term] = df
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))[:MAX_VARIANTS]
    weight = VARIANT_WEIGHT * variants[0].weight
    return variants + tuple(Variant(term, weight) for term, _ in ranked)


# Persian writes a foreign name's vowels with these letters or leaves them out, one writer
# one way and another the other ("وستهام" and "وسیتهام", West Ham): as English's vowel
# respellings of names (`analysis.vowel_swaps`), another spelling of a rare name the archive
# holds counts as the name (bench/languages.py: one Persian `tune` question moves up, in its
# typo form; docs/BENCHMARKS.md, "Languages, helper branch `lang32`"). Not Arabic: there a
# long vowel put in or taken out makes another word of the root (كتب, كاتب, كتاب).
_PERSIAN_VOWEL_LETTERS = "اوي"


def _vowel_respellings(word: str) -> set[str]:
    """The (normalised) Persian word with one vowel letter put in or taken out inside it (not
    first nor last: a last letter is mostly an ending, "رونالدوي" is Ronaldo's ezafe)."""
    found = {
        word[:i] + letter + word[i:]
        for i in range(1, len(word))
        for letter in _PERSIAN_VOWEL_LETTERS
    }
    found |= {
        word[:i] + word[i + 1 :]
        for i in range(1, len(word) - 1)
        if word[i] in _PERSIAN_VOWEL_LETTERS
    }
    found.discard(word)
    return found


def _name_spellings(
    word: str, variants: tuple[Variant, ...], stats: LanguageStats
) -> tuple[Variant, ...]:
    """The variants, and the Persian name's other spellings the archive holds (a vowel letter
    put in or left out), each as the name itself but for its rarer idf: only for a known word
    Persian does not use often, and only spellings that are no common word either."""
    first = variants[0]
    df = stats.doc_freq(first.term)
    num_docs = max(stats.num_docs(), 1)
    if (
        len(word) < NAME_MIN_CHARS
        or df == 0
        or df > num_docs * NAME_MAX_SHARE
        or is_common(word, "fa")
    ):
        return variants
    have = {variant.term for variant in variants}
    found: dict[str, int] = {}
    spellings = sorted(_vowel_respellings(word))
    for spelling, term in zip(spellings, analyse_many("fa", spellings), strict=True):
        if not term or term in have or term in found:
            continue
        cand_df = stats.doc_freq(term)
        if 0 < cand_df <= num_docs * NAME_MAX_SHARE and not is_common(spelling, "fa"):
            found[term] = cand_df
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))[:MAX_VARIANTS]
    own = idf(df, num_docs)
    return variants + tuple(
        Variant(term, SPELLING_WEIGHT * min(1.0, own / idf(cand_df, num_docs)))
        for term, cand_df in ranked
    )


def _ion_forms(variants: tuple[Variant, ...], stats: LanguageStats) -> tuple[Variant, ...]:
    """The variants, and the French stem of the same word family cut once more or once less
    (Snowball keeps "-ion" in a verb's stem, "démissionner" -> "demission", and cuts it from
    the noun, "démission" -> "demiss"), at VARIANT_WEIGHT where the articles hold it."""
    term = variants[0].term
    if term.endswith("ion"):
        other = analyse_word("fr", term)
    elif analyse_word("fr", term + "ion") == term:
        other = term + "ion"
    else:
        return variants
    if not other or other == term or other in {v.term for v in variants}:
        return variants
    if stats.doc_freq(other) == 0:
        return variants
    return (*variants, Variant(other, VARIANT_WEIGHT * variants[0].weight))


# The Persian prepositions, conjunction and verb prefixes writers glue to the next word as
# often as they leave a space or a ZWNJ ("دربهترین" for "در بهترین", in the best): spelled
# as `normalize` leaves them.
_GLUED_PREFIXES = tuple(normalize("fa", "نمی در به از با بر که می").split())


def _unglued(word: str, term: str, stats: LanguageStats) -> tuple[str, str] | None:
    """The Persian word as a function word (a preposition, a verb prefix...) and the word
    glued to it, when the articles hold neither the word nor its stem and hold the rest
    ("دربهترين": "در", "بهترين"), or the rest is a function word too ("هيچكس", no one, as
    the articles write "هیچ‌کس" with a ZWNJ, "هيچ" "كس" to the index: both stop words, the
    word typed joined was searched, found nowhere, and left the question unanswered); None
    when it is no such pair. A rest the articles hold must be three letters or more."""
    if stats.doc_freq(term) > 0 or stats.doc_freq(persian_stem(term)) > 0:
        return None
    best: tuple[int, tuple[str, str]] | None = None
    for cut in range(2, len(word) - 1):
        prefix, rest = word[:cut], word[cut:]
        if prefix not in _GLUED_PREFIXES and analyse_word("fa", prefix):
            continue
        rest_term = analyse_word("fa", rest)
        df = stats.doc_freq(rest_term) if rest_term and len(rest) >= 3 else 0
        if (df > 0 or not rest_term) and (best is None or df > best[0]):
            best = (df, (prefix, rest))
    return None if best is None else best[1]


def _asks(lang: str, question: str) -> bool:
    """Whether the question's question words ask: it opens with one or ends with "?"."""
    if question.rstrip().endswith(("?", "؟")):
        return True
    first = next(iter(tokenize(normalize(lang, question))), None)
    return first is not None and first.group().lower() in QUESTION_WORDS.get(lang, ())


def analyse_in(
    lang: str, question: str, stats: LanguageStats, *, correct: bool = True
) -> list[QueryTerm]:
    """The query terms of a question read as `lang`: normalised, stemmed, stop words out.

    `correct`: look for typo corrections of words this language's articles hardly know (for
    the likeliest language only: in the others most words are unknown, and each costs a
    search of hundreds of spellings).
    """
    num_docs = max(stats.num_docs(), 1)
    terms: list[QueryTerm] = []
    seen: set[str] = set()
    asks = QUESTION_WORDS.get(lang, frozenset()) if _asks(lang, question) else frozenset()
    copulas = _COPULAS.get(lang, frozenset())
    after_asking = will = False
    words = [match.group().lower() for match in tokenize(normalize(lang, question))]
    words.reverse()
    while words:
        word = words.pop()
        copula = after_asking and word in copulas
        after_asking = word in asks
        future, will = will, lang == "ar" and word == _WILL
        if after_asking or copula or will:
            continue
        term = analyse_word(lang, word)
        if not term or term in seen:
            continue
        seen.add(term)
        variants = _variants(lang, word, term, stats, correct and lang != OTHER)
        # An unknown Persian word that is no slip of a known one: perhaps two words written
        # without the space between them (searched as the two).
        if (
            correct
            and lang == "fa"
            and variants == (Variant(term, 1.0),)
            and (parts := _unglued(word, term, stats)) is not None
        ):
            words.extend(reversed(parts))
            continue
        if correct:
            # Only in the likeliest language, as corrections: an Arabic question is searched
            # in the Persian fields too, where more forms of its words would outrank it.
            if lang == "ar":
                variants = _bare_forms(word, variants, stats)
                variants = _article_forms(word, variants, stats)
                variants = _past_forms(_FUTURE + word if future else word, variants, stats)
            if lang == "fr":
                variants = _ion_forms(variants, stats)
            if lang == "ru":
                variants = _tense_forms(word, variants, stats)
            if lang == "fa":
                variants = _name_spellings(word, variants, stats)
            variants = _other_forms(lang, variants, stats)
        df = max(stats.doc_freq(v.term) for v in variants)
        terms.append(QueryTerm(word, variants, idf(df, num_docs), lang=lang))
    return terms
