"""Digests: compose what arrived since a subscription's last digest, and send it exactly once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.clock import Clock
from bot.parsing import first_sentence, trim_headline
from bot.render import byline, escape, join_blocks
from bot.schedule import latest_slot, parse_time_of_day, zone
from storage.articles import ArticleStore, StoredArticle
from storage.search_index import make_analyzer
from storage.subscriptions import DeliveryInfo, SubscriptionInfo, SubscriptionStore

log = logging.getLogger(__name__)

MAX_ITEMS = 40
LEAD_CHARS = 300
NOTHING_NEW = "Nothing new since your last digest."


class DeliveryError(Exception):
    """Sending failed; subclasses say whether to retry."""


class ChatGone(DeliveryError):
    """The chat blocked or removed the bot, or no longer exists: pause it."""


class ChatMigrated(DeliveryError):
    """A group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class Sender(Protocol):
    async def send(self, chat_id: int, html: str) -> None:
        """Send one HTML message; raise DeliveryError subclasses on failure."""
        ...


@dataclass(frozen=True, slots=True)
class Digest:
    parts: tuple[str, ...]
    upto_article_id: int
    items: int


class TopicMatcher:
    """Scores articles against topic words with the search index's own analyzer."""

    def __init__(self) -> None:
        self._analyzer = make_analyzer()

    def terms(self, text: str) -> set[str]:
        """The analysed word forms of a text."""
        return set(self._analyzer.analyze(text))

    def score(self, topics: set[str], article: StoredArticle) -> int:
        """0 when no topic word occurs; title hits count double."""
        if not topics:
            return 1
        title = self.terms(article.title) & topics
        body = self.terms(article.text) & topics
        return 2 * len(title) + len(body)


