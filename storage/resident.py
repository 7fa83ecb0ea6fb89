"""Keep the search index's mapped pages from filling the process's resident memory.

Tantivy reads its files through memory maps. Every page a search touches stays mapped, and
counts in the process's resident memory, until the kernel needs the memory back: on a large
archive that is most of the index (about 700 MB at a million articles) while the process's own
heap stays small. When the mapped file pages pass a budget, one thread of the process gives
them back with madvise(MADV_DONTNEED): the pages stay in the page cache, so the next search
that needs one maps it again without reading the disk (a minor fault). Linux only; elsewhere
nothing is done.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

RESIDENT_BUDGET_BYTES = 256 * 2**20
CHECK_SECONDS = 0.25
_MADV_DONTNEED = 4


class PageTrimmer:
    """One daemon thread that trims the mappings of the registered index directories."""

    def __init__(self, budget: int = RESIDENT_BUDGET_BYTES, every: float = CHECK_SECONDS) -> None:
        self._budget = budget
        self._every = every
        self._dirs: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._madvise = _libc_madvise()
        self._page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def register(self, directory: Path) -> None:
        """Trim `directory`'s mappings from now on (counted: several indexes may share one)."""
        if self._madvise is None or not Path("/proc/self/statm").exists():
            return
        key = str(directory.resolve())
        with self._lock:
            self._dirs[key] = self._dirs.get(key, 0) + 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="index-pages", daemon=True)
                self._thread.start()

    def unregister(self, directory: Path) -> None:
        """Stop trimming `directory` (the thread idles when nothing is registered)."""
        key = str(directory.resolve())
        with self._lock:
            left = self._dirs.get(key, 0) - 1
            if left > 0:
                self._dirs[key] = left
            else:
                self._dirs.pop(key, None)

    def mapped_file_bytes(self) -> int:
        """Resident file-backed (and shared) memory of this process."""
        with Path("/proc/self/statm").open(encoding="ascii") as statm:
            return int(statm.read().split()[2]) * self._page

    def trim(self) -> int:
        """Release the index mappings if over budget; returns how many mappings were advised."""
        with self._lock:
            prefixes = tuple(f"{d}/" for d in self._dirs)
        if not prefixes or self._madvise is None or self.mapped_file_bytes() <= self._budget:
            return 0
        advised = 0
        with Path("/proc/self/maps").open(encoding="utf-8", errors="replace") as maps:
            for line in maps:
                fields = line.split(None, 5)
                if len(fields) == 6 and fields[5].rstrip("\n").startswith(prefixes):
                    start, end = (int(x, 16) for x in fields[0].split("-"))
                    if self._madvise(start, end - start, _MADV_DONTNEED) == 0:
                        advised += 1
        return advised

    def _run(self) -> None:
        while True:
            time.sleep(self._every)
            try:
                self.trim()
            except (OSError, ValueError):  # /proc unreadable: nothing to do, nor worth dying for
                log.debug("could not trim the index's mapped pages", exc_info=True)


def _libc_madvise() -> Callable[[int, int, int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    with contextlib.suppress(OSError, AttributeError):
        madvise = ctypes.CDLL(name, use_errno=True).madvise
        madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
        madvise.restype = ctypes.c_int
        return madvise
    return None


TRIMMER = PageTrimmer()
