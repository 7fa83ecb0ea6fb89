"""The bot's fixed texts in the reader's language: gettext catalogues in bot/locales (Babel).

The language is the chat's choice (`/language`), else the user's Telegram `language_code`,
else English. Translators edit `bot/locales/<lang>/LC_MESSAGES/bot.po`; see docs/TRANSLATING.md.
"""

from __future__ import annotations

import gettext
import json
import math
import re
import string
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from babel.units import format_unit

from storage.chat_languages import ChatLanguageStore

DOMAIN = "bot"
LOCALE_DIR = Path(__file__).parent / "locales"
DEFAULT = "en"
# The languages with a catalogue (English is the source text).
LANGUAGES = ("en", "ru", "ar", "fr", "fa")
# Right-to-left mark: starts a line in the right-to-left direction whatever comes first on it
# (a number, a command, a Latin name), so Telegram lays out Arabic and Persian lines properly.
RLM = "\u200f"
# Left-to-right mark: put before a command's slash in a right-to-left line (an Arabic reply's,
# or an Arabic or Persian headline's in any reply). Between an Arabic word and a Latin one the
# slash took the line's direction and showed on the far side of the command ("read_42/",
# "subscribe 08:00/"). Not a slash in a tag ("</b>"), an address or a word ("Europe/London").
LRM = "\u200e"
_COMMAND_SLASH = re.compile(r"(?<![\w/<>:.\u200e])/(?=[A-Za-z])")
# Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko, their forms).
_RIGHT_TO_LEFT_LETTER = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def N_(message: str) -> str:
    """Mark a text kept in a constant for the catalogue (translated where it is shown)."""
    return message


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


# A file's size is said in the largest of these units it reaches (binary, as Telegram's "20 MB").
SIZE_UNITS = (("digital-megabyte", 1 << 20), ("digital-kilobyte", 1 << 10))


class _LocaleNumbers(string.Formatter):
    """str.format, with a number written `{n:,}` grouped as the language groups digits
    ("30 000" in French and Russian; Python's "," wrote "30,000" in every language)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec == "," and isinstance(value, int | float) and not isinstance(value, bool):
            return str(format_decimal(value, locale=self.lang))
        return str(super().format_field(value, format_spec))


@cache
def _numbers(lang: str) -> _LocaleNumbers | None:
    return None if lang == DEFAULT else _LocaleNumbers(lang)


@dataclass(frozen=True, slots=True)
class Texts:
    """The fixed texts in one language: `texts("Also:")`, `texts("{n} found", n=3)`."""

    lang: str

    def __call__(self, message: str, /, **values: object) -> str:
        """The translation of `message` (English when there is none), with `values` put in."""
        text = _catalogue(self.lang).gettext(message)
        return self._format(text, values) if values else text

    def plural(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The form of a text for `n` ("{n} new articles"): as many forms as the language has
        (Russian three, Arabic six), chosen by the catalogue's Plural-Forms; `n` is put in."""
        text = _catalogue(self.lang).ngettext(singular, plural, n)
        return self._format(text, {"n": n, **values})

    def _format(self, text: str, values: dict[str, object]) -> str:
        numbers = _numbers(self.lang)
        return text.format(**values) if numbers is None else numbers.format(text, **values)

    def number(self, value: int) -> str:
        """A count with its digits grouped as this language groups them."""
        return str(format_decimal(value, locale=self.lang))

    def size(self, count: int, *, up: bool = False) -> str:
        """A size in bytes in this language's units and digits, to a tenth ("20.1 MB",
        "20,1 Mo", "20,1 МБ"); `up`: rounded up, so a size over a limit rounded down never
        reads as the limit ("20 MB; the limit is 20 MB" for one byte too many)."""
        unit, scale = next(
            ((unit, scale) for unit, scale in SIZE_UNITS if count >= scale), SIZE_UNITS[-1]
        )
        tenths = (math.ceil if up else math.floor)(count * 10 / scale)
        value: float = tenths // 10 if tenths % 10 == 0 else tenths / 10
        return str(format_unit(value, unit, length="short", locale=self.lang))

    @property
    def right_to_left(self) -> bool:
        """Whether the language is written right to left."""
        return direction(self.lang) == "rtl"

    def html(self, text: str) -> str:
        """A reply as it is sent: right-to-left languages get each line's direction set, and
        each command its own; in other languages, a command on a line of Arabic or Persian."""
        if not self.right_to_left:
            if "/" not in text or _RIGHT_TO_LEFT_LETTER.search(text) is None:
                return text
            return "\n".join(
                _COMMAND_SLASH.sub(LRM + "/", line) if _RIGHT_TO_LEFT_LETTER.search(line) else line
                for line in text.split("\n")
            )
        if "/" in text:
            text = _COMMAND_SLASH.sub(LRM + "/", text)
        return "\n".join(RLM + line if line else line for line in text.split("\n"))

    def language_name(self, code: str) -> str:
        """The name of language `code` in this language ("arabe" for "ar" in French)."""
        try:
            name = Locale.parse(code).get_display_name(self.lang)
        except (ValueError, UnknownLocaleError):
            return code
        return name or code


