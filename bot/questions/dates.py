"""Dates written in a question ("2016-06-14", "in May 2016", "yesterday", "last week"), in
English and in the other languages the bot replies in ("в мае 2016", "hier", "أمس").

They are taken out of the words searched and rank the articles of those days first. A bare
year ("the 2014 world cup") stays a word: it names an event as often as a time, except in a
request for the news ("news from 2017": `find_year`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from bot.questions.lexicon import writes_far_more

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}
_MONTHS["sept"] = 9
# English's names and short forms, longest first (a day of a month is no count: abstention).
ENGLISH_MONTHS = tuple(sorted(_MONTHS, key=len, reverse=True))
# The months in the other languages the bot replies in (and Persian's Gregorian ones), as
# news writes them: Russian in the forms "май", "мая", "в мае"; Arabic in both the Egyptian
# and the Levantine names, with and without hamza; accents or not in French.
_OTHER_MONTHS = (
    "январь января январе janvier يناير كانون_الثاني ژانویه",
    "февраль февраля феврале février fevrier فبراير شباط فوریه",
    "март марта марте mars مارس آذار اذار",
    "апрель апреля апреле avril أبريل ابريل إبريل نيسان آوریل",
    "май мая мае mai مايو أيار ايار",
    "июнь июня июне juin يونيو يونيه حزيران ژوئن",
    "июль июля июле juillet يوليو يوليه تموز ژوئیه ژوییه",
    "август августа августе août aout أغسطس اغسطس آب اوت",
    "сентябрь сентября сентябре septembre سبتمبر أيلول ايلول سپتامبر",
    "октябрь октября октябре octobre أكتوبر اكتوبر تشرين_الأول تشرين_الاول اکتبر",
    "ноябрь ноября ноябре novembre نوفمبر تشرين_الثاني نوامبر",
    "декабрь декабря декабре décembre decembre ديسمبر كانون_الأول كانون_الاول دسامبر",
)
for _number, _names in enumerate(_OTHER_MONTHS, start=1):
    _MONTHS.update((name.replace("_", " "), _number) for name in _names.split())
# French months are words of their own in lower case only: "Mars 2020" is a rover, "Mai" a
# name; "mars 2020" and "en mai 2016" are months.
_LOWER_ONLY = frozenset({"mars", "mai"})


def _month_pattern() -> str:
    names = sorted(_MONTHS, key=len, reverse=True)
    return "|".join(
        f"(?-i:{name})" if name in _LOWER_ONLY else re.escape(name).replace(r"\ ", r"\s+")
        for name in names
    )


_MONTH = r"(?P<month>" + _month_pattern() + r")\.?"
# What may open a date ("on 14 June", "le 14 juin", "в мае", "في مايو") and close a year
# ("2016 года", "2016 г."): taken out of the question with it.
_ON = r"(?:(?:on|in|le|du|en|в|во|في)\s+)?"
_YEAR_END = r"(?:\s+(?:года|г\.))?"
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)\b")
_DAY_MONTH_YEAR = re.compile(
    rf"\b{_ON}(?P<day>[0-3]?\d)(?:st|nd|rd|th|er)?\s+{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b{_YEAR_END}",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b{_ON}{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(
    rf"\b{_ON}{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b{_YEAR_END}", re.IGNORECASE
)
_YEAR = re.compile(r"\b(?:(?:in|from|of)\s+)?(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)
# Days relative to the asking day, in the languages the bot replies in and Persian. Not
# Arabic "اليوم", which is as often "the day" ("اليوم الأول من الحرب") as today.
_RELATIVES = {
    "yesterday": "yesterday",
    "вчера": "yesterday",
    "вчерашн": "yesterday",
    "hier": "yesterday",
    "أمس": "yesterday",
    "امس": "yesterday",
    "الأمس": "yesterday",
    "الامس": "yesterday",
    "دیروز": "yesterday",
    "today": "today",
    "сегодня": "today",
    "сегодняшн": "today",
    "aujourd'hui": "today",
    "aujourd’hui": "today",
    "امروز": "today",
    "last week": "last week",
    "на прошлой неделе": "last week",
    "прошлой недели": "last week",
    "за прошлую неделю": "last week",
    "la semaine dernière": "last week",
    "la semaine passée": "last week",
    "الأسبوع الماضي": "last week",
    "الاسبوع الماضي": "last week",
    "هفته گذشته": "last week",
    "هفته\u200cی گذشته": "last week",
    "هفته پیش": "last week",
    "last month": "last month",
    "в прошлом месяце": "last month",
    "прошлого месяца": "last month",
    "за прошлый месяц": "last month",
    "le mois dernier": "last month",
    "le mois passé": "last month",
    "الشهر الماضي": "last month",
    "ماه گذشته": "last month",
    "ماه پیش": "last month",
}
# Russian adjectives take any ending ("вчерашние новости", "сегодняшней").
_ADJECTIVES = ("вчерашн", "сегодняшн")
_RELATIVE = re.compile(
    r"\b(?P<which>"
    + "|".join(
        re.escape(words).replace(r"\ ", r"\s+") + (r"\w*" if words in _ADJECTIVES else "")
        for words in sorted(_RELATIVES, key=len, reverse=True)
    )
    + r")(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateRange:
    """The days a question asks about, first and last included."""

    first: dt.date
    last: dt.date

    def __str__(self) -> str:
        """ "2017-07-04", or "2017-07-01 – 2017-07-31" for several days."""
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()} – {self.last.isoformat()}"


@dataclass(frozen=True, slots=True)
class DatedQuestion:
    """A question without its dates, and the days they name (None: no date)."""

    text: str
    days: DateRange | None


def find_dates(question: str, asked_on: dt.date) -> DatedQuestion:
    """Take the first date written in the question out of it; relative ones count from
    `asked_on`."""
    for pattern in (_ISO, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _MONTH_YEAR, _RELATIVE):
        match = pattern.search(question)
        if match is None:
            continue
        days = _days(match, asked_on)
        if days is None or _german_here(match, question):
            continue
        rest = f"{question[: match.start()]} {question[match.end() :]}"
        return DatedQuestion(" ".join(rest.split()), days)
    return DatedQuestion(question, None)


def _german_here(match: re.Match[str], question: str) -> bool:
    """Whether French "hier" (yesterday) is German "hier" (here): the question holds another
    word German writes far more often than French ("Was passiert hier in Berlin?"). Short
    questions are too often misread by a language detector for it to decide ("Idleb hier")."""
    if match.group().lower() != "hier":
        return False
    words = re.findall(r"[^\W\d_]+", question.lower())
    return any(word != "hier" and writes_far_more(word, "de", "fr") for word in words)


def find_year(question: str) -> DatedQuestion:
    """Take a bare year ("from 2017") out of the question as that year's days."""
    match = _YEAR.search(question)
    if match is None:
        return DatedQuestion(question, None)
    year = int(match.group("year"))
    rest = f"{question[: match.start()]} {question[match.end() :]}"
    return DatedQuestion(
        " ".join(rest.split()), DateRange(dt.date(year, 1, 1), dt.date(year, 12, 31))
    )


