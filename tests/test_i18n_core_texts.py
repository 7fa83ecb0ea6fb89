"""The last English replies in the reader's language (issue 16): the /trend picture and its
caption, /audit, and the reasons the core gives inside a translated sentence (a refused
.jsonl row, an unreadable file, a date line, a feed), through the real Application."""

from __future__ import annotations

import datetime as dt
import json
import struct

import pytest
from matplotlib import ft2font

from bot.articles.archive import ImportRecord
from bot.audit import audit_line
from bot.i18n import N_, RLM, Phrase, Texts
from bot.stories import chart
from bot.stories.chart import ChartWords, chart_words
from bot.stories.keeper import Outlets
from bot.stories.trend import Peak, Trend
from storage.audit import AuditRecord
from tests.conftest import EDITOR, READER, Harness
from tests.support.web import Page, WebSite
from tests.test_questions import load_sample
from tests.test_stories import PNG_MAGIC, import_copies
from tests.test_web_links import settings as settings  # fetching from 127.0.0.1

RU = "ru"
AR = "ar"
FOOD = "Food runs out in besieged Raqqa districts"
WRAPPED = "Food runs out in besieged Raqqa\ndistricts"  # a label's lines are 34 characters
# A trend as the seed's copies give it (tests/test_stories.py), with fixed peak headlines.
TREND = Trend(
    "Raqqa",
    "week",
    (dt.date(2017, 7, 3), dt.date(2017, 7, 10)),
    (1, 1),
    4,
    2,
    (Peak(dt.date(2017, 7, 3), 1, 1, "Wall breached"), Peak(dt.date(2017, 7, 10), 1, 4, FOOD)),
)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG, read from its header (after checking it is one)."""
    assert png.startswith(PNG_MAGIC)
    width, height = struct.unpack(">II", png[16:24])
    return width, height


async def trend_reply(bot: Harness, words: str, **sender: object) -> tuple[str, bytes]:
    """Send /trend; the one photo's caption and bytes."""
    before = len(bot.fake.sent)
    await bot.app.process_update(bot.updates.message(f"/trend {words}", **sender))
    [photo] = bot.fake.sent[before:]
    assert photo.method == "sendPhoto"
    assert photo.params["parse_mode"] == "HTML"
    return photo.text, photo.params["photo"]


async def test_a_russian_chat_gets_the_trend_caption_and_picture_in_russian(bot: Harness) -> None:
    await import_copies(bot)
    caption, png = await trend_reply(bot, "Raqqa", user_id=READER, language_code=RU)
    assert caption == (
        "«Raqqa»: 2 сюжета (статей: 4, из них 2 копии), по неделям с 2017-07-03 по 2017-07-10; "
        "больше всего за неделю с 2017-07-03: 1 сюжет."
    )
    assert png_size(png) == (1000, 480)
    assert await bot.send("/trend zzzqqq", user_id=READER, language_code=RU) == [
        "В архиве нет ничего по запросу «zzzqqq»."
    ]


async def test_trend_finds_the_words_of_every_language(bot: Harness) -> None:
    texts = {
        "2017-07-03": "Силы, поддерживаемые США, прорвали стену вокруг Старого города Ракки. "
        "Жители города ждут помощи.",
        "2017-07-10": "Мирные жители Ракки остаются в ловушке, сообщила ООН во вторник. "
        "Бои в городе продолжаются.",
    }
    records = [ImportRecord(text=t, title="", date=d, lang="ru") for d, t in texts.items()]
    assert (await bot.services.archive.import_records(records)).added == 2
    # Another form of the name, as the Russian analysis reads it.
    caption, png = await trend_reply(bot, "Ракка", user_id=READER, language_code=RU)
    assert caption == (
        "«Ракка»: 2 сюжета, по неделям с 2017-07-03 по 2017-07-10; больше всего за неделю с "
        "2017-07-03: 1 сюжет."
    )
    assert png_size(png) == (1000, 480)


