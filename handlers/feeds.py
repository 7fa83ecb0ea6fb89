"""Feeds in the chat: /feed add|remove and /feeds (editors), and the polling job."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import Context, NewsApp
from bot.feeds.parse import FeedError
from bot.i18n import N_
from bot.render import echoed, escape, feed_lines
from bot.web.fetch import FetchError
from bot.web.urls import leading_address
from handlers.common import (
    RUN_LATE,
    args_text,
    article_number,
    reply,
    say,
    services,
    texts,
    user_id,
)
from handlers.permissions import editors_only, editors_view

log = logging.getLogger(__name__)

POLL_JOB = "feeds:poll"
# The job looks for due feeds this often; each feed is due every FEED_POLL_MINUTES.
TICK_SECONDS = 60.0
FEED_USAGE = N_("Usage: /feed add <url> [topic words], /feed remove <n>; /feeds lists the feeds.")


@editors_only
async def feed_command(update: Update, context: Context) -> None:
    """/feed add <url> [topic words] | /feed remove <n> | /feed list (editors)."""
    message = update.effective_message
    if message is None:
        return
    text = args_text(message)
    words = text.split()
    verb = words[0].lower() if words else ""
    if verb == "add" and len(words) >= 2:
        url, topics = leading_address(text.strip()[len(words[0]) :])
        await _add(update, context, url, " ".join(topics.split()))
    elif verb == "remove" and len(words) == 2 and article_number(words[1]) is not None:
        number = article_number(words[1])
        removed = await services(context).feeds.remove(number or 0)
        if removed is None:
            await say(update, context, "There is no feed #{n}; /feeds lists them.", n=number)
        else:
            await say(
                update,
                context,
                "Stopped following feed #{n}: {name}. Its articles stay.",
                n=removed.id,
                name=escape(removed.title or removed.url),
            )
    elif verb == "list" and len(words) == 1:
        # As `newsbot feed list` writes it: it got the usage line.
        await _list(update, context)
    else:
        await say(update, context, FEED_USAGE, plain=True)


async def _add(update: Update, context: Context, url: str, topics: str) -> None:
    core = services(context)
    try:
        followed = await core.feeds.follow(url, topics, added_by=user_id(update))
    except (FetchError, FeedError) as exc:
        # Worked out first: the catalogue's extractor skips a call with a call of texts in it.
        reason = escape(exc.said(await texts(update, context)))
        await say(
            update,
            context,
            "Could not follow {url}: {reason}",
            url=escape(echoed(url)),
            reason=reason,
        )
        return
    language = await texts(update, context)
    feed = followed.feed
    name = escape(feed.title or feed.url)
    if followed.discovered:
        name = language("{name} ({url}, the feed that page names)", name=name, url=escape(feed.url))
    if not followed.created:
        text = language("Already following that feed as #{n}: {name}.", n=feed.id, name=name)
        await reply(update, language.html(text))
        return
    minutes = core.settings.feed_poll_minutes
    text = language.plural(
        "Following feed #{number}: {name} ({n} item now).",
        "Following feed #{number}: {name} ({n} items now).",
        followed.items,
        number=feed.id,
        name=name,
    )
    # The form follows the whole number of minutes (a fraction takes the "few" form).
    text += " " + language.plural(
        "New articles are fetched every {minutes} minute.",
        "New articles are fetched every {minutes} minutes.",
        int(minutes) if minutes == int(minutes) else 2,
        minutes=f"{minutes:g}",
    )
    await reply(update, language.html(text))
    job_queue = context.application.job_queue
    if job_queue is not None:
        job_queue.run_once(poll_job, when=0, name=f"{POLL_JOB}:now", job_kwargs=RUN_LATE)


@editors_view
async def feeds_command(update: Update, context: Context) -> None:
    """/feeds: the feeds, numbered, with their health (editors)."""
    await _list(update, context)


async def _list(update: Update, context: Context) -> None:
    language = await texts(update, context)
    await reply(update, language.html(feed_lines(await services(context).feeds.listed(), language)))


async def schedule_feeds(app: NewsApp) -> None:
    """Start-up: free this worker's old leases and poll due feeds every tick."""
    feeds = app.bot_data.services.feeds
    released = await feeds.start()
    if released:
        log.info("resuming %d feed(s) this worker was polling when it stopped", released)
    if app.job_queue is None:
        log.warning("no JobQueue: feeds will not be polled")
        return
    tick = min(TICK_SECONDS, feeds.interval.total_seconds())
    app.job_queue.run_repeating(
        poll_job, interval=tick, first=tick, name=POLL_JOB, job_kwargs=RUN_LATE
    )


async def poll_job(context: Context) -> None:
    """Poll the feeds that are due; one feed's failure never stops the others."""
    report = await context.bot_data.services.feeds.poll_due()
    if report.feeds:
        log.info(
            "feeds: %d polled, %d unchanged, %d failed, %d new articles",
            report.feeds,
            report.unchanged,
            report.failed,
            report.stored,
        )
