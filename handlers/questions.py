"""Questions: /ask, private messages, mentions and replies in groups, inline mode, /read."""

from __future__ import annotations

import re
import textwrap
from uuid import uuid4

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)

from bot.articles.fields import storable
from bot.context import Context
from bot.i18n import N_, Texts
from bot.questions.courtesy import courtesy_reply
from bot.questions.limits import Verdict, slow_down_button, slow_down_text
from bot.questions.replies import answers_html, nothing_text
from bot.questions.service import MAX_QUESTION_CHARS, PAGE_SIZE, Answers
from bot.render import MORE_PREFIX, byline, escape, split_article
from handlers.common import (
    STALE_BUTTON,
    args_text,
    article_number,
    beyond_ids,
    is_editor,
    missing_article,
    no_such_article,
    reply,
    reply_parts,
    say,
    services,
    texts,
    user_id,
)

ASK_USAGE = N_("Usage: /ask <question>, for example /ask civilians trapped in Raqqa?")
READ_USAGE = N_("Usage: /read <article number>, for example /read 42 (or tap /read_42).")
# (Commands are read in any case, as PTB reads /READ 42.)
READ_PATTERN = re.compile(r"^/read_(\d+)(?:@\w+)?\s*$", re.IGNORECASE)
# /read_ followed by anything else (/read_abc, /read_, /read_-1): the tappable form mistyped.
MISTYPED_READ = re.compile(r"^/read_(\S*?)(?:@(\w+))?(?:\s|$)", re.IGNORECASE)
MISTYPED_READ_REPLY = N_(
    "“{typed}” names no article: type /read_ followed by the article's number as an answer "
    "shows it, for example /read_42."
)
MISTYPED_SHOWN = 40
INLINE_RESULTS = 10
# An inline results button is one short line over the results.
BUTTON_CHARS = 64
INLINE_CLOSEST = N_("No answer in the archive; closest article, may not answer.")
# An inline "thanks", "hello" or "?": said to the bot, not asked of the archive.
INLINE_COURTESY = N_("Ask me about the news: civilians trapped in Raqqa?")
TOO_LONG = N_(
    "That question is too long for me: please ask in under {limit} characters "
    "(the key words are enough)."
)


def more_button(answers: Answers, language: Texts) -> InlineKeyboardMarkup | None:
    """A "More" button when there are further results."""
    if not answers.has_more:
        return None
    offset = answers.offset + len(answers.hits) or PAGE_SIZE
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(language("More ▸"), callback_data=f"{MORE_PREFIX}{offset}")]]
    )


async def answer_question(update: Update, context: Context, question: str) -> None:
    """Answer from the archive: the best sentence, its article, two more hits, a More button."""
    # (Zero-width and control characters alone are no question: they listed the newest articles.)
    if not storable(question).strip():
        await say(update, context, ASK_USAGE, plain=True)
        return
    if not await within_limits(update, context):
        return
    if len(question) > MAX_QUESTION_CHARS:
        await say(update, context, TOO_LONG, limit=f"{MAX_QUESTION_CHARS:,}")
        return
    courtesy = courtesy_reply(question)
    if courtesy is not None:
        await say(update, context, courtesy, plain=True)
        return
    answers = await services(context).questions.ask(question, with_answers=1)
    language = await texts(update, context)
    await reply(
        update,
        language.html(answers_html(answers, language)),
        reply_markup=more_button(answers, language),
    )


async def within_limits(update: Update, context: Context) -> bool:
    """Count a question; over the limit, reply politely once and then stay silent."""
    verdict, wait = _count_question(update, context)
    if verdict is Verdict.WARN:
        await reply(update, slow_down_text(wait, await texts(update, context)))
    return verdict is Verdict.ALLOW


def _count_question(update: Update, context: Context) -> tuple[Verdict, int]:
    chat = update.effective_chat
    return services(context).question_limits.check(user_id(update), chat.id if chat else None)


async def ask_command(update: Update, context: Context) -> None:
    """/ask <question>."""
    message = update.effective_message
    if message is not None:
        await answer_question(update, context, args_text(message))


async def group_text(update: Update, context: Context) -> None:
    """In groups the bot answers only when it is mentioned or replied to."""
    message = update.effective_message
    if message is None or not message.text:
        return
    username = context.bot.username
    mention = f"@{username}".casefold() if username else None
    replied_to_bot = (
        message.reply_to_message is not None
        and message.reply_to_message.from_user is not None
        and message.reply_to_message.from_user.id == context.bot.id
    )
    mentioned = mention is not None and mention in message.text.casefold()
    if not (mentioned or replied_to_bot):
        return
    question = message.text
    if mention is not None:
        question = re.sub(re.escape(mention), " ", question, flags=re.IGNORECASE)
    await answer_question(update, context, question)