async def test_an_arabic_chat_gets_a_trend_caption_telegram_accepts(bot: Harness) -> None:
    await import_copies(bot)
    await bot.send("/language ar", user_id=READER)
    # The fake Bot API refuses a caption Telegram's HTML parser would refuse.
    caption, png = await trend_reply(bot, "Raqqa &", user_id=READER)
    assert caption == (
        RLM + "«Raqqa &amp;»: قصتان (المقالات: 4، منها نسختان)، أسبوعاً بأسبوع "
        "من 2017-07-03 إلى 2017-07-10؛ أكثر الأسابيع: 2017-07-03، قصة واحدة."
    )
    assert png_size(png) == (1000, 480)


def test_the_pictures_words_in_each_language() -> None:
    assert chart_words(TREND) == ChartWords(
        "“Raqqa”",
        "stories per week",
        ("Wall breached\n(2017-07-03: 1 story)", f"{WRAPPED}\n(2017-07-10: 1 story)"),
    )
    assert chart_words(TREND, Texts(RU)) == ChartWords(
        "«Raqqa»",
        "сюжетов в неделю",
        ("Wall breached\n(2017-07-03: 1 сюжет)", f"{WRAPPED}\n(2017-07-10: 1 сюжет)"),
    )
    busier = Trend("Raqqa", "month", TREND.starts, (5, 22), 40, 40, (), merged=False)
    assert chart_words(busier, Texts("fr")) == ChartWords("« Raqqa »", "articles par mois", ())
    peaks = (Peak(dt.date(2017, 7, 3), n, 1, "Wall") for n in (1, 2, 5, 11, 100))
    arabic = Trend("سد", "week", TREND.starts, (1, 1), 2, 2, tuple(peaks))
    assert chart_words(arabic, Texts(AR)) == ChartWords(
        "«سد»",
        "القصص في الأسبوع",
        (
            "Wall\n(2017-07-03: قصة واحدة)",
            "Wall\n(2017-07-03: قصتان)",
            "Wall\n(2017-07-03: 5 قصص)",
            "Wall\n(2017-07-03: 11 قصة)",
            "Wall\n(2017-07-03: 100 قصة)",
        ),
    )


def test_arabic_words_inside_the_picture_need_text_shaping(monkeypatch: pytest.MonkeyPatch) -> None:
    # matplotlib's wheels shape complex scripts with libraqm (3.11 on): Arabic letters joined,
    # right to left. A build without it would draw them apart, so the picture says English.
    assert chart.shapes_text()
    monkeypatch.delattr(ft2font, "__libraqm_version__")
    chart.shapes_text.cache_clear()
    try:
        assert chart_words(TREND, Texts(AR)) == chart_words(TREND)
        # Cyrillic needs no shaping: Russian stays Russian.
        assert chart_words(TREND, Texts(RU)).axis == "сюжетов в неделю"
        assert png_size(chart.trend_png(TREND, Texts(AR))) == (1000, 480)
    finally:
        chart.shapes_text.cache_clear()


