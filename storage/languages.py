"""How the search index analyses each language: fields, normalisation, stemmer, stop words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import tantivy

# Tokens longer than this are URLs, hashes or glued text, never words someone types.
MAX_TOKEN_CHARS = 40
# Articles whose language has no analysis of its own (or is unknown) share these fields.
OTHER = "xx"
ENGLISH = "en"


@dataclass(frozen=True, slots=True)
class LanguageAnalysis:
    """One language's analysis: Snowball stemmer and stop words (tantivy names) or lists."""

    code: str
    stemmer: str | None = None
    stop_words: str | None = None
    custom_stop_words: tuple[str, ...] = ()
    # Fold accents after stemming (Latin scripts: "etats" finds "États").
    fold: bool = False


_ZWNJ = "\u200c"
# Arabic-script spellings that vary between writers and countries, mapped to one form: alef
# with hamza or madda, ta marbuta, alef maqsura, Arabic vs Persian yeh and kaf, hamza on waw,
# Persian heh with yeh above (the ezafe of "خانۀ", also written "خانه"); tatweel (kashida),
# the short-vowel diacritics and the hamza mark above ("خانهٔ") dropped; Arabic-Indic digits
# to 0-9. (Lucene's PersianNormalizer maps ۀ and drops the hamza mark too.)
_ARABIC_SCRIPT = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ۀ": "ه",
        "\u0654": None,
        "ى": "ي",
        "ی": "ي",
        "ک": "ك",
        "ؤ": "و",
        "ئ": "ي",
        "ـ": None,
        _ZWNJ: " ",
        **{chr(c): None for c in range(0x064B, 0x0653)},
        "\u0670": None,
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)
# The same as replacements: str.translate looks up every character of a text in a dict (~130
# us an article), while a replacement of a character the text lacks costs one fast scan (no
# replacement puts in a character another one takes out).
_ARABIC_REPLACEMENTS = tuple((chr(code), to or "") for code, to in _ARABIC_SCRIPT.items())


def _words(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(text.translate(_ARABIC_SCRIPT).split()))


# Function words for the languages tantivy has no stop word list for (written for this
# project; the normalised spelling of `normalize` is what the index sees).
_ARABIC_STOP = _words(
    """
    في من على الى عن ان او ثم قد لا لم لن ما ماذا هذا هذه ذلك تلك التي الذي الذين اللذين
    هو هي هم هن انا نحن انت كان كانت يكون تكون مع بين حتى اذا كل بعض غير عند منذ لدى
    اي ايضا وقد وفي ومن وعلى والى وان ولا فقد فان بان لان كما حيث بل لكن الا اما اما
    """
)
_PERSIAN_STOP = _words(
    """
    و در به از که این آن با را برای تا یا هم نیز اما اگر چه چون بر پس ای ها های
    می است بود شد شده شود کرد کرده کند خود وی او ما شما آنها ایشان هر همه یک بی
    """
    # And the rest of Jacques Savoy's Persian list (BSD; the one Lucene's PersianAnalyzer
    # uses, spelled as `normalize` leaves it): the forms of "be", "have", "do", "become",
    # "can", "want", "say", the pronoun and suffix pieces a ZWNJ splits off ("ترين", "اش",
    # "شان", "گيري"), adverbs and prepositions. Left out of it: its numbers, its nouns and
    # adjectives ("مردم", "جديد", "ميليون", "بهترين", "راه", "حق"...), "كي" (the "Ki" of
    # "بان کی‌مون"), "مرسي" (Morsi) and its misspellings.
    """
    كنند ي بعد هايي گرفته كردند گفت بار چند گذشته انجام داد وجود هستند كنيم بوده ديگر بيش
    كنم كنيد داده اند قرار توانيد بين داشت همچنين دارند پيش من هيچ همين يكي كردن دهد روي
    دهند كم داشته باشند بسيار مانند توانند دارد نمي اينكه تنها ولي بايد باشد تواند حتي همان
    نيست خواهد گيرد شدن شوند حدود خيلي بيشتر ايا كدام گفته دهيد داريد باشيد ايد كردم انان
    نداشته سراسر تاكنون بيشتري ناشي وگو داشتند سپس هنگام هرگز شدند چطور چرا ه رفت بله بلي
    شايد شناسي دانست داشتن خواهيم وقتيكه امد جز اورده بلكه برخي نبود بسياري نوعي
    نكرده نظير نبايد بودن اورد هست جايي دنبال انجا كمتر كجاست گردد كسي تر تان دادن بودند
    ندارند مگر يكديگر بنابراين هنگامي جا انچه دادند بدون البته براساس بيرون بعضي گرفت توي
    برابر باشيم مدتي گويند اكنون نشده گويد نزد فقط بالاي ديگران توسط ايم دانند سوي كنار
    داريم ساخته طور امده رفته نزديك طي تمامي طريق اش چيست نمايد چندين چيزي ام ترين ديگري
    همچنان كس مقابل چيز ندارد همچون سازي شان باره خويش برخوردار هنوز تحت ضمن هستيم انكه
    نخواهد وقتي چنين گيري كجا يابد بندي خواست تمام مثل اري اره طبق غير جاي ريزي زيرا چگونه
    لطفا درباره ديده گذاري برداري گذاشته فوق نه همواره خواهند مان قبل زير جلوي
    """
)
_UKRAINIAN_STOP = _words(
    """
    і й та в у на з із зі до від за по про для що як це цей ця ці той та ті він вона воно
    вони ми ви я не ні чи але або же ж би б бо також вже ще який яка яке які де коли
    """
)

