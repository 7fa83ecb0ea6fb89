"""Whether the archive answers a question at all: its meaningful words, together, in the top hit.

The rule is measured on the news-qa dev questions (docs/BENCHMARKS.md): asked of an archive on
other topics, the best article misses some of the question's rarer words; asked of the archive
that holds the answer, it has them all or nearly. The share is weighted by idf, so a missing
"news" counts for little and a missing "Zelensky" for much.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.articles.clutter.spans import without_clutter
from bot.questions.analysis import STOP_WORDS, Query, QueryTerm, stem, stems, typed_names
from bot.questions.dates import ENGLISH_MONTHS
from bot.questions.languages import analyse_many, analyse_word
from bot.questions.lexicon import is_common
from bot.questions.links import find_links, foreign_unlinked, unlinked
from storage.languages import ENGLISH, OTHER, analysis_of, normalize

# Splits as the index's tokenizer does in texts without "_" (faster than WORD_RE).
_WORDS = re.compile(r"\w+")
# The question counts as answered when the top article holds at least this idf share of its
# words (tuned on the even dev questions, checked on the odd ones: docs/BENCHMARKS.md).
ANSWERED_SHARE = 0.65
# ... or this share, for an English question of more words that count than a chat question
# has (two to six): a long question (a quiz's) states its context in words an article
# answering it need not use ("What popular ice cream company is undergoing a dramatic
# makeover?"), while an article on another topic rarely holds so many of its words anyway.
# Not in other languages: there long questions (bench/languages.py's headlines) were answered
# more often without their article than with it (docs/BENCHMARKS.md).
LONG_ANSWERED_SHARE = 0.60
LONG_QUESTION_WORDS = 6
# ... and this share, for a chat question asking who, when, where or how many: it asks for one
# fact of the event its words name together, and an article lacking one of them tells of
# another ("when did ISIS take Raqqa?" is not answered by a 2015 air raid on Raqqa, 0.70 of the
# question's weight without "take"). Such dev questions the bot answers hold 0.94 or more.
FACT_ANSWERED_SHARE = 0.9
_ASKS_FACT = re.compile(r"(?:who|whom|whose|when|where|how (?:many|much))\b", re.IGNORECASE)
# The one language whose capitals name nothing: it capitalises every noun.
_GERMAN = "de"
# Typed words this long that the archive does not know may be misspellings of an article's.
TYPO_MIN_CHARS = 5


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of a question one article holds."""

    # The idf share of the query words found in the article (0..1).
    share: float
    # How many query words are missing.
    missing: int
    # How many query words there are, and the language they were counted in.
    words: int = 0
    lang: str = ""
    # The missing words as typed (for diagnosis).
    absent: tuple[str, ...] = ()
    # ... of them, those typed as names (bot/questions/analysis.py: `typed_names`).
    unnamed: tuple[str, ...] = ()


# What a question with no article to look at has.
NO_COVERAGE = Coverage(0.0, 0)


