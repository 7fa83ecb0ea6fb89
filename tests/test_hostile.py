"""Hostile input through the real Application: each gets a clear, valid reply; nothing breaks."""

from __future__ import annotations

import base64
import http.server
import logging
import random
import threading
from pathlib import Path

import pytest

from bot.render import MESSAGE_LIMIT
from bot.settings import Settings
from bot.telegram.updates import GROUP
from tests.conftest import EDITOR, READER, Harness, seed_text
from tests.support.hostile import BYTES_AS_LATIN1, FIXED, file_cases

SORRY = "Sorry, something went wrong on my side. Nothing you sent was lost; please try again."
GROUP_ID = -100321
CASES = [(category, text) for category, texts in FIXED.items() for text in texts]


def _no_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("category", "text"), CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CASES)]
)
async def test_hostile_message_gets_a_clear_reply(
    bot: Harness, caplog: pytest.LogCaptureFixture, category: str, text: str
) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    replies: list[list[str]] = []
    for user in (READER, EDITOR):
        replies.append(await bot.send(text, user_id=user))
    if not text.startswith("/"):
        replies.append(await bot.send(f"/ask {text}", user_id=READER))
        mention = f"@newsroom_test_bot {text}"
        replies.append(await bot.send(mention, user_id=READER, chat_id=GROUP_ID, chat_type=GROUP))
    assert _no_errors(caplog) == []
    for answer in replies:
        assert answer, f"no reply to {text[:50]!r}"
        assert SORRY not in answer
        assert all(0 < len(part) <= MESSAGE_LIMIT for part in answer)
        assert not any("Traceback" in part for part in answer)
    # The archive is intact and still answers.
    stats = await bot.services.archive.articles.stats()
    saved = sum(part.startswith("Saved #") for answer in replies for part in answer)
    assert stats.articles == 1 + saved
    assert await bot.services.archive.articles.get(1) is not None
    hits = (await bot.services.questions.ask("civilians trapped in Raqqa")).hits
    # (An editor's 10,000-word message is an article too, and may rank above the seed.)
    assert 1 in [h.article.id for h in hits]


async def test_a_huge_argument_is_repeated_cut_in_one_message(bot: Harness) -> None:
    # The whole argument was repeated: three messages for a 5,000-character address.
    address = "ftp://example.org/" + "a" * 5000
    shown = "ftp://example.org/" + "a" * 182 + "…"
    assert await bot.send(f"/add {address}", user_id=EDITOR) == [
        f"Could not add {shown}: Only http and https addresses are fetched."
    ]
    assert await bot.send(f"/feed add {address}", user_id=EDITOR) == [
        f"Could not follow {shown}: Only http and https addresses are fetched."
    ]
    assert await bot.send("/lang 1 " + "f" * 5000, user_id=EDITOR) == [
        "ffffffffffffffffffff… is not a language code I know: try en, ar, ru, fr or fa."
    ]


FILE_REPLIES = {
    "at the size limit": "That text is too long to be one article (20,971,520 characters; "
    "the limit is 200,000).",
    "binary with .txt": "That file is binary, not text.",
    "binary without a NUL": "That file is binary, not text.",
    "Latin-1 text": "Saved #1: Raqqa café siège. (2026-11-25)",
    "damaged UTF-8": "That file is not valid UTF-8 text (bad byte at position 200).",
    "empty file": "That doesn't look like an article: there is no text to keep.",
    "HTML that breaks Telegram": "Saved #1: "
    + "Raqqa siege &amp; " * 7
    + "Raqqa siege… (2026-11-25)",
    "HTML with a bogus <![ section": "Saved #1: Raqqa siege notes (2026-11-25)",
    "broken JSONL": "That file is not valid UTF-8 text (bad byte at position 22).",
    "unknown extension": "I can read .txt, .md, .html and .jsonl files, not .exe.",
    "binary read as Latin-1": "That looks like binary data, not an article: much of it is "
    "control characters, symbols or unreadable bytes.",
}


