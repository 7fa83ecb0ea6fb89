"""Logging set-up: readable lines, and the bot token never written anywhere."""

from __future__ import annotations

import logging
import re

# Bot API URLs carry the token (".../bot123:ABC/sendMessage"); catch any that slip through.
TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")


class RedactTokens(logging.Filter):
    """Replace anything shaped like a bot token in a record's message with a mask."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if s)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = TOKEN_PATTERN.sub("[token]", message)
        for secret in self._secrets:
            clean = clean.replace(secret, "[token]")
        if clean != message:
            record.msg, record.args = clean, None
        return True


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
