"""/start, /help, and the editors' /delete (confirmed by a button), /restore, /audit, /stats."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.articles.archive import RESTORE_DAYS, Change
from bot.commands import help_text
from bot.context import Context
from bot.render import escape, no_article_line
from handlers.articles import not_yet_searchable
from handlers.common import (
    STALE_BUTTON,
    actor,
    article_number,
    is_editor,
    number_argument,
    reply,
    services,
    texts,
)
from handlers.permissions import editors_only, guarded_by

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


@editors_only
async def delete(update: Update, context: Context) -> None:
    """/delete <n> (editors): asks for confirmation with a button first."""
    number = await number_argument(update, DELETE_USAGE)
    if number is None:
        return
    article = await services(context).archive.get(number)
    if article is None:
        await reply(update, no_article_line(number))
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


@guarded_by(is_editor, "Only the newsroom's editors can delete articles.")
async def delete_callback(update: Update, context: Context) -> None:
    """The confirmation buttons of /delete."""
    query = update.callback_query
    if query is None or query.data is None:
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


@editors_only
async def restore(update: Update, context: Context) -> None:
    """/restore <n> (editors): undo a delete from the last 30 days."""
    number = await number_argument(update, RESTORE_USAGE)
    if number is None:
        return
    written = await services(context).archive.restore(number, actor=actor(update))
    outcome, article = written.value
    if outcome is Change.RESTORED and article is not None:
        text = f"Restored #{article.id}: {escape(article.title)}"
        if not written.searchable:
            text += "\n" + not_yet_searchable("It is back in the archive")
        await reply(update, text)
    elif outcome is Change.LIVE:
        await reply(update, f"Article #{number} was not deleted.")
    elif outcome is Change.EXPIRED:
        await reply(
            update,
            f"Article #{number} was deleted more than {RESTORE_DAYS} days ago; it stays gone.",
        )
    elif outcome is Change.CLASH and article is not None:
        await reply(
            update, f"The same text is in the archive again as #{article.id}; nothing to restore."
        )
    else:
        await reply(update, f"There is no deleted article #{number}.")


@editors_only
async def audit_log(update: Update, context: Context) -> None:
    """/audit (editors): the newest entries of the audit log."""
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


@editors_only
async def stats(update: Update, context: Context) -> None:
    """/stats (editors): articles, sources, subscriptions and paused chats."""
    core = services(context)
    archive = await core.archive.stats()
    digests = await core.digest_subscriptions.stats()
    paused = digests.paused
    lines = [
        f"Articles: {archive.articles:,} from {archive.sources:,} sources "
        f"({archive.deleted:,} deleted)",
        f"Subscriptions: {digests.subscriptions:,} in {digests.chats:,} chats",
        f"Digests sent: {digests.sent:,}; waiting: {digests.pending:,}",
    ]
    if paused:
        lines.append(f"Paused chats (blocked or removed the bot): {len(paused)}")
        lines.extend(
            f"  {p.chat_id}: {escape(p.reason[:80])} since {p.since:%Y-%m-%d}" for p in paused[:10]
        )
    await reply(update, "\n".join(lines))
