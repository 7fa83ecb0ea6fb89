"""Photo captions and credits, embedded videos, related stories' boxes and galleries."""

from __future__ import annotations

import re

from bot.articles.clutter.vocabulary import (
    AGENCY_DASH,
    AGENCY_NAMES,
    CAPTION_STARTS,
    MAX_CAPTION_CHARS,
    OPENERS,
    Span,
    one_of,
)

# A line caption_and_byline_lines looks at starts with one of these (after a line break, or
# the text's start).
_LINE_STARTS = (*CAPTION_STARTS, "By ", *AGENCY_NAMES)
_LINE_START = re.compile(f"\n(?:{one_of(_LINE_STARTS)})")

# A byline on its own line: "By Jane Smith, CNN".
_BYLINE = re.compile(r"By\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,4}(?:,\s*[\w ]{1,40})?$")
# A photo credit closing a caption paragraph, after the caption's last sentence: "... on
# Monday, Jan. 3, 2022. Nic Coury/AP", "Omar Torres/AFP/Getty Images", "NASA/ESA/CSA":
# capitalised words (and the particles of names) joined by "/", no full stop after them.
_CREDIT_WORD = r"(?:[A-Z0-9][\w.'’&-]*|via|van|der|de|von|da|del|di|la|le|al|el|bin|of|the|and)"
_CREDIT_TAIL = re.compile(
    rf"(?:^|(?<=[.!?\"”’)])[ \t]+)(?P<credit>{_CREDIT_WORD}(?:[ \t]*/[ \t]*{_CREDIT_WORD}|"
    rf"[ \t]+{_CREDIT_WORD}){{0,9}})(?<![.!?,;:])[ \t]*$",
    re.MULTILINE,
)
# A photo credit inside a paragraph, after its caption's last sentence and before the next
# sentence (scraped pages lose the caption's line breaks): "... Damascus August 21 2013.
# REUTERS/Bassam Khabieh We hope ...", "... on Saturday, October 1. Ricardo Arduengo/AFP/Getty
# Images President Joe Biden ...". Only credits naming a photo agency count ("HIV/AIDS" names
# none); the photographer's name after an agency in capitals is one or two words.
_PHOTO_AGENCIES = (
    "AFP|AP|Reuters|REUTERS|Getty Images|EPA|EPA-EFE|Sputnik|TASS|Pool|POOL|Abaca|Xinhua|"
    "Anadolu Agency|Anadolu|SANA|DPA|dpa|Picture Alliance|picture alliance|Shutterstock|"
    "Bloomberg|NurPhoto|SOPA Images|LightRocket|ZUMA Press|Redux|Alamy|Handout|File"
)
_PHOTO_CREDIT = (
    r"(?:REUTERS|AFP|AP|EPA|SANA)/(?:Stringer|Handout|Staff|Pool|File(?: Photo)?|"
    r"[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)(?:/(?:File(?: Photo)?|Handout|Pool))?"
    r"|(?:[A-Z][\w.'’-]*[ \t]){0,3}[A-Z][\w.'’-]*"
    # (other credits between: "Chang W. Lee/Pool/The New York Times/DPA/AP", "Hugo
    # Burnand/Royal Household 2023/AP")
    r"(?:[ \t]*/[ \t]*[A-Z0-9][\w.'’&-]*(?:[ \t][A-Z0-9][\w.'’&-]*){0,3})*"
    rf"[ \t]*/[ \t]*(?:{_PHOTO_AGENCIES})"
)
_CREDITED_AGENCIES = tuple(_PHOTO_AGENCIES.split("|"))
_CREDITING_AGENCIES = ("REUTERS", "AFP", "AP", "EPA", "SANA")
_INLINE_CREDIT = re.compile(
    rf"[.!?][\"”’)]?[ \t]+(?P<credit>{_PHOTO_CREDIT})(?=[ \t]+[\"“‘(]?[A-Z]|[ \t]*(?:\n|\Z))"
)
# ... and closing a line: a caption even without a full stop before it.
_AGENCY_TAIL = re.compile(rf"[ \t](?:{_PHOTO_CREDIT})[ \t]*$", re.MULTILINE)
# A paragraph with this many credits, one every so many characters at most, is a gallery.
GALLERY_CREDITS = 3
GALLERY_SPACING = 400
# ... and one opening a line, before its caption: "Jacquelyn Martin/AP Judge Ketanji Brown
# Jackson poses for a portrait in her office in Washington, DC, in February 2022."
_LINE_CREDIT = re.compile(rf"[ \t]*(?P<credit>{_PHOTO_CREDIT})(?=[ \t]+[\"“‘(]?[A-Z])")
# The end of the sentence before a caption (not an initial's or a "U.S." full stop).
_CAPTION_START = re.compile(r"(?<![A-Z])[.!?][\"”’)]?[ \t]+(?=[\"“‘(]?[A-Z])")
# ... and a gallery's caption closes with "Hide Caption 3 of 26".
_GALLERY = re.compile(r"Hide Caption \d+ of \d+[ \t]*$", re.MULTILINE)
_GALLERY_COUNT = re.compile(r"Hide Caption \d+ of \d+")
# A credit is at most this long.
MAX_CREDIT_CHARS = 100

