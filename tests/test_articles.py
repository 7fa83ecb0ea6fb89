"""Keeping articles: every way in, editors only, once."""

from __future__ import annotations

import json

from bot.articles.building import ImportRecord
from bot.telegram.updates import GROUP
from tests.conftest import CHANNEL, EDITOR, READER, Harness, seed_text

SEED_HEADLINE = (
    "US-backed forces in Syria have breached the wall surrounding the Old City of Raqa as they "
    "try to retake the…"
)


BOTH_BACKENDS = True  # storage and delivery run on SQLite and PostgreSQL


async def test_editor_private_message_is_saved_with_date_and_no_photo_credit(bot: Harness) -> None:
    # The only "(Source: Reuters)" credits the photo in the caption: the story has no source.
    replies = await bot.send(seed_text(), user_id=EDITOR)
    assert replies == [f"Saved #1: {SEED_HEADLINE} (2017-07-04)"]
    article = await bot.services.archive.articles.get(1)
    assert article is not None
    # The photo caption printed twice is kept once.
    assert article.text.count("FILE PHOTO") == 1
    assert article.text.endswith("still trapped in the city.")


async def test_same_article_twice_is_stored_once(bot: Harness) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    again = seed_text().upper().replace("\n\n", "\n  \n")
    replies = await bot.send(again, user_id=EDITOR)
    assert replies == [f"Already in the archive as #1: {SEED_HEADLINE} — /read_1"]
    assert (await bot.services.archive.articles.stats()).articles == 1


async def test_non_editor_is_refused_and_nothing_is_stored(bot: Harness) -> None:
    replies = await bot.send(seed_text(), user_id=READER)
    assert replies == [
        "Sorry, only the newsroom's editors can add or change articles. "
        "You can ask me anything about the archive, though."
    ]
    assert (await bot.services.archive.articles.stats()).articles == 0


async def test_add_in_reply_to_a_group_message(bot: Harness) -> None:
    group = -100777
    await bot.send(
        "Aleppo market reopens\nTraders returned to the old souk on Monday after years of war.",
        user_id=READER,
        chat_id=group,
        chat_type=GROUP,
    )
    original = bot.updates.last_message()
    replies = await bot.send(
        "/add", user_id=EDITOR, chat_id=group, chat_type=GROUP, reply_to=original
    )
    date = bot.clock.now().date().isoformat()
    assert replies == [f"Saved #1: Aleppo market reopens ({date})"]


async def test_add_command_with_text_and_without(bot: Harness) -> None:
    assert await bot.send("/add", user_id=EDITOR) == [
        "Usage: /add &lt;article text&gt;, or reply /add to the message that holds the article."
    ]
    replies = await bot.send(
        "/add date 2020-01-02 Floods in Deir ez-Zor\nThe Euphrates burst its banks. (Source: SANA)",
        user_id=EDITOR,
    )
    assert replies == ["Saved #1: Floods in Deir ez-Zor (2020-01-02, SANA)"]
    # A word or two is no article, and the refusal says so rather than "there is no text".
    too_short = (
        "That is too short to keep as an article: an article has at least a sentence of text "
        "besides its headline."
    )
    assert await bot.send("/add short", user_id=EDITOR) == [too_short]
    report = await bot.services.archive.import_records([ImportRecord(text="hello")])
    assert report.added == 0 and str(report.rejected[0]).endswith(too_short), report


async def test_a_dateline_on_its_own_line_is_not_the_headline(bot: Harness) -> None:
    # Pages copied without their headline often open with the dateline alone ("CNN —"): the
    # headline is then the first sentence, not the place and outlet.
    replies = await bot.send(
        "/add New York CNN Business —\n\nSpirit Airlines and Frontier Airlines plan to merge. "
        "The deal would create the fifth-largest airline in the United States.",
        user_id=EDITOR,
    )
    date = bot.clock.now().date().isoformat()
    assert replies == [f"Saved #1: Spirit Airlines and Frontier Airlines plan to merge. ({date})"]


async def test_forwarded_post_keeps_its_channel_as_source(bot: Harness) -> None:
    replies = await bot.send(
        "Ceasefire holds in Idlib\nNo violations were reported overnight, monitors said.",
        user_id=EDITOR,
        forward_from_channel="Syria Wire",
    )
    date = bot.clock.now().date().isoformat()
    assert replies == [f"Saved #1: Ceasefire holds in Idlib ({date}, Syria Wire)"]


