"""Feeds: follow, poll on the JobQueue with conditional GET, store each new item once."""

from __future__ import annotations

import datetime as dt

from bot.feeds.service import FeedService
from bot.web.urls import leading_address
from storage.feeds import FeedStore
from tests.conftest import EDITOR, READER, Harness
from tests.support.web import Item, Page, WebSite, atom, json_feed, rss
from tests.test_web_links import TITAN, VW, page
from tests.test_web_links import settings as settings  # fetching from 127.0.0.1

BOTH_BACKENDS = True
RSS = "application/rss+xml"


def article_page(key: str, marker: str) -> str:
    """A real page made distinct: its own canonical address and a sentence of its own."""
    html = page(key).replace("<p>", f"<p>{marker}. ", 1)
    return html.replace("sciencealert.com", f"{marker}.example").replace(
        "slashgear.com", f"{marker}.example"
    )


def serve_items(site: WebSite, count: int, start: int = 0) -> list[Item]:
    items = []
    for n in range(start, start + count):
        key = TITAN if n % 2 == 0 else VW
        link = site.html(f"/story/{n}", article_page(key, f"story{n}"))
        items.append(Item(f"guid-{n}", link, f"Story {n}"))
    return items


async def poll(bot: Harness) -> None:
    [job] = bot.app.job_queue.get_jobs_by_name("feeds:poll")
    await job.run(bot.app)


async def test_an_editor_follows_a_feed_and_new_items_are_stored_once(
    bot: Harness, site: WebSite
) -> None:
    site.pages["/feed"] = Page(rss("Space Wire", serve_items(site, 3)), RSS, etag='"1"')
    url = site.url("/feed")
    assert await bot.send(f"/feed add {url}", user_id=EDITOR) == [
        "Following feed #1: Space Wire (3 items now). New articles are fetched every 10 minutes."
    ]
    # Fetched at once, however busy the bot: APScheduler drops a job a second late.
    [now] = bot.app.job_queue.get_jobs_by_name("feeds:poll:now")
    assert now.job.misfire_grace_time is None
    await poll(bot)
    articles = bot.services.archive.articles
    stored = [await articles.get(n) for n in (1, 2, 3)]
    assert [(a.source, a.published.isoformat()) for a in stored if a] == [
        ("Space Wire", "2019-11-19")
    ] * 3
    assert {a.text.split(".")[0] for a in stored if a} == {"story0", "story1", "story2"}
    # Nothing new: one conditional request, nothing fetched or stored.
    site.requests.clear()
    bot.clock.advance(dt.timedelta(minutes=10))
    await poll(bot)
    assert site.requests == [("/feed", '"1"')]
    # One more item: exactly one more article.
    site.pages["/feed"] = Page(rss("Space Wire", serve_items(site, 4)), RSS, etag='"2"')
    bot.clock.advance(dt.timedelta(minutes=10))
    await poll(bot)
    assert (await articles.stats()).articles == 4
    assert [p for p, _ in site.requests[1:]] == ["/feed", "/story/3"]
    listing = await bot.send("/feeds", user_id=EDITOR)
    assert listing == [
        f"#1 Space Wire\n   {url}\n   4 articles; last success: 2026-11-25 06:20 UTC"
    ]
    # New items are news: they are in the next digest.
    digest = await bot.send("/digest", user_id=READER)
    # Items dated 2019 but arrived now: news (copies of one page join one story).
    assert "2 new articles" in digest[0] and "SPACE VIZZION" in digest[0], digest


async def test_atom_and_json_feeds_and_topic_words(bot: Harness, site: WebSite) -> None:
    items = serve_items(site, 2)
    site.pages["/atom"] = Page(atom("Atom Wire", items), "application/atom+xml")
    site.pages["/json"] = Page(
        json_feed("JSON Wire", serve_items(site, 2, start=2)), "application/feed+json"
    )
    await bot.send(f"/feed add {site.url('/atom')}", user_id=EDITOR)
    # Only items about Volkswagen (stories 1 and 3 are the VW page).
    await bot.send(f"/feed add {site.url('/json')} volkswagen", user_id=EDITOR)
    await poll(bot)
    found = await bot.services.archive.articles.added_after(0, 100, limit=10)
    assert sorted((a.source, a.published.isoformat(), a.text.split(".")[0]) for a in found) == [
        ("Atom Wire", "2019-11-20", "story0"),
        ("Atom Wire", "2019-11-20", "story1"),
        ("JSON Wire", "2019-11-21", "story3"),
    ]


