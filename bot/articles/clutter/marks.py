"""Clutter found by what it starts with: "Related News" tails, tag lists, prompts, embedded
tweets, Al-Ahram's print bar.
"""

from __future__ import annotations

import re

from bot.articles.clutter.headlines import headline_at
from bot.articles.clutter.vocabulary import DATE, SHORT_URL, Span

# Everything after these is a list of other stories, share buttons or comments.
_TAIL_MARKS = (
    "Related News",
    "Related Articles",
    "Read Also",
    "Read more",
    "More from",
    "Community standards",
    "Comment via Facebook",
    "Share this article",
    "Share on Facebook",
)
# A view count and "Related" before a tail mark, within this many characters of it; the page's
# topic with its story count may stand between ("... 43 Topic Violence Erupts as Islamic State
# Rises (1881) Related ...").
_VIEWS_RELATED = re.compile(
    r"(?:\.\.\.\s+)?(?:\b\d+ (?:Topic [^()\n]{1,150} \(\d+\) )?|\bTopic [^()\n]{1,150} \(\d+\) )"
    r"Related "
)
MAX_RELATED_CHARS = 1_500
# "Source AA" before a tail mark is the credit line of the page.
_SOURCE_BEFORE = re.compile(r"Source\s+[A-Z]{2,}\s+$")
# A tag list glued before the lead: "Tags Syria warplane shelling pilot Jayrud Qalamoun At least
# 43 people...". Tags are names and topic words, lowercase ones too, but never a phrase of
# prose: the lead starts at the first word after a tag that is one of these openers or a
# capitalised word that prose follows (`_prose_after`). Within this many words.
MAX_TAG_WORDS = 25
_TAG_WORD = re.compile(r"\S+")
_LEAD_OPENERS = frozenset(
    re.findall(
        r"\w+",
        """
        The A An At In On As After Over Nearly Almost About More Some Several Many Dozens Scores
        Hundreds Thousands Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen
        Fourteen Fifteen Sixteen Seventeen Eighteen Nineteen Twenty Thirty Forty Fifty Sixty
        Seventy Eighty Ninety
        """,
    )
)
_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "the a an of in on at to for from by with and or has have had was were is are be been "
        "said say says",
    )
)
# Al-Ahram's bar of buttons and counters, between its header and the lead ("Print Tweet Views
# 729 Related IS group claims ... Double bomb attack kills 31 ... -A double bomb attack..."),
# and how long the header before it may be (its headline, agency and date: no sentence).
_PRINT_BAR = re.compile(r"Print\s+Tweet(?:\s+Views\s+\d+)?(?:\s+Related\b)?")
MAX_HEADER_CHARS = 200
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_ARTICLES = frozenset({"a", "an", "the"})
# How many lowercase words after a capitalised one may come before a function word.
_PROSE_REACH = 4
# Tags with no sentence after them, to the end of the text.
_TAGS_TO_END = re.compile(r"Tags\b[^.!?]*$")
# Share prompts and short-link stubs, found by their first words.
_PROMPTS = {
    "Get short URL": re.compile(SHORT_URL, re.IGNORECASE),
    "Follow us on": re.compile(r"Follow us on \w+"),
    "Click ": re.compile(r"Click (?:here[^.!?]*[.!?]?|to enlarge[\])]?)"),
    # To the sentence's end or its line's ("Sign up now to get football news delivered to
    # your inbox" has no full stop; the next paragraph is the story's), then the blurb after
    # it when that ends its line with no full stop, as prose would not: "Sign up for CNN's
    # Wonder Theory science newsletter. Explore the universe with news on ... and more"
    "Sign up ": re.compile(
        r"Sign up (?:here |now )?(?:for|to) [^.!?\n]*[.!?]?"
        r"(?:[^\n]{0,200}(?<![.!?\"”’])(?=\n|\Z))?"
    ),
    "Subscribe to ": re.compile(r"Subscribe to [^.!?\n]{0,120}\bnewsletter\b[^.!?\n]*[.!?]?"),
    "Print Tweet": _PRINT_BAR,
    # An embedded video's teaser: "Watch: Diplomats struggle over Aleppo Play Video".
    "Watch:": re.compile(r"Watch:[^.!?\n]{0,160}?\bPlay Video\b\s*"),
}
# Every literal clutter found anywhere in the text starts with: one scan for all of them (a
# search gives the leftmost place any of them starts) finds none in most articles, and then
# none of the searches for each can find anything.
_MARKS = re.compile(
    "|".join(re.escape(m) for m in (*_TAIL_MARKS, "Tags", *_PROMPTS, "pic.twitter.com"))
)
# The same search in a text's UTF-8 where each of the marks' first letters is made one byte,
# 01: re then skips from one 01 to the next as fast as memory reads, where the set of first
# letters cost it a test a character (20 us an article, 10 here with the translation).
_WORDS_MARKED = (*_TAIL_MARKS, "Tags", *_PROMPTS)
_MARKS_FIRST = bytes(1 if chr(b) in {m[0] for m in _WORDS_MARKED} else b for b in range(256))
_MARKS_TRANSLATED = re.compile(
    b"\x01(?:"
    + b"|".join(re.escape(m.encode().translate(_MARKS_FIRST)[1:]) for m in _WORDS_MARKED)
    + b")"
)

