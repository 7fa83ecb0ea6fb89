"""Whether the archive answers a question at all: its meaningful words, together, in the top hit.

The rule is measured on the news-qa dev questions (docs/BENCHMARKS.md): asked of an archive on
other topics, the best article misses some of the question's rarer words; asked of the archive
that holds the answer, it has them all or nearly. The share is weighted by idf, so a missing
"news" counts for little and a missing "Zelensky" for much.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.articles.boilerplate import without_clutter
from bot.questions.analysis import Query, stems

# Splits as the index's tokenizer does in texts without "_" (faster than WORD_RE).
_WORDS = re.compile(r"\w+")
# The question counts as answered when the top article holds at least this idf share of its
# words (tuned on the even dev questions, checked on the odd ones: docs/BENCHMARKS.md).
ANSWERED_SHARE = 0.65


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of a question one article holds."""

    # The idf share of the query words found in the article (0..1).
    share: float
    # How many query words are missing.
    missing: int


# What a question with no article to look at has.
NO_COVERAGE = Coverage(0.0, 0)


def coverage(query: Query, title: str, text: str, clutter: str | None = None) -> Coverage:
    """The idf share of the query's words (any analyzed form) in the article's title or text,
    page clutter left out."""
    if query.is_empty:
        return Coverage(0.0, 0)
    text = without_clutter(text, clutter)
    present = frozenset(stems(list(set(_WORDS.findall(f"{title}\n{text}")))))
    total = sum(term.idf for term in query.terms) or 1.0
    found = 0.0
    missing = 0
    for term in query.terms:
        if term.terms & present:
            found += term.idf
        else:
            missing += 1
    return Coverage(found / total, missing)


def answers(found: Coverage, threshold: float = ANSWERED_SHARE) -> bool:
    """Whether an article with this coverage answers the question."""
    return found.share >= threshold
