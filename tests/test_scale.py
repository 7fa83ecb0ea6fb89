"""Several processes on one database: each follows the change feed; moving to PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.articles.archive import ImportRecord
from bot.cli.webhook import SECRET_HEADER, create_webhook_app
from bot.clock import ManualClock
from bot.services import open_services
from bot.settings import Settings
from storage.index_slots import seed_slot
from storage.search_index import IndexChange, SearchIndex
from storage.updates import Claim
from tests.conftest import CHANNEL, EDITOR, READER, Harness, make_settings, start_bot, stop_bot
from tests.support.ports import free_port
from tests.support.postgres import fresh_database, postgres_url_or_skip
from tests.test_cli import newsbot

BOTH_BACKENDS = True
DAM = (
    "Tabqa dam repairs begin\n"
    "Engineers began repairing the Tabqa dam on Monday after the spring floods damaged its gates."
)


async def follow(bot: Harness) -> None:
    await bot.app.job_queue.get_jobs_by_name("index:follow")[0].run(bot.app)


async def test_every_job_runs_however_late(bot: Harness) -> None:
    # APScheduler drops a run more than a second late, with a warning on stderr (seen in
    # `newsbot chat` on a loaded machine): a busy bot's jobs run late instead.
    jobs = bot.app.job_queue.jobs()
    assert {job.name for job in jobs} >= {
        "index:follow",
        "updates:prune",
        "tombstones:purge",
        "stories:warm",
        "digest:dispatch",
        "digest:dispatch:start",
        "feeds:poll",
    }
    # (Before the scheduler starts, a job given no grace time has none set at all.)
    late = [job.name for job in jobs if getattr(job.job, "misfire_grace_time", 1) is not None]
    assert late == []


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


async def test_an_update_to_a_process_that_is_behind_catches_its_index_up_first(
    settings: Settings, tmp_path: Path, clock: ManualClock
) -> None:
    first = await start_bot(settings, clock)
    second = await start_bot(settings.model_copy(update={"index_dir": tmp_path / "two"}), clock)
    try:
        await first.send(f"/add {DAM}", user_id=EDITOR)
        ledger = second.services.updates
        # The claim reads the change counter in the same round trip.
        assert await ledger.claim_and_read_changes(900, now=clock.now()) == Claim(True, 1)
        assert await ledger.claim_and_read_changes(900, now=clock.now()) == Claim(False, 1)
        assert second.services.index.watermark == 0  # the follow job has not run
        web = create_webhook_app(
            second.app, second.settings.model_copy(update={"webhook_secret": SecretStr("s")})
        )
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=web), base_url="http://bot.test"
        ) as http:
            question = second.updates.message("Tabqa dam repairs?", user_id=READER)
            answer = await http.post(
                "/telegram",
                content=json.dumps(question.to_dict()),
                headers={SECRET_HEADER: "s"},
            )
        assert answer.status_code == 200
        assert "/read_1" in second.fake.texts()[0]
        assert second.services.index.watermark == 1
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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    async with fresh_database(postgres_url_or_skip()) as url:
        settings = make_settings(tmp_path, database_url=url)
        one = await open_services(settings)
        await one.archive.import_records([ImportRecord(text=DAM)])
        with caplog.at_level(logging.INFO, logger="bot.services"):
            two = await open_services(settings)  # starts from a copy of slot-0's index
        assert caplog.messages == [
            "search index data/index/slot-1 seeded from another slot at change 1 of 1"
        ]
        assert (two.index.watermark, two.index.num_docs()) == (1, 1)
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
    tables = {"articles": 1, "audit_log": 2, "chats": 1, "counters": 3, "feeds": 0}
    tables |= {"story_bands": 0, "story_decisions": 0, "story_members": 1}
    tables |= {"feed_items": 0, "subscriptions": 1, "deliveries": 1}
    done = "Done. Start the bot with DATABASE_URL set to the target; its search index rebuilds."
    # The migrated target has its article change counter already (revision 0002); it is
    # raised. The story counter and the version of the rules its articles were read by are
    # copied.
    assert runs[0].stdout.splitlines() == [
        f"{t}: {n} copied, 0 already there"
        if t != "counters"
        else "counters: 2 copied, 1 already there"
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


def test_migrate_data_says_which_side_cannot_be_used(tmp_path: Path) -> None:
    # "DATABASE_URL is not a database URL I can use" for a flag, and "[Errno 111] Connect
    # call failed" with no side named.
    source = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    assert newsbot("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": source}).returncode == 0
    wrong = newsbot("migrate-data", "--from", source, "--to", "mysql://x@y/z", cwd=tmp_path)
    assert (wrong.returncode, wrong.stderr) == (
        2,
        "newsbot migrate-data: --to is not a database URL I can use: mysql is not supported: use "
        "sqlite+aiosqlite:///path/to/file.sqlite3 or postgresql+asyncpg://user@host/db\n",
    )
    port = free_port()  # no PostgreSQL there
    target = f"postgresql+asyncpg://newsroom:hunter2pw@127.0.0.1:{port}/news"
    refused = newsbot("migrate-data", "--from", source, "--to", target, cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        f"newsbot migrate-data: cannot use --to postgresql+asyncpg://newsroom:***@127.0.0.1:{port}"
        "/news: "
    )
    assert refused.stderr.count("\n") == 1
    assert "hunter2pw" not in refused.stderr


async def test_the_same_article_saved_at_once_by_two_processes_is_kept_once(
    database_url: str, clock: ManualClock
) -> None:
    from bot.articles.parsing import content_hash
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


def test_a_new_slot_is_seeded_from_another_slots_last_commit(tmp_path: Path) -> None:
    base = tmp_path / "index"
    source = SearchIndex.open(base / "slot-0")
    day = dt.date(2026, 11, 25)
    source.apply(
        [IndexChange(n, f"Report {n}", f"Dam report {n} from Tabqa", day) for n in (1, 2)], 2
    )
    source.apply([IndexChange(1, "", "", None, deleted=True)], 3)
    assert seed_slot(base / "slot-1", base, newest_seq=3) == 3
    copy = SearchIndex.open(base / "slot-1")
    assert (copy.watermark, copy.num_docs()) == (3, 1)
    copy.apply([IndexChange(4, "Raqqa", "Water report from Raqqa", day)], 4)  # writable
    assert copy.num_docs() == 2
    assert source.num_docs() == 1  # the source is untouched
    # A slot ahead of the database (another database's index) is never copied.
    assert seed_slot(tmp_path / "index" / "slot-2", base, newest_seq=2) == 0
    # Nor one whose writer stays busy: the copy would not be of one commit.
    with source.writing():
        assert seed_slot(base / "slot-3", base, newest_seq=9, lock_wait=0.1) == 4
        assert seed_slot(base / "slot-4", base, newest_seq=3, lock_wait=0.1) == 0
    source.close()
    copy.close()


async def test_fetching_articles_for_answers_gives_what_the_store_holds(bot: Harness) -> None:
    await bot.send(f"/add {DAM}", user_id=EDITOR)
    await bot.send(
        "/add Raqqa water\nThe water supply of Raqqa was cut again on Friday.", user_id=EDITOR
    )
    await bot.services.archive.delete(2)
    store = bot.services.archive.articles
    one = await store.get(1)
    assert one is not None and one.created_at.tzinfo is dt.UTC
    # Live articles only, each as `get` gives it (the fetch takes its own path on PostgreSQL).
    assert await store.get_many([1, 2, 3]) == {1: one}
