"""Links to other stories inside a text ("Read more: ...", "See also")."""

from __future__ import annotations

import re

from bot.articles.clutter.vocabulary import Span

# A link to another story, its label glued to the headline where the page had a link ("More:Ban
# on Trump upheld by...", "Review:The gold is starting to rub off..."): a colon with a letter
# (or a quote) before it and a capital (or a quote) after it, no space between.
_LINK_QUOTES = "’'\")“‘"
# How a sentence ends, in the scripts the archive holds ("؟": Arabic and Persian).
_SENTENCE_ENDS = tuple(".!?؟…")
# A link line is at most this long (a sentence may hold a glued colon too).
MAX_LINK_CHARS = 250
# ... or the line opens with a label and a colon ("►Related: ..."): these labels.
_LINK_LABELS = frozenset(
    ("related", "related coverage", "related story", "related article", "read more", "more",
     "read also", "also read", "see also", "watch", "listen")
)  # fmt: skip
MAX_LINK_LABEL_CHARS = 24
# How those labels end, as written (a cheap test at each colon before a space).
_LINK_LABEL_ENDS = tuple(
    form for label in _LINK_LABELS for word in (label.split()[-1],)
    for form in (word, word.title(), word.upper())
)  # fmt: skip
# A "see also" label on a line of its own between paragraphs, the next line a link to another
# story (RT's "Также по теме"; English pages end with theirs: _TAIL_MARKS). Both are clutter,
# neither searched nor quoted: the linked headline's words are another story's (asked as a
# question, that headline found the page linking to the story before the story itself:
# docs/BENCHMARKS.md, "Languages, helper branch `lang30`").
_SEE_ALSO = (
    "Также по теме",
    "Читайте также",
    "Смотрите также",
    "Lire aussi",
    "À lire aussi",
    "Voir aussi",
    "اقرأ أيضا",
    "بیشتر بخوانید",
)
# Only a label that starts a line counts: one search for all of them at line starts finds
# none in most texts (a search for each anywhere cost 8 scans of the text).
_SEE_ALSO_LINE = re.compile("\n(?:" + "|".join(re.escape(label) for label in _SEE_ALSO) + ")")


def story_links(text: str) -> list[Span]:
    """Lines that are a link to another story ("More:Headline"), as scraped pages keep them."""
    found: list[Span] = []
    colon = text.find(":", 1)
    while colon != -1:
        after = text[colon + 1 : colon + 2]
        if (
            after == " "
            and text.endswith(_LINK_LABEL_ENDS, max(0, colon - 10), colon)
            and (labelled := _labelled_link(text, colon)) is not None
        ):
            found.append(labelled)
            colon = text.find(":", labelled[1])
            continue
        if (
            not after
            or not (after.isupper() or after in _LINK_QUOTES)
            or not (text[colon - 1].isalpha() or text[colon - 1] in _LINK_QUOTES)
        ):
            colon = text.find(":", colon + 1)
            continue
        start = text.rfind("\n", 0, colon) + 1
        end = text.find("\n", colon)
        end = len(text) if end == -1 else end
        # A headline ends without a full stop; a sentence that glues a colon does not, nor a
        # quote glued to its verb's colon, which closes after its stop (Persian prints
        # 'گفت:"...!"', "he said:"): the closing quotes are not its end.
        line = text[start:end].rstrip().rstrip(_LINK_QUOTES)
        if end - start <= MAX_LINK_CHARS and line[-1:] not in _SENTENCE_ENDS:
            found.append((start, end))
        colon = text.find(":", end)
    return found


def _labelled_link(text: str, colon: int) -> Span | None:
    """A line that a link label opens ("►Related: Witnesses to history tell stories of Detroit
    riot", "Read more: ..."), the colon of the label at `colon`."""
    start = text.rfind("\n", 0, colon) + 1
    if colon - start > MAX_LINK_LABEL_CHARS:
        return None
    if text[start:colon].lstrip("►▶» \t").lower() not in _LINK_LABELS:
        return None
    end = text.find("\n", colon)
    end = len(text) if end == -1 else end
    return (start, end) if end - start <= MAX_LINK_CHARS else None


def see_also(text: str) -> list[Span]:
    """A "see also" label alone on its line and the link on the next line with text."""
    found: list[Span] = []
    if not text.startswith(_SEE_ALSO) and _SEE_ALSO_LINE.search(text) is None:
        return found
    for label in _SEE_ALSO:
        at = text.find(label)
        while at != -1:
            line_end = text.find("\n", at)
            line_end = len(text) if line_end == -1 else line_end
            if (at == 0 or text[at - 1] == "\n") and not text[at + len(label) : line_end].strip(
                " :"
            ):
                start = line_end
                while start < len(text) and text[start].isspace():
                    start += 1
                end = text.find("\n", start)
                end = len(text) if end == -1 else end
                # A link is one short line; a longer one is the text going on.
                found.append((at, end if 0 < end - start <= MAX_LINK_CHARS else line_end))
            at = text.find(label, line_end)
    return found