@pytest.mark.parametrize("case", list(FILE_REPLIES))
async def test_hostile_file_gets_a_clear_reply(
    bot: Harness, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    name, data = file_cases(bot.settings.max_file_bytes)[case]
    file_id, _ = bot.fake.add_file(data)
    answer = await bot.send(user_id=EDITOR, document=(file_id, name, len(data)))
    assert _no_errors(caplog) == []
    assert answer == [FILE_REPLIES[case]]
    expected_articles = 1 if answer[0].startswith("Saved") else 0
    assert (await bot.services.archive.articles.stats()).articles == expected_articles


BINARY = (
    "That looks like binary data, not an article: much of it is control characters, symbols "
    "or unreadable bytes."
)
# Random bytes with the control codes left out, read as Latin-1: "Ý¶?Ä3Ì®9,Ñ¹mu..."
PRINTABLE_BYTES = bytes(
    byte for byte in random.Random(1).randbytes(2000) if 0x20 <= byte < 0x7F or byte >= 0xA0
).decode("latin-1")


@pytest.mark.parametrize(
    "junk",
    [
        "".join(map(chr, (*range(1, 9), *range(14, 32), *range(127, 160)))) * 4,
        BYTES_AS_LATIN1,
        bytes(range(256)).decode("utf-8", "replace") * 2,
        "".join(chr(code) for code in range(0x2000, 0x3000, 7)),
        PRINTABLE_BYTES,
        base64.encodebytes(random.Random(2).randbytes(1500)).decode("ascii"),
    ],
    ids=[
        "control codes",
        "bytes as Latin-1",
        "bytes as UTF-8",
        "symbols",
        "printable bytes as Latin-1",
        "base64",
    ],
)
async def test_binary_junk_is_refused_and_nothing_is_stored(bot: Harness, junk: str) -> None:
    # It was stored: "Saved #1: š – ›ƒ' ‡"™€ž Žš‡š€Ž'žƒ ‰€ŠŒ‹›€œ‰žŠ'™š"†Ÿ..."
    assert await bot.send(f"/add {junk}", user_id=EDITOR) == [BINARY]
    assert await bot.send(f"Raqqa report\n\n{junk}\n\n{junk}", user_id=EDITOR) == [BINARY]
    assert (await bot.services.archive.articles.stats()).articles == 0
    # Symbols an article does use are no junk: emoji bullets, arrows, a degree sign.
    post = "✅ Aid reached Raqqa ➡ 40 trucks crossed at 35° heat, ☎ hotline open ✅ " * 3
    assert (await bot.send(f"/add {post}", user_id=EDITOR))[0].startswith("Saved #1: ")


REAL_TEXTS = {
    "English": (
        "Kurdish-led forces breach Raqqa's Old City wall\n\nUS-backed forces in Syria have "
        "breached the wall surrounding the Old City of Raqqa, the US Central Command said on "
        "Tuesday. Thousands of civilians remain trapped inside the city."
    ),
    "French": (
        "Les forces kurdes percent le rempart de Raqqa\n\nLes Forces démocratiques syriennes, "
        "soutenues par la coalition, ont pénétré dans la vieille ville de Raqqa, a annoncé "
        "mardi le commandement américain. Des milliers de civils y seraient encore piégés."
    ),
    "Russian": (
        "Курдские силы прорвали стену Старого города Ракки\n\nСирийские демократические силы "
        "при поддержке коалиции вошли в Старый город Ракки, сообщило во вторник командование "
        "США. В городе остаются тысячи мирных жителей."
    ),
    "Arabic": (
        "قوات سوريا الديمقراطية تخترق سور الرقة القديمة\n\nقالت القيادة المركزية الأمريكية "
        "يوم الثلاثاء إن القوات المدعومة من التحالف اخترقت سور المدينة القديمة في الرقة، "
        "ولا يزال آلاف المدنيين عالقين داخل المدينة."
    ),
    "a list of addresses": "Sources for the Raqqa report\n\n"
    + "\n".join(
        f"https://www.reuters.com/article/us-mideast-crisis-syria-raqqa-{n}/"
        f"us-backed-forces-breach-raqqa-old-city-wall-idUSKBN19P{n:04d}?utm_source=twitter"
        for n in range(40)
    )
    + "\n"
    + "\n".join(f"aljazeera.com/news/2017/7/4/syria-raqqa-old-city-{n}" for n in range(40)),
}


@pytest.mark.parametrize("language", list(REAL_TEXTS))
async def test_real_text_in_a_file_is_no_junk(bot: Harness, language: str) -> None:
    # (Sent as a file: a message of addresses is fetched, not stored.)
    data = REAL_TEXTS[language].encode()
    file_id, _ = bot.fake.add_file(data)
    [reply] = await bot.send(user_id=EDITOR, document=(file_id, "report.txt", len(data)))
    title = REAL_TEXTS[language].split("\n")[0]
    assert reply.startswith(f"Saved #1: {title}"), reply


async def test_file_over_the_limit_is_refused_before_download(bot: Harness) -> None:
    size = bot.settings.max_file_bytes + 1
    assert await bot.send(user_id=EDITOR, document=("never", "big.txt", size)) == [
        "That file is too big (20.1 MB; the limit is 20 MB)."
    ]
    assert [name for name, _ in bot.fake.calls if name == "getFile"] == []


async def test_long_question_is_refused_politely(bot: Harness) -> None:
    too_long = (
        "That question is too long for me: please ask in under 1,000 characters "
        "(the key words are enough)."
    )
    assert await bot.send("/ask " + "raqqa " * 1000, user_id=READER) == [too_long]
    mention = "@newsroom_test_bot " + "siege? " * 200
    assert await bot.send(mention, user_id=READER, chat_id=GROUP_ID, chat_type=GROUP) == [too_long]


async def test_article_numbers_are_read_in_any_script_and_superscripts_refused(
    bot: Harness,
) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    for typed in ("/read ١", "/read_١", "/read １"):  # Arabic-Indic and full-width 1
        answer = await bot.send(typed, user_id=READER)
        assert answer[0].startswith("<b>US-backed forces in Syria"), typed
    assert await bot.send("/read ¹", user_id=READER) == [
        "Usage: /read &lt;article number&gt;, for example /read 42 (or tap /read_42)."
    ]
    assert await bot.send("/delete ¹", user_id=EDITOR) == [
        "Usage: /delete &lt;article number&gt;, for example /delete 42"
    ]


async def test_a_number_too_long_for_any_article_names_no_article(bot: Harness) -> None:
    # "/read_99999999999999999999" was "I don't know that command", "/read 999…" the usage line.
    huge = "9" * 20
    line = f"There is no article #{huge} in the archive."
    assert await bot.send(f"/read_{huge}", user_id=READER) == [line]
    assert await bot.send(f"/read {huge}", user_id=READER) == [line]
    for command in ("/delete", "/restore", "/split", "/join 1", "/edit", "/lang"):
        tail = {"/join 1": "", "/edit": " New text of the article.", "/lang": " fr"}.get(
            command, ""
        )
        assert await bot.send(f"{command} {huge}{tail}", user_id=EDITOR) == [line], command


async def test_a_question_of_invisible_characters_gets_the_usage_line(bot: Harness) -> None:
    # Zero-width spaces alone were a request for the news: "The newest articles: ...".
    await bot.send(seed_text(), user_id=EDITOR)
    usage = "Usage: /ask &lt;question&gt;, for example /ask civilians trapped in Raqqa?"
    assert await bot.send("/ask " + "\u200b" * 10, user_id=READER) == [usage]
    assert await bot.send("\u200b\u2060\u200b", user_id=READER) == [usage]


async def test_a_question_of_no_word_gets_a_hint_not_the_newest_articles(bot: Harness) -> None:
    # "?", "!!!" or an emoji alone listed the newest articles: "The newest articles: 1. ...".
    await bot.send(seed_text(), user_id=EDITOR)
    hint = (
        "Ask me about the news in the archive, for example: civilians trapped in Raqqa? "
        "Or send me an article. /help lists everything I do."
    )
    for message in ("?", "!!!", "/ask ...", "👍", "-- *"):
        assert await bot.send(message, user_id=READER) == [hint], message
    mention = "@newsroom_test_bot ?"
    assert await bot.send(mention, user_id=READER, chat_id=GROUP_ID, chat_type=GROUP) == [hint]
    # A number is a word: it is searched.
    assert await bot.send("2017", user_id=READER) == ["I found nothing in the archive for that."]


async def test_unknown_command_in_private_gets_pointed_to_help(bot: Harness) -> None:
    assert await bot.send("/frobnicate", user_id=READER) == [
        "I don't know that command; /help lists the ones I do."
    ]
    assert await bot.send("/frobnicate", user_id=READER, chat_id=GROUP_ID, chat_type=GROUP) == []
    # A typo names the command it most likely meant (it was only "I don't know that command").
    for typed, meant in (
        ("/subscibe 8am", "/subscribe"),
        ("/hlep", "/help"),
        ("/Tren x", "/trend"),
    ):
        assert await bot.send(typed, user_id=READER) == [
            f"I don't know that command. Did you mean {meant}? /help lists the ones I do."
        ], typed
    assert await bot.send("/subscibe 8am", user_id=READER, language_code="fr") == [
        "Je ne connais pas cette commande. Vouliez-vous dire /subscribe ? /help liste celles que "
        "je connais."
    ]


def test_settings_repr_never_shows_the_token() -> None:
    token = "7654321098:AAH-secret_tokenValue0123456789abcdefXYZ"
    settings = Settings(telegram_bot_token=token, _env_file=None)  # type: ignore[arg-type, call-arg]
    assert token not in repr(settings)
    assert token not in str(settings)
    assert "telegram_bot_token=SecretStr('**********')" in repr(settings)
    assert settings.require_token() == token


@pytest.mark.parametrize(
    ("data", "user", "notice"),
    [
        ("", READER, "That button is out of date."),
        ("x' OR 1=1 --", READER, "That button is out of date."),
        ("more:abc", READER, "That button is out of date."),
        ("more:99999", READER, "I can no longer see the question; please ask again."),
        ("delete:1", READER, "Only the newsroom's editors can delete articles."),
        ("delete:²", EDITOR, "That button is out of date."),
        ("delete:-1", EDITOR, "That button is out of date."),
    ],
)
async def test_forged_button_press_is_answered_and_changes_nothing(
    bot: Harness, caplog: pytest.LogCaptureFixture, data: str, user: int, notice: str
) -> None:
    await bot.send(seed_text(), user_id=EDITOR)
    shown = bot.fake.sent[-1]
    assert await bot.process(bot.updates.callback(data, shown, user_id=user)) == []
    assert bot.fake.last("answerCallbackQuery").get("text") == notice
    assert _no_errors(caplog) == []
    assert await bot.services.archive.articles.get(1) is not None


def test_rejected_token_is_reported_in_one_line_without_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.main import TOKEN_REJECTED, main

    class Unauthorized(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = b'{"ok": false, "error_code": 401, "description": "Unauthorized"}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    token = "7654321098:AAH-revoked_tokenValue0123456789abcdefXYZ"
    server = http.server.HTTPServer(("127.0.0.1", 0), Unauthorized)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level  # main() sets up logging for the CLI
    try:
        monkeypatch.chdir(tmp_path)
        for key in ("DATABASE_URL", "WEBHOOK_URL", "LOG_LEVEL", "TELEGRAM_FILE_BASE_URL"):
            monkeypatch.delenv(key, raising=False)
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"http://127.0.0.1:{server.server_port}/bot")
        assert main(["run"]) == 2
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        server.shutdown()
        server.server_close()
        thread.join()
    out, err = capfd.readouterr()
    assert err.endswith(TOKEN_REJECTED + "\n")
    assert token.split(":")[1] not in out + err
