"""An article deleted after its digest was composed never goes out in it (issue 6).

A digest is composed when it falls due and its messages are stored; they may go out seconds
or hours later (a long send queue, a retry, a crash and a restart). Whenever an editor deletes
an article in between, the message that shows it goes out without it.
"""

from __future__ import annotations

import datetime as dt

from bot.clock import ManualClock
from bot.settings import Settings
from storage.deliveries import DeliveryCounts
from tests.conftest import EDITOR, READER, Harness, start_bot, stop_bot
from tests.test_delivery import AT_8, subscribe_private
from tests.test_digests import add_articles, run_digest_job
from tests.test_exactly_once import LONG, crash_after_first_part

BOTH_BACKENDS = True
THREE = ["Dam repairs start", "Bridge reopens", "Market burns"]
HEADER = "<b>Your 08:00 digest</b> · "
PERIOD = " in the last 24 hours, newest first"


def item(number: int, title: str) -> str:
    """A digest item as composed from `add_articles`."""
    return (
        f"<b>{title}</b>\n2026-11-24 · /read_{number}\n"
        f"Details of the story about {title.lower()} follow here."
    )


async def delete_article(bot: Harness, number: int) -> None:
    """An editor deletes an article: /delete, then the confirmation button."""
    await bot.send(f"/delete {number}", user_id=EDITOR)
    replies = await bot.process(bot.updates.callback(f"delete:{number}", bot.fake.sent[-1]))
    assert replies[0].startswith(f"Deleted #{number}: ")


async def test_an_article_deleted_after_composing_is_cut_from_its_digest(bot: Harness) -> None:
    await subscribe_private(bot, READER)
    await add_articles(bot, *THREE)
    bot.clock.set(AT_8)
    assert await bot.services.dispatcher.open_due() == 1
    composed = await bot.services.deliveries.get(1)
    assert composed is not None and composed.parts == (
        f"{HEADER}3 new articles{PERIOD}\n\n"
        + "\n\n".join([item(3, "Market burns"), item(2, "Bridge reopens"), item(1, THREE[0])]),
    )
    await delete_article(bot, 2)
    await delete_article(bot, 3)
    assert await bot.send("/restore 3", user_id=EDITOR) == ["Restored #3: Market burns"]

    assert await run_digest_job(bot) == [
        f"{HEADER}2 new articles{PERIOD}\n\n"
        + "\n\n".join([item(3, "Market burns"), item(1, "Dam repairs start")])
    ]
    assert await bot.services.deliveries.counts() == DeliveryCounts(sent=1, pending=0, gone=0)
    assert await run_digest_job(bot) == []


async def test_a_digest_whose_articles_were_all_deleted_is_skipped_and_done(
    bot: Harness,
) -> None:
    await subscribe_private(bot, READER)
    await add_articles(bot, *THREE)
    bot.clock.set(AT_8)
    await bot.services.dispatcher.open_due()
    for number in (1, 2, 3):
        await delete_article(bot, number)
    assert await run_digest_job(bot) == []
    assert await bot.services.deliveries.counts() == DeliveryCounts(sent=1, pending=0, gone=0)
    # The next digest starts after the articles this one covered, as if it had gone out.
    await add_articles(bot, "Harbour opens")
    bot.clock.set(AT_8 + dt.timedelta(days=1))
    assert await run_digest_job(bot) == [
        f"{HEADER}1 new article since your last digest, newest first\n\n" + item(4, "Harbour opens")
    ]


async def test_a_part_left_empty_is_skipped_and_the_header_counts_what_is_left(
    bot: Harness,
) -> None:
    await subscribe_private(bot, READER)
    await add_articles(bot, *LONG)
    bot.clock.set(AT_8)
    await bot.services.dispatcher.open_due()
    composed = await bot.services.deliveries.get(1)
    assert composed is not None and len(composed.parts) == 2
    assert composed.parts[0].startswith(f"{HEADER}40 new articles{PERIOD}\n\n")
    # Newest first: the second message holds the oldest stories, #1 upwards.
    second = [n for n in range(1, 41) if f"/read_{n}\n" in composed.parts[1]]
    assert second == list(range(1, len(second) + 1))
    for number in second:
        await delete_article(bot, number)
    left = 40 - len(second)
    assert await run_digest_job(bot) == [
        composed.parts[0].replace("40 new articles", f"{left} new articles", 1)
    ]
    delivery = await bot.services.deliveries.get(1)
    assert delivery is not None and (delivery.status, delivery.parts_sent) == ("sent", 2)


async def test_an_article_deleted_while_its_part_waits_to_go_out_is_cut(bot: Harness) -> None:
    await subscribe_private(bot, READER)
    await add_articles(bot, *LONG)
    bot.clock.set(AT_8)
    await bot.services.dispatcher.open_due()
    composed = await bot.services.deliveries.get(1)
    assert composed is not None and len(composed.parts) == 2
    victim = 1  # the oldest story: in the second message
    assert f"/read_{victim}\n" in composed.parts[1]
    pacer = bot.app.bot_data.pacer
    virtual_sleep = pacer.sleep
    before = len(bot.fake.sent)
    deleted = False

    def digest_messages() -> list[str]:
        return [m.text for m in bot.fake.sent[before:] if m.chat_id == READER]

    async def sleep(seconds: float) -> None:
        # The second message waits its one second after the first (one a second per chat):
        # it is claimed, loaded and handed to the sender; meanwhile an editor deletes.
        nonlocal deleted
        if seconds >= 0.5 and len(digest_messages()) == 1 and not deleted:
            deleted = True
            await delete_article(bot, victim)
        await virtual_sleep(seconds)

    pacer.sleep = sleep
    sent = await run_digest_job(bot)
    assert deleted
    readers = digest_messages()
    assert readers == [
        composed.parts[0],
        composed.parts[1].replace("\n\n" + item(victim, LONG[victim - 1]), "", 1),
    ]
    assert f"/read_{victim}\n" not in readers[1] and readers[1] != composed.parts[1]
    assert [text for text in sent if text.startswith(HEADER) or "/read_" in text] == readers
    assert await bot.services.deliveries.counts() == DeliveryCounts(sent=1, pending=0, gone=0)


async def test_a_digest_resumed_after_a_crash_leaves_out_what_was_deleted_meanwhile(
    settings: Settings, clock: ManualClock
) -> None:
    settings = settings.model_copy(update={"digest_concurrency": 1})
    first = await crash_after_first_part(settings, clock)
    composed = await _delivery(settings, clock)
    assert first == [composed[0]]

    bot = await start_bot(settings, clock)  # the same worker id starts again
    try:
        await delete_article(bot, 40)  # in the first message, already sent: nothing to do
        await delete_article(bot, 2)  # in the second
        before = len(bot.fake.sent)
        rest = await run_digest_job(bot)
        assert rest == [composed[1].replace("\n\n" + item(2, LONG[1]), "", 1)]
        assert [m.text for m in bot.fake.sent[before:] if m.chat_id == READER] == rest
        delivery = await bot.services.deliveries.get(1)
        assert delivery is not None and (delivery.status, delivery.parts_sent) == ("sent", 2)
        assert await run_digest_job(bot) == []
    finally:
        await stop_bot(bot)


async def _delivery(settings: Settings, clock: ManualClock) -> tuple[str, ...]:
    bot = await start_bot(settings, clock)
    try:
        delivery = await bot.services.deliveries.get(1)
        assert delivery is not None and delivery.parts_sent == 1
        return delivery.parts
    finally:
        await stop_bot(bot)
