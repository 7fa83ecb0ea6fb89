"""StoryKeeper: new articles join the story of a near copy, editors split and join, rebuilds.

Finding candidates: each article's MinHash band keys are stored in the database (story_bands,
indexed by key), so a million articles cost disk, not memory; an article sharing a band key
with a new one is a candidate. A copy stores only the keys its story does not hold already,
so a key has a holder or two a story, however many outlets ran it; a deletion, an edit or a
/split gives the story's other copies all their keys again.

Deciding: the candidate's text is shingled again and compared exactly (`similarity`), so a
chance band collision never joins two stories; only a candidate that shares every band key is
taken unread (`_SAME_BANDS`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from bot.clock import Clock
from bot.i18n import ENGLISH, Texts
from bot.stories.signature import (
    BANDS,
    MAX_BYTES,
    U64,
    Signature,
    band_keys,
    shingles,
    shingles_many,
    signatures,
    similarity,
)
from storage.audit import Actor
from storage.stories import Copy, Membership, StoryStore
from storage.story_candidates import Candidates, Ids, LiveStories

log = logging.getLogger(__name__)

_NONE_LIVE = LiveStories(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

# A new article joins a candidate's story when this share of the shorter text's shingles is
# in the other (tuned on half of the copies, bench/stories.py; figures in docs/BENCHMARKS.md).
THRESHOLD = 0.7
# A band key held by more articles than this is boilerplate shared by many (a stock
# paragraph): it finds no particular copy, and reading all of them would cost time.
MAX_PER_KEY = 50
# Candidate stories verified per new article at most (those sharing the most bands first).
MAX_VERIFIED = 5
# A candidate sharing all BANDS keys is a near-identical text (republished wire copy): with
# ROWS hashes a band, a pair of Jaccard similarity J shares every band with probability
# J ** (BANDS * ROWS), under 0.001 below THRESHOLD, so its text is neither read nor shingled
# (a tenth of an import's CPU where most articles are such copies: docs/BENCHMARKS.md).
_SAME_BANDS = BANDS
CATCH_UP_BATCH = 2_000
# New articles whose candidates are counted together (a few MiB of arrays), and decided
# together (their candidates' texts read and shingled together, which costs several times
# less than one at a time): as fast as a whole batch at once.
OWNERS_AT_ONCE = 250
WINDOW = 250
MAP_PAGE = 50_000


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where a new article went: its story, and the article it matched (None: a new story)."""

    article_id: int
    story_id: int
    matched_id: int | None
    similarity: float | None


