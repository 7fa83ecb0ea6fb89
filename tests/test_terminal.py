"""`newsbot chat` and the `newsbot` command as a newcomer meets them (issue 13)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from telegram import Bot

from bot.app import OFFLINE_TOKEN
from bot.cli.chat import run_chat
from bot.cli.main import _import_async, _parser, main, sample_files
from bot.clock import ManualClock
from bot.telegram.offline import FakeBotApi
from tests.conftest import SAMPLE, make_settings
from tests.test_cli import SEED, Console, newsbot
from tests.test_daily_use import story

WAIT = 30  # seconds; a bound on a hang, never a pause: each wait ends when the text shows


class Screen(io.StringIO):
    """The terminal: what the chat printed, and a way to wait for a piece of it."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition()

    def write(self, text: str) -> int:
        with self._changed:
            written = super().write(text)
            self._changed.notify_all()
            return written

    def wait_for(self, piece: str, start: int = 0) -> int:
        """Block until `piece` is printed after `start`; where it ends."""
        with self._changed:
            found = self._changed.wait_for(lambda: piece in self.getvalue()[start:], WAIT)
            assert found, f"{piece!r} never showed; the screen:\n{self.getvalue()[start:]}"
            return self.getvalue().index(piece, start) + len(piece)


class Terminal:
    """`newsbot chat` on a thread of its own, typed into through a pipe, as a person would."""

    def __init__(self, tmp_path: Path, clock: ManualClock, *, as_reader: bool = False) -> None:
        settings = make_settings(
            tmp_path, index_dir=tmp_path / "index", digest_tick_seconds=0.05, editor_ids=frozenset()
        )
        read, write = os.pipe()
        self.screen = Screen()
        self._keys = os.fdopen(write, "w")
        self._keyboard = keyboard = os.fdopen(read)
        self.errors: list[BaseException] = []

        def chat() -> None:
            try:
                asyncio.run(
                    run_chat(
                        settings, inp=keyboard, out=self.screen, as_reader=as_reader, clock=clock
                    )
                )
            except BaseException as exc:
                self.errors.append(exc)

        self.thread = threading.Thread(target=chat, daemon=True)
        self.thread.start()
        self.mark = 0

    def type(self, line: str, *expect: str) -> None:
        self._keys.write(line + "\n")
        self._keys.flush()
        for piece in expect:
            self.mark = self.screen.wait_for(piece, self.mark)

    def paste(self, text: str, *expect: str) -> None:
        self.type("/paste\n" + text + "\n.", *expect)

    def close(self) -> None:
        self._keys.close()  # Ctrl-D
        self.thread.join(WAIT)
        assert not self.thread.is_alive() and self.errors == []
        self._keyboard.close()


def test_a_digest_shows_while_the_prompt_waits(tmp_path: Path) -> None:
    clock = ManualClock(dt.datetime(2027, 3, 1, 7, 59, tzinfo=dt.UTC))
    chat = Terminal(tmp_path, clock)
    chat.type("/subscribe 08:00", "Subscribed: a digest every day at 08:00")
    chat.paste(story("Dam repairs start"), "Saved #1: Dam repairs start (2027-03-01)")
    # Nothing typed from here on: the digest must still arrive when it falls due.
    clock.set(dt.datetime(2027, 3, 1, 8, 0, 1, tzinfo=dt.UTC))
    chat.mark = chat.screen.wait_for("Your 08:00 digest · 1 new article", chat.mark)
    chat.close()


def test_buttons_are_numbered_labels_pressed_by_number_or_label(tmp_path: Path) -> None:
    chat = Terminal(tmp_path, ManualClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)))
    chat.paste(story("Dam repairs start"), "Saved #1")
    chat.type("/delete 1", "Delete #1: Dam repairs start?", "[1] Delete #1  [2] Keep it")
    chat.type("more", "(there is no button to press)")  # never the first button
    chat.type("keep it", "Nothing was deleted.")
    chat.type("/read 1", "Dam repairs start\n2027-03-01")
    chat.type("/delete 1", "[1] Delete #1  [2] Keep it")
    chat.type("1", "Deleted #1: Dam repairs start")
    chat.type("/file", "(usage: /file PATH")
    chat.type("/paste", "(paste the article, then a line holding a single")
    chat.type(".", "(nothing was pasted)")
    chat.type("quit")
    chat.close()
    assert "Traceback" not in chat.screen.getvalue()


