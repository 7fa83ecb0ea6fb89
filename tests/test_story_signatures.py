"""Story signatures: the vectorised hashes equal their definition, and never change.

Band keys are stored in the database, so a faster way to compute them must give the very same
numbers: the plain definitions below (one word, one shingle at a time) are the reference.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.stories.signature import (
    _BY_POSITION,
    _CODE,
    _MIX,
    MAX_BYTES,
    SHINGLE,
    _raw,
    shingles,
    shingles_many,
    signatures,
)

SEED = Path(__file__).parent.parent / "bot" / "sample" / "raqqa-2017-07-04.txt"
_MASK = (1 << 64) - 1
# Letters, digits, other scripts, punctuation and white space, in runs long and short (a word
# past 64 bytes weighs its rest as the 64th byte).
_PIECES = st.sampled_from(["a", "Z", "7", "é", "ж", "ب", "😀", " ", ".", "-", "\n", "\x00"])
_TEXTS = st.lists(st.tuples(_PIECES, st.sampled_from([1, 2, 5, 40, 70, 130])), max_size=60).map(
    lambda runs: "".join(piece * count for piece, count in runs)
)


def _word_hashes(text: str) -> list[int]:
    """Each word's hash as the module defines it, one byte at a time."""
    data = text[:4096].lower().encode("utf-8", "replace")[:4096]
    hashes: list[int] = []
    place = -1
    for byte in data:
        code = int(_CODE[byte])
        if not code:
            place = -1
            continue
        if place < 0:
            hashes.append(0)
        place += 1
        hashes[-1] = (hashes[-1] + code * int(_BY_POSITION[min(place, 63)])) & _MASK
    return hashes


def _reference_shingles(text: str) -> list[int]:
    words = _word_hashes(text)
    found = set()
    for at in range(len(words) - SHINGLE + 1):
        mixed = words[at] * int(_MIX[0]) & _MASK
        for offset in range(1, SHINGLE):
            mixed = ((mixed ^ (mixed >> 29)) + words[at + offset] * int(_MIX[offset])) & _MASK
        found.add(mixed)
    return sorted(found)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=4))
def test_shingles_equal_their_definition_alone_or_together(texts: list[str]) -> None:
    together = shingles_many(texts)
    for text, found in zip(texts, together, strict=True):
        assert found.tolist() == _reference_shingles(text)
        assert shingles(text).tolist() == found.tolist()
    _, own = signatures(texts)
    for text, kept in zip(texts, own, strict=True):
        assert kept is None or kept.tolist() == _reference_shingles(text)


# Characters whose lower case is another (or two: İ), Σ (lowered by its place), and
# characters of one to four bytes, in runs that reach past MAX_BYTES.
_CASED = st.sampled_from([*"aA éÉßẞΣσİǅжЖ€", "😀"])
_LONG = st.lists(st.tuples(_CASED, st.integers(1, 1500)), max_size=8).map(
    lambda runs: "".join(piece * count for piece, count in runs)
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_TEXTS, _LONG), st.integers(0, 8))
def test_a_text_lowered_from_its_bytes_is_the_text_lowered(text: str, pad: int) -> None:
    text = "a" * (MAX_BYTES - pad) + text if pad else text  # a character across the cut
    assert _raw(text, text.encode("utf-8")) == _raw(text)


def test_stored_band_keys_do_not_change() -> None:
    # Computed by the first version (byte-at-a-time word hashes, np.unique): an archive's
    # stored keys stay valid only while these hold.
    keys, own = signatures([SEED.read_text(encoding="utf-8")])
    assert keys[0] == (
        5433757211071042261,
        7712444784785503042,
        5762140206728594657,
        2231267463199554486,
        2923237810710129186,
        5729612498506260593,
        2956469046801126720,
        1434862458693372862,
        7372022419615347694,
        7667886459963712996,
    )
    assert own[0] is not None
    assert (len(own[0]), int(own[0][0]), int(own[0][-1])) == (
        359,
        75314513533866782,
        18353670180153718149,
    )
    assert own[0].dtype == np.uint64
