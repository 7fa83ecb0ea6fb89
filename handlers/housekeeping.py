"""Housekeeping jobs: follow the index, forget old updates, erase long-deleted articles."""

from __future__ import annotations

import datetime as dt

from bot.context import Context, NewsApp
from handlers.common import RUN_LATE

FOLLOW_JOB = "index:follow"
PRUNE_JOB = "updates:prune"
PURGE_JOB = "tombstones:purge"
WARM_JOB = "stories:warm"


def schedule_scale_jobs(app: NewsApp) -> None:
    """Follow the article change feed often; prune the update ledger hourly; purge daily;
    read the story map once, right after start-up."""
    if app.job_queue is None:
        return
    settings = app.bot_data.services.settings
    app.job_queue.run_repeating(
        follow_index_job,
        interval=settings.index_follow_seconds,
        name=FOLLOW_JOB,
        job_kwargs=RUN_LATE,
    )
    app.job_queue.run_repeating(
        prune_updates_job, interval=3600, first=60, name=PRUNE_JOB, job_kwargs=RUN_LATE
    )
    app.job_queue.run_repeating(
        purge_tombstones_job,
        interval=dt.timedelta(days=1),
        first=600,
        name=PURGE_JOB,
        job_kwargs=RUN_LATE,
    )
    app.job_queue.run_once(warm_stories_job, when=0, name=WARM_JOB, job_kwargs=RUN_LATE)


async def follow_index_job(context: Context) -> None:
    """Apply article changes made by any process (new, edited, deleted) to this index."""
    app = context.application
    # A failing index (full disk) is logged there and retried here at the next run.
    await app.bot_data.services.archive.catch_up()


async def prune_updates_job(context: Context) -> None:
    """Forget update ids older than PROCESSED_UPDATES_DAYS."""
    app = context.application
    services = app.bot_data.services
    days = services.settings.processed_updates_days
    await services.updates.prune(before=services.clock.now() - dt.timedelta(days=days))


async def purge_tombstones_job(context: Context) -> None:
    """Erase the words of articles deleted more than RESTORE_DAYS ago (no longer restorable)."""
    await context.application.bot_data.services.archive.purge_deleted()


async def warm_stories_job(context: Context) -> None:
    """Read every article's story into memory while the bot is idle after start-up."""
    await context.application.bot_data.services.stories.warm()
