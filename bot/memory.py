"""Keeping a long process's memory flat under glibc's allocator."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

# mallopt's parameters (malloc.h): the size from which a block is mapped on its own, and how
# many heaps ("arenas") the threads may allocate from.
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
# glibc's own starting value: blocks from here on go back to the system when freed.
MMAP_THRESHOLD_BYTES = 128 * 1024
# Heaps for all threads: glibc's default is up to eight a core.
ARENAS = 2


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def keep_memory_flat() -> bool:
    """Fix glibc's mmap threshold at its starting value and its heaps at ARENAS; False where
    they cannot be set.

    glibc raises the threshold each time a mapped block is freed (up to 32 MiB), after which
    such blocks come from the heaps of whichever threads allocated them and fragment them. The
    story check's arrays of a few hundred KiB, made on worker threads, grew an import's memory
    by ~6 MiB a thousand articles that way (4.2 GiB at a million); with the threshold fixed, by
    ~1.2 (docs/BENCHMARKS.md).

    And glibc gives a thread that allocates while another holds the heap a heap of its own:
    the story check's, the database's and the index's threads each kept what they had freed
    in theirs (at 100,000 articles the story check's +103 MiB of peak memory was +6 MiB in use
    and the rest free in those heaps). With two heaps for all: +17 MiB, as fast (Python's
    threads take turns anyway).
    """
    libc = _libc()
    mallopt = getattr(libc, "mallopt", None)  # musl and others have none
    if mallopt is None:
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    threshold = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
    return bool(mallopt(_M_ARENA_MAX, ARENAS)) and threshold
