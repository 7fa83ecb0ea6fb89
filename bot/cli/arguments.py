"""Argument types the `newsbot` subcommands share, and the words of their counts."""

from __future__ import annotations

import argparse

# SQL's integers are 64-bit: a longer number names no feed or chat (and overflowed SQLite's,
# a traceback).
_LARGEST = 2**63 - 1


def whole_number(value: str) -> int:
    """An id as typed (`--chat -100123`, `feeds remove 2`): a whole number SQL can hold."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if abs(number) > _LARGEST:
        raise argparse.ArgumentTypeError(f"'{value}' is too large to be an id")
    return number


def process_count(value: str) -> int:
    """A number of processes as typed (`--workers 2`): 0 or more."""
    number = whole_number(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"'{value}': a number of processes is 0 or more")
    return number


def counted(n: int, noun: str, nouns: str | None = None) -> str:
    """`1 file`, `2 files`: a count and its noun, for a summary ("1 files", "1 feed(s)")."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"
