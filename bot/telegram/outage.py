"""Telegram out of reach: one log line per outage, and the retry pace while it lasts."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeGuard
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import BadRequest, NetworkError

log = logging.getLogger(__name__)

# Failures closer together than this are one outage (a line for its start, none after).
OUTAGE_GAP_SECONDS = 60.0
# Waits between attempts to reach Telegram at start: doubling from the first, capped.
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 60.0


def is_unreachable(error: BaseException | None) -> TypeGuard[NetworkError]:
    """Whether an error means Telegram could not be reached (not that it refused a request)."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def retry_delays() -> Callable[[], float]:
    """The next wait before trying to reach Telegram again: 1, 2, 4 ... 60, 60 seconds."""
    delay = FIRST_RETRY_SECONDS / 2

    def next_delay() -> float:
        nonlocal delay
        delay = min(delay * 2, MAX_RETRY_SECONDS)
        return delay

    return next_delay


class Outage:
    """Counts failed Bot API calls and logs an outage once, when it starts."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._last_failure: float | None = None
        self.failures = 0

    def failed(self, error: BaseException) -> None:
        """A call failed because Telegram could not be reached."""
        now = self._monotonic()
        if self._last_failure is None or now - self._last_failure > OUTAGE_GAP_SECONDS:
            log.warning(
                "Telegram cannot be reached (%s); replies are lost until it is back",
                type(error).__name__,
            )
        self._last_failure = now
        self.failures += 1


async def reach_telegram(
    bot: Bot, *, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep
) -> None:
    """Initialize the bot (its getMe), retrying with capped back-off while Telegram is out of
    reach: one line when it cannot be reached, one when it is again, never a traceback.

    A rejected token (InvalidToken) or any other error is raised at once.
    """
    delays = retry_delays()
    waited = False
    while True:
        try:
            await bot.initialize()
        except Exception as exc:
            if not is_unreachable(exc):
                raise
            # Close its HTTP sessions until the next try (no "Unclosed client session").
            await bot.shutdown()
            if not waited:
                # Where and why (no DNS, refused, timed out): what an operator checks first.
                log.warning(
                    "Telegram cannot be reached at %s (%s); trying again, at most every %d s",
                    urlsplit(bot.base_url).netloc,
                    exc,
                    MAX_RETRY_SECONDS,
                )
            waited = True
            await sleep(delays())
            continue
        if waited:
            log.warning("Telegram reached; starting")
        return
