"""The one error handler: log first, then a short apology in the chat, never a trace."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import Context
from bot.failures import storage_failure_text
from bot.i18n import ENGLISH, N_
from bot.render import escape
from bot.telegram.outage import is_unreachable

log = logging.getLogger(__name__)

SORRY = N_("Sorry, something went wrong on my side. Nothing you sent was lost; please try again.")
# bot/failures.py's texts, marked here for the catalogue (a test checks they are the same).
FAILURE_TEXTS = (
    N_(
        "I could not save that: the archive's disk is full. Everything saved before is safe; "
        "please send it again once an admin has made room."
    ),
    N_(
        "I could not save that: the archive is read-only right now. Everything saved before is "
        "safe; please send it again later."
    ),
    N_(
        "The archive is busy right now and I could not finish that. Everything saved before is "
        "safe; please try again."
    ),
)


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
        # The chat's language from the store it remembered; if that fails too, English.
        language = await context.bot_data.services.languages.texts(
            update.effective_chat.id if update.effective_chat else None,
            update.effective_user.language_code if update.effective_user else None,
        )
    except Exception:
        log.warning("could not look up the chat's language for the apology", exc_info=True)
        language = ENGLISH
    try:
        text = language(storage_failure_text(error) or SORRY)
        await update.effective_message.reply_text(language.html(escape(text)))
    except TelegramError:
        log.warning("could not send the apology")