ENGLISH = Texts(DEFAULT)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A catalogue text (English) and its values, to be said in any language later; a value
    that is itself a Phrase is said in the same language. Plain data: it pickles (worker
    processes return them) and compares by value."""

    template: str
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, template: str, /, **values: object) -> Phrase:
        """`Phrase.of(N_("line {n}"), n=6)`."""
        return cls(template, tuple(values.items()))

    def said(self, texts: Texts) -> str:
        """The text in the language of `texts`."""
        values = {k: v.said(texts) if isinstance(v, Phrase) else v for k, v in self.values}
        return texts(self.template, **values)

    def __str__(self) -> str:
        return self.said(ENGLISH)

    def stored(self) -> str:
        """The phrase as JSON, to keep (a feed's last error) and say later in any language."""
        return json.dumps(_plain(self), ensure_ascii=False)

    @classmethod
    def from_stored(cls, text: str) -> Phrase | None:
        """The phrase `stored` wrote; None for other text (kept before phrases were)."""
        try:
            value = json.loads(text)
        except ValueError:
            return None
        return _phrase(value)


def _plain(value: object) -> object:
    if isinstance(value, Phrase):
        return {"phrase": value.template, "values": {k: _plain(v) for k, v in value.values}}
    return value if isinstance(value, (str, int, float)) or value is None else str(value)


def _phrase(value: object) -> Phrase | None:
    if not (
        isinstance(value, dict)
        and isinstance(value.get("phrase"), str)
        and isinstance(value.get("values"), dict)
    ):
        return None
    values = {k: _phrase(v) or v for k, v in value["values"].items()}
    return Phrase(value["phrase"], tuple(values.items()))


class Explained(Exception):
    """An error whose message is for the user: a catalogue text (English) and its values, so
    a reply can say it in the reader's language; str() is the English (logs, the CLI).
    A value that is an Explained or a Phrase (a reason inside a sentence) is translated too."""

    def __init__(self, template: str, /, **values: object) -> None:
        super().__init__(template.format(**values) if values else template)
        self.template = template
        self.values = values

    @property
    def phrase(self) -> Phrase:
        """The message as plain data (for a report that outlives the exception)."""
        return Phrase(
            self.template,
            tuple((k, v.phrase if isinstance(v, Explained) else v) for k, v in self.values.items()),
        )

    def said(self, texts: Texts) -> str:
        """The message in the language of `texts`."""
        return self.phrase.said(texts)


@lru_cache(maxsize=64)
def direction(lang: str) -> str:
    """'rtl' or 'ltr'."""
    try:
        return str(Locale.parse(lang).text_direction)
    except (ValueError, UnknownLocaleError):
        return "ltr"


def choose(chat_choice: str | None, user_code: str | None) -> str:
    """The reply language: the chat's choice, else the user's Telegram language, else English."""
    for code in (chat_choice, user_code):
        if code:
            primary = code.replace("_", "-").split("-", 1)[0].lower()
            if primary in LANGUAGES:
                return primary
    return DEFAULT


class ChatLanguages:
    """Each chat's reply language, remembered after the first look-up."""

    def __init__(self, store: ChatLanguageStore) -> None:
        self._store = store
        self._chosen: dict[int, str | None] = {}

    async def texts(self, chat_id: int | None, user_code: str | None) -> Texts:
        """The texts for a reply in this chat to this user."""
        if chat_id is None:
            return Texts(choose(None, user_code))
        return Texts(choose(await self.chosen(chat_id), user_code))

    async def chosen(self, chat_id: int) -> str | None:
        """The chat's own choice of language (None: each user's own)."""
        if chat_id not in self._chosen:
            self._chosen[chat_id] = await self._store.get(chat_id)
        return self._chosen[chat_id]

    async def of_chat(self, chat_id: int) -> Texts:
        """The texts for a message the bot sends on its own (a digest): the chat's language,
        else English."""
        return Texts(choose(await self.chosen(chat_id), None))

    async def remember(self, chat_id: int, user_code: str | None, *, kind: str) -> None:
        """Keep a private chat's language for what the bot sends unasked (digests): the
        user's Telegram language, unless the chat chose one (or it is English, the default)."""
        lang = choose(None, user_code)
        if lang != DEFAULT and await self.chosen(chat_id) is None:
            await self.choose(chat_id, lang, kind=kind)

    async def choose(self, chat_id: int, lang: str | None, *, kind: str) -> None:
        """Set the chat's language (None: each user's own)."""
        await self._store.set(chat_id, lang, kind=kind)
        self._chosen[chat_id] = lang
