"""The newsbot command as a user runs it."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.services import open_services
from bot.settings import Settings, load_settings
from tests.conftest import BACKENDS, SAMPLE, SEED

NO_ARCHIVE = (
    "newsbot {command}: there is no archive in {where} yet: `newsbot import FILE...` (or "
    "--sample) starts one, as do `newsbot run` and `newsbot db upgrade`\n"
)


def newsbot(
    *args: str, cwd: Path, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "EDITOR_"))
    }
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=clean,
        timeout=120,
        check=False,
    )


class Console(io.StringIO):
    """Standard error as a terminal: where the progress bars are drawn."""

    @property
    def encoding(self) -> str:  # (None: the bars are drawn in ASCII)
        return "utf-8"

    def isatty(self) -> bool:
        return True


def test_run_without_token_says_what_to_set(workdir: Path) -> None:
    result = newsbot("run", cwd=workdir)
    assert result.returncode == 2
    assert result.stdout == ""
    # A fresh clone has no .env to "put it in": the line says what to write there.
    assert result.stderr == (
        "TELEGRAM_BOT_TOKEN is not set: add the line TELEGRAM_BOT_TOKEN=<the token @BotFather "
        "gives you> to .env in this folder (.env.example lists every setting) or set it in the "
        "environment; or try the bot offline, with a sample archive, with "
        "`newsbot chat --sample`.\n"
    )


def test_help_says_what_the_command_is_for(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    shown = capsys.readouterr().out
    assert "newsroom bot: keeps a newsroom's archive" in shown
    assert "newsbot chat --sample" in shown
    assert "`" not in shown


@pytest.mark.parametrize(
    ("command", "purpose"),
    [
        (["reindex"], "rebuild the search index and the stories from the database"),
        (["db", "upgrade"], "apply pending migrations"),
        (["db", "current"], "the schema revision"),
        (["feeds", "list"], "the feeds, with their health"),
        (["feed", "poll"], "poll the due feeds now"),
        (["ask"], "ask the archive from the command line"),
    ],
)
def test_each_commands_help_says_what_it_is_for(
    capsys: pytest.CaptureFixture[str], command: list[str], purpose: str
) -> None:
    # `newsbot reindex --help` showed "usage: newsbot reindex [-h]" and nothing else.
    with pytest.raises(SystemExit) as stopped:
        main([*command, "--help"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.split("\n\n")[1] == purpose


def test_feed_is_feeds_as_the_chat_writes_it(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "--quiet", str(SEED)]) == 0
    capsys.readouterr()
    assert main(["feeds", "list"]) == 0
    listed = capsys.readouterr().out
    assert listed == "No feeds.\n"
    assert main(["feed", "list"]) == 0
    assert capsys.readouterr().out == listed


def test_import_then_ask_jsonl(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A newcomer who asks first is told what to do, and nothing is made by asking.
    assert main(["ask", "civilians trapped in Raqqa?"]) == 1
    assert capsys.readouterr() == (
        "",
        NO_ARCHIVE.format(command="ask", where="./data/newsbot.sqlite3"),
    )
    assert list(workdir.iterdir()) == []
    assert main(["import", "--quiet", str(SAMPLE / "fakes.jsonl"), str(SEED)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Imported from 2 files: 789 stored, 16 duplicates, 0 refused.")
    assert main(["import", "--quiet", str(SAMPLE / "fakes.jsonl")]) == 0
    assert "0 stored" in capsys.readouterr().out

    queries = [
        {"query": "civilians trapped in Raqqa?", "as_of": "2017-07-05"},
        {"query": "civilians trapped in Raqqa?", "as_of": "2017-07-01"},
    ]
    stdin = "\n".join(json.dumps(q) for q in queries) + "\nnot json\n"
    result = newsbot("ask", "--jsonl", cwd=workdir, stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    first, second, bad = lines
    assert first["query"] == "civilians trapped in Raqqa?"
    assert len(first["results"]) == 10
    assert set(first["results"][0]) == {
        "article_id",
        "external_id",
        "title",
        "date",
        "source",
        "lang",
        "score",
        "answer",
        "also",
    }
    assert all(r["date"] <= "2017-07-05" for r in first["results"])
    assert all(r["date"] <= "2017-07-01" for r in second["results"])
    assert "2017-07-04" not in {r["date"] for r in second["results"]}
    assert first["results"][0]["external_id"] is None or first["results"][0][
        "external_id"
    ].startswith("fakes-")
    assert bad == {
        "line": 3,
        "error": "bad request line: Expecting value: line 1 column 1 (char 0)",
    }

    single = newsbot("ask", "civilians trapped in Raqqa?", "--json", cwd=workdir)
    assert (
        json.loads(single.stdout)["results"]
        == json.loads(newsbot("ask", "civilians trapped in Raqqa?", "--json", cwd=workdir).stdout)[
            "results"
        ]
    )


def test_chat_answers_in_the_terminal(workdir: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    script = (
        "/paste\n" + seed.strip() + "\n.\ncivilians trapped in Raqqa?\n/subscribe 08:00\nquit\n"
    )
    result = newsbot("chat", cwd=workdir, stdin=script)
    assert result.returncode == 0, result.stderr
    assert "Saved #1: US-backed forces in Syria" in result.stdout
    assert (
        "“The United Nations has expressed concern for up to 100,000 civilians it says are still "
        "trapped in the city.”" in result.stdout
    )
    assert "Subscribed: a digest every day at 08:00 (UTC)" in result.stdout


def test_digest_preview_and_reindex(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["digest", "--chat", "42", "--preview"]) == 0
    assert capsys.readouterr().out == "Chat 42 has no subscriptions.\n"
    assert main(["import", "--quiet", str(SEED)]) == 0
    capsys.readouterr()
    assert main(["reindex"]) == 0
    # It said "reindexed 1 article changes; stories rebuilt for 1 articles".
    assert capsys.readouterr().out == (
        "Headlines, clutter or sources read anew in 0 articles; reindexed 1 article change; "
        "stories rebuilt for 1 article.\n"
    )
    assert main(["ask", "civilians trapped in Raqqa?"]) == 0
    assert "#1 US-backed forces" in capsys.readouterr().out


def test_reindex_progress_ends_at_100_percent(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three changes, two of one article (added, then deleted): two to index, not three.
    second = workdir / "dam.txt"
    second.write_text(
        "Mosul dam repairs resume\n\nEngineers resumed grouting work at the Mosul dam on "
        "Friday after a two-week pause.",
        encoding="utf-8",
    )
    assert main(["import", "--quiet", str(SEED), str(second)]) == 0
    asyncio.run(delete_article(load_settings(), 1))
    capsys.readouterr()
    console = Console()
    monkeypatch.setattr(sys, "stderr", console)
    assert main(["reindex"]) == 0
    bars = [line for line in re.split(r"[\r\n]", console.getvalue()) if "reindex:" in line]
    assert bars[-1].startswith("reindex: 100%|██████████| 2/2 "), bars


async def delete_article(settings: Settings, article_id: int) -> None:
    services = await open_services(settings)
    try:
        assert (await services.archive.delete(article_id)).value is not None
    finally:
        await services.close()


def test_reindex_reads_older_articles_headlines_and_clutter_anew(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "Scores killed in Raqqa. Tags Raqqa airstrikes IS Syria airstrikes Overnight airstrikes "
        "on the city killed 25 civilians, a monitoring group said on Wednesday."
    )
    record = {"title": "Strikes on Raqqa | Jordan Times", "source": "jordantimes", "text": text}
    (workdir / "one.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert main(["import", "--quiet", str(workdir / "one.jsonl")]) == 0
    capsys.readouterr()

    def store_as_an_older_version_did(*, recorded: bool) -> None:
        # The site's name in the headline, the tags not found; `recorded`: with the version
        # of the rules that read it (older versions recorded none).
        with sqlite3.connect(workdir / "data" / "newsbot.sqlite3") as db:
            db.execute("UPDATE articles SET title = ?, clutter = ''", (record["title"],))
            if not recorded:
                db.execute("DELETE FROM counters WHERE name = 'article_reading'")

    def answer() -> dict[str, str]:
        assert main(["ask", "overnight airstrikes on Raqqa", "--json"]) == 0
        [hit] = json.loads(capsys.readouterr().out)["results"]
        return {"title": hit["title"], "answer": hit["answer"][:52]}

    read_anew = {
        "title": "Strikes on Raqqa",
        "answer": "Overnight airstrikes on the city killed 25 civilians",
    }
    # An archive of an older version is read anew at the first start of this one.
    store_as_an_older_version_did(recorded=False)
    assert answer() == read_anew
    # And by `newsbot reindex`, whatever the version recorded.
    store_as_an_older_version_did(recorded=True)
    assert main(["reindex"]) == 0
    assert capsys.readouterr().out.startswith(
        "Headlines, clutter or sources read anew in 1 article;"
    )
    assert answer() == read_anew


def test_an_older_archive_finds_the_source_its_datelines_name_now(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Бейрут (Рейтер) - Силы, поддерживаемые США, прорвали стену вокруг Старого города Ракки."
    (workdir / "one.jsonl").write_text(json.dumps({"text": text}) + "\n", encoding="utf-8")
    assert main(["import", "--quiet", str(workdir / "one.jsonl")]) == 0
    with sqlite3.connect(workdir / "data" / "newsbot.sqlite3") as db:
        # As a version that read no Russian datelines stored it.
        db.execute("UPDATE articles SET source = NULL, clutter = ''")
        db.execute("DELETE FROM counters WHERE name = 'article_reading'")
    capsys.readouterr()
    assert main(["ask", "стену Ракки source:reuters", "--json"]) == 0
    [hit] = json.loads(capsys.readouterr().out)["results"]
    assert hit["source"] == "Reuters"
    assert hit["answer"].startswith("Силы, поддерживаемые США")


def test_every_command_is_in_the_readme() -> None:
    from bot.commands import COMMANDS

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    readme = readme.replace("\\|", "|")  # pipes are escaped inside Markdown tables
    missing = [c.usage for c in COMMANDS if f"`{c.usage}`" not in readme]
    assert missing == []


def test_ask_flags_are_the_question_filters(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = workdir / "two.jsonl"
    lines = [
        {"text": SEED.read_text(encoding="utf-8"), "source": "Reuters", "date": "2017-07-04"},
        {"text": "Civilians trapped in Raqqa wait for a corridor out of the old city.",
         "source": "AFP", "date": "2017-07-05"},
    ]  # fmt: skip
    records.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    assert main(["import", "--quiet", str(records)]) == 0
    capsys.readouterr()
    assert main(["ask", "civilians trapped in Raqqa", "--json", "--source", "reuters"]) == 0
    found = json.loads(capsys.readouterr().out)["results"]
    assert [(r["source"], r["lang"]) for r in found] == [("Reuters", "en")]
    assert main(["ask", "civilians trapped in Raqqa", "--json", "--before", "2017-07"]) == 0
    assert json.loads(capsys.readouterr().out)["results"] == []
    assert main(["ask", "civilians trapped in Raqqa", "--source", "bbc"]) == 0
    assert capsys.readouterr().out == "No article matches that with source:bbc: try without it.\n"
    assert main(["ask", "--source", "bbc"]) == 0
    assert capsys.readouterr().out == "No article passes source:bbc.\n"
    assert main(["ask", "civilians", "--after", "2017-13"]) == 2
    assert capsys.readouterr().err == (
        "newsbot ask: I could not read the date in after:2017-13: write it as 2017-06-01, "
        "2017-06 or 2017.\n"
    )


def test_ask_without_a_word_asks_for_a_question(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `newsbot ask "?"` listed the newest articles.
    for question in ("", "?", "..."):
        assert main(["ask", question]) == 2
        assert capsys.readouterr().err == (
            'newsbot ask: give a question, e.g. newsbot ask "civilians trapped in Raqqa?"\n'
        )
    # Filters alone list the newest articles they pass, as in the chat ("source:reuters").
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    assert main(["ask", "--source", "reuters"]) == 0
    assert capsys.readouterr().out.startswith("The archive is empty: import articles first")


def test_ask_as_of_a_day_before_the_archive_says_so(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It offered spellings the archive holds ("Close words in the archive: raqa."), which
    # find nothing of those days either.
    assert main(["import", "--quiet", str(SEED)]) == 0
    capsys.readouterr()
    assert main(["ask", "raqqa", "--as-of", "2017-07-01"]) == 0
    assert capsys.readouterr().out == "Nothing found dated 2017-07-01 or before.\n"
    assert main(["ask", "raqqa"]) == 0
    assert capsys.readouterr().out.startswith("1. #1 US-backed forces")


def test_db_current_in_a_fresh_folder_makes_no_archive(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An operator's first `newsbot db current` made ./data/newsbot.sqlite3 to say "nothing".
    assert main(["db", "current"]) == 1
    assert capsys.readouterr() == (
        "",
        NO_ARCHIVE.format(command="db current", where="./data/newsbot.sqlite3"),
    )
    assert list(workdir.iterdir()) == []


def test_importing_only_names_that_do_not_exist_makes_no_archive(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A newcomer's mistyped file name made ./data and an empty archive, and the summary said
    # "Imported from 0 files: 0 stored, 0 duplicates, 1 refused (0 records, 0 unreadable
    # lines, 1 file)." before the reason.
    assert main(["import", "--quiet", "artcles.jsonl", "/nope/raqqa.txt"]) == 1
    assert capsys.readouterr() == (
        "",
        "newsbot import: there is no file or folder artcles.jsonl\n"
        "newsbot import: there is no file or folder /nope/raqqa.txt\n"
        "Nothing imported.\n",
    )
    assert list(workdir.iterdir()) == []


def _tables(url: str) -> list[str]:
    async def read() -> list[str]:
        from sqlalchemy import inspect

        from storage.db import Database

        db = Database.from_url(url)
        try:
            async with db.engine.connect() as conn:
                return list(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
        finally:
            await db.close()

    return asyncio.run(read())


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_reading_a_database_with_no_archive_changes_nothing(
    workdir: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # On an empty PostgreSQL database `newsbot ask` ran every migration, and on SQLite made
    # the file, then said "The archive is empty": a read changed the database.
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    where = url.database if url.get_backend_name() == "sqlite" else url.render_as_string()
    # (`db current`, `db check`, `feeds list`, `reindex`... made the file, or every table, to
    # say "nothing", "No feeds." or "reindexed 0 article changes".)
    for command, named in (
        (["ask", "dam"], "ask"),
        (["ask", "--json", "dam"], "ask"),
        (["trend", "dam", "--out", "dam.png"], "trend"),
        (["digest", "--chat", "1", "--preview"], "digest"),
        (["export", "-"], "export"),
        (["db", "current"], "db current"),
        (["db", "check"], "db check"),
        (["feeds", "list"], "feeds list"),
        (["feed", "list"], "feed list"),
        (["feeds", "export-opml", "feeds.opml"], "feeds export-opml"),
        (["feeds", "remove", "1"], "feeds remove"),
        (["feeds", "poll"], "feeds poll"),
        (["reindex"], "reindex"),
    ):
        assert main(["--database-url", database_url, *command]) == 1
        assert capsys.readouterr() == ("", NO_ARCHIVE.format(command=named, where=where))
    assert list(workdir.iterdir()) == []
    if url.get_backend_name() != "sqlite":
        assert _tables(database_url) == []
    # What the line says starts one does.
    assert main(["--database-url", database_url, "import", "--quiet", str(SEED)]) == 0
    assert main(["--database-url", database_url, "ask", "civilians trapped in Raqqa?"]) == 0


def test_an_articles_own_date_wins_over_its_wire_dateline(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The date a file, feed or page gives is the article's; a dateline's day ("BEIRUT, June 3,
    # 2024 (Reuters) -") is where the story was filed, and dates only a text that has no other.
    lead = (
        "BEIRUT, June 3, 2024 (Reuters) - {what} strikes hit the southern suburbs of Beirut, "
        "witnesses said, as ceasefire talks stalled again in Cairo and Doha.\n\n"
        "Residents fled the area before dawn, carrying what they could, and schools were closed "
        "for the day across the district, officials said."
    )
    (workdir / "wire.jsonl").write_text(
        json.dumps(
            {"title": "Jsonl strikes", "text": lead.format(what="Jsonl"), "date": "2024-06-04"}
        )
        + "\n",
        encoding="utf-8",
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in lead.format(what="Page").split("\n\n"))
    (workdir / "page.html").write_text(
        "<!doctype html><html><head><title>Page strikes</title>"
        '<meta property="article:published_time" content="2024-06-04T09:00:00Z">'
        f"</head><body><article><h1>Page strikes</h1>{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    assert main(["import", "--quiet", "wire.jsonl", "page.html"]) == 0
    capsys.readouterr()
    with sqlite3.connect(workdir / "data" / "newsbot.sqlite3") as conn:
        dated = conn.execute("SELECT title, published FROM articles ORDER BY title").fetchall()
    assert dated == [("Jsonl strikes", "2024-06-04"), ("Page strikes", "2024-06-04")]
