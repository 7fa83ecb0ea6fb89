"""Daily digests: subscribe, scheduled delivery exactly once, restarts, time zones, groups."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.articles.archive import ImportRecord
from bot.digests.compose import Block, pack
from bot.digests.schedule import latest_slot, next_slot
from bot.render import join_blocks
from bot.telegram.offline import Failure
from bot.telegram.updates import GROUP
from tests.conftest import EDITOR, READER, Harness, start_bot, stop_bot

DAY = dt.timedelta(days=1)


BOTH_BACKENDS = True  # storage and delivery run on SQLite and PostgreSQL


async def add_articles(bot: Harness, *titles: str, date: str = "2026-11-24") -> None:
    """Import articles (a bulk import: dated more than a day before a digest, not news)."""
    records = [
        ImportRecord(
            text=f"{title}. Details of the story about {title.lower()} follow here.",
            title=title,
            date=date,
        )
        for title in titles
    ]
    await bot.services.archive.import_records(records)


async def run_digest_job(bot: Harness) -> list[str]:
    """Run the dispatcher job once, as the JobQueue would; the texts it sent."""
    before = len(bot.fake.sent)
    jobs = bot.app.job_queue.get_jobs_by_name("digest:dispatch")
    assert len(jobs) == 1
    await jobs[0].run(bot.app)
    return [m.text for m in bot.fake.sent[before:]]


async def test_subscribe_list_and_unsubscribe(bot: Harness) -> None:
    assert await bot.send("/subscribe 08:00", user_id=READER) == [
        "Subscribed: a digest every day at 08:00 (UTC). /timezone changes the time zone; "
        "/unsubscribe stops it."
    ]
    await bot.send("/subscribe 7:30 raqqa dam", user_id=READER)
    assert await bot.send("/subscriptions", user_id=READER) == [
        "This chat's digests:\n1. 08:00 UTC — everything\n2. 07:30 UTC — raqqa dam"
    ]
    # A signed number is a time mistyped, not the topic "-1"; so is a number alone ("100").
    for wrong in ("25:00", "-1", "+3", "-8am", "100", "830"):
        assert await bot.send(f"/subscribe {wrong}", user_id=READER) == [
            f"“{wrong}” is not a time of day.\nUsage: /subscribe [time] [topic words], for "
            "example /subscribe 08:00, /subscribe 8am or /subscribe 7:30pm syria raqqa"
        ], wrong
    assert await bot.send("/subscriptions", user_id=READER) == [
        "This chat's digests:\n1. 08:00 UTC — everything\n2. 07:30 UTC — raqqa dam"
    ]
    assert await bot.send("/unsubscribe 1", user_id=READER) == ["Removed 1 digest."]
    assert await bot.send("/subscriptions", user_id=READER) == [
        "This chat's digests:\n1. 07:30 UTC — raqqa dam"
    ]
    assert await bot.send("/unsubscribe 5", user_id=READER) == [
        "This chat has no digest “5”; /unsubscribe takes a number or a time from this list, "
        "or all:\n1. 07:30 UTC — raqqa dam"
    ]
    assert await bot.send("/unsubscribe all", user_id=READER) == ["Removed 1 digest."]
    assert await bot.send("/unsubscribe all", user_id=READER) == ["This chat has no digests."]
    # Several numbers at once, as the list shows them; one out of range removes none.
    for at in ("06:00", "07:00", "09:00"):
        await bot.send(f"/subscribe {at}", user_id=READER)
    assert (await bot.send("/unsubscribe 1 4", user_id=READER))[0].startswith(
        "This chat has no digest “1 4”"
    )
    assert await bot.send("/unsubscribe 1, 3", user_id=READER) == ["Removed 2 digests."]
    assert await bot.send("/subscriptions", user_id=READER) == [
        "This chat's digests:\n1. 07:00 UTC — everything"
    ]
    assert await bot.send("/unsubscribe all", user_id=READER) == ["Removed 1 digest."]
    bot.clock.set(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))
    assert await run_digest_job(bot) == []


async def test_unsubscribe_names_a_digest_as_subscriptions_shows_it(bot: Harness) -> None:
    await bot.send("/subscribe 08:00", user_id=READER)
    await bot.send("/subscribe 19:30 raqqa", user_id=READER)
    await bot.send("/subscribe 8pm Raqqa", user_id=READER)
    listing = "1. 08:00 UTC — everything\n2. 19:30 UTC — raqqa\n3. 20:00 UTC — Raqqa"
    assert await bot.send("/unsubscribe", user_id=READER) == [
        "Usage: /unsubscribe &lt;n|time|all&gt;, for example /unsubscribe 2 or /unsubscribe "
        "08:00\nThis chat's digests:\n" + listing
    ]
    # A number past the list, a time or words no digest has: nothing goes, the list shows.
    for wrong in ("5", "9:15", "25:00", "Dam"):
        assert await bot.send(f"/unsubscribe {wrong}", user_id=READER) == [
            f"This chat has no digest “{wrong}”; /unsubscribe takes a number or a time from "
            "this list, or all:\n" + listing
        ], wrong
    # Words two digests share name neither.
    assert await bot.send("/unsubscribe raqqa", user_id=READER) == [
        "“raqqa” fits 2 digests; /unsubscribe with the number of one:\n"
        "2. 19:30 UTC — raqqa\n3. 20:00 UTC — Raqqa"
    ]
    # Its time as /subscribe takes it, with or without its words, names one.
    assert await bot.send("/unsubscribe 7:30pm", user_id=READER) == ["Removed 1 digest."]
    assert await bot.send("/unsubscribe 20:00 raqqa", user_id=READER) == ["Removed 1 digest."]
    assert await bot.send("/subscriptions", user_id=READER) == [
        "This chat's digests:\n1. 08:00 UTC — everything"
    ]
    huge = "x" * 5000
    assert await bot.send(f"/unsubscribe {huge}", user_id=READER) == [
        f"This chat has no digest “{'x' * 64}…”; /unsubscribe takes a number or a time from "
        "this list, or all:\n1. 08:00 UTC — everything"
    ]
    assert await bot.send("/unsubscribe 8am", user_id=READER) == ["Removed 1 digest."]
    # Four digits with a leading zero are a time, as /subscribe reads them.
    await bot.send("/subscribe 0730", user_id=READER)
    assert await bot.send("/unsubscribe 0730", user_id=READER) == ["Removed 1 digest."]
    assert await bot.send("/unsubscribe 1", user_id=READER) == ["This chat has no digests."]
    assert await bot.send("/unsubscribe", user_id=READER) == ["This chat has no digests."]
    entries = [e.detail for e in await bot.services.audit.recent(10) if e.action == "unsubscribe"]
    assert entries == [
        "1 removed (0730)",
        "1 removed (8am)",
        "1 removed (20:00 raqqa)",
        "1 removed (7:30pm)",
    ]


async def test_daily_digest_is_sent_once_with_what_arrived(bot: Harness) -> None:
    await add_articles(bot, "Old news")  # two hours before the slot, before subscribing
    await bot.send("/subscribe 08:00", user_id=READER)
    await add_articles(bot, "Dam repairs start", "Schools reopen")
    bot.clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    sent = await run_digest_job(bot)
    assert len(sent) == 1
    assert sent[0].startswith(
        "<b>Your 08:00 digest</b> · 3 new articles in the last 24 hours, newest first\n\n"
        "<b>Schools reopen</b>"
    )
    assert "Dam repairs start" in sent[0] and "Old news" in sent[0]
    assert "/read_3" in sent[0]
    assert await run_digest_job(bot) == []  # the same slot again: nothing
    await add_articles(bot, "Later news")
    bot.clock.advance(DAY)
    sent = await run_digest_job(bot)
    assert sent[0].startswith(
        "<b>Your 08:00 digest</b> · 1 new article since your last digest, newest first\n\n"
        "<b>Later news</b>"
    )
    bot.clock.advance(DAY)
    assert await run_digest_job(bot) == ["Nothing new since your last digest."]


async def test_topic_words_filter_and_rank(bot: Harness) -> None:
    await bot.send("/subscribe 08:00 dam", user_id=READER)
    await add_articles(bot, "Dam repairs start", "Schools reopen", "Talks on the dam")
    bot.clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    sent = await run_digest_job(bot)
    assert len(sent) == 1
    assert "2 new articles on dam" in sent[0]
    assert "Schools reopen" not in sent[0]


async def test_restart_sends_a_missed_digest_once(settings, clock) -> None:  # type: ignore[no-untyped-def]
    bot = await start_bot(settings, clock)
    await bot.send("/subscribe 08:00", user_id=READER)
    await add_articles(bot, "Dam repairs start")
    await stop_bot(bot)

    clock.set(dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC))  # 08:00 passed while down
    bot = await start_bot(settings, clock)
    await run_digest_job(bot)
    assert [m.chat_id for m in bot.fake.sent] == [READER]
    assert "Dam repairs start" in bot.fake.sent[0].text
    await stop_bot(bot)

    bot = await start_bot(settings, clock)  # and once more: nothing is sent twice
    assert await run_digest_job(bot) == []
    assert bot.fake.sent == []
    await stop_bot(bot)


async def test_time_zone_and_clock_change() -> None:
    london = zoneinfo.ZoneInfo("Europe/London")
    at = dt.time(8, 0)
    # Summer time: 08:00 in London is 07:00 UTC; after the change on 2026-10-25, 08:00 UTC.
    before = latest_slot(at, london, dt.datetime(2026, 10, 24, 12, 0, tzinfo=dt.UTC))
    after = latest_slot(at, london, dt.datetime(2026, 10, 25, 12, 0, tzinfo=dt.UTC))
    assert before == dt.datetime(2026, 10, 24, 7, 0, tzinfo=dt.UTC)
    assert after == dt.datetime(2026, 10, 25, 8, 0, tzinfo=dt.UTC)
    assert next_slot(at, london, before) == after  # 25 hours later, still 08:00 in London


async def test_timezone_command_moves_the_schedule(bot: Harness) -> None:
    assert await bot.send("/timezone Mars/Olympus", user_id=READER) == [
        "“Mars/Olympus” is not a time zone I know.\nUsage: /timezone &lt;city or Area/City&gt;, "
        "for example /timezone Beirut or /timezone UTC+3"
    ]
    bot.clock.set(dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC))
    # An offset typed alone was "not a time zone I know".
    assert await bot.send("/timezone +3", user_id=READER) == [
        "Time zone set to UTC+3; digests follow it from now on."
    ]
    await bot.send("/timezone Asia/Damascus", user_id=READER)
    await bot.send("/subscribe 08:00", user_id=READER)
    await add_articles(bot, "Dam repairs start")
    bot.clock.set(dt.datetime(2026, 11, 25, 5, 0, 1, tzinfo=dt.UTC))  # 08:00 in Damascus (UTC+3)
    sent = await run_digest_job(bot)
    assert len(sent) == 1 and "Dam repairs start" in sent[0]


async def test_only_group_admins_subscribe_a_group(bot: Harness) -> None:
    group = -100321
    assert await bot.send("/subscribe 09:00", user_id=READER, chat_id=group, chat_type=GROUP) == [
        "Only this chat's admins can change its digests."
    ]
    bot.fake.chat_members[(group, EDITOR)] = "administrator"
    replies = await bot.send("/subscribe 09:00", user_id=EDITOR, chat_id=group, chat_type=GROUP)
    assert replies[0].startswith("Subscribed: a digest every day at 09:00")
    await add_articles(bot, "Dam repairs start")
    bot.clock.set(dt.datetime(2026, 11, 25, 9, 0, 1, tzinfo=dt.UTC))
    assert len(await run_digest_job(bot)) == 1
    assert bot.fake.sent[-1].chat_id == group


async def test_long_digest_is_split_on_item_boundaries(bot: Harness) -> None:
    await bot.send("/subscribe 08:00", user_id=READER)
    await add_articles(
        bot, *(f"Story number {n} about the long siege of the northern city" for n in range(40))
    )
    bot.clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    sent = await run_digest_job(bot)
    assert len(sent) >= 2
    assert all(len(part) <= 4096 for part in sent)
    body = "\n\n".join(sent)
    assert all(f"<b>Story number {n} about" in body for n in range(40))


async def test_blocked_chat_is_paused_and_shown_in_stats(bot: Harness) -> None:
    await bot.send("/subscribe 08:00", user_id=READER)
    bot.fake.fail_next(READER, Failure(403, "Forbidden: bot was blocked by the user"))
    bot.clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    assert await run_digest_job(bot) == []
    stats = await bot.send("/stats", user_id=EDITOR)
    assert "Subscriptions: 0 in 0 chats" in stats[0]
    assert f"{READER}: Forbidden: bot was blocked by the user since 2026-11-25" in stats[0]
    replies = await bot.send("/subscribe 08:00", user_id=READER)  # the chat comes back
    assert replies[0].startswith("Subscribed")
    # The same digest again resumes the paused one rather than adding a copy.
    assert (await bot.services.subscriptions.count()) == (1, 1)


async def test_digest_now_and_preview(bot: Harness) -> None:
    await add_articles(bot, "Dam repairs start", "Schools reopen")
    sent = await bot.send("/digest dam", user_id=READER)
    assert len(sent) == 1 and "Dam repairs start" in sent[0] and "Schools reopen" not in sent[0]


async def test_digest_and_subscribe_keep_200_characters_of_topic_words(bot: Harness) -> None:
    # The reply named them all: over Telegram's 4,096 characters, it failed ("Sorry, something
    # went wrong"). Both keep 200 characters of them, cut between words.
    words = " ".join(f"{'abcdefghij' * 3}{n}" for n in range(10))
    kept = words[:191]
    assert (len(words), words[191]) == (319, " ")
    assert await bot.send(f"/digest {words}", user_id=READER) == [
        f"Nothing new on {kept} in the last 24 hours.\n"
        "The archive is empty: send me an article, a link or a file."
    ]
    assert await bot.send(f"/subscribe 08:00 {words}", user_id=READER) == [
        f"Subscribed: a digest about {kept} every day at 08:00 (UTC). /timezone changes the "
        "time zone; /unsubscribe stops it."
    ]


async def test_bidirectional_controls_typed_in_topic_words_are_not_kept(bot: Harness) -> None:
    # "\u202e" (right-to-left override) typed before a topic was stored with it, and each
    # reply naming the topic showed the rest of its line reversed ("08:00 UTC — aqqar").
    assert await bot.send("/subscribe 08:00 \u202eraqqa \u2067dam\u2069", user_id=READER) == [
        "Subscribed: a digest about raqqa dam every day at 08:00 (UTC). /timezone changes the "
        "time zone; /unsubscribe stops it."
    ]
    assert await bot.send("/subscriptions", user_id=READER) == [
        "This chat's digests:\n1. 08:00 UTC — raqqa dam"
    ]
    assert await bot.send("/digest \u202eraqqa", user_id=READER) == [
        "Nothing new on raqqa in the last 24 hours.\n"
        "The archive is empty: send me an article, a link or a file."
    ]
    # The marks Persian words are written with stay.
    persian = "\u0647\u06cc\u0686\u200c\u06a9\u0633"
    assert persian in (await bot.send(f"/subscribe 09:00 {persian}", user_id=READER))[0]


async def test_topic_words_no_article_could_be_on_are_refused(bot: Harness) -> None:
    # Thousands of words were subscribed (200 characters of them): an article is on a topic
    # when it holds most of its words' weight, so every digest said "Nothing new on w0 w1 …".
    words = " ".join(f"w{n}" for n in range(1500))
    too_many = (
        "That is 1500 topic words: a topic is at most 10 words (an article is on it when it "
        "holds most of them)."
    )
    assert await bot.send(f"/subscribe 08:00 {words}", user_id=READER) == [too_many]
    assert await bot.send(f"/digest {words}", user_id=READER) == [too_many]
    # Words with nothing to look for were subscribed, and their digest held every article
    # under a header naming them.
    for typed, shown in (
        ("!!!! ####", "!!!! ####"),
        ("\x07\x1b \x1f", "?"),
        ("x" * 5000, "x" * 59 + "…"),
        # Stop words were subscribed too: every article holds "the" or "of".
        ("the of and", "the of and"),
        ("THE OF, AND", "THE OF, AND"),
    ):
        line = (
            f"“{shown}” holds no word to look for: topic words are words an article would use, "
            "for example syria raqqa."
        )
        assert await bot.send(f"/subscribe 08:00 {typed}", user_id=READER) == [line]
        assert await bot.send(f"/digest {typed}", user_id=READER) == [line]
    # A second time was taken for a topic word: "a digest about 9pm every day at 20:00".
    for typed in ("8pm 9pm", "08:00 21:30 syria"):
        word = typed.split()[1]
        assert await bot.send(f"/subscribe {typed}", user_id=READER) == [
            f"“{word}” is a time, not a topic word: a digest has one time; subscribe once for each."
        ]
    assert await bot.send("/digest 08:00", user_id=READER) == [
        "“08:00” is a time, not a topic word: /digest shows what is new now."
    ]
    assert await bot.services.digest_subscriptions.of_chat(READER) == []
    # A stop word typed in capitals is a name, as in a question.
    assert await bot.send("/subscribe 08:00 the US", user_id=READER) == [
        "Subscribed: a digest about the US every day at 08:00 (UTC). /timezone changes the "
        "time zone; /unsubscribe stops it."
    ]


async def test_a_time_typed_after_the_topic_words_is_the_time(bot: Harness) -> None:
    # It was refused as a second time: "“8am” is a time, not a topic word: a digest has one
    # time; subscribe once for each."
    assert await bot.send("/subscribe floods 8am", user_id=READER) == [
        "Subscribed: a digest about floods every day at 08:00 (UTC). /timezone changes the "
        "time zone; /unsubscribe stops it."
    ]
    assert await bot.send("/subscribe raqqa civilians 7:30 pm", user_id=READER) == [
        "Subscribed: a digest about raqqa civilians every day at 19:30 (UTC). /timezone "
        "changes the time zone; /unsubscribe stops it."
    ]
    assert await bot.send("/subscribe floods 25:00", user_id=READER) == [
        "“25:00” is not a time of day.\nUsage: /subscribe [time] [topic words], for example "
        "/subscribe 08:00, /subscribe 8am or /subscribe 7:30pm syria raqqa"
    ]
    assert await bot.send("/subscribe floods 8am 9pm", user_id=READER) == [
        "“8am” is a time, not a topic word: a digest has one time; subscribe once for each."
    ]
    assert await bot.send("/unsubscribe floods 8am", user_id=READER) == ["Removed 1 digest."]
    assert await bot.send("/subscriptions", user_id=READER) == [
        "This chat's digests:\n1. 19:30 UTC — raqqa civilians"
    ]


async def test_a_time_zone_is_no_topic_word(bot: Harness) -> None:
    # It was subscribed: "a digest about Europe/London every day at 08:00 (UTC)", listing
    # only articles holding "Europe" and "London".
    for typed, zone in (("8am Europe/London", "Europe/London"), ("08:00 UTC+3", "UTC+3")):
        assert await bot.send(f"/subscribe {typed}", user_id=READER) == [
            f"“{zone}” is a time zone, not a topic word: /timezone {zone} sets this chat's, "
            "and its digests follow it."
        ]
    assert await bot.services.digest_subscriptions.of_chat(READER) == []
    # A country or a city named like a zone is a topic.
    assert await bot.send("/subscribe 8am Turkey", user_id=READER) == [
        "Subscribed: a digest about Turkey every day at 08:00 (UTC). /timezone changes the "
        "time zone; /unsubscribe stops it."
    ]


async def test_a_word_saying_when_is_no_topic_word(bot: Harness) -> None:
    # "/subscribe 8am tomorrow" was "a digest about tomorrow every day at 08:00", and
    # "/subscribe now" was told "“now” holds no word to look for".
    forms = (
        "is not a topic word: a digest comes every day at its time, for example /subscribe 8am, "
        "/subscribe 08:00 or /subscribe 7:30pm raqqa; /digest shows what is new now."
    )
    for typed, word in (
        ("tomorrow", "tomorrow"),
        ("8am tomorrow", "tomorrow"),
        ("now", "now"),
        ("raqqa Daily", "Daily"),
        ("every day at 8", "every"),
    ):
        assert await bot.send(f"/subscribe {typed}", user_id=READER) == [f"“{word}” {forms}"]
    assert await bot.services.digest_subscriptions.of_chat(READER) == []
    assert await bot.send("/digest today", user_id=READER) == [
        "“today” is not a topic word: /digest shows what is new now, and /subscribe 8am sends "
        "a digest every day at 8am."
    ]
    # "at" before the time is how it is said, not a topic word.
    assert await bot.send("/subscribe at 8am", user_id=READER) == [
        "Subscribed: a digest every day at 08:00 (UTC). /timezone changes the time zone; "
        "/unsubscribe stops it."
    ]
    assert await bot.send("/subscribe raqqa at 9pm", user_id=READER) == [
        "Subscribed: a digest about raqqa every day at 21:00 (UTC). /timezone changes the "
        "time zone; /unsubscribe stops it."
    ]


async def test_a_stop_word_typed_as_a_name_matches_the_name_not_the_word(bot: Harness) -> None:
    # "the US" matched every article holding the pronoun "us" ("the convoy never reached us").
    records = [
        ("US troops reach Manbij", "US troops reached the town on Monday, officials said."),
        ("Aid workers speak out", "The convoy never reached us, an aid worker told reporters."),
        ("Embassy statement", "The U.S. embassy said it was watching the town closely."),
    ]
    await bot.services.archive.import_records(
        [ImportRecord(text=text, title=title, date="2026-11-24") for title, text in records]
    )
    # Written with full stops ("U.S.") it is the name too.
    assert await bot.send("/digest the US", user_id=READER) == [
        "<b>Digest</b> · 2 new articles on the US (of 3 in the last 24 hours), most relevant "
        "first\n\n<b>US troops reach Manbij</b>\n2026-11-24 · /read_1\nUS troops reached the "
        "town on Monday, officials said.\n\n<b>Embassy statement</b>\n2026-11-24 · /read_3\n"
        "The U.S. embassy said it was watching the town closely."
    ]


async def test_a_channel_subscribes_by_posting_the_command(bot: Harness) -> None:
    channel = -100888
    update = bot.updates.channel_post("/subscribe 06:30 dam", chat_id=channel, title="Our channel")
    replies = await bot.process(update)
    assert replies == [
        "Subscribed: a digest about dam every day at 06:30 (UTC). /timezone changes the time "
        "zone; /unsubscribe stops it."
    ]
    await add_articles(bot, "Dam repairs start")
    bot.clock.set(dt.datetime(2026, 11, 25, 6, 30, 1, tzinfo=dt.UTC))
    assert len(await run_digest_job(bot)) == 1
    assert bot.fake.sent[-1].chat_id == channel


# Blocks of any Unicode (astral characters count two), short and long, around the 4,096 limit.
BLOCKS = st.lists(
    st.builds(
        lambda piece, times: piece * times,
        st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300),
        st.integers(1, 40),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(BLOCKS, st.sampled_from([4096, 700, 50]))
def test_packing_measured_blocks_matches_join_blocks(blocks: list[str], limit: int) -> None:
    assert pack([Block.of(b) for b in blocks], limit) == join_blocks(blocks, limit)


async def test_a_digest_item_leads_with_a_sentence_not_a_heading_nor_half_of_one(
    bot: Harness,
) -> None:
    # Written for this test: a section heading opens the text; a short form ("г.") is no end.
    await bot.services.archive.import_records(
        [
            ImportRecord(
                text="Время выбора\n\nО переговорах в Анкаре президент объявил во время визита "
                "в США. Турецкий президент приехал в Америку.",
                title="Что обсудят в Анкаре",
                date="2026-11-25",
            ),
            ImportRecord(
                text="В районе аэродрома г. Дейр-эз-Зор нанесено четыре удара по позициям "
                "войск. Самолёты вошли со стороны границы.",
                title="Удары у Дейр-эз-Зора",
                date="2026-11-25",
            ),
        ]
    )
    [sent] = await bot.send("/digest", user_id=READER)
    assert "/read_1\nО переговорах в Анкаре президент объявил во время визита в США." in sent
    assert "В районе аэродрома г. Дейр-эз-Зор нанесено четыре удара по позициям войск." in sent
    assert "Время выбора" not in sent


async def test_a_digest_item_leads_with_the_story_not_its_dateline(bot: Harness) -> None:
    # Page clutter found at import (the headline again, a dateline, a byline) is no lead.
    await bot.services.archive.import_records(
        [
            ImportRecord(
                text="Наводнение под Раккой\n\nРАККА, 5 декабря. /ТАСС/. Прорыв дамбы затопил "
                "четыре деревни под Раккой, сообщили местные власти. Сотни семей эвакуированы.",
                date="2026-11-25",
            ),
            ImportRecord(
                text="Sondland to face questions\n\nBy Associated Press\n\nWASHINGTON (AP) — "
                "Ambassador Gordon Sondland is likely to be unpredictable when he faces "
                "questions. He testifies on Wednesday.",
                date="2026-11-25",
            ),
        ]
    )
    sent = await bot.send("/digest", user_id=READER)
    assert sent == [
        "<b>Digest</b> · 2 new articles in the last 24 hours, newest first\n\n"
        "<b>Sondland to face questions</b>\n2026-11-25 · AP · /read_2\n"
        "Ambassador Gordon Sondland is likely to be unpredictable when he faces questions.\n\n"
        "<b>Наводнение под Раккой</b>\n2026-11-25 · TASS · /read_1\n"
        "Прорыв дамбы затопил четыре деревни под Раккой, сообщили местные власти."
    ]


async def test_a_wire_dateline_with_its_day_is_no_lead(bot: Harness) -> None:
    # "MOSUL, Iraq, Dec 5 (Reuters) -": the place was taken for the dateline, not the day, and
    # the digest's lead read "Iraq, Dec 5 Engineers said on Friday ...".
    datelines = (
        "MOSUL, Iraq, Dec 5 (Reuters) -",
        "MOSUL, Iraq, December 5, 2026 (Reuters) -",
        "BEIRUT, 5 December (AFP) -",
    )
    await bot.services.archive.import_records(
        [
            ImportRecord(
                text=f"Flood barriers hold {n}\n\n{dateline} Engineers said on Friday that the "
                "barriers along the Tigris held overnight. The dam was fine.",
                date="2026-11-25",
            )
            for n, dateline in enumerate(datelines, start=1)
        ]
    )
    [digest] = await bot.send("/digest", user_id=READER)
    leads = [line for line in digest.split("\n") if line.startswith(("Engineers", "Iraq", "5 "))]
    assert (
        leads == ["Engineers said on Friday that the barriers along the Tigris held overnight."] * 3
    )


async def test_a_digest_item_of_a_headline_alone_shows_it_once(bot: Harness) -> None:
    # A one-line flash: its lead was the headline again, under the headline.
    assert await bot.send("/add Floods kill twelve in valley", user_id=EDITOR) == [
        "Saved #1: Floods kill twelve in valley (2026-11-25)"
    ]
    assert await bot.send("/digest", user_id=READER) == [
        "<b>Digest</b> · 1 new article in the last 24 hours, newest first\n\n"
        "<b>Floods kill twelve in valley</b>\n2026-11-25 · /read_1"
    ]