class StoryMap:
    """Every article's story id in a numpy array (4 bytes an article): for counting stories.

    Read from the database's membership rows, changes only (each row carries a rising seq), so
    splits and joins made by another process show up at the next refresh.
    """

    def __init__(self) -> None:
        self._story: npt.NDArray[np.int32] = np.zeros(1024, dtype=np.int32)
        self._seq = 0
        # One refresh at a time: two reading the same pages could set an older page last.
        self._lock = asyncio.Lock()

    def set_many(self, rows: Sequence[tuple[int, int, int]]) -> None:
        """Take membership rows (seq, article_id, story_id) in the order of their seq."""
        table = np.asarray(rows, dtype=np.int64).reshape(-1, 3)
        articles, stories = table[:, 1], table[:, 2]
        # An article moved twice in one page (split, then joined) is where its last row says:
        # numpy does not promise which of repeated indices an assignment writes last.
        last = len(articles) - 1 - np.unique(articles[::-1], return_index=True)[1]
        self._grow(int(articles.max(initial=0)))
        self._story[articles[last]] = stories[last]

    def _grow(self, article_id: int) -> None:
        if article_id >= len(self._story):
            grown = np.zeros(max(article_id + 1, 2 * len(self._story)), dtype=np.int32)
            grown[: len(self._story)] = self._story
            self._story = grown

    def stories(self, ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """The story of each article id (an article with none recorded is its own)."""
        known = ids < len(self._story)
        found = np.zeros(len(ids), dtype=np.int64)
        found[known] = self._story[ids[known]]
        return np.where(found > 0, found, ids)

    async def refresh(self, store: StoryStore) -> None:
        """Take every membership change recorded since the last refresh."""
        async with self._lock:
            while rows := await store.changes_after(self._seq, limit=MAP_PAGE):
                self.set_many(rows)
                self._seq = rows[-1][0]

    @property
    def known(self) -> int:
        """The last membership change taken (0: none yet)."""
        return self._seq

    def forget(self) -> None:
        """Start again from nothing (after a rebuild)."""
        self.__init__()  # type: ignore[misc]


class StoryKeeper:
    """Story membership for the archive; see the module docstring."""

    def __init__(self, store: StoryStore, clock: Clock, *, threshold: float = THRESHOLD) -> None:
        self.store = store
        self.map = StoryMap()
        self._clock = clock
        self._threshold = threshold
        self._lock = asyncio.Lock()

    async def assign(
        self, new: Sequence[tuple[int, str]], signed: Sequence[Signature | None] | None = None
    ) -> list[Assignment]:
        """Give each new article (id, text), oldest first, the story of its nearest copy.

        `signed`: each article's signature where already computed, in its place (an import's
        workers make them; None: computed here).
        """
        if not new:
            return []
        async with self._lock:
            return await self._assign(new, signed or ())

    async def _assign(
        self, new: Sequence[tuple[int, str]], signed: Sequence[Signature | None]
    ) -> list[Assignment]:
        keys, own = await asyncio.to_thread(_signatures, [text for _, text in new], signed)
        per_article = np.fromiter(map(len, keys), np.int64, len(keys))
        every_key = np.fromiter(
            itertools.chain.from_iterable(keys), np.int64, int(per_article.sum())
        )
        stored = await self.store.candidates(every_key, most=MAX_PER_KEY)
        # (Keys held by more than MAX_PER_KEY are not read at all.)
        batch_ids = np.fromiter((article_id for article_id, _ in new), np.int64, len(new))
        outside = np.setdiff1d(stored.ids, batch_ids)
        live = await self.store.live_stories(outside) if len(outside) else _NONE_LIVE
        del outside
        decisions = _Decisions(new, keys, own, self._threshold)
        shared, stories = _best_stored(keys, stored, live)
        verifiable: dict[int, U64] = {}
        for start in range(0, len(new), WINDOW):
            end = start + WINDOW
            while gone := await self._shingle(shared[start:end], keys[start:end], verifiable):
                # Deleted since `live_stories` read them: the next likeliest copies instead.
                live = live.without(gone)
                shared, stories = _best_stored(keys, stored, live)
            await asyncio.to_thread(decisions.decide, start, end, shared, stories, verifiable)
            # Only the candidates of articles not decided yet may be verified from here on.
            later = {other for candidates in shared[end:] for other in candidates}
            for other in verifiable.keys() - later:
                del verifiable[other]
        story_ids = np.fromiter((a.story_id for a in decisions.decided), np.int64, len(new))
        bands = _unheld_band_rows(batch_ids, story_ids, per_article, every_key, stored, live)
        del stored, live, verifiable
        members = [
            Membership(
                a.article_id,
                a.story_id,
                _reason(a),
                a.matched_id,
                None if a.similarity is None else round(a.similarity, 4),
            )
            for a in decisions.decided
        ]
        await self.store.record(members, bands)
        return decisions.decided

    async def _shingle(
        self,
        shared: Sequence[dict[int, int]],
        keys: Sequence[tuple[int, ...]],
        verifiable: dict[int, U64],
    ) -> set[int]:
        """Read and shingle the texts of these articles' likeliest stored candidates (one of
        each story: `_best_stored`; a story republished forty times has forty candidates and
        one is verified) that `verifiable` lacks, into it; returns those no longer live.
        An article with a candidate sharing every band key has nothing read but whether that
        candidate is still live.

        A window of new articles at a time: a batch's candidates' texts and shingles all at
        once were a third of what its story check held."""
        unread: set[int] = set()
        read: set[int] = set()
        for candidates, ks in zip(shared, keys, strict=True):
            if _taken_unread(candidates, ks):
                unread.update(c for c, n in candidates.items() if n >= _SAME_BANDS)
            else:
                read.update(candidates)
        gone: set[int] = set()
        if unread:
            gone = unread.difference(await self.store.live_texts(unread, chars=0))
        wanted = sorted(read - verifiable.keys())
        if not wanted:
            return gone
        found = await self.store.live_texts(wanted, chars=MAX_BYTES)
        ids, texts = list(found), list(found.values())
        del found
        verifiable.update(zip(ids, await asyncio.to_thread(shingles_many, texts), strict=True))
        return gone.union(set(wanted).difference(ids))

    async def catch_up(self) -> int:
        """Give a story to every live article that has none (start-up; after a crash)."""
        done = 0
        after = 0
        while page := await self.store.unassigned(after, limit=CATCH_UP_BATCH, chars=MAX_BYTES):
            await self.assign(page)
            done += len(page)
            after = page[-1][0]
        return done

    async def rebuild(self) -> int:
        """Compute every story again from the articles, then replay editors' decisions."""
        async with self._lock:
            await self.store.clear()
        self.map.forget()
        done = await self.catch_up()
        now = self._clock.now()
        for decision in await self.store.decisions():
            if decision.other_id is None:
                await self._split(decision.article_id, actor=None, record=False)
            else:
                await self.store.join(
                    decision.article_id, decision.other_id, now=now, actor=None, record=False
                )
        return done

    async def refresh_bands(self, article_id: int, text: str) -> None:
        """An edited article is found by its new text from now on (its story stays); the
        keys its old text held for the story are handed to the story's other copies."""
        keys = await asyncio.to_thread(band_keys, [text])
        await self.store.replace_bands(article_id, keys[0])
        await self.hand_keys(article_id)

    async def hand_keys(self, article_id: int) -> None:
        """Every live copy of this article's story stores all its band keys: the keys one
        copy held for the whole story (`_unheld_band_rows`) outlive its deletion or edit."""
        members = await self.store.live_members(article_id)
        await self._store_every_key([m for m in members if m != article_id])

    async def _store_every_key(self, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), CATCH_UP_BATCH):
            texts = await self.store.live_texts(
                ids[start : start + CATCH_UP_BATCH], chars=MAX_BYTES
            )
            if not texts:
                continue
            keys = await asyncio.to_thread(band_keys, list(texts.values()))
            per_article = np.fromiter(map(len, keys), np.int64, len(keys))
            every_key = np.fromiter(
                itertools.chain.from_iterable(keys), np.int64, int(per_article.sum())
            )
            article_ids = np.fromiter(texts, np.int64, len(texts))
            await self.store.add_bands(_band_rows(article_ids, per_article, every_key))

    async def split(self, article_id: int, actor: Actor) -> int | None:
        """/split: the article leaves its story; returns that story, None if it was alone."""
        return await self._split(article_id, actor=actor)

    async def _split(
        self, article_id: int, *, actor: Actor | None, record: bool = True
    ) -> int | None:
        # The article and the copies it leaves each store all their keys: the story's were
        # held once for all of them.
        members = await self.store.live_members(article_id)
        story = await self.store.split(
            article_id, now=self._clock.now(), actor=actor, record=record
        )
        if story is not None:
            await self._store_every_key(members)
        return story

    async def join(self, article_id: int, other_id: int, actor: Actor) -> int | None:
        """/join: one story of both; returns its id, None if they were one already."""
        return await self.store.join(article_id, other_id, now=self._clock.now(), actor=actor)

    async def copies(self, story_ids: Sequence[int]) -> dict[int, list[Copy]]:
        """The live copies of each story, by story id, oldest first."""
        found: dict[int, list[Copy]] = {}
        for copy in await self.store.copies(story_ids):
            found.setdefault(copy.story_id, []).append(copy)
        return found

    async def warm(self) -> None:
        """Read the story map now (a bot's start-up), not at the first /trend or large digest
        (1.3 s at a million articles)."""
        await self.map.refresh(self.store)

    async def story_lookup(self, ids: list[int]) -> dict[int, int]:
        """Each article's story from the in-memory map (refreshed first): for large windows."""
        await self.map.refresh(self.store)
        found = self.map.stories(np.asarray(ids, dtype=np.int64))
        return dict(zip(ids, found.tolist(), strict=True))

    async def stories_of(self, ids: Sequence[int]) -> dict[int, int]:
        """Each article's story (its own when it has none recorded)."""
        return await self.store.story_of(ids)