def test_read_shows_the_address_of_the_original(tmp_path: Path) -> None:
    chat = Terminal(tmp_path, ManualClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)))
    wire = tmp_path / "wire.jsonl"
    record = {
        "title": "Dam repairs start",
        "text": "Engineers began repairing the Tabqa dam on Monday, officials said.",
        "date": "2027-03-01",
        "url": "https://example.org/dam?a=1&b=2",
    }
    wire.write_text(json.dumps(record) + "\n", encoding="utf-8")
    chat.type(f"/file {wire}", "Imported 1 article")
    chat.type(
        "/read 1",
        "Dam repairs start\n2027-03-01 · /read_1\nLanguage: English (en)\n"
        "original (https://example.org/dam?a=1&b=2)\n",
    )
    chat.close()


def test_more_pages_on_and_a_button_s_notice_shows(tmp_path: Path) -> None:
    chat = Terminal(tmp_path, ManualClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)))
    towns = ("Hama", "Homs", "Idlib", "Deraa", "Raqqa", "Tabqa", "Manbij", "Afrin", "Kobani")
    for number, town in enumerate(towns, start=1):
        chat.paste(story(f"Dam repairs start in {town}"), f"Saved #{number}")
    chat.type("dam repairs", "[1] More ▸")
    chat.type("more", "Results 4–6:", "[1] More ▸")
    # The page was edited in place: its button still knows the question (it lost it once).
    chat.type("more", "Results 7–9:")
    # In another language too: the button's label is "Ещё ▸" (it said there was no button).
    chat.type("/language ru", "Теперь мои ответы здесь на языке: русский.")
    chat.type("dam repairs", "[1] Ещё ▸")
    chat.type("more", "Результаты 4–6:", "[1] Ещё ▸")
    chat.close()
    assert "Traceback" not in chat.screen.getvalue()


def test_a_chart_says_it_is_one(tmp_path: Path) -> None:
    # /trend showed its caption alone, as if the chart had not been drawn.
    chat = Terminal(tmp_path, ManualClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)))
    chat.paste(story("Dam repairs start"), "Saved #1")
    chat.type(
        "/trend dam",
        "“dam”: 1 story, by week from 2027-03-01 to 2027-03-01; busiest week: 2027-03-01, "
        "1 story.\n"
        '(a chart: a terminal shows its caption only; newsbot trend "words" --out chart.png '
        "writes it to a file)\n",
    )
    chat.close()


async def test_a_button_s_notice_reaches_the_terminal() -> None:
    # Telegram shows it over the chat ("That button is out of date."); the fake hands it to the
    # terminal, which prints it, where it was dropped.
    fake = FakeBotApi()
    notices: list[str] = []
    fake.toast_listeners.append(notices.append)
    async with Bot(OFFLINE_TOKEN, request=fake.request()) as bot:
        await bot.answer_callback_query("1")
        await bot.answer_callback_query("2", text="That button is out of date.")
    assert notices == ["That button is out of date."]


def test_a_second_session_adds_articles_too(tmp_path: Path) -> None:
    # Each session numbered its messages from 1, and an article is kept with the message it
    # came from: the second session's first article clashed with the first's ("Sorry, something
    # went wrong on my side").
    clock = ManualClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC))
    for headline, saved in (("Dam repairs start", "Saved #1"), ("Bridge reopens", "Saved #2")):
        chat = Terminal(tmp_path, clock)
        chat.paste(story(headline), f"{saved}: {headline} (2027-03-01)")
        chat.type("/delete 1", "[1] Delete #1  [2] Keep it")
        chat.close()
        assert "Sorry" not in chat.screen.getvalue()
    chat = Terminal(tmp_path, clock)
    chat.paste(story("Power cut"), "Saved #3: Power cut (2027-03-01)")
    chat.close()


def test_chat_as_a_reader(tmp_path: Path) -> None:
    chat = Terminal(
        tmp_path, ManualClock(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)), as_reader=True
    )
    chat.paste(story("Dam repairs start"), "Sorry, only the newsroom's editors can add")
    chat.type("/subscribe 8am", "Subscribed")
    chat.close()


