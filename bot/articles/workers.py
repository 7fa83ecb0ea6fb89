"""The worker processes that parse a bulk import's batches (see Archive.import_records)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import operator
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from bot.articles.building import ImportRecord, JsonLine, build_records, decode_record
from bot.i18n import Phrase
from bot.languages import load_model
from bot.stories.signature import U64, Signature, signatures
from storage.articles import NewArticle

# One parsing process per core (at most 4) where there are several: the importer's own work
# is mostly tantivy's threads and SQLite's, and two workers on two cores kept both busier than
# one (40,000 articles: 26.2 -> 23.1 s, docs/BENCHMARKS.md). One core: parse in the importer.
_CORES = os.cpu_count() or 1
IMPORT_WORKERS = min(4, _CORES) if _CORES > 1 else 0


@dataclass(frozen=True, slots=True)
class Built:
    """A batch of records made articles, why the others were refused, each article's story
    signature in its place (the story check's hashing, done here beside the parse; none when
    empty), and the lines that were no article objects (file, line).

    (In places, not by text: a dict by text hashed every text in both processes, ~3 us an
    article in each.)"""

    articles: list[NewArticle]
    refused: list[Phrase]
    signed: list[Signature | None] = field(default_factory=list)
    unreadable: list[tuple[str | None, int]] = field(default_factory=list)
    # Each article's text in UTF-8, as the parse encoded it: sent so, not encoded again.
    encoded: list[bytes] | None = field(default=None, compare=False, repr=False)

    def __reduce__(self) -> tuple[Callable[..., Built], tuple[object, ...]]:
        # Sent from a worker as plain rows, the texts' UTF-8 and one array of every article's
        # shingles: the importer unpickled dataclasses field by field and two thousand small
        # arrays at a third more cost (its share of an import is the neck), and pickling a
        # text encodes it (7 us an article) where the parse had its bytes already.
        rows = [_OTHER_FIELDS(a) for a in self.articles]
        texts = self.encoded
        if texts is None or len(texts) != len(self.articles):
            texts = [a.text.encode("utf-8", "surrogatepass") for a in self.articles]
        found = self.signed or [None] * len(self.articles)
        keys = [() if signed is None else signed[0] for signed in found]
        own = [None if signed is None else signed[1] for signed in found]
        lengths = [
            _UNSIGNED if signed is None else _NONE if shingled is None else len(shingled)
            for signed, shingled in zip(found, own, strict=True)
        ]
        flat = np.concatenate([s for s in own if s is not None] or [np.zeros(0, np.uint64)])
        return _unpack, (rows, texts, keys, lengths, flat, self.refused, self.unreadable)


# `lengths` of `_unpack`: a text with no shingles (too short), a text with no signature.
_NONE = -1
_UNSIGNED = -2


# Every field of an article but its text, which is sent apart (encoded), and its place.
_NAMES = [f.name for f in fields(NewArticle)]
_TEXT_AT = _NAMES.index("text")
_OTHER_FIELDS = operator.attrgetter(*(name for name in _NAMES if name != "text"))


def _unpack(
    rows: list[tuple[Any, ...]],
    texts: list[bytes],
    keys: list[tuple[int, ...]],
    lengths: list[int],
    flat: U64,
    refused: list[Phrase],
    unreadable: list[tuple[str | None, int]],
) -> Built:
    at = _TEXT_AT
    articles = [
        NewArticle(*(*row[:at], text.decode("utf-8", "surrogatepass"), *row[at:]))
        for row, text in zip(rows, texts, strict=True)
    ]
    signed: list[Signature | None] = []
    start = 0
    for ks, length in zip(keys, lengths, strict=True):
        if length == _NONE:
            signed.append((ks, None))
        elif length >= 0:
            signed.append((ks, flat[start : start + length]))
            start += length
        else:
            signed.append(None)
    return Built(articles, refused, signed, unreadable)


def build_batch(chunk: Sequence[tuple[int, ImportRecord | JsonLine]], today: dt.date) -> Built:
    """Decode, parse and sign numbered records (decoding JSON here spares the importer)."""
    records: list[tuple[int, ImportRecord]] = []
    unreadable: list[tuple[str | None, int]] = []
    for number, item in chunk:
        if isinstance(item, JsonLine):
            line = item.data.decode("utf-8", "replace")
            if item.number == 1:  # a byte order mark, as Windows' editors write them
                line = line.removeprefix("\ufeff")
            if not line.strip():  # white space beyond ASCII's: a blank line
                continue
            decoded = decode_record(line, item.where, item.number)
            if decoded is None:
                unreadable.append((item.where, item.number))
                continue
            item = decoded
        records.append((number, item))
    encoded: list[bytes] = []
    articles, refused = build_records(records, today, encoded)
    keys, own = signatures([a.text for a in articles], encoded)
    return Built(articles, refused, list(zip(keys, own, strict=True)), unreadable, encoded)


def parse_pool(workers: int) -> ProcessPoolExecutor:
    """`workers` fresh processes (spawned: the importer's threads and connections stay out)
    that each exit when the importer is gone, started now with the language model loaded
    (a second or two, while the importer parses its first batch itself)."""
    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_exit_with_parent
    )
    for _ in range(workers):
        pool.submit(_warm_up)
    return pool


def _warm_up() -> None:
    # (Else the model loads at the first text no shortcut of `detect` reads.)
    load_model()


def _exit_with_parent() -> None:
    # A worker whose importer was killed would wait forever for work that will not come.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_after, args=(parent,), daemon=True).start()


def _exit_after(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)