async def test_a_feed_that_carries_full_text_is_not_fetched_again(
    bot: Harness, site: WebSite
) -> None:
    body = "<p>" + "Raqqa civilians fled the fighting on Tuesday. " * 40 + "</p>"
    link = site.url("/never-fetched")
    feed = rss("Full Wire", [Item("g1", link, "Raqqa fighting", content=body)])
    site.pages["/feed"] = Page(feed, RSS)
    await bot.send(f"/feed add {site.url('/feed')}", user_id=EDITOR)
    await poll(bot)
    article = await bot.services.archive.articles.get(1)
    assert article is not None and article.title == "Raqqa fighting"
    assert article.text.startswith("Raqqa civilians fled the fighting on Tuesday.")
    assert ("/never-fetched", None) not in site.requests


async def test_the_same_article_in_two_feeds_is_stored_once(bot: Harness, site: WebSite) -> None:
    items = serve_items(site, 2)
    tracked = [Item(f"other-{i.guid}", i.link + "?utm_source=rss", i.title) for i in items]
    site.pages["/a"] = Page(rss("A", items), RSS)
    site.pages["/b"] = Page(rss("B", tracked), RSS)
    await bot.send(f"/feed add {site.url('/a')}", user_id=EDITOR)
    await poll(bot)
    await bot.send(f"/feed add {site.url('/b')}", user_id=EDITOR)
    site.requests.clear()
    await poll(bot)
    # The pages name their canonical address: the tracked links lead to the same articles.
    assert (await bot.services.archive.articles.stats()).articles == 2
    assert sorted(p for p, _ in site.requests) == [
        "/b",
        "/story/0?utm_source=rss",
        "/story/1?utm_source=rss",
    ]


async def test_a_failing_feed_backs_off_shows_its_error_and_spares_the_others(
    bot: Harness, site: WebSite
) -> None:
    site.pages["/good"] = Page(rss("Good", serve_items(site, 1)), RSS)
    site.pages["/bad"] = Page(rss("Bad", []), RSS)
    await bot.send(f"/feed add {site.url('/bad')}", user_id=EDITOR)
    await bot.send(f"/feed add {site.url('/good')}", user_id=EDITOR)
    del site.pages["/bad"]
    await poll(bot)
    assert (await bot.services.archive.articles.stats()).articles == 1
    store: FeedStore = bot.services.feeds.store
    waits = []
    for _ in range(10):
        feed = await store.get(1)
        assert feed is not None
        waits.append(feed.next_poll_at - bot.clock.now())
        bot.clock.set(feed.next_poll_at)
        await poll(bot)
    assert [w.total_seconds() / 60 for w in waits] == [20, 40, 80, 160, 320, 640, 1280] + [1440] * 3
    listing = await bot.send("/feeds", user_id=EDITOR)
    assert "last error: The server answered 404 Not Found." in listing[0]
    assert "#1 Bad" in listing[0] and "#2 Good" in listing[0]
    # The error is kept as a phrase: each editor reads it in their language.
    [russian] = await bot.send("/feeds", user_id=EDITOR, language_code="ru")
    assert "последняя ошибка: Сервер ответил 404 Not Found." in russian


async def test_items_whose_page_cannot_be_read_show_in_feeds_until_read(
    bot: Harness, site: WebSite
) -> None:
    items = serve_items(site, 2)
    missing = site.url("/story/gone")
    site.pages["/feed"] = Page(rss("Wire", [*items, Item("g-gone", missing, "Gone")]), RSS)
    url = site.url("/feed")
    await bot.send(f"/feed add {url}", user_id=EDITOR)
    await poll(bot)
    # The poll worked, but one item brought nothing: said, or the feed looks healthy.
    assert await bot.send("/feeds", user_id=EDITOR) == [
        f"#1 Wire\n   {url}\n   2 articles; last success: 2026-11-25 06:00 UTC\n"
        "   last error: new items whose page could not be read: 1 (the first, "
        f"{missing}: The server answered 404 Not Found.); tried again at the next poll "
        "(next try 2026-11-25 06:10 UTC)"
    ]
    [russian] = await bot.send("/feeds", user_id=EDITOR, language_code="ru")
    assert (
        "новые записи, страницу которых не удалось прочитать: 1 (первая — "
        f"{missing}: Сервер ответил 404 Not Found.)"
    ) in russian
    site.html("/story/gone", article_page(TITAN, "gone"))
    bot.clock.advance(dt.timedelta(minutes=10))
    await poll(bot)
    assert await bot.send("/feeds", user_id=EDITOR) == [
        f"#1 Wire\n   {url}\n   3 articles; last success: 2026-11-25 06:10 UTC"
    ]


