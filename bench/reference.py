"""Off-the-shelf BM25 engines the bot is compared with: SQLite FTS5, bm25s and plain tantivy."""

from __future__ import annotations

import datetime
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import bm25s
import numpy as np
import Stemmer
import tantivy

from bot.questions.analysis import STOP_WORDS, stem, tokenize
from bot.questions.sentences import split_sentences
from storage.search_index import day_number

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Doc:
    """An article as the benchmarks see it."""

    doc_id: int
    title: str
    text: str
    date: datetime.date | None


class Engine(Protocol):
    """A reference engine: index once, then answer keyword queries with a date rule."""

    name: str

    def add(self, docs: Sequence[Doc]) -> None:
        """Index a batch of documents."""

    def finish(self) -> None:
        """Make everything added searchable."""

    def search(self, query: str, as_of: datetime.date | None, k: int) -> list[int]:
        """Return the ids of the best `k` documents published on or before `as_of`."""


def keywords(question: str) -> list[str]:
    """Return the question's words without stop words, as given to the reference engines."""
    return [w for w in (m.group().lower() for m in tokenize(question)) if w not in STOP_WORDS]


def overlap_sentence(question: str, text: str) -> str:
    """Return the sentence of `text` sharing most query words (earliest on ties)."""
    wanted = {stem(w) for w in keywords(question)}
    best, best_count = "", -1
    for sentence in split_sentences(text):
        count = len(wanted & {stem(m.group()) for m in tokenize(sentence.text)})
        if count > best_count:
            best, best_count = sentence.text, count
    return best


class Fts5Engine:
    """SQLite FTS5 with the porter stemmer over unicode61, ranked by bm25()."""

    name = "fts5"

    def __init__(self, path: str = ":memory:") -> None:
        self._db = sqlite3.connect(path)
        self._db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS docs"
            " USING fts5(title, body, tokenize='porter unicode61')"
        )
        self._db.execute("CREATE TABLE IF NOT EXISTS dates (id INTEGER PRIMARY KEY, day INTEGER)")

    def add(self, docs: Sequence[Doc]) -> None:
        """Index a batch of documents."""
        with self._db:
            self._db.executemany(
                "INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)",
                [(d.doc_id, d.title, d.text) for d in docs],
            )
            self._db.executemany(
                "INSERT INTO dates(id, day) VALUES (?, ?)",
                [(d.doc_id, None if d.date is None else day_number(d.date)) for d in docs],
            )

    def finish(self) -> None:
        """Nothing to do: every insert is searchable."""

    def search(self, query: str, as_of: datetime.date | None, k: int) -> list[int]:
        """Return the best `k` rowids by bm25(), OR of the keywords."""
        words = keywords(query)
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', "") + '"' for w in words)
        limit_day = day_number(as_of) if as_of is not None else 1 << 40
        rows = self._db.execute(
            "SELECT docs.rowid FROM docs JOIN dates ON dates.id = docs.rowid "
            "WHERE docs MATCH ? AND (dates.day IS NULL OR dates.day <= ?) "
            "ORDER BY bm25(docs) LIMIT ?",
            (match, limit_day, k),
        ).fetchall()
        return [int(r[0]) for r in rows]


class Bm25sEngine:
    """bm25s (Lucene BM25) with the Snowball English stemmer; a date mask for the date rule."""

    name = "bm25s"

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._texts: list[str] = []
        self._ids: list[int] = []
        self._days: list[int] = []
        self._model = bm25s.BM25()

    def add(self, docs: Sequence[Doc]) -> None:
        """Collect documents; bm25s indexes all at once."""
        for d in docs:
            self._texts.append(d.title + "\n" + d.text)
            self._ids.append(d.doc_id)
            self._days.append(-(1 << 30) if d.date is None else day_number(d.date))

    def finish(self) -> None:
        """Build the index."""
        tokens = bm25s.tokenize(self._texts, stemmer=self._stemmer, show_progress=False)
        self._model.index(tokens, show_progress=False)
        self._day_array: npt.NDArray[np.int64] = np.array(self._days, dtype=np.int64)
        self._texts = []

    def search(self, query: str, as_of: datetime.date | None, k: int) -> list[int]:
        """Return the best `k` ids among documents allowed by the date rule."""
        words = keywords(query)
        tokens = bm25s.tokenize(
            [" ".join(words)], stemmer=self._stemmer, show_progress=False, stopwords=None
        )
        if not tokens.vocab:
            return []
        mask = None
        if as_of is not None:
            mask = (self._day_array <= day_number(as_of)).astype(np.float32)
        k = min(k, len(self._ids))
        docs, scores = self._model.retrieve(tokens, k=k, show_progress=False, weight_mask=mask)
        return [self._ids[int(i)] for i, s in zip(docs[0], scores[0], strict=True) if s > 0]


class TantivyEngine:
    """Plain tantivy with the en_stem tokenizer, OR of the keywords, BM25."""

    name = "tantivy"

    def __init__(self, path: str | None = None) -> None:
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=False, fast=True, indexed=True)
        builder.add_integer_field("day", fast=True, indexed=True)
        builder.add_text_field("title", tokenizer_name="en_stem")
        builder.add_text_field("body", tokenizer_name="en_stem")
        self._schema = builder.build()
        self._index = tantivy.Index(self._schema, path=path)
        self._writer = self._index.writer(heap_size=128_000_000)

    def add(self, docs: Sequence[Doc]) -> None:
        """Index a batch of documents."""
        for d in docs:
            doc = tantivy.Document(id=d.doc_id, title=d.title, body=d.text)
            if d.date is not None:
                doc.add_integer("day", day_number(d.date))
            self._writer.add_document(doc)

    def finish(self) -> None:
        """Commit and reload."""
        self._writer.commit()
        self._writer.wait_merging_threads()
        self._index.reload()
        self._searcher = self._index.searcher()

    def search(self, query: str, as_of: datetime.date | None, k: int) -> list[int]:
        """Return the best `k` ids by BM25 over title and body."""
        words = [re.sub(r"[^\w]", "", w) for w in keywords(query)]
        text = " ".join(w for w in words if w)
        if not text:
            return []
        parsed = self._index.parse_query(text, ["title", "body"])
        if as_of is not None:
            later = tantivy.Query.range_query(
                self._schema, "day", tantivy.FieldType.Integer, lower_bound=day_number(as_of) + 1
            )
            parsed = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, parsed), (tantivy.Occur.MustNot, later)]
            )
        hits = self._searcher.search(parsed, k, count=False).hits
        if not hits:
            return []
        ids = self._searcher.fast_field_values("id", [a for _, a in hits])
        return [int(i) for i in ids]


def all_engines() -> list[Engine]:
    """Return a fresh instance of each reference engine."""
    return [Fts5Engine(), Bm25sEngine(), TantivyEngine()]
