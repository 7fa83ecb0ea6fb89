"""`newsbot ask --jsonl` with helper processes: every line answered, in order, as without them."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.conftest import SAMPLE, SEED
from tests.test_cli import newsbot

QUESTIONS = [
    "civilians trapped in Raqqa?",
    "how many died in the Khan Shaykhun attack?",
    "who is Abu Bakr al-Baghdadi?",
    "Manbij 2016-06-14",
    "Idleb airstrikes",
    "lasagna recipe",
    "who won the 2014 world cup?",
    "Aleppo in May 2016",
]
# A line's answer must not wait for the next line: a reply slower than this is a hang.
PATIENCE = 60


@pytest.fixture
def archive(workdir: Path) -> Path:
    assert main(["import", "--quiet", str(SAMPLE / "fakes.jsonl"), str(SEED)]) == 0
    return workdir


def lines(count: int) -> Iterator[str]:
    """Questions as of varied days, with a blank line, a malformed one and one without a query."""
    for number in range(count):
        if number % 25 == 7:
            yield ""
        elif number % 25 == 11:
            yield "not json"
        elif number % 25 == 13:
            yield json.dumps({"as_of": "2017-01-01"})
        else:
            day = f"2017-{number % 12 + 1:02d}-28"
            yield json.dumps({"query": QUESTIONS[number % len(QUESTIONS)], "as_of": day})


def test_a_batch_answered_with_helpers_reads_as_one_answered_alone(archive: Path) -> None:
    batch = "\n".join(lines(150)) + "\n"
    alone = newsbot("ask", "--jsonl", "--workers", "0", cwd=archive, stdin=batch)
    helped = newsbot("ask", "--jsonl", "--workers", "2", cwd=archive, stdin=batch)
    assert (alone.returncode, alone.stderr) == (0, "")
    assert (helped.returncode, helped.stderr) == (0, "")
    assert len(alone.stdout.splitlines()) == 144  # the blank lines have no answer
    assert helped.stdout == alone.stdout


def test_one_line_at_a_time_each_answered_before_the_next_and_a_killed_helper_loses_none(
    archive: Path,
) -> None:
    asked = [line for line in lines(60) if line]
    expected = newsbot(
        "ask", "--jsonl", "--workers", "0", cwd=archive, stdin="\n".join(asked) + "\n"
    ).stdout.splitlines()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "INDEX_DIR")}
    answered = []
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--jsonl", "--workers", "1"],
        cwd=archive,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        try:
            for number, line in enumerate(asked):
                process.stdin.write(line + "\n")
                process.stdin.flush()
                if number == len(asked) // 2:
                    # Killed as it answers (a free helper is given the line first): the line
                    # is answered here. (Forked before the archive was opened.)
                    helpers = _children(process.pid)
                    assert len(helpers) == 1
                    for pid in helpers:
                        os.kill(pid, signal.SIGKILL)
                ready, _, _ = select.select([process.stdout], [], [], PATIENCE)
                assert ready, f"no answer to line {number + 1} before the next was written"
                answered.append(process.stdout.readline().rstrip("\n"))
            process.stdin.close()
            assert process.wait(timeout=PATIENCE) == 0
            assert process.stdout.read() == ""
            assert process.stderr is not None and process.stderr.read() == ""
        finally:
            process.kill()
    assert answered == expected


def _children(pid: int) -> list[int]:
    """The processes `pid` started (Linux: /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.extend(int(child) for child in (task / "children").read_text().split())
    return found


def test_each_malformed_request_line_is_told_what_is_wrong(archive: Path) -> None:
    asked = [
        {"query": None},  # was asked as the word "None", and answered
        {"query": 12},
        {"query": "Raqqa", "as_of": 5},  # was "'int' object is not subscriptable"
        {"query": "Raqqa", "as_of": "2017-99-01"},
        {"as_of": "2017-07-04"},
        [1],
    ]
    stdin = "".join(json.dumps(line) + "\n" for line in asked) + "not json\n"
    result = newsbot("ask", "--jsonl", cwd=archive, stdin=stdin)
    assert (result.returncode, result.stderr) == (0, "")
    query, date = '"query" must be text', '"as_of" must be a date, for example "2017-07-04"'
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"line": 1, "error": f"bad request line: {query}"},
        {"line": 2, "error": f"bad request line: {query}"},
        {"line": 3, "error": f"bad request line: {date}"},
        {"line": 4, "error": f"bad request line: {date}"},
        {"line": 5, "error": 'bad request line: the key "query" is missing'},
        {"line": 6, "error": 'bad request line: the key "query" is missing'},
        {"line": 7, "error": "bad request line: Expecting value: line 1 column 1 (char 0)"},
    ]


def test_a_line_of_bad_bytes_spoils_only_itself(archive: Path) -> None:
    # A text stream stopped at the byte that is no UTF-8: the lines after it were lost.
    # The first line starts with the BOM Windows' editors write.
    good = json.dumps({"query": "civilians trapped in Raqqa?", "as_of": "2017-07-05"}).encode()
    stdin = b"\xef\xbb\xbf" + good + b'\n{"query": "Raqqa \xff"}\n' + good + b"\n"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "INDEX_DIR")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--jsonl"],
        cwd=archive,
        env=env,
        input=stdin,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, b"")
    first, second, third = [json.loads(line) for line in result.stdout.splitlines()]
    assert first == third and first["answered"] is True
    assert second["query"] == "Raqqa \ufffd"
