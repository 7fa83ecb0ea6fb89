"""The digest dispatcher: open every digest that fell due, then send claimed ones, oldest first.

One JobQueue job calls `tick` every few seconds in each process. Opening is idempotent and
claiming is leased in the database (storage/deliveries.py), so any number of processes may
tick over one database and each (subscription, slot) still reaches its chat once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from bot.clock import Clock
from bot.digests.compose import (
    BeforeSend,
    ChatGone,
    ChatMigrated,
    DeliveryError,
    DigestService,
    LeaseLost,
    PartChanged,
    Sender,
    cut,
    title_of,
)
from bot.digests.window import ArticleWindow
from bot.i18n import ENGLISH, Texts
from storage.deliveries import DeliveryStore, NewDelivery
from storage.layouts import PartLayout
from storage.subscriptions import DeliveryInfo, SubscriptionStore

log = logging.getLogger(__name__)

BATCH = 2_000
# Claiming rewrites each claimed row (composed parts included) while holding SQLite's write
# lock; meanwhile no sent message can be recorded, and a crash then would send those again.
# Small claims keep that window short (2,000 rows held it for ~0.1 s: 8 repeats in a bench).
CLAIM_BATCH = 200
RETRY_BASE = dt.timedelta(minutes=1)
RETRY_CAP = dt.timedelta(hours=1)
MAX_MIGRATIONS = 3
DB_SLOTS = 4

# The texts a chat's digests are written in (bot.i18n.ChatLanguages.of_chat).
LanguageOf = Callable[[int], Awaitable[Texts]]


class Outcome(enum.Enum):
    SENT = "sent"
    RETRY = "retry"
    GONE = "gone"
    LOST_LEASE = "lost lease"


@dataclass(slots=True)
class TickReport:
    """What one tick did."""

    opened: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        """Digests completed in this tick."""
        return self.outcomes.get(Outcome.SENT, 0)


class DigestDispatcher:
    """Opens due digests and delivers claimed ones; see the module docstring."""

    def __init__(
        self,
        digests: DigestService,
        deliveries: DeliveryStore,
        subscriptions: SubscriptionStore,
        clock: Clock,
        *,
        worker: str,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        concurrency: int = 32,
        languages: LanguageOf | None = None,
    ) -> None:
        self.digests = digests
        self.deliveries = deliveries
        self.subscriptions = subscriptions
        self.clock = clock
        self.worker = worker
        self.lease = lease
        self.concurrency = concurrency
        # Without it (benches), every digest is in English.
        self.languages = languages
        self._busy = False
        # Many deliveries wait on Telegram at once; few need the database at once.
        self._db_slots = asyncio.Semaphore(DB_SLOTS)

    async def start(self) -> int:
        """At start-up: free the leases an earlier run of this worker id left behind."""
        return await self.deliveries.release_worker(self.worker)

    async def tick(self, sender: Sender) -> TickReport:
        """Open what fell due, then send until nothing claimable is left; skips if still busy."""
        report = TickReport()
        if self._busy:
            return report
        self._busy = True
        try:
            report.opened = await self.open_due()
            for outcome in await self._send_claimed(sender):
                report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
        finally:
            self._busy = False
        return report

    async def open_due(self) -> int:
        """Compose and record each digest that has fallen due; returns how many were opened."""
        now = self.clock.now()
        upto = await self.digests.newest_article_id()
        window: ArticleWindow | None = None
        window_after = 0
        cursor = 0
        opened = 0
        # Writing one batch overlaps composing the next (SQLite writes release the GIL).
        writing: asyncio.Task[None] | None = None
        try:
            while subs := await self.deliveries.due_subscriptions(
                now, after_id=cursor, limit=BATCH
            ):
                cursor = subs[-1].id
                idle: list[tuple[int, dt.datetime]] = []
                due = []
                for sub in subs:
                    slot = self.digests.due_slot(sub, now)
                    if slot is None:
                        idle.append((sub.id, self.digests.next_due(sub, now)))
                    else:
                        due.append((sub, slot))
                new: list[NewDelivery] = []
                if due:
                    # A digest still unsent when the next slot comes (a backlog, a chat that
                    # keeps failing) already covers its articles: the new one starts after it.
                    unsent = await self.deliveries.pending_upto([sub.id for sub, _ in due])
                    periods = {}
                    for sub, slot in due:
                        period = await self.digests.period_of(sub, slot)
                        after = max(period.after_article_id, unsent.get(sub.id, 0))
                        periods[sub.id] = replace(period, after_article_id=after)
                    low = min(p.after_article_id for p in periods.values())
                    if window is None or low < window_after:
                        window, window_after = await self.digests.window(low, upto), low
                    languages = await self._languages({sub.chat_id for sub, _ in due})
                    for sub, slot in due:
                        texts = languages.get(sub.chat_id, ENGLISH)
                        digest = self.digests.render(
                            window,
                            sub.topics,
                            periods[sub.id],
                            title=title_of(sub, texts),
                            texts=texts,
                        )
                        next_due = self.digests.next_due(sub, now)
                        new.append(
                            NewDelivery(
                                sub.id,
                                sub.chat_id,
                                slot,
                                next_due,
                                digest.parts,
                                upto,
                                digest.layouts,
                            )
                        )
                if writing is not None:
                    await writing
                writing = asyncio.create_task(self._write(new, idle, now))
                opened += len(new)
            if writing is not None:
                await writing
                writing = None
        finally:
            if writing is not None:
                writing.cancel()
        return opened

    async def _languages(self, chat_ids: set[int]) -> dict[int, Texts]:
        """The language each chat's digest is written in (English when none is known)."""
        if self.languages is None:
            return {}
        return {chat_id: await self.languages(chat_id) for chat_id in sorted(chat_ids)}

    async def _write(
        self, new: list[NewDelivery], idle: list[tuple[int, dt.datetime]], now: dt.datetime
    ) -> None:
        await self.deliveries.open_slots(new, now=now)
        await self.deliveries.reschedule(idle)

    async def _send_claimed(self, sender: Sender) -> list[Outcome]:
        """Claim and send until nothing claimable is left; workers take deliveries in order.

        A worker that finds the queue empty claims the next batch while the others are still
        busy, so sending never drains to a trickle between batches.
        """
        queue: asyncio.Queue[tuple[DeliveryInfo, dt.datetime]] = asyncio.Queue()
        outcomes: list[Outcome] = []
        claiming = asyncio.Lock()
        exhausted = False

        async def refill() -> None:
            nonlocal exhausted
            async with claiming:
                if not queue.empty() or exhausted:
                    return
                now = self.clock.now()
                batch = await self.deliveries.claim(
                    self.worker, now=now, lease=self.lease, limit=CLAIM_BATCH
                )
                exhausted = not batch
                for delivery in batch:
                    queue.put_nowait((delivery, now))

        async def work() -> None:
            while True:
                if queue.empty():
                    await refill()
                    if queue.empty():
                        return
                delivery, claimed_at = queue.get_nowait()
                try:
                    outcomes.append(await self.deliver(delivery, sender, claimed_at))
                except Exception:
                    # E.g. the database is briefly unreachable: the lease lapses and the
                    # delivery is taken up again from its recorded progress.
                    log.exception("digest %s: unexpected error; it stays due", delivery.id)
                    outcomes.append(Outcome.RETRY)

        await asyncio.gather(*(work() for _ in range(self.concurrency)))
        return outcomes

    async def deliver(
        self, delivery: DeliveryInfo, sender: Sender, claimed_at: dt.datetime
    ) -> Outcome:
        """Send the parts not yet sent, recording each; the delivery stays due on failure.

        Each part goes out without the items of articles deleted since it was composed: right
        before it is sent, the articles it shows are looked up (one query by primary key), and
        a part that changed is cut again. A part left empty is skipped but recorded as sent,
        so the count of parts sent, and with it the resume point after a crash, stays as it was.
        """
        chat_id = delivery.chat_id
        last = len(delivery.parts) - 1
        renewed = claimed_at
        # The part about to go out: the articles to look up, and those it was cut without.
        watched: tuple[int, ...] = ()
        cut_without: frozenset[int] = frozenset()

        async def before_send() -> None:
            # However long the wait before this message was (pacing, a 429 pause longer than
            # the lease, back-off), the lease must still be ours when it goes out: past half
            # its length, renew it first, and if another process took it over, do not send.
            nonlocal renewed
            now = self.clock.now()
            if now - renewed >= self.lease / 2:
                if not await self._renew(delivery, now):
                    raise LeaseLost(f"digest {delivery.id} was taken over")
                renewed = now
            if watched:
                # A read, one at a time (the pacer's turn is held): no database slot needed,
                # so sending never waits behind writes queued for one.
                deleted = await self.deliveries.deleted_among(watched)
                if deleted != cut_without:
                    raise PartChanged(deleted)

        everything = tuple(a for layout in delivery.layouts for a in layout.article_ids)
        for number in range(delivery.parts_sent, len(delivery.parts)):
            # Digests recorded before layouts existed have none: they go out as composed.
            layout = delivery.layouts[number] if number < len(delivery.layouts) else PartLayout()
            # The header counts the whole digest: its part looks up every article.
            watched = everything if layout.count is not None else layout.article_ids
            cut_without = frozenset()
            html: str | None = delivery.parts[number]
            try:
                while html is not None:
                    try:
                        chat_id = await self._send(chat_id, html, sender, before_send)
                        break
                    except PartChanged as changed:
                        cut_without = changed.deleted
                        html = cut(delivery.parts[number], layout, cut_without)
                if html is None:
                    log.info("digest %s: part %d left empty by deletions", delivery.id, number)
            except LeaseLost:
                return Outcome.LOST_LEASE
            except ChatGone as gone:
                log.info("chat %s is gone (%s): pausing its digests", chat_id, gone)
                async with self._db_slots:
                    await self.subscriptions.pause_chat(chat_id, str(gone), now=self.clock.now())
                    await self.deliveries.drop(delivery.id, self.worker, str(gone))
                return Outcome.GONE
            except DeliveryError as error:
                log.warning("digest %s for chat %s failed: %s", delivery.id, chat_id, error)
                wait = min(RETRY_BASE * 2**delivery.attempts, RETRY_CAP)
                async with self._db_slots:
                    await self.deliveries.retry_later(
                        delivery.id, self.worker, str(error), not_before=self.clock.now() + wait
                    )
                return Outcome.RETRY
            if number == last:
                break  # complete() records the last part with the delivery
            now = self.clock.now()
            async with self._db_slots:
                recorded = await self.deliveries.part_sent(
                    delivery.id, self.worker, number + 1, now=now, lease=self.lease
                )
            if not recorded:
                return Outcome.LOST_LEASE
            renewed = now
        async with self._db_slots:
            done = await self.deliveries.complete(delivery, self.worker, now=self.clock.now())
        return Outcome.SENT if done else Outcome.LOST_LEASE

    async def _renew(self, delivery: DeliveryInfo, now: dt.datetime) -> bool:
        async with self._db_slots:
            return await self.deliveries.renew(delivery.id, self.worker, now=now, lease=self.lease)

    async def _send(self, chat_id: int, html: str, sender: Sender, before_send: BeforeSend) -> int:
        """Send one part, following a group's move to a supergroup; returns the chat id used."""
        for _ in range(MAX_MIGRATIONS):
            try:
                await sender.send(chat_id, html, before_send=before_send)
                return chat_id
            except ChatMigrated as moved:
                log.info("chat %s moved to %s: following it", chat_id, moved.new_chat_id)
                async with self._db_slots:
                    await self.subscriptions.migrate_chat(chat_id, moved.new_chat_id)
                chat_id = moved.new_chat_id
        raise DeliveryError(f"chat {chat_id} kept moving")
