"""The allocator setting that keeps an import's memory flat (bot/memory.py)."""

from __future__ import annotations

import platform
import sys

import pytest

from bot.memory import keep_memory_flat


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's mallopt only",
)
def test_the_mmap_threshold_is_fixed_under_glibc() -> None:
    # Twice: `newsbot` sets it at every start, tests call main() many times in one process.
    assert keep_memory_flat() is True
    assert keep_memory_flat() is True
