"""Digest delivery under Telegram's limits and faults: paced, retried, paused, moved, once."""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt

from bot.telegram.offline import Failure
from bot.telegram.pacing import Limits, Pacer, VirtualTime
from bot.telegram.updates import GROUP
from storage.deliveries import DeliveryCounts
from tests.conftest import EDITOR, READER, Harness
from tests.support.flood import TIMEOUT, FloodGate, FloodRules
from tests.test_digests import add_articles, run_digest_job

BOTH_BACKENDS = True  # issue 5: the delivery tests run on SQLite and PostgreSQL
AT_8 = dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC)
FLOOD = Failure(429, "Too Many Requests: retry after 7", {"retry_after": 7})


async def subscribe_private(bot: Harness, *user_ids: int, at: str = "08:00") -> None:
    for user_id in user_ids:
        replies = await bot.send(f"/subscribe {at}", user_id=user_id)
        assert replies[0].startswith("Subscribed")


async def subscribe_group(bot: Harness, group: int, at: str = "08:00") -> None:
    bot.fake.chat_members[(group, EDITOR)] = "administrator"
    replies = await bot.send(f"/subscribe {at}", user_id=EDITOR, chat_id=group, chat_type=GROUP)
    assert replies[0].startswith("Subscribed")


def chats_served(bot: Harness, since: int = 0) -> dict[int, int]:
    counts: dict[int, int] = {}
    for message in bot.fake.sent[since:]:
        counts[message.chat_id] = counts.get(message.chat_id, 0) + 1
    return counts


async def test_many_chats_are_sent_within_the_limits_once_each(bot: Harness) -> None:
    readers = list(range(3000, 3060))
    await subscribe_private(bot, *readers)
    await add_articles(bot, "Dam repairs start")
    before = len(bot.fake.sent)
    start = bot.time.monotonic()
    bot.clock.set(AT_8)
    sent = await run_digest_job(bot)
    assert len(sent) == 60
    assert chats_served(bot, before) == {r: 1 for r in readers}
    assert bot.fake.delivery.gate is not None and bot.fake.delivery.gate.refused == 0
    # 60 messages at 30 a second take two seconds of (virtual) time, and not much more.
    assert 1.9 <= bot.time.monotonic() - start <= 2.1
    assert await run_digest_job(bot) == []
    assert await bot.services.deliveries.counts() == DeliveryCounts(sent=60, pending=0, gone=0)


async def test_a_long_digest_keeps_one_second_between_its_parts(bot: Harness) -> None:
    await subscribe_private(bot, READER)
    await add_articles(
        bot, *(f"Story number {n} about the long siege of the northern city" for n in range(40))
    )
    start = bot.time.monotonic()
    bot.clock.set(AT_8)
    sent = await run_digest_job(bot)
    assert len(sent) == 2
    assert bot.fake.delivery.gate is not None and bot.fake.delivery.gate.refused == 0
    assert bot.time.monotonic() - start >= 1.0


async def test_a_group_gets_at_most_20_messages_a_minute(bot: Harness) -> None:
    group = -100555
    await subscribe_group(bot, group)
    bot.fake.chat_members[(group, EDITOR)] = "administrator"
    # Fill the group's minute with replies, then the digest must wait for the window to pass.
    start = bot.time.monotonic()
    for _ in range(19):
        await bot.send("/help", user_id=EDITOR, chat_id=group, chat_type=GROUP)
    await add_articles(bot, "Dam repairs start")
    bot.clock.set(AT_8)
    before = len(bot.fake.sent)
    assert len(await run_digest_job(bot)) == 1
    assert bot.fake.sent[before].chat_id == group
    assert bot.fake.delivery.gate is not None and bot.fake.delivery.gate.refused == 0
    assert bot.time.monotonic() - start >= 60.0


async def test_429_pauses_sending_for_retry_after_and_then_sends(bot: Harness) -> None:
    await subscribe_private(bot, READER)
    await add_articles(bot, "Dam repairs start")
    bot.fake.fail_next(READER, FLOOD)
    start = bot.time.monotonic()
    bot.clock.set(AT_8)
    sent = await run_digest_job(bot)
    assert len(sent) == 1 and "Dam repairs start" in sent[0]
    assert bot.time.monotonic() - start >= 7.0
    assert bot.app.bot.rate_limiter.too_many == 1


async def test_network_errors_timeouts_and_5xx_are_retried(bot: Harness) -> None:
    await subscribe_private(bot, READER)
    await add_articles(bot, "Dam repairs start")
    bot.fake.fail_next(READER, Failure(502, "Bad Gateway"), TIMEOUT, Failure(500, "Internal"))
    start = bot.time.monotonic()
    bot.clock.set(AT_8)
    sent = await run_digest_job(bot)
    assert len(sent) == 1 and "Dam repairs start" in sent[0]
    # Four attempts a chat interval (1.05 s) apart would take 4.2 s from the /subscribe
    # reply; backing off 0.5, 1 and 2 s between them makes it 5.15 s.
    assert bot.time.monotonic() - start >= 5.1
    assert await bot.services.deliveries.counts() == DeliveryCounts(sent=1, pending=0, gone=0)


