"""The one error handler: log first, then a short apology in the chat, never a trace."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import Context
from bot.failures import storage_failure_text
from bot.telegram.outage import is_unreachable

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Nothing you sent was lost; please try again."


async def on_error(update: object, context: Context) -> None:
    """Log the exception with the update's ids (not its contents), then apologise."""
    error = context.error
    if is_unreachable(error):
        # Telegram is out of reach: one line per outage, not a traceback per update, and no
        # apology, which could not be sent either.
        context.bot_data.outage.failed(error)
        return
    where = ""
    if isinstance(update, Update):
        chat = update.effective_chat
        where = f" (update {update.update_id}, chat {chat.id if chat else '-'})"
    log.error("error while handling an update%s", where, exc_info=error)
    if not isinstance(update, Update) or update.effective_message is None:
        return
    if update.effective_chat is not None and update.effective_chat.type == "channel":
        return
    try:
        await update.effective_message.reply_text(storage_failure_text(error) or SORRY)
    except TelegramError:
        log.warning("could not send the apology")
