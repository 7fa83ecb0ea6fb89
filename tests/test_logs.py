"""Log set-up: an overrunning repeating job is not a warning, other scheduler warnings are."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logs import setup_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    scheduler = logging.getLogger("apscheduler.scheduler")
    filters = scheduler.filters[:]
    yield None
    root.handlers[:], scheduler.filters[:] = handlers, filters
    root.setLevel(level)


def test_skipped_overrun_is_quiet_other_warnings_are_not(
    restore_logging: None, caplog: pytest.LogCaptureFixture
) -> None:
    setup_logging("INFO")
    setup_logging("INFO")  # twice, as the CLI may: one filter, not two
    scheduler = logging.getLogger("apscheduler.scheduler")
    assert len(scheduler.filters) == 1
    logging.getLogger().addHandler(caplog.handler)  # setup_logging replaced the root's handlers
    with caplog.at_level(logging.WARNING, logger="apscheduler.scheduler"):
        scheduler.warning(
            'Execution of job "index:follow" skipped: maximum number of running instances '
            "reached (1)"
        )
        scheduler.warning('Run time of job "digests" was missed by 0:00:05')
    assert [r.getMessage() for r in caplog.records] == [
        'Run time of job "digests" was missed by 0:00:05'
    ]


def test_a_job_cancelled_at_shutdown_is_not_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncio

    from bot.logs import setup_logging

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        setup_logging("INFO")
        root.addHandler(caplog.handler)  # setup_logging replaced the root's handlers
        executor = logging.getLogger("apscheduler.executors.default")
        for exc in (asyncio.CancelledError(), RuntimeError("the job failed")):
            try:
                raise exc
            except BaseException:
                executor.exception("Error running job %s", "follow")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    assert [r.exc_info[1].__class__.__name__ for r in caplog.records if r.exc_info] == [
        "RuntimeError"
    ]
