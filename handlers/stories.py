"""/split and /join (editors: story membership by hand) and /trend (a story's timeline picture)."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.context import Context
from bot.render import escape, no_article_line
from bot.stories.chart import trend_png
from bot.stories.trend import trend
from handlers.common import actor, args_text, article_number, number_argument, reply, services
from handlers.permissions import editors_only

SPLIT_USAGE = escape("Usage: /split <article number>, for example /split 42")
JOIN_USAGE = escape("Usage: /join <article> <article>, for example /join 42 57")
TREND_USAGE = escape("Usage: /trend <words>, for example /trend Raqqa airstrikes")


@editors_only
async def split(update: Update, context: Context) -> None:
    """/split <n> (editors): article n leaves its story and starts one of its own."""
    number = await number_argument(update, SPLIT_USAGE)
    if number is None:
        return
    core = services(context)
    if await core.archive.get(number) is None:
        await reply(update, no_article_line(number))
        return
    left = await core.stories.split(number, actor(update))
    if left is None:
        await reply(update, f"Article #{number} is alone in its story already.")
    else:
        await reply(update, f"Article #{number} left story {left}: it is a story of its own now.")


@editors_only
async def join(update: Update, context: Context) -> None:
    """/join <n> <m> (editors): the stories of articles n and m become one."""
    message = update.effective_message
    if message is None:
        return
    words = args_text(message).split()
    numbers = [article_number(w) for w in words]
    if len(numbers) != 2 or None in numbers or numbers[0] == numbers[1]:
        await reply(update, JOIN_USAGE)
        return
    first, second = (n for n in numbers if n is not None)
    core = services(context)
    for number in (first, second):
        if await core.archive.get(number) is None:
            await reply(update, no_article_line(number))
            return
    story = await core.stories.join(first, second, actor(update))
    if story is None:
        await reply(update, f"Articles #{first} and #{second} are in one story already.")
    else:
        await reply(update, f"Articles #{first} and #{second} are one story now (story {story}).")


async def trend_command(update: Update, context: Context) -> None:
    """/trend <words>: a bar chart of matching stories per week, or a short reply if none."""
    message = update.effective_message
    if message is None:
        return
    words = args_text(message)
    if not words:
        await reply(update, TREND_USAGE)
        return
    core = services(context)
    found = await trend(
        words, index=core.index, stories=core.stories, articles=core.archive.articles
    )
    if found.is_empty:
        await reply(update, escape(found.caption()))
        return
    picture = await asyncio.to_thread(trend_png, found)
    await message.reply_photo(picture, caption=found.caption())