# An embedded tweet's attribution: "pic.twitter.com/x — Name (@handle) July 27, 2016"; scraped
# texts lose its punctuation and glue the next sentence to it ("...0Zw6 The Syrian Observer
# (observesyria) July 27 2016 The US has rejected...").
_TWEET = re.compile(
    rf"pic\.twitter\.com/?\w*(?:\s*[-–—]?\s*[^()\n]{{0,60}}\(@?\w{{1,30}}\)\s*{DATE})?",
    re.IGNORECASE,
)
_TWEET_LINK = re.compile(r"(?:https?:?/{0,2})?t\.co/?\w+\s*$")


def marked_somewhere(text: str, data: bytes | None) -> bool:
    """Whether _MARKS finds one of the marks in the text; `data`, the text in UTF-8, is
    searched first where given (a mark in the text is in its bytes, each mark's first letter
    translated as its first letter is)."""
    if (
        data is not None
        and _MARKS_TRANSLATED.search(data.translate(_MARKS_FIRST)) is None
        and b"pic.twitter.com" not in data
    ):
        return False
    return _MARKS.search(text) is not None


def marked_spans(text: str) -> list[Span]:
    """The clutter found by what it starts with: the tail, tag lists, prompts, tweets."""
    spans = _tail(text)
    found = text.find("Tags")
    while found != -1:
        tags = _tag_list(text, found)
        if tags is not None:
            spans.append(tags)
        found = text.find("Tags", found + 4)
    for first, pattern in _PROMPTS.items():
        found = text.find(first)
        while found != -1:
            match = pattern.match(text, found)
            if match is not None:
                # ... with the bracket before it: "[Click to enlarge]".
                opened = found > 0 and text[found - 1] in "[("
                spans.append((found - opened, match.end()))
            found = text.find(first, found + 1)
    found = text.find("pic.twitter.com")
    while found != -1:
        end = _TWEET.match(text, found).end()  # type: ignore[union-attr]  # starts with it
        link = _TWEET_LINK.search(text, max(0, found - 40), found)
        spans.append((found if link is None else link.start(), end))
        found = text.find("pic.twitter.com", end)
    return spans


def print_bar(title: str, text: str) -> list[Span]:
    """Al-Ahram's header around its "Print Tweet Views N Related" bar (the bar itself is a
    prompt): the headline, agency and date before it, and the other stories' headlines after
    it, up to the lead they are glued to."""
    spans: list[Span] = []
    for bar in _PRINT_BAR.finditer(text):
        header = text[: bar.start()]
        if len(header) <= MAX_HEADER_CHARS and not _SENTENCE_END.search(header):
            spans.append((0, bar.start()))
        if bar.group().endswith("Related"):
            lead = _lead_after_headlines(title, text, bar.end())
            if lead is not None:
                spans.append((bar.end(), lead))
    return spans


