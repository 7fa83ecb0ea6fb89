"""Languages: /language (the replies' language in a chat) and the editors' /lang (an article's)."""

from __future__ import annotations

from telegram import Update

from bot.articles.archive import Change
from bot.context import Context
from bot.i18n import LANGUAGES
from bot.languages import known, language_code
from bot.render import echoed, escape
from handlers.articles import not_yet_searchable
from handlers.common import (
    actor,
    args_text,
    article_number,
    beyond_ids,
    missing_article,
    no_such_article,
    reply,
    services,
    texts,
)
from handlers.permissions import chat_admins_only, editors_only

AUTOMATIC = "auto"


@chat_admins_only
async def language_command(update: Update, context: Context) -> None:
    """/language [code|auto]: the language of the bot's replies in this chat (its admins)."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None:
        return
    wanted = args_text(message).strip().lower()
    language = await texts(update, context)
    choices = ", ".join(f"<code>{code}</code>" for code in (*LANGUAGES, AUTOMATIC))
    if not wanted:
        await reply(
            update,
            language.html(
                language(
                    "My replies here are in {name}. Choose with /language and one of: {choices}.",
                    name=escape(language.language_name(language.lang)),
                    choices=choices,
                )
            ),
        )
        return
    # A language's name is taken for its code, as by /lang: "/language russian" was "I have
    # no replies in russian", and a long word was cut without a mark ("raqqa raqqa ra").
    code = AUTOMATIC if wanted == AUTOMATIC else language_code(wanted)
    if code not in (*LANGUAGES, AUTOMATIC):
        shown = language.language_name(code) if code else echoed(wanted, 20)
        await reply(
            update,
            language.html(
                language(
                    "I have no replies in {code}. Choose one of: {choices}.",
                    code=f"<code>{escape(shown)}</code>",
                    choices=choices,
                )
            ),
        )
        return
    chosen = None if code == AUTOMATIC else code
    await services(context).languages.choose(chat.id, chosen, kind=chat.type)
    language = await texts(update, context)
    if chosen is None:
        text = language("My replies here follow each person's Telegram language again.")
    else:
        text = language(
            "My replies here are now in {name}.", name=escape(language.language_name(chosen))
        )
    await reply(update, language.html(text))


@editors_only
async def lang_command(update: Update, context: Context) -> None:
    """/lang <n> <code> (editors): correct the language article n is searched in."""
    message = update.effective_message
    if message is None:
        return
    language = await texts(update, context)
    words = args_text(message).split()
    number = article_number(words[0]) if len(words) == 2 else None
    typed = words[1] if len(words) == 2 else ""
    # A language's name is taken for its code: "/lang 42 english" was "not a language code".
    code = language_code(typed) or typed.lower()
    if len(words) == 2 and (huge := beyond_ids(words[0])) is not None:
        await no_such_article(update, context, huge)
        return
    if number is not None and code and not known(code):
        await reply(
            update,
            language.html(
                escape(
                    language(
                        "{code} is not a language code I know: try en, ar, ru, fr or fa.",
                        code=echoed(code, 20),
                    )
                )
            ),
        )
        return
    if number is None or not known(code):
        await reply(
            update,
            language.html(
                escape(language("Usage: /lang <article number> <language code>, e.g. /lang 42 fr"))
            ),
        )
        return
    written = await services(context).archive.set_lang(number, code, actor=actor(update))
    change, _ = written.value
    if change is Change.MISSING:
        await missing_article(update, context, number)
        return
    if change is Change.SAME:
        # (Saying "is now searched as French" again audited a change that was none.)
        text = language(
            "Article #{n} is already searched as {name}.",
            n=number,
            name=escape(language.language_name(code)),
        )
        await reply(update, language.html(text))
        return
    text = language(
        "Article #{n} is now searched as {name}.",
        n=number,
        name=escape(language.language_name(code)),
    )
    if not written.searchable:
        text += "\n" + not_yet_searchable(language, language("The language is saved"))
    await reply(update, language.html(text))
