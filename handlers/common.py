"""What every handler shares: typed context, who is asking, and replying safely."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from telegram import Chat, Message, Update
from telegram.error import TelegramError

from bot.articles.archive import RESTORE_DAYS, Actor
from bot.context import Context
from bot.i18n import N_, Texts
from bot.render import MESSAGE_LIMIT, escape, no_article_line, split_plain, telegram_length
from bot.services import Services

log = logging.getLogger(__name__)

# Every job: late is fine, dropped is not. APScheduler skips a run more than a second late
# by default (with a warning), and a busy machine's start or event loop is later than that.
RUN_LATE: dict[str, Any] = {"misfire_grace_time": None}
STALE_BUTTON = N_("That button is out of date.")
REFUSE_EDITORS_ONLY = N_(
    "Sorry, only the newsroom's editors can add or change articles. "
    "You can ask me anything about the archive, though."
)
# ... for the editors' views (/stats, /audit, /feeds), which change nothing.
REFUSE_EDITORS_VIEW = N_(
    "Sorry, only the newsroom's editors can use that command. "
    "You can ask me anything about the archive, though."
)


def services(context: Context) -> Services:
    """The bot's core."""
    return context.bot_data.services


def user_id(update: Update) -> int | None:
    """The id of the person behind an update, if any."""
    return update.effective_user.id if update.effective_user else None


async def is_editor(update: Update, context: Context) -> bool:
    """Whether the sender is an editor: EDITOR_IDS, or an admin of a newsroom chat."""

    async def admins_of(chat_id: int) -> Iterable[int] | None:
        try:
            members = await context.bot.get_chat_administrators(chat_id)
        except TelegramError as exc:
            log.warning("could not list the admins of newsroom chat %s: %s", chat_id, exc)
            return None
        return [m.user.id for m in members]

    return await services(context).roles.is_editor(user_id(update), admins_of)


async def texts(update: Update, context: Context) -> Texts:
    """The fixed texts in this chat's language (its `/language`, else the user's own)."""
    chat = update.effective_chat
    user = update.effective_user
    return await services(context).languages.texts(
        chat.id if chat else None, user.language_code if user else None
    )


async def say(
    update: Update, context: Context, message: str, /, *, plain: bool = False, **values: object
) -> Message | None:
    """Reply with a fixed text in the chat's language: `message` is HTML with `values` (already
    escaped) put in; `plain`: the text itself is plain ("Usage: /read <n>") and is escaped."""
    language = await texts(update, context)
    text = language(message)
    if plain:
        text = escape(text)
    return await reply(update, language.html(text.format(**values) if values else text))


def actor(update: Update) -> Actor:
    """Who sent this update and where: the audit entry of the change it makes names them."""
    chat = update.effective_chat
    return Actor(user_id(update), chat.id if chat else None)


# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): typed in
# a command's words, they were stored with the topic and repeated in replies, where one
# reverses the rest of the line ("/subscribe 8am \u202eraqqa" showed in /subscriptions as
# "08:00 UTC — aqqar"). The marks LRM, RLM and ZWNJ stay: Persian and Arabic words need them.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def args_text(message: Message) -> str:
    """The text after the command word (`/ask@bot how?` gives 'how?'), without bidirectional
    controls."""
    text = (message.text or message.caption or "").translate(_BIDI_CONTROLS)
    words = text.split(None, 1)
    if not words or not words[0].startswith("/"):
        return text.strip()
    return words[1].strip() if len(words) > 1 else ""


def article_number(text: str) -> int | None:
    """An article number as typed ('42', '#42'); None for anything else.

    isdecimal, not isdigit: '²' is a digit that int() refuses, while the decimal digits of
    other scripts ('١٢') are numbers int() reads.
    """
    arg = text.strip().lstrip("#")
    return int(arg) if arg.isdecimal() and len(arg) <= MAX_NUMBER_DIGITS else None


# Article ids are 64-bit integers: a longer number names no article (and overflows SQL's).
MAX_NUMBER_DIGITS = 18


def beyond_ids(text: str) -> int | None:
    """A number typed too long to be any article's ('/read 99999999999999999999'), else None."""
    arg = text.strip().lstrip("#")
    return int(arg) if arg.isdecimal() and len(arg) > MAX_NUMBER_DIGITS else None


async def no_such_article(update: Update, context: Context, number: int) -> None:
    """Reply that there is no article with this number."""
    language = await texts(update, context)
    await reply(update, language.html(no_article_line(number, language)))


async def missing_article(
    update: Update, context: Context, number: int, *, editor: bool = True
) -> None:
    """Reply that there is no article `number`, or that it was deleted (and, to an editor,
    how to bring it back): "There is no article #1" just after deleting #1 read as lost."""
    language = await texts(update, context)
    if not await services(context).archive.was_deleted(number):
        await reply(update, language.html(no_article_line(number, language)))
        return
    line = language("Article #{n} was deleted.", n=number)
    if editor:
        line += " " + language.plural(
            "/restore {number} brings it back (within {n} day of deleting).",
            "/restore {number} brings it back (within {n} days of deleting).",
            RESTORE_DAYS,
            number=number,
        )
    await reply(update, language.html(line))


async def number_argument(update: Update, context: Context, usage: str) -> int | None:
    """The article number after the command; without one, the usage line (plain text, in the
    chat's language) is the reply, and for a number too long to be one, that it is none."""
    message = update.effective_message
    typed = args_text(message) if message is not None else ""
    number = article_number(typed)
    if number is None and message is not None:
        if (huge := beyond_ids(typed)) is not None:
            await no_such_article(update, context, huge)
        else:
            await say(update, context, usage, plain=True)
    return number


async def reply(update: Update, html: str, **kwargs: Any) -> Message | None:
    """Reply with HTML to the update's message; texts over the limit go out in several parts."""
    message = update.effective_message
    if message is None:
        return None
    parts = [html] if telegram_length(html) <= MESSAGE_LIMIT else split_plain(html, MESSAGE_LIMIT)
    sent: Message | None = None
    for number, part in enumerate(parts):
        extra = kwargs if number == len(parts) - 1 else {}
        sent = await message.reply_text(part, **extra)
    return sent


async def reply_parts(update: Update, parts: list[str]) -> None:
    """Send pre-split HTML messages in order."""
    message = update.effective_message
    if message is None:
        return
    for part in parts:
        await message.reply_text(part)


async def is_chat_admin(update: Update, context: Context) -> bool:
    """Whether the sender may manage this chat's digests (private chats: always)."""
    chat = update.effective_chat
    if chat is None:
        return False
    if chat.type == Chat.PRIVATE:
        return True
    if chat.type == Chat.CHANNEL:
        return True  # only a channel's admins can post in it
    user = update.effective_user
    if user is None:
        # Anonymous group admins post as the group itself.
        message = update.effective_message
        return bool(message and message.sender_chat and message.sender_chat.id == chat.id)
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in {"creator", "administrator"}
