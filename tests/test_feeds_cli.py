"""`newsbot feeds ...` and `newsbot import https://...` against a site the test runs."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.cli.main import main
from tests.support.web import Item, Page, WebSite, rss
from tests.test_cli import newsbot
from tests.test_feeds import RSS, article_page, serve_items
from tests.test_web_links import TITAN, VW


@pytest.fixture
def site() -> Iterator[WebSite]:
    # The CLI runs in a child process: the site runs on a thread with its own event loop.
    loop = asyncio.new_event_loop()
    server = WebSite()
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait()
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}",
        "FETCH_ALLOW_PRIVATE": "true",
    }


def test_feeds_add_poll_list_export_remove_import(
    site: WebSite, env: dict[str, str], tmp_path: Path
) -> None:
    site.pages["/feed"] = Page(rss("Space Wire", serve_items(site, 2)), RSS)
    url = site.url("/feed")
    added = newsbot("feeds", "add", url, cwd=tmp_path, env=env)
    assert (added.returncode, added.stdout) == (0, "Following feed #1: Space Wire (2 items now).\n")
    polled = newsbot("feeds", "poll", cwd=tmp_path, env=env)
    # (It was "Polled 1 feed(s)", "Following 1 new feed(s)" and "Wrote 1 feed(s)".)
    assert polled.stdout == "Polled 1 feed: 2 new articles, 0 unchanged, 0 failed.\n"
    again = newsbot("feeds", "poll", cwd=tmp_path, env=env).stdout
    assert again.startswith("No feed is due; the next is polled at 20") and again.endswith(
        " UTC.\n"
    )
    listed = newsbot("feeds", "list", cwd=tmp_path, env=env).stdout
    assert listed.startswith(f"#1\t{url}\tSpace Wire\ttopics: -\t2 articles\tlast success: 20")
    opml = tmp_path / "feeds.opml"
    exported = newsbot("feeds", "export-opml", str(opml), cwd=tmp_path, env=env)
    assert (exported.returncode, exported.stdout) == (0, f"Wrote 1 feed to {opml}.\n")
    assert f'xmlUrl="{url}"' in opml.read_text()
    removed = newsbot("feeds", "remove", "1", cwd=tmp_path, env=env)
    assert removed.stdout == "Stopped following feed #1: Space Wire.\n"
    none = newsbot("feeds", "poll", cwd=tmp_path, env=env).stdout
    assert none == "No feeds are followed: newsbot feeds add URL follows one.\n"
    imported = newsbot("feeds", "import-opml", str(opml), cwd=tmp_path, env=env)
    assert imported.stdout == "Following 1 new feed; 0 followed already; 0 failed.\n"
    bad = newsbot("feeds", "add", site.url("/missing"), cwd=tmp_path, env=env)
    assert (bad.returncode, bad.stderr) == (
        1,
        f"newsbot feeds add: {site.url('/missing')}: The server answered 404 Not Found.\n",
    )


def test_import_takes_addresses_and_a_file_of_them(
    site: WebSite, env: dict[str, str], tmp_path: Path
) -> None:
    one = site.html("/one", article_page(TITAN, "one"))
    two = site.html("/two", article_page(VW, "two"))
    listing = tmp_path / "urls.txt"
    listing.write_text(f"{two}\n# a comment\n{site.url('/gone')}\n{one}?utm_source=x\n")
    result = newsbot("import", one, "--urls", str(listing), "--quiet", cwd=tmp_path, env=env)
    # The address that could not be read counts as refused, its reason below.
    assert result.stdout == (
        "Imported from 4 addresses: 2 stored, 1 duplicate, 1 refused (1 address).\n"
    )
    assert f"{site.url('/gone')}: The server answered 404 Not Found." in result.stderr
    # A page the parse refuses is named by its address.
    menu = site.html("/menu", "<html><body><p>Home</p><p>About us</p></body></html>")
    refused = newsbot("import", menu, "--quiet", cwd=tmp_path, env=env)
    assert f"  {menu}: That is too short to keep as an article" in refused.stderr
    asked = newsbot("ask", "Titan geological map", cwd=tmp_path, env=env)
    assert "#1 The First Map of Saturn's Moon Titan" in asked.stdout


def test_without_allow_private_import_refuses_local_addresses(
    site: WebSite, tmp_path: Path
) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}"}
    one = site.html("/one", article_page(TITAN, "one"))
    result = newsbot("import", one, "--quiet", cwd=tmp_path, env=env)
    assert "127.0.0.1 is not on the public internet" in result.stderr
    assert site.requests == []


def test_kill_9_mid_poll_then_again_stores_every_item_once(
    site: WebSite, env: dict[str, str], tmp_path: Path
) -> None:
    reached, release = threading.Event(), threading.Event()

    async def stalled(request: web.Request) -> web.Response:
        reached.set()
        await asyncio.to_thread(release.wait, 60)
        return web.Response(text=article_page(VW, "stalled"), content_type="text/html")

    site.extra_route("/stalled", stalled)
    site.pages["/a"] = Page(rss("A", serve_items(site, 3)), RSS)
    b_items = [*serve_items(site, 2, start=3), Item("guid-stalled", site.url("/stalled"), "S")]
    site.pages["/b"] = Page(rss("B", b_items), RSS)
    env = {**env, "DIGEST_WORKER_ID": "poller-1"}
    for path in ("/a", "/b"):
        assert newsbot("feeds", "add", site.url(path), cwd=tmp_path, env=env).returncode == 0
    first = subprocess.Popen(
        [sys.executable, "-m", "bot", "feeds", "poll"],
        cwd=tmp_path,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert reached.wait(60), "the poll never reached the stalled page"
        first.send_signal(signal.SIGKILL)  # mid-poll: feed B's last page is in flight
        first.wait(60)
    finally:
        release.set()
        if first.poll() is None:
            first.kill()
    again = newsbot("feeds", "poll", cwd=tmp_path, env=env)
    assert again.returncode == 0, again.stderr
    with sqlite3.connect(tmp_path / "news.sqlite3") as db:
        texts = [t for (t,) in db.execute("SELECT text FROM articles ORDER BY id")]
    assert sorted(t.split(".")[0] for t in texts) == [
        "stalled", "story0", "story1", "story2", "story3", "story4"
    ]  # fmt: skip


def test_import_opml_of_a_file_that_lists_no_feeds_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}"
    feed = tmp_path / "feed.xml"  # a feed, not a list of feeds
    feed.write_bytes(rss("Space Wire", [Item("g1", "https://example.org/1", "One")]))
    empty = tmp_path / "empty.opml"
    empty.write_text('<?xml version="1.0"?><opml version="2.0"><body/></opml>')
    missing = tmp_path / "missing.opml"
    for path in (feed, empty, missing):
        assert main(["--database-url", url, "feeds", "import-opml", str(path)]) == 1
    assert capsys.readouterr() == (
        "",
        f"newsbot feeds import-opml: {feed}: not an OPML file (it is <rss>, not <opml>)\n"
        f"newsbot feeds import-opml: {empty}: no feeds in it (no outline has an xmlUrl)\n"
        f"newsbot feeds import-opml: {missing}: No such file or directory\n",
    )


def test_feeds_usage_and_places_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}"
    # The topic words were named required ("the following arguments are required: url,
    # topics"), and a missing folder was "newsbot feeds: No such file or directory: ...".
    with pytest.raises(SystemExit) as usage:
        main(["--database-url", url, "feeds", "add"])
    assert usage.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "newsbot feeds add: error: the following arguments are required: url"
    )
    missing = tmp_path / "nope" / "feeds.opml"
    assert main(["--database-url", url, "feeds", "export-opml", str(missing)]) == 1
    assert main(["--database-url", url, "feeds", "export-opml", str(tmp_path)]) == 1
    assert capsys.readouterr() == (
        "",
        f"newsbot feeds export-opml: there is no folder {missing.parent} to write feeds.opml "
        "in\n"
        f"newsbot feeds export-opml: {tmp_path} is a folder; name the file to write, e.g. "
        f"{tmp_path / 'feeds.opml'}\n",
    )


def test_import_refuses_malformed_addresses_in_words(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # None of them is looked up or connected to.
    addresses = ["http://256.1.1.1/", "http://a b/", "http://", "http://[::1", "ftp://x"]
    assert main(["import", *addresses]) == 1
    captured = capsys.readouterr()
    assert captured.out == (
        "Imported from 5 addresses: 0 stored, 0 duplicates, 5 refused (5 addresses).\n"
    )
    assert captured.err.splitlines()[-5:] == [
        "  http://256.1.1.1/: 256.1.1.1 is not a valid host name or IP address.",
        "  http://a b/: That address has a space in it, so nothing was fetched; write it "
        "without the space.",
        "  http://: That address has no host name.",
        "  http://[::1: That is not a valid web address.",
        "  ftp://x: Only http and https addresses are fetched.",
    ]


def test_feeds_add_refuses_an_address_with_a_space(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `newsbot feeds add http://a b/` fetched http://a, with "b/" for a topic word.
    assert main(["feeds", "add", "http://a", "b/", "syria"]) == 1
    assert capsys.readouterr().err == (
        "newsbot feeds add: http://a b/: That address has a space in it, so nothing was "
        "fetched; write it without the space.\n"
    )
