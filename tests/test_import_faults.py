"""Imports under hostile records and concurrency: a bad record never costs its neighbours.

On SQLite and PostgreSQL alike: the same fields are cleaned the same way before SQL, and
two imports (or an import and a bot) storing the same articles at once both finish.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

import storage.articles
from bot.articles.archive import ImportRecord
from bot.articles.files import iter_jsonl_lines
from bot.cli.backup import export_lines
from bot.cli.main import main
from bot.clock import ManualClock
from bot.services import Services, open_services
from bot.settings import Settings
from storage.backup import import_rows
from tests.conftest import START, make_settings

BOTH_BACKENDS = True


def article(n: int) -> str:
    return f"Reservoir report {n}: the engineers measured marker{n} at the dam this morning."


def line(n: int, **fields: object) -> str:
    return json.dumps({"id": f"r-{n}", "title": f"Report {n}", "text": article(n), **fields})


HOSTILE = {
    6: line(6, title="Dam \ud800 report"),  # a lone surrogate (the line 6,000)
    7: line(7, title="Nul\x00title", source="SA\x00NA"),
    8: line(8, id="x\x00y"),
    9: line(9, source="S" * 300),  # over the column: cut, the article kept
    10: line(10, id="i" * 201),  # an id that does not fit: refused
    11: line(11, date="18 March"),  # refused with its reason, never dated today
    12: line(12, url="http://x/" + "u" * 3000),
    13: line(13, title="Two\nlines\r\tof title"),
    14: line(14, id=12345),  # a number is an id too
}


def hostile_file() -> list[str]:
    return [HOSTILE.get(n, line(n)) for n in range(1, 41)]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`newsbot` run in-process from a scratch folder, with its index there."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))


async def open_bot(settings: Settings) -> Services:
    return await open_services(settings, clock=ManualClock(START))


async def test_bad_fields_are_cleaned_or_refused_with_their_line(settings: Settings) -> None:
    services = await open_bot(settings)
    try:
        bad: list[int] = []
        records = iter_jsonl_lines(iter(hostile_file()), bad, label="events.jsonl")
        report = await services.archive.import_records(records, batch_size=7)
        assert bad == []
        assert [str(reason) for reason in report.rejected] == [
            "events.jsonl line 10: That article cannot be stored: its id is 201 characters "
            "long; the limit is 200.",
            "events.jsonl line 11: its date “18 March” is not a date (write YYYY-MM-DD)",
            "events.jsonl line 12: That article cannot be stored: its url is 3,009 characters "
            "long; the limit is 2,048.",
        ]
        assert (report.added, report.duplicates) == (37, 0)
        stored = await services.archive.articles.get_many(list(range(1, 38)))
        by_marker = {a.text.split("marker")[1].split()[0]: a for a in stored.values()}
        assert by_marker["6"].title == "Dam ? report"
        assert (by_marker["7"].title, by_marker["7"].source) == ("Nultitle", "SANA")
        assert by_marker["8"].external_id == "xy"
        assert by_marker["9"].source == "S" * 199 + "…"
        assert by_marker["13"].title == "Two lines of title"
        assert by_marker["14"].external_id == "12345"
        # Search has every stored article.
        assert services.index.num_docs() == 37
    finally:
        await services.close()


def test_the_import_command_counts_stored_duplicates_and_refused(
    settings: Settings, tmp_path: Path, cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "events.jsonl").write_text(
        "\n".join([*hostile_file(), "not json", line(3)]), encoding="utf-8"
    )
    (folder / "fake\nImported from 9 file(s): 999 stored.txt").write_text(
        "Short.", encoding="utf-8"
    )
    (folder / "binary.html").write_bytes(b"\x00\x01\x02" * 10)
    # A photo renamed, with no NUL near its start: binary too, as the chat says it.
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(1, 256)) * 64)
    (folder / "README").write_text("not an article", encoding="utf-8")
    url = ["--database-url", settings.database_url]
    assert main([*url, "import", "--quiet", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "Imported from 4 files: 37 stored, 1 duplicate, 7 refused (4 records, "
        "1 unreadable line, 2 files).",
        "Skipped 1 file that is not an article: README",
    ]
    problems = captured.err.splitlines()
    assert problems[0] == f"  {folder}/binary.html: That file is binary, not text."
    assert problems[1] == f"  {folder}/photo.txt: That file is binary, not text."
    assert problems[2] == f"  {folder}/events.jsonl: 1 line is not an article object (line 41)"
    # The newline in a name is shown escaped: it cannot start a line of its own.
    assert not any(p.startswith("Imported") for p in problems)
    assert "fake\\nImported from 9 file(s): 999 stored.txt: That is too short to keep" in (
        captured.err
    )


def test_a_path_that_is_no_file_is_named_for_what_it_is(
    settings: Settings, tmp_path: Path, cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    url = ["--database-url", settings.database_url]
    # A folder of no article file was "Imported from 0 file(s): 0 stored", exit status 0.
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "README").write_text("not an article", encoding="utf-8")
    paths = [os.devnull, str(tmp_path / "gone.jsonl"), str(tmp_path / "empty")]
    assert main([*url, "import", "--quiet", *paths, str(tmp_path / "notes")]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        "Imported from 0 files: 0 stored, 0 duplicates, 4 refused (4 files).",
        "Skipped 1 file that is not an article: README",
    ]
    assert captured.err.splitlines() == [
        f"  {os.devnull}: not a file or folder",
        f"  {tmp_path}/gone.jsonl: no such file or folder",
        f"  {tmp_path}/empty: no .jsonl, .txt, .md or .html file in it",
        f"  {tmp_path}/notes: no .jsonl, .txt, .md or .html file in it",
    ]


async def test_two_imports_of_the_same_articles_at_once_both_finish(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = await open_bot(settings), await open_bot(settings)
    try:
        records = [ImportRecord(text=article(n), external_id=f"r-{n}") for n in range(200)]
        # Each batch's check reads "nothing stored yet", as when two processes check before
        # either commits: the insert itself must skip what the other stored.
        monkeypatch.setattr(storage.articles, "_known_keys", _nothing_known)
        one, two = await asyncio.gather(
            first.archive.import_records(records, batch_size=50),
            second.archive.import_records(list(reversed(records)), batch_size=50),
        )
        assert one.added + two.added == 200
        assert one.added + one.duplicates == two.added + two.duplicates == 200
        stats = await first.archive.articles.stats()
        assert stats.articles == 200
    finally:
        await first.close()
        await second.close()


async def _nothing_known(session: object, batch: object) -> tuple[set[str], set[str], set[str]]:
    return set(), set(), set()


NUMBERS = itertools.count(1, 2)
FIELD_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)
FIELD_VALUE = st.one_of(
    st.none(),
    FIELD_TEXT,
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fields=st.fixed_dictionaries(
        {},
        optional={key: FIELD_VALUE for key in ("title", "date", "source", "url", "id")},
    ),
    text=FIELD_TEXT,
)
async def test_any_field_of_a_jsonl_line_is_stored_or_refused_never_an_error(
    settings: Settings, fields: dict[str, object], text: str
) -> None:
    services = await open_bot(settings)
    try:
        n = next(NUMBERS)
        lines = [json.dumps({"text": article(n) + " " + text, **fields}), line(n + 1)]
        bad: list[int] = []
        report = await services.archive.import_records(iter_jsonl_lines(iter(lines), bad))
        # The neighbour is always stored; the hostile line is stored, a duplicate or refused.
        assert report.added + report.duplicates + len(report.rejected) + len(bad) == 2
        neighbour = await services.questions.ask(f"marker{n + 1}", as_of=None, limit=3)
        assert [hit.article.external_id for hit in neighbour.hits][:1] == [f"r-{n + 1}"]
        assert services.index.num_docs() == (await services.archive.articles.stats()).articles
    finally:
        await services.close()


def test_a_first_line_nested_50000_deep_is_a_bad_line_not_a_crash(
    settings: Settings, tmp_path: Path, cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 50_000 + "]" * 50_000 + "\n" + line(1) + "\n", encoding="utf-8")
    assert main(["--database-url", settings.database_url, "import", "--quiet", str(deep)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Imported from 1 file: 1 stored, 0 duplicates, 1 refused")
    assert f"{deep}: 1 line is not an article object (line 1)" in captured.err


def test_restore_streams_the_export_instead_of_reading_it_whole(
    settings: Settings, tmp_path: Path, cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "big.jsonl"
    body = " ".join(f"word{n}" for n in range(700))  # about 5 KB an article
    source.write_text(
        "\n".join(json.dumps({"id": f"b-{n}", "text": f"Report {n}. {body}"}) for n in range(1500)),
        encoding="utf-8",
    )
    url = ["--database-url", settings.database_url]
    assert main([*url, "import", "--quiet", str(source)]) == 0
    export = tmp_path / "export.jsonl"
    assert main([*url, "export", str(export)]) == 0
    empty = make_settings(tmp_path / "restored", index_dir=tmp_path / "index2")
    assert asyncio.run(restored_peak(empty, export)) < export.stat().st_size / 2
    assert main(["--database-url", empty.database_url, "import", str(export)]) == 1
    assert "already has articles" in capsys.readouterr().err


async def restored_peak(settings: Settings, export: Path) -> int:
    """The peak of memory allocated while restoring `export` (reading it whole took 8x)."""
    services = await open_bot(settings)
    try:
        with export.open(encoding="utf-8") as handle:
            tracemalloc.start()
            try:
                counts = await import_rows(services.db, export_lines(handle))
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
        assert counts["articles"] == 1500
        return peak
    finally:
        await services.close()
