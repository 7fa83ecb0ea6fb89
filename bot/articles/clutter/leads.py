"""What a page prints before the lead: a date, an outlet's line, a dateline in capitals, the
headline again.
"""

from __future__ import annotations

import re

from bot.articles.clutter.headlines import headline_at
from bot.articles.clutter.vocabulary import (
    AGENCIES,
    DATE,
    LEAD_AGENCY,
    MONTH,
    OPENERS,
    SHORT_URL,
    WEEKDAY,
)

# A dateline at the start: "Date of publication 7 July 2016", "Wed 05 Apr 2017 at 0914",
# "01.10.2017Get short URL 4016", "28.05.2017(updated 1549 28.05.2017)".
_LEAD_DATE = re.compile(
    rf"\s*(?:(?:date of publication|published(?: on)?|updated|last updated|posted)"
    rf"(?:\s+at)?\s*:?\s*)?"
    rf"(?:{WEEKDAY}\s+)?{DATE}"
    r"(?:\s*\(updated[^)]{0,40}\))?"
    r"(?:\s*(?:at\s+)?\d{1,2}:?\d{2}(?:\s*(?:(?:gmt|utc)(?:\s*[+−-]\d{1,2}(?::?\d\d)?)?|am|pm))?\b)?"
    rf"(?:\s*{SHORT_URL})?(?:\s*video\b)?[\s.:|-]*",
    re.IGNORECASE,
)

# An outlet's dateline opening the lead: "(CNN) The US...", "New York (CNN Business) Tati...",
# "(TRT World and Agencies) Two...", "DAMASCUS Syria (The Associated Press Albert Aji) Syrian..."
# (a place of a few capitalised words, the outlet in brackets, a capital after; "Asbury
# Park (N.J.) Press" is a newspaper's name).
# The place may be followed by the day, as wire datelines write it: "MOSUL, Iraq, Dec 5
# (Reuters) -", "..., December 5, 2026 (Reuters)", "..., 2026-12-05 (AFP)" (its place alone was
# taken, and "Iraq, Dec 5" opened the digest's lead).
_DATELINE_DAY = (
    rf"(?:(?i:{MONTH})\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+(?i:{MONTH})(?:,?\s+\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2}),?\s+"
)
_LEAD_OUTLET = re.compile(
    r"\s*((?:[A-Z][\w.'-]*,?\s+){0,4})(?:" + _DATELINE_DAY + r")?"
    r"\(([A-Z][\w&'-]*(?:\s+(?:and\s+)?[A-Z][\w&'-]*){0,4})\)"
    r"\s*[-–—]*\s*(?=[\"“‘']?[A-Z0-9])"
)
# A bare dateline opening the lead, its brackets and dashes lost in scraping: a place in
# capitals, maybe its country ("BEIRUT Syrian government forces...", "KHAN SHEIKHUN Syria A
# suspected chemical attack...", "AMMAN Nearly 50 air strikes..."), an agency ("AFP Eleven
# children...", "SANA Members of ISIS...") or a page's label ("UPDATED"). Capitals the text
# writes again are an acronym, its subject ("ISIL Kills over 50..."), unless an agency's.
_CAPS_RUN = r"[ \t]*([A-Z][A-Z'’-]*[A-Z](?:[ \t]+[A-Z][A-Z'’-]*[A-Z]){0,2})"
# ... with a dash after it and maybe its state or country: "WASHINGTON — ", "ROCHESTER, N.Y. — "
_LEAD_CAPS_DASHED = re.compile(
    _CAPS_RUN + r"(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?)?[ \t]*(?:--|[-–—−―‒])[ \t]+"
    r"(?=[\"“‘']?[A-Z0-9])"
)
# ... or without: a sentence opening after it ("BEIRUT Syrian...", "JISREEN Syria At least").
_LEAD_CAPS = re.compile(
    _CAPS_RUN + r"(?:,?[ \t]+[A-Z][a-z]+(?=[ \t]+(?:A|An|At|The|In|On|Some|More|Two|Three|\d)\b))?"
    r",?[ \t]+(?=[\"“‘']?(?:[A-Z][a-z]|A\b|\d))"
)
# A place's letters at least (shorter capitals are acronyms: "UN", "SDF", "YPG").
MIN_DATELINE_PLACE = 4
_PAGE_LABELS = frozenset({"UPDATED", "BREAKING", "EXCLUSIVE", "WATCH"})
# A title and a name after capitals: an acronym's office ("UNICEF Director Alan Lane said",
# "NATO Secretary General Jens..."), where a dateline's sentence goes on in small letters.
_TITLE_AND_NAME = re.compile(r"[A-Z][\w-]*\s+[A-Z]")

