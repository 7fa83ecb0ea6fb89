"""Keeping a long process's memory flat under glibc's allocator."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

# mallopt's parameter for the size from which a block is mapped on its own (malloc.h).
_M_MMAP_THRESHOLD = -3
# glibc's own starting value: blocks from here on go back to the system when freed.
MMAP_THRESHOLD_BYTES = 128 * 1024


def keep_memory_flat() -> bool:
    """Fix glibc's mmap threshold at its starting value; False where it cannot be set.

    glibc raises the threshold each time a mapped block is freed (up to 32 MiB), after which
    such blocks come from the heaps of whichever threads allocated them and fragment them. The
    story check's arrays of a few hundred KiB, made on worker threads, grew an import's memory
    by ~6 MiB a thousand articles that way (4.2 GiB at a million); with the threshold fixed, by
    ~1.2 (docs/BENCHMARKS.md).
    """
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
