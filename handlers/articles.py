"""Adding articles: private messages, /add, forwards, channel posts and files."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)

from bot.articles.archive import (
    Change,
    ImportRecord,
    NewArticle,
    Origin,
    RejectedInput,
    SaveResult,
    Written,
    record_date,
)
from bot.articles.files import UnreadableFile, shown_name
from bot.articles.parsing import MessageKind, classify_message, date_line_notes
from bot.context import Context
from bot.i18n import N_, Explained, Phrase, Texts
from bot.render import duplicate_line, echoed, escape, no_article_line, saved_line
from bot.web.fetch import FetchError
from bot.web.urls import MAX_LINKS, find_addresses, find_anchored_link
from handlers.common import (
    REFUSE_EDITORS_ONLY,
    actor,
    args_text,
    article_number,
    beyond_ids,
    is_editor,
    missing_article,
    no_such_article,
    reply,
    say,
    services,
    texts,
    user_id,
)
from handlers.permissions import editors_only
from handlers.questions import answer_question

log = logging.getLogger(__name__)


def not_yet_searchable(language: Texts, stored: str) -> str:
    """The second line of a reply when the database took a change but the index could not."""
    return language(
        "{stored}; search will find it once the search index catches up "
        "(the index could not be updated just now).",
        stored=stored,
    )


ADD_USAGE = N_("Usage: /add <article text>, or reply /add to the message that holds the article.")


SAVE_OR_ASK = N_("Is this an article to save, or a question to answer?")
KIND_PREFIX = "as:"


async def private_text(update: Update, context: Context) -> None:
    """In a private chat a message is an article (editors) or a question; if it could be
    either, an editor is asked which with two buttons."""
    message = update.effective_message
    text = message.text or message.caption if message is not None else None
    if message is None or not text:
        return
    if message_links(message):
        # A link (or a forwarded post that is mostly one) is an article to fetch, for editors.
        await ingest_link_as_editor(update, context)
        return
    kind = MessageKind.ARTICLE if message.forward_origin is not None else classify_message(text)
    if kind is MessageKind.EITHER:
        kind = MessageKind.EITHER if await is_editor(update, context) else MessageKind.QUESTION
    if kind is MessageKind.QUESTION:
        await answer_question(update, context, text)
    elif kind is MessageKind.EITHER:
        language = await texts(update, context)
        buttons = [
            InlineKeyboardButton(
                language("Save as article"), callback_data=f"{KIND_PREFIX}article"
            ),
            InlineKeyboardButton(
                language("Ask as question"), callback_data=f"{KIND_PREFIX}question"
            ),
        ]
        await reply(
            update,
            language.html(language(SAVE_OR_ASK)),
            reply_markup=InlineKeyboardMarkup([buttons]),
        )
    else:
        await ingest_as_editor(update, context)


async def kind_callback(update: Update, context: Context) -> None:
    """The Save as article / Ask as question buttons: do what was pressed, once."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    original = getattr(query.message, "reply_to_message", None)
    text = (original.text or original.caption or "") if original is not None else ""
    language = await texts(update, context)
    if not text.strip():
        await query.answer(language("I can no longer see that message; please send it again."))
        return
    choice = query.data.removeprefix(KIND_PREFIX)
    if choice == "article" and not await is_editor(update, context):
        await query.answer(language(REFUSE_EDITORS_ONLY))
        return
    await query.answer()
    await query.edit_message_reply_markup(reply_markup=None)
    if choice == "article" and original is not None:
        await ingest(update, context, original, text)
    else:
        await answer_question(update, context, text)


@editors_only
async def ingest_as_editor(update: Update, context: Context) -> None:
    """The message is an article: editors' articles are stored, anyone else is refused."""
    message = update.effective_message
    text = message.text or message.caption if message is not None else None
    if message is not None and text:
        await ingest(update, context, message, text)


