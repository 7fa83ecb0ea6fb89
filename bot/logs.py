"""Logging set-up: readable lines, and the bot token never written anywhere."""

from __future__ import annotations

import asyncio
import logging
import re

# Bot API URLs carry the token (".../bot123:ABC/sendMessage"); catch any that slip through.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")


class RedactTokens(logging.Filter):
    """Replace anything shaped like a bot token in a record's message with a mask."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        # As the bot uses them: a token pasted with a space after it is sent without one.
        self._secrets = tuple(s.strip() for s in secrets if s.strip())

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        # Tracebacks quote exception messages, and those can hold a request URL.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def redact(self, text: str) -> str:
        """`text` with every secret and token-shaped string masked."""
        clean = TOKEN_PATTERN.sub("[token]", text)
        for secret in self._secrets:
            clean = clean.replace(secret, "[token]")
        return clean


class QuietOverruns(logging.Filter):
    """Drop APScheduler's warning that a repeating job was skipped because it still runs.

    The index follower runs every half second; when one pass takes longer (a busy disk), the
    next is rightly skipped, and a warning for each would bury the warnings that matter.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


class QuietShutdownCancels(logging.Filter):
    """Drop APScheduler's "Error running job" for a job cancelled because the bot is stopping.

    Its asyncio executor cancels the jobs still running when the application stops (`quit` in
    `newsbot chat`, a signal to `newsbot run`); that is the stop, not a failure of the job.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, asyncio.CancelledError)


def setup_logging(level: str, secrets: tuple[str, ...] = ()) -> None:
    """Configure the root logger once for the CLI."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # At INFO httpx logs every request URL, and those carry the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # At DEBUG SQLAlchemy logs result rows and aiosqlite each call with its arguments: whole
    # articles. Statements (parameters hidden, storage/db.py) at INFO are what a debug needs.
    if root.getEffectiveLevel() < logging.INFO:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
        logging.getLogger("aiosqlite").setLevel(logging.INFO)
    scheduler = logging.getLogger("apscheduler.scheduler")
    if not any(isinstance(f, QuietOverruns) for f in scheduler.filters):
        scheduler.addFilter(QuietOverruns())
    executor = logging.getLogger("apscheduler.executors.default")
    if not any(isinstance(f, QuietShutdownCancels) for f in executor.filters):
        executor.addFilter(QuietShutdownCancels())