def coverage(
    query: Query,
    title: str,
    text: str,
    clutter: str | None = None,
    *,
    year: int | None = None,
    lang: str | None = None,
) -> Coverage:
    """The idf share of the query's words (any analyzed form) in the article's title or text,
    page clutter left out; a bare year ("Raqqa 2017") is held by an article of that `year`
    (its publication's), whether or not the text writes it.

    A question searched in several candidate languages has its words once per language: the
    article is in one of them, so the share is that of the language that fits it best (a
    Spanish reading of an English question is not words the English article lacks). An
    article in one of those languages (`lang`, as stored) is read in its own: the words of
    an English article count as English words, not as typed, where every word weighs the
    same ("Putin Erdogan meeting" is not answered by an article without Erdogan).

    A name's words count only as typed ("Islam" is not "Islamic"), and the X of a chat
    question's "X of Y" only where it stands by Y (bot/questions/links.py). The words typed
    as names that the article lacks are counted apart (`unnamed`: see `answers`).
    """
    if query.is_empty:
        return Coverage(0.0, 0)
    text = without_clutter(text, clutter)
    whole = f"{title}\n{text}"
    words = set(_WORDS.findall(whole.lower()))
    roles = _roles_held(query, words)
    links = find_links(query, with_ofs=not is_long(query))
    names = typed_names(query.text)
    if lang is not None:
        query = query.read_in(analysis_of(lang).code)
    by_lang: dict[str, list[QueryTerm]] = {}
    for term in query.terms:
        by_lang.setdefault(term.lang, []).append(term)
    best: Coverage | None = None
    for reading, terms in by_lang.items():
        # The links are English's; so are the words of the same question read as typed (a
        # short question is searched so too, and "Aleppo population" held apart got through).
        if reading in (ENGLISH, OTHER):
            apart = unlinked(links, terms, whole, words) if links else frozenset()
            required: frozenset[str] = frozenset()
        else:
            # "президент Сирии" is not answered by an article naming a president and Syria
            # apart, however little "президент" weighs beside "Сирии": as with a name typed,
            # the X of another language's "X of Y" held apart leaves the question unanswered.
            apart = required = foreign_unlinked(links, reading, terms, whole)
        named = names if reading != _GERMAN else frozenset()
        found = _share(
            terms,
            _forms(reading, whole, words) | roles,
            words,
            reading,
            year,
            apart,
            named,
            required,
        )
        if best is None or _best(found) > _best(best):
            best = found
        if _best(best) == _COMPLETE:
            # No language can hold more (the first keeps ties): the others' analysis of the
            # whole text, the costly part, is not needed.
            break
    assert best is not None  # a query with terms has a language
    return best


def _forms(lang: str, text: str, words: set[str]) -> frozenset[str]:
    """The article's words as `lang`'s index field has them, and as written (languages
    searched without stemming)."""
    if lang == ENGLISH:
        return frozenset(stems(list(words))) | words
    own = set(_WORDS.findall(normalize(lang, text).lower()))
    return frozenset(analyse_many(lang, sorted(own))) | words


def _share(
    terms: list[QueryTerm],
    present: frozenset[str],
    words: set[str],
    lang: str,
    year: int | None = None,
    apart: frozenset[str] = frozenset(),
    names: frozenset[str] = frozenset(),
    required: frozenset[str] = frozenset(),
) -> Coverage:
    total = sum(term.idf for term in terms) or 1.0
    found = 0.0
    missing = 0
    absent = []
    unnamed = []
    held_year = str(year) if year is not None else None
    for term in terms:
        held = bool(term.terms & present or term.word == held_year or _misspelt_here(term, words))
        if held and term.word not in apart:
            found += term.idf
        else:
            missing += 1
            absent.append(term.word)
            if (not held and term.word in names) or term.word in required:
                unnamed.append(term.word)
    return Coverage(found / total, missing, len(terms), lang, tuple(absent), tuple(unnamed))


def _best(found: Coverage) -> tuple[float, int]:
    return found.share, -found.missing


# `_best` of an article holding every word of a language's terms (their idf sum, so exactly 1).
_COMPLETE = (1.0, 0)


def _misspelt_here(term: QueryTerm, words: set[str]) -> bool:
    """Whether a word the archive does not know, typed as it was, is one edit away from a word
    of the article ("boker" for "Booker"): the spelling variants searched are only the few
    commonest, and the article may spell the one meant."""
    typed = term.word
    if len(typed) < TYPO_MIN_CHARS or stem(typed) in term.terms or is_common(typed, term.lang):
        return False
    return any(
        word[0] == typed[0] and abs(len(word) - len(typed)) <= 1 and _one_edit(typed, word)
        for word in words
    )


def _one_edit(a: str, b: str) -> bool:
    """Whether two different words are one deletion, insertion, change or swap apart."""
    if a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    if len(a) < len(b):  # one letter more in b
        i = 0
        while i < len(a) and a[i] == b[i]:
            i += 1
        return a[i:] == b[i + 1 :]
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diffs) == 1:
        return True
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and a[diffs[1]] == b[diffs[0]]
    )


def is_long(query: Query) -> bool:
    """Whether the question has more words that count than a chat question has (a quiz's)."""
    return len({term.word for term in query.terms}) > LONG_QUESTION_WORDS


def asks_a_fact(query: Query) -> bool:
    """Whether the query is a chat question asking who, when, where or how many."""
    return not is_long(query) and _ASKS_FACT.match(query.text) is not None