@editors_only
async def add_command(update: Update, context: Context) -> None:
    """/add <text>, or /add in reply to a message."""
    message = update.effective_message
    if message is None:
        return
    text = args_text(message)
    source_message = message
    if not text and message.reply_to_message is not None:
        source_message = message.reply_to_message
        text = source_message.text or source_message.caption or ""
    if not text.strip():
        await say(update, context, ADD_USAGE, plain=True)
        return
    links = message_links(source_message) if source_message is not message else find_addresses(text)
    if links:
        await ingest_links(update, context, source_message, links)
        return
    await ingest(update, context, source_message, text)


EDIT_USAGE = N_(
    "Usage: /edit <n> <new article text>, or reply /edit <n> to the message that holds it."
)


@editors_only
async def edit_command(update: Update, context: Context) -> None:
    """/edit <n> <text>, or /edit <n> in reply to a message (editors)."""
    message = update.effective_message
    if message is None:
        return
    first, _, text = args_text(message).partition(" ")
    number = article_number(first)
    if not text.strip() and message.reply_to_message is not None:
        text = message.reply_to_message.text or message.reply_to_message.caption or ""
    if number is None and text.strip() and (huge := beyond_ids(first)) is not None:
        await no_such_article(update, context, huge)
        return
    if number is None or not text.strip():
        await say(update, context, EDIT_USAGE, plain=True)
        return
    language = await texts(update, context)
    archive = services(context).archive
    current = await archive.get(number)
    if current is None:
        await missing_article(update, context, number)
        return
    try:
        new = archive.build(text, published=current.published, source=current.source)
    except RejectedInput as exc:
        await reply(update, language.html(escape(why(exc, language))))
        return
    written = await archive.replace(number, new, actor=actor(update))
    outcome, article = written.value
    if outcome is Change.CLASH and article is not None:
        text = duplicate_line(article.id, article.title, language)
    elif outcome is Change.EDITED and article is not None:
        text = language("Edited #{n}: {title}", n=article.id, title=escape(article.title))
        if not written.searchable:
            text += "\n" + not_yet_searchable(language, language("The new text is stored"))
    else:
        text = no_article_line(number, language)
    await reply(update, language.html(text))


async def channel_post(update: Update, context: Context) -> None:
    """A post in an archived channel becomes an article (no reply: it would post in the channel)."""
    message = update.channel_post
    if message is None:
        return
    text = message.text or message.caption
    if not text or text.startswith("/"):
        return
    archive = services(context).archive
    try:
        new = archive.build(
            text, published=message.date.date(), source=_chat_name(message), origin=_origin(message)
        )
    except RejectedInput as exc:
        log.info("channel post %s/%s not archived: %s", message.chat_id, message.message_id, exc)
        return
    result = (await archive.add(new, actor=actor(update))).value
    log.info(
        "channel post %s/%s stored as #%d", message.chat_id, message.message_id, result.article.id
    )


async def edited_channel_post(update: Update, context: Context) -> None:
    """An edited channel post updates the article it became."""
    message = update.edited_channel_post
    if message is None:
        return
    text = message.text or message.caption
    if not text:
        return
    archive = services(context).archive
    try:
        new = archive.build(
            text, published=message.date.date(), source=_chat_name(message), origin=_origin(message)
        )
    except RejectedInput:
        return
    updated = await archive.update_from_origin(
        message.chat_id, message.message_id, new, actor=actor(update)
    )
    if updated.value is None:
        await archive.add(new, actor=actor(update))


async def edited_private_text(update: Update, context: Context) -> None:
    """An editor's edit of a private message that became an article updates the article.

    An edit of any other message (a question, a reader's) changes nothing and gets no reply.
    """
    message = update.edited_message
    if message is None:
        return
    text = message.text or message.caption
    if not text or not await is_editor(update, context):
        return
    archive = services(context).archive
    try:
        new = _article_of(update, context, message, text)
    except RejectedInput as exc:
        # Said only for a message that became an article: an edited question gets no reply.
        kept = await archive.from_origin(message.chat_id, message.message_id)
        if kept is not None:
            language = await texts(update, context)
            line = language(
                "The edit was not saved: article #{n} keeps its earlier text. {reason}",
                n=kept.id,
                reason=why(exc, language),
            )
            await reply(update, language.html(escape(line)))
        return
    written = await archive.update_from_origin(
        message.chat_id, message.message_id, new, actor=actor(update)
    )
    article = written.value
    if article is None:
        return
    language = await texts(update, context)
    line = language("Edited #{n}: {title}", n=article.id, title=escape(article.title))
    if not written.searchable:
        line += "\n" + not_yet_searchable(language, language("The new text is stored"))
    await reply(update, language.html(line))


