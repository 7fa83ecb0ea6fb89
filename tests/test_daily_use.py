"""A day of use as a new subscriber sees it (issue 13): digests, /subscribe and /timezone."""

from __future__ import annotations

import datetime as dt
import hashlib

from bot.articles.archive import ImportRecord
from tests.conftest import EDITOR, READER, Harness
from tests.test_digests import run_digest_job

HOUR = dt.timedelta(hours=1)


WORDS = [
    "harbour",
    "wheat",
    "council",
    "drought",
    "bakery",
    "tunnel",
    "orchard",
    "ferry",
    "quarry",
    "clinic",
    "railway",
    "garrison",
    "vineyard",
    "glacier",
    "textile",
    "lantern",
    "mosaic",
    "archive",
    "festival",
    "pipeline",
    "cathedral",
    "reservoir",
    "printing",
    "copper",
    "mill",
    "tannery",
    "observatory",
    "lighthouse",
    "monastery",
    "caravan",
    "granary",
    "aqueduct",
    "sawmill",
    "brewery",
    "foundry",
    "dockyard",
    "hospital",
    "stadium",
    "refinery",
    "library",
    "ministry",
    "courthouse",
]


def story(title: str, date: str | None = None) -> str:
    """An article as an editor sends it in a message (long enough to be one).

    Each title gets its own words, so that different titles make different stories (digests
    show one item per story).
    """
    seed = int(hashlib.sha256(title.encode()).hexdigest(), 16)
    words = [WORDS[(seed >> (6 * n)) % len(WORDS)] for n in range(24)]
    first = f"date {date}\n" if date else ""
    return f"{first}{title}\nOfficials said that {title.lower()}. " + " ".join(
        f"The {a} near the {b} and the {c} were part of it, said a {d} worker."
        for a, b, c, d in zip(words[0::4], words[1::4], words[2::4], words[3::4], strict=True)
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
    # A topic digest with nothing says which it is (a chat may have several).
    assert await bot.send("/digest schools", user_id=READER) == [
        "Nothing new on schools in the last 24 hours."
    ]
    bot.clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    await run_digest_job(bot)
    assert await bot.send("/digest", user_id=READER) == ["Nothing new since your last digest."]


async def import_dated(bot: Harness, *dated: tuple[str, str]) -> None:
    records = [ImportRecord(text=story(title), title=title, date=date) for title, date in dated]
    report = await bot.services.archive.import_records(records)
    assert report.added == len(records)


async def test_digest_with_nothing_new_names_the_archive_s_newest_date(bot: Harness) -> None:
    bot.clock.set(dt.datetime(2026, 11, 25, 6, 0, tzinfo=dt.UTC))
    assert await bot.send("/digest", user_id=READER) == [
        "Nothing new in the last 24 hours.\n"
        "The archive is empty: send me an article, a link or a file."
    ]
    await import_dated(bot, ("Raqqa siege", "2017-07-04"), ("Manbij talks", "2016-06-14"))
    # Imported today, but dated years ago: backfill, not news, and the reply says where to look.
    assert await bot.send("/digest", user_id=READER) == [
        "Nothing new in the last 24 hours.\n"
        "The newest article in the archive is dated 2017-07-04: ask me a question to search it."
    ]
    [russian] = await bot.send("/digest", user_id=READER, language_code="ru")
    assert "2017-07-04" in russian and "статья" in russian


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
    replies = await bot.send("/digest dam", user_id=READER)
    assert replies[0].startswith(
        "<b>Digest</b> · 2 new articles on dam (of 3 in the last 24 hours), most relevant first"
    )
    assert "Talks near the dam" in replies[0] and "Euphrates dam" in replies[0]
    assert "Schools reopen" not in replies[0]


async def test_subscribe_reads_times_as_people_type_them(bot: Harness) -> None:
    expected = {
        "/subscribe 8am Idlib": "08:00 UTC — Idlib",
        "/subscribe 8:30pm": "20:30 UTC — everything",
        "/subscribe 20.30 dam": "20:30 UTC — dam",
        "/subscribe 8h aleppo": "08:00 UTC — aleppo",
        "/subscribe 7 pm raqqa": "19:00 UTC — raqqa",
        "/subscribe 0730 manbij": "07:30 UTC — manbij",
        "/subscribe noon": "12:00 UTC — everything",
        "/subscribe midnight homs": "00:00 UTC — homs",
        # Without a leading zero four digits may be a year: a topic word, as typed.
        "/subscribe 2017 raqqa": "08:00 UTC — 2017 raqqa",
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
        # Stored as POSIX's Etc/GMT-3 (three hours east), said as a reader names it.
        "UTC+3": "UTC+3",
        "utc-5": "UTC-5",
        "UTC+0": "UTC",
        "asia/damascus": "Asia/Damascus",
    }
    for name, zone in found.items():
        assert await bot.send(f"/timezone {name}", user_id=READER) == [
            f"Time zone set to {zone}; digests follow it from now on."
        ]
    await bot.send("/timezone UTC+3", user_id=READER)
    assert await bot.services.digest_subscriptions.timezone(READER) == "Etc/GMT-3"
    assert (await bot.send("/timezone", user_id=READER))[0].startswith(
        "This chat's time zone is UTC+3."
    )
    assert (
        "08:00 UTC+3"
        in (await bot.send("/subscribe 08:00", user_id=READER))[0]
        + (await bot.send("/subscriptions", user_id=READER))[0]
    )
    # A typo in a zone's city had a suggestion, and the same in its Area/City had none.
    for typed in ("Beiruth", "Asia/Beiruth"):
        assert await bot.send(f"/timezone {typed}", user_id=READER) == [
            f"“{typed}” is not a time zone I know. Did you mean: Asia/Beirut?\n"
            "Usage: /timezone &lt;city or Area/City&gt;, for example /timezone Beirut or "
            "/timezone UTC+3"
        ]


async def test_timezone_knows_a_city_by_its_name_in_the_newsrooms_languages(
    bot: Harness,
) -> None:
    # "Moskva" (Russian's name in Latin letters) was "not a time zone I know" with no
    # suggestion; "Москва", "Moscou", "مسکو", "Le Caire", "Pékin" likewise or a guess.
    found = {
        "Moskva": "Europe/Moscow",
        "Москва": "Europe/Moscow",
        "Moscou": "Europe/Moscow",
        "مسکو": "Europe/Moscow",
        "Tegeran": "Asia/Tehran",
        "Téhéran": "Asia/Tehran",
        "تهران": "Asia/Tehran",
        "طهران": "Asia/Tehran",
        "Tehrān": "Asia/Tehran",
        "Beyrouth": "Asia/Beirut",
        "بيروت": "Asia/Beirut",
        "Le Caire": "Africa/Cairo",
        "القاهرة": "Africa/Cairo",
        "Pékin": "Asia/Shanghai",
        "Beijing": "Asia/Shanghai",
        "New Delhi": "Asia/Kolkata",
        "Sao Paulo": "America/Sao_Paulo",
    }
    for name, zone in found.items():
        assert await bot.send(f"/timezone {name}", user_id=READER) == [
            f"Time zone set to {zone}; digests follow it from now on."
        ], name


QUESTION = (
    "Can you find reports about the chemical attack in Khan Shaykhun, Idlib province, "
    "including any statements by the World Health Organization, by local doctors or by the "
    "investigators, and anything about the victims, the survivors and the hospitals that "
    "treated them in the days after the attack?"
)
EITHER = (
    "Why did the dam talks fail\n"
    "Negotiators left the table on Monday after the two sides could not agree on the water "
    "share, officials said. The talks are to resume next month, according to a statement "
    "released by the mediators, who called the round constructive despite the outcome."
)


async def test_an_editors_long_question_is_answered_not_saved(bot: Harness) -> None:
    await send_article(bot, "Chemical attack in Khan Shaykhun")
    assert len(QUESTION) >= 280
    replies = await bot.send(QUESTION, user_id=EDITOR)
    assert not replies[0].startswith("Saved"), replies
    assert "Chemical attack in Khan Shaykhun" in replies[0]
    assert (await bot.services.archive.stats()).articles == 1


async def test_a_message_that_could_be_either_asks_with_two_buttons(bot: Harness) -> None:
    assert await bot.send(EITHER, user_id=EDITOR) == [
        "Is this an article to save, or a question to answer?"
    ]
    asking = bot.fake.sent[-1]
    assert asking.buttons == ["as:article", "as:question"]
    labels = asking.params["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in labels] == ["Save as article", "Ask as question"]
    saved = await bot.process(bot.updates.callback("as:article", asking, user_id=EDITOR))
    assert saved[0].startswith("Saved #1: Why did the dam talks fail")
    assert bot.fake.last("editMessageReplyMarkup")["message_id"] == asking.message_id

    await bot.send(EITHER.replace("Monday", "Tuesday"), user_id=EDITOR)
    answered = await bot.process(
        bot.updates.callback("as:question", bot.fake.sent[-1], user_id=EDITOR)
    )
    assert "Why did the dam talks fail" in answered[0] and "/read_1" in answered[0]
    assert (await bot.services.archive.stats()).articles == 1
    # A reader's message of that kind is a question: readers cannot save articles.
    replies = await bot.send(EITHER.replace("Monday", "Friday"), user_id=READER)
    assert "/read_1" in replies[0]


async def test_reading_a_deleted_article_says_so_and_how_to_restore_it(bot: Harness) -> None:
    await send_article(bot, "Dam repairs start")
    await bot.send("/delete 1", user_id=EDITOR)
    await bot.process(bot.updates.callback("delete:1", bot.fake.sent[-1]))
    assert await bot.send("/read_1", user_id=EDITOR) == [
        "Article #1 was deleted. /restore 1 brings it back (within 30 days of deleting)."
    ]
    assert await bot.send("/read 1", user_id=READER) == ["Article #1 was deleted."]
    assert await bot.send("/read_2", user_id=READER) == ["There is no article #2 in the archive."]
    # Deleting, editing or relabelling it again said "There is no article #1 in the archive."
    for command in ("/delete 1", f"/edit 1 {story('Dam repairs end')}", "/lang 1 fr"):
        assert await bot.send(command, user_id=EDITOR) == [
            "Article #1 was deleted. /restore 1 brings it back (within 30 days of deleting)."
        ], command
    assert await bot.send("/delete 2", user_id=EDITOR) == ["There is no article #2 in the archive."]


async def test_a_date_line_that_is_not_first_is_reported(bot: Harness) -> None:
    text = story("Dam repairs start").replace("\n", "\ndate 2017-07-04\n", 1)
    replies = await bot.send(text, user_id=EDITOR)
    assert replies[0].endswith(
        "\n“date 2017-07-04” is not the first line, so it does not set the date."
    )
    assert "2026-11-25" in replies[0]
    # A first line that is an unreadable date was the headline: "Saved #2: date 4 July".
    for number, line, title in (
        (2, "date 4 July", "Schools reopen"),
        (3, "date 2017-02-30", "Roads reopen"),
    ):
        replies = await bot.send(f"{line}\n{story(title)}", user_id=EDITOR)
        assert replies == [
            f"Saved #{number}: {title} (2026-11-25)\n"
            f"“{line}” is not a date I can read (use date YYYY-MM-DD)."
        ]


async def test_mojibake_is_repaired_on_every_import(bot: Harness) -> None:
    broken = (
        "Airstrikes kill 4 in Syria \ufffd_truce zone\ufffd_ \ufffd_ monitor\n"
        "Syria\ufffd_s government said the â€œtruce zoneâ€\x9d held, a monitor said on Monday, "
        "while residents described strikes on the market and the hospital near the old city."
    )
    replies = await bot.send(broken, user_id=EDITOR)
    assert replies[0].startswith('Saved #1: Airstrikes kill 4 in Syria "truce zone" – monitor')
    article = await bot.services.archive.get(1)
    assert article is not None and "\ufffd" not in article.text and "â€" not in article.text
    assert '\n\nSyria\'s government said the "truce zone" held' in article.text
    records = [ImportRecord(text=broken.replace("Monday", "Tuesday"), title="Syria\ufffd_s truce")]
    await bot.services.archive.import_records(records)
    imported = await bot.services.archive.get(2)
    assert imported is not None and imported.title == "Syria's truce"


async def test_a_mistyped_read_shortcut_says_how_to_write_it(bot: Harness) -> None:
    # "/read_abc" got "I don't know that command; /help lists the ones I do.", which said
    # nothing of the /read_N an answer shows, and "/READ_1" the same, though /READ 1 worked.
    await send_article(bot, "Dam repairs start")
    how = (
        "type /read_ followed by the article's number as an answer shows it, for example /read_42."
    )
    for typed in ("/read_abc", "/read_", "/read_-1", "/read_1x", "/READ_abc", "/read_<b>x"):
        shown = typed.replace("<", "&lt;").replace(">", "&gt;")
        assert await bot.send(typed, user_id=READER) == [f"“{shown}” names no article: {how}"]
    assert await bot.send(f"/read_{'x' * 60}", user_id=READER) == [
        f"“/read_{'x' * 33}…” names no article: {how}"
    ]
    assert (await bot.send("/READ_1", user_id=READER))[0].startswith("<b>Dam repairs start</b>")
    assert await bot.send("/read_abc", user_id=READER, language_code="ru") == [
        "«/read_abc» — не номер статьи: наберите /read_ и номер статьи, как его показывает "
        "ответ, например /read_42."
    ]