# Sputnik's pages, flattened, keep a related story's box between sentences: the photo's
# credit with its slash lost, then that story's headline in title case, then the next
# sentence ("... the release said. REUTERS Rodi Said Battle for Raqqa Syrian Democratic
# Forces Liberate Another Village From Daesh Near al-Tabqa The coalition is probing ...").
# Agencies in capitals name no one in prose ("Reuters reported"): these open such a box.
_CAPS_CREDIT = re.compile(r"(?:(?<=[.!?\"”’)] )|^)REUTERS (?=[A-Z])", re.MULTILINE)
# The words of a headline in title case: capitalised ones, figures, "al-" names and the small
# words titles keep in lower case.
_TITLE_SMALL = (
    "a|an|the|of|to|for|in|on|at|from|by|with|as|and|or|vs|via|into|over|after|amid|near|"
    "against|its|is|are|be"
)
_TITLE_WORD = re.compile(rf"(?:[A-Z0-9][\w'’.,-]*|al-\w+|(?:{_TITLE_SMALL})\b)[ \t]*")

# A dateline in capitals ("MOSCOW (Sputnik)") ends the headline before it.
_CAPS_DATELINE = re.compile(r"[A-Z]{3,}[ \t]*\(")
# An embedded video's title between sentences ("... said. Battle rages near Aleppo Ali Mustafa
# reports - YouTube The Observatory said ..."), and a share prompt with its short link and the
# photo's credit ("Published July 27 2016 SEND httpsabahdai.ly912r3U DHA Photo A twin ...").
_VIDEO = re.compile(r" - YouTube(?: Watch On)?")

# An inline link to another story, its headline glued to the next sentence ("... much higher.
# Read also September deadliest month for Syrians in 2017 Raqqa has faced ..."): to the next
# full stop, as the headline's end cannot be told.
_READ_ALSO = re.compile(r"(?<=[.!?\"”] )Read also [^.!?\n]{1,300}[.!?]?")
# A related story's box before a dateline of Sputnik's: "... reported Saturday. Flickr U.S.
# Department of Defense At Least 10 Civilians Die ... Near Raqqa - Reports DAMASCUS (Sputnik)".
_AGENCY_DATELINE = re.compile(r"[A-Z]{3,}(?: [A-Z]{3,})? \((?:Sputnik|RIA Novosti)\)")
_BOX_WORD = re.compile(rf"[A-Z0-9]|(?:{_TITLE_SMALL}|-)$")


def caption_and_byline_lines(text: str, spans: list[Span]) -> list[Span]:
    """Whole paragraphs that are photo captions (returned) or bylines, and "AFP - " openings
    (added to `spans`); only the lines that start with one of _LINE_STARTS are looked at."""
    photos: list[Span] = []
    # No other line can be any of them: a regex that starts with a line break finds these (it
    # skips from break to break) in a third of the time of a loop over every line.
    starts = [0] if text.startswith(_LINE_STARTS) else []
    starts.extend(match.start() + 1 for match in _LINE_START.finditer(text))
    for start in starts:
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        line = text[start:end]
        if line.startswith(CAPTION_STARTS):
            photos.append((start, end))
        if line.startswith("By ") and _BYLINE.match(line):
            spans.append((start, end))
        elif line.startswith(AGENCY_NAMES):
            match = AGENCY_DASH.match(line)
            if match is not None:
                spans.append((start, start + match.end()))
    return photos


