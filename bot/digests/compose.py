"""Digests: compose what arrived since a subscription's last digest, and send it exactly once."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence, Set
from dataclasses import dataclass
from typing import Protocol

from bot.articles.clutter.spans import clutter_spans, encode_spans, without_clutter
from bot.articles.parsing import first_sentence, trim_headline
from bot.clock import Clock
from bot.digests.schedule import latest_slot, next_slot, parse_time_of_day, zone
from bot.digests.topics import named_stop_words, topic_problem, topic_problem_line
from bot.digests.window import ArticleWindow
from bot.i18n import ENGLISH, LANGUAGES, N_, Texts
from bot.render import MESSAGE_LIMIT, also_in, byline, escape, join_blocks
from bot.stories.keeper import Outlets, StoryKeeper
from storage.articles import ArticleStore, StoredArticle
from storage.layouts import PartLayout
from storage.search_index import make_analyzer
from storage.subscriptions import SubscriptionInfo, SubscriptionStore

log = logging.getLogger(__name__)

MAX_ITEMS = 40
LEAD_CHARS = 300
# Topic words kept of a subscription or a /digest (the rest would not fit a reply naming them).
MAX_TOPIC_CHARACTERS = 200
DAY = dt.timedelta(days=1)
SINCE_LAST = "since your last digest"
LAST_DAY = "in the last 24 hours"
SINCE_SUBSCRIBED = "since you subscribed"
SEPARATOR = "\n\n"
# Each period's sentences whole (a translation may need another word order than the English).
NOTHING_NEW = {
    SINCE_LAST: N_("Nothing new since your last digest."),
    LAST_DAY: N_("Nothing new in the last 24 hours."),
    SINCE_SUBSCRIBED: N_("Nothing new since you subscribed."),
}
# ... and a topic digest's, which says which digest it is (a chat may have several).
TOPIC_NOTHING_NEW = {
    SINCE_LAST: N_("Nothing new on {topics} since your last digest."),
    LAST_DAY: N_("Nothing new on {topics} in the last 24 hours."),
    SINCE_SUBSCRIBED: N_("Nothing new on {topics} since you subscribed."),
}
HEADER = {
    SINCE_LAST: N_("{title} · {count} since your last digest, newest first"),
    LAST_DAY: N_("{title} · {count} in the last 24 hours, newest first"),
    SINCE_SUBSCRIBED: N_("{title} · {count} since you subscribed, newest first"),
}
TOPIC_HEADER = {
    SINCE_LAST: N_(
        "{title} · {count} on {topics} (of {brought} since your last digest), most relevant first"
    ),
    LAST_DAY: N_(
        "{title} · {count} on {topics} (of {brought} in the last 24 hours), most relevant first"
    ),
    SINCE_SUBSCRIBED: N_(
        "{title} · {count} on {topics} (of {brought} since you subscribed), most relevant first"
    ),
}
# Where the count goes in a header, found after the header is laid out.
_COUNT_MARK = "\x00"


class DeliveryError(Exception):
    """Sending failed; subclasses say whether to retry."""


class ChatGone(DeliveryError):
    """The chat blocked or removed the bot, or no longer exists: pause it."""


class ChatMigrated(DeliveryError):
    """A group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class LeaseLost(Exception):
    """Another process holds the delivery now: this one must not send it."""


class PartChanged(Exception):
    """Articles in the message about to go out were deleted (or restored) since it was cut."""

    def __init__(self, deleted: frozenset[int]) -> None:
        super().__init__(f"deleted articles now {sorted(deleted)}")
        self.deleted = deleted


# Awaited right before a message goes out, after any wait (pacing, a 429 pause, back-off);
# it raises LeaseLost or PartChanged to cancel the send.
BeforeSend = Callable[[], Awaitable[None]]


class Sender(Protocol):
    async def send(self, chat_id: int, html: str, *, before_send: BeforeSend | None = None) -> None:
        """Send one HTML message; raise DeliveryError subclasses on failure."""
        ...


@dataclass(frozen=True, slots=True)
class Period:
    """What one digest covers: articles after `after_article_id`, since `start`."""

    after_article_id: int
    start: dt.datetime
    # How replies name the period (SINCE_LAST, LAST_DAY or SINCE_SUBSCRIBED); never a "last
    # digest" that never was.
    phrase: str

    @property
    def stale_before(self) -> dt.date:
        """Backfill dated before this is not news (more than a day before the period began)."""
        return (self.start - DAY).date()