async def test_the_audit_log_is_read_in_russian_and_arabic(bot: Harness) -> None:
    await import_copies(bot)
    await bot.send("/split 2", user_id=EDITOR)
    await bot.send("/join 2 4", user_id=EDITOR)
    await bot.send("/subscribe 07:30 raqqa", user_id=READER)
    await bot.send("/unsubscribe all", user_id=READER)
    await bot.send("/delete 1", user_id=EDITOR)
    await bot.process(bot.updates.callback("delete:1", bot.fake.sent[-1], user_id=EDITOR))
    assert await bot.send("/audit", user_id=EDITOR, language_code=RU) == [
        "Последние 6 изменений, сначала свежие:\n"
        "2026-11-25 06:00 пользователь 1001 удаление №1: US-backed forces in Syria have "
        "breached the wall surrounding the Old City of Raq\n"
        "2026-11-25 06:00 пользователь 2002 отписка: отменён 1 дайджест (all)\n"
        "2026-11-25 06:00 пользователь 2002 подписка: 07:30 raqqa\n"
        "2026-11-25 06:00 пользователь 1001 объединение: /read_2 «Raqqa's old city wall "
        "breached, says US…» и /read_4 «Food runs out in besieged Raqqa distric…» — один сюжет\n"
        "2026-11-25 06:00 пользователь 1001 разделение: /read_2 «Raqqa's old city wall "
        "breached, says US…» выведена из сюжета /read_1\n"
        "2026-11-25 06:00 пользователь 1001 добавление №1: US-backed forces in Syria have "
        "breached the wall surrounding the Old City of Raq"
    ]
    [arabic] = await bot.send("/audit", user_id=EDITOR, language_code=AR)
    assert arabic.split("\n")[2:5] == [
        RLM + "2026-11-25 06:00 المستخدم 2002 إلغاء اشتراك: أُلغي ملخص واحد (all)",
        RLM + "2026-11-25 06:00 المستخدم 2002 اشتراك: 07:30 raqqa",
        # (A left-to-right mark keeps each command's slash in front in a right-to-left line.)
        RLM + "2026-11-25 06:00 المستخدم 1001 دمج: صار \u200e/read_2 «Raqqa's old city wall "
        "breached, says US…» و \u200e/read_4 «Food runs out in besieged Raqqa distric…» قصة واحدة",
    ]
    # French puts a space before a colon, as every other French reply does ("abonnement: 07:30").
    [french] = await bot.send("/audit", user_id=EDITOR, language_code="fr")
    assert french.split("\n")[3] == "2026-11-25 06:00 utilisateur 2002 abonnement : 07:30 raqqa"


def entry(action: str, detail: str) -> AuditRecord:
    return AuditRecord(1, dt.datetime(2026, 12, 1, 3, 0), None, None, action, None, detail)


@pytest.mark.parametrize(
    ("action", "detail", "russian"),
    [
        (
            "purge",
            "1 article deleted over 30 days ago",
            "очистка: 1 статья, удалённая более 30 дней назад",
        ),
        (
            "purge",
            "3 articles deleted over 30 days ago",
            "очистка: 3 статьи, удалённые более 30 дней назад",
        ),
        (
            "purge",
            "25 articles deleted over 1 day ago",
            "очистка: 25 статей, удалённых более 1 дня назад",
        ),
        ("import", "5 added", "импорт: добавлено 5 статей"),
        ("import", "21 added from a.jsonl", "импорт: добавлена 21 статья из a.jsonl"),
        (
            "import",
            "789 added from the command line (fakes.jsonl, raqqa-2017-07-04.txt)",
            "импорт: добавлено 789 статей из командной строки (fakes.jsonl, raqqa-2017-07-04.txt)",
        ),
        ("unsubscribe", "2 removed", "отписка: отменено 2 дайджеста"),
        # A detail that is data, or of a shape this version does not write, is shown as kept.
        ("lang", "fr", "язык: fr"),
        ("split", "moved by hand", "разделение: moved by hand"),
        ("rename", "old name", "rename: old name"),
    ],
)
def test_audit_details_are_said_again_in_russian(action: str, detail: str, russian: str) -> None:
    line = f"2026-12-01 03:00 система {russian}"
    assert audit_line(entry(action, detail), Texts(RU)) == line
    assert audit_line(entry(action, detail), Texts("en")) == (
        f"2026-12-01 03:00 system {action}: {detail}"
    )


def rows_file() -> bytes:
    lines = [
        {"text": "A report on the dam repairs in Mosul, long enough to keep.", "id": "x" * 201},
        {"text": "A report on the market fire in Aleppo, long enough to keep.", "date": "18 March"},
        {
            "text": "A report on the bridge in Raqqa, long enough to keep here.",
            "url": "https://example.com/" + "a" * 3000,
        },
        {"text": "A report on the school reopening in Homs, long enough to keep."},
    ]
    return "\n".join(json.dumps(line) for line in lines).encode()


