"""Each (subscription, slot) reaches its chat once: crashes mid-digest, two processes, clocks."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from pathlib import Path

from bot.clock import ManualClock
from bot.settings import Settings
from bot.telegram.offline import Failure, SentMessage
from storage.deliveries import DeliveryCounts
from tests.conftest import READER, Harness, make_settings, start_bot, stop_bot
from tests.test_delivery import AT_8, chats_served, subscribe_private
from tests.test_digests import add_articles, run_digest_job

LONG = [f"Story number {n} about the long siege of the northern city" for n in range(40)]


async def crash_after_first_part(settings: Settings, clock: ManualClock) -> list[str]:
    """A reader's two-message digest; the process dies with part 2 in flight.

    `settings` should have one sender (`digest_concurrency=1`), so that no other worker is
    half-way through a database call when the tick dies. Returns what the reader received
    before the crash; the bot is stopped, its database kept.
    """
    bot = await start_bot(settings, clock)
    await subscribe_private(bot, READER)
    await add_articles(bot, *LONG)
    before = len(bot.fake.sent)

    def stall_after_first_part(message: SentMessage) -> None:
        bot.fake.delivery.stalls.add(READER)

    bot.fake.listeners.append(stall_after_first_part)
    clock.set(AT_8)
    tick = asyncio.create_task(run_digest_job(bot))
    # The tick runs until it hangs on the second part.
    await asyncio.wait_for(bot.fake.delivery.stalls.seen.wait(), timeout=10)
    tick.cancel()  # the process dies here: part 1 recorded, part 2 in flight, unanswered
    with contextlib.suppress(asyncio.CancelledError):
        await tick
    first = [m.text for m in bot.fake.sent[before:]]
    await stop_bot(bot)
    return first


async def test_a_crash_mid_digest_resumes_from_the_first_unsent_part(
    settings: Settings, clock: ManualClock
) -> None:
    settings = settings.model_copy(update={"digest_concurrency": 1})
    first = await crash_after_first_part(settings, clock)
    assert len(first) == 1

    bot = await start_bot(settings, clock)  # the same worker id starts again
    rest = await run_digest_job(bot)
    assert len(rest) == 1
    delivery = await bot.services.deliveries.get(1)
    assert delivery is not None and list(delivery.parts) == first + rest
    assert await bot.services.deliveries.counts() == DeliveryCounts(sent=1, pending=0, gone=0)
    assert await run_digest_job(bot) == []
    await stop_bot(bot)


async def test_another_process_takes_over_only_after_the_lease_lapses(
    tmp_path: Path, clock: ManualClock
) -> None:
    a = await start_bot(make_settings(tmp_path, digest_worker_id="a"), clock)
    await subscribe_private(a, READER)
    await add_articles(a, "Dam repairs start")
    clock.set(AT_8)
    await a.services.dispatcher.open_due()
    claimed = await a.services.deliveries.claim(
        "a", now=clock.now(), lease=dt.timedelta(minutes=5), limit=10
    )
    assert [d.id for d in claimed] == [1]
    await stop_bot(a)  # "a" dies holding the lease

    b = await start_bot(make_settings(tmp_path, digest_worker_id="b"), clock)
    assert await run_digest_job(b) == []  # a's lease still holds
    clock.advance(dt.timedelta(minutes=5))
    sent = await run_digest_job(b)
    assert len(sent) == 1 and "Dam repairs start" in sent[0]
    # A late write from "a" is refused: it no longer holds the delivery.
    assert not await b.services.deliveries.part_sent(
        1, "a", 1, now=clock.now(), lease=dt.timedelta(minutes=5)
    )
    await stop_bot(b)


async def pause_longer_than_the_lease(
    tmp_path: Path, clock: ManualClock, *, rival_ticks: bool
) -> tuple[list[str], list[str], Harness]:
    """Process "a" gets a 429 whose retry_after (120 s) outlasts its 60 s lease; meanwhile
    process "b" may tick. Returns the digests a and b sent, and a (still running)."""
    a = await start_bot(
        make_settings(tmp_path, digest_worker_id="a", digest_lease_seconds=60), clock
    )
    b = await start_bot(
        make_settings(tmp_path, digest_worker_id="b", digest_lease_seconds=60), clock
    )
    await subscribe_private(a, READER)
    await add_articles(a, "Dam repairs start")
    sent_by_b: list[str] = []
    pacer = a.app.bot_data.pacer
    virtual_sleep = pacer.sleep

    async def sleep(seconds: float) -> None:
        # a's waits move the wall clock too; while a waits out the 429, b runs its job.
        clock.advance(dt.timedelta(seconds=max(seconds, 0.0)))
        await virtual_sleep(seconds)
        if seconds > 60 and rival_ticks:
            sent_by_b.extend(await run_digest_job(b))

    pacer.sleep = sleep
    a.fake.fail_next(
        READER, Failure(429, "Too Many Requests: retry after 120", {"retry_after": 120})
    )
    clock.set(AT_8)
    sent_by_a = await run_digest_job(a)
    await stop_bot(b)
    return sent_by_a, sent_by_b, a


async def test_a_429_pause_longer_than_the_lease_keeps_the_digest_once(
    tmp_path: Path, clock: ManualClock
) -> None:
    sent_by_a, sent_by_b, a = await pause_longer_than_the_lease(tmp_path, clock, rival_ticks=False)
    assert len(sent_by_a) == 1 and "Dam repairs start" in sent_by_a[0]
    assert sent_by_b == []
    assert await a.services.deliveries.counts() == DeliveryCounts(sent=1, pending=0, gone=0)
    await stop_bot(a)


async def test_a_digest_taken_over_during_a_long_429_pause_is_not_sent_again(
    tmp_path: Path, clock: ManualClock
) -> None:
    sent_by_a, sent_by_b, a = await pause_longer_than_the_lease(tmp_path, clock, rival_ticks=True)
    # b took the lapsed lease and sent the digest; a, back from its pause, must not.
    assert len(sent_by_b) == 1 and "Dam repairs start" in sent_by_b[0]
    assert sent_by_a == []
    assert await a.services.deliveries.counts() == DeliveryCounts(sent=1, pending=0, gone=0)
    await stop_bot(a)


async def test_two_processes_on_one_database_send_each_digest_once(
    tmp_path: Path, clock: ManualClock
) -> None:
    a = await start_bot(make_settings(tmp_path, digest_worker_id="a"), clock)
    b = await start_bot(make_settings(tmp_path, digest_worker_id="b"), clock)
    readers = list(range(5000, 5040))
    await subscribe_private(a, *readers)
    await add_articles(a, "Dam repairs start")
    start_a, start_b = len(a.fake.sent), len(b.fake.sent)
    clock.set(AT_8)
    await asyncio.gather(run_digest_job(a), run_digest_job(b))
    served_a, served_b = chats_served(a, start_a), chats_served(b, start_b)
    assert set(served_a) | set(served_b) == set(readers)
    assert set(served_a) & set(served_b) == set()
    assert all(n == 1 for n in (served_a | served_b).values())
    assert await a.services.deliveries.counts() == DeliveryCounts(sent=40, pending=0, gone=0)
    await stop_bot(a)
    await stop_bot(b)


async def test_digests_missed_while_down_go_once_oldest_first(tmp_path: Path) -> None:
    clock = ManualClock(dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC))
    settings = make_settings(tmp_path, digest_concurrency=1)
    bot = await start_bot(settings, clock)
    await subscribe_private(bot, 7001, at="08:00")
    await subscribe_private(bot, 7002, at="06:00")
    await subscribe_private(bot, 7003, at="07:00")
    await add_articles(bot, "Dam repairs start")
    await stop_bot(bot)

    clock.set(dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC))  # down for two days
    bot = await start_bot(settings, clock)
    sent = await run_digest_job(bot)
    assert [m.chat_id for m in bot.fake.sent] == [7002, 7003, 7001]
    assert bot.fake.delivery.gate is not None and bot.fake.delivery.gate.refused == 0
    assert all("Dam repairs start" in text for text in sent)
    await stop_bot(bot)
    bot = await start_bot(settings, clock)
    assert await run_digest_job(bot) == []
    await stop_bot(bot)


async def test_a_digest_still_unsent_at_the_next_slot_is_not_repeated_by_it(
    settings: Settings, clock: ManualClock
) -> None:
    bot = await start_bot(settings, clock)
    await subscribe_private(bot, READER)
    await add_articles(bot, "Dam repairs start")
    bot.fake.fail_next(READER, *[Failure(502, "Bad Gateway")] * 5)
    clock.set(AT_8)
    assert await run_digest_job(bot) == []  # it keeps failing: still unsent a day later
    await add_articles(bot, "Schools reopen")
    clock.advance(dt.timedelta(days=1))
    sent = await run_digest_job(bot)  # opens the next day's slot, then sends both
    assert sorted(sent) == sorted(
        [
            "<b>Your 08:00 digest</b> · 1 new article in the last 24 hours, newest first\n\n"
            "<b>Dam repairs start</b>\n"
            "2026-11-24 · /read_1\n"
            "Details of the story about dam repairs start follow here.",
            "<b>Your 08:00 digest</b> · 1 new article since your last digest, newest first\n\n"
            "<b>Schools reopen</b>\n"
            "2026-11-24 · /read_2\n"
            "Details of the story about schools reopen follow here.",
        ]
    )
    await stop_bot(bot)


async def test_london_digest_at_eight_local_on_both_sides_of_the_clock_change(
    tmp_path: Path,
) -> None:
    clock = ManualClock(dt.datetime(2026, 10, 23, 12, 0, tzinfo=dt.UTC))
    bot = await start_bot(make_settings(tmp_path), clock)
    await bot.send("/timezone Europe/London", user_id=READER)
    await subscribe_private(bot, READER)
    times = [
        (dt.datetime(2026, 10, 24, 6, 59, tzinfo=dt.UTC), 0),  # 07:59 BST
        (dt.datetime(2026, 10, 24, 7, 0, 1, tzinfo=dt.UTC), 1),  # 08:00 BST
        (dt.datetime(2026, 10, 25, 7, 0, 1, tzinfo=dt.UTC), 0),  # 07:00 GMT, after the change
        (dt.datetime(2026, 10, 25, 8, 0, 1, tzinfo=dt.UTC), 1),  # 08:00 GMT
        (dt.datetime(2026, 10, 25, 9, 0, 1, tzinfo=dt.UTC), 0),
        (dt.datetime(2027, 3, 28, 7, 0, 1, tzinfo=dt.UTC), 1),  # 08:00 BST again in spring
        (dt.datetime(2027, 3, 28, 8, 0, 1, tzinfo=dt.UTC), 0),
    ]
    counts = []
    for moment, _ in times:
        clock.set(moment)
        counts.append(len(await run_digest_job(bot)))
    assert counts == [expected for _, expected in times]
    await stop_bot(bot)
