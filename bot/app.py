"""The composition root: one factory builds the Application that every entry point runs."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest

from bot.clock import Clock
from bot.commands import COMMANDS
from bot.context import BotData, NewsApp
from bot.services import open_services
from bot.settings import Settings
from bot.telegram.pacing import Limits, Pacer

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "0:offline"


def build_application(
    settings: Settings,
    *,
    token: str | None = None,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    rate_limit: bool = True,
    pacer: Pacer | None = None,
    concurrent_updates: int = 1,
) -> NewsApp:
    """Build the bot: Telegram client, handlers, and the services opened in post_init.

    `request` replaces the HTTP layer (the offline chat and the tests use a fake Bot API there);
    `token` defaults to the configured one; `pacer` keeps Telegram's flood limits (tests give
    one on virtual time); `concurrent_updates` is how many updates are handled at once (the
    webhook server lets one update's database and Bot API waits overlap another's work).
    """
    from bot.telegram.rate_limiter import PacedRateLimiter
    from handlers import register_handlers  # the root is the one place that knows every layer

    pacer = pacer or Pacer(Limits(per_second=settings.telegram_messages_per_second))

    builder = (
        ApplicationBuilder()
        .token(token or settings.require_token())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .context_types(ContextTypes(bot_data=BotData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                do_quote=True,
            )
        )
        .post_init(_post_init_for(settings, clock))
        .post_shutdown(_post_shutdown)
        .concurrent_updates(concurrent_updates)
    )
    if rate_limit:
        # Telegram's flood limits (overall, 1/s per chat, 20/min per group); waits out 429s.
        builder = builder.rate_limiter(PacedRateLimiter(pacer))  # type: ignore[arg-type]
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app: NewsApp = builder.build()
    app.bot_data.pacer = pacer
    register_handlers(app, settings)
    return app


def _post_init_for(settings: Settings, clock: Clock | None) -> Any:
    async def post_init(app: NewsApp) -> None:
        services = await open_services(settings, clock=clock)
        app.bot_data.attach(services)
        await app.bot.set_my_commands(
            [BotCommand(c.name, c.description) for c in COMMANDS if not c.editors_only]
        )
        from handlers.jobs import schedule_all

        await schedule_all(app)
        from handlers.housekeeping import schedule_scale_jobs

        schedule_scale_jobs(app)
        from handlers.feeds import schedule_feeds

        await schedule_feeds(app)
        log.info("newsroom bot ready as @%s", app.bot.username)

    return post_init


async def _post_shutdown(app: NewsApp) -> None:
    if app.bot_data.is_open:
        await app.bot_data.services.close()