# ... and on a line of its own, with the place before it: "Moscow and Kyiv, Ukraine CNN —",
# "New York CNN Business —" (an outlet in capitals, then a dash ending the line).
MAX_OUTLET_LINE_CHARS = 100
_DASHES = ("-", "–", "—")
_LEAD_OUTLET_LINE = re.compile(
    r"[^\n]{0,80}?\b[A-Z]{2,}(?: [A-Z][a-z]+)?[ \t]*[-–—][ \t]*(?=\n|\Z)"
)


def lead_end(title: str, text: str) -> int:
    """Where the opening dateline, headline repeat and agency line end (0: none)."""
    position = 0
    while True:
        start = position
        for pattern in (_LEAD_DATE, LEAD_AGENCY):
            match = pattern.match(text, position)
            if match is not None and match.end() > position:
                position = match.end()
        position = _outlet_line_end(text, position)
        outlet = _LEAD_OUTLET.match(text, position)
        if outlet is not None and not _initials(outlet.group(1), outlet.group(2)):
            position = outlet.end()
        headline = headline_at(title, text, position)
        position = headline[1] if headline is not None else _caps_dateline_end(text, position)
        if position == start:
            return position


def _caps_dateline_end(text: str, position: int) -> int:
    """Past a bare dateline in capitals at `position` ("BEIRUT ", "AFP "), else `position`."""
    match = _LEAD_CAPS_DASHED.match(text, position)
    dashed = match is not None
    if match is None:
        match = _LEAD_CAPS.match(text, position)
        if match is None:
            return position
    caps = match.group(1)
    after = match.end()
    title_and_name = not dashed and _TITLE_AND_NAME.match(text, after) is not None
    if title_and_name and text[after:].split(None, 1)[0] not in OPENERS:
        return position
    if caps in _PAGE_LABELS or caps.lower() in AGENCIES:
        return after
    if sum(map(str.isalpha, caps)) < MIN_DATELINE_PLACE:
        return position
    # Written again in capitals, it is what the story is about.
    return position if any(_written_again(text, word, after) for word in caps.split()) else after


def _written_again(text: str, word: str, start: int) -> bool:
    """Whether `word` stands in `text` after `start` as a word of its own."""
    at = text.find(word, start)
    while at != -1:
        end = at + len(word)
        if not (at and text[at - 1].isalnum()) and not (end < len(text) and text[end].isalnum()):
            return True
        at = text.find(word, end)
    return False


def _outlet_line_end(text: str, position: int) -> int:
    """Past a dateline line at `position` ("Moscow and Kyiv, Ukraine CNN —"), else `position`."""
    end = text.find("\n", position, position + MAX_OUTLET_LINE_CHARS)
    if end == -1:
        end = len(text)
    if end - position > MAX_OUTLET_LINE_CHARS or not text[position:end].rstrip().endswith(_DASHES):
        return position  # (the regex alone tried every length of the line)
    match = _LEAD_OUTLET_LINE.match(text, position)
    return match.end() if match is not None else position


def _initials(words: str, bracket: str) -> bool:
    """Whether the bracket spells the words before it ("Islamic State (IS)"): no outlet."""
    letters = "".join(w[0] for w in words.split()).upper()
    return len(bracket) > 1 and bracket.isupper() and letters.endswith(bracket)
