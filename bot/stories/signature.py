"""Word shingles, MinHash signatures and LSH band keys of texts, computed a batch at a time.

A text's shingles are its overlapping runs of `SHINGLE` words, lower-cased, punctuation and
white space dropped, so a changed dateline or restyled quotes change only a few of them. Hashes
are stable across processes (band keys are stored in the database): a word's is a sum of its
bytes times fixed random multipliers by position, a shingle's mixes its words' hashes. Everything
is vectorised over a whole batch of texts: no Python code runs per word or per shingle.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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
# Shingles hashed together at most: the temporary MinHash table (20 rows of them) stays in the
# L2 cache at 800 KB (at 20,000, 3.2 MB, the signatures cost a sixth more).
_CHUNK_SHINGLES = 5_000
_MASK63 = np.uint64((1 << 63) - 1)

U64 = npt.NDArray[np.uint64]
# A text's band keys and, where it has keys, its shingles (`signatures` of one text).
Signature = tuple[tuple[int, ...], U64 | None]

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
# 1 for the bytes that make words, for bytes.translate.
_IS_WORD = bytes(int(code > 0) for code in _CODE.tolist())
# Places in a word from this one on weigh alike.
_LAST_PLACE = 63
# _PLACE_SUMS[k]: the sum of the first k places' multipliers.
_PLACE_SUMS = np.concatenate(
    ([np.uint64(0)], np.cumsum(_BY_POSITION[:_LAST_PLACE], dtype=np.uint64))
)


def _words(data: bytes) -> tuple[U64, npt.NDArray[np.intp]]:
    """Each word's hash in a byte string (words in order), and where each word starts.

    A word's hash is the sum of its bytes' codes times _BY_POSITION of their place in it (the
    64th and later bytes all weigh as the 64th). Summed place by place over the words long
    enough to have that place, longest first, rather than byte by byte: a third of the work.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    edges = np.diff(
        np.frombuffer(data.translate(_IS_WORD), dtype=np.int8),
        prepend=np.int8(0),
        append=np.int8(0),
    )
    starts = np.flatnonzero(edges == 1)
    if not len(starts):
        return np.zeros(0, dtype=np.uint64), starts
    lengths = np.flatnonzero(edges == -1) - starts
    # Longest first (a counting sort on lengths capped at 64: their order past that is moot),
    # so the words that have a given place are a prefix.
    order = np.argsort((64 - np.minimum(lengths, 64)).astype(np.uint8), kind="stable")
    first = starts[order]
    longer = len(starts) - np.cumsum(np.bincount(lengths))  # longer[k]: words over k bytes
    # A word's bytes' codes are the bytes plus one: the ones sum to _PLACE_SUMS of its length.
    summed = _PLACE_SUMS[np.minimum(lengths[order], _LAST_PLACE)]
    for place in range(min(len(longer), _LAST_PLACE)):
        n = int(longer[place])
        summed[:n] += raw[place:][first[:n]] * _BY_POSITION[place]
    if len(longer) > _LAST_PLACE and (n := int(longer[_LAST_PLACE])):
        # Words of over 64 bytes: the rest of each weighs as its 64th byte.
        total = np.concatenate(([np.uint64(0)], np.cumsum(_CODE[raw], dtype=np.uint64)))
        rest = total[first[:n] + lengths[order][:n]] - total[first[:n] + _LAST_PLACE]
        summed[:n] += rest * _BY_POSITION[_LAST_PLACE]
    hashed = np.empty_like(summed)
    hashed[order] = summed
    return hashed, starts


def _mix(hashed: U64) -> U64:
    """The hash of every run of SHINGLE consecutive words (len(hashed) - SHINGLE + 1 of them)."""
    count = len(hashed) - SHINGLE + 1
    mixed: U64 = hashed[:count] * _MIX[0]
    for offset in range(1, SHINGLE):
        mixed = (mixed ^ (mixed >> np.uint64(29))) + hashed[offset : offset + count] * _MIX[offset]
    return mixed


def _raw(text: str, data: bytes | None = None) -> bytes:
    """The text lower-cased, in UTF-8, cut to MAX_BYTES; `data`: its UTF-8, when at hand."""
    if "\u200c" in text:
        # Persian's zero-width non-joiner, which one outlet types where another does not (and
        # texts stored before it was kept lack): "زلزله‌ای" and "زلزلهای" are one word.
        text, data = text.replace("\u200c", ""), None
    # Where the characters beyond ASCII in the bytes kept lower to themselves (most texts in
    # Latin letters), lowering the ASCII letters of the UTF-8 is lowering the text: no
    # character changes its length. (They are complete in MAX_BYTES + 3 bytes.)
    if data is not None and len(data) <= len(text) + len(text) // 8:
        others = data[: MAX_BYTES + 3].translate(None, _ASCII_BYTES).decode("utf-8", "ignore")
        if others.lower() == others:
            return data[:MAX_BYTES].lower()
    # A character is at least one byte: cut before lowering (articles run to 200,000).
    return text[:MAX_BYTES].lower().encode("utf-8", "replace")[:MAX_BYTES]


