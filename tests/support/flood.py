"""What the fake Bot API adds for digest delivery: flood control, random faults, stalled sends.

Kept apart from bot/telegram/offline.py's methods so that both can grow without colliding.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.telegram.offline import ApiError, Failure, FakeBotApi

# A scripted Failure with this status makes the fake time out instead of answering.
TIMEOUT_STATUS = 0
TIMEOUT = Failure(TIMEOUT_STATUS, "timed out")


@dataclass(frozen=True, slots=True)
class FloodRules:
    """Telegram's limits: overall per second, one per second per private chat, 20/min per group."""

    per_second: float = 30.0
    chat_interval: float = 1.0
    group_per_minute: int = 20


class FloodGate:
    """Answers 429 with retry_after, as Telegram does, to a send that breaks a limit."""

    def __init__(self, rules: FloodRules, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.rules = rules
        self.monotonic = monotonic
        self.accepted = 0
        self.refused = 0
        self.first: float | None = None
        self.last: float | None = None
        self.longest_gap = 0.0
        # The overall limit is a token bucket one second deep: bursts of jitter pass.
        self._tokens = rules.per_second
        self._refilled: float | None = None
        self._chat_last: dict[int, float] = {}
        self._group_sent: dict[int, deque[float]] = {}

    def check(self, chat_id: int) -> Failure | None:
        """None when this send may pass (and count it), else the 429 to answer."""
        now = self.monotonic()
        wait = max(self._overall_wait(now), self._chat_wait(chat_id, now))
        if wait > 0:
            self.refused += 1
            retry_after = max(1, math.ceil(wait))
            return Failure(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        self._tokens -= 1
        self.accepted += 1
        self.first = now if self.first is None else self.first
        if self.last is not None:
            self.longest_gap = max(self.longest_gap, now - self.last)
        self.last = now
        if chat_id > 0:
            self._chat_last[chat_id] = now
        else:
            self._group_sent.setdefault(chat_id, deque()).append(now)
        return None

    def _overall_wait(self, now: float) -> float:
        if self._refilled is not None:
            self._tokens = min(
                self.rules.per_second, self._tokens + (now - self._refilled) * self.rules.per_second
            )
        self._refilled = now
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rules.per_second

    def _chat_wait(self, chat_id: int, now: float) -> float:
        if chat_id > 0:
            last = self._chat_last.get(chat_id)
            # A hair of tolerance for float rounding, not for real jitter.
            return 0.0 if last is None else last + self.rules.chat_interval - 1e-6 - now
        window = self._group_sent.get(chat_id)
        if window is None:
            return 0.0
        while window and window[0] + 60.0 <= now:
            window.popleft()
        if len(window) < self.rules.group_per_minute:
            return 0.0
        return window[0] + 60.0 - now


class FaultPlan:
    """Transient faults at a given rate, before the message is taken: 5xx, or a timeout."""

    def __init__(
        self, rate: float, *, seed: int = 0, kinds: tuple[int, ...] = (502, 500, TIMEOUT_STATUS)
    ) -> None:
        self.rate = rate
        self.kinds = kinds
        self.injected = 0
        self._random = random.Random(seed)

    def draw(self) -> Failure | None:
        """A fault for this request, or None."""
        if self._random.random() >= self.rate:
            return None
        self.injected += 1
        status = self._random.choice(self.kinds)
        if status == TIMEOUT_STATUS:
            return TIMEOUT
        return Failure(status, "Bad Gateway" if status == 502 else "Internal Server Error")


class Stalls:
    """Sends to chosen chats that never get an answer (a process killed mid-send never sees one)."""

    def __init__(self) -> None:
        self._pending: dict[int, int] = {}
        self._skip: dict[int, int] = {}
        self.stalled = 0
        self._released = asyncio.Event()
        self.seen = asyncio.Event()

    def add(self, chat_id: int, count: int = 1, *, after: int = 0) -> None:
        """The next `count` sends to this chat hang, once `after` more have gone through."""
        self._pending[chat_id] = self._pending.get(chat_id, 0) + count
        self._skip[chat_id] = after

    async def maybe_hang(self, chat_id: int) -> bool:
        """Hang until released when this send is one to stall; True if it was."""
        if not self._pending.get(chat_id):
            return False
        if self._skip.get(chat_id):
            self._skip[chat_id] -= 1
            return False
        self._pending[chat_id] -= 1
        self.stalled += 1
        self.seen.set()
        await self._released.wait()
        return True

    def release(self) -> None:
        """Let stalled sends end (unanswered: they are refused with a timeout)."""
        self._released.set()


def delivery_routes(api: FakeBotApi) -> list[Route]:
    """Control routes for benchmarks and crash tests across processes."""

    async def stats(request: Request) -> Response:
        gate, faults = delivery_faults(api).gate, delivery_faults(api).faults
        return JSONResponse(
            {
                "sent": len(api.sent),
                "accepted": gate.accepted if gate else None,
                "refused_429": gate.refused if gate else None,
                "first": gate.first if gate else None,
                "last": gate.last if gate else None,
                "longest_gap": gate.longest_gap if gate else None,
                "faults": faults.injected if faults else 0,
                "stalled": delivery_faults(api).stalls.stalled,
            }
        )

    async def received(request: Request) -> Response:
        # Digests are long: a digest of each text is enough to find losses and duplicates.
        return JSONResponse(
            [
                [m.chat_id, hashlib.sha1(m.text.encode()).hexdigest()[:16]]
                for m in api.sent
                if m.method == "sendMessage"
            ]
        )

    async def stall(request: Request) -> Response:
        after = int(request.query_params.get("after", "0"))
        delivery_faults(api).stalls.add(int(request.path_params["chat_id"]), after=after)
        return JSONResponse({"ok": True})

    async def wait_stalled(request: Request) -> Response:
        # Lets a test wait for the moment without polling: the answer comes when a send hangs.
        timeout = min(float(request.query_params.get("timeout", "30")), 120.0)
        try:
            await asyncio.wait_for(delivery_faults(api).stalls.seen.wait(), timeout)
        except TimeoutError:
            return JSONResponse({"stalled": False}, status_code=408)
        return JSONResponse({"stalled": True})

    async def wait_sent(request: Request) -> Response:
        chat_id = int(request.path_params["chat_id"])
        count = int(request.query_params.get("count", "1"))
        timeout = min(float(request.query_params.get("timeout", "30")), 120.0)
        arrived = asyncio.Event()

        def check(_message: object = None) -> None:
            if sum(1 for m in api.sent if m.chat_id == chat_id) >= count:
                arrived.set()

        api.listeners.append(check)
        try:
            check()
            await asyncio.wait_for(arrived.wait(), timeout)
        except TimeoutError:
            return JSONResponse({"arrived": False}, status_code=408)
        finally:
            api.listeners.remove(check)
        return JSONResponse({"arrived": True})

    return [
        Route("/_fake/stats", stats),
        Route("/_fake/received", received),
        Route("/_fake/stall/{chat_id:int}", stall, methods=["POST"]),
        Route("/_fake/wait-stalled", wait_stalled),
        Route("/_fake/wait-sent/{chat_id:int}", wait_sent),
    ]


class DeliveryFaults:
    """Optional flood control, random faults and stalls in front of every send ."""

    def __init__(self) -> None:
        self.gate: FloodGate | None = None
        self.faults: FaultPlan | None = None
        self.stalls = Stalls()

    async def before_send(self, request: httpx.Request, chat_id: int) -> None:
        """Raise the answer a send gets instead of success, if any."""
        if await self.stalls.maybe_hang(chat_id):
            raise httpx.ReadTimeout("stalled send was released", request=request)
        failure = self.faults.draw() if self.faults is not None else None
        if failure is None and self.gate is not None:
            failure = self.gate.check(chat_id)
        if failure is None:
            return
        if failure.status == TIMEOUT_STATUS:
            raise httpx.ReadTimeout("injected timeout", request=request)
        raise ApiError(failure)


def delivery_faults(api: FakeBotApi) -> DeliveryFaults:
    """The flood control, faults and stalls in front of this fake's sends (plugged in once)."""
    if not isinstance(api.delivery, DeliveryFaults):
        api.delivery = DeliveryFaults()
    return api.delivery