# "where", not "which country/state": the place those ask for is the sentence's subject as
# often as not ("Sri Lanka is now bankrupt"), named where any name is.
# "where" (or "when"), anywhere in a chat question ("paul pelosi attack where").
_ASKS_WHERE = re.compile(r"\bwhere\b", re.IGNORECASE)
_ASKS_WHERE_OR_WHEN = re.compile(r"\b(?:where|when)\b", re.IGNORECASE)


def asks_where(query: Query, *, or_when: bool = False) -> bool:
    """Whether the query is a chat question asking where (`or_when`: or when)."""
    asking = _ASKS_WHERE_OR_WHEN if or_when else _ASKS_WHERE
    return not is_long(query) and asking.search(query.text) is not None


def share_needed(query: Query) -> float | None:
    """The share an article must hold to answer `query` whatever its length (`answers`), or
    None for the share by its length."""
    return FACT_ANSWERED_SHARE if asks_a_fact(query) else None


def answers(found: Coverage, threshold: float | None = None) -> bool:
    """Whether an article with this coverage answers the question (`threshold`: the share
    needed whatever the question's length).

    An article without a name a chat question types is about something else, however much
    of the rest it holds: "how many people fled Aleppo?" is not answered by people fleeing
    Daraa (a common place weighs little beside "fled"). A long question (a quiz's) names
    context an answer need not repeat."""
    long = found.words > LONG_QUESTION_WORDS
    if threshold is None:
        threshold = LONG_ANSWERED_SHARE if long and found.lang == ENGLISH else ANSWERED_SHARE
    return found.share >= threshold and (long or not found.unnamed)


# A count: a number in figures (not a year) or in words, as news writes small and round ones
# ("ten civilians", "dozens of"); not a span of time ("three years ago") nor a day of a month
# ("18 октября"; not English's: "thousands march", "hundreds may have died"). In the other
# languages readers ask "how many" in too (Russian, French,
# Arabic, Persian): "семь медалей", "trois morts", "عشرات القتلى", "پنج گل" (not French
# "sept" nor "cent", English's "Sept." and "per cent"; not Persian "نه" and "ده", also "no"
# and "village").
_COUNT_WORDS = (
    r"(?:\b(?!(?:19|20)\d\d\b)\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|"
    r"billions?|dozens?|scores"
    r"|два|две|три|четыре|пять|шесть|семь|восемь|девять|десять|двадцать|тридцать|сорок|"
    r"пятьдесят|сто|десятки|десятков|сотни|сотен|тысяч[аиу]?|миллион(?:а|ов)?"
    r"|deux|trois|quatre|cinq|huit|neuf|dix|vingt|trente|quarante|cinquante|dizaines?|"
    r"centaines?|milliers?"
    r"|اثنان|اثنين|ثلاثة|أربعة|خمسة|ستة|سبعة|ثمانية|تسعة|عشرة|عشرات|مئات|آلاف|ألف|مليون"
    r"|دو|سه|چهار|پنج|شش|هفت|هشت|صد|هزار|میلیون|دهها|صدها|هزاران"
    r"))\b(?!\s+(?:years?|months?|weeks?|days?|hours?|minutes?|decades?|centuries"
    r"|лет|года?|месяц\w*|недел\w*|дн(?:я|ей)|час\w*|минут\w*"
    r"|января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
    r"|ans?|années?|mois|semaines?|jours?|heures?|minutes?"
    r"|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    r"|عام|أعوام|سنة|سنوات|شهر|أشهر|أسابيع|أيام|يوما|ساعة|ساعات|دقيقة|دقائق"
    r"|سال|ماه|هفته|روز|ساعت|دقیقه)\b)"
)
# The first characters of those counts, in any case: tried first at each character, they spare
# `re` trying every word there (holds_count of a sentence in two fifths of the time).
COUNT_OPENERS = r"\dbcdefhmnoqstvвдмпстчшآأاتثخدسشصعمهپچ"
_COUNT = re.compile(f"(?=[{COUNT_OPENERS}])(?:{_COUNT_WORDS})", re.IGNORECASE)