_ASCII_BYTES = bytes(range(128))


def _distinct(values: U64) -> U64:
    """The sorted distinct values, as np.unique gives them: its hash table costs about eight
    times a sort on a text's few hundred shingles."""
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def shingles(text: str) -> U64:
    """The sorted distinct shingle hashes of a text."""
    return shingles_many([text])[0]


def shingles_many(texts: Sequence[str]) -> list[U64]:
    """`shingles` of each text, hashed together (a story check verifies many candidates)."""
    pieces = [_raw(t) for t in texts]
    found: list[U64] = []
    for start, end in _spans(pieces):
        mixed, first_word, counts = _shingled(pieces[start:end])
        found.extend(
            _distinct(mixed[first : first + max(count, 0)])
            for first, count in zip(first_word.tolist(), counts.tolist(), strict=True)
        )
    return found


def band_keys(texts: Sequence[str]) -> list[tuple[int, ...]]:
    """The LSH band keys of each text (none for a text too short to compare)."""
    return signatures(texts)[0]


def signatures(
    texts: Sequence[str], encoded: Sequence[bytes] | None = None
) -> tuple[list[tuple[int, ...]], list[U64 | None]]:
    """The band keys of each text, and its `shingles` where it has keys (None elsewhere):
    a new article with candidates is verified against them, and its shingles are at hand.
    `encoded`: the texts in UTF-8, when the caller has them (an import's parse does)."""
    if encoded is None:
        pieces = [_raw(t) for t in texts]
    else:
        pieces = [_raw(t, data) for t, data in zip(texts, encoded, strict=True)]
    keys: list[tuple[int, ...]] = []
    own: list[U64 | None] = []
    for start, end in _spans(pieces):
        found, shingled = _band_keys(pieces[start:end])
        keys.extend(found)
        own.extend(shingled)
    return keys, own


def signatures_by_text(texts: Sequence[str]) -> dict[str, Signature]:
    """`signatures` of each text, by the text (an import computes them beside its parse)."""
    keys, own = signatures(texts)
    return dict(zip(texts, zip(keys, own, strict=True), strict=True))


def _spans(pieces: Sequence[bytes]) -> Iterator[tuple[int, int]]:
    """Runs of pieces hashed together: _BATCH_BYTES at most (at least one piece)."""
    start = 0
    while start < len(pieces):
        end, size = start + 1, len(pieces[start])
        while end < len(pieces) and size + len(pieces[end]) <= _BATCH_BYTES:
            size += len(pieces[end])
            end += 1
        yield start, end
        start = end


def _shingled(pieces: Sequence[bytes]) -> tuple[U64, npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The shingle hashes of texts already lower-cased, encoded and cut to MAX_BYTES, run
    together: text i's are mixed[first_word[i] : first_word[i] + counts[i]] (counts[i] < 1:
    none)."""
    # One separator byte between texts, so no word runs from one text into the next.
    hashed, starts = _words(b"\x00".join(pieces))
    text_starts = np.cumsum([0] + [len(p) + 1 for p in pieces[:-1]])
    # Words of text i: first_word[i] up to first_word[i + 1].
    first_word = np.searchsorted(starts, text_starts)
    word_ends = np.append(first_word[1:], len(hashed))
    mixed = _mix(hashed) if len(hashed) >= SHINGLE else np.zeros(0, dtype=np.uint64)
    return mixed, first_word, word_ends - first_word - SHINGLE + 1


def _band_keys(pieces: Sequence[bytes]) -> tuple[list[tuple[int, ...]], list[U64 | None]]:
    """signatures of texts already lower-cased, encoded and cut to MAX_BYTES."""
    mixed, first_word, counts = _shingled(pieces)
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
            own[i] = _distinct(segment)
        values = np.concatenate(segments)
        offsets = np.cumsum([0] + [len(s) for s in segments[:-1]])
        # Row j of the table: (a_j * x + b_j) mod 2**64 for every shingle x; MinHash takes
        # each text's minimum per row. In place: the table is the largest array here.
        table = values * _PERM_A
        table += _PERM_B
        table >>= np.uint64(16)
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
