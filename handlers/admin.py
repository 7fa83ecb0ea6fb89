"""/start, /help, and the editors' /delete and /stats."""

from __future__ import annotations

from telegram import Update

from bot.commands import help_text
from bot.render import escape
from handlers.common import REFUSE_EDITORS_ONLY, Context, args_text, is_editor, reply, services

START = (
    "Hello! I keep this newsroom's archive and answer questions from it.\n"
    "Ask me anything, for example: <i>civilians trapped in Raqqa?</i>\n"
    "/subscribe 08:00 gets you a daily digest; /help lists everything."
)
DELETE_USAGE = escape("Usage: /delete <article number>, for example /delete 42")


async def start(update: Update, context: Context) -> None:
    """/start."""
    await reply(update, START)


async def help_command(update: Update, context: Context) -> None:
    """/help, from the one command table."""
    await reply(update, help_text(is_editor(update, context)))


async def delete(update: Update, context: Context) -> None:
    """/delete <n> (editors)."""
    message = update.effective_message
    if message is None:
        return
    if not is_editor(update, context):
        await reply(update, REFUSE_EDITORS_ONLY)
        return
    arg = args_text(message).lstrip("#")
    if not arg.isdigit() or len(arg) > 18:
        await reply(update, DELETE_USAGE)
        return
    deleted = await services(context).archive.delete(int(arg))
    if deleted is None:
        await reply(update, f"There is no article #{escape(arg)} in the archive.")
        return
    await reply(update, f"Deleted #{deleted.id}: {escape(deleted.title)}")


async def stats(update: Update, context: Context) -> None:
    """/stats (editors): articles, sources, subscriptions and paused chats."""
    if not is_editor(update, context):
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
