"""/split and /join (editors: story membership by hand) and /trend (a story's timeline picture)."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.articles.fields import storable
from bot.context import Context
from bot.digests.topics import NO_TOPIC_WORDS
from bot.i18n import N_
from bot.questions.filters import first_filter
from bot.render import escape
from bot.stories.chart import trend_png
from bot.stories.trend import trend
from handlers.common import (
    actor,
    args_text,
    article_number,
    beyond_ids,
    no_such_article,
    number_argument,
    reply,
    say,
    services,
    texts,
)
from handlers.permissions import editors_only

SPLIT_USAGE = N_("Usage: /split <article number>, for example /split 42")
JOIN_USAGE = N_("Usage: /join <article> <article>, for example /join 42 57")
TREND_USAGE = N_("Usage: /trend <words>, for example /trend Raqqa airstrikes")
TREND_FILTER = N_(
    "/trend counts words only, not filters such as {filter}: the chart covers every date."
)


@editors_only
async def split(update: Update, context: Context) -> None:
    """/split <n> (editors): article n leaves its story and starts one of its own."""
    number = await number_argument(update, context, SPLIT_USAGE)
    if number is None:
        return
    core = services(context)
    if await core.archive.get(number) is None:
        await no_such_article(update, context, number)
        return
    # A story's number is the database's: no reply or answer shows it, so none names it.
    if await core.stories.split(number, actor(update)) is None:
        await say(update, context, "Article #{n} is alone in its story already.", n=number)
    else:
        await say(
            update,
            context,
            "Article #{n} is a story of its own now: answers and digests show it apart.",
            n=number,
        )


@editors_only
async def join(update: Update, context: Context) -> None:
    """/join <n> <m> (editors): the stories of articles n and m become one."""
    message = update.effective_message
    if message is None:
        return
    words = args_text(message).split()
    numbers = [article_number(w) for w in words]
    huge = next((n for w in words if (n := beyond_ids(w)) is not None), None)
    if len(numbers) == 2 and huge is not None:
        await no_such_article(update, context, huge)
        return
    if len(numbers) != 2 or None in numbers:
        await say(update, context, JOIN_USAGE, plain=True)
        return
    first, second = (n for n in numbers if n is not None)
    core = services(context)
    for number in dict.fromkeys((first, second)):
        if await core.archive.get(number) is None:
            await no_such_article(update, context, number)
            return
    if first == second:
        await say(
            update,
            context,
            "Article #{n} cannot be joined to itself: name two different articles, for "
            "example /join 42 57.",
            n=first,
        )
        return
    if await core.stories.join(first, second, actor(update)) is None:
        await say(
            update,
            context,
            "Articles #{first} and #{second} are in one story already.",
            first=first,
            second=second,
        )
    else:
        await say(
            update,
            context,
            "Articles #{first} and #{second} are one story now: answers and digests show it once.",
            first=first,
            second=second,
        )


async def trend_command(update: Update, context: Context) -> None:
    """/trend <words>: a bar chart of matching stories per week, or a short reply if none."""
    message = update.effective_message
    if message is None:
        return
    # (Control codes are no words: "/trend \x07" was "Nothing in the archive matches “”.")
    words = storable(args_text(message)).strip()
    if not words:
        await say(update, context, TREND_USAGE, plain=True)
        return
    if (written := first_filter(words)) is not None:
        # "/trend raqqa after:2017" searched for the word "after" and said "Nothing in the
        # archive matches" of a topic the archive holds.
        await say(update, context, TREND_FILTER, filter=escape(written[:40]))
        return
    core = services(context)
    forms = core.questions.word_forms(words)
    if not forms:
        # Stop words alone ("of and"): "Nothing in the archive matches" read as if no
        # article held them.
        await say(update, context, NO_TOPIC_WORDS, topics=escape(words[:60]))
        return
    found = await trend(
        words,
        index=core.index,
        stories=core.stories,
        articles=core.archive.articles,
        forms=forms,
    )
    language = await texts(update, context)
    caption = language.html(escape(found.caption(language)))
    if found.is_empty:
        await reply(update, caption)
        return
    picture = await asyncio.to_thread(trend_png, found, language)
    await message.reply_photo(picture, caption=caption)