async def test_hostile_feeds_get_an_error_and_store_nothing(bot: Harness, site: WebSite) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "lol">'
        + b"".join(
            f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">'.encode() for n in range(9)
        )
        + b']><rss version="2.0"><channel><title>&j;</title><item><title>&j;</title>'
        b"<description>&j;</description></item></channel></rss>"
    )
    # 50,000 items in 1.3 MB: under the byte limit, over the item limit.
    many = (
        b'<rss version="2.0"><channel><title>Many</title>'
        + b"".join(b"<item><guid>%d</guid></item>" % n for n in range(50_000))
        + b"</channel></rss>"
    )
    site.pages["/laughs"] = Page(laughs, RSS)
    site.pages["/many"] = Page(many, RSS)
    site.pages["/html"] = Page(b"<html><body><p>not a feed</p></body></html>")
    for path in ("/laughs", "/many", "/html"):
        replies = await bot.send(f"/feed add {site.url(path)}", user_id=EDITOR)
        assert replies[0].startswith(f"Could not follow {site.url(path)}: "), replies
    assert (
        "declares XML entities"
        in (await bot.send(f"/feed add {site.url('/laughs')}", user_id=EDITOR))[0]
    )
    assert (
        "The feed lists 50,000 items; the limit is 1,000."
        in (await bot.send(f"/feed add {site.url('/many')}", user_id=EDITOR))[0]
    )
    assert (await bot.services.archive.articles.stats()).articles == 0
    assert await bot.send("/feeds", user_id=EDITOR) == [
        "No feeds yet. Follow one with /feed add &lt;url&gt; [topic words]."
    ]


async def test_feed_commands_are_for_editors(bot: Harness, site: WebSite) -> None:
    refusal = [
        "Sorry, only the newsroom's editors can add or change articles. "
        "You can ask me anything about the archive, though."
    ]
    assert await bot.send(f"/feed add {site.url('/x')}", user_id=READER) == refusal
    assert await bot.send("/feeds", user_id=READER) == [
        "Sorry, only the newsroom's editors can use that command. "
        "You can ask me anything about the archive, though."
    ]
    assert await bot.send("/feed", user_id=EDITOR) == [
        "Usage: /feed add &lt;url&gt; [topic words], /feed remove &lt;n&gt;; "
        "/feeds lists the feeds."
    ]
    site.pages["/f"] = Page(rss("F", []), RSS)
    await bot.send(f"/feed add {site.url('/f')}", user_id=EDITOR)
    # As `newsbot feed list` writes it: it was answered with the usage line.
    listed = await bot.send("/feeds", user_id=EDITOR)
    assert listed[0].startswith("#1 F\n")
    assert await bot.send("/feed list", user_id=EDITOR) == listed
    assert await bot.send("/feed list", user_id=READER) == refusal
    assert await bot.send(f"/feed add {site.url('/f')}", user_id=EDITOR) == [
        "Already following that feed as #1: F."
    ]
    assert await bot.send("/feed remove 1", user_id=EDITOR) == [
        "Stopped following feed #1: F. Its articles stay."
    ]
    assert await bot.send("/feed remove 1", user_id=EDITOR) == [
        "There is no feed #1; /feeds lists them."
    ]


def test_a_feed_address_typed_without_its_scheme_is_an_https_one() -> None:
    # Feeds are listed so ("feeds.bbci.co.uk/news/rss.xml"); "Only http and https addresses
    # are fetched" told a newcomer nothing. (Not fetched here: tests reach no outside site.)
    assert leading_address("reuters.com/rss syria raqqa") == (
        "https://reuters.com/rss",
        "syria raqqa",
    )
    assert leading_address("feeds.bbci.co.uk/news/rss.xml") == (
        "https://feeds.bbci.co.uk/news/rss.xml",
        "",
    )
    # Words that are no site's address stay as typed (fetching says why they cannot be).
    for typed in ("syria", "e.g.", "3.5", "localhost/feed", "ftp://x.org/rss"):
        assert leading_address(typed) == (typed, "")


async def test_a_feed_of_a_word_is_no_address(bot: Harness) -> None:
    # "Only http and https addresses are fetched" said that of a word with no scheme at all.
    for typed in ("syria", "localhost/feed"):
        assert await bot.send(f"/feed add {typed}", user_id=EDITOR) == [
            f"Could not follow {typed}: That is not a valid web address."
        ]
    assert await bot.send("/feed add ftp://x.org/rss", user_id=EDITOR) == [
        "Could not follow ftp://x.org/rss: Only http and https addresses are fetched."
    ]


