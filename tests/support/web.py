"""A web site on 127.0.0.1 that a test runs: pages, feeds with validators, hostile answers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class WebSite:
    """Serves `pages` by path; records every request (path, If-None-Match) it answers."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, str | None]] = []
        self._runner: web.AppRunner | None = None
        self._extra: dict[str, Any] = {}
        self.base = ""

    def extra_route(self, path: str, handler: Any) -> None:
        """Answer `path` with an aiohttp handler of the test's own."""
        self._extra[path] = handler

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def html(self, path: str, body: str, **kwargs: object) -> str:
        self.pages[path] = Page(body.encode("utf-8"), **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    async def start(self) -> WebSite:
        app = web.Application()
        app.router.add_route("GET", "/redirect-loop/{n}", self._loop)
        app.router.add_route("GET", "/never-ending", self._never_ending)
        app.router.add_route("GET", "/huge", self._huge)
        app.router.add_route("GET", "/{tail:.*}", self._page)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _page(self, request: web.Request) -> web.StreamResponse:
        if request.path in self._extra:
            return await self._extra[request.path](request)  # type: ignore[no-any-return]
        path = request.path_qs if request.query_string else request.path
        self.requests.append((path, request.headers.get("If-None-Match")))
        page = self.pages.get(path) or self.pages.get(request.path)
        if page is None:
            return web.Response(status=404, text="not here")
        if page.etag and request.headers.get("If-None-Match") == page.etag:
            return web.Response(status=304, headers={"ETag": page.etag})
        headers = dict(page.headers)
        if page.etag:
            headers["ETag"] = page.etag
        response = web.Response(status=page.status, body=page.body, headers=headers)
        response.headers["Content-Type"] = page.content_type
        return response

    async def _loop(self, request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        self.requests.append((request.path, None))
        raise web.HTTPFound(f"/redirect-loop/{(n + 1) % 3}")

    async def _never_ending(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path, None))
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        await response.write(b"<html><body>")
        chunk = b"<p>" + b"and on " * 9_000 + b"</p>"
        try:
            while True:
                await response.write(chunk)
                await asyncio.sleep(0)
        except (ConnectionResetError, RuntimeError):
            return response

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        # 200 MB, honestly announced.
        self.requests.append((request.path, None))
        size = 200 * 1024 * 1024
        response = web.StreamResponse(
            headers={"Content-Type": "text/html", "Content-Length": str(size)}
        )
        await response.prepare(request)
        chunk = b"x" * (1024 * 1024)
        try:
            for _ in range(200):
                await response.write(chunk)
        except (ConnectionResetError, RuntimeError):
            pass
        return response


@dataclass(frozen=True)
class Item:
    guid: str
    link: str
    title: str
    summary: str = "A teaser."
    content: str = ""
    date: str = "Tue, 19 Nov 2019 10:00:00 GMT"


def rss(title: str, items: list[Item]) -> bytes:
    """An RSS 2.0 feed."""
    entries = "".join(
        f"<item><guid>{i.guid}</guid><link>{escape(i.link)}</link><title>{escape(i.title)}</title>"
        f"<description>{escape(i.summary)}</description>"
        + (f"<content:encoded><![CDATA[{i.content}]]></content:encoded>" if i.content else "")
        + f"<pubDate>{i.date}</pubDate></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>http://example.org/</link>{entries}</channel></rss>"
    ).encode()


def atom(title: str, items: list[Item]) -> bytes:
    """An Atom 1.0 feed (dates as RFC 3339)."""
    entries = "".join(
        f'<entry><id>{i.guid}</id><link href="{escape(i.link)}"/><title>{escape(i.title)}</title>'
        f"<summary>{escape(i.summary)}</summary><updated>2019-11-20T08:00:00Z</updated></entry>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:feed</id><updated>2019-11-20T08:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


def json_feed(title: str, items: list[Item]) -> bytes:
    """A JSON Feed 1.1."""
    import json

    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": title,
            "items": [
                {
                    "id": i.guid,
                    "url": i.link,
                    "title": i.title,
                    "summary": i.summary,
                    "date_published": "2019-11-21T08:00:00Z",
                }
                for i in items
            ],
        }
    ).encode()


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
