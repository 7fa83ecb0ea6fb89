"""Turn raw text from a message or file into an article: date, source, headline, clean body."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import itertools
import re
import unicodedata
from dataclasses import dataclass

import ftfy
import numpy as np
from ftfy.badness import is_bad

from bot.articles.abbreviations import ends_short_form
from bot.articles.clutter.sources import article_source
from bot.articles.letters import SENTENCE_OPENERS
from bot.i18n import N_, Phrase

DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t:]*", re.IGNORECASE)
# A date line anywhere: only the first line sets the date, so a later one is reported.
ANY_DATE_LINE = re.compile(r"^[ \t]*date[ \t:]+(\d[^\n]{0,30}?)[ \t]*$", re.I | re.M)
# The mojibake check looks at the characters not in _PLAIN, and four characters around them.
# _PLAIN: ASCII, basic Cyrillic and Arabic letters, and characters none of ftfy's patterns
# is made of without one more character outside _PLAIN (checked by parsing ftfy's regex:
# tests/test_parsing_equivalence.py): ё Ё, Persian letters, Arabic punctuation, diacritics
# and digits, the zero-width non-joiner.
_PLAIN = (
    r"\x00-\x7f\u0410-\u044f\u0621-\u064a\u0401\u0451\u060c\u061b\u061f\u064b-\u0652"
    r"\u0660-\u0669\u067e\u0686\u0698\u06a9\u06af\u06cc\u06f0-\u06f9\u200c"
)
# Quotes, dashes and ellipses make mojibake for ftfy only between two of these Cyrillic
# capitals (Windows-1251), or beside another character outside _PLAIN.
_TYPOGRAPHY = "‘’“”–—…«»"
_UNTYPOGRAPHIC = re.compile(f"[^{_PLAIN}{_TYPOGRAPHY}]")
# Of those, the quotes that ftfy counts as punctuation of mojibake (not ’, dashes nor
# ellipses: "В–В" is no mojibake to it).
_CYRILLIC_QUOTED = re.compile("[ВГРС][‘“”«»][ВГРС]")
# Its first two characters in UTF-8, one byte each: В, Г, Р and С end in 92, 93, A0 or A1 (D0
# before), the quotes start with C2 or E2. A capital and a quote side by side in a text are
# side by side in its bytes beyond ASCII: where no 01 02 is in their translation, the regex
# (which stops at every capital of a Russian text: 55 us) cannot match.
_CAPITAL_THEN_QUOTE = bytes(
    1 if b in (0x92, 0x93, 0xA0, 0xA1) else 2 if b in (0xC2, 0xE2) else 0 for b in range(256)
)
_CONTEXT = 4
# A stretch without suspect characters (_UNTYPOGRAPHIC) that the mojibake check cuts: longer
# than twice _CONTEXT.
_LONG_GAP = re.compile(f"[{_PLAIN}{_TYPOGRAPHY}]{{{2 * _CONTEXT + 1},}}")
QUESTION_WORDS = frozenset(
    [
        "what",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "which",
        "is",
        "are",
        "was",
        "were",
        "do",
        "does",
        "did",
        "can",
        "could",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "has",
        "have",
        "had",
        "any",
        "find",
        "show",
        "tell",
        "list",
        "give",
    ]
)
# Mojibake whose bytes were lost on the way (U+FFFD left behind), as in the FA-KES sample:
# ftfy cannot undo a lost byte, but the punctuation it stood for is clear from its place.
LOST_APOSTROPHE = re.compile(r"(?<=\w)\ufffd_(?=s\b|t\b|re\b|ll\b|ve\b|d\b)")
LOST_DASH = re.compile(r"(?<= )\ufffd_(?= )")
LOST_OPENING = re.compile(r"(?<![\w\ufffd])\ufffd[_\ufffd](?=\w)")
LOST_CLOSING = re.compile(r"(?<=[\w.,!?])\ufffd[_\ufffd](?!\w)")
LOST_COPYRIGHT = re.compile(r"(?<=Copyright )\ufffd\ufffd", re.IGNORECASE)
CAPTION_START = re.compile(r"^(?:file\s+photo|photo|picture|image)\b\s*:", re.IGNORECASE)
# A dateline on a line of its own ("CNN —", "New York CNN Business —", "BEIRUT -"): where the
# story was filed from, its first sentence on the next line; no headline.
DATELINE_ALONE = re.compile(r"^[^.!?]{1,60}\s[—–-]$")
# Control characters except tab and newline, and the invisible ones that break matching. Not
# the zero-width non-joiner (U+200C): Persian spelling writes it inside words ("زلزله‌ای", an
# earthquake), and without it the letters join into a misspelt word in quotes and /read (the
# index reads it as a space, as a question's).
UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200d-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)

SENTENCE_END = re.compile(rf"(?<=[.!?…؟])[\"'”’»)]*\s+(?=[\"'“‘«(]*[{SENTENCE_OPENERS}])")
WHITESPACE = re.compile(r"\s+")
# Searched for by re (its literal prefix: a scan for line breaks), not `in`: half the time.
_THREE_BREAKS = re.compile("\n\n\n")
_ASCII_BYTES = bytes(range(128))

HEADLINE_MAX = 150
TRIMMED_HEADLINE = 110
MIN_ARTICLE_CHARS = 280


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """What the parser found in one text."""

    title: str
    text: str
    published: dt.date | None
    source: str | None


def repair_mojibake(text: str) -> str:
    """Text decoded with the wrong encoding made right (ftfy), and lost punctuation put back."""
    if text.isascii():
        return text
    if looks_bad(text):
        text = ftfy.fix_text(text, normalization="NFC")
    if "\ufffd" in text:
        text = LOST_APOSTROPHE.sub("'", text)
        text = LOST_DASH.sub("–", text)
        text = LOST_COPYRIGHT.sub("©", text)
        text = LOST_OPENING.sub('"', text)
        text = LOST_CLOSING.sub('"', text)
    return text


def looks_bad(text: str) -> bool:
    """ftfy's is_bad, run only on the stretches around the characters mojibake is made of.

    Each of ftfy's patterns needs one character that is not ASCII nor a basic Cyrillic or
    Arabic letter, and looks at most two characters before it and three after. Its one regex
    over a whole article costs ~2 ms; so every longer stretch of other characters is cut to
    its ends first (no pattern can reach across the cut).
    """
    if text.isascii():
        return False
    # Where most characters are ASCII, look among the others only: a byte translation finds
    # them at memory speed, and the tests then read a few instead of thousands. (`beyond`
    # holds every character that is not ASCII, the four capitals among them.)
    try:
        data = utf8(text)  # encoded already by build_article's test for lone surrogates
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    others = data.translate(None, _ASCII_BYTES)
    beyond = others.decode("utf-8", "surrogatepass") if len(others) < len(text) // 4 else text
    if (
        any(capital in beyond for capital in "ВГРС")
        and b"\x01\x02" in others.translate(_CAPITAL_THEN_QUOTE)
        and _CYRILLIC_QUOTED.search(text)
    ):
        return True
    if _UNTYPOGRAPHIC.search(beyond) is None:  # quotes, dashes and ellipses alone
        return False
    # As no pattern reaches across a cut, each window between two cuts is judged alone (the
    # cut's line break kept before it, so that ^ stays the text's start), and once: articles
    # share most of theirs (the same accented words), and the regex costs ~0.2 us a character.
    for window in _window_list(text):
        bad = _JUDGED.get(window)
        if bad is None:
            if len(_JUDGED) >= _JUDGED_MAX:
                _JUDGED.clear()
            bad = _JUDGED[window] = is_bad(window)
        if bad:
            return True
    return False


# is_bad of the windows seen, in this process (a window is some twenty characters).
_JUDGED: dict[str, bool] = {}
_JUDGED_MAX = 100_000


def _windows(text: str) -> str:
    """The text with every stretch between two runs of suspect characters cut to its ends."""
    return "".join(_window_list(text))


def _window_list(text: str) -> list[str]:
    """`_windows` split before each cut's line break: what lies between two cuts.

    A cut is a stretch of more than 2 * _CONTEXT characters that are not suspect (and the text's
    start and end count as suspect): found by one regex, not a loop over every suspect run (a
    French text has sixty).
    """
    gaps = [match.span() for match in _LONG_GAP.finditer(text)]
    if not gaps:
        return [text]
    windows = [text[: gaps[0][0] + _CONTEXT]]
    windows.extend(
        f"\n{text[end - _CONTEXT : start + _CONTEXT]}"
        for (_, end), (start, _) in itertools.pairwise(gaps)
    )
    windows.append(f"\n{text[gaps[-1][1] - _CONTEXT :]}")
    return windows


def clean_text(raw: str) -> str:
    """Normalise Unicode, drop control and zero-width characters, tidy blank lines."""
    return _cleaned(raw)[0]


def _cleaned(raw: str) -> tuple[str, list[str]]:
    """clean_text's text, and its lines before the blank ones were tidied: the same lines that
    are not empty (a line is stripped, so the text's strip and the tidying take empty ones)."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if _quiet(raw):
        lines = raw.split("\n")
    else:
        text = unicodedata.normalize("NFC", raw)
        lines = text.split("\n")
        # Every character UNPRINTABLE matches is unprintable: when every line is printable
        # (str.isprintable is a plain C loop), the regex need not scan the text.
        if not all(map(str.isprintable, lines)) and UNPRINTABLE.search(text):
            lines = UNPRINTABLE.sub("", text).split("\n")
    lines = [line.strip() for line in lines]
    text = "\n".join(lines)
    if _THREE_BREAKS.search(text) is not None:
        text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip(), lines


def _quiet(text: str) -> bool:
    """Whether the text is in NFC and holds no character UNPRINTABLE matches (False: maybe
    not), read from its characters that are not printable ASCII nor line breaks, in a text
    mostly of ASCII (a translation of its UTF-8 finds them at memory speed: 3 us, where the
    two checks of every character cost 25).

    Unicode's quick check passes a string in NFC when none of its characters may change or
    combine with the one before and no two are out of canonical order; ASCII neither changes
    nor combines, and two characters side by side in the text are side by side among the
    others, so their check passing is the text's (`normalize` gives back the very string it
    was given where the quick check passes). UNPRINTABLE's characters are all unprintable.
    """
    try:
        data = utf8(text)
    except UnicodeEncodeError:
        return False  # a lone surrogate: the long road
    if len(data) > len(text) + len(text) // 8:
        return False  # far from ASCII: the translation costs what it saves
    rest = data.translate(None, _QUIET_ASCII).decode("utf-8")
    return unicodedata.normalize("NFC", rest) is rest and rest.isprintable()


# Printable ASCII and the line break.
_QUIET_ASCII = bytes(range(0x20, 0x7F)) + b"\n"


# The last text `utf8` encoded, and its bytes: a parse reads each text's twice in a row (the
# test for lone surrogates, then the mojibake check; the stuffing check, then the content
# hash), and an encoding is 5 us of an article's.
_last_encoded: tuple[str, bytes] = ("", b"")


def utf8(text: str) -> bytes:
    """text.encode("utf-8") (UnicodeEncodeError at a lone surrogate), the last one's kept."""
    global _last_encoded
    last = _last_encoded
    if last[0] is text:
        return last[1]
    data = text.encode("utf-8")
    _last_encoded = (text, data)
    return data


_last_beyond: tuple[str, str] = ("", "")


def beyond_ascii(text: str) -> str:
    """The characters of `text` that are not ASCII, in order (UnicodeEncodeError at a lone
    surrogate), the last one's kept: the stuffing check and the content hash both read them."""
    global _last_beyond
    last = _last_beyond
    if last[0] is text:
        return last[1]
    others = utf8(text).translate(None, _ASCII_BYTES).decode("utf-8")
    _last_beyond = (text, others)
    return others


def content_hash(text: str) -> str:
    """The identity of an article's text: white space and case do not count.

    The SHA-256 of " ".join(text.split()).casefold() in UTF-8, as stored since the first
    version. Every text without other white space than ASCII's bar \x1c-\x1f (the rest is
    unprintable) takes a cheaper road to the same bytes: fold the case first, then split the
    UTF-8 at ASCII white space. Casefold works character by character and keeps white space
    white and the rest not (tests/test_parsing_equivalence.py checks every character), so
    folding commutes with the split; where every character beyond ASCII folds to itself (most
    texts), lowering the ASCII letters of the UTF-8 is the fold.

    Persian's zero-width non-joiner does not count either: texts were stored without it before
    they kept it, and the same article imported again is the one already stored.
    """
    if "\u200c" in text:
        text = text.replace("\u200c", "")
    data = utf8(text)
    if b"\x1c" not in data and b"\x1d" not in data and b"\x1e" not in data and b"\x1f" not in data:
        if data.isascii():
            return hashlib.sha256(_single_spaced(data).lower()).hexdigest()
        others = beyond_ascii(text)
        if others.isprintable():
            if 4 * len(others) < len(text):
                if others.casefold() != others:  # a few characters to fold, if any
                    data = text.casefold().encode("utf-8")
            else:  # mostly beyond ASCII (Cyrillic has capitals): fold the text once
                folded = text.casefold()
                if folded != text:
                    data = folded.encode("utf-8")
            return hashlib.sha256(_single_spaced(data).lower()).hexdigest()
    normal = " ".join(text.split()).casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def _single_spaced(data: bytes) -> bytes:
    """b" ".join(data.split()), without a list of every word for the common case.

    A parsed text's only white space is single spaces, line breaks and blank lines: with no
    other ASCII white space (what bytes.split() splits at), joining its non-empty lines with
    spaces gives the same words in order, and when no two spaces meet and none is at an end,
    each run of white space became one space, as the join of the split makes it.
    """
    if b"\t" in data or b"\r" in data or b"\x0b" in data or b"\x0c" in data:
        return b" ".join(data.split())
    flat = b" ".join(filter(None, data.split(b"\n")))  # a split at one byte is a memchr
    if _two_spaces(flat) or flat.startswith(b" ") or flat.endswith(b" "):
        return b" ".join(data.split())
    return flat


def _two_spaces(data: bytes) -> bool:
    """b"  " in data: tested on every pair of bytes at once in a long text, where a search
    stops at each of its thousand spaces (8 us an article, 3 here)."""
    if len(data) < 1_024:
        return b"  " in data
    spaces = np.frombuffer(data, dtype=np.uint8) == ord(" ")
    return bool((spaces[1:] & spaces[:-1]).any())


def looks_like_article(raw: str) -> bool:
    """Whether a private message is an article to keep rather than a question."""
    return classify_message(raw) is not MessageKind.QUESTION


class MessageKind(enum.Enum):
    """What a private message is: an article, a question, or either (ask which)."""

    ARTICLE = "article"
    QUESTION = "question"
    EITHER = "either"


def classify_message(raw: str) -> MessageKind:
    """A question ends with "?" or opens with a question word in one paragraph; an article
    has a date line, or the length and paragraphs of one; a long text that also reads as a
    question could be either."""
    text = raw.strip()
    if DATE_LINE.match(text):
        return MessageKind.ARTICLE
    paragraphs = [p for p in text.split("\n") if p.strip()]
    words = text.split(None, 1)
    first = words[0].strip("¿¡\"'“‘(").casefold() if words else ""
    asks = text.endswith(("?", "؟")) or first in QUESTION_WORDS
    if len(paragraphs) <= 1 and asks:
        return MessageKind.QUESTION
    long_enough = len(text) >= MIN_ARTICLE_CHARS or (len(paragraphs) >= 2 and len(text) >= 150)
    if not long_enough:
        return MessageKind.QUESTION
    return MessageKind.EITHER if asks else MessageKind.ARTICLE


def date_line_notes(raw: str) -> list[Phrase]:
    """What the reader should know about `date` lines: a bad date, or one not on the first line.

    Only the first line sets an article's date; any other is kept as text.
    """
    text = clean_text(raw)
    notes: list[Phrase] = []
    for number, match in enumerate(ANY_DATE_LINE.finditer(text)):
        line = match.group(0).strip()
        if number == 0 and match.start() == 0:
            if _parse_date(match.group(1)[:10]) is None:
                notes.append(
                    Phrase.of(
                        N_("“{line}” is not a date I can read (use date YYYY-MM-DD)."), line=line
                    )
                )
            continue
        notes.append(
            Phrase.of(N_("“{line}” is not the first line, so it does not set the date."), line=line)
        )
    return notes


def parse_article(raw: str, *, title: str | None = None) -> ParsedArticle:
    """Parse an article text; `title`, when given (JSONL), wins over the guessed headline.

    Mojibake is repaired first, on every road in (messages, files, imports, links, feeds).
    """
    text, lines = _cleaned(repair_mojibake(raw))
    title = repair_mojibake(title) if title else title
    published = None
    if match := DATE_LINE.match(text):
        published = _parse_date(match.group(1))
        if published is not None:
            text = text[match.end() :].lstrip()
            lines = text.split("\n")
    if published is None and (unread := ANY_DATE_LINE.match(text)) is not None:
        # A first line "date 2017-02-30" or "date 4 July" was the headline; the reply says
        # the date was not read (date_line_notes).
        text = text[unread.end() :].lstrip()
        lines = text.split("\n")
    # clean_text stripped every line, so the paragraphs are the non-empty lines. (_once's
    # first tests, inline: a call a paragraph cost more than they do.)
    paragraphs = [
        p if len(p) < 40 or p.find(p[:20], len(p) // 2 - 4) == -1 else _once(p) for p in lines if p
    ]
    paragraphs = _drop_repeats(paragraphs)
    body = "\n\n".join(paragraphs)
    source = article_source(body)
    headline = clean_headline(title) if title and title.strip() else guess_headline(paragraphs)
    return ParsedArticle(title=headline, text=body, published=published, source=source)


def guess_headline(paragraphs: list[str]) -> str:
    """The first line when it looks like a headline, else the trimmed first sentence."""
    content = [p for p in paragraphs if not _is_caption(p)] or paragraphs
    if len(content) > 1 and DATELINE_ALONE.match(content[0]):
        content = content[1:]
    if not content:
        return ""
    first = content[0]
    if len(content) > 1 and _looks_like_headline(first):
        return first
    return trim_headline(first_sentence(first))


def first_sentence(paragraph: str) -> str:
    """The paragraph's first sentence (the whole paragraph when it has one); a full stop
    after a short form ends none ("... аэродрома г. Дейр-эз-Зор", "Mr. Smith")."""
    text = paragraph.strip()
    for end in SENTENCE_END.finditer(text):
        mark = end.start() - 1
        if text[mark] != "." or not ends_short_form(text, 0, mark):
            return text[: end.start()].strip()
    return text


def trim_headline(sentence: str, limit: int = TRIMMED_HEADLINE) -> str:
    """Cut a sentence at a word boundary so it fits a one-line headline."""
    sentence = WHITESPACE.sub(" ", sentence).strip()
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:-–— ")
    return f"{cut}…"


def clean_headline(title: str) -> str:
    """A given title on one line, repaired, and trimmed when absurdly long."""
    return trim_headline(repair_mojibake(title), HEADLINE_MAX)


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    return (
        0 < len(line) <= HEADLINE_MAX
        and len(words) <= 22
        and not line.endswith((".", ",", ";", ":"))
        and not _is_caption(line)
    )


def _is_caption(paragraph: str) -> bool:
    return bool(CAPTION_START.match(paragraph))


def _once(paragraph: str) -> str:
    """A caption printed twice in a row on one line ("A. A.") is kept once."""
    paragraph = paragraph.strip()
    size = len(paragraph)
    if size < 40:
        return paragraph
    middle = size // 2
    if paragraph.find(paragraph[:20], middle - 4) == -1:  # cheap test before the exact one
        return paragraph
    for cut in range(max(1, middle - 3), min(size, middle + 4)):
        left, right = paragraph[:cut].strip(), paragraph[cut:].strip()
        if left and left == right:
            return left
    return paragraph


def _drop_repeats(paragraphs: list[str]) -> list[str]:
    # The last one kept is the one before (a dropped one equals it).
    return [p for before, p in zip([None, *paragraphs], paragraphs, strict=False) if p != before]


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