@dataclass(frozen=True, slots=True)
class Digest:
    parts: tuple[str, ...]
    upto_article_id: int
    items: int
    # Where each article sits in each part, so the sender can cut out one deleted meanwhile.
    layouts: tuple[PartLayout, ...] = ()


class TopicMatcher:
    """Topic words and article text as the search index's own analyzer sees them."""

    def __init__(self) -> None:
        self._analyzer = make_analyzer()

    def terms(self, text: str) -> set[str]:
        """The analysed word forms of a text, and the stop words it types as names ("US")."""
        return set(self._analyzer.analyze(text)) | set(named_stop_words(text).values())

    def topic_terms(self, topics: str) -> set[str]:
        """Topic words' terms: a stop word typed as a name ("the US") is the name alone, which
        an article holds only where it writes it so (it matched every "told us")."""
        named = named_stop_words(topics)
        if not named:
            return self.terms(topics)
        typed = {term for word in named for term in self._analyzer.analyze(word)}
        return (set(self._analyzer.analyze(topics)) - typed) | set(named.values())


class DigestService:
    """Composes digests and drives their delivery bookkeeping."""

    def __init__(
        self,
        articles: ArticleStore,
        subscriptions: SubscriptionStore,
        clock: Clock,
        default_timezone: str,
        *,
        stories: StoryKeeper | None = None,
    ) -> None:
        self._articles = articles
        self._stories = stories
        self._subs = subscriptions
        self._clock = clock
        self._default_tz = default_timezone
        self._matcher = TopicMatcher()
        self._items: dict[tuple[int, str], tuple[StoredArticle, Outlets, Block]] = {}
        self._topics: dict[str, set[str]] = {}
        self._slots_now: dt.datetime | None = None
        self._slots_cache: dict[tuple[str, str | None], tuple[dt.datetime, dt.datetime] | None] = {}
        self._first_after: dict[dt.datetime, int] = {}

    async def window(self, after_article_id: int, upto_article_id: int) -> ArticleWindow:
        """The archive window that digests covering (after, upto] draw from."""
        stories = None if self._stories is None else self._stories.story_lookup
        return await ArticleWindow.load(
            self._articles, after_article_id, upto_article_id, self._matcher.terms, stories
        )

    def render(
        self,
        window: ArticleWindow,
        topics: str,
        period: Period,
        *,
        title: str,
        texts: Texts = ENGLISH,
    ) -> Digest:
        """One digest from a window: what `period` brought on `topics`, best first, in the
        language of `texts` (`title` is given in it)."""
        terms = self._topic_terms(topics)
        stale = period.stale_before
        selection = window.select(terms, period.after_article_id, MAX_ITEMS, stale_before=stale)
        upto = window.upto_article_id
        if not selection.total:
            if terms:
                nothing = texts(TOPIC_NOTHING_NEW[period.phrase], topics=escape(topics.strip()))
            else:
                nothing = texts(NOTHING_NEW[period.phrase])
            return Digest((texts.html(nothing),), upto, 0)
        total = selection.total
        values: dict[str, object] = {"title": f"<b>{escape(title)}</b>", "count": _COUNT_MARK}
        if terms:
            # The period's whole count, and the order, which is no longer by date.
            brought = window.select(set(), period.after_article_id, 0, stale_before=stale).total
            template = TOPIC_HEADER[period.phrase]
            values.update(topics=escape(topics.strip()), brought=brought)
        else:
            template = HEADER[period.phrase]
        laid_out = texts.html(texts(template, **values))
        at = laid_out.index(_COUNT_MARK)
        phrase = count_phrase(total, texts)
        header = laid_out[:at] + phrase + laid_out[at + len(_COUNT_MARK) :]
        blocks = [
            Block.of(header, count=(at, at + len(phrase), total)),
            *(
                self._item(article, outlets, texts)
                for article, outlets in itertools.zip_longest(selection.shown, selection.outlets)
                if article is not None
            ),
        ]
        if total > len(selection.shown):
            more = total - len(selection.shown)
            tail = texts.plural(
                "…and {n} more. Ask me about them.", "…and {n} more. Ask me about them.", more
            )
            blocks.append(Block.of(texts.html(tail)))
        parts, layouts = pack_with_layouts(blocks)
        return Digest(tuple(parts), upto, total, tuple(layouts))

    async def compose(
        self,
        topics: str,
        period: Period,
        upto_article_id: int,
        *,
        title: str,
        texts: Texts = ENGLISH,
    ) -> Digest:
        """The digest of live articles of `period` up to `upto_article_id` on the topic words."""
        window = await self.window(period.after_article_id, upto_article_id)
        return self.render(window, topics, period, title=title, texts=texts)

    async def period_of(self, sub: SubscriptionInfo, slot: dt.datetime) -> Period:
        """What a subscription's digest at `slot` covers: since its previous digest, or for
        the first one the day before the slot (a daily digest's period)."""
        if sub.last_slot is not None:
            return Period(sub.last_article_id, sub.last_slot, SINCE_LAST)
        # A slot missed while the bot was down loses nothing stored since subscribing.
        start = min(slot - DAY, sub.created_at)
        first = self._first_after.get(start)
        if first is None:
            # Thousands of new subscriptions may share a slot: one query for each start.
            first = await self._articles.last_id_before(start)
            if len(self._first_after) > 1_000:
                self._first_after.clear()
            self._first_after[start] = first
        return Period(first, start, LAST_DAY if start == slot - DAY else SINCE_SUBSCRIBED)

    def _topic_terms(self, topics: str) -> set[str]:
        terms = self._topics.get(topics)
        if terms is None:
            terms = self._matcher.topic_terms(topics)
            if len(self._topics) > 10_000:
                self._topics.clear()
            self._topics[topics] = terms
        return terms

    def _item(self, article: StoredArticle, outlets: Outlets | None, texts: Texts) -> Block:
        # Thousands of digests show the same articles: render and measure each one once (in
        # each language).
        outlets = outlets or Outlets()
        key = (article.id, texts.lang)
        cached = self._items.get(key)
        if cached is None or cached[0] is not article or cached[1] != outlets:
            item = texts.html(_item(article, outlets, texts))
            cached = (article, outlets, Block.of(item, article_id=article.id))
            self._items[key] = cached
            if len(self._items) > 20_000:
                self._items.clear()
        return cached[2]

    async def preview(self, chat_id: int) -> list[str]:
        """What each of the chat's subscriptions would send now, without sending or recording."""
        upto = await self._articles.last_id()
        now = self._clock.now()
        parts: list[str] = []
        for sub in await self._subs.for_chat(chat_id):
            period = await self.period_of(sub, now)
            digest = await self.compose(sub.topics, period, upto, title=title_of(sub))
            parts.extend(digest.parts)
        return parts

    async def on_demand(self, chat_id: int, topics: str, texts: Texts = ENGLISH) -> list[str]:
        """/digest: the chat's news since its last digest, or the last 24 hours if it had none."""
        upto = await self._articles.last_id()
        sent = [s for s in await self._subs.for_chat(chat_id) if s.last_slot is not None]
        if sent:
            earliest = min(sent, key=lambda s: s.last_article_id)
            assert earliest.last_slot is not None
            period = Period(earliest.last_article_id, earliest.last_slot, SINCE_LAST)
        else:
            start = self._clock.now() - DAY
            period = Period(await self._articles.last_id_before(start), start, LAST_DAY)
        if problem := topic_problem(topics.split(), self._matcher.terms):
            return [texts.html(topic_problem_line(problem, texts, on_demand=True))]
        # Cut as a subscription's are: a reply that names 5,000 characters of topic words
        # was over Telegram's 4,096 and failed.
        topics = topics_of(topics.split())
        digest = await self.compose(topics, period, upto, title=texts("Digest"), texts=texts)
        parts = list(digest.parts)
        if not digest.items:
            # An archive imported from the past has nothing "new": say so, or a newcomer
            # trying /digest on the sample takes the digest for broken.
            newest = await self._articles.newest_published()
            if newest is None:
                hint = texts("The archive is empty: send me an article, a link or a file.")
            elif newest < period.stale_before:
                hint = texts(
                    "The newest article in the archive is dated {date}: ask me a question "
                    "to search it.",
                    date=newest.isoformat(),
                )
            else:
                return parts
            parts[0] += "\n" + texts.html(hint)
        return parts

    async def newest_article_id(self) -> int:
        """The newest article a digest composed now would cover."""
        return await self._articles.last_id()

    def next_due(self, sub: SubscriptionInfo, now: dt.datetime) -> dt.datetime:
        """When this subscription is next due strictly after `now` (far away if it cannot be)."""
        slots = self._slots(sub, now)
        return now + dt.timedelta(days=365) if slots is None else slots[1]

    def due_slot(self, sub: SubscriptionInfo, now: dt.datetime) -> dt.datetime | None:
        """The slot this subscription owes now, or None when it is up to date."""
        slots = self._slots(sub, now)
        if slots is None or not sub.active:
            return None
        slot = slots[0]
        if slot < sub.created_at:
            return None
        if sub.last_slot is not None and slot <= sub.last_slot:
            return None
        return slot

    def _slots(
        self, sub: SubscriptionInfo, now: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime] | None:
        # (latest slot at or before now, next one after it); a tick asks for thousands of
        # subscriptions that share a time of day and a zone, so each pair is worked out once.
        if now != self._slots_now:
            self._slots_now, self._slots_cache = now, {}
        key = (sub.time_of_day, sub.timezone)
        if key not in self._slots_cache:
            at = parse_time_of_day(sub.time_of_day)
            if at is None:
                self._slots_cache[key] = None
            else:
                tz = zone(sub.timezone, self._default_tz)
                self._slots_cache[key] = (latest_slot(at, tz, now), next_slot(at, tz, now))
        return self._slots_cache[key]


