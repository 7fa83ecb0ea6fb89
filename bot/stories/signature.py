"""Word shingles, MinHash signatures and LSH band keys of texts, computed a batch at a time.

A text's shingles are its overlapping runs of `SHINGLE` words, lower-cased, punctuation and
white space dropped, so a changed dateline or restyled quotes change only a few of them. Hashes
are stable across processes (band keys are stored in the database): a word's is a sum of its
bytes times fixed random multipliers by position, a shingle's mixes its words' hashes. Everything
is vectorised over a whole batch of texts: no Python code runs per word or per shingle.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

SHINGLE = 4
# BANDS x ROWS hash functions; a pair with Jaccard similarity J shares a band with probability
# 1 - (1 - J**ROWS)**BANDS: 0.94 at J=0.5, 0.68 at J=0.3, 0.10 at J=0.1 (see docs/BENCHMARKS.md).
BANDS = 10
ROWS = 2
# Texts with fewer shingles than this (about 33 words) are never copies: briefs made from one
# template ("Strike kills 12 in Aleppo ...") differ in a word or two and would share most of
# their few shingles. Wire copy runs to hundreds of words.
MIN_SHINGLES = 30
# Only a text's first 4 KiB (~650 words) are shingled: copies keep an original's beginning
# and lose its end, so the beginnings tell copies apart, and the cost stays flat however long
# a text is (a 200,000-character article would otherwise cost 50 times a typical one).
MAX_BYTES = 1 << 12
# Texts hashed together at most (bounds the temporary arrays to a few MB).
_BATCH_BYTES = 1 << 19
# Shingles hashed together at most (bounds the temporary MinHash table to ~3 MB).
_CHUNK_SHINGLES = 20_000
_MASK63 = np.uint64((1 << 63) - 1)

U64 = npt.NDArray[np.uint64]

_rng = np.random.default_rng(20_151_015)
_BY_POSITION = _rng.integers(1, 2**63, size=64, dtype=np.uint64) | np.uint64(1)
_MIX = _rng.integers(1, 2**63, size=SHINGLE, dtype=np.uint64) | np.uint64(1)
_PERM_A = _rng.integers(1, 2**63, size=(BANDS * ROWS, 1), dtype=np.uint64) | np.uint64(1)
_PERM_B = _rng.integers(0, 2**63, size=(BANDS * ROWS, 1), dtype=np.uint64)
_BAND_MIX = _rng.integers(1, 2**63, size=ROWS, dtype=np.uint64) | np.uint64(1)
_BAND_OFFSET = _rng.integers(1, 2**63, size=BANDS, dtype=np.uint64)
# Each byte's value in a word hash; 0 for bytes that separate words. Letters, digits and every
# byte of a non-ASCII character (other scripts) make words.
_CODE = np.zeros(256, dtype=np.uint64)
for _byte in (*range(48, 58), *range(97, 123), *range(128, 256)):
    _CODE[_byte] = _byte + 1


def _words(raw: npt.NDArray[np.uint8]) -> tuple[U64, npt.NDArray[np.intp]]:
    """Each word's hash in a byte string (words in order), and where each word starts."""
    code = _CODE[raw]
    is_word = (code > 0).astype(np.int8)
    edges = np.diff(is_word, prepend=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    if not len(starts):
        return np.zeros(0, dtype=np.uint64), starts
    # A byte's place in its word: positions count from the last word start at or before it.
    last_start = np.maximum.accumulate(np.where(edges == 1, np.arange(len(raw)), 0))
    place = np.minimum(np.arange(len(raw)) - last_start, 63)
    hashed: U64 = np.add.reduceat(code * _BY_POSITION[place], starts)
    return hashed, starts


def _mix(hashed: U64) -> U64:
    """The hash of every run of SHINGLE consecutive words (len(hashed) - SHINGLE + 1 of them)."""
    count = len(hashed) - SHINGLE + 1
    mixed: U64 = hashed[:count] * _MIX[0]
    for offset in range(1, SHINGLE):
        mixed = (mixed ^ (mixed >> np.uint64(29))) + hashed[offset : offset + count] * _MIX[offset]
    return mixed


def _raw(text: str) -> bytes:
    # A character is at least one byte: cut before lowering (articles run to 200,000).
    return text[:MAX_BYTES].lower().encode("utf-8", "replace")[:MAX_BYTES]


def shingles(text: str) -> U64:
    """The sorted distinct shingle hashes of a text."""
    hashed, _ = _words(np.frombuffer(_raw(text), dtype=np.uint8))
    if len(hashed) < SHINGLE:
        return np.zeros(0, dtype=np.uint64)
    return np.unique(_mix(hashed))


def band_keys(texts: Sequence[str]) -> list[tuple[int, ...]]:
    """The LSH band keys of each text (none for a text too short to compare)."""
    return signatures(texts)[0]


def signatures(texts: Sequence[str]) -> tuple[list[tuple[int, ...]], list[U64 | None]]:
    """The band keys of each text, and its `shingles` where it has keys (None elsewhere):
    a new article with candidates is verified against them, and its shingles are at hand."""
    pieces = [_raw(t) for t in texts]
    keys: list[tuple[int, ...]] = []
    own: list[U64 | None] = []
    start = 0
    while start < len(pieces):
        end, size = start + 1, len(pieces[start])
        while end < len(pieces) and size + len(pieces[end]) <= _BATCH_BYTES:
            size += len(pieces[end])
            end += 1
        found, shingled = _band_keys(pieces[start:end])
        keys.extend(found)
        own.extend(shingled)
        start = end
    return keys, own


def _band_keys(pieces: Sequence[bytes]) -> tuple[list[tuple[int, ...]], list[U64 | None]]:
    """signatures of texts already lower-cased, encoded and cut to MAX_BYTES."""
    # One separator byte between texts, so no word runs from one text into the next.
    joined = np.frombuffer(b"\x00".join(pieces), dtype=np.uint8)
    hashed, starts = _words(joined)
    text_starts = np.cumsum([0] + [len(p) + 1 for p in pieces[:-1]])
    # Words of text i: first_word[i] up to first_word[i + 1].
    first_word = np.searchsorted(starts, text_starts)
    word_ends = np.append(first_word[1:], len(hashed))
    mixed = _mix(hashed) if len(hashed) >= SHINGLE else np.zeros(0, dtype=np.uint64)
    counts = word_ends - first_word - SHINGLE + 1
    keys: list[tuple[int, ...]] = [()] * len(pieces)
    own: list[U64 | None] = [None] * len(pieces)
    wanted = [i for i in range(len(pieces)) if counts[i] >= MIN_SHINGLES]
    at = 0
    while at < len(wanted):
        # A chunk of texts whose shingles fit the table (at least one text).
        chunk = [wanted[at]]
        size = int(counts[wanted[at]])
        at += 1
        while at < len(wanted) and size + counts[wanted[at]] <= _CHUNK_SHINGLES:
            size += int(counts[wanted[at]])
            chunk.append(wanted[at])
            at += 1
        segments = [mixed[first_word[i] : first_word[i] + counts[i]] for i in chunk]
        for i, segment in zip(chunk, segments, strict=True):
            own[i] = np.unique(segment)
        values = np.concatenate(segments)
        offsets = np.cumsum([0] + [len(s) for s in segments[:-1]])
        # Row j of the table: (a_j * x + b_j) mod 2**64 for every shingle x; MinHash takes
        # each text's minimum per row.
        table = (values * _PERM_A + _PERM_B) >> np.uint64(16)
        signatures = np.minimum.reduceat(table, offsets, axis=1).T.reshape(len(chunk), BANDS, ROWS)
        band = (signatures * _BAND_MIX).sum(axis=2, dtype=np.uint64) + _BAND_OFFSET
        for i, row in zip(chunk, (band & _MASK63).tolist(), strict=True):
            keys[i] = tuple(row)
    return keys, own


def similarity(a: U64, b: U64) -> float:
    """How much of the shorter text the longer one holds (shared shingles / the fewer).

    Copies lose their last paragraphs and gain a line or two: of the shorter one, nearly every
    shingle is in the longer. Reports of different events share only stock phrases.
    """
    smaller = min(len(a), len(b))
    if smaller < MIN_SHINGLES:
        return 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / smaller