# Snowball's Russian stop words are spelled with е for ё, as most Russian is printed; those
# that ё changes, as the writers who print ё spell them (RT does): "её" was indexed as "е",
# "всё" as "все", "ещё" as "ещ", while "ее", "все", "еще" are stop words.
_RUSSIAN_YO_STOP = ("её", "неё", "ещё", "всё", "чём")

# French function words written elided ("jusqu'à", "lorsqu'il"), which Snowball's list lacks
# (it has "qu"): the tokeniser splits them off at the apostrophe, and they were searched as the
# question's words ("inondations jusqu'à quand ?" had no answer in the flood story without
# "jusqu"). Lucene's French elisions; not "presqu", whose "presqu'île" is a peninsula.
_FRENCH_ELIDED = ("jusqu", "lorsqu", "puisqu", "quoiqu")
# Avoir's "a" ("il a dit"), which Snowball's list lacks though it has "ai", "avons" and "ont":
# it was searched as a word of the question and marked in quotes ("Le maire <b>a</b> dit").
# Not "as" (an ace, "un as du volant") nor "est" (east, "l'est de la Syrie").
_FRENCH_STOP = (*_FRENCH_ELIDED, "a")

LANGUAGES: dict[str, LanguageAnalysis] = {
    a.code: a
    for a in (
        LanguageAnalysis("en", "english", None, fold=True),
        LanguageAnalysis("ar", "arabic", None, _ARABIC_STOP),
        LanguageAnalysis("fa", None, None, _PERSIAN_STOP),
        LanguageAnalysis("ru", "russian", "russian", _RUSSIAN_YO_STOP),
        # Ukrainian has no Snowball stemmer; the Russian one would cut its words wrongly.
        LanguageAnalysis("uk", None, None, _UKRAINIAN_STOP),
        LanguageAnalysis("fr", "french", "french", _FRENCH_STOP, fold=True),
        LanguageAnalysis("de", "german", "german", fold=True),
        LanguageAnalysis("es", "spanish", "spanish", fold=True),
        LanguageAnalysis("it", "italian", "italian", fold=True),
        LanguageAnalysis("pt", "portuguese", "portuguese", fold=True),
        LanguageAnalysis("nl", "dutch", "dutch", fold=True),
        LanguageAnalysis("da", "danish", "danish", fold=True),
        LanguageAnalysis("sv", "swedish", "swedish", fold=True),
        LanguageAnalysis("no", "norwegian", "norwegian", fold=True),
        LanguageAnalysis("fi", "finnish", "finnish", fold=True),
        LanguageAnalysis("hu", "hungarian", "hungarian", fold=True),
        LanguageAnalysis("ro", "romanian", None, fold=True),
        LanguageAnalysis("tr", "turkish", None),
        LanguageAnalysis("el", "greek", None),
        LanguageAnalysis("ta", "tamil", None),
        LanguageAnalysis(OTHER, None, None, fold=True),
    )
}
# The language codes an editor or a `.jsonl` file may give (ISO 639-1).
CODES = frozenset(LANGUAGES) - {OTHER}

_ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF]")


def normalize(lang: str, text: str) -> str:
    """The text as the index sees it before tokenising (Arabic-script spelling unified)."""
    if lang in ("ar", "fa") or (lang == OTHER and _ARABIC_LETTERS.search(text)):
        for variant, common in _ARABIC_REPLACEMENTS:
            if variant in text:
                text = text.replace(variant, common)
    return text


def analysis_of(lang: str | None) -> LanguageAnalysis:
    """The analysis used for articles in `lang` (the shared one for others and unknown)."""
    return LANGUAGES.get(lang or OTHER, LANGUAGES[OTHER])


def tokenizer_name(lang: str) -> str:
    """The name the index registers the language's analyser under."""
    return f"news_{lang}"


def title_field(lang: str) -> str:
    """The headline field of articles in `lang` (English keeps the original names)."""
    return "title" if lang == ENGLISH else f"title_{lang}"


def body_field(lang: str) -> str:
    """The body field of articles in `lang`."""
    return "body" if lang == ENGLISH else f"body_{lang}"


def lead_field(lang: str) -> str:
    """The field of the opening of an article's body in `lang` (see LEAD_CHARS)."""
    return f"lead_{lang}"


# The opening of a body is indexed again on its own: a story's headline and the questions
# about it mostly use the words of its first lines.
LEAD_CHARS = 300


def make_language_analyzer(lang: str) -> tantivy.TextAnalyzer:
    """Build the analyser of one language, for its documents and its questions alike."""
    spec = analysis_of(lang)
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_CHARS))
        .filter(tantivy.Filter.lowercase())
    )
    if spec.stop_words:
        builder = builder.filter(tantivy.Filter.stopword(spec.stop_words))
    if spec.custom_stop_words:
        builder = builder.filter(tantivy.Filter.custom_stopword(list(spec.custom_stop_words)))
    if spec.code == ENGLISH:
        # English as before this module: folded, then stemmed, stop words kept.
        builder = builder.filter(tantivy.Filter.ascii_fold())
    if spec.stemmer:
        builder = builder.filter(tantivy.Filter.stemmer(spec.stemmer))
    if spec.fold and spec.code != ENGLISH:
        builder = builder.filter(tantivy.Filter.ascii_fold())
    return builder.build()


@cache
def analyzer(lang: str) -> tantivy.TextAnalyzer:
    """The shared analyser of one language (built once)."""
    return make_language_analyzer(lang)
