"""Several processes on one database: each follows the change feed; moving to PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.services import open_services
from bot.settings import Settings
from tests.conftest import CHANNEL, EDITOR, READER, Harness, make_settings, start_bot, stop_bot
from tests.postgres import fresh_database, postgres_url_or_skip
from tests.test_cli import newsbot

BOTH_BACKENDS = True
DAM = (
    "Tabqa dam repairs begin\n"
    "Engineers began repairing the Tabqa dam on Monday after the spring floods damaged its gates."
)


async def follow(bot: Harness) -> None:
    await bot.app.job_queue.get_jobs_by_name("index:follow")[0].run(bot.app)


async def test_a_second_process_follows_new_edited_and_deleted_articles(
    settings: Settings, tmp_path: Path, clock: ManualClock
) -> None:
    first = await start_bot(settings, clock)
    second = await start_bot(settings.model_copy(update={"index_dir": tmp_path / "two"}), clock)
    try:
        assert await first.send(f"/add {DAM}", user_id=EDITOR) == [
            "Saved #1: Tabqa dam repairs begin (2026-11-25)"
        ]
        assert second.services.index.num_docs() == 0  # not yet: the job has not run
        await follow(second)
        asked = "Tabqa dam repairs?"
        answer = await second.send(asked, user_id=READER)
        assert "/read_1" in answer[0]
        assert answer == await first.send(asked, user_id=READER)

        post = first.updates.channel_post(
            "Talks in Raqqa\nNegotiators met in Raqqa about the water supply.",
            chat_id=CHANNEL,
            message_id=9,
        )
        await first.process(post)
        edit = first.updates.channel_post(
            "Talks in Raqqa\nNegotiators met in Raqqa about the electricity grid.",
            chat_id=CHANNEL,
            message_id=9,
            edited=True,
        )
        await first.process(edit)
        await follow(second)
        hits = await second.services.questions.ask("electricity grid")
        assert [h.article.id for h in hits.hits] == [2]
        assert (await second.services.questions.ask("water supply")).hits == ()

        await first.send("/delete 1", user_id=EDITOR)
        confirm = first.fake.sent[-1]
        assert await first.process(first.updates.callback("delete:1", confirm, user_id=EDITOR)) == [
            "Deleted #1: Tabqa dam repairs begin\n/restore 1 brings it back within 30 days."
        ]
        await follow(second)
        assert second.services.index.num_docs() == 1
        assert (await second.services.questions.ask(asked)).hits == ()
    finally:
        await stop_bot(second)
        await stop_bot(first)


async def test_processed_updates_are_pruned_by_age(bot: Harness) -> None:
    ledger = bot.services.updates
    assert await ledger.claim(1, now=bot.clock.now()) is True
    assert await ledger.claim(1, now=bot.clock.now()) is False
    bot.clock.advance(dt.timedelta(days=3))
    assert await ledger.claim(2, now=bot.clock.now()) is True
    await bot.app.job_queue.get_jobs_by_name("updates:prune")[0].run(bot.app)
    assert await ledger.claim(1, now=bot.clock.now()) is True  # forgotten after two days
    assert await ledger.claim(2, now=bot.clock.now()) is False


@pytest.mark.postgres
async def test_processes_on_one_machine_get_their_own_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    async with fresh_database(postgres_url_or_skip()) as url:
        settings = make_settings(tmp_path, database_url=url)
        one = await open_services(settings)
        two = await open_services(settings)
        assert [s.index_slot.path for s in (one, two) if s.index_slot] == [
            Path("data/index/slot-0"),
            Path("data/index/slot-1"),
        ]
        await one.close()
        three = await open_services(settings)  # a restart reuses the free slot and its index
        assert three.index_slot is not None and three.index_slot.path == Path("data/index/slot-0")
        await two.close()
        await three.close()


async def test_migrate_data_moves_everything_and_can_run_again(
    database_url: str, tmp_path: Path, clock: ManualClock
) -> None:
    source_url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    old = await start_bot(make_settings(tmp_path, database_url=source_url), clock)
    await old.send(f"/add {DAM}", user_id=EDITOR)
    await old.send("/subscribe 08:00 dam", user_id=READER)
    clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    await old.app.job_queue.get_jobs_by_name("digest:dispatch")[0].run(old.app)
    assert len(old.fake.sent) == 3  # saved, subscribed, the digest
    await stop_bot(old)

    runs = [
        newsbot("migrate-data", "--from", source_url, "--to", database_url, "--quiet", cwd=tmp_path)
        for _ in range(2)  # the second run finds everything there and changes nothing
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    tables = {"articles": 1, "audit_log": 2, "chats": 1, "counters": 1, "subscriptions": 1}
    tables["deliveries"] = 1
    done = "Done. Start the bot with DATABASE_URL set to the target; its search index rebuilds."
    # The migrated target has its change counter already (revision 0002); it is raised.
    assert runs[0].stdout.splitlines() == [
        f"{t}: {n} copied, 0 already there"
        if t != "counters"
        else "counters: 0 copied, 1 already there"
        for t, n in tables.items()
    ] + [done]
    assert runs[1].stdout.splitlines() == [
        f"{t}: 0 copied, {n} already there" for t, n in tables.items()
    ] + [done]

    new = await start_bot(
        make_settings(tmp_path, database_url=database_url, index_dir=tmp_path / "new"), clock
    )
    try:
        await new.app.job_queue.get_jobs_by_name("digest:dispatch:start")[0].run(new.app)
        assert new.fake.sent == []  # the digest was delivered before the move: not again
        answer = await new.send("Tabqa dam repairs?", user_id=READER)
        assert "/read_1" in answer[0]
        # New rows continue after the copied ids.
        assert await new.send(f"/add {DAM.replace('Tabqa', 'Raqqa')}", user_id=EDITOR) == [
            "Saved #2: Raqqa dam repairs begin (2026-11-25)"
        ]
        assert await new.send("/subscribe 09:00", user_id=READER) == [
            "Subscribed: a digest every day at 09:00 (UTC). /timezone changes the time zone; "
            "/unsubscribe stops it."
        ]
        assert [s.id for s in await new.services.subscriptions.active()] == [1, 2]
    finally:
        await stop_bot(new)


def test_migrate_data_says_what_is_wrong(tmp_path: Path) -> None:
    same = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    result = newsbot("migrate-data", "--from", same, "--to", same, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (
        2,
        "newsbot migrate-data: --from and --to name the same database\n",
    )
    missing = newsbot(
        "migrate-data",
        "--from",
        f"sqlite:///{tmp_path / 'none.sqlite3'}",
        "--to",
        same,
        cwd=tmp_path,
    )
    assert (missing.returncode, missing.stderr) == (
        2,
        f"newsbot migrate-data: {tmp_path / 'none.sqlite3'} does not exist\n",
    )


async def test_the_same_article_saved_at_once_by_two_processes_is_kept_once(
    database_url: str, clock: ManualClock
) -> None:
    from bot.parsing import content_hash
    from storage.articles import ArticleStore, NewArticle
    from storage.db import Database
    from storage.schema import upgrade

    one, two = Database.from_url(database_url), Database.from_url(database_url)
    try:
        await upgrade(one)
        body = "Engineers began repairing the Tabqa dam on Monday."
        new = NewArticle("Tabqa", body, clock.now().date(), content_hash(body))
        results = await asyncio.gather(
            ArticleStore(one).save(new, now=clock.now()),
            ArticleStore(two).save(new, now=clock.now()),
        )
        assert sorted(r.created for r in results) == [False, True]
        assert {r.article.id for r in results} == {1}
    finally:
        await one.close()
        await two.close()
