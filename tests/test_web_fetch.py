"""The fetcher against a site the test runs: limits, refusals and hostile answers."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator

import pytest

from bot.web.fetch import Fetcher, FetchError, FetchLimits, RefusedAddress, is_public_address
from tests.support.web import Page, WebSite


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    client = Fetcher(FetchLimits(allow_private=True, max_bytes=1_000_000, timeout=5))
    try:
        yield client
    finally:
        await client.close()


async def test_a_page_is_fetched_with_the_bots_user_agent(site: WebSite, fetcher: Fetcher) -> None:
    url = site.html("/a", "<html><body><p>hello</p></body></html>", etag='"v1"')
    page = await fetcher.fetch(url)
    assert (page.status, page.text(), page.etag) == (
        200,
        "<html><body><p>hello</p></body></html>",
        '"v1"',
    )
    assert (await fetcher.fetch(url, etag='"v1"')).not_modified


async def test_private_addresses_are_refused_unless_allowed(site: WebSite) -> None:
    url = site.html("/a", "<p>inside</p>")
    strict = Fetcher(FetchLimits())
    try:
        with pytest.raises(RefusedAddress, match="not on the public internet"):
            await strict.fetch(url)
        # A name that resolves inside the network is refused too (checked on its addresses).
        with pytest.raises(FetchError, match="not on the public internet"):
            await strict.fetch(url.replace("127.0.0.1", "localhost"))
    finally:
        await strict.close()
    assert site.requests == []


@pytest.mark.parametrize("target", ["http://10.0.0.1/admin", "http://169.254.169.254:{port}/"])
async def test_a_redirect_into_the_network_is_refused(site: WebSite, target: str) -> None:
    # The test site stands in for a public server (the only address this fetcher may reach);
    # it redirects inside the network.
    strict = Fetcher(FetchLimits(), allowed=lambda address: address == "127.0.0.1")
    port = site.base.rsplit(":", 1)[1]
    site.pages["/go"] = Page(b"", status=302, headers={"Location": target.format(port=port)})
    site.html("/a", "<p>inside</p>")
    try:
        assert (await strict.fetch(site.url("/a"))).status == 200
        with pytest.raises(FetchError, match="not on the public internet"):
            await strict.fetch(site.url("/go"))
    finally:
        await strict.close()
    assert [path for path, _ in site.requests] == ["/a", "/go"]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("2606:4700:4700::1111", True),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


async def test_only_http_and_https(fetcher: Fetcher) -> None:
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://x", "javascript:alert(1)"):
        with pytest.raises(FetchError, match="Only http and https"):
            await fetcher.fetch(url)


async def test_a_redirect_loop_stops_after_five_hops(site: WebSite, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="Too many redirects"):
        await fetcher.fetch(site.url("/redirect-loop/0"))
    assert len(site.requests) == 6


async def test_a_200_mb_body_is_refused_before_reading(site: WebSite, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="larger than the limit"):
        await fetcher.fetch(site.url("/huge"))


async def test_a_page_that_never_ends_is_cut_off(site: WebSite, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match=r"larger than the limit \(1,000,000 bytes\)"):
        await fetcher.fetch(site.url("/never-ending"))


async def test_a_gzip_bomb_is_cut_off_after_decompression(site: WebSite, fetcher: Fetcher) -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 50_000_000)
    site.pages["/bomb"] = Page(bomb, headers={"Content-Encoding": "gzip"})
    assert len(bomb) < 100_000
    with pytest.raises(FetchError, match="larger than the limit"):
        await fetcher.fetch(site.url("/bomb"))


async def test_other_content_types_are_refused(site: WebSite, fetcher: Fetcher) -> None:
    site.pages["/pic"] = Page(b"\x89PNG....", content_type="image/png")
    with pytest.raises(FetchError, match="holds image/png, not a web page or feed"):
        await fetcher.fetch(site.url("/pic"))


async def test_errors_say_what_the_server_answered(site: WebSite, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="The server answered 404 Not Found"):
        await fetcher.fetch(site.url("/missing"))


async def test_invalid_utf8_is_replaced_a_little_or_refused(
    site: WebSite, fetcher: Fetcher
) -> None:
    site.pages["/few"] = Page(b"<p>caf\xe9 " + b"good text " * 100 + b"</p>")
    text = (await fetcher.fetch(site.url("/few"))).text()
    assert text.startswith("<p>caf\ufffd good text")
    site.pages["/garbage"] = Page(bytes(range(128, 256)) * 100)
    with pytest.raises(FetchError, match="not valid utf-8 text"):
        (await fetcher.fetch(site.url("/garbage"))).text()


async def test_the_address_connected_to_is_checked_again(site: WebSite) -> None:
    # An address that passes the first check and is refused when the socket is made (as after
    # DNS rebinding) never gets a request.
    answers = iter([True])
    strict = Fetcher(FetchLimits(), allowed=lambda address: next(answers, False))
    url = site.html("/a", "<p>inside</p>")
    try:
        with pytest.raises(RefusedAddress, match=r"127\.0\.0\.1 is not on the public internet"):
            await strict.fetch(url)
    finally:
        await strict.close()
    assert site.requests == []


async def test_at_most_per_host_requests_at_once(site: WebSite) -> None:
    import asyncio

    from aiohttp import web

    running = 0
    most = 0
    gate = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        nonlocal running, most
        running += 1
        most = max(most, running)
        if running == 2:
            gate.set()
        await gate.wait()
        running -= 1
        return web.Response(text="<p>ok</p>", content_type="text/html")

    site.extra_route("/slow", slow)
    client = Fetcher(FetchLimits(allow_private=True, per_host=2))
    try:
        await asyncio.gather(*(client.fetch(site.url("/slow")) for _ in range(6)))
    finally:
        await client.close()
    assert most == 2
