"""The digest dispatcher on PTB's JobQueue, and the Telegram side of sending a digest."""

from __future__ import annotations

import logging

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.context import Context, NewsApp
from bot.digests import compose as digests
from bot.metrics import CountingSender
from bot.telegram.pacing import Pacer
from bot.telegram.rate_limiter import PacedCall
from handlers.common import RUN_LATE

log = logging.getLogger(__name__)


DISPATCH_JOB = "digest:dispatch"
RETRIES = 4
FIRST_BACKOFF = 0.5
CHAT_GONE_MARKERS = (
    "chat not found",
    "user is deactivated",
    "bot was kicked",
    "bot was blocked",
    "bot is not a member",
)


class TelegramSender:
    """Sends digest parts with the bot; maps Telegram's errors to the digest outcomes."""

    def __init__(self, app: NewsApp, pacer: Pacer) -> None:
        self._app = app
        self._pacer = pacer

    async def send(
        self, chat_id: int, html: str, *, before_send: digests.BeforeSend | None = None
    ) -> None:
        """Send one part, retrying network errors, timeouts and 5xx with back-off."""
        delay = FIRST_BACKOFF
        paced = self._app.bot.rate_limiter is not None
        for attempt in range(RETRIES + 1):
            try:
                if paced:
                    # The limiter calls before_send after its waits, right before the request.
                    call = PacedCall(before_send=before_send)
                    await self._app.bot.send_message(chat_id, html, rate_limit_args=call)
                else:
                    if before_send is not None:
                        await before_send()
                    await self._app.bot.send_message(chat_id, html)
                return
            except ChatMigrated as moved:
                raise digests.ChatMigrated(int(moved.new_chat_id)) from None
            except Forbidden as exc:
                raise digests.ChatGone(exc.message) from None
            except BadRequest as exc:
                if any(marker in exc.message.lower() for marker in CHAT_GONE_MARKERS):
                    raise digests.ChatGone(exc.message) from None
                raise digests.DeliveryError(exc.message) from None
            except RetryAfter as exc:
                # The rate limiter already waited several times; the digest stays due.
                raise digests.DeliveryError(f"still rate limited: {exc.message}") from None
            except (TimedOut, NetworkError) as exc:
                if attempt == RETRIES:
                    raise digests.DeliveryError(str(exc)) from None
                await self._pacer.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable: the last attempt returns or raises")


async def schedule_all(app: NewsApp) -> None:
    """Start-up: free this worker's old leases; the dispatcher runs now and then every tick."""
    services = app.bot_data.services
    released = await services.dispatcher.start()
    if released:
        log.info("resuming %d digest(s) this worker was sending when it stopped", released)
    if app.job_queue is None:
        log.warning(
            "no JobQueue: digests will not be sent (install python-telegram-bot[job-queue])"
        )
        return
    interval = services.settings.digest_tick_seconds
    app.job_queue.run_repeating(
        dispatch_job, interval=interval, first=interval, name=DISPATCH_JOB, job_kwargs=RUN_LATE
    )
    # A repeating trigger whose start passed before the JobQueue started waits a whole
    # interval; a one-off run may be late but is never dropped: the catch-up after downtime.
    app.job_queue.run_once(dispatch_job, when=0, name=f"{DISPATCH_JOB}:start", job_kwargs=RUN_LATE)


async def dispatch_job(context: Context) -> None:
    """Open digests that fell due (after downtime too, oldest first) and send them once."""
    app = context.application
    data = app.bot_data
    sender = CountingSender(TelegramSender(app, data.pacer), data.services.metrics)
    report = await data.services.dispatcher.tick(sender)
    if report.opened or report.outcomes:
        log.info(
            "digests: %d opened, %s",
            report.opened,
            ", ".join(f"{n} {o.value}" for o, n in report.outcomes.items()) or "none sent",
        )