# "How many civilians ...": the word counted, after the question words and an adjective or two.
_COUNTED = re.compile(r"\bhow (?:many|much) (?:more )?(\w+)", re.IGNORECASE)
# A count and the word it counts: "100,000 civilians", "at least 73 people", "dozens of fighters".
COUNT_REACH = 3


# A month's name just before or after a number makes it a day ("on May 25", "21 August"),
# in English as news writes it; the other languages' are in _COUNT_WORDS.
_MONTHS = f"(?:{'|'.join(ENGLISH_MONTHS)})"
_MONTH_BEFORE = re.compile(rf"(?:^|\W){_MONTHS}\.? $", re.IGNORECASE)
_MONTH_AFTER = re.compile(rf" {_MONTHS}\b", re.IGNORECASE)
# "September " and "Sept. " are the longest names before a day.
_MONTH_CHARS = len(" september ")


def _counts_in(text: str) -> Iterator[re.Match[str]]:
    """The counts of a text, days of a month left out."""
    for match in _COUNT.finditer(text):
        start, end = match.span()
        if text[start].isdigit() and (
            _MONTH_BEFORE.search(text, max(start - _MONTH_CHARS, 0), start)
            or _MONTH_AFTER.match(text, end)
        ):
            continue
        yield match


def holds_count(quote: str) -> bool:
    """Whether a quote can answer "how many": it holds a count, in figures or in words (a
    sentence with none answers another question, however many of its words it shares)."""
    return next(_counts_in(quote), None) is not None


# ... in the other languages readers ask in, where the word counted keeps its stem after a
# number ("сколько школ", "5 школ"; "combien de morts", "127 morts"; "چند گل", "16 گل").
# Not Arabic: a noun counted takes another form after each kind of number (منازل, منزلا).
_COUNTED_IN = {
    "ru": re.compile(r"(?<!\w)сколько\s+(\w+)", re.IGNORECASE),
    "fr": re.compile(r"(?<!\w)combien\s+(?:de\s+|d['’]\s*)(\w+)", re.IGNORECASE),
    "fa": re.compile(r"(?<!\w)چند\s+(?:تا\s+)?(\w+)"),
}


def counted_word(question: str, lang: str = ENGLISH) -> str | None:
    """The analyzed form of what a "how many" question counts ("civilians"), None if none;
    `lang`: the analysis of the article whose words are counted (its question words)."""
    if lang == ENGLISH:
        found = _COUNTED.search(question)
        return (stem(found.group(1)) or None) if found else None
    pattern = _COUNTED_IN.get(lang)
    found = pattern.search(normalize(lang, question)) if pattern is not None else None
    return (_analysed(lang, found.group(1)) or None) if found else None


def counts(quote: str, counted: str, lang: str = ENGLISH) -> bool:
    """Whether the quote holds a count of `counted` (an analyzed word of `lang`) within a few
    words: "up to 100,000 civilians" answers "how many civilians", "two small gaps" does not.
    The dead are counted in any of the words news uses for them (`_DEAD`)."""
    dead, people = _dead(lang)
    if counted not in dead:
        dead, people = frozenset({counted}), frozenset()
    elif not any(_analysed(lang, word) in dead for word in _WORDS.findall(quote)):
        people = frozenset()  # "80 человек" aboard are no dead
    for match in _counts_in(quote):
        following = _WORDS.findall(quote, match.end(), match.end() + 60)[:COUNT_REACH]
        if any(_analysed(lang, word) in dead or word.lower() in people for word in following):
            return True
    return False


# The dead, in the words news counts them with in the other languages readers ask "how many"
# in, and the people they are counted as when the sentence says they died: "combien de morts
# ?" is answered by "au moins 84 personnes ont été tuées", "сколько погибло?" by "погибли 5
# человек" (not by "вмещает 80 человек"), "چند کشته" by "۱۲ نفر کشته شدند".
_DEAD = {
    "fr": ("mort morts tué tués tuée tuées victime victimes décès", "personne personnes"),
    "ru": ("погибших погибли погибло погиб убитых убиты жертв жертвы", "человек человека"),
    "fa": ("کشته کشته‌شدگان قربانی قربانیان", "نفر"),
}