@editors_only
async def document(update: Update, context: Context) -> None:
    """A file from an editor: one article, or many from .jsonl."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    doc = message.document
    limit = services(context).settings.max_file_bytes
    language = await texts(update, context)
    if doc.file_size is not None and doc.file_size > limit:
        text = language(
            "That file is too big ({size}; the limit is {limit}).",
            size=language.size(doc.file_size, up=True),
            limit=language.size(limit),
        )
        await reply(update, language.html(text))
        return
    name = doc.file_name or "file"
    telegram_file = await doc.get_file()
    data = bytes(await telegram_file.download_as_bytearray())
    try:
        found = await services(context).web.read_file(name, data[: limit + 1])
    except UnreadableFile as exc:
        await reply(update, language.html(escape(exc.said(language))))
        return
    archive = services(context).archive
    if (
        len(found.records) == 1
        and not found.bad_lines
        and not name.lower().endswith((".jsonl", ".ndjson"))
    ):
        record = found.records[0]
        await ingest(update, context, message, record.text, found=record)
        return
    name = shown_name(name)
    if not found.records and not found.bad_lines:
        # (It was "Imported 0 articles from empty.jsonl.")
        text = language(
            "There is no article in {name}: a .jsonl file holds one article a line, as JSON "
            "with its text.",
            name=escape(name),
        )
        await reply(update, language.html(text))
        return
    report = await archive.import_records(found.records, actor=actor(update), origin=name)
    lines = [
        language.plural(
            "Imported {n} article from {name}.",
            "Imported {n} articles from {name}.",
            report.added,
            name=escape(name),
        )
    ]
    if report.duplicates:
        lines.append(
            language.plural(
                "{n} was already in the archive.",
                "{n} were already in the archive.",
                report.duplicates,
            )
        )
    if found.bad_lines:
        shown = ", ".join(str(n) for n in found.bad_lines[:10])
        more = "…" if len(found.bad_lines) > 10 else ""
        lines.append(
            language.plural(
                "{n} line was not an article object (lines {lines}).",
                "{n} lines were not article objects (lines {lines}).",
                len(found.bad_lines),
                lines=shown + more,
            )
        )
    if report.rejected:
        lines.append(
            language.plural(
                "{n} could not be kept:", "{n} could not be kept:", len(report.rejected)
            )
        )
        lines.extend(escape(f"• {reason.said(language)}") for reason in report.rejected[:5])
        if len(report.rejected) > 5:
            lines.append(
                language.plural("… and {n} more.", "… and {n} more.", len(report.rejected) - 5)
            )
    if report.index_error:
        lines.append(
            language(
                "They are stored, but {error}: search finds them once it catches up.",
                error=escape(report.index_error.said(language)),
            )
        )
    await reply(update, language.html("\n".join(lines)))


def _article_of(
    update: Update,
    context: Context,
    message: Message,
    text: str,
    found: ImportRecord | None = None,
) -> NewArticle:
    """The article a message's text makes, dated and credited by the message, or by what its
    file says (a web page's headline, date and outlet) where it says it (RejectedInput when it
    makes none)."""
    found = found or ImportRecord(text=text)
    return services(context).archive.build(
        text,
        published=record_date(found.date) or _published(message),
        title=found.title,
        source=found.source or _forward_source(message),
        url=found.url,
        origin=Origin(message.chat_id, message.message_id, user_id(update)),
    )


async def ingest(
    update: Update,
    context: Context,
    source: Message,
    text: str,
    *,
    found: ImportRecord | None = None,
) -> None:
    """Parse, store once and answer 'Saved #N …' or where it already is."""
    archive = services(context).archive
    try:
        new = _article_of(update, context, source, text, found)
    except RejectedInput as exc:
        language = await texts(update, context)
        await reply(update, language.html(escape(why(exc, language))))
        return
    written = await archive.add(new, actor=actor(update))
    await _saved(update, context, written, date_line_notes(text))


@editors_only
async def ingest_link_as_editor(update: Update, context: Context) -> None:
    """The message is a link to an article: editors' links are fetched, anyone else is refused."""
    message = update.effective_message
    links = message_links(message) if message is not None else []
    if message is not None and links:
        await ingest_links(update, context, message, links)