async def test_channel_post_is_archived_and_its_edit_updates_it(bot: Harness) -> None:
    post = bot.updates.channel_post(
        "Dam talks resume\nEngineers met in Tabqa to discuss repairs to the dam.",
        chat_id=CHANNEL,
        message_id=55,
    )
    assert await bot.process(post) == []  # nothing is posted back into the channel
    edit = bot.updates.channel_post(
        "Dam talks resume in Tabqa\nEngineers met in Tabqa to discuss urgent repairs to the dam.",
        chat_id=CHANNEL,
        message_id=55,
        edited=True,
    )
    await bot.process(edit)
    article = await bot.services.archive.articles.get(1)
    assert article is not None
    assert (article.title, article.source) == ("Dam talks resume in Tabqa", "Newsroom wire")
    answers = await bot.services.questions.ask("urgent repairs")
    assert [h.article.id for h in answers.hits] == [1]


async def test_post_in_an_unknown_channel_is_ignored(bot: Harness) -> None:
    post = bot.updates.channel_post(
        "Some channel text that is long enough to keep.", chat_id=-100999
    )
    assert await bot.process(post) == []
    assert (await bot.services.archive.articles.stats()).articles == 0


async def test_text_file_and_html_file(bot: Harness) -> None:
    file_id, _ = bot.fake.add_file(seed_text().encode())
    replies = await bot.send(user_id=EDITOR, document=(file_id, "raqqa.txt", 2273))
    assert replies == [f"Saved #1: {SEED_HEADLINE} (2017-07-04)"]
    page = (
        b"<html><head><script>x()</script></head><body><h1>Port of Tartus expands</h1>"
        b"<p>Russia will lease the port for 49 years &amp; expand it.</p></body></html>"
    )
    file_id, _ = bot.fake.add_file(page)
    replies = await bot.send(user_id=EDITOR, document=(file_id, "tartus.html", len(page)))
    date = bot.clock.now().date().isoformat()
    assert replies == [f"Saved #2: Port of Tartus expands ({date})"]


async def test_jsonl_file_imports_many_and_reports_bad_lines(bot: Harness) -> None:
    lines = [
        json.dumps(
            {
                "id": "a1",
                "title": "One",
                "text": "The first article text is here.",
                "date": "2018-03-01",
                "source": "SANA",
            }
        ),
        "{not json",
        json.dumps(
            {
                "id": "a2",
                "title": "Two",
                "text": "The second article text is here.",
                "date": "2018-03-02",
            }
        ),
        json.dumps(["a list"]),
    ]
    data = "\n".join(lines).encode()
    file_id, _ = bot.fake.add_file(data)
    replies = await bot.send(user_id=EDITOR, document=(file_id, "batch.jsonl", len(data)))
    assert replies == [
        "Imported 2 articles from batch.jsonl.\n2 lines were not article objects (lines 2, 4)."
    ]
    one = await bot.services.archive.articles.get(1)
    assert one is not None
    assert (one.external_id, one.title, one.published.isoformat(), one.source) == (
        "a1",
        "One",
        "2018-03-01",
        "SANA",
    )


async def test_a_jsonl_file_of_no_line_says_what_it_should_hold(bot: Harness) -> None:
    # It was "Imported 0 articles from empty.jsonl."
    for data in (b"", b"\n  \n"):
        file_id, _ = bot.fake.add_file(data)
        assert await bot.send(user_id=EDITOR, document=(file_id, "empty.jsonl", len(data))) == [
            "There is no article in empty.jsonl: a .jsonl file holds one article a line, as "
            "JSON with its text."
        ]
    assert (await bot.services.archive.articles.stats()).articles == 0


async def test_text_files_in_windows_encodings_are_read(bot: Harness) -> None:
    # Notepad's "Unicode" (UTF-16 with its mark) was "binary, not text"; Windows-1251 and
    # Latin-1 were "not valid UTF-8 text (bad byte at position 16)".
    russian = "Шойгу заявил о наступлении\n\nМинистр обороны заявил, что войска наступают."
    french = "Réforme des retraites\n\nLe gouvernement a présenté mardi une réforme très attendue."
    files = {
        "notepad.txt": "Floods kill twelve\n\nFloods killed twelve on Monday.".encode("utf-16"),
        "moscow.txt": russian.encode("cp1251"),
        "paris.md": french.encode("latin-1"),
    }
    replies = []
    for name, data in files.items():
        file_id, _ = bot.fake.add_file(data)
        replies += await bot.send(user_id=EDITOR, document=(file_id, name, len(data)))
    day = bot.clock.now().date().isoformat()
    assert replies == [
        f"Saved #1: Floods kill twelve ({day})",
        f"Saved #2: Шойгу заявил о наступлении ({day})",
        f"Saved #3: Réforme des retraites ({day})",
    ]
    moscow = await bot.services.archive.articles.get(2)
    assert moscow is not None
    assert moscow.text == russian