@functools.cache
def _dead(lang: str) -> tuple[frozenset[str], frozenset[str]]:
    """`lang`'s words for the dead as its index field has them, and its words for people as
    written (Russian's "человек" is a stop word)."""
    if lang not in _DEAD:
        return frozenset(), frozenset()
    dead, people = (frozenset(normalize(lang, words).lower().split()) for words in _DEAD[lang])
    return frozenset(analyse_word(lang, word) for word in dead) - {""}, people


# What happened to those counted, in the words news uses for each event (stems): "how many
# civilians were killed?" is not answered by "up to 100,000 civilians ... are still trapped".
_EVENTS = (
    frozenset({"kill", "die", "dead", "death", "toll"}),
    frozenset({"wound", "injur", "injuri", "hurt"}),
    frozenset({"flee", "fled", "displac", "evacu", "refuge"}),
    frozenset({"trap", "besieg", "stuck"}),
    frozenset({"arrest", "detain", "detent", "jail"}),
    frozenset({"abduct", "kidnap", "hostag"}),
    frozenset({"execut", "behead"}),
)
_EVENT_WORDS = frozenset().union(*_EVENTS)
# How far from a count (in words, either side) the word of its event is: "Ten Syrian civilians
# were killed", "the death toll rose to 61", "killing at least 87 civilians".
EVENT_REACH = 8


def holds_the_event(query: Query, texts: tuple[str, ...]) -> bool:
    """Whether the texts (a quote and its headline) count each event a chat question counts
    (killed, wounded, fled...), named in any of its words next to a count; a question naming
    none asks no event."""
    if is_long(query):
        return True
    asked = [
        group
        for group in _EVENTS
        if any(term.lang == ENGLISH and stem(term.word) in group for term in query.terms)
    ]
    if not asked:
        return True
    return all(any(_counts_the_event(text, group) for text in texts) for group in asked)


def _counts_the_event(text: str, group: frozenset[str]) -> bool:
    """Whether a count of the text is of the event `group`: the event word nearest to it,
    within EVENT_REACH words either side, is one of the group's. "Ten Syrian civilians were
    killed ... in airstrikes ... on tents for displaced people who fled" counts the killed,
    not those who fled; so does "Airstrikes Kill 120 Daesh Terrorists Fleeing From Raqqa"."""
    spans = [match.span() for match in _WORDS.finditer(text)]
    words = stems([text[start:end].lower() for start, end in spans])
    starts = [start for start, _ in spans]
    for match in _counts_in(text):
        at = bisect.bisect_left(starts, match.start())
        nearest = None
        for distance in range(1, EVENT_REACH + 1):
            for place in (at - distance, at + distance):
                if 0 <= place < len(words) and words[place] in _EVENT_WORDS:
                    nearest = words[place]
                    break
            if nearest is not None:
                break
        if nearest in group:
            return True
    return False


def _analysed(lang: str, word: str) -> str:
    """One word of a text as `lang`'s index field has it."""
    if lang == ENGLISH:
        return stem(word)
    return analyse_word(lang, normalize(lang, word.lower()))


# "who leads/commands/runs X?": who holds authority over X now, asked with the verb of the
# role; "who led/commanded/ran X?": who held it. Not other verbs: a part played is written
# otherwise ("who voices Mario?" is answered by "... an animated fantasy adventure featuring
# Chris Pratt").
_ASKS_HOLDER = re.compile(
    r"who (lead|led|command|head|run|ran|control|own|chair|govern|rule|direct|manage|fund|"
    r"back|arm|coach|captain)(?:s|es|d|ed|led)?\b",
    re.IGNORECASE,
)
# Prepositions after what a role is held over, beginning where or when it is held.
_SCOPE = re.compile(
    r"\b(?:in|at|on|inside|near|during|since|from|across|around|after|before|within)\b",
    re.IGNORECASE,
)
# The past of the role verbs whose past does not begin with their stem ("led by").
_IRREGULAR_PAST = {"lead": "led", "run": "ran"}
_IRREGULAR_BASE = {past: base for base, past in _IRREGULAR_PAST.items()}
# Words before a role that make it another's: the Fed's "vice chair" does not chair the Fed,
# nor does a "deputy leader" lead. "former"/"ex-" holders held it: they answer "who led X?",
# not "who leads X?".
_ANOTHER_ROLE = frozenset({"vice", "deputy", "assistant"})
_PAST_HOLDER = frozenset({"former", "ex", "late"})
# How far (in words, either side) the role stands from what it is of: "Ahrar al-Sham's leader
# Hassan Abboud", "ISIL-controlled Raqqa", "the head of the Syrian Observatory".
ROLE_REACH = 3
# ... and how far after a role written as its holder's adjective the words it qualifies stand
# ("ISIL-controlled Raqqa", "Kurdish-led Syrian Democratic Forces").
ADJECTIVE_REACH = 2