async def more_callback(update: Update, context: Context) -> None:
    """The "More" button: show the next page of results in place."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    try:
        offset = int(query.data.removeprefix(MORE_PREFIX))
    except ValueError:
        await query.answer((await texts(update, context))(STALE_BUTTON))
        return
    message = query.message
    original = getattr(message, "reply_to_message", None)
    question = (original.text or original.caption or "") if original is not None else ""
    question = re.sub(r"^/ask(@\w+)?\s*", "", question)
    language = await texts(update, context)
    if not question.strip() or not 0 < offset <= 1000:
        await query.answer(language("I can no longer see the question; please ask again."))
        return
    # A page of "More" costs a search like a question, so it counts as one.
    verdict, wait = _count_question(update, context)
    if verdict is not Verdict.ALLOW:
        language = await texts(update, context)
        await query.answer(slow_down_text(wait, language) if verdict is Verdict.WARN else None)
        return
    answers = await services(context).questions.ask(question, offset=offset, with_answers=0)
    await query.answer()
    if not answers.hits:
        await query.edit_message_reply_markup(reply_markup=None)
        return
    await query.edit_message_text(
        language.html(answers_html(answers, language)), reply_markup=more_button(answers, language)
    )


async def read_command(update: Update, context: Context) -> None:
    """/read 42 sends article 42 in full."""
    message = update.effective_message
    if message is None:
        return
    await send_article(update, context, args_text(message))


async def read_shortcut(update: Update, context: Context) -> None:
    """/read_42, the tappable form."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    match = READ_PATTERN.match(message.text.strip())
    await send_article(update, context, match.group(1) if match else "")


async def mistyped_read(update: Update, context: Context) -> None:
    """/read_abc: it was "I don't know that command", which said nothing of /read_N."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    match = MISTYPED_READ.match(message.text.strip())
    if match is None:
        return
    addressed = match.group(2)
    if addressed and addressed.casefold() != (context.bot.username or "").casefold():
        return  # another bot's command, in a group
    typed = message.text.split(None, 1)[0]
    if len(typed) > MISTYPED_SHOWN:
        typed = typed[: MISTYPED_SHOWN - 1] + "…"
    await say(update, context, MISTYPED_READ_REPLY, typed=escape(typed))


async def send_article(update: Update, context: Context, number: str) -> None:
    """The whole article, split on paragraph boundaries into messages that fit."""
    article_id = article_number(number)
    if article_id is None:
        if (huge := beyond_ids(number)) is not None:
            await no_such_article(update, context, huge)
        else:
            await say(update, context, READ_USAGE, plain=True)
        return
    archive = services(context).archive
    article = await archive.get(article_id)
    language = await texts(update, context)
    if article is None:
        await missing_article(update, context, article_id, editor=await is_editor(update, context))
        return
    # The article is sent as it is written: only the lines about it follow the reader's language.
    meta = byline(article.published.isoformat(), article.source, article.id)
    if article.lang:
        name = escape(language.language_name(article.lang))
        meta += "\n" + language("Language: {name} ({code})", name=name, code=article.lang)
    if article.url:
        original = language("original")
        meta += f'\n<a href="{escape(article.url)}">{original}</a>'
    # (Its lines in the reader's direction: "/read_7" after an Arabic source showed "read_7/".)
    await reply_parts(update, split_article(article.title, language.html(meta), article.text))


async def inline_query(update: Update, context: Context) -> None:
    """@bot query in any chat: the top articles as inline results."""
    query = update.inline_query
    if query is None:
        return
    text = query.query.strip()
    if not text:
        await query.answer([], cache_time=5)
        return
    verdict, wait = services(context).question_limits.check(query.from_user.id, None)
    if verdict is not Verdict.ALLOW:
        # Inline mode has no message to reply with: the polite word is a button over the
        # (empty) results, shown once; later queries in the window get nothing at all.
        notice = (
            InlineQueryResultsButton(
                text=slow_down_button(wait, await texts(update, context)), start_parameter="help"
            )
            if verdict is Verdict.WARN
            else None
        )
        await query.answer([], cache_time=0, button=notice)
        return
    # No chat here: the asker's own Telegram language.
    language = await services(context).languages.texts(None, query.from_user.language_code)
    if courtesy_reply(text) is not None:
        # Searched, "thanks" listed stories quoting "thank God", as if they answered it.
        button = InlineQueryResultsButton(text=language(INLINE_COURTESY), start_parameter="help")
        await query.answer([], cache_time=5, button=button)
        return
    answers = await services(context).questions.ask(text, limit=INLINE_RESULTS)
    if not answers.hits:
        # Nothing to list (a bad filter, an empty archive): the reason is a button over the
        # empty results, as the chat would say it; it opens the bot's chat. (No results and
        # no word looked like a bot that did not hear.)
        reason = textwrap.shorten(nothing_text(answers, language), BUTTON_CHARS, placeholder="…")
        await query.answer(
            [], cache_time=5, button=InlineQueryResultsButton(text=reason, start_parameter="help")
        )
        return
    results = []
    for hit in answers.hits:
        article = hit.article
        meta = (
            article.published.isoformat()
            + (f" · {escape(article.source)}" if article.source else "")
            + f" · #{article.id}"
        )
        if answers.answered:
            sentence = hit.answer.sentence or article.title
            body = f"<b>{escape(article.title)}</b>\n“{escape(sentence)}”\n{meta}"
        elif answers.listing:
            # Filters alone: the newest articles they pass, by date and source.
            sentence = article.published.isoformat() + (
                f" · {article.source}" if article.source else ""
            )
            body = f"<b>{escape(article.title)}</b>\n{meta}"
        else:
            # No quote offered as an answer: the article, said to be only the closest.
            sentence = language(INLINE_CLOSEST)
            body = f"<b>{escape(article.title)}</b>\n{meta}"
        results.append(
            InlineQueryResultArticle(
                id=str(uuid4()),
                title=article.title[:200],
                description=sentence[:200],
                input_message_content=InputTextMessageContent(body[:4096]),
            )
        )
    await query.answer(results, cache_time=30)
