"""Telegram's flood limits, kept by us: overall rate, one a second per chat, 20 a minute per group.

Time comes from an injected monotonic clock and sleep, so tests move virtual time instead of
waiting. Decisions use the moment a message is actually let through (and, per chat, the moment
it was answered), not a reservation, so a late wake-up or a slow request can never squeeze two
messages to one chat closer than the limit.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Sleep = Callable[[float], Awaitable[None]]

# Margins against jitter between our decision and Telegram's arrival time.
CHAT_MARGIN = 0.05
GROUP_MARGIN = 1.0
# A busy event loop wakes a waiting sender late. The overall schedule may catch up on that
# much lost time (else every late wake-up is a slot lost for good: at 100 a second, a few
# milliseconds late is a tenth of a slot), yet never more than per_second in any one second.
CATCH_UP = 0.25
WINDOW = 1.0


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits to keep; defaults are Telegram's documented ones."""

    per_second: float = 30.0
    chat_interval: float = 1.0
    group_per_minute: int = 20


class VirtualTime:
    """A monotonic clock that only moves when someone sleeps on it (tests and previews)."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.slept = 0.0

    def monotonic(self) -> float:
        """The current virtual moment."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Move time forward by `seconds` (never back), then let other tasks run."""
        target = self.now + max(seconds, 0.0)
        if target > self.now:
            self.slept += target - self.now
            self.now = target
        await asyncio.sleep(0)


class Pacer:
    """Lets messages through no faster than the limits allow; shared by every sender."""

    def __init__(
        self,
        limits: Limits | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self.monotonic = monotonic
        self.sleep = sleep
        self._interval = 1.0 / self.limits.per_second
        self._per_window = max(1, int(self.limits.per_second * WINDOW))
        self._global_next = 0.0
        self._paused_until = 0.0
        self._recent: deque[float] = deque()  # when the last messages went, oldest first
        self._turn = asyncio.Lock()
        self._chat_last: dict[int, float] = {}
        self._group_sent: dict[int, deque[float]] = {}
        self.sent = 0
        self.waited = 0.0
        self.pauses = 0

    def pause(self, seconds: float) -> None:
        """Telegram answered 429 with retry_after: nothing goes out for that long."""
        self.pauses += 1
        self._paused_until = max(self._paused_until, self.monotonic() + seconds)

    async def acquire(
        self, chat_id: int | None, *, before_take: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        """Wait until one message to this chat (None: no particular chat) may go out.

        `before_take` runs after every wait, holding the overall turn, right before the slot
        is taken (a digest checks its lease and its articles there); raising gives the slot
        up. The slot is counted from when it returns, so its time never bunches two messages.
        """
        while True:
            # First this chat's own turn, alone; then the overall turn, one sender at a time,
            # so hundreds of waiting senders do not all wake for every slot.
            await self._wait_until(lambda now: self._chat_ready(chat_id, now))
            async with self._turn:
                await self._wait_until(self._global_ready)
                if before_take is not None:
                    await before_take()
                now = self.monotonic()
                # Another sender to this chat won, or a 429 came in during before_take.
                if self._chat_ready(chat_id, now) <= now and self._global_ready(now) <= now:
                    self._take(chat_id, now)
                    return

    async def _wait_until(self, ready_at: Callable[[float], float]) -> None:
        while True:
            now = self.monotonic()
            ready = ready_at(now)
            if ready <= now:
                return
            self.waited += ready - now
            await self.sleep(ready - now)

    def done(self, chat_id: int | None) -> None:
        """A message to this chat has been answered: count its interval from now.

        Telegram times a message by its arrival, which is somewhere between our decision and
        the answer; counting from the answer keeps a slow request from bunching two messages.
        """
        if chat_id is not None and chat_id > 0 and chat_id in self._chat_last:
            self._chat_last[chat_id] = max(self._chat_last[chat_id], self.monotonic())

    def _global_ready(self, now: float) -> float:
        ready = max(self._paused_until, self._global_next)
        recent = self._recent
        while recent and recent[0] <= now - WINDOW:
            recent.popleft()
        if len(recent) >= self._per_window:
            ready = max(ready, recent[0] + WINDOW)
        return ready

    def _chat_ready(self, chat_id: int | None, now: float) -> float:
        if chat_id is None:
            return now
        if chat_id > 0:
            last = self._chat_last.get(chat_id)
            return now if last is None else last + self.limits.chat_interval + CHAT_MARGIN
        window = self._group_sent.get(chat_id)
        if window is None:
            return now
        while window and window[0] + 60.0 + GROUP_MARGIN <= now:
            window.popleft()
        if len(window) < self.limits.group_per_minute:
            return now
        return window[0] + 60.0 + GROUP_MARGIN

    def _take(self, chat_id: int | None, now: float) -> None:
        # A late start may catch up by CATCH_UP (not right after a 429 pause); the window in
        # _global_ready keeps any one second within the limit.
        start = max(self._global_next, now - max(CATCH_UP, self._interval), self._paused_until)
        self._global_next = start + self._interval
        self._recent.append(now)
        self.sent += 1
        if chat_id is None:
            return
        if chat_id > 0:
            self._chat_last[chat_id] = now
            if len(self._chat_last) > 200_000:
                self._forget(now)
        else:
            self._group_sent.setdefault(chat_id, deque()).append(now)

    def _forget(self, now: float) -> None:
        horizon = now - self.limits.chat_interval - CHAT_MARGIN
        self._chat_last = {c: t for c, t in self._chat_last.items() if t > horizon}
