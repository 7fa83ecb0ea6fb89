"""What a chat asks of its digests, as people type it: times of day, topic words, time zones."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass

from babel import Locale

from storage.languages import normalize

# 8, 08:00, 8.30, 20.30, 8h, 8h30, 8am, 8:30pm, 8 a.m.
CLOCK = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{1,2})?)?\s*(?P<half>[ap]\.?m\.?)?$", re.IGNORECASE
)
# 0800, 0730: a newsroom's 24-hour clock. Only with a leading zero: 1800 or 2017 may be a year.
FOUR_DIGITS = re.compile(r"^0(?P<hour>\d)(?P<minute>[0-5]\d)$")
WORDS = {"noon": dt.time(12, 0), "midday": dt.time(12, 0), "midnight": dt.time(0, 0)}
# Anything a reader means as a time, valid or not: a topic word never looks like this. A
# signed number (-1, +3, -8am) is no topic either: it was the topic "-1".
TIME_LIKE = re.compile(
    r"^\d{1,2}(?:[:.h]\d*)?\s*(?:[ap]\.?m\.?)?$|^\d+[:.]\d+$"
    r"|^[+\-−]\d[\d:.h]*\s*(?:[ap]\.?m\.?)?$"
    # Three digits, or more than four, first (100, 830): a time mistyped, not the topic "100"
    # (four may be a year: "/subscribe 2017 raqqa" is about 2017).
    r"|^\d{3}$|^\d{5,}$",
    re.IGNORECASE,
)
# A word that can only be a time of day, wherever it stands: "8am", "8:30pm", "20:30", "8h30".
CLOCK_WORD = re.compile(r"^\d{1,2}(?:[:.h]\d{0,2})?[ap]\.?m\.?$|^\d{1,2}[:h]\d\d$", re.IGNORECASE)
# UTC+3, GMT-5, or the offset alone (+3: it was "not a time zone I know").
OFFSET = re.compile(r"^(?:utc|gmt)?\s*(?P<sign>[+\-−])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>00))?$")
AM_PM = {"am", "pm", "a.m.", "p.m.", "a.m", "p.m"}


@dataclass(frozen=True, slots=True)
class SubscribeRequest:
    """A parsed /subscribe: the time (None: the default) and the topic words."""

    at: dt.time | None
    topics: tuple[str, ...]


class InvalidTime(ValueError):
    """A word meant as a time of day that is not one; the message names it."""


def parse_clock(value: str) -> dt.time | None:
    """'8am', '8:30pm', '20.30', '8h', '08:00', '0800', 'noon' as a time of day; None if it
    is not one."""
    value = value.strip()
    if value.casefold() in WORDS:
        return WORDS[value.casefold()]
    four = FOUR_DIGITS.match(value)
    if four is not None:
        return dt.time(int(four.group("hour")), int(four.group("minute")))
    match = CLOCK.match(value)
    if match is None:
        return None
    hour, minute = int(match.group("hour")), int(match.group("minute") or 0)
    half = (match.group("half") or "").replace(".", "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def parse_subscribe(words: Sequence[str]) -> SubscribeRequest:
    """The words after /subscribe; raises InvalidTime for a time-like word that is no time."""
    words = _joined_halves(words)
    if words and (words[0].casefold() in WORDS or FOUR_DIGITS.match(words[0])):
        return SubscribeRequest(parse_clock(words[0]), tuple(words[1:]))
    if words and TIME_LIKE.match(words[0]):
        at = parse_clock(words[0])
        if at is None:
            raise InvalidTime(words[0])
        return SubscribeRequest(at, tuple(words[1:]))
    # The time typed after the topic ("/subscribe raqqa 8am", as one says it) was refused as
    # "a second time": with no time first, the one clock word (or "8 am") is the time.
    later = [i for i, word in enumerate(words) if CLOCK_WORD.match(word)]
    if len(later) == 1:
        at = parse_clock(words[later[0]])
        if at is None:
            raise InvalidTime(words[later[0]])
        return SubscribeRequest(at, tuple(words[: later[0]] + words[later[0] + 1 :]))
    return SubscribeRequest(None, tuple(words))


def _joined_halves(words: Sequence[str]) -> list[str]:
    """The words with "8 am" written as one ("8am"), first or after the topic words, and an
    "at" before a time left out ("/subscribe at 8am" was told "at" holds no word to look for)."""
    joined: list[str] = []
    for word in words:
        if joined and word.lower() in AM_PM and TIME_LIKE.match(joined[-1]):
            joined[-1] += word
        else:
            joined.append(word)
    kept: list[str] = []
    for at, word in enumerate(joined):
        following = joined[at + 1] if at + 1 < len(joined) else ""
        if word.casefold() == "at" and (
            TIME_LIKE.match(following) or following.casefold() in WORDS
        ):
            continue
        kept.append(word)
    return kept


def same_topics(a: str, b: str) -> bool:
    """Whether two subscriptions' topic words are the same words (case and order aside)."""
    return sorted(a.casefold().split()) == sorted(b.casefold().split())


@dataclass(frozen=True, slots=True)
class ZoneMatch:
    """The zone a name means, or the close matches when it is not clear."""

    zone: str | None
    suggestions: tuple[str, ...] = ()


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


_ETC_OFFSET = re.compile(r"Etc/GMT([+-])(\d{1,2})")