def _days(match: re.Match[str], asked_on: dt.date) -> DateRange | None:
    found = match.groupdict()
    which = found.get("which")
    if which is not None:
        words = " ".join(which.lower().split())
        kind = _RELATIVES.get(words) or next(
            _RELATIVES[a] for a in _ADJECTIVES if words.startswith(a)
        )
        return _relative(kind, asked_on)
    year = int(found["year"])
    month_text = found["month"]
    month = (
        int(month_text)
        if month_text.isdigit()
        else _MONTHS[" ".join(month_text.lower().rstrip(".").split())]
    )
    if not 1 <= month <= 12:
        return None
    day_text = found.get("day")
    if day_text is None:
        last = calendar.monthrange(year, month)[1]
        return DateRange(dt.date(year, month, 1), dt.date(year, month, last))
    try:
        day = dt.date(year, month, int(day_text))
    except ValueError:
        return None
    return DateRange(day, day)


def _relative(which: str, asked_on: dt.date) -> DateRange:
    if which == "today":
        return DateRange(asked_on, asked_on)
    if which == "yesterday":
        day = asked_on - dt.timedelta(days=1)
        return DateRange(day, day)
    if which == "last week":
        monday = asked_on - dt.timedelta(days=asked_on.weekday() + 7)
        return DateRange(monday, monday + dt.timedelta(days=6))
    end = asked_on.replace(day=1) - dt.timedelta(days=1)
    return DateRange(end.replace(day=1), end)