class _Decisions:
    """One batch's story check, decided a window of new articles (oldest first) at a time."""

    def __init__(
        self,
        new: Sequence[tuple[int, str]],
        keys: list[tuple[int, ...]],
        own: list[U64 | None],
        threshold: float,
    ) -> None:
        self._new = new
        self._keys = keys
        self._texts = dict(new)
        self._own = {a: found for (a, _), found in zip(new, own, strict=True) if found is not None}
        self._threshold = threshold
        # Band key -> the batch's articles decided so far (candidates of the later ones).
        self._local: dict[int, list[int]] = {}
        self._stories: dict[int, int] = {}
        self.decided: list[Assignment] = []

    def decide(
        self,
        start: int,
        end: int,
        outside: list[dict[int, int]],
        stories: dict[int, int],
        verifiable: dict[int, U64],
    ) -> None:
        """The story of new articles start..end (CPU only: runs on a thread); `outside`: each
        new article's likeliest live stored candidate of each story (-> band keys shared),
        `stories` theirs, `verifiable` their shingles (those of these articles at least)."""
        self._stories.update(stories)
        stories = self._stories

        def shingled(article_id: int) -> U64:
            found = verifiable.get(article_id)
            if found is None:
                found = self._own.get(article_id)
            if found is None:
                found = self._own[article_id] = shingles(self._texts[article_id])
            return found

        local = self._local
        for (article_id, _), ks, shared in zip(
            self._new[start:end], self._keys[start:end], outside[start:end], strict=True
        ):
            # Candidates earlier in the batch too.
            for key in ks:
                for other in local.get(key, ()):
                    shared[other] = shared.get(other, 0) + 1
            # One candidate per story (the one sharing most bands), the likeliest first: a
            # story republished many times is verified once, not once per copy.
            ranked = (
                sorted(_per_story(shared, stories).values(), key=_likeliest)[:MAX_VERIFIED]
                if shared
                else []
            )
            best: tuple[float | None, int] | None = None
            if ranked and _same_bands(ranked[0][0], ks):
                best = (None, ranked[0][1])
            elif ranked:
                mine = shingled(article_id)
                scores = [(similarity(mine, shingled(other)), other) for _, other in ranked]
                # The most similar; of equals, the likeliest (max keeps the first).
                score, other = max(scores, key=lambda pair: pair[0])
                if score >= self._threshold:
                    best = (score, other)
            if best is None:
                assignment = Assignment(article_id, article_id, None, None)
            else:
                assignment = Assignment(article_id, stories[best[1]], best[1], best[0])
            stories[article_id] = assignment.story_id
            self.decided.append(assignment)
            for key in ks:
                holders = local.get(key)
                if holders is None:
                    local[key] = [article_id]
                else:
                    holders.append(article_id)


