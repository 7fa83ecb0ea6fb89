"""Digest commands: /subscribe, /subscriptions, /unsubscribe, /timezone and /digest."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.digests.subscriptions import AlreadyExists, ChatRef, NotATime, TooMany
from bot.render import escape
from handlers.common import actor, args_text, reply, reply_parts, services
from handlers.permissions import chat_admins_only

SUBSCRIBE_USAGE = (
    "Usage: /subscribe [time] [topic words], for example /subscribe 08:00, /subscribe 8am or "
    "/subscribe 7:30pm syria raqqa"
)
UNSUBSCRIBE_USAGE = escape("Usage: /unsubscribe <n|all>; /subscriptions lists the numbers.")
TIMEZONE_USAGE = escape(
    "Usage: /timezone <city or Area/City>, for example /timezone Beirut or /timezone UTC+3"
)
MAX_SUBSCRIPTIONS = 10


def _chat_of(update: Update) -> ChatRef | None:
    chat = update.effective_chat
    return ChatRef(chat.id, chat.type, chat.title) if chat is not None else None


@chat_admins_only
async def subscribe(update: Update, context: Context) -> None:
    """/subscribe [HH:MM] [topic words]."""
    chat, message = _chat_of(update), update.effective_message
    if chat is None or message is None:
        return
    outcome = await services(context).digest_subscriptions.subscribe(
        chat, args_text(message), actor=actor(update)
    )
    if isinstance(outcome, NotATime):
        await reply(update, f"“{escape(outcome.word)}” is not a time of day.\n{SUBSCRIBE_USAGE}")
    elif isinstance(outcome, AlreadyExists):
        sub = outcome.subscription
        about = f" about {escape(sub.topics)}" if sub.topics else ""
        await reply(
            update,
            f"That digest already exists: every day at {sub.time_of_day}{about}. "
            "/subscriptions lists this chat's digests.",
        )
    elif isinstance(outcome, TooMany):
        await reply(
            update, f"This chat has {outcome.count} digests already; /unsubscribe one first."
        )
    else:
        sub = outcome.subscription
        about = f" about {escape(sub.topics)}" if sub.topics else ""
        await reply(
            update,
            f"Subscribed: a digest{about} every day at {sub.time_of_day} "
            f"({escape(outcome.timezone)}). "
            "/timezone changes the time zone; /unsubscribe stops it.",
        )


async def subscriptions(update: Update, context: Context) -> None:
    """/subscriptions: this chat's digests, numbered."""
    chat = update.effective_chat
    if chat is None:
        return
    chats = services(context).digest_subscriptions
    subs = await chats.of_chat(chat.id)
    if not subs:
        await reply(update, "This chat has no digests. " + SUBSCRIBE_USAGE)
        return
    lines = ["This chat's digests:"]
    for number, sub in enumerate(subs, start=1):
        about = f" — {escape(sub.topics)}" if sub.topics else " — everything"
        paused = "" if sub.active else " (paused)"
        tz = escape(sub.timezone or chats.default_timezone)
        lines.append(f"{number}. {sub.time_of_day} {tz}{about}{paused}")
    await reply(update, "\n".join(lines))


@chat_admins_only
async def unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe <n|all>."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    outcome = await services(context).digest_subscriptions.unsubscribe(
        chat.id, args_text(message), actor=actor(update)
    )
    if outcome.removed is None:
        has = (
            f" This chat has {outcome.remaining}." if outcome.remaining else " This chat has none."
        )
        await reply(update, UNSUBSCRIBE_USAGE + has)
        return
    removed = outcome.removed
    await reply(update, f"Removed {removed} digest{'s' if removed != 1 else ''}.")


async def timezone(update: Update, context: Context) -> None:
    """/timezone shows this chat's time zone; /timezone <Area/City> sets it (admins)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if args_text(message):
        await _set_timezone(update, context)
        return
    current = await services(context).digest_subscriptions.timezone(chat.id)
    await reply(update, f"This chat's time zone is {escape(current)}.\n{TIMEZONE_USAGE}")


@chat_admins_only
async def _set_timezone(update: Update, context: Context) -> None:
    chat, message = _chat_of(update), update.effective_message
    if chat is None or message is None:
        return
    name = args_text(message)
    found = await services(context).digest_subscriptions.set_timezone(chat, name)
    if found.zone is None:
        close = ", ".join(found.suggestions)
        hint = f" Did you mean: {escape(close)}?" if close else ""
        await reply(
            update, f"“{escape(name[:64])}” is not a time zone I know.{hint}\n{TIMEZONE_USAGE}"
        )
        return
    await reply(update, f"Time zone set to {escape(found.zone)}; digests follow it from now on.")


async def digest_now(update: Update, context: Context) -> None:
    """/digest [topic words]: what is new, now (does not count as the daily digest)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    parts = await services(context).digests.on_demand(chat.id, args_text(message))
    await reply_parts(update, parts)