def _holder(role: str) -> re.Pattern[str]:
    """The nouns of a role's holder ("leader", "commander", "chairman"), and of the role
    itself ("leadership")."""
    return re.compile(rf"{role}(?:e?r|or|ler|man|woman|person|ship)s?")


def asks_the_holder(query: Query) -> bool:
    """Whether the query is a chat question asking who holds a role ("who leads X?")."""
    return not is_long(query) and _ASKS_HOLDER.match(query.text) is not None


def _role_asked(asked: re.Match[str]) -> tuple[str, str | None]:
    """The stem of the role a "who leads X?" question asks about, and its irregular past."""
    verb = asked.group(1).lower()
    role = stem(_IRREGULAR_BASE.get(verb, verb))
    return role, _IRREGULAR_PAST.get(role)


def _roles_held(query: Query, words: set[str]) -> frozenset[str]:
    """The forms of the role a chat question asks the holder of ("who led X?"), when the
    article's words (`words`) write it as a noun of the holder or the verb's irregular past:
    "Ahrar al-Shams leader Hassan Aboud" answers "who led Ahrar al-Sham?", "the council led by
    ..." "who leads the council?", though the index stems "leader" apart from "lead"."""
    asked = _ASKS_HOLDER.match(query.text)
    if asked is None or is_long(query):
        return frozenset()
    role, irregular = _role_asked(asked)
    holder = _holder(role)
    if any(holder.fullmatch(word) or word == irregular for word in words):
        return frozenset({role} if irregular is None else {role, irregular})
    return frozenset()


def names_the_role(query: Query, texts: tuple[str, ...]) -> bool:
    """Whether a quote or its headline (`texts`) can answer "who leads X?": one holds the
    role's verb or a noun of it ("leader", "commander", "leadership", "led by", in any of its
    forms; "army" is none of "arm") within ROLE_REACH words of another word of the question.
    The role's word elsewhere is another's: "who leads the Free Syrian Army?" is not answered
    by "Free Syrian Army and Nusra Front fighters pushed from town ..." under "Hizballah leads
    regime offensive", nor "who commands the SDF?" by clashes with the SDF under "Senior ISIS
    Commander ... Killed", nor "who funds the rebels?" by "The deal ... aims to fund
    imports"."""
    asked = _ASKS_HOLDER.match(query.text)
    if asked is None:
        return True
    role, irregular = _role_asked(asked)
    past = asked.group(0).lower().endswith("ed") or asked.group(1).lower() in _IRREGULAR_BASE
    others = _ANOTHER_ROLE if past else _ANOTHER_ROLE | _PAST_HOLDER
    typed = asked.group(0).split()[1].lower()
    # What the role is held over: the words after its verb up to a preposition, whose words
    # tell where or when ("who commands the Russian forces in Syria?" is not answered by
    # "... Take Out Seven Commanders in Syria", Daesh's).
    held_over = _WORDS.findall(_SCOPE.split(query.text[asked.end() :], maxsplit=1)[0].lower())
    rest = [term for term in query.terms if role not in term.terms and term.word != typed]
    over = [term for term in rest if term.word.lower() in held_over] or rest
    of = frozenset().union(*(term.terms for term in over))
    holder = _holder(role)
    for text in texts:
        spans = [match.span() for match in _WORDS.finditer(text)]
        words = [text[start:end].lower() for start, end in spans]
        forms = stems(words)
        joined = [start > 0 and text[start - 1] == "-" for start, _ in spans]
        # The role's own forms, not any word beginning as it does: the "army" of "who armed
        # the Free Syrian Army?" arms no one.
        places = [
            n
            for n, word in enumerate(words)
            if (forms[n] == role or word == irregular or holder.fullmatch(word))
            and (n == 0 or words[n - 1] not in others)
            and not (word == role and _inside_a_noun(words, forms, n, of))
        ]
        if not places:
            continue
        near = [n for n, form in enumerate(forms) if form in of]
        if any(_held_by(words, joined, n, m) for n in places for m in near):
            return True
    return False


