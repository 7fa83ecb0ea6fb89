"""Crash points for the fault-injection tests: die at a named commit boundary, on purpose.

`NEWSBOT_CRASH_AT=index:committed` makes the process end with `os._exit` (no clean-up, no
flush: as `kill -9` would) the first time it reaches that boundary; `name@3` the third time.
Unset (always, outside tests), a crash point costs one dictionary lookup.
"""

from __future__ import annotations

import os

ENV = "NEWSBOT_CRASH_AT"
EXIT_STATUS = 86
_reached: dict[str, int] = {}


def crash_point(name: str) -> None:
    """End the process here if NEWSBOT_CRASH_AT names this boundary (and its count is due)."""
    wanted = os.environ.get(ENV)
    if not wanted or not wanted.startswith(name):
        return
    target, _, nth = wanted.partition("@")
    if target != name:
        return
    _reached[name] = _reached.get(name, 0) + 1
    if _reached[name] >= int(nth or 1):
        os._exit(EXIT_STATUS)