def _band_rows(
    ids: npt.NDArray[np.int64], per_article: npt.NDArray[np.int64], keys: npt.NDArray[np.int64]
) -> list[tuple[int, int]]:
    """The rows of story_bands: each article's distinct band keys (`per_article` of `keys`
    each, in the order of `ids`) as (key, article id), in key order, then article.

    In key order: random keys each dirty a page of the key index, and a large index has far
    more pages than a batch has keys (3x less time at 600,000 articles, sorted). Sorted with
    numpy: a batch's 20,000 tuples of large ints in Python cost 15-35 us an article."""
    owners = np.repeat(ids, per_article)
    order = np.lexsort((owners, keys))
    keys, owners = keys[order], owners[order]
    distinct = _changes(keys, owners)
    return list(zip(keys[distinct].tolist(), owners[distinct].tolist(), strict=True))


def _unheld_band_rows(
    ids: Ids,
    story_ids: Ids,
    per_article: Ids,
    keys: Ids,
    stored: Candidates,
    live: LiveStories,
) -> list[tuple[int, int]]:
    """`_band_rows` of new articles (`ids`, each now in story `story_ids`), but for the keys
    their story holds already: a live stored article of the same story under that key, or an
    article earlier in the batch that stores it.

    A key then has a holder or two a story, not one a copy: at a million articles the story
    check read up to MAX_PER_KEY holders of each key of each new copy, one per copy of a
    story republished fifty times, and a story with more copies than that lost its keys to
    the boilerplate rule. (Keys with more holders than that were not read: stored.)"""
    counts = np.diff(stored.bounds)
    held_keys = np.repeat(stored.keys, counts)
    where = np.searchsorted(live.ids, stored.ids).clip(max=max(len(live.ids) - 1, 0))
    # (None live: every holder read was deleted, or is in this batch.)
    alive = live.ids[where] == stored.ids if len(live.ids) else np.zeros(len(where), dtype=bool)
    held_keys, held_stories = held_keys[alive], live.stories[where[alive]]
    owners, stories = np.repeat(ids, per_article), np.repeat(story_ids, per_article)
    # Every (key, story) pair, those held first, then the batch's in its order: the first
    # of each pair is stored if it is the batch's.
    held = len(held_keys)
    all_keys = np.concatenate((held_keys, keys))
    all_stories = np.concatenate((held_stories, stories))
    place = np.concatenate((np.full(held, -1, dtype=np.int64), np.arange(len(keys))))
    order = np.lexsort((place, all_stories, all_keys))
    first = _changes(all_keys[order], all_stories[order])
    new = place[order[first]]
    new = new[new >= 0]
    kept_keys, kept_owners = keys[new], owners[new]
    order = np.lexsort((kept_owners, kept_keys))
    return list(zip(kept_keys[order].tolist(), kept_owners[order].tolist(), strict=True))


