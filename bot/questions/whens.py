"""Whether a quote says when the event a "when did X happen?" question asks about happened.

A quote may hold a time and still not tell when the event asked about happened: it tells the
event as one yet to come ("Syrian rebels launched a major assault Friday ... The assault "will
end the regime occupation ..."" for "when did the siege of Aleppo end?"; "... said on Sunday
it was now time ... to "get to the table and start talking ..." in Geneva" for "when did the
Geneva talks start?").
"""

from __future__ import annotations

import re

from bot.questions.abstention import is_long
from bot.questions.analysis import STOP_WORDS, WORD_RE, Query, stems
from bot.questions.inflections import other_forms
from bot.questions.sentences import holds_time

_WORDS = re.compile(r"\w+")
# "when did the siege of Aleppo end?": the words after the auxiliary, whose last word of
# small letters is the event ("end"), after its subject ("the siege of Aleppo").
_ASKS_WHEN = re.compile(
    r"when (?:did|does|do|will|was|were|is|are|has|have|had) (.+)", re.IGNORECASE
)
# Words before a verb that make its deed one yet to come, or wished ("will end", "to start",
# "could not end").
_NOT_YET_WORDS = "will would could may might should must can shall to"
_NOT_YET = frozenset(_NOT_YET_WORDS.split())
# How far (in words) before a verb those stand: "will not end".
NOT_YET_REACH = 2
# ... and how far before "and"/"or" joining the verb to one they stand before: "to "get to
# the table and start talking"".
JOINED_REACH = 5
_JOINING = frozenset({"and", "or"})


def times_the_event(query: Query, quote: str, title: str) -> bool:
    """Whether the quote, with its headline, can answer "when": one names a time (a year, a
    month, a day); for a chat question asking when an event happened, the quote does not tell
    it only as one yet to come (`_event_word` after "will" or "to")."""
    if not (holds_time(quote) or holds_time(title)):
        return False
    asked = _ASKS_WHEN.match(query.text)
    if asked is None or is_long(query):
        return True
    event = _event_word(asked.group(1))
    return event is None or not _only_to_come(quote, event)


def _event_word(asked: str) -> str | None:
    """The last word of small letters that counts in what follows "when did": the event's
    verb ("end", "start", "recaptured"), or the noun that names it ("attack")."""
    words = [
        word
        for word in WORD_RE.findall(asked)
        if word[:1].islower() and word.lower() not in STOP_WORDS
    ]
    return words[-1].lower() if words else None


def _only_to_come(text: str, event: str) -> bool:
    """Whether the text holds the event's word, each time after a word making it one yet to
    come ("will end")."""
    forms = frozenset(stems([event, *other_forms(event)]))
    words = [word.lower() for word in _WORDS.findall(text)]
    uses = [n for n, form in enumerate(stems(words)) if form in forms]
    return bool(uses) and all(_to_come(words, n) for n in uses)


def _to_come(words: list[str], n: int) -> bool:
    """Whether the verb at `n` follows a word making it one yet to come, itself or through
    the verb it is joined to by "and"."""
    if n and words[n - 1] in _JOINING:
        return not _NOT_YET.isdisjoint(words[max(n - 1 - JOINED_REACH, 0) : n - 1])
    return not _NOT_YET.isdisjoint(words[max(n - NOT_YET_REACH, 0) : n])
