"""A text's page clutter as spans (`clutter_spans`), stored encoded with the article, and the
text without it.
"""

from __future__ import annotations

import re

from bot.articles.clutter.captions import (
    caption_and_byline_lines,
    caption_before,
    credit_boxes,
    credit_lines,
    credited_lines,
    embeds,
    inline_captions,
)
from bot.articles.clutter.headlines import headline_at
from bot.articles.clutter.leads import lead_end
from bot.articles.clutter.links import see_also, story_links
from bot.articles.clutter.marks import marked_somewhere, marked_spans, print_bar
from bot.articles.clutter.sources import names_russian_agency
from bot.articles.clutter.vocabulary import (
    AGENCY,
    DATELINE,
    MONTH,
    PHOTO,
    RUSSIAN_DATELINE,
    SIGN_OFF,
    Span,
    one_of,
)

_PLACE_BEFORE = re.compile(r"(?:[A-Z][A-Z.'-]+[ ,]+){1,3}$")
# In scripts other than Latin (some without capitals), a line's first few words, a date among
# them, before an agency and a dash: "Бейрут (Рейтер) -", "МОСКВА, 4 июля (Рейтер) -",
# "بيروت (رويترز) -" (without the dash they are a sentence's subject: "the official agency
# (SANA) reported").
_LINE_PLACE_BEFORE = re.compile(
    r"(?:^|(?<=\n))\s*[^\W\d_a-zA-Z][\w.'-]*(?:[ ,]+[\w.'-]+){0,3}[ ,]+$"
)
_DASHED = re.compile(r"\)\s*[-–—]")

# A dateline with its byline in the brackets, after the lead a page printed once before the
# story: '... "as their last card." DAMASCUS Syria (The Associated Press Albert Aji) Syrian
# state media accused...'.
_BYLINED = re.compile(
    rf"\((?:The\s+)?(?:{one_of(AGENCY.removeprefix('(?:').removesuffix(')').split('|'))})"
    r"\s[^()\n]{1,50}\)\s*[-–—:]?\s*"
)
BYLINED_WITHIN = 3_000
_PLACE_AND_COUNTRY_BEFORE = re.compile(r"(?:[A-Z][A-Z.'-]+[ ,]+){1,3}(?:[A-Z][a-z]+[ ,]+)?$")

# ... and an outlet in brackets opening a later paragraph, nothing before it on its line.
_PARAGRAPH_OUTLET = re.compile(
    r"\n\([A-Z][\w&'-]*(?:[ \t]+[A-Z][\w&'-]*){0,2}\)[ \t]*[-–—]?[ \t]*(?=[\"“‘']?[A-Z0-9])"
)

_CREDIT = re.compile(
    r"\((?:(?:Source|Photo|Image|Via)\s*:[^()\n]{1,80}\)(?:\s+(?:Twitter|Facebook))?"
    # "Super Bowl LVI will be held at SoFi Stadium (Image credit: Getty Images)", closing it.
    r"|(?P<credited>(?:Image|Photo) credit\s*:[^()\n]{1,80}\))"
    # ... and after a caption ("... Syria July 1 2016. (Reuters Photo) Airstrikes on ...",
    # "... August 3 2015(Reuters Photo) Thirty-five people..."), closing it. (One "(" before
    # both: a pattern that opens with a literal is searched for it in C, 15x faster.)
    r"|(?P<closing>(?:[A-Z][\w-]*[ \t]){1,2}[Pp]hoto\)(?=[ \t]+[\"“‘(]?[A-Z]|\s*\Z))"
    # ... and an embedded tweet's attribution whose link the page lost: "... The White
    # Helmets (SyriaCivilDef) April 29 2017 The air strike was ..." (the name is before it).
    rf"|(?P<tweet>@?\w{{3,30}}\)[ \t]*(?i:{MONTH})[ \t]+\d{{1,2}},?[ \t]+\d{{4}}))"
)
# The tweet's author before its handle: "The White Helmets ", "UN Refugee Agency ".
_TWEET_AUTHOR = re.compile(r"(?:[A-Z][\w&.'’-]*[ \t]+){1,5}$")
# An outlet's credit for what its wire services gave ("(TRT World and Agencies)"), closing a
# photo caption or opening the text: clutter, never the start of a quote.
_AGENCIES_CREDIT = re.compile(r"\((?:[A-Z][\w.'-]*\s+){0,4}(?:and\s+)?[Aa]gencies\)\s*")

_SEND = re.compile(r"\bSEND https?\S+(?: [A-Z]{2,5})?(?: Photo)?[ \t]*")


