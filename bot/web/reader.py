"""Reading an article from its address: fetch, extract, and store it once like any article."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bot.articles.archive import (
    Actor,
    Archive,
    ImportRecord,
    Origin,
    RejectedInput,
    Written,
    record_date,
)
from bot.articles.files import FileRecords, read_records
from bot.articles.pages import extract_page
from bot.i18n import N_
from bot.web.fetch import Fetcher, FetchError
from bot.web.urls import canonical_key
from storage.articles import SaveResult

NO_ARTICLE = N_("I found no article text on that page.")


class WebReader:
    """Pages to articles: the one path for links, `newsbot import https://...` and feeds."""

    def __init__(self, fetcher: Fetcher, archive: Archive) -> None:
        self.fetcher = fetcher
        self._archive = archive
        # One thread extracts, page after page: the extractors share module-level lxml
        # parsers and XPath objects, which are not made for concurrent use.
        self._extractor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")

    def close(self) -> None:
        """Stop the extraction thread (after the page it is on)."""
        self._extractor.shutdown(wait=False, cancel_futures=True)

    async def read(self, url: str) -> ImportRecord:
        """Fetch and extract the article at `url`; FetchError or RejectedInput if there is none."""
        fetched = await self.fetcher.fetch(url)
        if "html" not in fetched.content_type:
            raise FetchError(
                N_("That address holds {kind}, not an article page."), kind=fetched.content_type
            )
        html = fetched.text()
        loop = asyncio.get_running_loop()
        page = await loop.run_in_executor(self._extractor, extract_page, html, fetched.url)
        if page is None:
            raise RejectedInput(NO_ARTICLE)
        return ImportRecord(
            text=page.text,
            title=page.title,
            date=page.published.isoformat() if page.published else None,
            source=page.outlet,
            url=page.canonical_url,
            canonical_url=canonical_key(page.canonical_url) or canonical_key(fetched.url),
        )

    async def read_file(self, name: str, data: bytes) -> FileRecords:
        """The articles in an uploaded file (read_records), read on the extraction thread: a
        saved web page goes through the same extractor as a link's page."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._extractor, read_records, name, data)

    async def stored(self, url: str) -> SaveResult | None:
        """The article already stored from this address (before fetching it again), if any."""
        key = canonical_key(url)
        found = await self._archive.articles.find_by_canonical_url(key) if key else None
        return SaveResult(found, created=False) if found is not None else None

    async def add_link(
        self, url: str, *, origin: Origin | None = None, actor: Actor | None = None
    ) -> Written[SaveResult]:
        """Store the article at `url` once (its canonical address, then its text, decide).

        Raises FetchError or RejectedInput with a message for the user.
        """
        known = await self.stored(url)
        if known is not None:
            return Written(known)
        record = await self.read(url)
        new = self._archive.build(
            record.text,
            title=record.title,
            published=record_date(record.date),
            source=record.source,
            url=record.url,
            canonical_url=record.canonical_url,
            origin=origin,
        )
        return await self._archive.add(new, actor=actor)
