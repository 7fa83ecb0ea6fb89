"""One article length limit, after white space; keyword stuffing refused; no file without a
size limit; at DEBUG the log never writes an article."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.articles.archive import MAX_ARTICLE_CHARS, Archive, ImportRecord, RejectedInput
from bot.articles.files import read_records
from bot.cli.main import main
from bot.clock import ManualClock
from bot.logs import setup_logging
from bot.services import open_services
from bot.settings import Settings
from tests.conftest import EDITOR, READER, START, Harness, seed_text


def build(archive: Archive, text: str) -> str:
    try:
        return archive.build(text).title
    except RejectedInput as exc:
        return f"refused: {exc}"


async def test_a_text_that_is_mostly_one_word_is_refused_and_cannot_outrank(bot: Harness) -> None:
    stuffed = "Raqqa " * 33_000  # the 198 KB article that ranked first
    assert await bot.send(seed_text(), user_id=EDITOR)
    file_id, _ = bot.fake.add_file(stuffed.encode())
    replies = await bot.send(user_id=EDITOR, document=(file_id, "raqqa.txt", len(stuffed)))
    assert replies == ["That text is mostly one word repeated (“raqqa”): it is not an article."]
    padded = "Civilians fled Raqqa on Monday as the fighting came closer. " + "Raqqa " * 400
    assert build(bot.services.archive, padded).startswith("refused: That text is mostly")
    answers = await bot.services.questions.ask("civilians trapped in Raqqa?")
    assert [hit.article.id for hit in answers.hits] == [1]
    # An ordinary article that names its subject often is kept.
    reports = " ".join(
        f"Raqqa report {n}: shelling near the old city, residents said." for n in range(40)
    )
    assert not build(bot.services.archive, reports).startswith("refused")
    assert await bot.send("Raqqa shelling?", user_id=READER)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Raqqa, RAQQA. raqqa! " * 40, "raqqa"),
        ("Raqqa,Raqqa;Raqqa/" * 400, "raqqa"),  # glued by punctuation: one token per 400
        ("«Raqqa» " * 30 + "the city under siege, again and again " * 6, "raqqa"),
        (" ".join(f"word{n}" for n in range(500)), None),
        ("— " * 200 + " ".join(f"word{n}" for n in range(100)), None),  # dashes are no word
    ],
)
def test_stuffing_is_counted_without_case_and_punctuation(text: str, word: str | None) -> None:
    from bot.articles.fields import stuffed_word

    assert stuffed_word(text) == word
    assert stuffed_word(seed_text()) is None


async def test_html_is_judged_by_its_text_not_its_tags(bot: Harness) -> None:
    text = "Engineers inspected the Tabqa dam after the floods. " * 10  # about 500 characters
    page = "<div>" * 100_000 + text + "</div>" * 100_000
    [record] = read_records("page.html", page.encode()).records
    assert build(bot.services.archive, record.text).startswith("Engineers inspected")
    # The limit is the same for every path, counted after white space is folded.
    spaced = "".join(f"word{n}" + " " * 40 + "\n\n" for n in range(10_000))  # 480,000 raw
    assert not build(bot.services.archive, spaced).startswith("refused")
    long = "Every word counts here. " * (MAX_ARTICLE_CHARS // 20)
    assert build(bot.services.archive, long).startswith(
        f"refused: That text is too long to be one article ({len(long) - 1:,} characters; "
    )


def test_text_and_html_files_have_a_size_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("MAX_FILE_BYTES", "1000")
    (tmp_path / "big.txt").write_text("Long report. " * 100, encoding="utf-8")
    (tmp_path / "big.jsonl").write_text('{"text": "' + "x" * 2000 + '"}\n', encoding="utf-8")
    url = f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}"
    assert main(["--database-url", url, "import", "--quiet", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "0 stored, 0 duplicates, 2 refused (1 unreadable line, 1 file)" in (captured.out)
    assert "big.txt: 0.0 MiB; the limit for one article file is 0.0 MiB" in captured.err


def test_import_refuses_binary_read_as_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    (tmp_path / "photo.txt").write_bytes(bytes(range(1, 256)).decode("latin-1").encode() * 8)
    url = f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}"
    assert main(["--database-url", url, "import", "--quiet", str(tmp_path / "photo.txt")]) == 0
    captured = capsys.readouterr()
    assert captured.out == ("Imported from 1 file: 0 stored, 0 duplicates, 1 refused (1 record).\n")
    assert captured.err == (
        f"  {tmp_path / 'photo.txt'}: That looks like binary data, not an article: much of it "
        "is control characters, symbols or unreadable bytes.\n"
    )


async def test_at_debug_the_sql_log_does_not_write_articles(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))
    level = root.level
    setup_logging("DEBUG")
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    root.addHandler(Keep())
    try:
        services = await open_services(settings, clock=ManualClock(START))
        try:
            text = "The secret source said zanzibarite deposits were found near Deir ez-Zor."
            await services.archive.import_records([ImportRecord(text=text, external_id="z")])
            await services.questions.ask("zanzibarite deposits?")
        finally:
            await services.close()
    finally:
        for name in ("sqlalchemy.engine", "aiosqlite"):
            logging.getLogger(name).setLevel(logging.NOTSET)
        root.setLevel(level)  # through setLevel: loggers forget what they cached at DEBUG
    assert any("INSERT INTO articles" in line for line in seen)  # statements are logged
    assert not any("zanzibarite" in line for line in seen)


def test_a_jsonl_file_as_windows_and_older_tools_write_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A byte order mark, CRLF line ends, a byte that is not UTF-8 (Latin-1's "é"), and a
    # line of no-break spaces: four articles and a blank line, none of them refused.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    texts = [
        f"Report {n}: shelling resumed overnight near the airport, residents said." for n in "1234"
    ]
    lines = [json.dumps({"text": t}).encode() for t in texts]
    lines[2] = lines[2].replace(b"residents", b"r\xe9sidents")
    data = b"\xef\xbb\xbf" + b"\r\n".join([*lines[:2], "\u00a0\u00a0".encode(), *lines[2:]])
    (tmp_path / "windows.jsonl").write_bytes(data + b"\r\n")
    url = f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}"
    assert main(["--database-url", url, "import", "--quiet", str(tmp_path / "windows.jsonl")]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "Imported from 1 file: 4 stored, 0 duplicates, 0 refused."
    assert captured.err == ""
    assert main(["--database-url", url, "ask", "--json", "r\ufffdsidents shelling"]) == 0
    [hit] = json.loads(capsys.readouterr().out)["results"][:1]
    assert hit["article_id"] == 3


def test_a_jsonl_file_in_notepads_unicode_is_imported_as_an_upload_of_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # UTF-16 with its byte order mark (Notepad's "Unicode"): uploaded, it was read; imported,
    # each line was "not an article object".
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "index"))
    texts = [
        "Алеппо: водоснабжение восстановлено после недель перебоев.",
        "Raqqa's museum reopened on Sunday after three years of war, its director said.",
    ]
    lines = "\r\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in texts)
    for codec in ("utf-16", "utf-16-be", "utf-32"):
        bom = {"utf-16-be": "\ufeff"}.get(codec, "")
        (tmp_path / f"{codec}.jsonl").write_bytes(f"{bom}{lines}\r\n".encode(codec))
    url = f"sqlite+aiosqlite:///{tmp_path / 'news.sqlite3'}"
    assert main(["--database-url", url, "import", "--quiet", str(tmp_path / "utf-16.jsonl")]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "Imported from 1 file: 2 stored, 0 duplicates, 0 refused."
    assert captured.err == ""
    for codec in ("utf-16-be", "utf-32"):
        assert (
            main(["--database-url", url, "import", "--quiet", str(tmp_path / f"{codec}.jsonl")])
            == 0
        )
        assert capsys.readouterr().out.strip() == (
            "Imported from 1 file: 0 stored, 2 duplicates, 0 refused."
        )
    assert main(["--database-url", url, "ask", "--json", "водоснабжение Алеппо"]) == 0
    [hit] = json.loads(capsys.readouterr().out)["results"][:1]
    assert hit["article_id"] == 1
