"""PTB's rate-limiter hook, kept by our Pacer: every request the bot makes goes through it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.pacing import Pacer

JSONDict = dict[str, Any]
# Methods that put a message into a chat count against the per-chat limits.
PACED_PREFIXES = ("send", "forward", "copy")
MAX_WAITS = 5


@dataclass(frozen=True, slots=True)
class PacedCall:
    """What one call tells the limiter, as PTB's `rate_limit_args`."""

    waits: int | None = None  # 429s to wait out before giving up (None: the limiter's own)
    # Awaited after every wait, right before the slot is taken and the request goes out;
    # raising cancels the call.
    before_send: Callable[[], Awaitable[None]] | None = None


class PacedRateLimiter(BaseRateLimiter[int | PacedCall]):
    """Paces sends per chat and overall; on 429 pauses everything for retry_after and retries."""

    def __init__(self, pacer: Pacer, *, max_waits: int = MAX_WAITS) -> None:
        self.pacer = pacer
        self.max_waits = max_waits
        self.too_many = 0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | PacedCall | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Wait for our turn, send, and on 429 wait as told and send the same request again."""
        chat_id = _chat_id(data) if endpoint.startswith(PACED_PREFIXES) else None
        paced = endpoint.startswith(PACED_PREFIXES)
        call = rate_limit_args if isinstance(rate_limit_args, PacedCall) else None
        waits = rate_limit_args if isinstance(rate_limit_args, int) else None
        if call is not None:
            waits = call.waits
        if waits is None:
            waits = self.max_waits
        before_send = call.before_send if call is not None else None
        for attempt in range(waits + 1):
            if paced:
                # Checked after the waits, before the slot is counted: a slow check (a
                # database round trip) cannot push the send past the time it was counted at.
                await self.pacer.acquire(chat_id, before_take=before_send)
            elif before_send is not None:
                await before_send()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.too_many += 1
                self.pacer.pause(_seconds(exc.retry_after))
                if attempt == waits:
                    raise
            finally:
                if paced:
                    self.pacer.done(chat_id)
        raise AssertionError("unreachable: the last attempt returns or raises")


def _chat_id(data: dict[str, Any]) -> int | None:
    value = data.get("chat_id")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None  # @channelusername: only the overall limit applies


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