async def test_a_digest_that_keeps_failing_stays_due_and_goes_later_once(bot: Harness) -> None:
    await subscribe_private(bot, READER)
    await add_articles(bot, "Dam repairs start")
    bot.fake.fail_next(READER, *[Failure(502, "Bad Gateway")] * 5)
    bot.clock.set(AT_8)
    assert await run_digest_job(bot) == []
    assert await bot.services.deliveries.counts() == DeliveryCounts(sent=0, pending=1, gone=0)
    delivery = await bot.services.deliveries.get(1)
    assert delivery is not None and delivery.attempts == 1
    assert await run_digest_job(bot) == []  # backing off: not before a minute has passed
    bot.clock.advance(dt.timedelta(minutes=1))
    sent = await run_digest_job(bot)
    assert len(sent) == 1 and "Dam repairs start" in sent[0]
    assert await run_digest_job(bot) == []
    assert chats_served(bot) == {READER: 2}  # the /subscribe answer and one digest


async def test_chat_not_found_pauses_like_a_block(bot: Harness) -> None:
    await subscribe_private(bot, READER)
    bot.fake.fail_next(READER, Failure(400, "Bad Request: chat not found"))
    bot.clock.set(AT_8)
    assert await run_digest_job(bot) == []
    assert await bot.services.deliveries.counts() == DeliveryCounts(sent=0, pending=0, gone=1)
    stats = await bot.send("/stats", user_id=EDITOR)
    assert f"{READER}: Chat not found since 2026-11-25" in stats[0]
    bot.clock.advance(dt.timedelta(days=1))
    assert await run_digest_job(bot) == []  # paused: nothing more is attempted
    await subscribe_private(bot, READER)  # the chat comes back
    bot.clock.advance(dt.timedelta(days=1))
    # The same digest again resumes it; it had one (opened, then dropped) before the pause.
    assert await run_digest_job(bot) == ["Nothing new since your last digest."]


async def test_a_group_that_became_a_supergroup_keeps_its_digest(bot: Harness) -> None:
    group, supergroup = -4321, -1009876
    await subscribe_group(bot, group)
    await add_articles(bot, "Dam repairs start")
    bot.fake.fail_next(
        group,
        Failure(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": supergroup},
        ),
    )
    bot.clock.set(AT_8)
    before = len(bot.fake.sent)
    sent = await run_digest_job(bot)
    assert len(sent) == 1 and "Dam repairs start" in sent[0]
    assert bot.fake.sent[before].chat_id == supergroup
    assert [s.chat_id for s in await bot.services.subscriptions.for_chat(supergroup)] == [
        supergroup
    ]
    assert await bot.services.subscriptions.for_chat(group) == []
    bot.clock.advance(dt.timedelta(days=1))
    assert await run_digest_job(bot) == ["Nothing new since your last digest."]
    assert bot.fake.sent[-1].chat_id == supergroup


async def test_a_group_migrated_by_a_service_message_keeps_its_digest(bot: Harness) -> None:
    group, supergroup = -4322, -1009877
    await subscribe_group(bot, group)
    await add_articles(bot, "Dam repairs start")
    moved = bot.updates.message(
        user_id=EDITOR, chat_id=group, chat_type=GROUP, migrate_to_chat_id=supergroup
    )
    await bot.process(moved)
    assert await bot.services.subscriptions.for_chat(group) == []
    bot.clock.set(AT_8)
    before = len(bot.fake.sent)
    sent = await run_digest_job(bot)
    assert len(sent) == 1 and "Dam repairs start" in sent[0]
    assert [m.chat_id for m in bot.fake.sent[before:]] == [supergroup]


async def test_late_wake_ups_cost_no_rate_and_no_second_goes_over() -> None:
    # A busy event loop wakes every sleeping sender 15 ms late (longer than a slot at 100/s).
    time = VirtualTime()

    async def late(seconds: float) -> None:
        await time.sleep(seconds + 0.015)

    pacer = Pacer(Limits(per_second=100), monotonic=time.monotonic, sleep=late)
    gate = FloodGate(FloodRules(per_second=100), time.monotonic)
    sent: list[float] = []

    async def sender(chats: range) -> None:
        for chat in chats:
            await pacer.acquire(chat)
            assert gate.check(chat) is None  # the fake's own limit: never a 429
            sent.append(time.monotonic())
            pacer.done(chat)

    await asyncio.gather(*(sender(range(n, 2000, 50)) for n in range(1, 51)))
    assert len(sent) == 1999
    assert sent[-1] - sent[0] <= 1999 / 100 * 1.02  # within 2% of the configured rate
    assert max(bisect.bisect_left(sent, t + 1.0) - i for i, t in enumerate(sent)) <= 100
