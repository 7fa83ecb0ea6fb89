"""Replies and digests in the reader's language (issue 16): Russian commands, an Arabic digest
that Telegram's HTML parser accepts, plural forms, and catalogues with nothing left out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.articles.archive import ImportRecord
from bot.digests.compose import count_phrase
from bot.failures import BUSY, DISK_FULL, READ_ONLY
from bot.i18n import LANGUAGES, LOCALE_DIR, LRM, RLM, Texts
from bot.telegram.updates import GROUP
from handlers.errors import FAILURE_TEXTS
from tests.conftest import EDITOR, READER, Harness, seed_text
from tests.test_articles import SEED_HEADLINE
from tests.test_delivery import AT_8
from tests.test_digests import add_articles, run_digest_job

RU = "ru"
THREE = ["Dam repairs start", "Bridge reopens", "Market burns"]
PLACEHOLDER = re.compile(r"\{(\w*)\}")
# HTML tags (not the <article number> of a usage line, which is escaped text).
TAG = re.compile(r'</?(?:b|i|u|s|code|pre)>|<a href="[^"]*">|</a>')


def item(number: int, title: str, mark: str = "") -> str:
    """A digest item as composed from `add_articles`, each line started with `mark` (and, a
    right-to-left one, its command set left to right)."""
    lead = f"Details of the story about {title.lower()} follow here."
    command = f"{LRM if mark == RLM else ''}/read_{number}"
    lines = [f"<b>{title}</b>", f"2026-11-24 · {command}", lead]
    return "\n".join(mark + line for line in lines)


async def add_distinct_articles(bot: Harness, count: int) -> None:
    """Articles that share no word (none is a copy of another, each is its own story)."""
    records = [
        ImportRecord(
            text=" ".join(f"w{n}x{k}" for k in range(20)) + ".",
            title=f"Report q{n}z",
            date="2026-11-24",
        )
        for n in range(count)
    ]
    await bot.services.archive.import_records(records)


async def test_a_russian_reader_subscribes_and_unsubscribes_in_russian(bot: Harness) -> None:
    assert await bot.send("/subscribe 08:00", user_id=READER, language_code=RU) == [
        "Подписка оформлена: дайджест каждый день в 08:00 (UTC). "
        "/timezone меняет часовой пояс; /unsubscribe отменяет подписку."
    ]
    assert await bot.send("/subscribe 25:00", user_id=READER, language_code=RU) == [
        "«25:00» — это не время суток.\nИспользование: /subscribe [время] [слова темы], "
        "например /subscribe 08:00, /subscribe 8:00 или /subscribe 19:30 сирия ракка"
    ]
    await bot.send("/subscribe 07:30 raqqa dam", user_id=READER, language_code=RU)
    assert await bot.send("/subscriptions", user_id=READER, language_code=RU) == [
        "Дайджесты этого чата:\n1. 08:00 UTC — всё подряд\n2. 07:30 UTC — raqqa dam"
    ]
    assert await bot.send("/unsubscribe 9", user_id=READER, language_code=RU) == [
        "В этом чате нет дайджеста «9»; /unsubscribe принимает номер или время из этого "
        "списка либо all:\n1. 08:00 UTC — всё подряд\n2. 07:30 UTC — raqqa dam"
    ]
    assert await bot.send("/unsubscribe all", user_id=READER, language_code=RU) == [
        "Отменено 2 дайджеста."
    ]


async def test_a_russian_editor_gets_feed_and_editor_commands_in_russian(bot: Harness) -> None:
    assert await bot.send("/feeds", user_id=EDITOR, language_code=RU) == [
        "Лент пока нет. Добавьте ленту: /feed add &lt;url&gt; [слова темы]."
    ]
    assert await bot.send("/feed remove 5", user_id=EDITOR, language_code=RU) == [
        "Ленты №5 нет; список лент — /feeds."
    ]
    assert await bot.send("/feed", user_id=EDITOR, language_code=RU) == [
        "Использование: /feed add &lt;url&gt; [слова темы], /feed remove &lt;n&gt;; "
        "список лент — /feeds."
    ]
    await add_articles(bot, "Dam repairs start")
    assert await bot.send("/delete 1", user_id=EDITOR, language_code=RU) == [
        "Удалить №1: Dam repairs start?\n"
        "Редактор может вернуть её командой /restore в течение 30 дней."
    ]
    confirm = bot.fake.sent[-1]
    assert [label for label, _ in confirm.keyboard] == ["Удалить №1", "Оставить"]
    pressed = bot.updates.callback("delete:1", confirm, user_id=EDITOR, language_code=RU)
    assert await bot.process(pressed) == [
        "Удалена статья №1: Dam repairs start\n/restore 1 вернёт её в течение 30 дней."
    ]
    assert await bot.send("/restore 1", user_id=EDITOR, language_code=RU) == [
        "Восстановлена статья №1: Dam repairs start"
    ]
    assert await bot.send("/split 7", user_id=EDITOR, language_code=RU) == [
        "В архиве нет статьи №7."
    ]
    # Readers are refused in their own language.
    assert await bot.send("/delete 1", user_id=READER, language_code=RU) == [
        "Извините, добавлять и изменять статьи могут только редакторы. "
        "Но спросить меня об архиве можно о чём угодно."
    ]
    assert await bot.send("/nonsense", user_id=READER, language_code=RU) == [
        "Я не знаю такой команды; /help покажет те, что я знаю."
    ]


async def test_a_russian_editor_is_told_in_russian_an_article_was_saved(bot: Harness) -> None:
    assert await bot.send(seed_text(), user_id=EDITOR, language_code=RU) == [
        f"Сохранено под №1: {SEED_HEADLINE} (2017-07-04)"
    ]
    again = seed_text().upper().replace("\n\n", "\n  \n")
    assert await bot.send(again, user_id=EDITOR, language_code=RU) == [
        f"Уже есть в архиве под №1: {SEED_HEADLINE} — /read_1"
    ]
    # The same in English for an editor whose Telegram speaks English.
    assert await bot.send(again, user_id=EDITOR, language_code="en") == [
        f"Already in the archive as #1: {SEED_HEADLINE} — /read_1"
    ]


async def test_an_arabic_chat_gets_an_arabic_digest_that_telegram_accepts(bot: Harness) -> None:
    assert await bot.send("/language ar", user_id=READER) == [RLM + "ردودي هنا الآن بـالعربية."]
    subscribed = await bot.send("/subscribe 08:00", user_id=READER)
    assert subscribed[0].startswith(RLM + "تم الاشتراك: ملخص كل يوم في الساعة 08:00 (UTC).")
    await add_articles(bot, *THREE)
    bot.clock.set(AT_8)
    # The fake Bot API refuses HTML Telegram would refuse: the digest went through its check.
    [digest] = await run_digest_job(bot)
    header = (
        RLM + "<b>ملخصك للساعة 08:00</b> · 3 مقالات جديدة خلال الساعات الـ24 الماضية، الأحدث أولاً"
    )
    items = [item(3, THREE[2], RLM), item(2, THREE[1], RLM), item(1, THREE[0], RLM)]
    assert digest == "\n\n".join([header, *items])
    assert all(line.startswith(RLM) for line in digest.split("\n") if line)
    assert "<" + RLM not in digest and "&" + RLM not in digest
    assert bot.fake.sent[-1].params["parse_mode"] == "HTML"


async def test_an_arabic_digest_recounts_its_header_in_arabic_after_a_deletion(
    bot: Harness,
) -> None:
    await bot.send("/language ar", user_id=READER)
    await bot.send("/subscribe 08:00", user_id=READER)
    await add_articles(bot, *THREE)
    bot.clock.set(AT_8)
    assert await bot.services.dispatcher.open_due() == 1
    await bot.send("/delete 2", user_id=EDITOR)
    await bot.process(bot.updates.callback("delete:2", bot.fake.sent[-1], user_id=EDITOR))
    [digest] = await run_digest_job(bot)
    assert digest.split("\n")[0] == (
        RLM + "<b>ملخصك للساعة 08:00</b> · مقالان جديدان خلال الساعات الـ24 الماضية، الأحدث أولاً"
    )
    assert "/read_2" not in digest and "/read_3" in digest and "/read_1" in digest


async def test_a_private_subscribers_language_is_kept_for_the_digest(bot: Harness) -> None:
    # No /language: the Russian reader's Telegram language is remembered when subscribing.
    await bot.send("/subscribe 08:00", user_id=READER, language_code=RU)
    # In a group only /language chooses: a Russian admin does not make the group Russian.
    group = -100777
    bot.fake.chat_members[(group, EDITOR)] = "administrator"
    await bot.send(
        "/subscribe 08:00", user_id=EDITOR, chat_id=group, chat_type=GROUP, language_code=RU
    )
    await add_distinct_articles(bot, 21)
    bot.clock.set(AT_8)
    sent = await run_digest_job(bot)
    by_chat = {m.chat_id: m.text for m in bot.fake.sent if m.method == "sendMessage"}
    assert sent and by_chat[READER].startswith(
        "<b>Ваш дайджест на 08:00</b> · 21 новая статья за последние 24 часа, сначала свежие"
    )
    assert by_chat[group].startswith(
        "<b>Your 08:00 digest</b> · 21 new articles in the last 24 hours, newest first"
    )
    # Replies in the private chat still follow the reader's language.
    assert await bot.send("/subscriptions", user_id=READER, language_code=RU) == [
        "Дайджесты этого чата:\n1. 08:00 UTC — всё подряд"
    ]


@pytest.mark.parametrize(
    ("n", "articles", "digests"),
    [
        (1, "1 новая статья", "Отменён 1 дайджест."),
        (2, "2 новые статьи", "Отменено 2 дайджеста."),
        (5, "5 новых статей", "Отменено 5 дайджестов."),
        (11, "11 новых статей", "Отменено 11 дайджестов."),
        (21, "21 новая статья", "Отменён 21 дайджест."),
        (22, "22 новые статьи", "Отменено 22 дайджеста."),
    ],
)
def test_russian_plural_forms(n: int, articles: str, digests: str) -> None:
    russian = Texts(RU)
    assert count_phrase(n, russian) == articles
    assert russian.plural("Removed {n} digest.", "Removed {n} digests.", n) == digests


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "مقال جديد واحد"),
        (2, "مقالان جديدان"),
        (5, "5 مقالات جديدة"),
        (11, "11 مقالاً جديداً"),
        (21, "21 مقالاً جديداً"),
        (100, "100 مقال جديد"),
    ],
)
def test_arabic_plural_forms(n: int, expected: str) -> None:
    assert count_phrase(n, Texts("ar")) == expected


def test_english_and_french_plural_forms() -> None:
    assert [count_phrase(n) for n in (0, 1, 2)] == [
        "0 new articles",
        "1 new article",
        "2 new articles",
    ]
    french = Texts("fr")
    assert [count_phrase(n, french) for n in (0, 1, 2)] == [
        "0 nouvel article",
        "1 nouvel article",
        "2 nouveaux articles",
    ]


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_text_is_translated_with_its_placeholders(lang: str) -> None:
    with (LOCALE_DIR / "bot.pot").open("rb") as pot:
        template = [m.id for m in read_po(pot) if m.id]
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "bot.po").open("rb") as po:
        catalogue = read_po(po)
    messages = {m.id: m for m in catalogue if m.id}
    assert len(template) > 150
    for msgid in template:
        message = messages.get(msgid)
        assert message is not None, (lang, msgid)
        assert not message.fuzzy, (lang, msgid)
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        forms = message.string if isinstance(msgid, tuple) else (message.string,)
        assert len(forms) == (catalogue.num_plurals if isinstance(msgid, tuple) else 1)
        allowed = {name for text in ids for name in PLACEHOLDER.findall(text)}
        # A plural form may leave its number out ("مقالان"); nothing else may go missing.
        needed = allowed - {"n", "minutes"} if isinstance(msgid, tuple) else allowed
        for form in forms:
            assert form, (lang, msgid)
            found = set(PLACEHOLDER.findall(form))
            assert needed <= found <= allowed, (lang, msgid, form)
            assert TAG.findall(form) == TAG.findall(ids[0]), (lang, msgid, form)


# How each language writes "article #42" (English's "#" is no number sign in them).
ARTICLE_NUMBER = {"ru": "№", "fr": "n°", "ar": "رقم "}


async def test_an_article_number_is_written_the_languages_way_in_every_reply(
    bot: Harness,
) -> None:
    # "Статью #1 нельзя объединить", where every other reply wrote "статья №1".
    await bot.services.archive.import_records([ImportRecord(text=seed_text(), title="")])
    for lang, joined in (
        (RU, "Статью №1 нельзя объединить с самой собой: укажите две разные статьи, "),
        ("fr", "L’article n°1 ne peut pas être joint à lui-même : indiquez deux articles "),
        ("ar", f"{RLM}لا يمكن ضم المقال رقم 1 إلى نفسه: اذكر مقالين مختلفين، "),
    ):
        [reply] = await bot.send("/join 1 1", user_id=EDITOR, language_code=lang)
        assert reply.startswith(joined)
    for lang, sign in ARTICLE_NUMBER.items():
        with (LOCALE_DIR / lang / "LC_MESSAGES" / "bot.po").open("rb") as po:
            catalogue = read_po(po)
        for message in catalogue:
            forms = message.string if isinstance(message.id, tuple) else (message.string,)
            for form in forms:
                assert "#" not in form, (lang, form)
                if message.id and "#{n}" in str(message.id):
                    assert sign + "{n}" in form, (lang, form)


def test_failure_texts_marked_for_the_catalogue_are_the_ones_the_bot_says() -> None:
    assert FAILURE_TEXTS == (DISK_FULL, READ_ONLY, BUSY)
    assert Texts(RU)(DISK_FULL).startswith("Не удалось сохранить: диск архива заполнен.")


def test_the_template_holds_every_text_the_code_marks() -> None:
    # A reply text changed in code but not extracted would be shown in English to everyone.
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.pofile import read_po

    keywords = {
        **DEFAULT_KEYWORDS,
        "texts": None,
        "language": None,
        "N_": None,
        "Command": (3,),
        "plural": (1, 2),
        "say": (3,),
    }
    root = Path(__file__).parent.parent
    marked: set[object] = set()
    for folder in ("bot", "handlers"):
        for _, _, message, _, _ in extract_from_dir(
            root / folder, method_map=[("**.py", "python")], keywords=keywords
        ):
            marked.add(message if isinstance(message, str) else tuple(message))
    with (LOCALE_DIR / "bot.pot").open("rb") as handle:
        template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(handle) if m.id}
    assert marked - template == set(), "run the pybabel commands of docs/TRANSLATING.md"


async def test_why_an_article_was_refused_is_said_in_russian(bot: Harness) -> None:
    stuffed = "Жители покинули Ракку в понедельник. " + "Ракка " * 400
    assert await bot.send(f"/add {stuffed}", user_id=EDITOR, language_code=RU) == [
        "Этот текст почти целиком состоит из повторов одного слова («ракка»): это не статья."
    ]


async def test_other_outlets_of_a_story_are_named_in_russian(bot: Harness) -> None:
    from tests.test_stories import import_copies

    await import_copies(bot)
    question = "civilians trapped in Raqqa Old City"
    [answer] = await bot.send(question, user_id=READER, language_code=RU)
    assert "<i>также в: Indian Express, Al Arabiya</i>" in answer.split("\n")


async def test_a_file_too_big_is_said_in_each_language_s_units_and_digits(bot: Harness) -> None:
    # The sizes were bytes grouped with commas in every language: "(30,000,000 байт; предел —
    # 20,971,520)", "(30,000,000 octets ; la limite est de 20,971,520)".
    expected = {
        "en": "That file is too big (28.7 MB; the limit is 20 MB).",
        "fr": "Ce fichier est trop volumineux (28,7\u202fMo ; la limite est de 20\u202fMo).",
        "ru": "Файл слишком большой (28,7 МБ; предел — 20 МБ).",
        "ar": "\u200fهذا الملف كبير جداً (28.7 م.ب؛ والحد الأقصى 20 م.ب).",
    }
    said = {
        lang: await bot.send(
            user_id=EDITOR, document=("never", "huge.txt", 30_000_000), language_code=lang
        )
        for lang in expected
    }
    assert said == {lang: [text] for lang, text in expected.items()}
    # Counts inside a sentence are grouped as the language groups digits too.
    assert Texts("fr")(
        "The feed lists {count:,} items; the limit is {limit:,}.", count=30_000, limit=5_000
    ) == ("Le flux compte 30\u202f000 éléments ; la limite est de 5\u202f000.")
