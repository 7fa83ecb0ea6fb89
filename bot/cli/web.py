"""Fetching the articles that `newsbot import https://...` names, a few at a time."""

from __future__ import annotations

import asyncio
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
    """The article at each address, in order; what failed goes to `problems` with its reason."""
    gate = asyncio.Semaphore(AT_ONCE)

    async def one(url: str) -> ImportRecord | None:
        async with gate:
            try:
                return await reader.read(url)
            except (FetchError, RejectedInput) as exc:
                problems.append(f"{url}: {exc}")
                return None

    found = await asyncio.gather(*(one(url) for url in urls))
    return [record for record in found if record is not None]