def _inside_a_noun(words: list[str], forms: list[str], n: int, asked: frozenset[str]) -> bool:
    """Whether the role's bare word at `n` stands between two words that are neither
    function words nor the question's (`asked`): a part of another's noun ("Daesh Command
    Post", "its field command centre"), no role held over anything asked."""
    if n == 0 or n + 1 >= len(words):
        return False
    return all(
        words[m] not in STOP_WORDS and forms[m] not in asked and not holds_count(words[m])
        for m in (n - 1, n + 1)
    )


def _held_by(words: list[str], joined: list[bool], role: int, other: int) -> bool:
    """Whether the word at `other` is what the role at `role` is held over: within ROLE_REACH
    words of it; not after "<role> by", which names the holder ("a coalition led by the
    United States" leads no Islamic State); and after a role joined to its holder ("Kurd-led",
    `joined` by a hyphen), only in the words it qualifies ("ISIL-controlled Raqqa", not
    "Kurd-led forces press Islamic State")."""
    if abs(role - other) > ROLE_REACH:
        return False
    if joined[role]:
        return role < other <= role + ADJECTIVE_REACH
    return not (other > role + 1 and words[role + 1] == "by")


# "what weapons did the US give the Kurds?": which things of a kind someone did something with,
# the kind named before "did/do/does". Not "which country/city...": the answer names the place
# itself ("Russia invaded Ukraine"), nor a kind of named thing (a team, a company, a party).
_ASKS_THING = re.compile(r"(?:what|which) (\w+) (?:did|do|does)\b", re.IGNORECASE)
_NAMED_KINDS = frozenset(
    stems(["country", "city", "state", "nation", "region", "island", "county", "team", "company"])
    + stems(["countries", "cities", "states", "teams", "companies", "party", "person"])
)


# Words after a kind that list which things of it: "weapons including mortars", "arms such as".
_LISTING = frozenset({"including", "such", "like"})


def names_the_thing(query: Query, texts: tuple[str, ...]) -> bool:
    """Whether a quote or its headline (`texts`) can answer "what weapons did the US give the
    Kurds?": one names the kind asked (weapons), in any form of it. "... would give IS control
    of a long stretch of the country's northern border" tells of another giving, "what drugs
    do ISIS fighters take?" is not answered by air strikes on Aleppo, however much of the
    question their articles hold elsewhere."""
    asked = _ASKS_THING.match(query.text)
    if asked is None or is_long(query):
        return True
    kind = stem(asked.group(1).lower())
    if kind in _NAMED_KINDS:
        return True
    forms = {kind}.union(*(term.terms for term in query.terms if kind in term.terms))
    asked_forms = frozenset().union(*(term.terms for term in query.terms))
    return any(_names_a_kind(text, forms, asked_forms) for text in texts)


def _names_a_kind(text: str, forms: set[str], asked: frozenset[str]) -> bool:
    """Whether the text names which things of the kind (`forms`) it tells of: a word of it
    qualified by the word before ("59 Tomahawk cruise missiles", "heavy weapons", "nerve
    gas"), or followed by "including", "such as", "like". Not by a word of the question
    (`asked`), a function word or a count: "two of its tanks" for "what tanks does the
    Turkish army use?", "the aid convoy" or "UN aid" for "what aid did the UN send?" say
    nothing of which."""
    words = _WORDS.findall(text.lower())
    found = stems(words)
    for n, form in enumerate(found):
        if form not in forms:
            continue
        if n + 1 < len(words) and words[n + 1] in _LISTING:
            return True
        before = words[n - 1] if n else ""
        if (
            before
            and before not in STOP_WORDS
            and found[n - 1] not in asked
            and not holds_count(before)
        ):
            return True
    return False
