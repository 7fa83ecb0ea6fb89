"""Telegram adapters: each handler parses an update, calls the core and renders the reply."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.commands import COMMANDS, closest_command
from bot.context import Context
from bot.render import MORE_PREFIX
from bot.settings import Settings
from handlers import admin, articles, digests, feeds, languages, questions, stories
from handlers.common import STALE_BUTTON, say, texts
from handlers.errors import on_error

COMMAND_CALLBACKS = {
    "start": admin.start,
    "help": admin.help_command,
    "ask": questions.ask_command,
    "read": questions.read_command,
    "digest": digests.digest_now,
    "subscribe": digests.subscribe,
    "subscriptions": digests.subscriptions,
    "unsubscribe": digests.unsubscribe,
    "timezone": digests.timezone,
    "language": languages.language_command,
    "trend": stories.trend_command,
    "add": articles.add_command,
    "edit": articles.edit_command,
    "delete": admin.delete,
    "restore": admin.restore,
    "lang": languages.lang_command,
    "feed": feeds.feed_command,
    "feeds": feeds.feeds_command,
    "split": stories.split,
    "join": stories.join,
    "audit": admin.audit_log,
    "stats": admin.stats,
}


def register_handlers(app: Application[Any, Any, Any, Any, Any, Any], settings: Settings) -> None:
    """Attach every handler, commands first."""
    missing = {c.name for c in COMMANDS} ^ set(COMMAND_CALLBACKS)
    if missing:
        raise RuntimeError(f"command table and handlers disagree on: {sorted(missing)}")
    new_messages = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
    for name, callback in COMMAND_CALLBACKS.items():
        app.add_handler(CommandHandler(name, callback, filters=new_messages))
    app.add_handler(
        MessageHandler(
            filters.Regex(questions.READ_PATTERN) & new_messages, questions.read_shortcut
        )
    )
    app.add_handler(
        MessageHandler(
            filters.Regex(questions.MISTYPED_READ) & new_messages, questions.mistyped_read
        )
    )
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, _migrate))
    channel_ids = sorted(settings.channel_ids)
    if channel_ids:
        channels = filters.Chat(chat_id=channel_ids)
        app.add_handler(
            MessageHandler(filters.UpdateType.CHANNEL_POST & channels, articles.channel_post)
        )
        app.add_handler(
            MessageHandler(
                filters.UpdateType.EDITED_CHANNEL_POST & channels, articles.edited_channel_post
            )
        )
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(private & filters.Document.ALL, articles.document))
    app.add_handler(
        MessageHandler(
            private & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND, articles.private_text
        )
    )
    app.add_handler(
        MessageHandler(
            filters.ChatType.GROUPS & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND,
            questions.group_text,
        )
    )
    app.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE
            & filters.UpdateType.EDITED_MESSAGE
            & (filters.TEXT | filters.CAPTION)
            & ~filters.COMMAND,
            articles.edited_private_text,
        )
    )
    app.add_handler(MessageHandler(private & ~filters.TEXT & ~filters.CAPTION, _unsupported))
    app.add_handler(MessageHandler(private & filters.COMMAND, _unknown_command))
    app.add_handler(CallbackQueryHandler(questions.more_callback, pattern=f"^{MORE_PREFIX}"))
    app.add_handler(CallbackQueryHandler(admin.delete_callback, pattern=f"^{admin.DELETE_PREFIX}"))
    app.add_handler(
        CallbackQueryHandler(articles.kind_callback, pattern=f"^{articles.KIND_PREFIX}")
    )
    app.add_handler(CallbackQueryHandler(_unknown_button))
    app.add_handler(InlineQueryHandler(questions.inline_query))
    app.add_error_handler(on_error)


async def _migrate(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    await context.bot_data.services.digest_subscriptions.migrate_chat(
        message.chat_id, message.migrate_to_chat_id
    )


async def _unsupported(update: Update, context: Context) -> None:
    if update.effective_message is not None:
        await say(
            update,
            context,
            "I read text and text files (.txt, .md, .html, .jsonl). Send a question or an article.",
        )


async def _unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    # A typo ("/subscibe 8am") was told only that the command is unknown.
    meant = closest_command(message.text or "")
    if meant is not None:
        await say(
            update,
            context,
            "I don't know that command. Did you mean {command}? /help lists the ones I do.",
            command=meant,
        )
        return
    await say(update, context, "I don't know that command; /help lists the ones I do.")


async def _unknown_button(update: Update, context: Context) -> None:
    # Telegram shows a spinner until a press is answered, even a press of a button we no
    # longer make (or one a client forged).
    if update.callback_query is not None:
        language = await texts(update, context)
        await update.callback_query.answer(language(STALE_BUTTON))