async def test_refused_rows_are_explained_in_the_readers_language(bot: Harness) -> None:
    data = rows_file()
    file_id, _ = bot.fake.add_file(data)
    document = (file_id, "rows.jsonl", len(data))
    assert await bot.send(user_id=EDITOR, language_code=RU, document=document) == [
        "Из rows.jsonl импортирована 1 статья.\n"
        "3 не удалось сохранить:\n"
        "• строка 1: Эту статью нельзя сохранить: длина её id — 201 при пределе 200 символов.\n"
        "• строка 2: его дата «18 March» — не дата (пишите ГГГГ-ММ-ДД)\n"
        "• строка 3: Эту статью нельзя сохранить: длина её адреса — 3\xa0020 при пределе "
        "2\xa0048 символов."
    ]
    [arabic] = await bot.send(user_id=EDITOR, language_code=AR, document=document)
    assert arabic.split("\n")[2:] == [
        RLM + "تعذّر حفظ 3 منها:",
        RLM + "• السطر 1: لا يمكن حفظ هذا المقال: عدد أحرف معرّفه 201، والحد الأقصى 200.",
        RLM + "• السطر 2: تاريخه «18 March» ليس تاريخاً صالحاً (اكتبه بالشكل YYYY-MM-DD)",
        RLM + "• السطر 3: لا يمكن حفظ هذا المقال: عدد أحرف رابطه 3,020، والحد الأقصى 2,048.",
    ]
    file_id, _ = bot.fake.add_file(b"MZ\x90\x00")
    assert await bot.send(user_id=EDITOR, language_code=RU, document=(file_id, "tool.exe", 4)) == [
        "Я читаю файлы .txt, .md, .html и .jsonl, но не .exe."
    ]


async def test_a_date_line_note_is_said_in_russian(bot: Harness) -> None:
    text = "date 2017-13-45\nCivilians left the old city of Tabqa on Monday, officials said."
    [saved] = await bot.send(text, user_id=EDITOR, language_code=RU)
    assert saved.split("\n")[1:] == [
        "«date 2017-13-45» — не дата, которую я могу прочитать (пишите date ГГГГ-ММ-ДД)."
    ]


async def test_a_feed_that_is_none_is_refused_in_russian(bot: Harness, site: WebSite) -> None:
    site.pages["/feed.json"] = Page(b"{not json", "application/feed+json")
    url = site.url("/feed.json")
    assert await bot.send(f"/feed add {url}", user_id=EDITOR, language_code=RU) == [
        f"Не удалось подписаться на {url}: Это не лента (неверный JSON)."
    ]


async def test_a_question_without_an_answer_is_said_so_in_russian(bot: Harness) -> None:
    await load_sample(bot)
    [reply] = await bot.send("who won the 2014 world cup?", user_id=READER, language_code=RU)
    assert reply.split("\n")[:2] == [
        "В архиве нет ответа на этот вопрос.",
        "Ближайшие статьи, ответа в них может не быть:",
    ]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ["1 other copy", "2 other copies", "5 other copies", "21 other copies"]),
        (RU, ["ещё 1 копия", "ещё 2 копии", "ещё 5 копий", "ещё 21 копия"]),
        (AR, ["نسخة أخرى واحدة", "نسختان أخريان", "5 نسخ أخرى", "21 نسخة أخرى"]),
    ],
)
def test_other_copies_are_counted_in_each_language(lang: str, expected: list[str]) -> None:
    texts = Texts(lang)
    assert [Outlets((), n).said(texts) for n in (1, 2, 5, 21)] == expected
    assert Outlets(("Reuters", "AFP"), 3).said(texts) == "Reuters, AFP +3"
    assert not Outlets()


def test_a_phrase_kept_as_text_is_said_later_in_any_language() -> None:
    reason = Phrase.of(N_("The server answered {status}."), status="404 Not Found")
    kept = Phrase.of(N_("{where}: {reason}"), where="feed.xml", reason=reason).stored()
    again = Phrase.from_stored(kept)
    assert again is not None
    assert again.said(Texts(RU)) == "feed.xml: Сервер ответил 404 Not Found."
    assert str(again) == "feed.xml: The server answered 404 Not Found."
    # Text kept before phrases were (or any other) is not a phrase.
    for other in ("The server answered 404 Not Found.", "{}", "[1]", '{"phrase": 1}'):
        assert Phrase.from_stored(other) is None
