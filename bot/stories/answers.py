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
        picks.append(StoryPick(shown.article_id, score, others))
    return picks
