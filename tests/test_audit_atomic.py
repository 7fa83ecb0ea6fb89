"""An article change and its audit entry are stored together, or neither is (issue 6).

The database itself refuses audit entries (a trigger, as a failing disk or a full log table
would) while an editor adds, edits, deletes or restores an article: the change must not be
stored without its entry. Once the log takes entries again, the same action succeeds with
exactly one entry.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.errors import SORRY
from tests.conftest import EDITOR, Harness, seed_text

BOTH_BACKENDS = True
HEADLINE = (
    "US-backed forces in Syria have breached the wall surrounding the Old City of Raqa as they "
    "try to retake the…"
)
NEW_TEXT = (
    "Raqqa update\n\nThe wall of the Old City of Raqqa was breached in two places, "
    "the coalition said on Tuesday."
)


async def refuse_audit_entries(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            await conn.exec_driver_sql(
                "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit log refused'); END"
            )
            return
        await conn.exec_driver_sql(
            "CREATE FUNCTION refuse_audit() RETURNS trigger AS "
            "$$ BEGIN RAISE EXCEPTION 'audit log refused'; END $$ LANGUAGE plpgsql"
        )
        await conn.exec_driver_sql(
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
        )


async def take_audit_entries(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            await conn.exec_driver_sql("DROP TRIGGER refuse_audit")
        else:
            await conn.exec_driver_sql("DROP TRIGGER refuse_audit ON audit_log")
            await conn.exec_driver_sql("DROP FUNCTION refuse_audit()")


async def confirm_delete(bot: Harness, number: int) -> list[str]:
    await bot.send(f"/delete {number}", user_id=EDITOR)
    return await bot.process(bot.updates.callback(f"delete:{number}", bot.fake.sent[-1]))


async def state(bot: Harness) -> tuple[int, list[str], list[tuple[str, int | None]]]:
    """Deleted articles, the titles of live ones, and the audit log, oldest first."""
    articles = bot.services.archive.articles
    live = await articles.added_after(0, 1_000_000, limit=10)
    entries = await bot.services.audit.recent()
    return (
        (await articles.stats()).deleted,
        [a.title for a in live],
        [(e.action, e.article_id) for e in reversed(entries)],
    )


async def test_an_added_article_is_not_stored_without_its_audit_entry(bot: Harness) -> None:
    engine = bot.services.db.engine
    await refuse_audit_entries(engine)
    assert await bot.send(seed_text(), user_id=EDITOR) == [SORRY]
    assert await state(bot) == (0, [], [])
    assert (await bot.services.questions.ask("civilians trapped in Raqqa")).hits == ()
    await take_audit_entries(engine)
    [saved] = await bot.send(seed_text(), user_id=EDITOR)
    # PostgreSQL spent number 1 on the insert it rolled back: the article is #1 or #2.
    number = int(saved.removeprefix("Saved #").partition(":")[0])
    assert saved == f"Saved #{number}: {HEADLINE} (2017-07-04)"
    assert await state(bot) == (0, [HEADLINE], [("add", number)])


@pytest.mark.parametrize("action", ["edit", "delete", "restore"])
async def test_an_edit_delete_or_restore_is_not_stored_without_its_audit_entry(
    bot: Harness, action: str
) -> None:
    engine = bot.services.db.engine
    await bot.send(seed_text(), user_id=EDITOR)
    if action == "restore":
        await confirm_delete(bot, 1)
    before = await state(bot)

    async def act() -> list[str]:
        if action == "edit":
            return await bot.send(f"/edit 1 {NEW_TEXT}", user_id=EDITOR)
        if action == "delete":
            return await confirm_delete(bot, 1)
        return await bot.send("/restore 1", user_id=EDITOR)

    await refuse_audit_entries(engine)
    replies = await act()
    assert replies[-1] == SORRY
    assert await state(bot) == before
    await take_audit_entries(engine)
    replies = await act()
    expected = {
        "edit": (0, ["Raqqa update"], "Edited #1: Raqqa update"),
        "delete": (1, [], f"Deleted #1: {HEADLINE}\n/restore 1 brings it back within 30 days."),
        "restore": (0, [HEADLINE], f"Restored #1: {HEADLINE}"),
    }[action]
    deleted, titles, answer = expected
    assert replies[-1] == answer
    assert await state(bot) == (deleted, titles, [*before[2], (action, 1)])
