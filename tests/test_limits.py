"""Question rate limits: per user and per group, one polite reply, then silence until reset."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.telegram.updates import GROUP
from tests.conftest import READER, Harness, make_settings, start_bot, stop_bot

SLOW_DOWN = (
    "You're asking faster than I can answer well. "
    "Please wait {} seconds; I'll stay quiet until then."
)


@pytest.fixture
async def limited(tmp_path: Path, clock: ManualClock) -> AsyncIterator[Harness]:
    settings = make_settings(
        tmp_path, questions_per_user=2, questions_per_chat=3, question_window_seconds=60
    )
    harness = await start_bot(settings, clock)
    try:
        yield harness
    finally:
        await stop_bot(harness)


async def test_user_over_the_limit_gets_one_polite_reply_then_silence(limited: Harness) -> None:
    first = await limited.send("who took raqqa?", user_id=READER)
    assert len(first) == 1 and first[0] != SLOW_DOWN.format(60)
    assert len(await limited.send("/ask who took raqqa?", user_id=READER)) == 1
    limited.clock.advance(dt.timedelta(seconds=15))
    assert await limited.send("and mosul?", user_id=READER) == [SLOW_DOWN.format(45)]
    assert await limited.send("and aleppo?", user_id=READER) == []
    assert await limited.send("/ask and homs?", user_id=READER) == []
    # Someone else is not held back.
    assert len(await limited.send("who took raqqa?", user_id=5005)) == 1
    limited.clock.advance(dt.timedelta(seconds=45))
    assert len(await limited.send("who took raqqa?", user_id=READER)) == 1


async def test_group_limit_counts_everyone_in_the_group(limited: Harness) -> None:
    group = -100999
    asked = "@newsroom_test_bot who took raqqa?"
    for user in (11, 12, 13):
        assert len(await limited.send(asked, user_id=user, chat_id=group, chat_type=GROUP)) == 1
    assert await limited.send(asked, user_id=14, chat_id=group, chat_type=GROUP) == [
        SLOW_DOWN.format(60)
    ]
    assert await limited.send(asked, user_id=15, chat_id=group, chat_type=GROUP) == []
    # The same people may still ask in private.
    assert len(await limited.send("who took raqqa?", user_id=15)) == 1


async def test_commands_that_are_not_questions_are_not_limited(limited: Harness) -> None:
    for _ in range(5):
        assert len(await limited.send("/help", user_id=READER)) == 1


async def test_limits_can_be_turned_off(tmp_path: Path, clock: ManualClock) -> None:
    settings = make_settings(tmp_path, questions_per_user=0, questions_per_chat=0)
    bot = await start_bot(settings, clock)
    try:
        for _ in range(30):
            assert len(await bot.send("who took raqqa?", user_id=READER)) == 1
    finally:
        await stop_bot(bot)


def test_idle_keys_are_forgotten_when_many_are_tracked() -> None:
    from bot.questions.limits import MAX_TRACKED, RateLimiter, Verdict

    clock = ManualClock(dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
    limiter = RateLimiter(1, dt.timedelta(seconds=60), clock)
    for key in range(MAX_TRACKED):
        assert limiter.check(key) is Verdict.ALLOW
    clock.advance(dt.timedelta(seconds=61))
    assert limiter.check(-1) is Verdict.ALLOW
    assert len(limiter._windows) == 1
    assert limiter.check(-1) is Verdict.WARN
    assert limiter.check(-1) is Verdict.SILENT


async def test_more_button_counts_as_a_question(limited: Harness) -> None:
    from tests.test_digests import add_articles

    await add_articles(limited, *(f"Raqqa siege report number {n}" for n in range(12)))
    assert len(await limited.send("raqqa siege report?", user_id=READER)) == 1
    answer = limited.fake.sent[-1]
    assert answer.buttons == ["more:3"]
    # The question was one of two; the first page of "More" is the second.
    page = await limited.process(limited.updates.callback("more:3", answer, user_id=READER))
    assert len(page) == 1 and page[0].startswith("Results 4–6:")
    # Over the limit: one polite notice (a pop-up on the button), then silence.
    assert await limited.process(limited.updates.callback("more:6", answer, user_id=READER)) == []
    assert limited.fake.last("answerCallbackQuery")["text"] == SLOW_DOWN.format(60)
    before = len(limited.fake.calls)
    assert await limited.process(limited.updates.callback("more:6", answer, user_id=READER)) == []
    # Answered (Telegram shows a spinner until then), but with nothing to read.
    [(method, params)] = limited.fake.calls[before:]
    assert (method, "text" in params) == ("answerCallbackQuery", False)
    assert await limited.send("and mosul?", user_id=READER) == []
    limited.clock.advance(dt.timedelta(seconds=60))
    page = await limited.process(limited.updates.callback("more:6", answer, user_id=READER))
    assert len(page) == 1 and page[0].startswith("Results 7–9:")


async def test_inline_queries_count_with_one_notice_then_empty_answers(limited: Harness) -> None:
    from tests.test_digests import add_articles

    await add_articles(limited, "Raqqa siege report")
    for _ in range(2):
        await limited.process(limited.updates.inline("raqqa siege", user_id=READER))
        assert len(limited.fake.last("answerInlineQuery")["results"]) == 1
    limited.clock.advance(dt.timedelta(seconds=20))
    await limited.process(limited.updates.inline("raqqa siege", user_id=READER))
    answered = limited.fake.last("answerInlineQuery")
    assert (answered["results"], answered["button"]["text"]) == (
        [],
        "Too many questions: please wait 40 s",
    )
    await limited.process(limited.updates.inline("raqqa siege", user_id=READER))
    assert "button" not in limited.fake.last("answerInlineQuery")
    # Questions in a chat share the user's count.
    assert await limited.send("raqqa siege?", user_id=READER) == []


async def test_the_polite_reply_speaks_the_users_language(limited: Harness) -> None:
    for question in ("кто взял Ракку?", "а Мосул?"):
        await limited.send(question, user_id=READER, language_code="ru")
    limited.clock.advance(dt.timedelta(seconds=39))
    assert await limited.send("а Алеппо?", user_id=READER, language_code="ru") == [
        "Вы спрашиваете быстрее, чем я успеваю хорошо ответить. "
        "Подождите 21 секунду; до тех пор я помолчу."
    ]
