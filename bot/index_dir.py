"""A search index directory of its own for each bot process on this machine."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

MAX_SLOTS = 64


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