def test_quit_and_ctrl_d_leave_without_a_traceback(workdir: Path) -> None:
    for script in ("quit\n", "civilians trapped in Raqqa?\n"):  # the second ends with Ctrl-D
        result = newsbot("chat", cwd=workdir, stdin=script)
        assert result.returncode == 0 and result.stderr == "", result.stderr


def test_a_broken_pipe_ends_quietly(workdir: Path) -> None:
    assert newsbot("import", "--quiet", str(SEED), cwd=workdir).returncode == 0
    queries = "".join(json.dumps({"query": f"civilians trapped {n}"}) + "\n" for n in range(300))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "TELEGRAM_"))}
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        cwd=workdir,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as ask:
        assert ask.stdin is not None and ask.stdout is not None and ask.stderr is not None
        ask.stdin.write(queries)
        ask.stdin.close()
        first = ask.stdout.readline()  # as `| head -1` does, then it goes away
        ask.stdout.close()
        errors = ask.stderr.read()
        ask.wait(WAIT)
    assert json.loads(first)["query"] == "civilians trapped 0"
    assert "Traceback" not in errors and errors == ""


def test_cli_mistakes_get_one_line_each(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["export", "/nonexistent/dir/x.jsonl"]) == 1
    assert capsys.readouterr().err == (
        "newsbot export: there is no folder /nonexistent/dir to write x.jsonl in\n"
    )
    assert main(["--database-url", "nonsense", "ask", "dam"]) == 2
    assert capsys.readouterr().err.startswith("DATABASE_URL is not a database URL I can use: ")
    url = "postgresql+asyncpg://newsbot:hunter2@127.0.0.1:1/news"
    assert main(["--database-url", url, "ask", "dam"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "newsbot ask: cannot use the database (postgresql+asyncpg://newsbot:***@127.0.0.1:1/news): "
    )
    assert "hunter2" not in err and "Traceback" not in err and err.count("\n") == 1
    assert main(["import", "--quiet", str(SEED)]) == 0
    assert main(["ask", "civilians trapped in Raqqa?", "--as-of", "yesterday"]) == 0
    assert "#1 US-backed forces" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["ask", "dam", "--as-of", "someday"])
    assert "'someday' is not a date: use YYYY-MM-DD, today or yesterday" in capsys.readouterr().err
    # A negative number of processes was taken as none, silently.
    for command, typed in (
        (["import", "--workers", "-3", str(SEED)], "-3"),
        (["ask", "--jsonl", "--workers", "-1"], "-1"),
    ):
        with pytest.raises(SystemExit):
            main(command)
        assert capsys.readouterr().err.splitlines()[-1] == (
            f"newsbot {command[0]}: error: argument --workers: '{typed}': a number of processes "
            "is 0 or more"
        )


