"""The database took a change but the search index could not: say so truly, and catch up.

The index lives in its own directory, often on another disk. When writing it fails after the
database committed (the disk under the index is full, the directory is gone), the article is
stored: the editor is told it was saved and that search will find it once the index catches
up, and the index does catch up from the database's change feed once it can be written.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.clock import ManualClock
from bot.settings import Settings
from tests.conftest import (
    EDITOR,
    SEED,
    Harness,
    make_settings,
    seed_text,
    start_bot,
    stop_bot,
)

SECOND = (
    "date 2026-11-20\nMosul dam repairs resume\n\n"
    "Engineers resumed grouting work at the Mosul dam on Friday after a two-week pause, "
    "the ministry of water resources said in a statement. "
    + "The dam holds back the Tigris upstream of the city. "
    * 200
)
EDITED = (
    "Raqqa update\n\nEngineers counted seventeen breaches in the ramparts of the Old City of "
    "Raqqa, the coalition said on Tuesday."
)
LATER = (
    "; search will find it once the search index catches up "
    "(the index could not be updated just now)."
)


async def follow_index(bot: Harness) -> None:
    """The job that applies the database's article changes to the index, run once."""
    [job] = bot.app.job_queue.get_jobs_by_name("index:follow")
    await job.run(bot.app)


async def found(bot: Harness, question: str) -> list[int]:
    return [hit.article.id for hit in (await bot.services.questions.ask(question)).hits]


async def change_while_the_index_fails(bot: Harness) -> None:
    """Add, edit and restore while the index cannot be written: each is stored, and said so."""
    assert await bot.send(SECOND, user_id=EDITOR) == [
        f"Saved #2: Mosul dam repairs resume (2026-11-20)\nIt is stored{LATER}"
    ]
    assert await bot.send(f"/edit 1 {EDITED}", user_id=EDITOR) == [
        f"Edited #1: Raqqa update\nThe new text is stored{LATER}"
    ]
    articles = bot.services.archive.articles
    assert [a.title for a in await articles.added_after(0, 10, limit=10)] == [
        "Raqqa update",
        "Mosul dam repairs resume",
    ]
    entries = await bot.services.audit.recent()
    assert [(e.action, e.article_id) for e in entries] == [("edit", 1), ("add", 2), ("add", 1)]
    # Search still has the old state: the new article is not found yet, #1 by its old words.
    await search_is_behind(bot)


async def search_is_behind(bot: Harness) -> None:
    assert 2 not in await found(bot, "grouting work at the Mosul dam")
    assert bot.services.index.doc_freq("seventeen") == 0
    assert bot.services.index.watermark < await bot.services.archive.articles.last_seq()


async def caught_up(bot: Harness) -> None:
    assert (await found(bot, "grouting work at the Mosul dam"))[:1] == [2]
    assert (await found(bot, "seventeen breaches in the ramparts"))[:1] == [1]
    assert bot.services.index.doc_freq("seventeen") == 1
    assert bot.services.index.watermark == await bot.services.archive.articles.last_seq()


async def test_index_directory_gone_after_the_commit(bot: Harness) -> None:
    assert (await bot.send(seed_text(), user_id=EDITOR))[0].startswith("Saved #1: ")
    index_dir = bot.settings.index_dir
    assert index_dir is not None
    away = index_dir.with_name("index-away")
    index_dir.rename(away)
    index_dir.write_text("not a directory")  # e.g. an unmounted volume
    try:
        await change_while_the_index_fails(bot)
        await follow_index(bot)  # still broken: nothing is applied, nothing crashes
        await search_is_behind(bot)
    finally:
        index_dir.unlink()
        away.rename(index_dir)
    await follow_index(bot)
    await caught_up(bot)


@contextlib.contextmanager
def small_disk(path: Path) -> Iterator[Path]:
    """A 2 MiB file system at `path` (needs the right to mount; skipped without it)."""
    path.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        # Lazily: the index of the stopped bot may still be mapped into this process.
        subprocess.run(["umount", "--lazy", str(path)], check=True)


