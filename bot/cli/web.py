"""Fetching the articles that `newsbot import https://...` names, a few at a time."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence

from bot.articles.archive import ImportRecord, RejectedInput
from bot.web.fetch import FetchError
from bot.web.reader import WebReader

AT_ONCE = 8


async def fetch_records(
    reader: WebReader,
    urls: Sequence[str],
    problems: list[str],
) -> list[ImportRecord]:
    """The article at each address, in order; what failed goes to `problems` with its reason.
    Each record is placed at its address, so that a page the parse refuses is named by it
    (not "record 1")."""
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(url: str) -> ImportRecord | None:
        async with gate:
            try:
                return dataclasses.replace(await reader.read(url), where=url)
            except (FetchError, RejectedInput) as exc:
                problems.append(f"{url}: {exc}")
                return None

    found = await asyncio.gather(*(one(url) for url in urls))
    return [record for record in found if record is not None]