def test_an_empty_name_to_import_imports_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `newsbot import "$FILE"` with FILE unset: "" was the current folder, imported whole.
    (workdir / "notes.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    for paths in ([""], [str(SEED), " "]):
        assert main(["import", *paths]) == 2
        assert capsys.readouterr() == ("", "newsbot import: an empty name is no file or folder\n")
    assert sorted(p.name for p in workdir.iterdir()) == ["notes.txt"]


def test_reading_an_archive_in_a_missing_folder_makes_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A mistyped --database-url made the folders and an empty archive, and `ask` said "The
    # archive is empty: import articles first" of an archive that was elsewhere.
    url = f"sqlite+aiosqlite:///{workdir / 'dat' / 'newsbot.sqlite3'}"
    for command in (
        ["ask", "dam"],
        ["ask", "--json", "dam"],
        ["trend", "dam", "--out", "dam.png"],
        ["digest", "--chat", "1", "--preview"],
        ["export", "out.jsonl"],
    ):
        assert main(["--database-url", url, *command]) == 1
        assert capsys.readouterr().err == (
            f"newsbot {command[0]}: there is no folder {workdir / 'dat'}, so no archive in it: "
            "check --database-url or DATABASE_URL (to start an archive there, make the folder "
            "first)\n"
        )
    assert list(workdir.iterdir()) == []
    (workdir / "dat").mkdir()
    assert main(["--database-url", url, "import", "--quiet", str(SEED)]) == 0
    assert main(["--database-url", url, "ask", "civilians trapped in Raqqa?"]) == 0


def test_writing_an_archive_in_a_missing_folder_makes_nothing(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A mistyped DATABASE_URL (./dta for ./data) made the folders and a new, empty archive
    # there: `run` answered "the archive is empty", `import` filled an archive nobody reads.
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///./dta/deep/newsbot.sqlite3")
    for command in (["import", "--quiet", str(SEED)], ["db", "upgrade"], ["chat"], ["run"]):
        assert main(command) == 1
        assert capsys.readouterr() == (
            "",
            f"newsbot {' '.join(command[:2]) if command[0] == 'db' else command[0]}: there is "
            "no folder dta/deep for the archive: check --database-url or DATABASE_URL (to "
            "start an archive there, make the folder first)\n",
        )
    assert list(workdir.iterdir()) == []
    # The default's folder is made: a fresh clone's first command just works.
    monkeypatch.delenv("DATABASE_URL")
    assert main(["db", "upgrade"]) == 0
    assert sorted(p.name for p in (workdir / "data").iterdir()) == ["newsbot.sqlite3"]
    source, target = "sqlite:///./data/newsbot.sqlite3", "sqlite:///./dta/newsbot.sqlite3"
    assert main(["migrate-data", "--from", source, "--to", target]) == 2
    assert capsys.readouterr().err == (
        "newsbot migrate-data: there is no folder dta for --to's archive (make it first)\n"
    )
    assert not (workdir / "dta").exists()


def test_an_id_too_long_for_sql_is_a_usage_error(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It reached SQLite: "OverflowError: Python int too large to convert to SQLite INTEGER",
    # under a traceback.
    huge = "9" * 20
    for argv, where in (
        (["digest", "--chat", huge, "--preview"], "newsbot digest: error: argument --chat"),
        (["feeds", "remove", huge], "newsbot feeds remove: error: argument number"),
    ):
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 2
        err = capsys.readouterr().err
        assert err.endswith(f"{where}: '{huge}' is too large to be an id\n"), err
        assert "Traceback" not in err


def test_a_jsonl_line_without_query_names_the_key(workdir: Path) -> None:
    assert newsbot("db", "upgrade", cwd=workdir).returncode == 0
    result = newsbot("ask", "--jsonl", cwd=workdir, stdin='{"question": "dam"}\n')
    assert json.loads(result.stdout) == {
        "line": 1,
        "error": 'bad request line: the key "query" is missing',
    }


def test_reindex_and_export_show_progress_on_a_terminal_only(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["import", "--quiet", str(SAMPLE / "fakes.jsonl")]) == 0
    capsys.readouterr()
    # In a log or a pipe every redraw was glued on one line ("export: 0 rows [00:00, ? rows/s]
    # export: 528 rows [00:00, ...]export: 1288 rows ..."), as the import's was.
    assert main(["reindex"]) == 0
    assert main(["export", str(workdir / "all.jsonl")]) == 0
    assert capsys.readouterr().err == ""
    console = Console()
    monkeypatch.setattr(sys, "stderr", console)
    assert main(["reindex"]) == 0
    assert "reindex: 100%" in console.getvalue() and "788/788" in console.getvalue()
    assert main(["export", str(workdir / "again.jsonl")]) == 0
    assert "export: " in console.getvalue()


def subparsers(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append((name, sub))
                found += [(f"{name} {n}", s) for n, s in subparsers(sub)]
    return found


def test_every_argument_of_every_subcommand_is_described() -> None:
    undescribed = [
        (name, action.dest)
        for name, sub in [("newsbot", _parser()), *subparsers(_parser())]
        for action in sub._actions
        if not isinstance(action, argparse._SubParsersAction)
        and action.dest != "help"
        and not action.help
    ]
    assert undescribed == []


async def test_a_second_chat_sample_says_the_sample_is_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path, index_dir=tmp_path / "index")
    for _ in range(2):
        assert (
            await _import_async(settings, sample_files(), batch_size=2_000, quiet=True, sample=True)
            == 0
        )
    first, second = capsys.readouterr().out.splitlines()
    assert first == "Imported from 2 files: 789 stored, 16 duplicates, 0 refused."
    # Not "0 stored, 805 duplicates", which reads as something gone wrong.
    assert second == "The sample is in the archive already: nothing new to store."
