"""Answering questions through the real Application."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.articles.archive import ImportRecord
from bot.articles.files import parse_jsonl
from bot.telegram.updates import GROUP
from tests.conftest import EDITOR, READER, SAMPLE, Harness, seed_text

SEED_SENTENCE = (
    "The United Nations has expressed concern for up to 100,000 civilians it says are still "
    "trapped in the city."
)


async def load_sample(bot: Harness) -> int:
    """The FA-KES sample, then the seed article through a private message."""
    records = parse_jsonl((SAMPLE / "fakes.jsonl").read_text(encoding="utf-8")).records
    report = await bot.services.archive.import_records(records)
    assert report.added > 700
    replies = await bot.send(seed_text(), user_id=EDITOR)
    assert replies[0].startswith("Saved #")
    return int(replies[0].split("#")[1].split(":")[0])


async def test_seed_question_finds_the_seed_sentence(bot: Harness) -> None:
    seed_id = await load_sample(bot)
    answers = await bot.services.questions.ask("civilians trapped in Raqqa?", limit=10)
    ranked = [hit.article.id for hit in answers.hits]
    assert seed_id in ranked[:2]
    seed_hit = answers.hits[ranked.index(seed_id)]
    # Alone: the sentence that answers next best shares no word of the question with it.
    assert seed_hit.answer.sentence == SEED_SENTENCE

    replies = await bot.send("civilians trapped in Raqqa?", user_id=READER)
    assert len(replies) == 1
    assert "/read_" in replies[0]
    assert bot.fake.sent[-1].buttons == ["more:3"]


async def test_a_lone_surrogate_in_a_question_is_a_typo_not_an_error(bot: Harness) -> None:
    # Found by the 100,000-input fuzz: the language guess encoded the question as UTF-8.
    seed_id = await load_sample(bot)
    french = (
        "Les habitants de Raqqa manquent d'eau et de pain depuis le début du siège de la ville."
    )
    assert (await bot.send(f"/add {french}", user_id=EDITOR))[0].startswith("Saved #")
    answers = await bot.services.questions.ask("civilians \udede trapped in Raqqa?", limit=3)
    assert seed_id in [hit.article.id for hit in answers.hits]
    [reply] = await bot.send("/ask civilians trapped in Raqqa \ude3c\U000d9a1e?", user_id=READER)
    assert "/read_" in reply
    [trend] = await bot.send("/trend \udedeRaqqa\ud800", user_id=READER)
    assert trend


@pytest.mark.parametrize("spelling", ["Raqqa", "Raqa", "Rakka", "RAQQA", "Ráqqa"])
async def test_spelling_variants_find_the_same_city(bot: Harness, spelling: str) -> None:
    seed_id = await load_sample(bot)
    answers = await bot.services.questions.ask(f"civilians trapped in {spelling}", limit=10)
    assert seed_id in [hit.article.id for hit in answers.hits]


async def test_reply_quotes_the_sentence_with_bold_words(bot: Harness) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    replies = await bot.send("/ask civilians trapped in Raqqa?", user_id=READER)
    assert replies == [
        "“The United Nations has expressed concern for up to 100,000 <b>civilians</b> it says are "
        "still <b>trapped</b> in the city.”\n"
        "<b>US-backed forces in Syria have breached the wall surrounding the Old City of Raqa as "
        "they try to retake the…</b>\n"
        # "(Source: Reuters)" sits in the photo caption: it credits the photo, not the story.
        "2017-07-04 · /read_1"
    ]


async def test_more_button_pages_through_results(bot: Harness) -> None:
    await load_sample(bot)
    await bot.send("civilians killed in airstrikes", user_id=READER)
    answer = bot.fake.sent[-1]
    assert answer.buttons == ["more:3"]
    page = await bot.process(bot.updates.callback("more:3", answer, user_id=READER))
    assert len(page) == 1
    assert page[0].startswith("Results 4–6:\n4. ")
    assert bot.fake.sent[-1].method == "editMessageText"
    assert bot.fake.sent[-1].buttons == ["more:6"]


async def test_nothing_found_suggests_close_words(bot: Harness) -> None:
    # A newcomer's first question, before anything is stored, is told why.
    assert await bot.send("civilians trapped in Raqqa?", user_id=READER) == [
        "The archive is empty: send me an article, a link or a file."
    ]
    await bot.send(seed_text(), user_id=EDITOR)
    replies = await bot.send("/ask zzzqqq", user_id=READER)
    assert replies[0].startswith("I found nothing in the archive for that.")
    assert await bot.send("/ask", user_id=READER) == [
        "Usage: /ask &lt;question&gt;, for example /ask civilians trapped in Raqqa?"
    ]


async def test_read_sends_the_whole_article_in_parts(bot: Harness) -> None:
    paragraph = "Paragraph about the siege of the city and its people. " * 30
    text = "Long report on Raqqa\n\n" + "\n\n".join(f"{n} {paragraph}" for n in range(12))
    await bot.services.archive.add(bot.services.archive.build(text, title="Long report on Raqqa"))
    for command in ("/read_1", "/read 1"):
        parts = await bot.send(command, user_id=READER)
        assert len(parts) == 6
        assert all(len(part) <= 4096 for part in parts)
        assert parts[0].startswith("<b>Long report on Raqqa</b>\n")
        assert sum(part.count("Paragraph about the siege") for part in parts) == 12 * 30
    assert await bot.send("/read x", user_id=READER) == [
        "Usage: /read &lt;article number&gt;, for example /read 42 (or tap /read_42)."
    ]


async def test_read_shows_the_headline_once(bot: Harness) -> None:
    text = (
        "date 2026-11-20\nDam talks collapse\n\nNegotiators left the talks on the Tabqa dam "
        "on Friday.\n\nBoth sides blamed the other."
    )
    assert await bot.send(text, user_id=EDITOR) == ["Saved #1: Dam talks collapse (2026-11-20)"]
    assert await bot.send("/read_1", user_id=READER) == [
        "<b>Dam talks collapse</b>\n2026-11-20 · /read_1\nLanguage: English (en)\n\n"
        "Negotiators left the talks on the Tabqa dam on Friday.\n\nBoth sides blamed the other."
    ]


async def test_group_answers_only_when_mentioned_or_replied_to(bot: Harness) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    group = dict(user_id=READER, chat_id=-100555, chat_type=GROUP)
    assert await bot.send("civilians trapped in Raqqa?", **group) == []
    mentioned = await bot.send(f"@{bot.fake.username} civilians trapped in Raqqa?", **group)
    assert len(mentioned) == 1 and "/read_1" in mentioned[0]
    reply_to = bot.updates.bot_message(bot.fake.sent[-1])
    again = await bot.send("and how many IS fighters?", reply_to=reply_to, **group)
    assert len(again) == 1 and "/read_1" in again[0]


async def test_inline_query_returns_top_articles(bot: Harness) -> None:
    await load_sample(bot)
    await bot.process(bot.updates.inline("civilians trapped in Raqqa"))
    results = bot.fake.last("answerInlineQuery")["results"]
    assert 1 <= len(results) <= 10
    assert all(r["type"] == "article" for r in results)


async def test_inline_query_that_finds_nothing_says_why(bot: Harness) -> None:
    # No results and no word: it looked like a bot that did not hear.
    async def button(question: str) -> object:
        await bot.process(bot.updates.inline(question))
        answered = bot.fake.last("answerInlineQuery")
        assert answered["results"] == []
        return answered["button"]

    empty = "The archive is empty: send me an article, a link or a file."
    assert await button("civilians trapped in Raqqa") == {"text": empty, "start_parameter": "help"}
    await load_sample(bot)
    assert await button("zzqxv") == {
        "text": "I found nothing in the archive for that.",
        "start_parameter": "help",
    }
    assert await button("Raqqa lang:xx") == {
        "text": "lang:xx is not a language code I know: try lang:en, lang:ru,…",
        "start_parameter": "help",
    }
    # Thanks or a greeting typed after the bot's name is no question: it listed stories
    # quoting "thank God" or "hello".
    hint = "Ask me about the news: civilians trapped in Raqqa?"
    for said in ("thanks", "Hello!", "merci", "?"):
        assert await button(said) == {"text": hint, "start_parameter": "help"}, said


async def test_as_of_ignores_later_articles(bot: Harness, tmp_path: Path) -> None:
    records = [
        ImportRecord(
            text="The dam at Tabqa was captured by the SDF in May.",
            title="Tabqa dam",
            date="2017-05-10",
        ),
        ImportRecord(
            text="Repairs at the Tabqa dam began after its capture.",
            title="Tabqa repairs",
            date="2018-02-01",
        ),
    ]
    await bot.services.archive.import_records(records)
    import datetime as dt

    early = await bot.services.questions.ask("tabqa dam", as_of=dt.date(2017, 6, 1), limit=10)
    late = await bot.services.questions.ask("tabqa dam", limit=10)
    assert [h.article.title for h in early.hits] == ["Tabqa dam"]
    assert sorted(h.article.title for h in late.hits) == ["Tabqa dam", "Tabqa repairs"]


async def test_english_function_words_alone_name_nothing(bot: Harness) -> None:
    # An article in a language without analysis of its own (Swahili here) puts "the" in the
    # fields such languages share, where it is no stop word: "the" was answered from a story
    # holding it, quoted as the answer. Like "of and", it lists the newest articles.
    await bot.services.archive.import_records(
        [
            ImportRecord(text="Tabqa dam: the engineers said the water rose.", date="2017-04-03"),
            ImportRecord(text="Habari za the leo: mvua kubwa imenyesha Nairobi.", lang="sw"),
        ]
    )
    for question in ("the", "The", "of and"):
        [reply] = await bot.send(question, user_id=READER)
        assert reply.startswith("The newest articles:"), (question, reply)
        assert "“" not in reply


async def test_a_request_for_the_news_lists_the_newest_articles(bot: Harness) -> None:
    stories = {
        "2017-04-03": "Aid convoy reaches Madaya after months of siege",
        "2017-04-04": "Gas attack on Khan Shaykhun kills dozens",
        "2017-04-05": "Security Council meets on the Khan Shaykhun attack",
    }
    for day, headline in stories.items():
        text = f"date {day}\n{headline}\n\n{headline}, officials in New York said on the day."
        assert (await bot.send(text, user_id=EDITOR))[0].startswith("Saved #")
    newest = ["Security Council meets", "Gas attack on Khan", "Aid convoy reaches"]
    # Asking for the news is no search for the word "new" (nor an empty one for "latest news").
    for question in ("what's new?", "latest news", "headlines?", "Что нового?"):
        [reply] = await bot.send(question, user_id=READER)
        lines = reply.split("\n")
        assert lines[0] in ("The newest articles:", "Самые свежие статьи:"), question
        assert [
            line.split(" ", 1)[1][: len(n)] for line, n in zip(lines[1:4], newest, strict=True)
        ] == newest
        assert "“" not in reply
    [reply] = await bot.send("what's new?", user_id=READER, language_code="ru")
    assert reply.startswith("Самые свежие статьи:")
    # Days without an article: the newest of any day, said to be so.
    [reply] = await bot.send("today's news", user_id=READER)
    lines = reply.split("\n")
    assert lines[0].startswith("The archive has nothing from 20")
    assert lines[1] == "The newest articles:"
    assert lines[2].startswith("1. Security Council meets")
    # With a date, the newest of those days; a word that names a subject is searched.
    [reply] = await bot.send("news 2017-04-04", user_id=READER)
    assert reply.split("\n")[1].startswith("1. Gas attack on Khan Shaykhun kills dozens")
    assert len(reply.split("\n")) == 2
    [reply] = await bot.send("New York Security Council", user_id=READER)
    assert reply.startswith("“") and "Security Council meets" in reply


async def test_the_news_of_a_year_or_a_subject_lists_its_newest_articles(bot: Harness) -> None:
    stories = {
        "2016-05-02": "Aleppo hospital hit by air strikes",
        "2016-11-20": "Aleppo siege tightens as rebels lose ground",
        "2017-03-01": "Raqqa offensive begins from the north",
        "2017-06-12": "Aleppo markets reopen after the siege",
        "2017-09-09": "Deir ez-Zor siege broken by the army",
    }
    for day, headline in stories.items():
        text = f"date {day}\n{headline}\n\n{headline}, officials said on the day."
        assert (await bot.send(text, user_id=EDITOR))[0].startswith("Saved #")
    # The newest of all names Aleppo in passing only: no news about Aleppo.
    passing = (
        "date 2017-10-01\nFighting spreads in Idlib\n\nFighting spread across Idlib, as it "
        "had in Aleppo and Hama before, officials said."
    )
    assert (await bot.send(passing, user_id=EDITOR))[0].startswith("Saved #6")
    # A bare year in a request for the news names its days: "news from 2017" was a search
    # for the word "2017", answered with a quote.
    assert await bot.send("news from 2017", user_id=READER) == [
        "Newest articles for news from 2017:\n"
        "1. Fighting spreads in Idlib (2017-10-01) /read_6\n"
        "2. Deir ez-Zor siege broken by the army (2017-09-09) /read_5\n"
        "3. Aleppo markets reopen after the siege (2017-06-12) /read_4"
    ]
    # The news of a subject: the newest articles whose headlines hold its words, nothing
    # quoted ("latest news about Aleppo" was a search for "news" and "Aleppo").
    aleppo = [
        "1. Aleppo markets reopen after the siege (2017-06-12) /read_4",
        "2. Aleppo siege tightens as rebels lose ground (2016-11-20) /read_2",
        "3. Aleppo hospital hit by air strikes (2016-05-02) /read_1",
    ]
    for question in (
        "latest news about Aleppo",
        "What is the latest news on Aleppo?",
        "what's new in Aleppo?",
        "Aleppo headlines",
    ):
        [reply] = await bot.send(question, user_id=READER)
        assert reply.split("\n") == [f"Newest articles for {question.rstrip('?')}:", *aleppo]
    assert await bot.send("news about Aleppo in 2016", user_id=READER) == [
        "Newest articles for news about Aleppo in 2016:\n"
        "1. Aleppo siege tightens as rebels lose ground (2016-11-20) /read_2\n"
        "2. Aleppo hospital hit by air strikes (2016-05-02) /read_1"
    ]
    # Words no headline holds: the newest articles whose texts do.
    [reply] = await bot.send("latest news about officials", user_id=READER)
    assert reply.split("\n")[1:] == [
        "1. Fighting spreads in Idlib (2017-10-01) /read_6",
        "2. Deir ez-Zor siege broken by the army (2017-09-09) /read_5",
        "3. Aleppo markets reopen after the siege (2017-06-12) /read_4",
    ]
    # A question that asks something stays a question.
    for question in ("what is the latest on the Aleppo siege?", "which news reached Aleppo?"):
        [reply] = await bot.send(question, user_id=READER)
        assert not reply.startswith("Newest articles"), question


async def test_the_news_of_a_subject_is_asked_for_in_other_languages_too(bot: Harness) -> None:
    texts = {
        "2017-03-01": "Бои в Ракке продолжаются\n\nБои в Ракке продолжаются третий день, "
        "сообщили местные жители в четверг.",
        "2017-06-01": "В Ракке открылся рынок\n\nВ Ракке после долгого перерыва открылся рынок, "
        "рассказали жители города.",
        "2017-05-01": "معارك في الرقة\n\nتجددت المعارك في مدينة الرقة يوم الثلاثاء "
        "بحسب سكان المدينة.",
    }
    for day, text in texts.items():
        assert (await bot.send(f"date {day}\n{text}", user_id=EDITOR))[0].startswith("Saved #")
    russian = [
        "1. В Ракке открылся рынок (2017-06-01) /read_2",
        "2. Бои в Ракке продолжаются (2017-03-01) /read_1",
    ]
    for question in ("новости Ракки", "что нового в Ракке?"):
        [reply] = await bot.send(question, user_id=READER)
        assert reply.split("\n") == [f"Newest articles for {question.rstrip('?')}:", *russian]
    assert await bot.send("ما الجديد في الرقة؟", user_id=READER) == [
        # (the command set left to right on its Arabic line: "read_3/" otherwise)
        "Newest articles for ما الجديد في الرقة:\n1. معارك في الرقة (2017-05-01) \u200e/read_3"
    ]
    # No English article: "what is new?" was read in these languages' fields, where "is" is a
    # word to look for, and got "I found nothing in the archive for that."
    newest = await bot.send("what is new?", user_id=READER)
    assert newest[0].startswith("The newest articles:\n1. В Ракке открылся рынок"), newest
    # Persian asks for the news as its own readers do ("what news?", "latest news").
    persian = "سیل در گلستان\n\nباران‌های سیل‌آسا در استان گلستان ده روستا را زیر آب برد."
    assert (await bot.send(f"date 2017-07-01\n{persian}", user_id=EDITOR))[0].startswith("Saved #")
    for question in ("چه خبر؟", "آخرین اخبار", "جدیدترین خبرها"):
        [reply] = await bot.send(question, user_id=READER)
        assert reply.startswith("The newest articles:\n1. سیل در گلستان"), (question, reply)
    assert await bot.send("چه خبر از گلستان؟", user_id=READER) == [
        "Newest articles for چه خبر از گلستان:\n1. سیل در گلستان (2017-07-01) \u200e/read_4"
    ]


@pytest.mark.parametrize(
    ("message", "language_code", "start"),
    [
        ("hello", "en", "Ask me about the news in the archive"),
        # Thanks follow an answer: no newcomer's hint, as if it had been missed.
        ("Thanks!", "en", "You're welcome. Ask me anything else about the archive"),
        ("спасибо", "ru", "Пожалуйста. Спрашивайте об архиве что угодно ещё"),
        ("merci beaucoup", "fr", "Je vous en prie."),
        ("شكرا", "ar", "\u200fعلى الرحب والسعة."),
    ],
)
async def test_greetings_and_thanks_get_a_hint_not_a_search(
    bot: Harness, message: str, language_code: str, start: str
) -> None:
    await load_sample(bot)  # holds "thank God": no quote of it
    [reply] = await bot.send(message, user_id=READER, language_code=language_code)
    assert reply.startswith(start) and "/help" in reply
    assert "“" not in reply
    # A question that starts with a greeting's word is a question.
    [reply] = await bot.send("thanks to whom did the convoy reach Madaya?", user_id=READER)
    assert not reply.startswith("Ask me")
