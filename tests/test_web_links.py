"""Links from editors: the page is fetched, its article stored once and answered 'Saved #N'."""

from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.clock import ManualClock
from bot.settings import Settings
from tests.conftest import EDITOR, FIXTURES, READER, Harness, make_settings, start_bot, stop_bot
from tests.support.web import Page, WebSite

PAGES = FIXTURES / "web-articles"
TITAN = "359fee228518d55b921194561e9ca88e428df81940246f8fac7a75398377daea"
VW = "06ee193de4bd611f7fafbab0c59b0f6fe3495093516720632cd093b24c7a0e98"
TITAN_LINE = (
    "Saved #1: The First Map of Saturn's Moon Titan Just Revealed Some Tantalising Features "
    "(2019-11-19, ScienceAlert)"
)


def page(key: str) -> str:
    return gzip.decompress((PAGES / f"{key}.html.gz").read_bytes()).decode("utf-8")


def truth(key: str) -> str:
    return str(json.loads((PAGES / "ground-truth.json").read_text())[key]["articleBody"])


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(
        tmp_path, database_url=database_url, index_dir=tmp_path / "index", fetch_allow_private=True
    )


async def test_an_editors_link_is_fetched_and_saved(bot: Harness, site: WebSite) -> None:
    url = site.html("/science/titan", page(TITAN))
    assert await bot.send(url, user_id=EDITOR) == [TITAN_LINE]
    article = await bot.services.archive.articles.get(1)
    assert article is not None
    assert (article.source, article.url, article.published.isoformat()) == (
        "ScienceAlert",
        "https://www.sciencealert.com/we-finally-have-a-global-geological-map-of-saturn-s-moon-titan",
        "2019-11-19",
    )
    # The body is the article, without its headline.
    assert article.text.startswith("WASHINGTON (Reuters) - Scientists on Monday unveiled")
    assert article.title not in article.text
    assert truth(TITAN)[:200].split() == article.text[:200].split()
    # And the archive answers from it.
    answers = await bot.send("titan geological map", user_id=READER)
    assert "/read_1" in answers[0]


async def test_a_saved_page_sent_as_a_file_is_read_like_its_link(bot: Harness) -> None:
    # Not its menus ("Trending") as the headline and the upload's day as its date.
    html = page(TITAN).encode()
    file_id, _ = bot.fake.add_file(html)
    assert await bot.send(user_id=EDITOR, document=(file_id, "titan.html", len(html))) == [
        TITAN_LINE
    ]
    article = await bot.services.archive.articles.get(1)
    assert article is not None
    assert article.url == (
        "https://www.sciencealert.com/we-finally-have-a-global-geological-map-of-saturn-s-moon-titan"
    )
    assert article.text.startswith("WASHINGTON (Reuters) - Scientists on Monday unveiled")


