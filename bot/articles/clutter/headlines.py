"""The headline written again in the text (a page prints it above its lead, or glued to it)."""

from __future__ import annotations

import functools
import re

from bot.articles.clutter.vocabulary import Span

_NON_WORD = re.compile(r"\W+")


def headline_at(title: str, text: str, position: int, *, search: bool = False) -> Span | None:
    """The span of the headline repeated in `text` at `position` (or after it, with `search`)."""
    words = _headline_words(title)
    if not words:
        return None
    # Compiling the headline's pattern costs more than the rest of the clutter check: first
    # a plain test that a word it needs is there (as re.IGNORECASE compares letters).
    if search:
        end = position + len(title) + 400
        window = text[position:end]
        if not _may_contain(window, *words) or not _may_follow(window, words):
            return None
        match = _headline_pattern(words).search(text, position, end)
    else:
        if not _may_contain(text[position : position + len(words[0])], words[0]):
            return None
        if not _may_follow(text[position : position + len(title) + 40], words, opening=True):
            return None
        match = _headline_pattern(words).match(text, position)
    if match is None or _inside_sentence(title, text, match.start(), match.end()):
        return None
    return match.span()


def _inside_sentence(title: str, text: str, start: int, end: int) -> bool:
    """Whether the headline's words found here are part of a sentence, not a repeat of it:
    the sentence goes on after them ("Talks in Geneva collapsed..."), they start with a small
    letter where the headline has a capital ("...said that talks in Geneva would fail": a
    repeat keeps the headline's case), or a small word before them and a comma after them
    place them inside one ("The University of Delaware is joining..., the league said").
    (A sentence opening with the headline and a comma says it again: "France's mustard is
    running out, and ..." under that headline.)"""
    if end < len(text) and text[end].islower():
        return True
    if text[start].islower() and not title[:1].islower():
        return True
    before = text[max(0, start - 2) : start].rstrip()
    return (
        end < len(text)
        and text[end] in ",;"
        and bool(before)
        and (before[-1].islower() or before[-1] == ",")
    )


@functools.lru_cache(maxsize=16)  # one title is looked for several times in a text
def _headline_words(title: str) -> tuple[str, ...]:
    words = _NON_WORD.split(title.removesuffix("…"))
    if title.endswith("…"):
        words = words[:-1]  # cut mid-word
    words = [w for w in words if w]
    return tuple(words) if len(words) >= 3 else ()


@functools.lru_cache(maxsize=64)
def _headline_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\W*".join(re.escape(w) for w in words) + r"[\s.:|-]*", re.IGNORECASE)


def _may_contain(text: str, *words: str) -> bool:
    """False only when one of `words` cannot match in `text` case-insensitively (True: maybe).

    Letters re.IGNORECASE takes as one casefold() takes as one too (s and ſ, в and ᲀ, K and
    the Kelvin sign), except the Turkish dotted and dotless i.
    """
    if _turkish_i(text, words):
        return True
    folded = text.casefold()
    return all(word.casefold() in folded for word in words)


def _turkish_i(text: str, words: tuple[str, ...]) -> bool:
    """Whether a Turkish dotted or dotless i is in `text` or one of `words`."""
    return "\u0130" in text or "\u0131" in text or _turkish_i_in(words)


@functools.lru_cache(maxsize=16)  # a headline's words are tested with every window
def _turkish_i_in(words: tuple[str, ...]) -> bool:
    return any("\u0130" in word or "\u0131" in word for word in words)


def _may_follow(text: str, words: tuple[str, ...], *, opening: bool = False) -> bool:
    """False only when `words` cannot match in `text` one after another with only non-word
    characters between them, as the headline's pattern needs (True: maybe); with `opening`,
    at its start, in a `text` that may be cut short anywhere.

    Without its non-word characters a match is the words run together, letter for letter
    equal under casefold as in _may_contain (the Turkish i aside: there, maybe). At the
    start, the words run together and what is kept of the cut text both start what is kept
    of the whole: one of them starts the other.
    """
    if _turkish_i(text, words):
        return True
    joined = "".join(words).casefold()
    kept = _NON_WORD.sub("", text).casefold()
    if opening:
        return kept.startswith(joined) or joined.startswith(kept)
    return joined in kept