def credited_lines(text: str) -> list[Span]:
    """The lines that close with a photo credit ("... in San Jose. Nic Coury/AP") or a
    gallery's count: photo captions."""
    photos: list[Span] = []
    for mark, pattern in (("/", _CREDIT_TAIL), ("Hide Caption", _GALLERY)):
        at = text.find(mark)
        while at != -1:
            end = text.find("\n", at)
            end = len(text) if end == -1 else end
            # A credit closes its line: a mark further from the end is in a sentence...
            if end - at <= MAX_CREDIT_CHARS:
                start = text.rfind("\n", 0, at) + 1
                found = pattern.search(text, max(start, at - MAX_CREDIT_CHARS), end)
                if found is None and mark == "/":
                    # "... days before she tested positive for coronavirus Steve
                    # Parsons/AFP/Getty Images": no full stop before a photo agency's credit.
                    found = _AGENCY_TAIL.search(text, max(start, at - MAX_CREDIT_CHARS), end)
                if found is not None and end - start <= MAX_CAPTION_CHARS and mark in found[0]:
                    photos.append((start, end))
            elif mark == "Hide Caption":
                # ... but for a gallery flattened into one paragraph: "Photos: The life of
                # Queen Elizabeth II Queen Elizabeth II was ... Hide Caption 1 of 66 Photos: ...".
                start = text.rfind("\n", 0, at) + 1
                if text.startswith("Photos:", start):
                    last = _GALLERY_COUNT.match(text, text.rfind(mark, start, end))
                    photos.append((start, last.end() if last is not None else end))
            at = text.find(mark, end)
    return photos


# A photo credit on a line of its own, after the photo's caption (RT's pages, 2,084 in its
# 1,534 articles of the benchmark: "Лидер Кубинской революции Фидель Кастро, 21 апреля 1959
# года\n\ngloballookpress.com", quoted as the answer to "когда умер Фидель Кастро?"). Found
# from the line break before it, which `re` skips to.
_CREDIT_LINE = re.compile(
    r"\n[ \t]*(?:©[^\n]{1,80}|Reuters|REUTERS|AFP|AP|EPA|Getty Images|Sputnik|РИА Новости|ТАСС|"
    r"Global Look Press|globallookpress\.com|Gettyimages\.ru)[ \t]*(?=\n|\Z)"
)
# How a caption does not end: as a sentence.
_SENTENCE_CLOSE = (".", "!", "?", "…", "»", '"', "”", "؟")


def credit_lines(text: str) -> list[Span]:
    """Photo credits on lines of their own, each with the caption before it (a paragraph
    that ends as no sentence does)."""
    photos: list[Span] = []
    for credit in _CREDIT_LINE.finditer(text):
        start = credit.start() + 1
        photos.append((start, credit.end()))
        end = len(text[:start].rstrip())
        begin = text.rfind("\n", 0, end) + 1
        caption = text[begin:end]
        if caption and not caption.endswith(_SENTENCE_CLOSE) and end - begin <= MAX_CAPTION_CHARS:
            photos.append((begin, end))
    return photos


def inline_captions(text: str) -> list[Span]:
    """Photo captions inside a paragraph, each with the credit that closes it (see
    _INLINE_CREDIT); a caption is the sentence before the credit, after the last sentence end
    or the credit before it."""
    photos: list[Span] = []
    after = 0  # the end of the last credit found
    credits: list[int] = []  # where each credit ends
    at = text.find("/")
    while at != -1:
        # Most slashes are in links and dates: an agency after it, or one in capitals before
        # it, says it may be a credit (str methods, as a regex scan costs twice the time).
        if at >= after and (
            text.startswith(_CREDITED_AGENCIES, at + 1) or text.endswith(_CREDITING_AGENCIES, 0, at)
        ):
            found = None
            # (from the full stop closing the caption before, if that ends at `after`)
            for match in _INLINE_CREDIT.finditer(text, max(0, after - 1, at - 80), at + 120):
                if match.start("credit") <= at < match.end("credit"):
                    found = match
                    break
            if found is not None:
                photos.extend(
                    caption_before(text, found.start("credit"), found.end("credit"), after)
                )
                after = found.end("credit")
                credits.append(after)
            elif (caption := _caption_after(text, at)) is not None:
                photos.append(caption)
                after = caption[1]
                credits.append(after)
        at = text.find("/", at + 1)
    return photos + _galleries(text, credits) if len(credits) >= GALLERY_CREDITS else photos