def _likeliest(candidate: tuple[int, int]) -> tuple[int, int]:
    """The order of (band keys shared, id) candidates: most shared first, then lowest id."""
    return -candidate[0], candidate[1]


def _same_bands(shared: int, keys: tuple[int, ...]) -> bool:
    """Whether a candidate sharing `shared` of an article's band `keys` shares all of them."""
    return shared >= _SAME_BANDS and len(set(keys)) == _SAME_BANDS


def _taken_unread(candidates: dict[int, int], keys: tuple[int, ...]) -> bool:
    """Whether an article's stored candidates (-> keys shared) hold one that shares every key:
    it is the article's match, and no candidate's text need be read."""
    return bool(candidates) and _same_bands(max(candidates.values()), keys)


def _reason(assignment: Assignment) -> str:
    """Why an article is in its story, as recorded: "first" of its own, "similar" (measured),
    "bands" (every band key shared: a near-identical text, not measured)."""
    if assignment.matched_id is None:
        return "first"
    return "similar" if assignment.similarity is not None else "bands"


def _signatures(
    texts: list[str], signed: Sequence[Signature | None]
) -> tuple[list[tuple[int, ...]], list[U64 | None]]:
    """`signatures` of the texts, those given in their place in `signed` taken from there."""
    found: list[Signature | None] = list(signed) if signed else [None] * len(texts)
    if len(found) != len(texts):
        raise ValueError(f"{len(found)} signatures for {len(texts)} texts")
    missing = [n for n, signature in enumerate(found) if signature is None]
    if missing:
        keys, own = signatures([texts[n] for n in missing])
        for n, signature in zip(missing, zip(keys, own, strict=True), strict=True):
            found[n] = signature
    complete = cast(list[Signature], found)
    return [keys for keys, _ in complete], [own for _, own in complete]


def _best_stored(
    keys: list[tuple[int, ...]],
    stored: Candidates,
    live: LiveStories,
    *,
    at_once: int = OWNERS_AT_ONCE,
) -> tuple[list[dict[int, int]], dict[int, int]]:
    """For each new article (its band keys), each story's live stored candidate that shares
    the most keys (the lowest id on a tie) -> how many it shares: `_per_story` of each
    article's live candidates, counted with numpy (a story republished forty times puts forty
    candidates under each key; counting them one by one was a sixth of an import's Python
    at 200,000 articles). And the story of each candidate chosen.

    `at_once` new articles at a time: a whole batch's (article, candidate) pairs at once
    (~480,000 at 45 copies a story) made this a batch's largest moment (+36 MiB)."""
    best: list[dict[int, int]] = [{} for _ in keys]
    stories: dict[int, int] = {}
    if not len(stored.keys) or not len(live):
        return best, stories
    for start in range(0, len(keys), at_once):
        owner, candidate, story, shared = _best_of(keys[start : start + at_once], stored, live)
        for o, c, s, n in zip(
            (owner + start).tolist(),
            candidate.tolist(),
            story.tolist(),
            shared.tolist(),
            strict=True,
        ):
            best[o][c] = n
            stories[c] = s
    return best, stories


