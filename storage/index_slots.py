"""A search index directory of its own for each bot process on this machine.

A new process seeds its slot from a copy of another slot's last commit and then catches up
through the change feed, instead of indexing the whole archive from the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from storage.search_index import SCHEMA_VERSION_FILE, WATERMARK_FILE, WRITER_LOCK_FILE

MAX_SLOTS = 64
# Tantivy's own files in an index directory (ours come from storage.search_index).
META_FILE = "meta.json"
MANAGED_FILE = ".managed.json"
LOCK_WAIT_SECONDS = 5.0


class IndexSlot:
    """An index directory held (by an OS file lock) for as long as this process runs."""

    def __init__(self, path: Path, lock: IO[bytes] | None) -> None:
        self.path = path
        self._lock = lock

    @classmethod
    def claim(cls, base: Path) -> IndexSlot:
        """The first free `base/slot-N`: a restarted process reuses one and need not rebuild."""
        base.mkdir(parents=True, exist_ok=True)
        for number in range(MAX_SLOTS):
            handle = (base / f"slot-{number}.lock").open("ab")
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            return cls(base / f"slot-{number}", handle)
        raise RuntimeError(f"all {MAX_SLOTS} index slots under {base} are in use")

    def release(self) -> None:
        """Let another process take this directory."""
        if self._lock is not None:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None


def committed_watermark(path: Path) -> int:
    """The watermark of the index at `path` (0 when there is none)."""
    try:
        return int(json.loads((path / WATERMARK_FILE).read_text(encoding="utf-8"))["watermark"])
    except (FileNotFoundError, ValueError, KeyError):
        return 0


def seed_slot(
    slot: Path, base: Path, *, newest_seq: int, lock_wait: float = LOCK_WAIT_SECONDS
) -> int:
    """Fill an empty slot with a copy of the most advanced other slot's last commit.

    Returns the copy's watermark (0 when no slot could be copied). The copy is made holding
    the other slot's tantivy writer lock, so no commit, merge or rebuild changes it meanwhile
    (a writer there waits, see SearchIndex.apply); its watermark is that of the copied commit,
    and the change feed's catch-up applies everything after it.
    """
    candidates = sorted(
        (committed_watermark(other), other)
        for other in base.glob("slot-*")
        if other.is_dir() and other != slot
    )
    for watermark, source in reversed(candidates):
        if not 0 < watermark <= newest_seq:
            continue  # empty, or ahead of this database (another database's index)
        with _writer_lock(source, lock_wait) as held:
            if held:
                return _copy_commit(source, slot)
    return 0


@contextlib.contextmanager
def _writer_lock(index: Path, wait: float) -> Iterator[bool]:
    """Hold tantivy's writer lock of `index` (an flock) if it frees up within `wait` seconds."""
    with (index / WRITER_LOCK_FILE).open("ab") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _copy_commit(source: Path, target: Path) -> int:
    watermark_bytes = (source / WATERMARK_FILE).read_bytes()
    meta_bytes = (source / META_FILE).read_bytes()
    meta = json.loads(meta_bytes)
    wanted = set()
    for segment in meta["segments"]:
        prefix = segment["segment_id"].replace("-", "")
        deletes = segment.get("deletes")
        delete_file = f"{prefix}.{deletes['opstamp']}.del" if deletes else None
        for file in source.glob(f"{prefix}.*"):
            if not file.name.endswith(".del") or file.name == delete_file:
                wanted.add(file.name)
    if target.exists():
        shutil.rmtree(target)
    staging = target.with_name(f".{target.name}.seeding")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for name in sorted(wanted):
        shutil.copyfile(source / name, staging / name)
    # Tantivy deletes only files listed here once they are unused: list the copies.
    (staging / MANAGED_FILE).write_text(json.dumps([*sorted(wanted), META_FILE]))
    (staging / META_FILE).write_bytes(meta_bytes)
    (staging / WATERMARK_FILE).write_bytes(watermark_bytes)
    # The copy is of the source's schema version (an older one is rebuilt when opened).
    if (source / SCHEMA_VERSION_FILE).exists():
        shutil.copyfile(source / SCHEMA_VERSION_FILE, staging / SCHEMA_VERSION_FILE)
    staging.rename(target)
    return int(json.loads(watermark_bytes)["watermark"])
