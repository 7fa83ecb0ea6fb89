"""Digest commands: /subscribe, /subscriptions, /unsubscribe, /timezone and /digest."""

from __future__ import annotations

from telegram import Update

from bot.context import Context
from bot.digests.compose import topics_of
from bot.digests.requests import NotATime, find_timezone, parse_subscribe, same_topics
from bot.digests.schedule import format_time
from bot.render import escape
from handlers.common import (
    args_text,
    audit,
    is_chat_admin,
    reply,
    reply_parts,
    services,
    user_id,
)

SUBSCRIBE_USAGE = (
    "Usage: /subscribe [time] [topic words], for example /subscribe 08:00, /subscribe 8am or "
    "/subscribe 7:30pm syria raqqa"
)
UNSUBSCRIBE_USAGE = escape("Usage: /unsubscribe <n|all>; /subscriptions lists the numbers.")
TIMEZONE_USAGE = escape(
    "Usage: /timezone <city or Area/City>, for example /timezone Beirut or /timezone UTC+3"
)
ADMINS_ONLY = "Only this chat's admins can change its digests."
MAX_SUBSCRIPTIONS = 10


async def subscribe(update: Update, context: Context) -> None:
    """/subscribe [HH:MM] [topic words]."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if not await is_chat_admin(update, context):
        await reply(update, ADMINS_ONLY)
        return
    core = services(context)
    try:
        request = parse_subscribe(args_text(message).split())
    except NotATime as exc:
        await reply(update, f"“{escape(str(exc))}” is not a time of day.\n{SUBSCRIBE_USAGE}")
        return
    at, words = request.at or core.settings.digest_time, request.topics
    existing = await core.subscriptions.for_chat(chat.id)
    topics = topics_of(words)
    if any(s.time_of_day == format_time(at) and same_topics(s.topics, topics) for s in existing):
        about = f" about {escape(topics)}" if topics else ""
        await reply(
            update,
            f"That digest already exists: every day at {format_time(at)}{about}. "
            "/subscriptions lists this chat's digests.",
        )
        return
    if len(existing) >= MAX_SUBSCRIPTIONS:
        await reply(
            update, f"This chat has {len(existing)} digests already; /unsubscribe one first."
        )
        return
    await core.subscriptions.touch_chat(chat.id, chat.type, chat.title)
    sub = await core.subscriptions.subscribe(
        chat.id,
        format_time(at),
        topics,
        created_by=user_id(update),
        after_article_id=await core.archive.articles.last_id(),
        now=core.clock.now(),
    )
    await audit(update, context, "subscribe", detail=f"{sub.time_of_day} {sub.topics}".strip())
    tz = sub.timezone or core.settings.timezone
    about = f" about {escape(sub.topics)}" if sub.topics else ""
    await reply(
        update,
        f"Subscribed: a digest{about} every day at {sub.time_of_day} ({escape(tz)}). "
        "/timezone changes the time zone; /unsubscribe stops it.",
    )


async def subscriptions(update: Update, context: Context) -> None:
    """/subscriptions: this chat's digests, numbered."""
    chat = update.effective_chat
    if chat is None:
        return
    core = services(context)
    subs = await core.subscriptions.for_chat(chat.id)
    if not subs:
        await reply(update, "This chat has no digests. " + SUBSCRIBE_USAGE)
        return
    lines = ["This chat's digests:"]
    for number, sub in enumerate(subs, start=1):
        about = f" — {escape(sub.topics)}" if sub.topics else " — everything"
        paused = "" if sub.active else " (paused)"
        tz = escape(sub.timezone or core.settings.timezone)
        lines.append(f"{number}. {sub.time_of_day} {tz}{about}{paused}")
    await reply(update, "\n".join(lines))


async def unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe <n|all>."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if not await is_chat_admin(update, context):
        await reply(update, ADMINS_ONLY)
        return
    core = services(context)
    subs = await core.subscriptions.for_chat(chat.id)
    arg = args_text(message).strip().lower()
    if arg == "all":
        chosen = subs
    elif arg.isdecimal() and len(arg) < 4 and 1 <= int(arg) <= len(subs):
        chosen = [subs[int(arg) - 1]]
    else:
        hint = f" This chat has {len(subs)}." if subs else " This chat has none."
        await reply(update, UNSUBSCRIBE_USAGE + hint)
        return
    removed = await core.subscriptions.unsubscribe(chat.id, [s.id for s in chosen])
    await audit(update, context, "unsubscribe", detail=f"{removed} removed ({arg})")
    await reply(update, f"Removed {removed} digest{'s' if removed != 1 else ''}.")


async def timezone(update: Update, context: Context) -> None:
    """/timezone <Area/City> for this chat's digests."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    core = services(context)
    name = args_text(message).strip()
    if not name:
        current = await core.subscriptions.chat_timezone(chat.id) or core.settings.timezone
        await reply(update, f"This chat's time zone is {escape(current)}.\n{TIMEZONE_USAGE}")
        return
    if not await is_chat_admin(update, context):
        await reply(update, ADMINS_ONLY)
        return
    found = find_timezone(name)
    if found.zone is None:
        close = ", ".join(found.suggestions)
        hint = f" Did you mean: {escape(close)}?" if close else ""
        await reply(
            update, f"“{escape(name[:64])}” is not a time zone I know.{hint}\n{TIMEZONE_USAGE}"
        )
        return
    name = found.zone
    await core.subscriptions.touch_chat(chat.id, chat.type, chat.title)
    await core.subscriptions.set_timezone(chat.id, name)
    await reply(update, f"Time zone set to {escape(name)}; digests follow it from now on.")


async def digest_now(update: Update, context: Context) -> None:
    """/digest [topic words]: what is new, now (does not count as the daily digest)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    parts = await services(context).digests.on_demand(chat.id, args_text(message))
    await reply_parts(update, parts)