async def test_html_files_that_are_no_pages_are_answered_without_logged_errors(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    # The extractors log an ERROR for an empty document or a fragment; an operator would be
    # alerted for every such upload.
    fragment = (
        "<p>Port of Tartus expands</p><p>Russia will lease the port for 49 years and expand "
        "it, officials said on Tuesday.</p>"
    )
    for markup, answer in (
        ("<!DOCTYPE html>", "That doesn't look like an article: there is no text to keep."),
        ("👩🇾 Raqqa", "That is too short to keep as an article"),
        (fragment, "Saved #1: Port of Tartus expands ("),
    ):
        data = markup.encode()
        file_id, _ = bot.fake.add_file(data)
        [reply] = await bot.send(user_id=EDITOR, document=(file_id, "page.html", len(data)))
        assert reply.startswith(answer), reply
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_import_reads_a_saved_page_like_its_link(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = workdir / "titan.html"
    saved.write_text(page(TITAN), encoding="utf-8")
    assert main(["import", "--quiet", str(saved)]) == 0
    capsys.readouterr()
    assert main(["ask", "titan geological map"]) == 0
    assert capsys.readouterr().out.startswith(
        "1. #1 The First Map of Saturn's Moon Titan Just Revealed Some Tantalising Features "
        "(2019-11-19, ScienceAlert)\n"
    )


async def test_add_and_a_forwarded_link_post(bot: Harness, site: WebSite) -> None:
    url = site.html("/vw", page(VW))
    replies = await bot.send(f"/add {url}", user_id=EDITOR)
    assert replies == [
        "Saved #1: The VW ID. SPACE VIZZION is a weird EV sports wagon with a secret message "
        "(2019-11-20, SlashGear)"
    ]
    titan = site.html("/titan", page(TITAN))
    forwarded = await bot.send(
        f"Must read: the first map of Titan\n{titan}",
        user_id=EDITOR,
        forward_from_channel="Space News",
    )
    assert forwarded == [TITAN_LINE.replace("#1", "#2")]
    # A headline beside the address, on its line, is no part of it (an address's own next
    # words would be: "http://a b/"); "24/7" is a headline's.
    for n, beside in enumerate(("Titan's map", "24/7 coverage of Titan"), start=3):
        titan = site.html(f"/titan-{n}", page(TITAN))
        assert await bot.send(f"/add {titan} {beside}", user_id=EDITOR) == [
            "Already in the archive as #2: The First Map of Saturn's Moon Titan Just Revealed "
            "Some Tantalising Features — /read_2"
        ]


async def test_the_same_article_by_other_addresses_is_stored_once(
    bot: Harness, site: WebSite
) -> None:
    # The page names its canonical address: tracking parameters, an amp copy, a mobile host
    # and a redirect all lead to the same article.
    first = site.html("/titan", page(TITAN))
    assert await bot.send(first, user_id=EDITOR) == [TITAN_LINE]
    site.html("/titan/amp", page(TITAN))
    site.pages["/short"] = Page(b"", status=301, headers={"Location": "/titan?utm_source=x"})
    for again in (f"{first}?utm_source=tw&fbclid=1", site.url("/titan/amp"), site.url("/short")):
        replies = await bot.send(again, user_id=EDITOR)
        assert replies == [
            "Already in the archive as #1: The First Map of Saturn's Moon Titan Just Revealed "
            "Some Tantalising Features — /read_1"
        ]
    # The same text under another address is caught by its text.
    site.html("/copy", page(TITAN).replace("sciencealert.com", "copycat.example"))
    replies = await bot.send(site.url("/copy"), user_id=EDITOR)
    assert replies[0].startswith("Already in the archive as #1")
    assert (await bot.services.archive.articles.stats()).articles == 1


async def test_a_readers_link_is_politely_refused(bot: Harness, site: WebSite) -> None:
    url = site.html("/titan", page(TITAN))
    replies = await bot.send(url, user_id=READER)
    assert replies == [
        "Sorry, only the newsroom's editors can add or change articles. "
        "You can ask me anything about the archive, though."
    ]
    assert site.requests == []


async def test_pages_without_an_article_or_unreachable_get_a_clear_answer(
    bot: Harness, site: WebSite
) -> None:
    empty = site.html("/empty", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    assert await bot.send(empty, user_id=EDITOR) == [
        f"Could not add {empty}: That is too short to keep as an article: an article has at "
        "least a sentence of text besides its headline."
    ]
    missing = site.url("/gone")
    assert await bot.send(missing, user_id=EDITOR) == [
        f"Could not add {missing}: The server answered 404 Not Found."
    ]
    loop = site.url("/redirect-loop/0")
    assert await bot.send(loop, user_id=EDITOR) == [
        f"Could not add {loop}: Too many redirects (more than 5)."
    ]
    endless = site.url("/never-ending")
    assert await bot.send(endless, user_id=EDITOR) == [
        f"Could not add {endless}: The page is larger than the limit (5,242,880 bytes)."
    ]
    nested = site.html("/nested", "<html><body>" + "<div>" * 100_000 + "deep" + "</body></html>")
    assert await bot.send(nested, user_id=EDITOR) == [
        f"Could not add {nested}: I found no article text on that page."
    ]
    # In the editor's language, the reason too.
    assert await bot.send(missing, user_id=EDITOR, language_code="ru") == [
        f"Не удалось добавить {missing}: Сервер ответил 404 Not Found."
    ]
    closed = "http://127.0.0.1:9/gone"  # nothing listens on the discard port
    assert await bot.send(closed, user_id=EDITOR) == [
        f"Could not add {closed}: Could not fetch 127.0.0.1: the site could not be reached."
    ]
    assert (await bot.services.archive.articles.stats()).articles == 0


SPACED = "That address has a space in it, so nothing was fetched; write it without the space."


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("/add http://256.1.1.1/", "256.1.1.1 is not a valid host name or IP address."),
        ("/add http://999.0.0.1:80/x", "999.0.0.1 is not a valid host name or IP address."),
        ("/add http://", "That address has no host name."),
        ("/add http://[::1", "That is not a valid web address."),
        # A space typed or pasted into an address: never the part before it (http://a).
        ("/add http://a b/", SPACED),
        ("/add https://www.reuters.com/world/syria- raqqa-dam-2017.html", SPACED),
        ("http://a b/", SPACED),
        ("/add ftp://x", "Only http and https addresses are fetched."),
        ("ftp://files.example.org/report.txt", "Only http and https addresses are fetched."),
    ],
)
async def test_malformed_addresses_are_refused_in_words_before_connecting(
    bot: Harness, message: str, reason: str
) -> None:
    # (Each is refused before any name is looked up: these tests never reach the network.)
    address = message.removeprefix("/add ")
    assert await bot.send(message, user_id=EDITOR) == [f"Could not add {address}: {reason}"]
    assert await bot.send(message, user_id=EDITOR, language_code="fr") == [
        f"Impossible d'ajouter {address} : {FRENCH[reason]}"
    ]


FRENCH = {
    SPACED: (
        "Cette adresse contient une espace, rien n’a donc été récupéré ; écrivez-la sans l’espace."
    ),
    "256.1.1.1 is not a valid host name or IP address.": (
        "256.1.1.1 n’est ni un nom d’hôte ni une adresse IP valide."
    ),
    "999.0.0.1 is not a valid host name or IP address.": (
        "999.0.0.1 n’est ni un nom d’hôte ni une adresse IP valide."
    ),
    "That address has no host name.": "Cette adresse n’a pas de nom d’hôte.",
    "That is not a valid web address.": "Ce n’est pas une adresse web valide.",
    "Only http and https addresses are fetched.": (
        "Seules les adresses http et https sont consultées."
    ),
}


async def test_without_allow_private_the_bot_refuses_local_addresses(
    tmp_path: Path, clock: ManualClock, site: WebSite
) -> None:
    harness = await start_bot(make_settings(tmp_path), clock)
    try:
        url = site.html("/titan", page(TITAN))
        assert await harness.send(url, user_id=EDITOR) == [
            f"Could not add {url}: 127.0.0.1 is not on the public internet; "
            "addresses there are not fetched."
        ]
    finally:
        await stop_bot(harness)
    assert site.requests == []


async def test_a_post_whose_words_link_to_the_article(bot: Harness, site: WebSite) -> None:
    # Channels write "Read more" and link the words (a text_link entity): no address in the text.
    titan = site.html("/titan", page(TITAN))
    teaser = "🛰 Scientists unveil the first global map of Titan. Read more"
    forwarded = await bot.send(
        teaser, user_id=EDITOR, forward_from_channel="Space News", links=[("Read more", titan)]
    )
    assert forwarded == [TITAN_LINE]
    # In a photo's caption too; the same page again is the same article.
    again = await bot.send(
        user_id=EDITOR, caption="Titan, mapped 🗺 details", links=[("details", titan)]
    )
    assert again == [
        "Already in the archive as #1: The First Map of Saturn's Moon Titan Just Revealed Some "
        "Tantalising Features — /read_1"
    ]
    # A long post that links a word is an article of its own, not a link to fetch.
    long_post = "Raqqa residents describe the siege. " * 12 + "Source"
    replies = await bot.send(long_post, user_id=EDITOR, links=[("Source", titan)])
    assert replies[0].startswith("Saved #2:") and "Titan" not in replies[0]
    # A reader's linked post is not fetched.
    refused = await bot.send(teaser, user_id=READER, links=[("Read more", titan)])
    assert [path for path, _ in site.requests].count("/titan") == 2
    assert refused == [
        "Sorry, only the newsroom's editors can add or change articles. You can ask me anything "
        "about the archive, though."
    ]


WIRE_PAGE = """<html><head><title>Quake hits the coast</title>
<link rel="canonical" href="https://{host}/article/quake-hits-the-coast">
</head><body><article><h1>Quake hits the coast</h1><p>Published 2019-11-20</p>
{paragraphs}</article></body></html>"""
QUAKE = (
    "<p>A strong earthquake struck the coast on Monday, officials said, and rescue teams were "
    "sent to the area to search for survivors in the rubble of the old town.</p>"
)


@pytest.mark.parametrize(
    ("host", "source"),
    [
        ("hosted.ap.org", "AP"),
        ("edition.cnn.com", "CNN"),
        ("m.bbc.co.uk", "BBC"),
        ("amp.theguardian.com", "theguardian.com"),
        ("english.ahram.org.eg", "ahram.org.eg"),
    ],
)
async def test_a_page_that_names_no_outlet_is_credited_to_its_sites_domain(
    bot: Harness, site: WebSite, host: str, source: str
) -> None:
    # The wire story's page names no site: its address does, under a service's subdomain.
    url = site.html("/quake", WIRE_PAGE.format(host=host, paragraphs=QUAKE * 3))
    assert await bot.send(url, user_id=EDITOR) == [
        f"Saved #1: Quake hits the coast (2019-11-20, {source})"
    ]


async def test_several_addresses_in_one_message_are_each_fetched(
    bot: Harness, site: WebSite
) -> None:
    # They were stored as one article whose text was the addresses themselves.
    vw, titan = site.html("/vw", page(VW)), site.html("/titan", page(TITAN))
    assert await bot.send(f"/add {vw} {titan}", user_id=EDITOR) == [
        "Saved #1: The VW ID. SPACE VIZZION is a weird EV sports wagon with a secret message "
        "(2019-11-20, SlashGear)",
        TITAN_LINE.replace("#1", "#2"),
    ]
    # A line each, in a private message, the same; a reader's are refused once.
    again = [site.html(f"/titan-{n}", page(TITAN)) for n in range(11)]
    duplicate = (
        "Already in the archive as #2: The First Map of Saturn's Moon Titan Just Revealed "
        "Some Tantalising Features — /read_2"
    )
    assert await bot.send("\n".join(again), user_id=EDITOR) == [duplicate] * 10 + [
        "Only the first 10 addresses of a message are fetched; send the others again."
    ]
    assert await bot.send(f"{vw}\n{titan}", user_id=READER) == [
        "Sorry, only the newsroom's editors can add or change articles. You can ask me anything "
        "about the archive, though."
    ]
    assert (await bot.services.archive.articles.stats()).articles == 2
