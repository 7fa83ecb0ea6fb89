"""Where each article sits in the messages of a composed digest, stored beside the messages.

A digest is composed once and sent later, part by part; an article deleted in between must
not go out. The layout lets the sender cut a deleted article's item out of a stored message
without composing it again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PartLayout:
    """The blocks of one digest message, and the header's article count if it holds it.

    `blocks`: (article id, or 0 for a header or a closing line; start; end), character
    offsets into the message, in order; the message is the blocks joined by a separator.
    `count`: (start, end, N) of the header's "N new articles", when this message has it.
    """

    blocks: tuple[tuple[int, int, int], ...] = ()
    count: tuple[int, int, int] | None = None

    @property
    def article_ids(self) -> tuple[int, ...]:
        """The articles this message shows."""
        return tuple(article_id for article_id, _, _ in self.blocks if article_id)


def encode_layouts(layouts: Sequence[PartLayout]) -> str | None:
    """The stored form: one [blocks, count] pair per message (None: no layout known)."""
    if not layouts:
        return None
    return json.dumps(
        [[[list(b) for b in layout.blocks], layout.count] for layout in layouts],
        separators=(",", ":"),
    )


def decode_layouts(stored: str | None) -> tuple[PartLayout, ...]:
    """Read the stored form back; a digest recorded before layouts existed has none."""
    if not stored:
        return ()
    return tuple(
        PartLayout(
            tuple((int(a), int(s), int(e)) for a, s, e in blocks),
            None if count is None else (int(count[0]), int(count[1]), int(count[2])),
        )
        for blocks, count in json.loads(stored)
    )
