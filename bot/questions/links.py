"""Words of a question that count only together: a name's words, a noun and what it is "of".

Coverage counts each word of a question wherever the article has any form of it. Two kinds
of words mean something only together, and an article holding them apart answers another
question (a confident wrong quote):

- a name of several capitalised words ("Islamic State"): "Islam" of "Jaish al-Islam" is not
  the name. Each of its words counts where the article has it as typed (or its plural, or
  another spelling of it), not as another word of the same stem. (Not only where they stand
  together: "White Helmets Aleppo" or "Trump Biden debate" run several names into one.)
- "X of Y" in a chat question ("the population of Aleppo", "the leader of ISIS"): X is held
  only where it stands by Y with nothing but function words between ("Aleppo's population",
  "ISIS leader"), not "densely populated" nor "between ISIS and Assyrian leaders". Two words
  typed as keywords, the second a noun that names one thing of the first ("Aleppo
  population", "ISIS leader"), are such an "of" too; other pairs are not ("Raqqa civilians"
  is answered by the civilians trapped in the city of a Raqqa story).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.questions.analysis import (
    STOP_WORDS,
    WORD_RE,
    Query,
    QueryTerm,
    folded,
    stem,
    stems,
    word_set,
)
from bot.questions.languages import analyse_many, analyse_word
from storage.languages import ENGLISH, OTHER, normalize

# "X of Y": at most this many function words between X and Y in the article, in either order
# ("population of Aleppo", "Aleppo's population", "leader of the group").
LINK_REACH = 3
_ARTICLES = frozenset({"the", "a", "an"})
# Nouns naming one thing of what they are of (its leader, its population): asked as keywords,
# "Aleppo population" is "the population of Aleppo". A small closed class, like stop words.
_OF_NOUNS = frozenset(
    stem(word)
    for word in word_set(
        """leader head chief president premier minister mayor governor king queen emir ruler
        commander spokesman spokeswoman spokesperson founder owner ceo chairman director
        ambassador envoy successor deputy population capital currency language area size age
        birthday wife husband son daughter father mother brother sister budget headquarters"""
    )
)


# The same nouns in the other languages the bot replies in, and Persian, as typed before what
# they are of: "président de la Syrie", "президент Сирии", "رئيس سوريا", "رئیس جمهور ایران".
# Not Arabic and Persian "emir": Amir is a first name ("امیر غفور مصدوم شد"); nor a team's
# coach, whom news names by "this team" ("به عنوان سرمربی جدید این تیم").
_FOREIGN_OF_NOUNS = {
    "fr": """président présidente chef dirigeant dirigeante leader premier ministre maire
        gouverneur roi reine émir commandant porte-parole fondateur propriétaire pdg directeur
        directrice ambassadeur envoyé successeur adjoint population capitale monnaie langue
        superficie âge femme mari épouse fils fille père mère frère sœur budget siège patron
        secrétaire""",
    "ru": """президент глава лидер руководитель председатель премьер премьер-министр министр
        мэр губернатор король королева эмир командующий командир представитель пресс-секретарь
        основатель владелец директор посол посланник преемник заместитель население столица
        валюта язык площадь возраст жена муж сын дочь отец мать брат сестра бюджет штаб
        секретарь генсек""",
    "ar": """رئيس زعيم قائد ملك ملكة وزير وزراء محافظ عمدة سفير مبعوث متحدث ناطق مؤسس
        مالك مدير نائب سكان عاصمة عملة لغة مساحة عمر زوجة زوج ابن ابنة أب أم أخ أخت ميزانية
        مقر أمين""",
    "fa": """رئیس رهبر فرمانده پادشاه ملکه وزیر استاندار شهردار سفیر فرستاده سخنگو
        بنیانگذار مالک مدیر معاون جمعیت پایتخت زبان مساحت سن همسر پسر دختر پدر مادر برادر
        خواهر بودجه مقر دبیر""",
}
# French writes "X of Y" with "de" (and its forms), the article after it left out.
_FRENCH_OF = frozenset({"de", "du", "des", "d"})
_FRENCH_ARTICLES = frozenset({"la", "le", "les", "l"})


@dataclass(frozen=True, slots=True)
class Links:
    """A question's words that count only together (as their `QueryTerm.word`s)."""

    # Each name's words, in order.
    names: tuple[tuple[str, ...], ...] = ()
    # (X, Y) of each "X of Y".
    ofs: tuple[tuple[str, str], ...] = ()
    # (X, M) of each X typed right after a word M that says which X ("defense minister of
    # Russia"), also in `ofs`: M may stand between X and its Y ("Russian Defense Minister").
    modifiers: tuple[tuple[str, str], ...] = ()
    # (language, X, Y, M) of each "X of Y" of the question read in another language than
    # English, M a word that may stand between them ("министр обороны России"), else "".
    foreign: tuple[tuple[str, str, str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.names or self.ofs or self.foreign)

    @property
    def linking(self) -> bool:
        """Whether the question has an "X of Y" in any of its readings."""
        return bool(self.ofs or self.foreign)


def find_links(query: Query, *, with_ofs: bool = True, written: str = "") -> Links:
    """The names and, if `with_ofs`, the "X of Y" of the question's words (not of a long
    question, a quiz's, which states its context in words of its own); with `written`
    (an article), two words of the question that it writes as a name count as one too
    ("islamic state", as a chat question is typed, where it has "Islamic State")."""
    words = {term.word for term in query.terms}
    tokens = list(WORD_RE.finditer(query.text))
    names: list[tuple[str, ...]] = []
    ofs: list[tuple[str, str]] = []
    run: list[str] = []
    for i, token in enumerate(tokens):
        word = token.group()
        named = word[0].isupper() and word.lower() in words
        joined = i > 0 and query.text[tokens[i - 1].end() : token.start()].isspace()
        if not (named and joined):
            # A lower-case or function word ("Bank Of England"), or punctuation, ends a name.
            _end_name(run, names)
            run = []
        if named:
            run.append(word.lower())
    _end_name(run, names)
    if written:
        names.extend(_written_names(tokens, query.text, words, written))
    if with_ofs:
        lowered = [token.group().lower() for token in tokens]
        for i, word in enumerate(lowered):
            if word != "of" or i == 0:
                continue
            after = i + 1
            while after < len(lowered) and lowered[after] in _ARTICLES:
                after += 1
            if lowered[i - 1] in words and after < len(lowered) and lowered[after] in words:
                ofs.append((lowered[i - 1], lowered[after]))
        # A noun of one thing typed after the word it is of: "ISIS leader", "defence
        # minister" (not "civil defence official ... foreign ministers").
        typed = [(word, before) for before, word in _typed_pairs(tokens, query.text, words)]
        compounds = [(word, before) for word, before in typed if stem(word) in _OF_NOUNS]
        ofs.extend(compound for compound in compounds if compound not in ofs)
        return Links(tuple(names), tuple(ofs), tuple(compounds), _foreign_ofs(query))
    return Links(tuple(names), tuple(ofs))


def _foreign_ofs(query: Query) -> tuple[tuple[str, str, str, str], ...]:
    """The "X of Y" of each other reading of the question: X one of `_FOREIGN_OF_NOUNS`
    typed right before Y ("президент Сирии", "رئيس وزراء لبنان"), or before a word M that
    says which X and then Y ("министр обороны России": X by Y, M allowed between), or
    before French "de Y" ("ministre de l'Intérieur")."""
    found: list[tuple[str, str, str, str]] = []
    langs = {term.lang for term in query.terms} - {ENGLISH, OTHER}
    for lang in sorted(langs & _FOREIGN_OF_NOUNS.keys()):
        words = {term.word for term in query.terms if term.lang == lang}
        tokens = WORD_RE.findall(normalize(lang, query.text).lower())
        for i, first in enumerate(tokens):
            # (French puts a noun's adjective after it: "mère priée" is no "mother of".)
            if lang != "fr" and first in words and _of_noun(lang, first):
                typed = list(itertools.takewhile(words.__contains__, tokens[i + 1 : i + 3]))
                if typed:
                    found.append((lang, first, typed[0], ""))
                if len(typed) == 2:
                    found.append((lang, first, typed[1], typed[0]))
            # French writes nearly any noun's complement with "de" ("les écoles de Raqqa"):
            # only a noun of one thing is linked by it, as in the keywords above.
            before = tokens[i - 1] if i > 0 else ""
            if lang == "fr" and first in _FRENCH_OF and before in words and _of_noun(lang, before):
                after = i + 1
                while after < len(tokens) and tokens[after] in _FRENCH_ARTICLES:
                    after += 1
                if after < len(tokens) and tokens[after] in words:
                    found.append((lang, before, tokens[after], ""))
    return tuple(dict.fromkeys(found))


def _of_noun(lang: str, word: str) -> bool:
    """Whether a word of the question (normalised, lower case) is one of `lang`'s nouns of
    one thing: in Russian and French in any form ("мэра", "présidente"); in Arabic and
    Persian as written, with or without "ال", since the Arabic stemmer reads other words as
    those nouns ("المال", money, as "مالك", owner; "المؤسسي" as "مؤسس")."""
    if lang in ("ar", "fa"):
        nouns = _of_nouns(lang, stemmed=False)
        return word in nouns or word.removeprefix("ال") in nouns
    return analyse_word(lang, word) in _of_nouns(lang, stemmed=True)


@functools.cache
def _of_nouns(lang: str, *, stemmed: bool) -> frozenset[str]:
    """`lang`'s nouns of one thing, as its index field has them or as written."""
    words = word_set(normalize(lang, _FOREIGN_OF_NOUNS[lang]).lower())
    return frozenset(analyse_word(lang, word) for word in words) - {""} if stemmed else words


def foreign_unlinked(
    links: Links, lang: str, terms: Sequence[QueryTerm], text: str
) -> frozenset[str]:
    """`unlinked` for a reading of the question in `lang` (not English): the X of each of its
    "X of Y" that `text` holds only apart from Y. Between them only `lang`'s stop words."""
    pairs = [(head, tail, between) for code, head, tail, between in links.foreign if code == lang]
    if not pairs:
        return frozenset()
    by_word = {term.word: term for term in terms}
    tokens = WORD_RE.findall(normalize(lang, text).lower())
    distinct = sorted(set(tokens))
    forms = dict(zip(distinct, analyse_many(lang, distinct), strict=True))
    analysed = [forms[token] for token in tokens]
    gaps = frozenset(token for token, form in forms.items() if not form)
    missing = {
        head
        for head, tail, between in pairs
        if head in by_word
        and tail in by_word
        and not _linked(
            by_word[head],
            by_word[tail],
            tokens,
            analysed,
            by_word[between].terms if between in by_word else frozenset(),
            stop=gaps,
        )
    }
    return frozenset(missing)


def _written_names(
    tokens: list[re.Match[str]], question: str, words: set[str], written: str
) -> list[tuple[str, ...]]:
    """The question's pairs of words, one after the other, that `written` has capitalised."""
    pairs = _typed_pairs(tokens, question, words)
    if not pairs:
        return []
    lowered = written.lower()
    if len(lowered) != len(written):  # a letter whose lower case is longer ("İ") kept as it is
        lowered = "".join(ch if len(ch.lower()) > 1 else ch.lower() for ch in written)
    return [
        (a, b)
        for a, b in pairs
        if any(
            _capitalised(written, lowered, *pair)
            for pair in ((a, b), (a, _plural(b)), (_plural(a), b))
        )
    ]


def _typed_pairs(
    tokens: list[re.Match[str]], question: str, words: set[str]
) -> list[tuple[str, str]]:
    """The question's pairs of words that count, typed one after the other (lower case)."""
    pairs = [
        (first.group().lower(), second.group().lower())
        for first, second in itertools.pairwise(tokens)
        if question[first.end() : second.start()].isspace()
    ]
    return [(a, b) for a, b in pairs if a in words and b in words and a != b]


def _capitalised(written: str, lowered: str, first: str, second: str) -> bool:
    """Whether `written` has the words `first` and `second` (lower case) one after the other,
    each capitalised, with only white space between. Found by searching `lowered` (`written`
    in lower case, as long) for the first word, not by reading every word of a long text."""
    at = lowered.find(first)
    while at != -1:
        end = at + len(first)
        if (at == 0 or not lowered[at - 1].isalnum()) and written[at].isupper():
            gap = end
            while gap < len(lowered) and lowered[gap].isspace():
                gap += 1
            after = gap + len(second)
            if (
                gap > end
                and lowered.startswith(second, gap)
                and (after == len(lowered) or not lowered[after].isalnum())
                and written[gap].isupper()
            ):
                return True
        at = lowered.find(first, at + 1)
    return False


def _end_name(run: list[str], names: list[tuple[str, ...]]) -> None:
    if len(set(run)) > 1:
        names.append(tuple(run))


def unlinked(
    links: Links, terms: Sequence[QueryTerm], text: str, words: set[str] | None = None
) -> frozenset[str]:
    r"""The words of `terms` (English ones) that `text` holds only apart from the words they
    count with, which therefore do not count as held. `words`: the text's distinct words in
    lower case, where the caller has them (`\w+`: the same words where the text has no "_")."""
    by_word = {term.word: term for term in terms}
    missing: set[str] = set()
    if links.names:
        if words is None or "_" in text:
            words = set(WORD_RE.findall(text.lower()))
        held = _by_form(list(words))
        for name in links.names:
            if all(word in by_word for word in name):
                missing.update(word for word in name if not _as_typed(by_word[word], held))
    if links.ofs:
        tokens = WORD_RE.findall(text.lower())
        stemmed = stems(tokens)
        for head, tail in links.ofs:
            linked = head in by_word and tail in by_word
            between = frozenset(
                form
                for named, modifier in links.modifiers
                if named == head and modifier in by_word
                for form in by_word[modifier].terms
            )
            if linked and not _linked(by_word[head], by_word[tail], tokens, stemmed, between):
                missing.add(head)
    return frozenset(missing)


def stand_ins(links: Links, terms: Sequence[QueryTerm], text: str) -> frozenset[str]:
    """The words of the question's names that `text` holds only as another name's word of
    their stem ("Islam" of "Jaish al-Islam" for "Islamic"; not "marking" for "Mark"): a quote
    chosen for such a word is about another name."""
    by_word = {term.word: term for term in terms}
    written = WORD_RE.findall(text)
    tokens = [token.lower() for token in written]
    stemmed = stems(tokens)
    named = {word for name in links.names for word in name if word in by_word}
    held = _by_form(tokens)
    return frozenset(
        word
        for word in named
        if not _as_typed(by_word[word], held)
        and any(
            analysed == stem(word) and token[0].isupper()
            for token, analysed in zip(written, stemmed, strict=True)
        )
    )


def _by_form(tokens: list[str]) -> dict[str, list[str]]:
    """A text's words (lower case) by their analysed form, and each word by itself: each word
    of the text looked at once, for all of a question's words."""
    words = list(set(tokens))
    found: dict[str, list[str]] = {word: [word] for word in words}
    for word, analysed in zip(words, stems(words), strict=True):
        if analysed != word:
            found.setdefault(analysed, []).append(word)
    return found


def _as_typed(term: QueryTerm, held: dict[str, list[str]]) -> bool:
    """Whether a word of the text (`held`, see `_by_form`) is the word as typed, its plural or
    another spelling of it: not another word of its stem ("Islam" for "Islamic")."""
    own = stem(term.word)
    for form in term.terms:
        for token in held.get(form, ()):
            if stem(token) != own or _same_word(term.word, token):
                return True
    return False


def _same_word(typed: str, token: str) -> bool:
    """Whether `token` is `typed` or its plural ("states", "dictionaries"), or the reverse,
    accents aside as the index has them ("Erdoğan" is written "Erdogan")."""
    if token == typed:
        return True
    if not typed.isascii():
        typed = folded(typed)
    return token == typed or _plural(typed) == token or _plural(token) == typed


def _plural(word: str) -> str:
    """The regular English plural of a word."""
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + ("es" if word.endswith(("s", "x", "z", "ch", "sh")) else "s")


def _linked(
    head: QueryTerm,
    tail: QueryTerm,
    tokens: list[str],
    stemmed: list[str],
    between: frozenset[str] = frozenset(),
    stop: frozenset[str] = STOP_WORDS,
) -> bool:
    """Whether `head` stands by `tail` with only function words (`stop`; or a word of
    `between`, as analysed) between, in either order."""
    head_forms, tail_forms = head.terms, tail.terms
    heads = [i for i, s in enumerate(stemmed) if s in head_forms or tokens[i] in head_forms]
    if not heads:
        return False
    tails = {i for i, s in enumerate(stemmed) if s in tail_forms or tokens[i] in tail_forms}
    for i in heads:
        for j in tails:
            low, high = min(i, j), max(i, j)
            if 0 < high - low <= LINK_REACH + 1 and all(
                tokens[k] in stop or stemmed[k] in between for k in range(low + 1, high)
            ):
                return True
    return False