async def test_a_feed_address_with_a_space_is_refused_not_followed_up_to_it(
    bot: Harness, site: WebSite
) -> None:
    # The part before the space was fetched ("Could not follow http://a: ... no site has that
    # name"), or a feed that page names was followed, with the rest taken for topic words.
    site.pages["/news"] = Page(rss("News", serve_items(site, 1)), RSS)
    spaced = "That address has a space in it, so nothing was fetched; write it without the space."
    assert await bot.send("/feed add http://a b/", user_id=EDITOR) == [
        f"Could not follow http://a b/: {spaced}"
    ]
    address = f"{site.url('/news')} feeds/rss.xml"
    assert await bot.send(f"/feed add {address} syria", user_id=EDITOR) == [
        f"Could not follow {address}: {spaced}"
    ]
    assert site.requests == []
    assert await bot.services.feeds.listed() == []
    # Topic words after a whole address are topic words.
    assert await bot.send(f"/feed add {site.url('/news')} syria raqqa", user_id=EDITOR) == [
        "Following feed #1: News (1 item now). New articles are fetched every 10 minutes."
    ]
    [feed] = await bot.services.feeds.listed()
    assert feed.topics == "syria raqqa"


async def test_two_processes_never_poll_one_feed_at_once(bot: Harness, site: WebSite) -> None:
    site.pages["/f"] = Page(rss("F", serve_items(site, 2)), RSS)
    await bot.send(f"/feed add {site.url('/f')}", user_id=EDITOR)
    core = bot.services
    other = FeedService(
        FeedStore(core.db), core.web, core.archive, core.clock,
        worker="other", interval=core.feeds.interval,
    )  # fmt: skip
    claimed = await other.store.claim(
        "other", now=core.clock.now(), lease=dt.timedelta(minutes=15), limit=10
    )
    assert [f.id for f in claimed] == [1]
    # While "other" holds the lease, this process finds nothing to poll.
    assert (await core.feeds.poll_due()).feeds == 0
    # "other" died (kill -9) without finishing: once its lease lapses, the feed is taken over.
    core.clock.advance(dt.timedelta(minutes=16))
    report = await core.feeds.poll_due()
    assert (report.feeds, report.stored) == (1, 2)
    # The dead process's late write is refused: the lease is no longer its.
    assert not await other.store.failed(1, "other", "late", next_poll_at=core.clock.now())


async def test_a_sites_page_leads_to_the_feed_it_names(bot: Harness, site: WebSite) -> None:
    site.pages["/news/feed.xml"] = Page(rss("Space Wire", serve_items(site, 1)), RSS)
    home = site.html(
        "/news/",
        '<html><head><link rel="stylesheet" href="/a.css">'
        '<link rel="alternate" type="application/rss+xml" title="Space Wire" href="feed.xml">'
        "</head><body><h1>Space Wire</h1></body></html>",
    )
    assert await bot.send(f"/feed add {home}", user_id=EDITOR) == [
        f"Following feed #1: Space Wire ({site.url('/news/feed.xml')}, the feed that page "
        "names) (1 item now). New articles are fetched every 10 minutes."
    ]
    # The feed is followed, not the page; a page that names none is refused as before.
    [feed] = await bot.services.feeds.listed()
    assert feed.url == site.url("/news/feed.xml")
    plain = site.html("/about", "<html><body><p>About us</p></body></html>")
    [refused] = await bot.send(f"/feed add {plain}", user_id=EDITOR)
    assert refused == (
        f"Could not follow {plain}: That is a web page, not a feed, and it names no feed: "
        "give the address of the site's RSS or Atom feed."
    )
    # A page naming a feed that is gone: the page was found, the feed it names was not.
    gone = site.html(
        "/old/",
        '<html><head><link rel="alternate" type="application/rss+xml" href="/old/rss">'
        "</head><body><h1>Old site</h1></body></html>",
    )
    assert await bot.send(f"/feed add {gone}", user_id=EDITOR) == [
        f"Could not follow {gone}: That page names the feed {site.url('/old/rss')}, which "
        "could not be read: The server answered 404 Not Found."
    ]
    # A news page's markup, which the feed parser called a "mismatched tag", is a page too.
    article = site.html("/story", page(TITAN))
    [refused] = await bot.send(f"/feed add {article}", user_id=EDITOR)
    assert refused.endswith(
        ": That is a web page, not a feed, and it names no feed: "
        "give the address of the site's RSS or Atom feed."
    )