@dataclass(frozen=True, slots=True)
class Block:
    """A piece of a digest (header, item, tail) and its length as Telegram counts it."""

    html: str
    length: int
    article_id: int = 0  # the article an item shows; 0 for the header and the closing line
    count: tuple[int, int, int] | None = None  # the header's "N new articles": start, end, N

    @classmethod
    def of(
        cls, html: str, *, article_id: int = 0, count: tuple[int, int, int] | None = None
    ) -> Block:
        """Measure once: UTF-16 code units, as Telegram counts (render.telegram_length)."""
        return cls(html, len(html.encode("utf-16-le")) // 2, article_id, count)


def pack(blocks: Sequence[Block], limit: int = MESSAGE_LIMIT) -> list[str]:
    """The messages `join_blocks` makes of these blocks, from lengths measured once."""
    return pack_with_layouts(blocks, limit)[0]


def pack_with_layouts(
    blocks: Sequence[Block], limit: int = MESSAGE_LIMIT
) -> tuple[list[str], list[PartLayout]]:
    """The messages `join_blocks` makes of these blocks, and where each block sits in them.

    Packing a digest re-measured every growing message per item (quadratic in its length);
    with 100,000 digests that was most of the time spent composing.
    """
    if any(block.length > limit for block in blocks):
        # A block is cut across messages: no layout. Items never are (a title of at most
        # 150 characters, a lead of 300, a byline: well under 4,096 even fully escaped).
        return join_blocks([block.html for block in blocks], limit, SEPARATOR), []
    gap = len(SEPARATOR)
    messages: list[str] = []
    layouts: list[PartLayout] = []
    current: list[Block] = []
    length = 0
    for block in blocks:
        if current and length + gap + block.length <= limit:
            current.append(block)
            length += gap + block.length
            continue
        if current:
            _close(current, messages, layouts)
        current, length = [block], block.length
    if current:
        _close(current, messages, layouts)
    return messages, layouts


def _close(blocks: list[Block], messages: list[str], layouts: list[PartLayout]) -> None:
    spans: list[tuple[int, int, int]] = []
    count: tuple[int, int, int] | None = None
    at = 0
    for block in blocks:
        end = at + len(block.html)
        spans.append((block.article_id, at, end))
        if block.count is not None:
            start, stop, total = block.count
            count = (at + start, at + stop, total)
        at = end + len(SEPARATOR)
    messages.append(SEPARATOR.join(block.html for block in blocks))
    layouts.append(PartLayout(tuple(spans), count))


def cut(html: str, layout: PartLayout, deleted: Set[int]) -> str | None:
    """A composed message without the items of deleted articles; None if nothing is left.

    `deleted` holds the digest's deleted articles (all of them when this message has the
    header, whose count goes down by as many, said again in the header's language). A message
    left with no item and no other line, or a header counting 0 articles, is not worth sending.
    """
    if not deleted or not layout.blocks:
        return html
    kept: list[str] = []
    for article_id, start, end in layout.blocks:
        if article_id in deleted:
            continue
        text = html[start:end]
        if layout.count is not None and start <= layout.count[0] < end:
            count_start, count_end, total = layout.count
            left = total - len(deleted)
            if left <= 0:
                return None
            texts = _language_of_count(html[count_start:count_end], total)
            text = html[start:count_start] + count_phrase(left, texts) + html[count_end:end]
        kept.append(text)
    return SEPARATOR.join(kept) if kept else None


def count_phrase(total: int, texts: Texts = ENGLISH) -> str:
    """'3 new articles', in the plural form the language wants for the number."""
    return texts.plural("{n} new article", "{n} new articles", total)


def _language_of_count(phrase: str, total: int) -> Texts:
    """The language a stored header's count was written in (the digest does not record it):
    the one whose phrase for `total` it is; English if none is."""
    for lang in LANGUAGES:
        texts = Texts(lang)
        if count_phrase(total, texts) == phrase:
            return texts
    return ENGLISH


def title_of(sub: SubscriptionInfo, texts: Texts = ENGLISH) -> str:
    """The heading of a subscription's digest."""
    return texts("Your {time} digest", time=sub.time_of_day)


def _item(article: StoredArticle, outlets: Outlets | None = None, texts: Texts = ENGLISH) -> str:
    lead = trim_headline(_lead(article), LEAD_CHARS)
    also = "\n" + also_in(outlets.said(texts), texts) if outlets else ""
    return (
        f"<b>{escape(article.title)}</b>\n"
        f"{byline(article.published.isoformat(), article.source, article.id)}{also}"
        + (f"\n{escape(lead)}" if lead else "")
    )


def _lead(article: StoredArticle) -> str:
    # The page clutter found at import (the headline again, a dateline, a byline) is no lead:
    # "МОСКВА, 5 декабря. /ТАСС/." or "By Associated Press" told a reader nothing.
    clutter = article.clutter
    if clutter is None:
        clutter = encode_spans(clutter_spans(article.title, article.text))
    headline = _said(article.title)
    heading = ""
    for paragraph in without_clutter(article.text, clutter, photos=True).split("\n"):
        sentence = first_sentence(paragraph)
        if sentence and _said(sentence) == headline:
            # The headline opening the text as a sentence: the lead is the one after it.
            sentence = first_sentence(paragraph.strip()[len(sentence) :])
        if not sentence or sentence.upper().startswith(("FILE PHOTO", "PHOTO:")):
            continue
        if _is_heading(sentence):
            # A section's heading opening the text ("Время выбора") tells a reader nothing:
            # the story's first sentence after it, if there is one.
            heading = heading or sentence
            continue
        return sentence
    if heading:
        return heading
    # A text that is its headline alone (a one-line flash, "/add Floods kill twelve in
    # valley") has no lead: it showed the headline twice.
    return "" if _said(article.text.strip()) == headline else article.text[:LEAD_CHARS]


# A line of fewer words than this that ends no sentence is a heading, no lead.
HEADING_WORDS = 5


def _is_heading(line: str) -> bool:
    return len(line.split()) < HEADING_WORDS and not line.rstrip("\"'”’»)").endswith(
        (".", "!", "?", "…", "؟")
    )


def _said(sentence: str) -> str:
    return sentence.rstrip(".!?…").casefold()


def topics_of(words: Sequence[str]) -> str:
    """Topic words as stored: single spaces, at most 200 characters (whole words where the
    first is not longer)."""
    joined = " ".join(words)
    if len(joined) <= MAX_TOPIC_CHARACTERS:
        return joined
    cut = joined[: MAX_TOPIC_CHARACTERS + 1].rsplit(" ", 1)[0]
    return cut if len(cut) <= MAX_TOPIC_CHARACTERS else joined[:MAX_TOPIC_CHARACTERS]
