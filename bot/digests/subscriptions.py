"""Subscribing to digests: the rules (time, topics, how many a chat may have) and the changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.clock import Clock
from bot.digests.compose import TopicMatcher, topics_of
from bot.digests.requests import InvalidTime, find_timezone, parse_subscribe, same_topics
from bot.digests.schedule import format_time
from bot.digests.topics import TopicProblem, topic_problem
from storage.articles import ArticleStore
from storage.audit import Actor
from storage.subscriptions import PausedChat, SubscriptionStore
from storage.subscriptions import SubscriptionInfo as SubscriptionInfo  # re-exported: handlers

MAX_SUBSCRIPTIONS = 10


@dataclass(frozen=True, slots=True)
class ChatRef:
    """The chat a subscription command came from."""

    id: int
    kind: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Subscribed:
    """A new subscription, with the time zone it follows."""

    subscription: SubscriptionInfo
    timezone: str


@dataclass(frozen=True, slots=True)
class NotATime:
    """The first word looks like a time of day but is not one."""

    word: str


@dataclass(frozen=True, slots=True)
class AlreadyExists:
    """The chat has a digest at this time on these topic words already."""

    subscription: SubscriptionInfo


@dataclass(frozen=True, slots=True)
class TimezoneSet:
    """The zone a /timezone argument was found to mean (None: none; see suggestions)."""

    zone: str | None
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TooMany:
    """The chat has MAX_SUBSCRIPTIONS already."""

    count: int


@dataclass(frozen=True, slots=True)
class Unsubscribed:
    """How many subscriptions went."""

    removed: int
    remaining: int


@dataclass(frozen=True, slots=True)
class NotNamed:
    """The argument named no digest of the chat (`asked` empty: there was none), or several.

    `choices` are the digests to choose from, each with its number in the chat's list: all of
    them, or only those the argument fits when it fits more than one.
    """

    asked: str
    choices: tuple[tuple[int, SubscriptionInfo], ...]
    several: bool = False


@dataclass(frozen=True, slots=True)
class DigestStats:
    """Subscriptions, digests sent and waiting, paused chats."""

    subscriptions: int
    chats: int
    sent: int
    pending: int
    paused: list[PausedChat]


class SubscriptionService:
    """What /subscribe, /subscriptions, /unsubscribe and /timezone do, without Telegram."""

    def __init__(
        self,
        store: SubscriptionStore,
        articles: ArticleStore,
        clock: Clock,
        *,
        default_time: dt.time,
        default_timezone: str,
    ) -> None:
        self._store = store
        self._articles = articles
        self._clock = clock
        self.default_time = default_time
        self.default_timezone = default_timezone
        self._matcher = TopicMatcher()

    async def subscribe(
        self, chat: ChatRef, args: str, *, actor: Actor
    ) -> Subscribed | NotATime | TooMany | AlreadyExists | TopicProblem:
        """Subscribe the chat: `[time] [topic words]`, the default time when none is given.

        The time as people type it (08:00, 8am, 8:30pm, 20.30, 8h); a time-like first word
        that is no time is refused, never taken as a topic word; so are topic words no article
        could be on (bot/digests/topics.py).
        """
        try:
            request = parse_subscribe(args.split())
        except InvalidTime as exc:
            return NotATime(str(exc))
        if problem := topic_problem(request.topics, self._matcher.terms):
            return problem
        at, topics = request.at or self.default_time, topics_of(request.topics)
        existing = await self._store.for_chat(chat.id)
        for sub in existing:
            if sub.time_of_day == format_time(at) and same_topics(sub.topics, topics):
                if sub.active:
                    return AlreadyExists(sub)
                # Paused (the chat had blocked the bot): subscribing again resumes it.
                await self._store.resume(chat.id, now=self._clock.now(), actor=actor)
                return Subscribed(sub, sub.timezone or self.default_timezone)
        if len(existing) >= MAX_SUBSCRIPTIONS:
            return TooMany(len(existing))
        await self._store.touch_chat(chat.id, chat.kind, chat.title)
        sub = await self._store.subscribe(
            chat.id,
            format_time(at),
            topics,
            created_by=actor.actor_id,
            after_article_id=await self._articles.last_id(),
            now=self._clock.now(),
            actor=actor,
        )
        return Subscribed(sub, sub.timezone or self.default_timezone)

    async def of_chat(self, chat_id: int) -> list[SubscriptionInfo]:
        """The chat's subscriptions, in their list order."""
        return await self._store.for_chat(chat_id)

    async def unsubscribe(
        self, chat_id: int, which: str, *, actor: Actor
    ) -> Unsubscribed | NotNamed:
        """Remove the subscription `which` names, or `all`.

        A digest is named as the chat sees it in /subscriptions: by its number, or as it was
        subscribed, by its time of day (`08:00`, `8am`), its topic words, or both. An argument
        that fits none, or several, removes nothing: the outcome lists what to choose from.
        """
        subs = await self._store.for_chat(chat_id)
        typed = " ".join(which.split())
        arg = typed.lower()
        numbered = tuple(enumerate(subs, start=1))
        # "1", or several as /subscriptions lists them ("1 3", "1, 3").
        numbers = arg.replace(",", " ").split()
        if arg == "all":
            chosen = subs
        elif numbers and all(n.isdecimal() and len(n) < 4 for n in numbers):
            # (0730 is a time, as /subscribe reads it)
            if not all(1 <= int(n) <= len(subs) for n in numbers):
                return NotNamed(typed, numbered)
            chosen = [subs[int(n) - 1] for n in dict.fromkeys(numbers)]
        else:
            fits = _fitting(numbered, arg)
            if len(fits) != 1:
                return NotNamed(typed, fits or numbered, several=len(fits) > 1)
            chosen = [fits[0][1]]
        if not subs:
            return Unsubscribed(0, 0)
        removed = await self._store.unsubscribe(
            chat_id, [s.id for s in chosen], now=self._clock.now(), actor=actor, detail=arg
        )
        return Unsubscribed(removed, len(subs) - removed)

    async def timezone(self, chat_id: int) -> str:
        """The time zone the chat's digests follow."""
        return await self._store.chat_timezone(chat_id) or self.default_timezone

    async def set_timezone(self, chat: ChatRef, name: str) -> TimezoneSet:
        """Set the chat's time zone from a zone, a city ('beirut') or an offset ('UTC+3')."""
        found = find_timezone(name)
        if found.zone is not None:
            await self._store.touch_chat(chat.id, chat.kind, chat.title)
            await self._store.set_timezone(chat.id, found.zone)
        return TimezoneSet(found.zone, found.suggestions)

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its subscriptions move with it."""
        await self._store.migrate_chat(old_id, new_id)

    async def stats(self) -> DigestStats:
        """Counts for /stats."""
        subscriptions, chats = await self._store.count()
        sent, pending = await self._store.delivered_count()
        paused = await self._store.paused_chats()
        return DigestStats(subscriptions, chats, sent, pending, paused)


def _fitting(
    numbered: tuple[tuple[int, SubscriptionInfo], ...], arg: str
) -> tuple[tuple[int, SubscriptionInfo], ...]:
    """The digests `arg` describes as /subscribe takes it: `[time] [topic words]`."""
    try:
        request = parse_subscribe(arg.split())
    except InvalidTime:
        return ()
    if request.at is None and not request.topics:
        return ()
    at, topics = request.at, topics_of(request.topics)
    return tuple(
        (number, sub)
        for number, sub in numbered
        if (at is None or sub.time_of_day == format_time(at))
        and (not topics or same_topics(sub.topics, topics))
    )