def credit_boxes(text: str) -> list[Span]:
    """Related stories' boxes between sentences (_CAPS_CREDIT): the credit and the headline
    after it, up to the sentence that goes on with the story."""
    found: list[Span] = []
    for credit in _CAPS_CREDIT.finditer(text):
        words: list[re.Match[str]] = []
        at = credit.end()
        while (word := _TITLE_WORD.match(text, at)) is not None and at - credit.end() < 400:
            if _CAPS_DATELINE.match(text, at):
                break
            words.append(word)
            at = word.end()
        if at >= len(text) or text[at] == "\n" or _CAPS_DATELINE.match(text, at):
            found.append((credit.start(), at))
            continue
        # `at` is a word in lower case: the sentence it is in started at a capital before it.
        capitals = [w for w in words[-6:] if w.group()[0].isupper()]
        start = next(
            (w for w in reversed(capitals) if w.group().strip() in OPENERS),
            capitals[-1] if capitals else None,
        )
        if start is not None and start.start() > credit.end():
            found.append((credit.start(), start.start()))
    return found


def embeds(text: str) -> list[Span]:
    """Embedded videos' titles, "Read also" links and related stories' boxes before an agency's
    dateline, between a story's sentences (searched, never quoted)."""
    found: list[Span] = []
    if "YouTube" in text:
        for video in _VIDEO.finditer(text):
            found.extend(caption_before(text, video.start(), video.end(), 0))
    if "Read also " in text:
        found.extend(match.span() for match in _READ_ALSO.finditer(text))
    if "(Sputnik)" in text or "(RIA Novosti)" in text:
        for dateline in _AGENCY_DATELINE.finditer(text):
            for start, end in caption_before(text, dateline.start(), dateline.start(), 0):
                words = text[start:end].split()
                boxed = sum(_BOX_WORD.match(word) is not None for word in words)
                if len(words) >= 4 and boxed >= 0.8 * len(words):
                    found.append((start, end))
    return found


def _galleries(text: str, credits: list[int]) -> list[Span]:
    """Whole paragraphs of captions, each credited: a gallery flattened into one paragraph
    ("... on October 2. Andre Penner/AP Incumbent Brazilian President Jair Bolsonaro votes
    ..."), where credits stand before or after their captions and so no sentence of it is the
    story's. At least GALLERY_CREDITS credits, one every GALLERY_SPACING characters or less
    (an article flattened into one line has a caption or two in thousands of characters)."""
    found: list[Span] = []
    by_line: dict[int, int] = {}
    for end in credits:
        line = text.rfind("\n", 0, end) + 1
        by_line[line] = by_line.get(line, 0) + 1
    for line, count in by_line.items():
        end = text.find("\n", line)
        end = len(text) if end == -1 else end
        if count >= GALLERY_CREDITS and end - line <= count * GALLERY_SPACING:
            found.append((line, end))
    return found


def caption_before(text: str, credit: int, end: int, after: int) -> list[Span]:
    """The caption that the credit at text[credit:end] closes: from the last sentence end (or
    the credit before it, at `after`) to the credit's end; none when that is no sentence's
    length."""
    low = max(after, text.rfind("\n", 0, credit) + 1, credit - MAX_CAPTION_CHARS)
    start = low
    for boundary in _CAPTION_START.finditer(text, low, credit):
        if boundary.end() < credit:  # (not the caption's own end)
            start = boundary.end()
    if start < credit and credit - start < MAX_CAPTION_CHARS:
        return [(start, end)]
    return []


def _caption_after(text: str, at: int) -> Span | None:
    """A credit opening the line of the slash at `at`, with the sentence after it."""
    line = text.rfind("\n", 0, at) + 1
    found = _LINE_CREDIT.match(text, line) if at - line <= MAX_CREDIT_CHARS else None
    if found is None or found.end("credit") <= at:
        return None
    limit = min(len(text), found.end() + MAX_CAPTION_CHARS)
    boundary = _CAPTION_START.search(text, found.end(), limit)
    if boundary is not None:
        return found.start("credit"), boundary.start() + 1
    end = text.find("\n", found.end(), limit)
    if end == -1 and limit == len(text):
        end = limit
    return (found.start("credit"), end) if end != -1 else None
