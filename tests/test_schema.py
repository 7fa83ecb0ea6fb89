"""Alembic migrations: they build the models' schema, and start-up migrates only when safe."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.articles.archive import ImportRecord
from bot.cli.main import main
from bot.services import open_services
from bot.settings import Settings
from storage.db import Database
from storage.models import Base
from storage.schema import SchemaError, current_revision, differences, head_revision, upgrade
from tests.conftest import READER, make_settings, start_bot, stop_bot
from tests.test_cli import NO_ARCHIVE, newsbot

BOTH_BACKENDS = True


async def test_migrations_build_exactly_the_models(database_url: str) -> None:
    db = Database.from_url(database_url)
    try:
        assert await current_revision(db) is None
        assert await upgrade(db) == (None, head_revision())
        # Empty: after merging new models, regenerate the first migration (see docs/scaling.md).
        assert await differences(db) == []
        assert await upgrade(db) == (head_revision(), head_revision())
    finally:
        await db.close()


async def test_the_change_counter_is_there_before_the_first_article(database_url: str) -> None:
    # Two processes adding the very first article only ever update it: none has to create it.
    db = Database.from_url(database_url)
    try:
        await upgrade(db)
        async with db.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT name, value FROM counters"))).all()
        assert [tuple(row) for row in rows] == [("article_changes", 0)]
    finally:
        await db.close()


async def test_a_database_from_before_migrations_is_adopted(database_url: str) -> None:
    db = Database.from_url(database_url)
    try:
        await db.create_schema()
        async with db.transaction() as session:
            await session.execute(
                text("INSERT INTO counters (name, value) VALUES ('article_changes', 7)")
            )
        assert await upgrade(db) == (None, head_revision())
        async with db.engine.connect() as conn:
            value = (await conn.execute(text("SELECT value FROM counters"))).scalar_one()
        assert value == 7
    finally:
        await db.close()


async def test_start_up_refuses_a_schema_newer_than_the_bot(settings: Settings) -> None:
    db = Database.from_url(settings.database_url)
    try:
        await upgrade(db)
        async with db.transaction() as session:
            await session.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    finally:
        await db.close()
    with pytest.raises(SchemaError) as raised:
        await open_services(settings)
    assert str(raised.value) == (
        "the database is at schema revision ffff, newer than this version of the bot knows "
        f"({head_revision()}): upgrade the bot"
    )


async def test_without_auto_migrate_start_up_says_what_to_run(settings: Settings) -> None:
    with pytest.raises(SchemaError) as raised:
        await open_services(settings.model_copy(update={"auto_migrate": False}))
    assert str(raised.value) == (
        f"the database schema is at nothing, the bot needs {head_revision()}: "
        "run `newsbot db upgrade` (or set AUTO_MIGRATE=true)"
    )


def test_db_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'news.sqlite3'}"
    head = head_revision()
    # It made the archive's file to say "nothing".
    current = newsbot("--database-url", url, "db", "current", cwd=tmp_path)
    assert (current.returncode, current.stdout, current.stderr) == (
        1,
        "",
        NO_ARCHIVE.format(command="db current", where=tmp_path / "news.sqlite3"),
    )
    assert list(tmp_path.iterdir()) == []
    assert newsbot("--database-url", url, "db", "upgrade", cwd=tmp_path).stdout == (
        f"Schema upgraded from nothing to {head}.\n"
    )
    assert newsbot("--database-url", url, "db", "upgrade", cwd=tmp_path).stdout == (
        f"Schema already at {head}.\n"
    )
    check = newsbot("--database-url", url, "db", "check", cwd=tmp_path)
    assert (check.returncode, check.stdout) == (0, "Models and schema agree.\n")


def test_db_check_before_the_first_upgrade_says_what_to_run(tmp_path: Path) -> None:
    # It printed every table and index the migrations add, as 23 lines of reprs; then it made
    # the archive's file to say that the schema was at nothing.
    url = f"sqlite:///{tmp_path / 'news.sqlite3'}"
    check = newsbot("--database-url", url, "db", "check", cwd=tmp_path)
    assert (check.returncode, check.stdout) == (1, "")
    assert check.stderr == NO_ARCHIVE.format(command="db check", where=tmp_path / "news.sqlite3")
    assert list(tmp_path.iterdir()) == []


async def test_commands_that_only_read_never_migrate(
    workdir: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # With AUTO_MIGRATE=true (the default) `newsbot ask`, `feeds list` and the like upgraded an
    # older archive's schema: a read changed the database, past the version the others ran.
    db = Database.from_url(database_url)
    try:
        older = (await upgrade(db, "0008"))[1]
    finally:
        await db.close()
    head = head_revision()
    reading = (
        f"the archive's schema is at {older}, this version of the bot needs {head}: run "
        "`newsbot db upgrade` first (a command that only reads changes nothing)\n"
    )
    for command, code, said in (
        (["ask", "dam"], 2, reading),
        (["feeds", "list"], 2, reading),
        (["export", "-"], 2, reading),
        (["db", "check"], 1, f"newsbot db: {reading}"),
    ):
        assert await asyncio.to_thread(main, ["--database-url", database_url, *command]) == code
        assert capsys.readouterr() == ("", said)
    assert await asyncio.to_thread(main, ["--database-url", database_url, "db", "current"]) == 0
    assert capsys.readouterr() == (f"{older} (this version's newest: {head})\n", "")
    db = Database.from_url(database_url)
    try:
        assert await current_revision(db) == older
    finally:
        await db.close()


@pytest.mark.parametrize("action", ["current", "check"])
def test_db_reading_a_mistyped_folder_says_so_and_makes_nothing(
    tmp_path: Path, action: str
) -> None:
    # It made the folder and an empty archive there, and said "nothing" (or 23 differences).
    url = "sqlite+aiosqlite:///./dta/news.sqlite3"
    result = newsbot("--database-url", url, "db", action, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"newsbot db {action}: there is no folder dta, so no archive in it: check "
        "--database-url or DATABASE_URL (to start an archive there, make the folder first)\n"
    )
    assert not (tmp_path / "dta").exists()


def test_every_model_table_is_created_by_the_migrations() -> None:
    from storage.schema import MIGRATIONS

    source = "".join(p.read_text() for p in (MIGRATIONS / "versions").glob("*.py"))
    missing = [t for t in Base.metadata.tables if f"'{t}'" not in source and f'"{t}"' not in source]
    assert missing == []


async def test_start_up_migrates_and_keeps_data(
    settings: Settings, tmp_path: Path, clock: object
) -> None:
    bot = await start_bot(settings, clock)  # type: ignore[arg-type]
    await bot.services.archive.import_records([ImportRecord(text="Dam repairs start. " * 3)])
    await bot.send("/subscribe 08:00", user_id=READER)
    await stop_bot(bot)
    again = make_settings(tmp_path, database_url=settings.database_url, index_dir=tmp_path / "i2")
    bot = await start_bot(again, clock)  # type: ignore[arg-type]
    try:
        assert (await bot.services.archive.articles.stats()).articles == 1
        assert [s.time_of_day for s in await bot.services.subscriptions.active()] == ["08:00"]
        assert bot.services.index.num_docs() == 1  # a new index dir catches up from the database
    finally:
        await stop_bot(bot)