def message_links(message: Message) -> list[str]:
    """The article addresses a message is mostly made of: written out, or behind its linked
    words (a channel's "Read more"), in its text or a media caption."""
    text = message.text or message.caption or ""
    links = find_addresses(text) if text else []
    if links or not text:
        return links
    kinds: list[str | None] = [MessageEntity.TEXT_LINK]
    linked = (
        message.parse_entities(kinds) if message.text else message.parse_caption_entities(kinds)
    )
    link = find_anchored_link(text, [(e.url, words) for e, words in linked.items() if e.url])
    return [link] if link is not None else []


async def ingest_links(
    update: Update, context: Context, source: Message, links: Sequence[str]
) -> None:
    """Fetch each article address of a message (at most MAX_LINKS), a reply each."""
    for link in links[:MAX_LINKS]:
        await ingest_link(update, context, source, link, one_of_several=len(links) > 1)
    if len(links) > MAX_LINKS:
        await say(
            update,
            context,
            "Only the first {most} addresses of a message are fetched; send the others again.",
            most=MAX_LINKS,
        )


async def ingest_link(
    update: Update, context: Context, source: Message, link: str, *, one_of_several: bool = False
) -> None:
    """Fetch the article at `link`, store it once and answer 'Saved #N …' or why not."""
    # A message is the origin of one article (its edits edit that one): one of several
    # addresses in it has the chat and who sent it, not the message.
    message_id = None if one_of_several else source.message_id
    origin = Origin(source.chat_id, message_id, user_id(update))
    try:
        written = await services(context).web.add_link(link, origin=origin, actor=actor(update))
    except (FetchError, RejectedInput) as exc:
        # Worked out first: the catalogue's extractor skips a call with a call of texts in it.
        reason = escape(why(exc, await texts(update, context)))
        await say(
            update,
            context,
            "Could not add {link}: {reason}",
            link=escape(echoed(link)),
            reason=reason,
        )
        return
    await _saved(update, context, written)


async def _saved(
    update: Update, context: Context, written: Written[SaveResult], notes: Sequence[Phrase] = ()
) -> None:
    article = written.value.article
    language = await texts(update, context)
    if written.value.created:
        text = saved_line(
            article.id, article.title, article.published.isoformat(), article.source, language
        )
        if not written.searchable:
            text += "\n" + not_yet_searchable(language, language("It is stored"))
        text += "".join("\n" + escape(note.said(language)) for note in notes)
    else:
        text = duplicate_line(article.id, article.title, language)
    await reply(update, language.html(text))


def _published(message: Message) -> dt.date:
    origin = message.forward_origin
    return (origin.date if origin is not None else message.date).date()


def _forward_source(message: Message) -> str | None:
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        return origin.chat.title or origin.chat.username
    if isinstance(origin, MessageOriginChat):
        return origin.sender_chat.title or origin.sender_chat.username
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.full_name
    if isinstance(origin, MessageOriginHiddenUser):
        return origin.sender_user_name
    return None


def _chat_name(message: Message) -> str | None:
    return message.chat.title or message.chat.username


def _origin(message: Message) -> Origin:
    return Origin(message.chat_id, message.message_id, None)


def why(exc: Exception, language: Texts) -> str:
    """Why input was refused, in the reader's language where the core explains it."""
    return exc.said(language) if isinstance(exc, Explained) else str(exc)
