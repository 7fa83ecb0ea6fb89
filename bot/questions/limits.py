"""Question rate limits: a fixed window per user and per chat, one polite warning, then silence."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from bot.clock import Clock
from bot.i18n import ENGLISH, Texts

# Forget idle keys once this many are tracked, so a flood of new ids cannot grow memory forever.
MAX_TRACKED = 10_000


class Verdict(enum.Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first refusal in a window: say so once
    SILENT = "silent"  # later refusals in the same window: no reply at all


@dataclass(slots=True)
class _Window:
    started: dt.datetime
    count: int = 0
    warned: bool = False


class RateLimiter:
    """At most `limit` events per key in each window of `window`; `limit` 0 allows everything."""

    def __init__(self, limit: int, window: dt.timedelta, clock: Clock) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._windows: dict[int, _Window] = {}

    def check(self, key: int) -> Verdict:
        """Count one event for `key` and say whether it may go ahead."""
        if self.limit <= 0:
            return Verdict.ALLOW
        now = self._clock.now()
        current = self._windows.get(key)
        if current is None or now - current.started >= self.window:
            if len(self._windows) >= MAX_TRACKED:
                self._forget_idle(now)
            current = self._windows[key] = _Window(now)
        current.count += 1
        if current.count <= self.limit:
            return Verdict.ALLOW
        if current.warned:
            return Verdict.SILENT
        current.warned = True
        return Verdict.WARN

    def retry_after(self, key: int) -> int:
        """Whole seconds until `key`'s window resets (0 if it is not limited)."""
        current = self._windows.get(key)
        if current is None:
            return 0
        left = current.started + self.window - self._clock.now()
        return max(0, int(left.total_seconds() + 0.999))

    def _forget_idle(self, now: dt.datetime) -> None:
        self._windows = {k: w for k, w in self._windows.items() if now - w.started < self.window}


class QuestionLimits:
    """The per-user and per-chat limits on questions, checked together."""

    def __init__(self, per_user: int, per_chat: int, window: dt.timedelta, clock: Clock) -> None:
        self.users = RateLimiter(per_user, window, clock)
        self.chats = RateLimiter(per_chat, window, clock)

    def check(self, user_id: int | None, chat_id: int | None) -> tuple[Verdict, int]:
        """The verdict for one question, and the seconds until the limit that applies resets."""
        if user_id is not None:
            verdict = self.users.check(user_id)
            if verdict is not Verdict.ALLOW:
                return verdict, self.users.retry_after(user_id)
        # A private chat is its user; only groups get a shared limit.
        if chat_id is not None and chat_id != user_id:
            verdict = self.chats.check(chat_id)
            if verdict is not Verdict.ALLOW:
                return verdict, self.chats.retry_after(chat_id)
        return Verdict.ALLOW, 0


def slow_down_text(seconds: int, texts: Texts = ENGLISH) -> str:
    """The one polite reply when a limit is reached."""
    return texts.plural(
        "You're asking faster than I can answer well. "
        "Please wait a second; I'll stay quiet until then.",
        "You're asking faster than I can answer well. "
        "Please wait {n} seconds; I'll stay quiet until then.",
        seconds,
    )


def slow_down_button(seconds: int, texts: Texts = ENGLISH) -> str:
    """The same notice, short enough for a button over inline results."""
    return texts("Too many questions: please wait {seconds} s", seconds=seconds)
