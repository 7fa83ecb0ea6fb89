"""The full-text index of the archive: a tantivy index keyed by article id, with a watermark."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import functools
import json
import logging
import os
import pathlib
import shutil
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import tantivy

from storage.faults import crash_point
from storage.languages import (
    ENGLISH,
    LANGUAGES,
    LEAD_CHARS,
    analysis_of,
    body_field,
    lead_field,
    make_language_analyzer,
    normalize,
    title_field,
    tokenizer_name,
)
from storage.languages import (
    MAX_TOKEN_CHARS as MAX_TOKEN_CHARS,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


log = logging.getLogger(__name__)

ID_FIELD = "id"
DAY_FIELD = "day"
# The article's language code and its source's words (lower case), for `lang:`/`source:`.
LANG_FIELD = "lang"
SOURCE_FIELD = "source"
_SOURCE_TOKENIZER = "source_words"
TITLE_FIELD = title_field(ENGLISH)
BODY_FIELD = body_field(ENGLISH)
TEXT_FIELDS = (TITLE_FIELD, BODY_FIELD)
WATERMARK_FILE = "watermark.json"
# Terms whose `doc_freq` is kept until the searcher changes (a few MiB at most).
DOC_FREQS_KEPT = 50_000
_EPOCH = datetime.date(1970, 1, 1)
_WRITER_HEAP_BYTES = 128_000_000
# An import's writer: larger in-memory segments mean fewer segment files and merges.
_BULK_HEAP_BYTES = 1_000_000_000
# Present while an import holds the writer (see `bulk_writer_elsewhere`).
_BULK_MARK_FILE = "importing"
WRITER_LOCK_FILE = ".tantivy-writer.lock"
# A write waits this long for another process's writer before giving up (IndexLocked).
LOCK_WAIT_SECONDS = 10.0
_LOCK_POLL_SECONDS = 0.1
# A search up to a date first takes this many times the hits asked for, unfiltered.
_OVERFETCH = 4


class IndexLocked(RuntimeError):
    """Another process is writing the search index; the write was not made, try it later."""


def make_analyzer() -> tantivy.TextAnalyzer:
    """Build the English analyzer, for documents and queries (case, accents, English stems)."""
    return make_language_analyzer(ENGLISH)


def day_number(day: datetime.date) -> int:
    """Return the date as days since 1970-01-01, the unit of the date fast field."""
    return (day - _EPOCH).days


@dataclass(frozen=True, slots=True)
class IndexChange:
    """One article to upsert, or to delete when `deleted` is set."""

    article_id: int
    title: str
    body: str
    published: datetime.date | None
    deleted: bool = False
    # Which language's fields take the text (storage.languages); `source` for `source:`.
    lang: str = ENGLISH
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the article, its engine score and its publication day number."""

    article_id: int
    score: float
    day: int | None


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field(ID_FIELD, indexed=True, fast=True)
    builder.add_integer_field(DAY_FIELD, indexed=True, fast=True)
    builder.add_text_field(LANG_FIELD, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(SOURCE_FIELD, tokenizer_name=_SOURCE_TOKENIZER, index_option="basic")
    # Counts without word positions: ranking reads none (proximity is off), and positions
    # were a large part of the index.
    for lang in LANGUAGES:
        name = tokenizer_name(lang)
        builder.add_text_field(title_field(lang), tokenizer_name=name, index_option="freq")
        builder.add_text_field(body_field(lang), tokenizer_name=name, index_option="freq")
        if lang != ENGLISH:
            builder.add_text_field(lead_field(lang), tokenizer_name=name, index_option="freq")
    return builder.build()


def _lead(body: str) -> str:
    """The first LEAD_CHARS of a body, cut at a space (no half word)."""
    if len(body) <= LEAD_CHARS:
        return body
    cut = body.rfind(" ", 0, LEAD_CHARS)
    return body[: cut if cut > 0 else LEAD_CHARS]


def _register_analyzers(index: tantivy.Index) -> None:
    for lang in LANGUAGES:
        index.register_tokenizer(tokenizer_name(lang), make_language_analyzer(lang))
    index.register_tokenizer(_SOURCE_TOKENIZER, _source_analyzer())


@functools.lru_cache(maxsize=1)
def _source_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


# Bumped whenever the fields or their analysis change: an index written by another version is
# rebuilt from the database (see `outdated_index`). 2: a field pair per language, no positions;
# 3: Persian ۀ indexed as ه, the hamza mark above dropped; 4: Russian stop words spelled with ё;
# 5: Persian's stop words of Savoy's list (storage.languages); 6: French elided "jusqu",
# "lorsqu", "puisqu", "quoiqu" are stop words; 7: French "a" (avoir's) is one too.
SCHEMA_VERSION = 7
SCHEMA_VERSION_FILE = "schema_version"


def folder_problem(path: pathlib.Path) -> str | None:
    """Why an index cannot live at `path` (None: it can): a file there, or a file or an
    unwritable folder where its folder would be made. Said before anything is opened or made:
    a file there was moved aside as a damaged index, and where that failed the index was kept
    in memory, rebuilt from the database at every start, with nothing said but a log line."""
    if path.exists() and not path.is_dir():
        return f"{path} is a file, not a folder"
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"cannot make the folder {path}: {existing} is a file"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"cannot write in the folder {existing}"
    return None


def outdated_index(path: pathlib.Path) -> bool:
    """Whether the index at `path` was built by another version of the schema (or none)."""
    if not tantivy.Index.exists(str(path)):
        return False
    try:
        recorded = (path / SCHEMA_VERSION_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return True
    return recorded != str(SCHEMA_VERSION)


def clear_outdated_index(path: pathlib.Path) -> bool:
    """Empty the directory of an index of another schema version; True when it did.

    The database holds every article, so the caller rebuilds the index from it (the
    watermark goes back to 0 with the rest of the directory).
    """
    if not outdated_index(path):
        return False
    for entry in path.iterdir():
        if entry.name == WRITER_LOCK_FILE:
            continue
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    return True


def _record_schema_version(path: pathlib.Path) -> None:
    (path / SCHEMA_VERSION_FILE).write_text(str(SCHEMA_VERSION), encoding="utf-8")


class SearchIndex:
    """Upsert/delete articles by id, remember the last change applied, and search."""

    def __init__(
        self, index: tantivy.Index, path: pathlib.Path | None, lock_wait: float = LOCK_WAIT_SECONDS
    ) -> None:
        self._index = index
        self._path = path
        self._lock_wait = lock_wait
        self._schema: tantivy.Schema = index.schema
        self._writer: tantivy.IndexWriter | None = None
        self._bulk = False
        self._watermark = self._read_watermark()
        # Set when the index was emptied for being of an older schema (see `open`).
        self.rebuilding = False
        # Set when the index on disk could not be opened nor replaced: this one is in memory.
        self.problem: str | None = None
        self._index.reload()
        self._searcher: tantivy.Searcher = index.searcher()
        # `doc_freq` of the searcher above: every answer asks it for each headline word.
        self._doc_freqs: dict[str, int] = {}
        # `lang_count` by language, for this searcher: every question reads all of them.
        self._lang_counts: dict[str, int] = {}

    @classmethod
    def open(
        cls, path: pathlib.Path | None, *, lock_wait: float = LOCK_WAIT_SECONDS
    ) -> SearchIndex:
        """Open the index at `path` (created if needed), or a fresh in-RAM index for None.

        `lock_wait` is how long a write waits for another process's writer to finish.
        """
        rebuilding = False
        if path is None:
            index = tantivy.Index(_schema())
        else:
            path.mkdir(parents=True, exist_ok=True)
            rebuilding = clear_outdated_index(path)
            if tantivy.Index.exists(str(path)):
                index = tantivy.Index.open(str(path))
            else:
                index = tantivy.Index(_schema(), path=str(path))
                _record_schema_version(path)
        _register_analyzers(index)
        # Searches see a new commit when `_refresh` reloads: no watcher thread polling meta.json.
        index.config_reader("manual")
        opened = cls(index, path, lock_wait)
        opened.rebuilding = rebuilding
        return opened

    @classmethod
    def open_or_replace(cls, path: pathlib.Path | None) -> SearchIndex:
        """Open the index at `path`; one that cannot be opened (damaged, unreadable) is moved
        aside and started afresh, to be rebuilt from the database. Where not even that can be
        written, the index is kept in memory and `problem` says why (for /healthz)."""
        try:
            return cls.open(path)
        except Exception as exc:
            if path is None:
                raise
            reason = _short(exc)
            log.error("search index at %s cannot be opened (%s)", path, reason)
        aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            path.rename(aside)
            index = cls.open(path)
        except Exception as exc:
            log.error("search index cannot be replaced at %s (%s); keeping it in memory", path, exc)
            index = cls.open(None)
            index.problem = (
                f"search index at {path} cannot be opened or replaced ({reason}); searching a "
                "copy in memory, rebuilt from the database at every start"
            )
            return index
        log.warning(
            "moved the unreadable search index to %s; rebuilding it from the database", aside
        )
        return index

    @property
    def schema(self) -> tantivy.Schema:
        """The tantivy schema, for building queries."""
        return self._schema

    @property
    def path(self) -> pathlib.Path | None:
        """The index directory (None: in memory)."""
        return self._path

    @property
    def watermark(self) -> int:
        """The highest change sequence number applied and committed (0 for a new index)."""
        return self._watermark

    @property
    def searcher(self) -> tantivy.Searcher:
        """The searcher over the last commit."""
        return self._searcher

    def apply(self, changes: Sequence[IndexChange], watermark: int) -> None:
        """Upsert or delete each change by article id, commit, and record `watermark`.

        Re-applying changes already applied is harmless: every change first deletes the id.
        The writer, and with it tantivy's lock on the index directory, is held only during
        the call (or the `writing()` block around it), so another process, such as
        `newsbot import` beside a running bot, can write in between. When another process
        holds the lock, this waits up to `lock_wait` seconds for it, then raises IndexLocked
        without applying anything; the watermark is unchanged, so a later call catches up.
        """
        with self.writing():
            self.stage(changes)
            self.commit(watermark)

    def stage(self, changes: Sequence[IndexChange], *, fresh: bool = False) -> None:
        """Add changes to the open writer (inside `writing()`); searchable after `commit`.

        `fresh`: articles just stored, whose ids no document can have (ids are never reused:
        articles are only ever marked deleted), so nothing is deleted first (an import's
        deletes cost 5-7% of its indexing).
        """
        writer = self._writer
        if writer is None:
            raise RuntimeError("stage() needs the writer: call it inside writing()")
        delete, add = writer.delete_documents_by_term, writer.add_document
        for change in changes:
            if not fresh:
                delete(ID_FIELD, change.article_id)
            if change.deleted:
                continue
            doc = tantivy.Document()
            doc.add_integer(ID_FIELD, change.article_id)
            if change.published is not None:
                doc.add_integer(DAY_FIELD, (change.published - _EPOCH).days)
            lang = analysis_of(change.lang).code
            doc.add_text(LANG_FIELD, change.lang)
            # "@xx": which fields hold it, counted to know the languages a question may be in.
            doc.add_text(LANG_FIELD, f"@{lang}")
            if change.source:
                doc.add_text(SOURCE_FIELD, change.source)
            doc.add_text(title_field(lang), normalize(lang, change.title))
            body = normalize(lang, change.body)
            doc.add_text(body_field(lang), body)
            if lang != ENGLISH:
                doc.add_text(lead_field(lang), _lead(body))
            add(doc)

    def commit(self, watermark: int) -> None:
        """Commit what was staged, record `watermark` and let searches see it."""
        writer = self._writer
        if writer is None:
            raise RuntimeError("commit() needs the writer: call it inside writing()")
        crash_point("index:staged")
        writer.commit()
        crash_point("index:committed")
        # The watermark is written only after the commit: a crash in between replays changes.
        self._write_watermark(max(watermark, self._watermark))
        crash_point("index:watermark")
        self._refresh()

    def reset(self) -> None:
        """Delete every document and set the watermark back to 0.

        The watermark goes first: the index never claims changes it no longer holds (a crash
        after clearing would otherwise leave it empty and "up to date"). A crash in between
        leaves every document and a watermark of 0, and the next sync re-applies them all.
        """
        with self.writing() as writer:
            self._write_watermark(0)
            crash_point("index:reset-watermark")
            writer.delete_all_documents()
            writer.commit()
            crash_point("index:cleared")
        self._refresh()

    @contextlib.contextmanager
    def writing(self, *, bulk: bool = False) -> Iterator[tantivy.IndexWriter]:
        """Hold the writer across several `apply`/`stage` calls; release it after.

        Taking the writer re-reads the watermark, which another process may have moved.
        `bulk` (an import) gives the writer a larger heap, so fewer and larger segments are
        written, and marks the directory so that other processes do not wait for the lock.
        """
        if self._writer is not None:
            yield self._writer
            return
        self.open_writer(bulk=bulk)
        try:
            yield self._writer  # type: ignore[misc]
        except BaseException:
            self.close_writer(ok=False)
            raise
        self.close_writer(ok=True)

    def open_writer(self, *, bulk: bool = False) -> None:
        """Take the writer (and tantivy's directory lock) until `close_writer`."""
        if self._writer is not None:
            raise RuntimeError("the writer is already open")
        writer = self._acquire_writer(_BULK_HEAP_BYTES if bulk else _WRITER_HEAP_BYTES)
        self._writer = writer
        try:
            self._watermark = max(self._watermark, self._read_watermark())
            if bulk and self._path is not None:
                (self._path / _BULK_MARK_FILE).write_text(str(os.getpid()), encoding="utf-8")
                self._bulk = True
        except BaseException:
            self.close_writer(ok=False)  # a full disk must not leave the lock held
            raise

    def close_writer(self, *, ok: bool) -> None:
        """Release the writer; without `ok`, what was staged since the last commit is dropped."""
        writer, self._writer = self._writer, None
        if writer is None:
            return
        try:
            if not ok:
                writer.rollback()
        finally:
            if self._bulk and self._path is not None:
                (self._path / _BULK_MARK_FILE).unlink(missing_ok=True)
                self._bulk = False
            # Finishes pending merges and drops the lock (the writer cannot be used after).
            writer.wait_merging_threads()

    def follow(self) -> bool:
        """See what another process committed: True when its watermark moved past ours."""
        if self._path is None or self._writer is not None:
            return False
        committed = self._read_watermark()
        if committed <= self._watermark:
            return False
        self._refresh()
        self._watermark = committed
        return True

    def bulk_writer_elsewhere(self) -> bool:
        """Whether another process is importing into this index right now (holding the lock).

        Its import indexes every change in the database as it goes (also ours) and commits
        every few thousand articles, so waiting for its lock would only delay us.
        """
        if self._path is None or self._writer is not None:
            return False
        if not (self._path / _BULK_MARK_FILE).exists():
            return False
        try:
            handle = (self._path / WRITER_LOCK_FILE).open("ab")
        except OSError:
            return False
        with handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        # A mark left by an import that died: the lock is free, so nobody is importing.
        return False

    def close(self) -> None:
        """Release what the index holds; the writer is already released after each write."""
        self._writer = None

    def num_docs(self) -> int:
        """Return how many articles are indexed."""
        return int(self._searcher.num_docs)

    def doc_freq(self, term: str) -> int:
        """Return in how many articles the analyzed `term` occurs, in title or body."""
        found = self._doc_freqs.get(term)
        if found is None:
            searcher = self._searcher
            found = max(searcher.doc_freq(TITLE_FIELD, term), searcher.doc_freq(BODY_FIELD, term))
            if len(self._doc_freqs) >= DOC_FREQS_KEPT:
                self._doc_freqs.clear()
            self._doc_freqs[term] = found
        return found

    def doc_freq_in(self, lang: str, term: str) -> int:
        """Return in how many articles of `lang` the analyzed `term` occurs (title or body)."""
        searcher = self._searcher
        return max(
            searcher.doc_freq(body_field(lang), term), searcher.doc_freq(title_field(lang), term)
        )

    def lang_count(self, lang: str) -> int:
        """Return how many articles are indexed as being in `lang` ("@en": in its fields)."""
        found = self._lang_counts.get(lang)
        if found is None:
            found = self._lang_counts[lang] = int(self._searcher.doc_freq(LANG_FIELD, lang))
        return found

    def source_terms(self, source: str) -> list[str]:
        """The words of a source's name as the `source` field holds them."""
        return list(_source_analyzer().analyze(source))

    def search(
        self,
        query: tantivy.Query,
        *,
        as_of: datetime.date | None,
        limit: int,
    ) -> list[Hit]:
        """Run `query` over articles not published after `as_of`; best `limit` hits first."""
        if as_of is None:
            return self._hits(self._top(query, limit))
        # Leaving out the later articles inside the engine scans the whole date column (half
        # the search time at a million articles). The best few times `limit` hits of all
        # nearly always hold `limit` early enough ones, and the first `limit` of those are
        # exactly the best of the filtered search, which runs only when they do not.
        last = day_number(as_of)
        wide = limit * _OVERFETCH
        found = self._top(query, wide)
        kept = [(hit, day) for hit, day in found if day is None or day <= last]
        if len(kept) < limit and len(found) == wide:
            later = tantivy.Query.range_query(
                self._schema, DAY_FIELD, tantivy.FieldType.Integer, lower_bound=last + 1
            )
            filtered = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.MustNot, later)]
            )
            kept = self._top(filtered, limit)
        return self._hits(kept[:limit])

    def newest(
        self, query: tantivy.Query, *, as_of: datetime.date | None, limit: int, offset: int = 0
    ) -> list[Hit]:
        """The articles `query` matches, newest first (none published after `as_of`)."""
        if as_of is not None:
            later = tantivy.Query.range_query(
                self._schema,
                DAY_FIELD,
                tantivy.FieldType.Integer,
                lower_bound=day_number(as_of) + 1,
            )
            query = tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, query), (tantivy.Occur.MustNot, later)]
            )
        found = self._searcher.search(
            query, limit, count=False, order_by_field=DAY_FIELD, offset=offset
        ).hits
        if not found:
            return []
        ids = self._searcher.fast_field_values(ID_FIELD, [address for _, address in found])
        return [
            Hit(int(article_id), 0.0, int(day))
            for (day, _), article_id in zip(found, ids, strict=True)
            if article_id is not None
        ]

    def within_days(
        self, query: tantivy.Query, first: datetime.date, last: datetime.date
    ) -> tantivy.Query:
        """`query` over only the articles published from `first` to `last` (included)."""
        days = tantivy.Query.range_query(
            self._schema,
            DAY_FIELD,
            tantivy.FieldType.Integer,
            lower_bound=day_number(first),
            upper_bound=day_number(last),
        )
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, query), (tantivy.Occur.Must, days)]
        )

    def _top(
        self, query: tantivy.Query, limit: int
    ) -> list[tuple[tuple[float, tantivy.DocAddress], int | None]]:
        """The best `limit` (score, address) pairs with each one's day."""
        hits = self._searcher.search(query, limit, count=False).hits
        if not hits:
            return []
        days = self._searcher.fast_field_values(DAY_FIELD, [address for _, address in hits])
        return [
            (hit, None if day is None else int(day)) for hit, day in zip(hits, days, strict=True)
        ]

    def _hits(
        self, found: Sequence[tuple[tuple[float, tantivy.DocAddress], int | None]]
    ) -> list[Hit]:
        """The article ids of these (score, address) pairs, as hits."""
        if not found:
            return []
        ids = self._searcher.fast_field_values(ID_FIELD, [address for (_, address), _ in found])
        return [
            Hit(int(article_id), float(score), day)
            for ((score, _), day), article_id in zip(found, ids, strict=True)
            if article_id is not None
        ]

    def _acquire_writer(self, heap: int) -> tantivy.IndexWriter:
        deadline = time.monotonic() + self._lock_wait
        while True:
            try:
                return self._index.writer(heap_size=heap)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                if time.monotonic() >= deadline or self.bulk_writer_elsewhere():
                    raise IndexLocked(
                        f"the search index at {self._path} is being written by another "
                        "process; try again when it is done"
                    ) from exc
            time.sleep(_LOCK_POLL_SECONDS)

    def _refresh(self) -> None:
        self._index.reload()
        self._searcher = self._index.searcher()
        self._doc_freqs = {}
        self._lang_counts = {}

    def _read_watermark(self) -> int:
        if self._path is None:
            return 0
        try:
            data = json.loads((self._path / WATERMARK_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return 0
        return int(data["watermark"])

    def _write_watermark(self, watermark: int) -> None:
        self._watermark = watermark
        if self._path is None:
            return
        fd, tmp = tempfile.mkstemp(dir=self._path, prefix=".watermark.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"watermark": watermark}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        pathlib.Path(tmp).replace(self._path / WATERMARK_FILE)


def _short(exc: BaseException) -> str:
    """An exception as one short line (tantivy's messages can run to pages)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else f"{text[:199]}…"