def clutter_spans(
    title: str, text: str, data: bytes | None = None
) -> list[tuple[int, int] | tuple[int, int, str]]:
    """The spans of `text` that are page clutter, sorted; photo captions marked PHOTO.
    `data`: the text in UTF-8, when the caller has it (a faster search for the marks)."""
    spans: list[Span] = []
    position = lead_end(title, text)
    if position:
        spans.append((0, position))
    # The outlet opening a paragraph after a newsletter prompt or a stand-first: "... and
    # more\n\n(CNN) Almost 100 years after its extinction, ..." (the first 2,000 characters).
    outlet = _PARAGRAPH_OUTLET.search(text, position, 2_000)
    if outlet is not None:
        spans.append((outlet.start() + 1, outlet.end()))
    photos = caption_and_byline_lines(text, spans)
    if marked_somewhere(text, data):
        spans.extend(marked_spans(text))
    photos.extend(credited_lines(text))
    photos.extend(inline_captions(text))
    if "REUTERS " in text:
        photos.extend(credit_boxes(text))
    photos.extend(embeds(text))
    if "SEND http" in text:
        spans.extend(match.span() for match in _SEND.finditer(text))
    spans.extend(see_also(text))
    if "Print" in text:
        spans.extend(print_bar(title, text))
    if ":" in text:
        # Searched like captions (left out of the index, they cost the dev questions' ranking:
        # docs/BENCHMARKS.md), never quoted: another story's headline is no answer.
        photos.extend(story_links(text))
    # (Only the first 2,000 characters can hold one: the name is looked for there alone.)
    if names_russian_agency(text[:2_000]):
        spans.extend(m.span() for m in RUSSIAN_DATELINE.finditer(text, 0, 2_000))
    if "(" in text:
        for credit in _CREDIT.finditer(text):
            if credit["closing"] or credit["credited"]:
                # (a credit on a line of its own closes no sentence: itself alone)
                caption = caption_before(text, credit.start(), credit.end(), 0)
                photos.extend(caption or (credit.span(),))
            elif credit["tweet"]:
                author = _TWEET_AUTHOR.search(text, max(0, credit.start() - 60), credit.start())
                if author is not None:
                    spans.append((author.start(), credit.end()))
            else:
                photos.append(credit.span())
        spans.extend(m.span() for m in _AGENCIES_CREDIT.finditer(text))
        for match in DATELINE.finditer(text):
            place = _PLACE_BEFORE.search(text, max(0, match.start() - 40), match.start())
            if place is None and _DASHED.match(text, match.end(1)):
                place = _LINE_PLACE_BEFORE.search(text, max(0, match.start() - 40), match.start())
            spans.append((place.start() if place else match.start(), match.end()))
        # (A dateline stands near the top: after a lead or stand-first printed before it.)
        for match in _BYLINED.finditer(text, 0, BYLINED_WITHIN):
            place = _PLACE_AND_COUNTRY_BEFORE.search(
                text, max(0, match.start() - 50), match.start()
            )
            if place is not None:
                spans.append((place.start(), match.end()))
    if "\n" in text:
        photos.extend(credit_lines(text))
    sign_off = SIGN_OFF.search(text, max(0, len(text) - 40))
    if sign_off is not None:
        spans.append(sign_off.span())
    repeat = headline_at(title, text, position + 1, search=True)
    if repeat is not None:
        spans.append(repeat)
    # Photo captions, credits and links are kept apart: never quoted, but searched (a caption
    # names the story's places and people).
    return sorted([*_merged(spans), *((s, e, PHOTO) for s, e in _merged(photos))])


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def encode_spans(spans: list[tuple[int, int] | tuple[int, int, str]]) -> str:
    """The spans as stored: "start-end" (photo captions "start-endp") separated by commas."""
    return ",".join(f"{s[0]}-{s[1]}{s[2] if len(s) > 2 else ''}" for s in spans)


def decode_spans(stored: str, *, photos: bool = True) -> list[Span]:
    """Invert `encode_spans` (without the kinds); `photos=False` leaves captions out."""
    spans: list[Span] = []
    for pair in stored.split(","):
        start, _, end = pair.partition("-")
        if end.endswith(PHOTO):
            if not photos:
                continue
            end = end[: -len(PHOTO)]
        if start and end:
            spans.append((int(start), int(end)))
    return spans


def without_clutter(text: str, clutter: str | None, *, photos: bool = False) -> str:
    """The text with its clutter blanked out (the same length); photo captions are kept, as
    they are searched, unless `photos` (what is left may then be quoted)."""
    if not clutter:
        return text
    pieces: list[str] = []
    position = 0
    for span_start, end in sorted(decode_spans(clutter, photos=photos)):
        start = max(span_start, position)  # (captions and other clutter may overlap)
        if end <= start:
            continue
        pieces.append(text[position:start])
        pieces.append(" " * (end - start))
        position = max(position, end)
    pieces.append(text[position:])
    return "".join(pieces)
