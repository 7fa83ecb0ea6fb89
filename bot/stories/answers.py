"""One answer per story: the best copy of each story among ranked hits, with its other copies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.stories.keeper import StoryKeeper, best_copy
from storage.stories import Copy


class Ranked(Protocol):
    """A ranked article (retrieval's ScoredArticle)."""

    @property
    def article_id(self) -> int: ...

    @property
    def score(self) -> float: ...


@dataclass(frozen=True, slots=True)
class StoryPick:
    """The copy that stands for a story in an answer, the story's best score, the others."""

    article_id: int
    score: float
    also: tuple[Copy, ...]
    # The shown copy's date (None: deleted since the index ranked it).
    published: dt.date | None = None


async def one_per_story(
    stories: StoryKeeper,
    ranked: Sequence[Ranked],
    *,
    as_of: dt.date | None,
    most: int | None = None,
) -> list[StoryPick]:
    """Keep the first hit of each story, in rank order, shown by the story's best copy.

    The best copy is the most complete text, else the earliest, else the first ranked
    (bot.stories.keeper.best_copy), among copies published by `as_of`; the others are listed
    as `also`. With `most`, only the first `most` stories: reading a story's copies reads the
    length of each copy's text.
    """
    if not ranked:
        return []
    ids = [r.article_id for r in ranked]
    # On SQLite both reads are one statement: most of their cost is the trip to the database.
    page = await stories.store.page_copies(ids, most=most)
    story_of = await stories.stories_of(ids) if page is None else page[0]
    order: list[tuple[int, float]] = []
    seen: set[int] = set()
    for item in ranked:
        story = story_of[item.article_id]
        if story not in seen:
            seen.add(story)
            order.append((story, item.score))
    if most is not None:
        del order[most:]
    if page is None:
        copies = await stories.copies([story for story, _ in order])
    else:
        copies = {}
        for copy in page[1]:
            copies.setdefault(copy.story_id, []).append(copy)
    picks: list[StoryPick] = []
    first_hit = {story_of[r.article_id]: r.article_id for r in reversed(ranked)}
    place = {r.article_id: n for n, r in enumerate(ranked)}
    for story, score in order:
        members = [c for c in copies.get(story, []) if as_of is None or c.published <= as_of]
        # Copies alike in length and day (one page stored from two addresses): the one the
        # question found first, whose headline or text matched it best.
        shown = best_copy(members, rank=place)
        if shown is None:  # deleted since: keep the hit as the index had it
            picks.append(StoryPick(first_hit[story], score, ()))
            continue
        others = tuple(c for c in members if c.article_id != shown.article_id)
        picks.append(StoryPick(shown.article_id, score, others, shown.published))
    return picks


def newest_shown_first(
    picks: Sequence[StoryPick], ranked: Sequence[Ranked], *, exhausted: bool
) -> list[StoryPick] | None:
    """The stories of a newest-first list in the order of the dates they are shown with, those
    no copy ranked after `ranked` could come before; None when that is none of them and more
    copies may come (`exhausted`: `ranked` is every copy there is).

    A story is placed by its newest copy but shown by its most complete one, which may be
    older: sorted by the dates shown, one page alone read newest first, and the next page
    could hold a newer story than the page before. A story none of whose copies is in `ranked`
    is shown with a date no later than the last copy's.
    """
    dated = sorted(picks, key=lambda p: p.published or dt.date.min, reverse=True)
    if exhausted or not ranked:
        return dated
    dates = {c.article_id: c.published for p in picks for c in p.also}
    dates.update((p.article_id, p.published) for p in picks if p.published is not None)
    edge = dates.get(ranked[-1].article_id)
    if edge is None:
        return None
    settled = [p for p in dated if p.published is not None and p.published >= edge]
    return settled or None