def _lead_after_headlines(title: str, text: str, start: int) -> int | None:
    """Where the lead starts after a list of headlines glued to it (None: not found before
    its first sentence's end). Headlines have no full stop and, in headline style, no "a" or
    "the": the lead starts at the article's own headline repeated, at the first word that
    opens leads ("Nearly 40 Syrian soldiers..."), or at the capitalised word before the first
    small words that end in an article ("Syrian rebels launched a major assault...")."""
    stop = _SENTENCE_END.search(text, start, start + MAX_RELATED_CHARS)
    end = stop.start() if stop is not None else min(len(text), start + MAX_RELATED_CHARS)
    found: list[int] = []
    repeat = headline_at(title, text, start, search=True)
    if repeat is not None and repeat[0] < end:
        found.append(repeat[0])
    words = list(_TAG_WORD.finditer(text, start, end))
    for n, word in enumerate(words):
        if word.group() in _LEAD_OPENERS:
            found.append(word.start())
            break
        if word.group() in _ARTICLES:
            small = n
            while small > 0 and words[small - 1].group()[:1].islower():
                small -= 1
            if 0 < small < n and words[small - 1].group()[:1].isupper():
                found.append(words[small - 1].start())
                break
    return min(found, default=None)


def _tag_list(text: str, start: int) -> Span | None:
    """The tag list starting with the "Tags" at `start`, up to the lead glued after it."""
    if (match := _TAGS_TO_END.match(text, start)) is not None:
        return match.span()
    if not text.startswith("Tags ", start):
        return None
    words = [
        (m.start(), m.group())
        for m, _ in zip(
            _TAG_WORD.finditer(text, start + 4),
            range(MAX_TAG_WORDS + _PROSE_REACH + 1),
            strict=False,  # the text may end first
        )
    ]
    for n, (at, word) in enumerate(words[1:MAX_TAG_WORDS], start=1):
        if _prose(words[n - 1][1], word) or words[n - 1][1].endswith(("!", "?")):
            return None  # "Tags will be available for purchase": a sentence, no tag list
        if n > 1 and words[n - 2][1].endswith("."):
            return None  # only the last tag may end with a full stop ("... war. A suicide")
        if word in _LEAD_OPENERS or (
            word[:1].isupper() and word[1:2].islower() and _prose_after(words, n)
        ):
            return start, at
    return None


def _prose(word: str, following: str) -> bool:
    """Whether a function word and a lowercase word make these two a phrase of prose."""
    return word in _FUNCTION_WORDS and following[:1].islower() and following not in _FUNCTION_WORDS


def _prose_after(words: list[tuple[int, str]], n: int) -> bool:
    """Whether lowercase words follow word n, one of them a function word that a lowercase
    word follows ("and" any word): "Syrian rebels launched a huge...", "Syrian regime and
    Russian...", not "Syrian Observatory for Human"."""
    after = [w for _, w in words[n + 1 : n + 2 + _PROSE_REACH]]
    for k, word in enumerate(after[:_PROSE_REACH]):
        if not word[:1].islower():
            return False
        if word in _FUNCTION_WORDS:
            return k + 1 < len(after) and (word == "and" or after[k + 1][:1].islower())
    return False


def _tail(text: str) -> list[Span]:
    """From the first "Related News" (or the like) to the end, with a "Source XX" before it."""
    ends = [at for at in (text.find(mark) for mark in _TAIL_MARKS) if at != -1]
    if not ends:
        return []
    start = min(ends)
    credit = _SOURCE_BEFORE.search(text, max(0, start - 20), start)
    if credit is not None:
        start = credit.start()
    # Sputnik's list of related headlines, after the story's view count: "... 154 Related
    # Russian Military Delivers ... Tags ... Community standards".
    related = _VIEWS_RELATED.search(text, max(0, start - MAX_RELATED_CHARS), start)
    return [(related.start() if related else start, len(text))]