def _best_of(
    keys: list[tuple[int, ...]], stored: Candidates, live: LiveStories
) -> tuple[Ids, Ids, Ids, Ids]:
    """`_best_stored` of some new articles: (article's place in `keys`, candidate, its story,
    keys shared), one row for each article's best of each story."""
    per_owner = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    asked = np.fromiter(
        itertools.chain.from_iterable(keys), dtype=np.int64, count=int(per_owner.sum())
    )
    owners = np.repeat(np.arange(len(keys), dtype=np.int64), per_owner)
    # Each of the articles' keys that was read: where its candidates are in `stored.ids`.
    at = np.searchsorted(stored.keys, asked).clip(max=len(stored.keys) - 1)
    hit = stored.keys[at] == asked
    owners, at = owners[hit], at[hit]
    lengths = stored.bounds[at + 1] - stored.bounds[at]
    total = int(lengths.sum())
    # Every (article, candidate under one of its keys): runs of consecutive places.
    run_starts = np.cumsum(lengths) - lengths
    places = np.arange(total, dtype=np.int64) + np.repeat(stored.bounds[at] - run_starts, lengths)
    found = stored.ids[places]
    owners = np.repeat(owners, lengths)
    del places, at, lengths
    where = np.searchsorted(live.ids, found).clip(max=len(live.ids) - 1)
    alive = live.ids[where] == found
    owner, candidate, story = owners[alive], found[alive], live.stories[where[alive]]
    del owners, found, where, alive
    # Each (new article, candidate) once, with the number of keys they share.
    order = np.lexsort((candidate, owner))
    owner, candidate, story = owner[order], candidate[order], story[order]
    starts = np.flatnonzero(_changes(owner, candidate))
    shared = np.diff(np.append(starts, len(owner)))
    owner, candidate, story = owner[starts], candidate[starts], story[starts]
    # Then the first of each (new article, story): most keys shared, lowest id.
    order = np.lexsort((candidate, -shared, story, owner))
    owner, candidate, story, shared = owner[order], candidate[order], story[order], shared[order]
    first = _changes(owner, story)
    return owner[first], candidate[first], story[first], shared[first]


def _changes(a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Where the pair (a, b) differs from the one before (the first always): group starts."""
    changed = np.ones(len(a), dtype=bool)
    changed[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return changed


def _per_story(shared: dict[int, int], stories: dict[int, int]) -> dict[int, tuple[int, int]]:
    """Each story's candidate sharing most band keys (the lowest id on a tie): (count, id)."""
    by_story: dict[int, tuple[int, int]] = {}
    for other, count in shared.items():
        story = stories[other]
        if story not in by_story or (-count, other) < (-by_story[story][0], by_story[story][1]):
            by_story[story] = (count, other)
    return by_story


def best_copy(
    copies: Sequence[Copy], as_of: dt.date | None = None, rank: Mapping[int, int] | None = None
) -> Copy | None:
    """The copy to show: the most complete text, else the earliest (none after `as_of`), else
    the one a question ranked first (`rank`: article id -> place; unranked ones after)."""
    eligible = [c for c in copies if as_of is None or c.published <= as_of]
    if not eligible:
        return None
    last = len(rank) if rank is not None else 0
    return min(
        eligible,
        key=lambda c: (
            -c.length,
            c.published,
            rank.get(c.article_id, last) if rank is not None else 0,
            c.article_id,
        ),
    )


@dataclass(frozen=True, slots=True)
class Outlets:
    """The outlets of a story's other copies (up to a few names) and how many more there are."""

    names: tuple[str, ...] = ()
    rest: int = 0

    def __bool__(self) -> bool:
        return bool(self.names or self.rest)

    def said(self, texts: Texts = ENGLISH) -> str:
        """'Reuters, Al Arabiya +3', or '2 other copies' when none is named; plain text (the
        caller escapes it), empty when the story has no other copy."""
        if not self.names:
            return (
                texts.plural("{n} other copy", "{n} other copies", self.rest) if self.rest else ""
            )
        return ", ".join(self.names) + (f" +{self.rest}" if self.rest else "")


def outlets_of(others: Sequence[Copy], shown_source: str | None, *, names: int = 2) -> Outlets:
    """The outlets of a story's other copies (`names` of them at most), then how many more."""
    named: list[str] = []
    for copy in others:
        if copy.source and copy.source != shown_source and copy.source not in named:
            named.append(copy.source)
    named = named[:names]
    rest = sum(1 for c in others if c.source not in named)
    return Outlets(tuple(named), rest)
