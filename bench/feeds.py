"""Feeds at scale: FEEDS feeds x ITEMS items served from 127.0.0.1, polled by the bot.

Item pages are built from the real web-articles pages (each made distinct). Measured in one
run: the extractor alone (the bot's extract_page) on a sample of the same pages, then the
bot's first poll (every feed, every item page fetched, extracted, stored and indexed), a
second poll with nothing new (only conditional requests), and a poll after one feed gained one
item.

Usage: python -m bench.feeds DATA_DIR [--feeds 200] [--items 50] [--sample 300]
DATA_DIR holds web-articles/.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import tempfile
import time
import urllib.request
from functools import partial
from pathlib import Path

from bench.web_pages import Routes, WebPage, load_pages, serve_in_process, unique_page
from bot.articles.pages import extract_page
from bot.clock import ManualClock
from bot.services import open_services
from bot.settings import Settings

START = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.UTC)


def _item_page(bases: list[WebPage], feed: int, item: int, items: int) -> str:
    return unique_page(bases[(feed * items + item) % len(bases)], f"Feed {feed} item {item}")


def _routes(data_dir: Path, feeds: int, items: int) -> Routes:
    bases = load_pages(data_dir)
    counts = dict.fromkeys(range(feeds), items)
    stats = {"feed_full": 0, "feed_304": 0, "pages": 0}

    def feed_xml(feed: int) -> bytes:
        entries = "".join(
            f"<item><guid>f{feed}-i{n}</guid><link>/page/{feed}/{n}</link>"
            f"<title>Item {n} of feed {feed}</title><description>A teaser.</description>"
            f"<pubDate>Tue, 01 Dec 2026 08:00:00 GMT</pubDate></item>"
            for n in range(counts[feed])
        )
        return (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet {feed}</title>'
            f"<link>http://127.0.0.1/</link>{entries}</channel></rss>"
        ).encode()

    def route(path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        parts = path.strip("/").split("/")
        if parts[0] == "feed":
            feed = int(parts[1])
            etag = f'"{counts[feed]}"'
            if headers.get("If-None-Match") == etag:
                stats["feed_304"] += 1
                return 304, {"ETag": etag}, b""
            stats["feed_full"] += 1
            return 200, {"Content-Type": "application/rss+xml", "ETag": etag}, feed_xml(feed)
        if parts[0] == "page":
            stats["pages"] += 1
            html = _item_page(bases, int(parts[1]), int(parts[2]), items)
            return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()
        if parts[0] == "grow":
            counts[0] += 1
            return 200, {"Content-Type": "application/json"}, b"{}"
        if parts[0] == "stats":
            body = json.dumps(stats).encode()
            for key in stats:
                stats[key] = 0
            return 200, {"Content-Type": "application/json"}, body
        return 404, {}, b""

    return route


def _get(port: int, path: str) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
        return dict(json.loads(response.read()))


def extractor_speed(data_dir: Path, feeds: int, items: int, sample: int) -> float:
    """Pages a second of extract_page alone, on the first `sample` item pages."""
    bases = load_pages(data_dir)
    pages = [
        _item_page(bases, n // items, n % items, items) for n in range(min(sample, feeds * items))
    ]
    started = time.perf_counter()
    for n, html in enumerate(pages):
        extract_page(html, f"http://127.0.0.1/page/{n // items}/{n % items}")
    return len(pages) / (time.perf_counter() - started)


async def bot_run(port: int, feeds: int, items: int, workdir: Path) -> dict[str, float]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{workdir / 'feeds.sqlite3'}",
        index_dir=workdir / "feeds.index",
        fetch_allow_private=True,
    )
    clock = ManualClock(START)
    services = await open_services(settings, clock=clock)
    result: dict[str, float] = {}
    try:
        for feed in range(feeds):
            await services.feeds.store.add(
                f"http://127.0.0.1:{port}/feed/{feed}",
                title=None,
                topics="",
                added_by=None,
                now=clock.now(),
            )
        _get(port, "/stats")
        started = time.perf_counter()
        first = await services.feeds.poll_due()
        result["first_poll_seconds"] = time.perf_counter() - started
        result["first_poll_stored"] = first.stored
        result["first_poll_failed_feeds"] = first.failed
        result["first_poll_items_not_read"] = first.items_failed
        result["articles"] = (await services.archive.articles.stats()).articles
        result["first_poll_pages_per_second"] = first.stored / result["first_poll_seconds"]
        _get(port, "/stats")

        clock.advance(services.feeds.interval)
        started = time.perf_counter()
        second = await services.feeds.poll_due()
        result["second_poll_seconds"] = time.perf_counter() - started
        result["second_poll_stored"] = second.stored
        served = _get(port, "/stats")
        result["second_poll_full_feed_requests"] = served["feed_full"]
        result["second_poll_304"] = served["feed_304"]
        result["second_poll_pages"] = served["pages"]

        _get(port, "/grow")
        clock.advance(services.feeds.interval)
        third = await services.feeds.poll_due()
        result["after_one_new_item_stored"] = third.stored
        served = _get(port, "/stats")
        result["after_one_new_item_pages_fetched"] = served["pages"]
    finally:
        await services.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--sample", type=int, default=300, help="pages for the extractor alone")
    args = parser.parse_args()
    process, port = serve_in_process(partial(_routes, args.data_dir, args.feeds, args.items))
    try:
        speed = extractor_speed(args.data_dir, args.feeds, args.items, args.sample)
        with tempfile.TemporaryDirectory() as tmp:
            result = asyncio.run(bot_run(port, args.feeds, args.items, Path(tmp)))
    finally:
        process.kill()
        process.join()
    result["extractor_alone_pages_per_second"] = speed
    result["bot_vs_extractor"] = result["first_poll_pages_per_second"] / speed
    print(json.dumps({k: round(v, 3) for k, v in result.items()}, indent=1))


if __name__ == "__main__":
    main()
