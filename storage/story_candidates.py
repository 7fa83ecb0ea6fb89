"""The story check's reads as numpy arrays: a batch's candidates and which of them are live.

A batch of 2,000 near copies reads hundreds of thousands of candidate ids; as Python ints in
lists and dicts (~36 bytes each with its slot) they were a quarter of what a batch held.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Ids = npt.NDArray[np.int64]


def ids_of(values: Iterable[int]) -> Ids:
    """The distinct values, sorted, as an array."""
    if isinstance(values, np.ndarray):
        return np.unique(values.astype(np.int64, copy=False))
    return np.unique(np.fromiter(values, dtype=np.int64))


@dataclass(frozen=True, slots=True)
class Candidates:
    """Band keys (sorted, distinct) and the articles stored under each: key `keys[i]` holds
    `ids[bounds[i]:bounds[i + 1]]`."""

    keys: Ids
    bounds: Ids
    ids: Ids

    @classmethod
    def of_runs(cls, keys: Ids, counts: Ids, ids: Ids, *, most: int = sys.maxsize) -> Candidates:
        """From runs: key `keys[i]` holds the next `counts[i]` of `ids`, keys rising (SQLite's
        GROUP BY gives them so); keys holding more than `most` left out."""
        if len(keys) > 1 and not bool(np.all(keys[1:] > keys[:-1])):
            return cls.of_pairs(np.repeat(keys, counts), ids, most=most)
        kept = counts <= most
        if not kept.all():
            ids = ids[np.repeat(kept, counts)]
            keys, counts = keys[kept], counts[kept]
        bounds = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=bounds[1:])
        return cls(keys, bounds, ids)

    @classmethod
    def of_pairs(cls, keys: Ids, ids: Ids, *, most: int = sys.maxsize) -> Candidates:
        """From (key, article) pairs in any order; keys holding more than `most` left out."""
        order = np.argsort(keys, kind="stable")
        keys, ids = keys[order], ids[order]
        distinct, counts = np.unique(keys, return_counts=True)
        return cls.of_runs(distinct.astype(np.int64, copy=False), counts, ids, most=most)

    @classmethod
    def of_lists(cls, lists: Mapping[int, Sequence[int]], *, most: int = sys.maxsize) -> Candidates:
        """From key -> article ids (tests)."""
        keys = np.fromiter((k for k, ids in lists.items() for _ in ids), dtype=np.int64)
        ids = np.fromiter((i for ids in lists.values() for i in ids), dtype=np.int64)
        return cls.of_pairs(keys, ids, most=most)

    def as_lists(self) -> dict[int, list[int]]:
        """key -> article ids, as Python lists."""
        ids, edges = self.ids.tolist(), self.bounds.tolist()
        return {key: ids[edges[n] : edges[n + 1]] for n, key in enumerate(self.keys.tolist())}


@dataclass(frozen=True, slots=True)
class LiveStories:
    """Live articles (ids sorted, distinct) and the story of each."""

    ids: Ids
    stories: Ids

    @classmethod
    def of_pairs(cls, ids: Ids, stories: Ids) -> LiveStories:
        """From (article, story) pairs in any order, each article once."""
        order = np.argsort(ids, kind="stable")
        return cls(ids[order], stories[order])

    @classmethod
    def of_dict(cls, stories: Mapping[int, int]) -> LiveStories:
        """From article -> story (tests)."""
        count = len(stories)
        return cls.of_pairs(
            np.fromiter(stories.keys(), dtype=np.int64, count=count),
            np.fromiter(stories.values(), dtype=np.int64, count=count),
        )

    def as_dict(self) -> dict[int, int]:
        """article -> story, as Python ints."""
        return dict(zip(self.ids.tolist(), self.stories.tolist(), strict=True))

    def without(self, gone: Iterable[int]) -> LiveStories:
        """These articles left out (deleted since they were read)."""
        kept = ~np.isin(self.ids, ids_of(gone))
        return LiveStories(self.ids[kept], self.stories[kept])

    def __len__(self) -> int:
        return len(self.ids)
