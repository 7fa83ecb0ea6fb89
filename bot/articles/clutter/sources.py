"""The agency or outlet an article names: its dateline's agency, else its credit's."""

from __future__ import annotations

import re

from bot.articles.clutter.vocabulary import (
    AGENCIES,
    AGENCY_DASH,
    AGENCY_NAMES,
    CAPTION_STARTS,
    DATELINE,
    LEAD_AGENCY,
    RUSSIAN_DATELINE,
    SIGN_OFF,
    one_of,
)

# An agency named at a line's start, in any case, after white space: where a line of
# `agency` can match AGENCY_DASH or LEAD_AGENCY (one search instead of two tries a line).
_LINE_AGENCY = re.compile(rf"\n[^\S\n]*(?i:{one_of(AGENCY_NAMES)})")
_FIRST_LINE_AGENCY = re.compile(rf"[^\S\n]*(?i:{one_of(AGENCY_NAMES)})")

_SOURCE_MARK = re.compile(r"\((?:source|via)\s*:\s*([^()\n]{1,80}?)\s*\)", re.IGNORECASE)


def agency(text: str) -> str | None:
    """The news agency the text's dateline names ("BEIRUT (Reuters) -", "AFP -", "- REUTERS")."""
    head = text[:2_000]
    match = DATELINE.search(head)
    if match is not None:
        return _agency_name(match.group(1))
    # The dateline's pattern can start at any line, so re tries it at every character: only
    # where one of its agencies is named (7% of a parse without the test).
    match = RUSSIAN_DATELINE.search(head) if names_russian_agency(head) else None
    if match is not None:
        return _agency_name(match.group(1) or match.group(2))
    if _FIRST_LINE_AGENCY.match(head) is not None or _LINE_AGENCY.search(head) is not None:
        for line in head.split("\n"):
            if not line:  # half the lines of a parsed text (blank lines part its paragraphs)
                continue
            # "AFP - " is matched case for case: only a line that starts with a name can be one.
            match = AGENCY_DASH.match(line) if line.startswith(AGENCY_NAMES) else None
            match = match or LEAD_AGENCY.match(line)
            if match is not None:
                return _agency_name(match.group().split()[0])
    sign_off = SIGN_OFF.search(text, max(0, len(text) - 40))
    return _agency_name(sign_off.group(1)) if sign_off is not None else None


def names_russian_agency(text: str) -> bool:
    return "ТАСС" in text or "РИА" in text or "Прайм" in text


def article_source(text: str) -> str | None:
    """The outlet or agency a text names as its own: its dateline's agency, else a
    "(Source: X)" outside photo captions (there it credits the photo), else None."""
    found = agency(text)
    # A mark in a line is one in the text: most texts have none, and one search says so.
    if found is not None or _SOURCE_MARK.search(text) is None:
        return found
    for line in text.split("\n"):
        if line.startswith(CAPTION_STARTS) or "(" not in line:
            continue
        match = _SOURCE_MARK.search(line)
        if match is not None:
            return match.group(1).strip()
    return None


def _agency_name(found: str) -> str:
    return AGENCIES.get(found.lower(), found)
