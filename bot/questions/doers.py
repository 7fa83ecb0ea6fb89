"""Whether a quote says who did the deed a "who killed X?" question asks about.

A quote may tell the deed in the question's own verb and still leave the doer out: in the
passive without "by" ("the helicopter was shot down over Idlib"), after a relative pronoun
standing for someone unnamed ("the criminals who killed the US journalist James Foley"), or
as a noun or an adjective ("the besieged town of Madaya", "a shelling of ... Damascus"). Such
a quote tells that the deed happened, which the asker knows, not who did it.
"""

from __future__ import annotations

import re

from bot.questions.abstention import asks_the_holder, is_long
from bot.questions.analysis import Query, stems

_WORDS = re.compile(r"\w+")
# "who killed/shot down/negotiated X?": the verb after "who", not an auxiliary ("who is the
# leader ...", "who will plead ...": those ask otherwise); "which groups besieged X?", "which
# country hosts X?": after the kind of doer asked.
_ASKS_DOER = re.compile(r"(?:who|(?:which|what) (\w+)) (\w+)\b", re.IGNORECASE)
# Kinds of doer named by a name: "which country hosts most Syrian refugees?" is answered by
# "Turkey hosts ...", not by "The camp reportedly hosted many refugees".
_NAMED_KINDS = frozenset(
    stems(["country", "countries", "city", "state", "nation", "government", "team", "company"])
)
# Words between a subject and its verb: "Turkey now hosts", "Lebanon has long hosted" (and
# any word in -ly: "reportedly").
_ADVERBS = frozenset({"now", "also", "still", "already", "long", "currently", "alone", "even"})
# Words before a verb's participle that make it a noun or an adjective ("the besieged town",
# "a shelling of", "the targeting of"), whose doer follows "by" if it is named.
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "its", "their"})
_AUXILIARY_WORDS = (
    "is are was were be been am will would shall should has have had do does did can could "
    "may might must"
)
_AUXILIARIES = frozenset(_AUXILIARY_WORDS.split())
# Words just before a verb that make it a passive, whose doer follows "by" if it is named.
_PASSIVE_WORDS = "is are was were be been being get gets got getting"
_PASSIVE = frozenset(_PASSIVE_WORDS.split())
# ... and the pronouns of a relative clause: its doer is the word before them.
_RELATIVE = frozenset({"who", "that", "which"})
# How far (in words) "by" may follow a passive verb ("was shot down over Idlib by ...").
BY_REACH = 8
# How far (in words, either side) a use of the verb stands from another word of the question
# for it to tell this deed ("Assads warplanes have killed thousands" is another killing).
DEED_REACH = 5


def names_the_doer(query: Query, quote: str) -> bool:
    """Whether the quote can answer "who <did> X?": where it writes the question's verb next
    to another of its words, one such use names a doer: a subject before it, "by" after a
    passive, a name before "who"; where it writes the verb only further from them, any use
    does ("who shelled Damascus?" is not answered by "A shelling of the central
    neighborhoods of Damascus left six people dead"). A quote without the verb tells the
    deed in other words ("Alcaraz wins ..." for "who won ...?") and is not judged here."""
    asked = _ASKS_DOER.match(query.text)
    if asked is None or is_long(query) or asked.group(2).lower() in _AUXILIARIES:
        return True
    if asks_the_holder(query):
        # "who heads X?" is answered by "the head of X ...", the role's noun (`names_the_role`).
        return True
    kind = asked.group(1)
    if kind is not None and kind.lower() in _AUXILIARIES:
        return True  # "what did Russia say ...?" asks what, not who
    named = kind is not None and stems([kind.lower()])[0] in _NAMED_KINDS
    tokens = _WORDS.findall(quote)
    lowered = [token.lower() for token in tokens]
    forms = stems(lowered)
    verb = stems([asked.group(2).lower()])[0]
    others = frozenset().union(*(term.terms for term in query.terms)) - {verb}
    near = [n for n, form in enumerate(forms) if form in others]
    written = [n for n, form in enumerate(forms) if form == verb]
    uses = [n for n in written if any(abs(n - m) <= DEED_REACH for m in near)]
    # The deed written only further from the question's words may still be this one ("A
    # shelling of the central neighborhoods of Damascus ..."): a quote naming no doer at any
    # use of it tells none.
    return not written or any(_with_doer(tokens, lowered, n, named) for n in uses or written)


def _with_doer(tokens: list[str], lowered: list[str], n: int, named: bool = False) -> bool:
    """Whether the verb at `n` names who did it (`named`: by a name, as a country is)."""
    before = lowered[n - 1] if n else ""
    if before in _RELATIVE:
        # "Mohammed Emwazi, who killed ..." names him; "the criminals who killed ..." not.
        return n >= 2 and tokens[n - 2][:1].isupper()
    as_noun = before in _DETERMINERS and lowered[n].endswith(("ed", "ing"))
    if before in _PASSIVE or (n >= 2 and lowered[n - 2] in _PASSIVE) or as_noun:
        return "by" in lowered[n + 1 : n + 1 + BY_REACH]
    if named:
        # The subject before it, past adverbs and auxiliaries ("Lebanon has long hosted").
        at = n - 1
        while at >= 0 and (
            lowered[at].endswith("ly") or lowered[at] in _AUXILIARIES or lowered[at] in _ADVERBS
        ):
            at -= 1
        return at >= 0 and tokens[at][:1].isupper()
    return n > 0