async def test_binary_and_oversized_files_are_refused(bot: Harness) -> None:
    file_id, _ = bot.fake.add_file(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert await bot.send(user_id=EDITOR, document=(file_id, "photo.txt", 11)) == [
        "That file is binary, not text."
    ]
    file_id, _ = bot.fake.add_file(b"\xff\xfe broken")
    assert await bot.send(user_id=EDITOR, document=(file_id, "latin.md", 9)) == [
        "That file is not valid UTF-8 text (bad byte at position 0)."
    ]
    assert await bot.send(user_id=EDITOR, document=("nofile", "huge.txt", 30_000_000)) == [
        "That file is too big (28.7 MB; the limit is 20 MB)."
    ]
    assert (await bot.services.archive.articles.stats()).articles == 0


async def test_an_editor_s_edit_of_an_article_message_updates_the_article(bot: Harness) -> None:
    sent = bot.updates.message(
        "date 2026-11-20\nDam talks collapse\n\nNegotiators left the talks on the Tabqa dam "
        "on Fridy.\n\nBoth sides blamed the other.",
        user_id=EDITOR,
    )
    assert await bot.process(sent) == ["Saved #1: Dam talks collapse (2026-11-20)"]
    fixed = bot.updates.message(
        "date 2026-11-20\nDam talks collapse\n\nNegotiators left the talks on the Tabqa dam "
        "on Friday.\n\nBoth sides blamed the other.",
        user_id=EDITOR,
        edit_of=sent.message.message_id,
    )
    assert await bot.process(fixed) == ["Edited #1: Dam talks collapse"]
    article = await bot.services.archive.get(1)
    assert article is not None and "on Friday." in article.text and "Fridy" not in article.text
    assert [(e.action, e.article_id) for e in await bot.services.audit.recent(limit=1)] == [
        ("edit", 1)
    ]
    # An edited question, or a reader's edit, changes nothing and gets no reply.
    question = bot.updates.message("dam talks?", user_id=EDITOR)
    await bot.process(question)
    edited = bot.updates.message(
        "Tabqa talks?", user_id=EDITOR, edit_of=question.message.message_id
    )
    assert await bot.process(edited) == []
    mine = bot.updates.message("dam?", user_id=READER)
    await bot.process(mine)
    assert (
        await bot.process(bot.updates.message("x", user_id=READER, edit_of=mine.message.message_id))
        == []
    )
    # An edit the archive cannot take was dropped without a word, as if it had been saved.
    cut = bot.updates.message("Dam talks", user_id=EDITOR, edit_of=sent.message.message_id)
    assert await bot.process(cut) == [
        "The edit was not saved: article #1 keeps its earlier text. That is too short to keep "
        "as an article: an article has at least a sentence of text besides its headline."
    ]
    article = await bot.services.archive.get(1)
    assert article is not None and "on Friday." in article.text


async def test_stats_count_one_source_and_one_chat_in_the_singular(bot: Harness) -> None:
    await bot.send("date 2026-11-20\n" + seed_text() + "\n(Source: Reuters)", user_id=EDITOR)
    await bot.send("/subscribe 08:00", user_id=READER)
    assert await bot.send("/stats", user_id=EDITOR) == [
        "Articles: 1 from 1 source (0 deleted)\nSubscriptions: 1 in 1 chat\n"
        "Digests sent: 0; waiting: 0"
    ]


async def test_delete_and_stats_for_editors_only(bot: Harness) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    assert await bot.send("/stats", user_id=EDITOR) == [
        "Articles: 1 from 0 sources (0 deleted)\nSubscriptions: 0 in 0 chats\n"
        "Digests sent: 0; waiting: 0"
    ]
    assert await bot.send("/delete 1", user_id=READER) == [
        "Sorry, only the newsroom's editors can add or change articles. "
        "You can ask me anything about the archive, though."
    ]
    assert await bot.send("/delete 1", user_id=EDITOR) == [
        f"Delete #1: {SEED_HEADLINE}?\nAn editor can /restore it within 30 days."
    ]
    confirm = bot.fake.sent[-1]
    assert await bot.process(bot.updates.callback("delete:1", confirm, user_id=EDITOR)) == [
        f"Deleted #1: {SEED_HEADLINE}\n/restore 1 brings it back within 30 days."
    ]
    answers = await bot.services.questions.ask("civilians trapped in Raqqa")
    assert answers.hits == ()
    assert await bot.send("/read_1", user_id=READER) == ["Article #1 was deleted."]


async def test_many_articles_read_at_once_are_those_read_one_by_one(bot: Harness) -> None:
    # get_many has a fast path per database (SQLite's reader connection, PostgreSQL's
    # driver): each must give what the ORM's `get` gives, the backfill mark included.
    [saved] = await bot.send(seed_text(), user_id=EDITOR)
    assert saved.startswith("Saved #1")
    await bot.services.archive.import_records(
        [ImportRecord("Food runs out in besieged Raqqa districts, residents say. " * 3)]
    )
    store = bot.services.archive.articles
    one_by_one = {n: await store.get(n) for n in (1, 2)}
    assert await store.get_many([2, 1, 3]) == one_by_one
    assert [one_by_one[n].backfill for n in (1, 2)] == [False, True]  # type: ignore[union-attr]