def fill(disk: Path) -> Path:
    """Write a file until the disk is full; returns it."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


async def test_index_disk_full_after_the_commit(tmp_path: Path, clock: ManualClock) -> None:
    with small_disk(tmp_path / "index-disk") as disk:
        settings = make_settings(tmp_path, index_dir=disk / "index")
        bot = await start_bot(settings, clock)
        try:
            assert (await bot.send(seed_text(), user_id=EDITOR))[0].startswith("Saved #1: ")
            filler = fill(disk)
            await change_while_the_index_fails(bot)
            await follow_index(bot)
            await search_is_behind(bot)
        finally:
            await stop_bot(bot)
        # An admin makes room; the restarted bot catches up from the database at start.
        filler.unlink()
        bot = await start_bot(settings, clock)
        try:
            await caught_up(bot)
        finally:
            await stop_bot(bot)


def test_import_and_start_up_on_a_full_index_disk(
    tmp_path: Path,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "reports.jsonl"
    source.write_text(
        "\n".join(
            json.dumps({"id": f"r-{n}", "text": f"Reservoir report {n}: marker{n} at the dam."})
            for n in range(1, 31)
        ),
        encoding="utf-8",
    )
    with small_disk(tmp_path / "index-disk") as disk:
        settings = make_settings(tmp_path, index_dir=disk / "index")
        monkeypatch.setenv("INDEX_DIR", str(settings.index_dir))
        url = ["--database-url", settings.database_url]
        assert main([*url, "db", "upgrade"]) == 0
        assert main([*url, "reindex"]) == 0  # the index exists, empty
        filler = fill(disk)
        assert main([*url, "import", "--quiet", str(source)]) == 1
        captured = capsys.readouterr()
        assert "Imported from 1 file: 30 stored, 0 duplicates, 0 refused." in captured.out
        assert captured.err.endswith(
            "The articles are stored, but the search index could not be written (No space "
            "left on device): search finds them once there is room; the next newsbot command "
            "(or `newsbot run`) indexes them.\n"
        )
        asyncio.run(full_then_room(settings, clock, filler))


async def full_then_room(settings: Settings, clock: ManualClock, filler: Path) -> None:
    # The bot starts on the full disk, says what is wrong, answers from what the index holds.
    bot = await start_bot(settings, clock)
    try:
        problem = bot.services.archive.index_problem
        assert problem is not None and "No space left on device" in problem
        assert await bot.send("marker7?", user_id=EDITOR)  # answered, not an apology
        assert await found(bot, "marker7") == []
        entries = await bot.services.audit.recent(5)
        assert any("30 added from the command line" in (e.detail or "") for e in entries)
        await asyncio.to_thread(filler.unlink)  # an admin makes room: the follow job catches up
        await follow_index(bot)
        assert bot.services.archive.index_problem is None
        assert await found(bot, "marker7") == [7]
    finally:
        await stop_bot(bot)


async def test_an_index_that_cannot_be_opened_is_replaced_and_rebuilt(
    tmp_path: Path, clock: ManualClock
) -> None:
    settings = make_settings(tmp_path, index_dir=tmp_path / "index")
    bot = await start_bot(settings, clock)
    try:
        assert (await bot.send(seed_text(), user_id=EDITOR))[0].startswith("Saved #1: ")
    finally:
        await stop_bot(bot)
    # A damaged index (a disk error, a bad copy): its metadata is no longer JSON.
    (tmp_path / "index" / "meta.json").write_text("\x00garbage", encoding="utf-8")
    bot = await start_bot(settings, clock)
    try:
        assert await found(bot, "civilians trapped in Raqqa?") == [1]
        assert bot.services.archive.index_problem is None
    finally:
        await stop_bot(bot)
    [aside] = tmp_path.glob("index.unreadable-*")  # noqa: ASYNC240 (a test's own folder)
    assert (aside / "meta.json").read_text(encoding="utf-8") == "\x00garbage"


@pytest.mark.parametrize("under", ["", "index"])
def test_an_index_folder_that_cannot_be_written_is_refused_in_one_line(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    under: str,
) -> None:
    # INDEX_DIR naming a file: the file was moved aside as a damaged index; a folder under a
    # file: the index was kept in memory, rebuilt from the archive at every start, and only a
    # log line said so.
    blocker = workdir / "not-a-folder"
    blocker.write_text("a file where the index's folder should be", encoding="utf-8")
    monkeypatch.setenv("INDEX_DIR", str(blocker / under) if under else str(blocker))
    problem = (
        f"cannot make the folder {blocker / under}: {blocker} is a file"
        if under
        else f"{blocker} is a file, not a folder"
    )
    for command in (["import", "--quiet", str(SEED)], ["reindex"]):
        assert main(command) == 2
        assert capsys.readouterr() == ("", f"invalid settings: INDEX_DIR: {problem}\n")
    assert sorted(p.name for p in workdir.iterdir()) == ["not-a-folder"]
    monkeypatch.delenv("INDEX_DIR")
    (workdir / "data").mkdir()
    (workdir / "data" / "newsbot.index").write_text("", encoding="utf-8")
    assert main(["import", "--quiet", str(SEED)]) == 2
    assert capsys.readouterr().err == (
        "the search index beside the database: data/newsbot.index is a file, not a folder; "
        "set INDEX_DIR to put it elsewhere\n"
    )
