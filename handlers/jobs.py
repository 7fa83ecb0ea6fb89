"""Digest jobs on PTB's JobQueue, and the Telegram side of sending a digest."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ContextTypes

from bot import digests
from bot.app import BotData
from bot.metrics import CountingSender
from bot.schedule import parse_time_of_day, zone
from storage.subscriptions import SubscriptionInfo

log = logging.getLogger(__name__)

App = Application[Any, Any, Any, Any, BotData, Any]
RETRIES = 4
CHAT_GONE_MARKERS = ("chat not found", "user is deactivated", "bot was kicked", "bot was blocked")


class TelegramSender:
    """Sends digest parts with the bot; maps Telegram's errors to the digest outcomes."""

    def __init__(self, app: App) -> None:
        self._app = app

    async def send(self, chat_id: int, html: str) -> None:
        """Send one part, retrying transient failures with back-off."""
        delay = 1.0
        for attempt in range(RETRIES + 1):
            try:
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
                # Telegram told us how long to wait: wait, then send the same message again.
                await asyncio.sleep(_seconds(exc.retry_after))
            except (TimedOut, NetworkError) as exc:
                if attempt == RETRIES:
                    raise digests.DeliveryError(str(exc)) from None
                await asyncio.sleep(delay)
                delay *= 2
        raise digests.DeliveryError("still rate limited after several waits")


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


def job_name(subscription_id: int) -> str:
    """The JobQueue name of a subscription's daily job."""
    return f"digest:{subscription_id}"


def schedule_subscription(app: App, sub: SubscriptionInfo) -> None:
    """(Re)create the daily job of one subscription at its local time."""
    unschedule(app, sub.id)
    at = parse_time_of_day(sub.time_of_day)
    if at is None or not sub.active or app.job_queue is None:
        return
    tz = zone(sub.timezone, app.bot_data.services.settings.timezone)
    app.job_queue.run_daily(
        digest_job, time=at.replace(tzinfo=tz), name=job_name(sub.id), data=sub.id
    )


def unschedule(app: App, subscription_id: int) -> None:
    """Remove a subscription's job, if any."""
    if app.job_queue is None:
        return
    for job in app.job_queue.get_jobs_by_name(job_name(subscription_id)):
        job.schedule_removal()


async def schedule_all(app: App) -> None:
    """Start-up: a job for every subscription, and a catch-up run for what fell due meanwhile."""
    for sub in await app.bot_data.services.subscriptions.active():
        schedule_subscription(app, sub)
    if app.job_queue is not None:
        app.job_queue.run_once(catch_up_job, when=0, name="digest:catch-up")


async def digest_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """A subscription's daily time came."""
    app: App = context.application  # type: ignore[assignment]
    job = context.job
    if job is None or not isinstance(job.data, int):
        return
    await app.bot_data.services.digests.run_subscription(job.data, _sender(app))


async def catch_up_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send, once and oldest first, the digests that fell due while the bot was down."""
    app: App = context.application  # type: ignore[assignment]
    sent = await app.bot_data.services.digests.catch_up(_sender(app))
    if sent:
        log.info("sent %d digest(s) that fell due while the bot was down", sent)


def _sender(app: App) -> CountingSender:
    return CountingSender(TelegramSender(app), app.bot_data.services.metrics)
