"""A day of use as a new subscriber sees it (issue 13): digests, /subscribe and /timezone."""

from __future__ import annotations

import datetime as dt

from bot.articles.archive import ImportRecord
from tests.conftest import EDITOR, READER, Harness
from tests.test_digests import run_digest_job

HOUR = dt.timedelta(hours=1)


def story(title: str, date: str | None = None) -> str:
    """An article as an editor sends it in a message (long enough to be one)."""
    first = f"date {date}\n" if date else ""
    return (
        f"{first}{title}\n"
        f"Reporters confirmed on the ground that {title.lower()}, local officials said. "
        "Residents described the scene to our correspondents at length, and aid groups "
        "said they were preparing a response for the coming days in the whole province."
    )


async def send_article(bot: Harness, title: str, date: str | None = None) -> None:
    replies = await bot.send(story(title, date), user_id=EDITOR)
    assert replies[0].startswith("Saved #"), replies


async def test_the_first_digest_holds_the_day_before_its_slot(bot: Harness) -> None:
    bot.clock.set(dt.datetime(2026, 11, 24, 6, 0, tzinfo=dt.UTC))
    await send_article(bot, "Too old bridge story")  # 26 hours before the slot
    bot.clock.set(dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC))
    await send_article(bot, "Dam repairs start")  # before subscribing, within the day
    bot.clock.set(dt.datetime(2026, 11, 25, 7, 0, tzinfo=dt.UTC))
    await bot.send("/subscribe 08:00", user_id=READER)
    bot.clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    sent = await run_digest_job(bot)
    assert len(sent) == 1
    assert sent[0].startswith(
        "<b>Your 08:00 digest</b> · 1 new article in the last 24 hours, newest first\n\n"
        "<b>Dam repairs start</b>"
    )
    assert "bridge" not in sent[0]


async def test_digest_without_a_previous_digest_covers_the_last_day(bot: Harness) -> None:
    bot.clock.set(dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC))
    await send_article(bot, "Too old bridge story")
    bot.clock.set(dt.datetime(2026, 11, 25, 5, 0, tzinfo=dt.UTC))
    await send_article(bot, "Dam repairs start")
    bot.clock.set(dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC))
    await bot.send("/subscribe 08:00", user_id=READER)
    replies = await bot.send("/digest", user_id=READER)
    assert len(replies) == 1
    assert replies[0].startswith(
        "<b>Digest</b> · 1 new article in the last 24 hours, newest first\n\n"
        "<b>Dam repairs start</b>"
    )
    assert await bot.send("/digest schools", user_id=READER) == [
        "Nothing new in the last 24 hours."
    ]
    bot.clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    await run_digest_job(bot)
    assert await bot.send("/digest", user_id=READER) == ["Nothing new since your last digest."]


async def import_dated(bot: Harness, *dated: tuple[str, str]) -> None:
    records = [ImportRecord(text=story(title), title=title, date=date) for title, date in dated]
    report = await bot.services.archive.import_records(records)
    assert report.added == len(records)


async def test_a_bulk_import_is_not_news_but_one_article_at_a_time_is(bot: Harness) -> None:
    await bot.send("/subscribe 08:00", user_id=READER)
    await import_dated(
        bot,
        ("Siege of Homs 2014", "2014-02-01"),
        ("Truce talks 2016", "2016-06-07"),
        ("Yesterday's aid convoy", "2026-11-24"),
    )
    await send_article(bot, "An old report an editor forwards", date="2015-03-01")
    replies = await bot.send("/digest", user_id=READER)
    assert replies[0].startswith(
        "<b>Digest</b> · 2 new articles in the last 24 hours, newest first\n\n"
        "<b>Yesterday's aid convoy</b>"
    )
    assert "An old report an editor forwards" in replies[0]
    assert "Homs" not in replies[0] and "Truce" not in replies[0]
    # Still archived and searchable.
    answer = await bot.send("/ask siege of Homs", user_id=READER)
    assert "Siege of Homs 2014" in answer[0]


async def test_topic_words_rank_by_relevance_and_say_so(bot: Harness) -> None:
    await send_article(bot, "Dam repairs start on the Euphrates dam")
    await send_article(bot, "Schools reopen in Raqqa")
    await send_article(bot, "Talks near the dam")
    replies = await bot.send("/digest euphrates dam", user_id=READER)
    assert replies[0].startswith(
        "<b>Digest</b> · 2 new articles on euphrates dam (of 3 in the last 24 hours), "
        "most relevant first\n\n<b>Dam repairs start on the Euphrates dam</b>"
    )


async def test_subscribe_reads_times_as_people_type_them(bot: Harness) -> None:
    expected = {
        "/subscribe 8am Idlib": "08:00 UTC — Idlib",
        "/subscribe 8:30pm": "20:30 UTC — everything",
        "/subscribe 20.30 dam": "20:30 UTC — dam",
        "/subscribe 8h aleppo": "08:00 UTC — aleppo",
        "/subscribe 7 pm raqqa": "19:00 UTC — raqqa",
    }
    for command in expected:
        replies = await bot.send(command, user_id=READER)
        assert replies[0].startswith("Subscribed"), (command, replies)
    listed = await bot.send("/subscriptions", user_id=READER)
    assert listed == [
        "This chat's digests:\n"
        + "\n".join(f"{n}. {line}" for n, line in enumerate(expected.values(), start=1))
    ]
    for bad in ("13pm", "8:75", "25:00", "0am"):
        assert await bot.send(f"/subscribe {bad} idlib", user_id=READER) == [
            f"“{bad}” is not a time of day.\nUsage: /subscribe [time] [topic words], for "
            "example /subscribe 08:00, /subscribe 8am or /subscribe 7:30pm syria raqqa"
        ]
    assert await bot.send("/subscribe 08:00 idlib", user_id=READER) == [
        "That digest already exists: every day at 08:00 about Idlib. "
        "/subscriptions lists this chat's digests."
    ]
    assert len(await bot.services.subscriptions.for_chat(READER)) == len(expected)


async def test_timezone_finds_a_zone_from_a_city_or_an_offset(bot: Harness) -> None:
    found = {
        "beirut": "Asia/Beirut",
        "Beirut": "Asia/Beirut",
        "london": "Europe/London",
        "EST": "EST",
        "UTC+3": "Etc/GMT-3",
        "asia/damascus": "Asia/Damascus",
    }
    for name, zone in found.items():
        assert await bot.send(f"/timezone {name}", user_id=READER) == [
            f"Time zone set to {zone}; digests follow it from now on."
        ]
    assert await bot.send("/timezone Beyrouth", user_id=READER) == [
        "“Beyrouth” is not a time zone I know. Did you mean: Asia/Beirut?\n"
        "Usage: /timezone &lt;city or Area/City&gt;, for example /timezone Beirut or "
        "/timezone UTC+3"
    ]
