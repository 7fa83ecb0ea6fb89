"""The words page clutter is found by, shared by its rules: agencies, dates, datelines, the
span type.
"""

from __future__ import annotations

import re


def one_of(words: tuple[str, ...] | list[str]) -> str:
    """A regex of any of `words` as a tree of their letters, "A(?:FP|P)" for "AFP|AP": re tries
    the alternatives of a list one by one at each place, and a place after a line break tried
    forty in a list of names (the strings matched are the list's, in any order)."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        if word:
            by_first.setdefault(word[0], []).append(word[1:])
    parts = []
    for first, rests in sorted(by_first.items()):
        rest = one_of(rests)
        if not rest:
            parts.append(re.escape(first))
        elif "" in rests:
            parts.append(f"{re.escape(first)}(?:{rest})?")
        elif len({r[0] for r in rests}) > 1:
            parts.append(f"{re.escape(first)}(?:{rest})")
        else:
            parts.append(re.escape(first) + rest)
    return "|".join(parts)


MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
DATE = (
    rf"(?:\d{{1,2}}[-./]\d{{1,2}}[-./]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"\d{{1,2}}\s+{MONTH},?\s+\d{{4}}|{MONTH}\s+\d{{1,2}},?\s*\d{{4}})"
)
# Sputnik's share stub: "Get short URL 0 110", "Get short URL Topic Battle Against Daesh in
# Syria (180) 0 54" (its topic and counters; the lead follows).
SHORT_URL = r"get short url(?:\s+topic\s[^()]{0,80}\(\d+\))?(?:\s*\d+){0,3}"

AGENCIES = {
    "afp": "AFP",
    "reuters": "Reuters",
    "ap": "AP",
    "associated press": "AP",
    "dpa": "dpa",
    "xinhua": "Xinhua",
    "sputnik": "Sputnik",
    "tass": "TASS",
    "anadolu": "Anadolu",
    "aa": "Anadolu",
    "sana": "SANA",
    "upi": "UPI",
    "ians": "IANS",
    "pti": "PTI",
    # ... as Russian, Arabic and Persian outlets write them.
    "рейтер": "Reuters",
    "рейтерс": "Reuters",
    "франс пресс": "AFP",
    "тасс": "TASS",
    "риа новости": "RIA Novosti",
    "интерфакс": "Interfax",
    "прайм": "Prime",
    "синьхуа": "Xinhua",
    "رويترز": "Reuters",
    "فرانس برس": "AFP",
    "أ ف ب": "AFP",
    "سانا": "SANA",
    "الأناضول": "Anadolu",
    "رویترز": "Reuters",
    "ایرنا": "IRNA",
    "ایسنا": "ISNA",
}
AGENCY = (
    r"(?:AFP|Reuters|REUTERS|AP|Associated Press|dpa|DPA|Xinhua|Sputnik|TASS|Anadolu|AA|SANA|"
    r"UPI|IANS|PTI|Рейтерс|Рейтер|Франс Пресс|ТАСС|РИА Новости|Интерфакс|Синьхуа|رويترز|"
    r"فرانس برس|أ ف ب|سانا|الأناضول|رویترز|ایرنا|ایسنا)"
)
# An agency and date after the headline: "AFP Saturday 21 Jun 2014".
LEAD_AGENCY = re.compile(rf"\s*{AGENCY}\s+(?:{WEEKDAY}\s+)?{DATE}[\s.:-]*", re.IGNORECASE)
# An agency in brackets, with the place before it: "BEIRUT (Reuters) -", "MOSCOW (Sputnik)".
DATELINE = re.compile(rf"\(({AGENCY})\)\s*[-–—:]?\s*")

# "Reuters - " / "AFP -" at the start of a paragraph.
AGENCY_DASH = re.compile(rf"({AGENCY})\s+[-–—]\s+")
# What such a line starts with (a cheap test before the regex).
AGENCY_NAMES = tuple(AGENCY.removeprefix("(?:").removesuffix(")").split("|"))

# Russian agencies' own datelines, a place in capitals and a date before them: "МОСКВА, 5
# декабря. /ТАСС/. ", "ВАШИНГТОН, 5 декабря. /Корр. ТАСС Иван Лебедев/. ", "МОСКВА, 5 дек —
# РИА Новости. ".
RUSSIAN_DATELINE = re.compile(
    r"(?:^|(?<=\n))[А-ЯЁ][А-ЯЁ.-]*(?: [А-ЯЁ][А-ЯЁ.-]*){0,2}, \d{1,2} [а-яё]{3,9}\.?"
    r"(?: \d{4}\.?)?\s*(?:/(?:Корр\.\s+)?(ТАСС)[^/\n]{0,60}/|[—–-]\s*(РИА Новости|Прайм))\.?\s*"
)
# "- REUTERS" signing off at the end.
SIGN_OFF = re.compile(rf"\s[-–—]\s*({AGENCY})\s*$")

# A photo caption paragraph starts so.
CAPTION_STARTS = ("FILE PHOTO", "PHOTO", "IMAGE", "PICTURE", "Photo:", "Image:", "Photo credit")

# Words that open a sentence rather than end a headline ("... Near Al Tabqa Reports On
# Saturday reports emerged ...": the sentence starts at the last of them), or go on from a
# dateline ("DAMASCUS Syrian Foreign Minister ...", where capitals, an office and a name would
# be an acronym's: "UNICEF Director Alan Lane said"). One set for both: the dateline rule's
# own, written later above this one, had been shadowed by it from the start.
OPENERS = frozenset(
    ("The", "A", "An", "On", "In", "At", "According", "Earlier", "Last", "Late", "This",
     "Meanwhile", "However", "Since", "After", "During", "While", "Local", "It", "He", "She",
     "They", "We", "Some", "Many", "Several", "Syrian", "Turkish", "Russian", "Kurdish",
     "More", "Two", "Three")
)  # fmt: skip

# A caption is a line this long at most (an unbroken text ending with a credit is no caption).
MAX_CAPTION_CHARS = 600

Span = tuple[int, int]
# The kind of a span that is a photo caption or credit, or a link to another story (others
# have none).
PHOTO = "p"
