"""/start, /help and the Telegram command menu all come from one table."""

from __future__ import annotations

from bot.commands import COMMANDS
from tests.conftest import EDITOR, READER, Harness


async def test_menu_is_the_public_part_of_the_table(bot: Harness) -> None:
    menu = bot.fake.last("setMyCommands")["commands"]
    assert [c["command"] for c in menu] == [c.name for c in COMMANDS if not c.editors_only]


async def test_help_lists_what_the_user_may_use(bot: Harness) -> None:
    reader = (await bot.send("/help", user_id=READER))[0]
    editor = (await bot.send("/help", user_id=EDITOR))[0]
    assert "/delete &lt;n&gt; — Delete article n" not in reader
    assert "/delete &lt;n&gt; — Delete article n" in editor
    assert all(f"{c.usage.split()[0]} " in editor or c.usage == f"/{c.name}" for c in COMMANDS)


async def test_start_greets(bot: Harness) -> None:
    replies = await bot.send("/start", user_id=READER)
    assert replies[0].startswith("Hello! I keep this newsroom's archive")


async def test_stickers_and_photos_get_a_clear_answer(bot: Harness) -> None:
    update = bot.updates.message(None, user_id=READER)
    assert await bot.process(update) == [
        "I read text and text files (.txt, .md, .html, .jsonl). Send a question or an article."
    ]


async def test_help_says_who_may_use_each_command(bot: Harness) -> None:
    reader = (await bot.send("/help", user_id=READER))[0]
    assert (
        "/subscribe [time] [topic words] — A daily digest at that time "
        "(anyone in a private chat; in a group or channel, its admins)"
    ) in reader
    assert "(chat admins)" not in reader
    editor = (await bot.send("/help", user_id=EDITOR))[0]
    assert "/delete &lt;n&gt; — Delete article n (asks first) (editors)" in editor
    # What /help says of /subscribe holds: a reader subscribes their private chat.
    assert (await bot.send("/subscribe 8am", user_id=READER))[0].startswith("Subscribed")