def zone_label(zone: str) -> str:
    """A zone as a reader names it: POSIX's `Etc/GMT-3` (three hours east) is UTC+3."""
    found = _ETC_OFFSET.fullmatch(zone)
    if found is not None:
        return f"UTC{'-' if found.group(1) == '+' else '+'}{int(found.group(2))}"
    return "UTC" if zone in ("Etc/GMT", "Etc/UTC", "Etc/Zulu", "GMT") else zone


# The languages whose names of the zones' cities (CLDR's, through Babel) /timezone knows
# besides the zones' own: the newsroom's, and its neighbours'.
CITY_NAME_LANGUAGES = ("en", "ru", "uk", "ar", "fa", "fr", "de", "es", "it", "tr")
# Russian letters as Latin writes them (BGN/PCGN, as news agencies spell Russian places):
# "Москва" is "Moskva", "Киев" "Kiev".
_RUSSIAN_LATIN = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэ", "abvgdeziyklmnoprstufye", strict=True)),
        "ё": "e",
        "ж": "zh",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ъ": "",
        "ь": "",
        "ю": "yu",
        "я": "ya",
        "і": "i",
        "ї": "yi",
        "є": "ye",
        "ґ": "g",
    }
)
# Capitals whose zone is named after another city of their country's (the tz database names
# a zone after its most populous city): a newsroom datelines them.
_CAPITALS = {
    "beijing": "Asia/Shanghai",
    "peking": "Asia/Shanghai",
    "pekin": "Asia/Shanghai",
    "new_delhi": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "washington": "America/New_York",
    "ottawa": "America/Toronto",
    "canberra": "Australia/Sydney",
    "abu_dhabi": "Asia/Dubai",
    "ankara": "Europe/Istanbul",
    "rabat": "Africa/Casablanca",
    "brasilia": "America/Sao_Paulo",
    "bern": "Europe/Zurich",
    "islamabad": "Asia/Karachi",
    "wellington": "Pacific/Auckland",
}


def _folded(name: str) -> str:
    """A city's name as looked up: accents, case, spaces and hyphens aside, Arabic-script
    spellings unified ("Téhéran", "tehran"; "تهران" with Arabic or Persian yeh)."""
    bare = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    return re.sub(r"[\s_'’-]+", "_", normalize("ar", bare).casefold()).strip("_")


@functools.cache
def _city_names() -> dict[str, tuple[str, ...]]:
    """Each zone's city as its name and CITY_NAME_LANGUAGES name it (Russian's and
    Ukrainian's also in Latin letters, "Moskva"), and the capitals that name no zone: folded
    name to zones."""
    zones = set(_zones())
    # The zones' own cities too, as folded ("Tehrān", "Sao Paulo" for "Sao_Paulo").
    found: dict[str, set[str]] = {}
    for zone in zones:
        if "/" in zone:
            found.setdefault(_folded(zone.rsplit("/", 1)[1]), set()).add(zone)
    for code in CITY_NAME_LANGUAGES:
        for zone, names in Locale.parse(code).time_zones.items():
            city = dict(names).get("city")
            if zone not in zones or not isinstance(city, str):
                continue
            spellings = {city}
            if code in ("ru", "uk"):
                spellings.add(city.lower().translate(_RUSSIAN_LATIN))
            for spelling in spellings:
                found.setdefault(_folded(spelling), set()).add(zone)
    for capital, zone in _CAPITALS.items():
        found.setdefault(capital, set()).add(zone)
    return {name: tuple(sorted(named)) for name, named in found.items() if name}


def find_timezone(name: str) -> ZoneMatch:
    """`Asia/Beirut` from 'Asia/Beirut', 'beirut', 'Beirut'; `Etc/GMT-3` from 'UTC+3'."""
    wanted = name.strip()
    if not wanted or len(wanted) > 64:
        return ZoneMatch(None)
    key = wanted.casefold().replace(" ", "_")
    zones = _zones()
    exact = [z for z in zones if z.casefold() == key]
    if exact:
        return ZoneMatch(exact[0])
    offset = OFFSET.match(key.replace("_", ""))
    if offset is not None:
        hours = int(offset.group("hours"))
        east = offset.group("sign") == "+"
        # POSIX-style Etc zones count the other way: UTC+3 is Etc/GMT-3.
        candidate = "Etc/GMT" if hours == 0 else f"Etc/GMT{'-' if east else '+'}{hours}"
        return ZoneMatch(candidate if candidate in zones else None)
    by_city = [z for z in zones if "/" in z and z.rsplit("/", 1)[1].casefold() == key]
    if len(by_city) == 1:
        return ZoneMatch(by_city[0])
    if by_city:
        return ZoneMatch(None, tuple(by_city[:5]))
    # A city's name in another language ("Moscou", "Москва", "مسکو") or in Latin letters
    # ("Moskva"): CLDR's names of the zones' cities. "Moskva" had no suggestion at all.
    named = _city_names().get(_folded(wanted), ())
    if len(named) == 1:
        return ZoneMatch(named[0])
    if named:
        return ZoneMatch(None, named[:5])
    cities = {z.rsplit("/", 1)[-1].casefold(): z for z in zones}
    # "Europe/Londn" is looked for by its city, as "Londn" is (it had no suggestion).
    city = key.rsplit("/", 1)[-1]
    close = difflib.get_close_matches(city, list(cities), n=3, cutoff=0.7)
    partial = [z for z in zones if key in z.casefold()] if len(key) >= 3 else []
    suggestions = list(dict.fromkeys([cities[c] for c in close] + partial))
    return ZoneMatch(None, tuple(suggestions[:5]))
