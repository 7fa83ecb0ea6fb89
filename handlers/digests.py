"""Digest commands: /subscribe, /subscriptions, /unsubscribe, /timezone and /digest."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import Chat, Update

from bot.context import Context
from bot.digests.requests import zone_label
from bot.digests.subscriptions import (
    AlreadyExists,
    ChatRef,
    NotATime,
    NotNamed,
    SubscriptionInfo,
    TooMany,
)
from bot.digests.topics import (
    NoTopicWords,
    TimeAsTopic,
    TooManyTopicWords,
    WhenAsTopic,
    ZoneAsTopic,
    topic_problem_line,
)
from bot.i18n import N_, Texts
from bot.render import echoed, escape
from handlers.common import actor, args_text, reply, reply_parts, services, texts
from handlers.permissions import chat_admins_only

SUBSCRIBE_USAGE = N_(
    "Usage: /subscribe [time] [topic words], for example /subscribe 08:00, /subscribe 8am or "
    "/subscribe 7:30pm syria raqqa"
)
UNSUBSCRIBE_USAGE = N_(
    "Usage: /unsubscribe <n|time|all>, for example /unsubscribe 2 or /unsubscribe 08:00"
)
TIMEZONE_USAGE = N_(
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
    core = services(context)
    outcome = await core.digest_subscriptions.subscribe(
        chat, args_text(message), actor=actor(update)
    )
    language = await texts(update, context)
    usage = escape(language(SUBSCRIBE_USAGE))
    if isinstance(outcome, NotATime):
        text = language("“{word}” is not a time of day.", word=escape(outcome.word))
        text += "\n" + usage
    elif isinstance(
        outcome, NoTopicWords | TimeAsTopic | WhenAsTopic | ZoneAsTopic | TooManyTopicWords
    ):
        text = topic_problem_line(outcome, language)
    elif isinstance(outcome, AlreadyExists):
        sub = outcome.subscription
        text = (
            language(
                "That digest already exists: every day at {time} about {topics}.",
                time=sub.time_of_day,
                topics=escape(sub.topics),
            )
            if sub.topics
            else language("That digest already exists: every day at {time}.", time=sub.time_of_day)
        )
        text += " " + language("/subscriptions lists this chat's digests.")
    elif isinstance(outcome, TooMany):
        text = language.plural(
            "This chat has {n} digest already; /unsubscribe one first.",
            "This chat has {n} digests already; /unsubscribe one first.",
            outcome.count,
        )
    else:
        sub = outcome.subscription
        zone = escape(zone_label(outcome.timezone))
        text = (
            language(
                "Subscribed: a digest about {topics} every day at {time} ({zone}).",
                topics=escape(sub.topics),
                time=sub.time_of_day,
                zone=zone,
            )
            if sub.topics
            else language(
                "Subscribed: a digest every day at {time} ({zone}).",
                time=sub.time_of_day,
                zone=zone,
            )
        )
        text += " " + language("/timezone changes the time zone; /unsubscribe stops it.")
        user = update.effective_user
        if chat.kind == Chat.PRIVATE and user is not None:
            # Digests go out unasked, with no user's language to follow: a private chat keeps
            # its subscriber's (the chat's own /language choice, if any, stays first).
            await core.languages.remember(chat.id, user.language_code, kind=chat.kind)
    await reply(update, language.html(text))


async def subscriptions(update: Update, context: Context) -> None:
    """/subscriptions: this chat's digests, numbered."""
    chat = update.effective_chat
    if chat is None:
        return
    chats = services(context).digest_subscriptions
    subs = await chats.of_chat(chat.id)
    language = await texts(update, context)
    if not subs:
        text = language("This chat has no digests.") + " " + escape(language(SUBSCRIBE_USAGE))
        await reply(update, language.html(text))
        return
    lines = [language("This chat's digests:")]
    lines += _digest_lines(language, enumerate(subs, start=1), chats.default_timezone)
    await reply(update, language.html("\n".join(lines)))


def _digest_lines(
    language: Texts, numbered: Iterable[tuple[int, SubscriptionInfo]], default_timezone: str
) -> list[str]:
    """One line a digest, as /subscriptions numbers them: `2. 07:30 UTC — raqqa dam`."""
    lines = []
    for number, sub in numbered:
        about = escape(sub.topics) if sub.topics else language("everything")
        paused = " " + language("(paused)") if not sub.active else ""
        tz = escape(zone_label(sub.timezone or default_timezone))
        lines.append(f"{number}. {sub.time_of_day} {tz} — {about}{paused}")
    return lines


@chat_admins_only
async def unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe <n|all>."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    outcome = await services(context).digest_subscriptions.unsubscribe(
        chat.id, args_text(message), actor=actor(update)
    )
    language = await texts(update, context)
    if isinstance(outcome, NotNamed):
        await reply(update, language.html(_not_named(language, outcome, context)))
        return
    if outcome.removed == 0:
        # ("Removed 0 digests." read as if something had gone wrong.)
        await reply(update, language.html(language("This chat has no digests.")))
        return
    text = language.plural("Removed {n} digest.", "Removed {n} digests.", outcome.removed)
    await reply(update, language.html(text))


def _not_named(language: Texts, outcome: NotNamed, context: Context) -> str:
    """What to answer an /unsubscribe that named no one digest: the ones it could name."""
    if not outcome.choices:
        return language("This chat has no digests.")
    asked = echoed(outcome.asked, 64)
    if outcome.several:
        head = language.plural(
            "“{what}” fits {n} digest; /unsubscribe with its number:",
            "“{what}” fits {n} digests; /unsubscribe with the number of one:",
            len(outcome.choices),
            what=escape(asked),
        )
    elif asked:
        head = language(
            "This chat has no digest “{what}”; /unsubscribe takes a number or a time from "
            "this list, or all:",
            what=escape(asked),
        )
    else:
        head = escape(language(UNSUBSCRIBE_USAGE)) + "\n" + language("This chat's digests:")
    default_timezone = services(context).digest_subscriptions.default_timezone
    return "\n".join([head, *_digest_lines(language, outcome.choices, default_timezone)])


async def timezone(update: Update, context: Context) -> None:
    """/timezone shows this chat's time zone; /timezone <Area/City> sets it (admins)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    if args_text(message):
        await _set_timezone(update, context)
        return
    current = await services(context).digest_subscriptions.timezone(chat.id)
    language = await texts(update, context)
    text = language("This chat's time zone is {zone}.", zone=escape(zone_label(current)))
    await reply(update, language.html(text + "\n" + escape(language(TIMEZONE_USAGE))))


@chat_admins_only
async def _set_timezone(update: Update, context: Context) -> None:
    chat, message = _chat_of(update), update.effective_message
    if chat is None or message is None:
        return
    name = args_text(message)
    found = await services(context).digest_subscriptions.set_timezone(chat, name)
    language = await texts(update, context)
    if found.zone is None:
        close = ", ".join(found.suggestions)
        text = language("“{name}” is not a time zone I know.", name=escape(name[:64]))
        if close:
            text += " " + language("Did you mean: {zones}?", zones=escape(close))
        await reply(update, language.html(text + "\n" + escape(language(TIMEZONE_USAGE))))
        return
    text = language(
        "Time zone set to {zone}; digests follow it from now on.",
        zone=escape(zone_label(found.zone)),
    )
    await reply(update, language.html(text))


async def digest_now(update: Update, context: Context) -> None:
    """/digest [topic words]: what is new, now (does not count as the daily digest)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    language = await texts(update, context)
    parts = await services(context).digests.on_demand(chat.id, args_text(message), language)
    await reply_parts(update, parts)
