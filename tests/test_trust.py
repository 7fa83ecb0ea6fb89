"""Who may do what: editors from settings and newsroom chats, confirmed deletes, the audit log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.telegram.updates import GROUP
from tests.conftest import EDITOR, READER, Harness, make_settings, seed_text, start_bot, stop_bot

NEWSROOM = -100555
REFUSAL = (
    "Sorry, only the newsroom's editors can add or change articles. "
    "You can ask me anything about the archive, though."
)
# ... and for the editors' views, which change nothing.
VIEW_REFUSAL = (
    "Sorry, only the newsroom's editors can use that command. "
    "You can ask me anything about the archive, though."
)
SEED_HEADLINE = (
    "US-backed forces in Syria have breached the wall surrounding the Old City of Raqa as they "
    "try to retake the…"
)


async def _delete(bot: Harness, number: int) -> list[str]:
    await bot.send(f"/delete {number}", user_id=EDITOR)
    return await bot.process(bot.updates.callback(f"delete:{number}", bot.fake.sent[-1]))


async def test_admins_of_newsroom_chats_are_editors_with_a_cached_list(
    tmp_path: Path, clock: ManualClock
) -> None:
    settings = make_settings(tmp_path, newsroom_chat_ids=frozenset({NEWSROOM}))
    bot = await start_bot(settings, clock)
    try:
        bot.fake.chat_members[(NEWSROOM, 3003)] = "administrator"
        assert await bot.send("/stats", user_id=4004) == [VIEW_REFUSAL]
        replies = await bot.send("/stats", user_id=3003)
        assert replies == [
            "Articles: 0 from 0 sources (0 deleted)\nSubscriptions: 0 in 0 chats\n"
            "Digests sent: 0; waiting: 0"
        ]
        calls = [name for name, _ in bot.fake.calls if name == "getChatAdministrators"]
        assert calls == ["getChatAdministrators"]  # the second question used the cache
        # Demoted: still an editor until the cache expires, then not.
        del bot.fake.chat_members[(NEWSROOM, 3003)]
        assert len(await bot.send("/stats", user_id=3003)) == 1
        clock.advance(dt.timedelta(seconds=301))
        assert await bot.send("/stats", user_id=3003) == [VIEW_REFUSAL]
        # EDITOR_IDS never needs Telegram.
        before = len(bot.fake.calls)
        await bot.send("/audit", user_id=EDITOR)
        assert [n for n, _ in bot.fake.calls[before:]] == ["sendMessage"]
    finally:
        await stop_bot(bot)


async def test_delete_asks_first_and_only_editors_may_confirm(bot: Harness) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    assert await bot.send("/delete 1", user_id=EDITOR) == [
        f"Delete #1: {SEED_HEADLINE}?\nAn editor can /restore it within 30 days."
    ]
    confirm = bot.fake.sent[-1]
    assert confirm.buttons == ["delete:1", "delete:keep"]
    await bot.process(bot.updates.callback("delete:1", confirm, user_id=READER))
    assert bot.fake.last("answerCallbackQuery")["text"] == (
        "Only the newsroom's editors can delete articles."
    )
    assert await bot.services.archive.articles.get(1) is not None
    assert await bot.process(bot.updates.callback("delete:keep", confirm)) == [
        "Nothing was deleted."
    ]
    assert await bot.services.archive.articles.get(1) is not None
    assert await bot.send("/delete 7", user_id=EDITOR) == ["There is no article #7 in the archive."]
    assert await bot.send("/delete x", user_id=EDITOR) == [
        "Usage: /delete &lt;article number&gt;, for example /delete 42"
    ]


async def test_deleted_article_leaves_answers_and_digests_and_can_be_restored(
    bot: Harness,
) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    assert len((await bot.services.questions.ask("civilians trapped in Raqqa")).hits) == 1
    assert await _delete(bot, 1) == [
        f"Deleted #1: {SEED_HEADLINE}\n/restore 1 brings it back within 30 days."
    ]
    assert (await bot.services.questions.ask("civilians trapped in Raqqa")).hits == ()
    digest = await bot.services.digests.on_demand(READER, "")
    assert all("Raqa" not in part for part in digest)
    assert await bot.send("/restore 1", user_id=READER) == [REFUSAL]
    assert await bot.send("/restore 1", user_id=EDITOR) == [f"Restored #1: {SEED_HEADLINE}"]
    assert len((await bot.services.questions.ask("civilians trapped in Raqqa")).hits) == 1
    assert await bot.send("/restore 1", user_id=EDITOR) == ["Article #1 was not deleted."]
    assert await bot.send("/restore 9", user_id=EDITOR) == ["There is no deleted article #9."]
    # Deleted, then the same text added again: restoring would make a duplicate.
    await _delete(bot, 1)
    await bot.send(seed_text(), user_id=EDITOR)
    assert await bot.send("/restore 1", user_id=EDITOR) == [
        "The same text is in the archive again as #2; nothing to restore."
    ]


async def test_restore_window_is_30_days(bot: Harness) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    await _delete(bot, 1)
    bot.clock.advance(dt.timedelta(days=30, seconds=1))
    assert await bot.send("/restore 1", user_id=EDITOR) == [
        "Article #1 was deleted more than 30 days ago; it stays gone."
    ]
    assert (await bot.services.questions.ask("civilians trapped in Raqqa")).hits == ()


async def test_audit_log_names_who_did_what_and_when(bot: Harness) -> None:
    assert await bot.send("/audit", user_id=EDITOR) == ["The audit log is empty."]
    await bot.send(seed_text(), user_id=EDITOR)
    bot.clock.advance(dt.timedelta(minutes=5))
    await _delete(bot, 1)
    await bot.send("/restore 1", user_id=EDITOR)
    await bot.send("/subscribe 07:30 raqqa", user_id=READER)
    await bot.send("/unsubscribe all", user_id=READER)
    group = -100777
    bot.fake.chat_members[(group, EDITOR)] = "administrator"
    await bot.send("/subscribe 09:00", user_id=EDITOR, chat_id=group, chat_type=GROUP)
    assert await bot.send("/audit", user_id=READER) == [VIEW_REFUSAL]
    assert await bot.send("/audit", user_id=EDITOR) == [
        "Last 6 changes, newest first:\n"
        "2026-11-25 06:05 user 1001 subscribe: 09:00\n"
        "2026-11-25 06:05 user 2002 unsubscribe: 1 removed (all)\n"
        "2026-11-25 06:05 user 2002 subscribe: 07:30 raqqa\n"
        f"2026-11-25 06:05 user 1001 restore #1: {SEED_HEADLINE[:80]}\n"
        f"2026-11-25 06:05 user 1001 delete #1: {SEED_HEADLINE[:80]}\n"
        f"2026-11-25 06:00 user 1001 add #1: {SEED_HEADLINE[:80]}"
    ]
    entries = await bot.services.audit.recent(1)
    assert (entries[0].actor_id, entries[0].chat_id) == (EDITOR, group)


async def test_channel_posts_are_audited_as_the_channel(bot: Harness) -> None:
    from tests.conftest import CHANNEL

    await bot.process(bot.updates.channel_post(seed_text(), chat_id=CHANNEL, message_id=5))
    entries = await bot.services.audit.recent()
    assert [(e.action, e.actor_id, e.chat_id, e.article_id) for e in entries] == [
        ("add", None, CHANNEL, 1)
    ]


async def test_editor_edits_an_article_and_the_audit_log_says_so(bot: Harness) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    new_text = (
        "Raqqa update\n\nThe wall of the Old City of Raqqa was breached in two places, "
        "the coalition said on Tuesday."
    )
    assert await bot.send(f"/edit 1 {new_text}", user_id=READER) == [REFUSAL]
    assert await bot.send(f"/edit 1 {new_text}", user_id=EDITOR) == ["Edited #1: Raqqa update"]
    article = await bot.services.archive.articles.get(1)
    assert article is not None and article.text.startswith("Raqqa update")
    hits = (await bot.services.questions.ask("wall breached in two places")).hits
    assert [h.article.id for h in hits] == [1]
    assert await bot.send("/edit 1", user_id=EDITOR) == [
        "Usage: /edit &lt;n&gt; &lt;new article text&gt;, or reply /edit &lt;n&gt; to the "
        "message that holds it."
    ]
    assert await bot.send(f"/edit 9 {new_text}", user_id=EDITOR) == [
        "There is no article #9 in the archive."
    ]
    entries = await bot.services.audit.recent(1)
    assert [(e.action, e.actor_id, e.article_id, e.detail) for e in entries] == [
        ("edit", EDITOR, 1, "Raqqa update")
    ]


async def test_unreachable_newsroom_chat_means_not_an_editor_and_no_crash(
    tmp_path: Path, clock: ManualClock
) -> None:
    from bot.telegram.offline import Failure

    settings = make_settings(tmp_path, newsroom_chat_ids=frozenset({NEWSROOM}))
    bot = await start_bot(settings, clock)
    try:
        bot.fake.chat_members[(NEWSROOM, 3003)] = "administrator"
        bot.fake.fail_next(NEWSROOM, Failure(400, "Bad Request: chat not found"))
        assert await bot.send("/stats", user_id=3003) == [VIEW_REFUSAL]
        # The failure was not cached: the next check asks again and succeeds.
        assert (await bot.send("/stats", user_id=3003))[0].startswith("Articles: 0")
    finally:
        await stop_bot(bot)


async def _purge(bot: Harness) -> None:
    [job] = bot.app.job_queue.get_jobs_by_name("tombstones:purge")
    await job.run(bot.app)


async def test_deleted_words_are_erased_once_they_can_no_longer_be_restored(
    bot: Harness,
) -> None:
    second = "Mosul dam repairs resume\n\nEngineers resumed grouting work at the Mosul dam."
    await bot.send(seed_text(), user_id=EDITOR)
    assert (await bot.send(f"/add {second}", user_id=EDITOR))[0].startswith("Saved #2: ")
    await _delete(bot, 1)
    bot.clock.advance(dt.timedelta(days=2))
    await _delete(bot, 2)
    bot.clock.advance(dt.timedelta(days=28, seconds=1))  # #1 deleted 30 days ago, #2 28 days
    await _purge(bot)
    assert await bot.services.archive.articles.deleted_text(1) == ""
    assert await bot.services.archive.articles.deleted_text(2) == second
    assert await bot.send("/restore 1", user_id=EDITOR) == [
        "Article #1 was deleted more than 30 days ago; it stays gone."
    ]
    assert await bot.send("/restore 2", user_id=EDITOR) == ["Restored #2: Mosul dam repairs resume"]
    assert (await bot.send("/audit", user_id=EDITOR))[0].splitlines()[1:3] == [
        "2026-12-25 06:00 user 1001 restore #2: Mosul dam repairs resume",
        "2026-12-25 06:00 system purge: 1 article deleted over 30 days ago",
    ]
    # Nothing left to erase: the next run records nothing.
    await _purge(bot)
    assert [e.action for e in await bot.services.audit.recent(1)] == ["restore"]
    # The same words can be added again, as a new article.
    assert (await bot.send(seed_text(), user_id=EDITOR))[0].startswith("Saved #3: ")


GROUP_ID = -100777
EDITOR_ONLY = [
    "/add {seed}",
    "/edit 1 {seed}",
    "/delete 1",
    "/restore 1",
    "/audit",
    "/stats",
    "{seed}",
]


@pytest.mark.parametrize("where", ["private", "group where they are an admin"])
@pytest.mark.parametrize("command", EDITOR_ONLY)
async def test_others_are_refused_every_editor_action_and_nothing_changes(
    bot: Harness, command: str, where: str
) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    await bot.send("/delete 1", user_id=EDITOR)  # a pending confirmation, left alone
    text = command.format(seed=seed_text() + "\n\nChanged by an intruder.")
    if where == "private":
        answer = await bot.send(text, user_id=READER)
    else:
        # Admins of any group are not editors: only admins of NEWSROOM_CHAT_IDS are.
        bot.fake.chat_members[(GROUP_ID, READER)] = "administrator"
        if not text.startswith("/"):
            text = f"/add {text}"
        answer = await bot.send(text, user_id=READER, chat_id=GROUP_ID, chat_type=GROUP)
    assert answer == [VIEW_REFUSAL if command in ("/audit", "/stats") else REFUSAL]
    assert (await bot.services.archive.articles.stats()).articles == 1
    article = await bot.services.archive.articles.get(1)
    assert article is not None and "intruder" not in article.text
    assert [e.action for e in await bot.services.audit.recent()] == ["add"]


async def test_others_may_not_upload_or_forward_articles(bot: Harness) -> None:
    file_id, _ = bot.fake.add_file(seed_text().encode())
    assert await bot.send(user_id=READER, document=(file_id, "a.txt", 100)) == [REFUSAL]
    forwarded = await bot.send(seed_text(), user_id=READER, forward_from_channel="Wire")
    assert forwarded == [REFUSAL]
    assert [n for n, _ in bot.fake.calls if n == "getFile"] == []  # not even downloaded
    assert (await bot.services.archive.articles.stats()).articles == 0


async def test_only_group_admins_change_the_groups_digests(bot: Harness) -> None:
    bot.fake.chat_members[(GROUP_ID, EDITOR)] = "creator"
    group = {"chat_id": GROUP_ID, "chat_type": GROUP}
    subscribed = await bot.send("/subscribe 09:00", user_id=EDITOR, **group)
    assert subscribed[0].startswith("Subscribed: a digest every day at 09:00 (UTC)")
    admins_only = ["Only this chat's admins can change its digests."]
    # A member may not.
    for command in (
        "/subscribe 10:00",
        "/unsubscribe all",
        "/unsubscribe 1",
        "/timezone Asia/Tokyo",
    ):
        assert await bot.send(command, user_id=READER, **group) == admins_only, command
    subs = await bot.services.subscriptions.for_chat(GROUP_ID)
    assert [(s.time_of_day, s.timezone) for s in subs] == [("09:00", None)]
    # Anyone may look, and may subscribe their own private chat.
    assert await bot.send("/subscriptions", user_id=READER, **group) == [
        "This chat's digests:\n1. 09:00 UTC — everything"
    ]
    assert (await bot.send("/subscribe 10:00", user_id=READER))[0].startswith("Subscribed")
    assert await bot.send("/unsubscribe all", user_id=EDITOR, **group) == ["Removed 1 digest."]


async def test_deleted_article_is_in_no_inline_result_page_or_scheduled_digest(
    bot: Harness,
) -> None:
    from tests.test_digests import add_articles, run_digest_job

    await bot.send("/subscribe 08:00", user_id=READER)
    await bot.send(seed_text(), user_id=EDITOR)
    await add_articles(bot, *(f"Raqqa civilians trapped, report {n}" for n in range(4)))
    await _delete(bot, 1)
    await bot.process(bot.updates.inline("civilians trapped in Raqqa", user_id=READER))
    results = bot.fake.last("answerInlineQuery")["results"]
    assert len(results) == 4
    assert not any("#1" in r["input_message_content"]["message_text"] for r in results)
    await bot.send("civilians trapped in Raqqa?", user_id=READER)
    answer = bot.fake.sent[-1]
    page = await bot.process(bot.updates.callback("more:3", answer, user_id=READER))
    assert answer.buttons == ["more:3"] and page[0].startswith("Results 4–4:")
    assert "/read_1" not in answer.text and "/read_1" not in page[0]  # ids run 1 to 5
    bot.clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    digest = "\n".join(await run_digest_job(bot))
    assert "Raqqa civilians trapped, report 3" in digest and "Raqa" not in digest


def test_an_import_from_the_command_line_is_in_the_audit_log(
    tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    import logging

    from bot.cli.main import main
    from tests.conftest import SEED

    monkeypatch.chdir(tmp_path)
    settings = make_settings(tmp_path)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # main() sets up logging for the CLI
    try:
        seed_file = str(SEED)
        assert main(["--database-url", settings.database_url, "import", "--quiet", seed_file]) == 0
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)

    async def audited() -> list[str]:
        bot = await start_bot(settings, clock)
        try:
            return await bot.send("/audit", user_id=EDITOR)
        finally:
            await stop_bot(bot)

    [log] = asyncio.run(audited())
    assert log.endswith(" system import: 1 added from the command line (raqqa-2017-07-04.txt)")
