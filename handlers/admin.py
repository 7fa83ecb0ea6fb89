"""/start, /help, and the editors' /delete (confirmed by a button), /restore, /audit, /stats."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.articles.archive import RESTORE_DAYS, Change
from bot.audit import audit_line, headlines
from bot.commands import help_text
from bot.context import Context
from bot.i18n import N_
from bot.render import escape
from handlers.articles import not_yet_searchable
from handlers.common import (
    STALE_BUTTON,
    actor,
    article_number,
    is_editor,
    missing_article,
    number_argument,
    reply,
    say,
    services,
    texts,
)
from handlers.permissions import editors_only, editors_view, guarded_by

START = N_(
    "Hello! I keep this newsroom's archive and answer questions from it.\n"
    "Ask me anything, for example: <i>civilians trapped in Raqqa?</i>\n"
    "/subscribe 08:00 gets you a daily digest; /help lists everything."
)
DELETE_USAGE = N_("Usage: /delete <article number>, for example /delete 42")
RESTORE_USAGE = N_("Usage: /restore <article number>, for example /restore 42")
DELETE_PREFIX = "delete:"
KEEP = "delete:keep"
AUDIT_LINES = 20


async def start(update: Update, context: Context) -> None:
    """/start."""
    await say(update, context, START)


async def help_command(update: Update, context: Context) -> None:
    """/help, from the one command table."""
    language = await texts(update, context)
    await reply(update, language.html(help_text(await is_editor(update, context), language)))


@editors_only
async def delete(update: Update, context: Context) -> None:
    """/delete <n> (editors): asks for confirmation with a button first."""
    number = await number_argument(update, context, DELETE_USAGE)
    if number is None:
        return
    language = await texts(update, context)
    article = await services(context).archive.get(number)
    if article is None:
        await missing_article(update, context, number)
        return
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    language("Delete #{n}", n=number), callback_data=f"{DELETE_PREFIX}{number}"
                ),
                InlineKeyboardButton(language("Keep it"), callback_data=KEEP),
            ]
        ]
    )
    question = language("Delete #{n}: {title}?", n=number, title=escape(article.title))
    question += "\n" + language.plural(
        "An editor can /restore it within {n} day.",
        "An editor can /restore it within {n} days.",
        RESTORE_DAYS,
    )
    await reply(update, language.html(question), reply_markup=buttons)


@guarded_by(is_editor, N_("Only the newsroom's editors can delete articles."))
async def delete_callback(update: Update, context: Context) -> None:
    """The confirmation buttons of /delete."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    language = await texts(update, context)
    if query.data == KEEP:
        await query.answer(language("Kept."))
        await query.edit_message_text(language.html(language("Nothing was deleted.")))
        return
    number = article_number(query.data.removeprefix(DELETE_PREFIX))
    if number is None:
        await query.answer(language(STALE_BUTTON))
        return
    # Answers leave a deleted article out at once whether or not the index has caught up.
    deleted = (await services(context).archive.delete(number, actor=actor(update))).value
    await query.answer()
    if deleted is None:
        await query.edit_message_text(
            language.html(language("Article #{n} is already gone.", n=number))
        )
        return
    text = language("Deleted #{n}: {title}", n=deleted.id, title=escape(deleted.title))
    text += "\n" + language.plural(
        "/restore {number} brings it back within {n} day.",
        "/restore {number} brings it back within {n} days.",
        RESTORE_DAYS,
        number=deleted.id,
    )
    await query.edit_message_text(language.html(text))


@editors_only
async def restore(update: Update, context: Context) -> None:
    """/restore <n> (editors): undo a delete from the last 30 days."""
    number = await number_argument(update, context, RESTORE_USAGE)
    if number is None:
        return
    language = await texts(update, context)
    written = await services(context).archive.restore(number, actor=actor(update))
    outcome, article = written.value
    if outcome is Change.RESTORED and article is not None:
        text = language("Restored #{n}: {title}", n=article.id, title=escape(article.title))
        if not written.searchable:
            text += "\n" + not_yet_searchable(language, language("It is back in the archive"))
    elif outcome is Change.LIVE:
        text = language("Article #{n} was not deleted.", n=number)
    elif outcome is Change.EXPIRED:
        text = language.plural(
            "Article #{number} was deleted more than {n} day ago; it stays gone.",
            "Article #{number} was deleted more than {n} days ago; it stays gone.",
            RESTORE_DAYS,
            number=number,
        )
    elif outcome is Change.CLASH and article is not None:
        text = language(
            "The same text is in the archive again as #{n}; nothing to restore.", n=article.id
        )
    else:
        text = language("There is no deleted article #{n}.", n=number)
    await reply(update, language.html(text))


@editors_view
async def audit_log(update: Update, context: Context) -> None:
    """/audit (editors): the newest entries of the audit log."""
    entries = await services(context).audit.recent(AUDIT_LINES)
    language = await texts(update, context)
    if not entries:
        await reply(update, language.html(language("The audit log is empty.")))
        return
    lines = [
        language.plural(
            "Last {n} change, newest first:", "Last {n} changes, newest first:", len(entries)
        )
    ]
    titles = await headlines(entries, services(context).archive.articles)
    lines.extend(audit_line(entry, language, titles) for entry in entries)
    await reply(update, language.html("\n".join(lines)))


@editors_view
async def stats(update: Update, context: Context) -> None:
    """/stats (editors): articles, sources, subscriptions and paused chats."""
    core = services(context)
    archive = await core.archive.stats()
    digests = await core.digest_subscriptions.stats()
    paused = digests.paused
    language = await texts(update, context)
    lines = [
        language.plural(
            "Articles: {articles} from {sources} source ({deleted} deleted)",
            "Articles: {articles} from {sources} sources ({deleted} deleted)",
            archive.sources,
            articles=language.number(archive.articles),
            sources=language.number(archive.sources),
            deleted=language.number(archive.deleted),
        ),
        language.plural(
            "Subscriptions: {subscriptions} in {chats} chat",
            "Subscriptions: {subscriptions} in {chats} chats",
            digests.chats,
            subscriptions=language.number(digests.subscriptions),
            chats=language.number(digests.chats),
        ),
        language(
            "Digests sent: {sent}; waiting: {pending}",
            sent=language.number(digests.sent),
            pending=language.number(digests.pending),
        ),
    ]
    if paused:
        lines.append(language("Paused chats (blocked or removed the bot): {n}", n=len(paused)))
        lines.extend(
            "  "
            + language(
                "{chat}: {reason} since {date}",
                chat=p.chat_id,
                reason=escape(p.reason[:80]),
                date=f"{p.since:%Y-%m-%d}",
            )
            for p in paused[:10]
        )
    await reply(update, language.html("\n".join(lines)))