class DigestService:
    """Composes digests and drives their delivery bookkeeping."""

    def __init__(
        self,
        articles: ArticleStore,
        subscriptions: SubscriptionStore,
        clock: Clock,
        default_timezone: str,
    ) -> None:
        self._articles = articles
        self._subs = subscriptions
        self._clock = clock
        self._default_tz = default_timezone
        self._matcher = TopicMatcher()

    async def compose(
        self, topics: str, after_article_id: int, upto_article_id: int, *, title: str
    ) -> Digest:
        """The digest of live articles with after < id <= upto matching the topic words."""
        topic_terms = self._matcher.terms(topics)
        scored: list[tuple[int, StoredArticle]] = []
        cursor = after_article_id
        while True:
            page = await self._articles.added_after(cursor, upto_article_id, limit=1_000)
            if not page:
                break
            cursor = page[-1].id
            for article in page:
                score = self._matcher.score(topic_terms, article)
                if score:
                    scored.append((score, article))
        # Most relevant first, then newest (by date, then by arrival).
        scored.sort(key=lambda pair: (pair[0], pair[1].published, pair[1].id), reverse=True)
        if not scored:
            return Digest((NOTHING_NEW,), upto_article_id, 0)
        shown = scored[:MAX_ITEMS]
        header = (
            f"<b>{escape(title)}</b> · {len(scored)} new article{'s' if len(scored) != 1 else ''}"
        )
        if topics.strip():
            header += f" on {escape(topics.strip())}"
        blocks = [header, *(_item(article) for _, article in shown)]
        if len(scored) > len(shown):
            blocks.append(f"…and {len(scored) - len(shown)} more. Ask me about them.")
        return Digest(tuple(join_blocks(blocks)), upto_article_id, len(scored))

    async def preview(self, chat_id: int) -> list[str]:
        """What each of the chat's subscriptions would send now, without sending or recording."""
        upto = await self._articles.last_id()
        parts: list[str] = []
        for sub in await self._subs.for_chat(chat_id):
            digest = await self.compose(sub.topics, sub.last_article_id, upto, title=_title(sub))
            parts.extend(digest.parts)
        return parts

    async def on_demand(self, chat_id: int, topics: str, *, hours: int = 24) -> list[str]:
        """/digest: the chat's news since its last digest, else the last `hours` hours."""
        upto = await self._articles.last_id()
        subs = await self._subs.for_chat(chat_id)
        after = min((s.last_article_id for s in subs), default=None)
        if after is None:
            after = await self._articles.last_id_before(
                self._clock.now() - dt.timedelta(hours=hours)
            )
        return list((await self.compose(topics, after, upto, title="Digest")).parts)

    def due_slot(self, sub: SubscriptionInfo, now: dt.datetime) -> dt.datetime | None:
        """The slot this subscription owes now, or None when it is up to date."""
        at = parse_time_of_day(sub.time_of_day)
        if at is None or not sub.active:
            return None
        slot = latest_slot(at, zone(sub.timezone, self._default_tz), now)
        if slot < sub.created_at:
            return None
        if sub.last_slot is not None and slot <= sub.last_slot:
            return None
        return slot

    async def run_subscription(self, subscription_id: int, sender: Sender) -> bool:
        """Send the digest this subscription owes now, if any; True when one went out."""
        sub = await self._subs.get(subscription_id)
        if sub is None:
            return False
        slot = self.due_slot(sub, self._clock.now())
        if slot is None:
            return False
        delivery = await self._subs.open_delivery(sub.id, slot)
        if delivery is None:
            upto = await self._articles.last_id()
            digest = await self.compose(sub.topics, sub.last_article_id, upto, title=_title(sub))
            delivery = await self._subs.create_delivery(
                sub, slot, digest.parts, upto, now=self._clock.now()
            )
        return await self.deliver(delivery, sender)

    async def deliver(self, delivery: DeliveryInfo, sender: Sender) -> bool:
        """Send the parts not yet sent, recording each; the delivery stays due on failure."""
        if delivery.status == "sent":
            return False
        chat_id = delivery.chat_id
        for number in range(delivery.parts_sent, len(delivery.parts)):
            try:
                await sender.send(chat_id, delivery.parts[number])
            except ChatMigrated as moved:
                await self._subs.migrate_chat(chat_id, moved.new_chat_id)
                chat_id = moved.new_chat_id
                await sender.send(chat_id, delivery.parts[number])
            except ChatGone as gone:
                log.info("chat %s is gone (%s): pausing its digests", chat_id, gone)
                await self._subs.pause_chat(chat_id, str(gone), now=self._clock.now())
                await self._subs.delivery_failed(delivery.id, str(gone))
                return False
            except DeliveryError as error:
                log.warning("digest %s for chat %s failed: %s", delivery.id, chat_id, error)
                await self._subs.delivery_failed(delivery.id, str(error))
                return False
            await self._subs.part_sent(delivery.id, number + 1)
        await self._subs.complete_delivery(delivery, now=self._clock.now())
        return True

    async def catch_up(self, sender: Sender) -> int:
        """After downtime: finish interrupted digests, then send those that fell due, oldest first."""
        sent = 0
        for delivery in await self._subs.pending_deliveries():
            sent += await self.deliver(delivery, sender)
        now = self._clock.now()
        due = [
            (slot, sub) for sub in await self._subs.active() if (slot := self.due_slot(sub, now))
        ]
        for _, sub in sorted(due, key=lambda pair: (pair[0], pair[1].id)):
            sent += await self.run_subscription(sub.id, sender)
        return sent


def _title(sub: SubscriptionInfo) -> str:
    return f"Your {sub.time_of_day} digest"


def _item(article: StoredArticle) -> str:
    lead = trim_headline(_lead(article), LEAD_CHARS)
    return (
        f"<b>{escape(article.title)}</b>\n"
        f"{byline(article.published.isoformat(), article.source, article.id)}\n"
        f"{escape(lead)}"
    )


def _lead(article: StoredArticle) -> str:
    for paragraph in article.text.split("\n"):
        sentence = first_sentence(paragraph)
        if (
            sentence
            and sentence != article.title
            and not sentence.upper().startswith(("FILE PHOTO", "PHOTO:"))
        ):
            return sentence
    return article.text[:LEAD_CHARS]


def topics_of(words: Sequence[str]) -> str:
    """Topic words as stored: single spaces, at most 200 characters."""
    return " ".join(words)[:200]
