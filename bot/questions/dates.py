"""Dates written in a question ("2016-06-14", "in May 2016", "yesterday", "last week").

They are taken out of the words searched and rank the articles of those days first. A bare
year ("the 2014 world cup") stays a word: it names an event as often as a time, except in a
request for the news ("news from 2017": `find_year`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number].lower(), calendar.month_abbr[number].lower())
}
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)\b")
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?:on\s+)?(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b(?:on\s+)?{_MONTH}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_MONTH_YEAR = re.compile(rf"\b(?:in\s+)?{_MONTH},?\s+(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:(?:in|from|of)\s+)?(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?P<which>yesterday|today|last\s+week|last\s+month)\b", re.IGNORECASE)


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
        if days is None:
            continue
        rest = f"{question[: match.start()]} {question[match.end() :]}"
        return DatedQuestion(" ".join(rest.split()), days)
    return DatedQuestion(question, None)


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
        return _relative(" ".join(which.lower().split()), asked_on)
    year = int(found["year"])
    month_text = found["month"]
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower().rstrip(".")]
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
