"""Time as a service, so tests can move it."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> dt.datetime:
        """The current UTC time."""
        return dt.datetime.now(dt.UTC)


class ManualClock:
    """A clock that only moves when told to (tests, previews)."""

    def __init__(self, start: dt.datetime) -> None:
        self._now = start

    def now(self) -> dt.datetime:
        """The time it was set to."""
        return self._now

    def set(self, moment: dt.datetime) -> None:
        """Jump to a moment."""
        self._now = moment

    def advance(self, delta: dt.timedelta) -> None:
        """Move forward."""
        self._now += delta
