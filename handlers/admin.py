"""/start, /help, and the editors' /delete (confirmed by a button), /restore, /audit, /stats."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.articles.archive import RESTORE_DAYS
from bot.commands import help_text
from bot.context import Context
from bot.render import escape
from handlers.articles import not_yet_searchable
from handlers.common import (
    REFUSE_EDITORS_ONLY,
    STALE_BUTTON,
    actor,
    args_text,
    article_number,
    editor_message,
    is_editor,
    reply,
    services,
    texts,
)

START = (
    "Hello! I keep this newsroom's archive and answer questions from it.\n"
    "Ask me anything, for example: <i>civilians trapped in Raqqa?</i>\n"
    "/subscribe 08:00 gets you a daily digest; /help lists everything."
)
DELETE_USAGE = escape("Usage: /delete <article number>, for example /delete 42")
RESTORE_USAGE = escape("Usage: /restore <article number>, for example /restore 42")
DELETE_PREFIX = "delete:"
KEEP = "delete:keep"
AUDIT_LINES = 20


async def start(update: Update, context: Context) -> None:
    """/start."""
    await reply(update, START)


async def help_command(update: Update, context: Context) -> None:
    """/help, from the one command table."""
    language = await texts(update, context)
    await reply(update, language.html(help_text(await is_editor(update, context), language)))


async def delete(update: Update, context: Context) -> None:
    """/delete <n> (editors): asks for confirmation with a button first."""
    message = await editor_message(update, context)
    if message is None:
        return
    number = article_number(args_text(message))
    if number is None:
        await reply(update, DELETE_USAGE)
        return
    article = await services(context).archive.articles.get(number)
    if article is None:
        await reply(update, f"There is no article #{number} in the archive.")
        return
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(f"Delete #{number}", callback_data=f"{DELETE_PREFIX}{number}"),
                InlineKeyboardButton("Keep it", callback_data=KEEP),
            ]
        ]
    )
    await reply(
        update,
        f"Delete #{number}: {escape(article.title)}?\n"
        f"An editor can /restore it within {RESTORE_DAYS} days.",
        reply_markup=buttons,
    )


async def delete_callback(update: Update, context: Context) -> None:
    """The confirmation buttons of /delete."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    if not await is_editor(update, context):
        await query.answer("Only the newsroom's editors can delete articles.")
        return
    if query.data == KEEP:
        await query.answer("Kept.")
        await query.edit_message_text("Nothing was deleted.")
        return
    number = article_number(query.data.removeprefix(DELETE_PREFIX))
    if number is None:
        await query.answer(STALE_BUTTON)
        return
    # Answers leave a deleted article out at once whether or not the index has caught up.
    deleted = (await services(context).archive.delete(number, actor=actor(update))).value
    await query.answer()
    if deleted is None:
        await query.edit_message_text(f"Article #{number} is already gone.")
        return
    await query.edit_message_text(
        f"Deleted #{deleted.id}: {escape(deleted.title)}\n"
        f"/restore {deleted.id} brings it back within {RESTORE_DAYS} days."
    )


async def restore(update: Update, context: Context) -> None:
    """/restore <n> (editors): undo a delete from the last 30 days."""
    message = await editor_message(update, context)
    if message is None:
        return
    number = article_number(args_text(message))
    if number is None:
        await reply(update, RESTORE_USAGE)
        return
    written = await services(context).archive.restore(number, actor=actor(update))
    outcome, article = written.value
    if outcome == "restored" and article is not None:
        text = f"Restored #{article.id}: {escape(article.title)}"
        if not written.searchable:
            text += "\n" + not_yet_searchable("It is back in the archive")
        await reply(update, text)
    elif outcome == "live":
        await reply(update, f"Article #{number} was not deleted.")
    elif outcome == "expired":
        await reply(
            update,
            f"Article #{number} was deleted more than {RESTORE_DAYS} days ago; it stays gone.",
        )
    elif outcome == "clash" and article is not None:
        await reply(
            update, f"The same text is in the archive again as #{article.id}; nothing to restore."
        )
    else:
        await reply(update, f"There is no deleted article #{number}.")


async def audit_log(update: Update, context: Context) -> None:
    """/audit (editors): the newest entries of the audit log."""
    if not await is_editor(update, context):
        await reply(update, REFUSE_EDITORS_ONLY)
        return
    entries = await services(context).audit.recent(AUDIT_LINES)
    if not entries:
        await reply(update, "The audit log is empty.")
        return
    lines = [f"Last {len(entries)} changes, newest first:"]
    for entry in entries:
        who = (
            f"user {entry.actor_id}"
            if entry.actor_id is not None
            else f"chat {entry.chat_id}"
            if entry.chat_id is not None
            else "system"
        )
        what = f" #{entry.article_id}" if entry.article_id is not None else ""
        detail = f": {escape(entry.detail[:80])}" if entry.detail else ""
        lines.append(f"{entry.at:%Y-%m-%d %H:%M} {who} {entry.action}{what}{detail}")
    await reply(update, "\n".join(lines))


async def stats(update: Update, context: Context) -> None:
    """/stats (editors): articles, sources, subscriptions and paused chats."""
    if not await is_editor(update, context):
        await reply(update, REFUSE_EDITORS_ONLY)
        return
    core = services(context)
    archive = await core.archive.articles.stats()
    subs, chats = await core.subscriptions.count()
    sent, pending = await core.subscriptions.delivered_count()
    paused = await core.subscriptions.paused_chats()
    lines = [
        f"Articles: {archive.articles:,} from {archive.sources:,} sources "
        f"({archive.deleted:,} deleted)",
        f"Subscriptions: {subs:,} in {chats:,} chats",
        f"Digests sent: {sent:,}; waiting: {pending:,}",
    ]
    if paused:
        lines.append(f"Paused chats (blocked or removed the bot): {len(paused)}")
        lines.extend(
            f"  {p.chat_id}: {escape(p.reason[:80])} since {p.since:%Y-%m-%d}" for p in paused[:10]
        )
    await reply(update, "\n".join(lines))
