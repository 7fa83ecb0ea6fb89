"""Permission checks as decorators: `@editors_only` and `@chat_admins_only` on a handler."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update

from bot.context import Context
from bot.i18n import N_
from handlers.common import (
    REFUSE_EDITORS_ONLY,
    REFUSE_EDITORS_VIEW,
    is_chat_admin,
    is_editor,
    say,
    texts,
)

Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
Check = Callable[[Update, Context], Awaitable[bool]]

ADMINS_ONLY = N_("Only this chat's admins can change its digests.")


def guarded_by(check: Check, refusal: str) -> Callable[[Handler], Handler]:
    """Run the handler only when `check` passes; otherwise answer `refusal` (a text marked
    for the catalogue, said in the chat's language) and do nothing."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(update: Update, context: Context) -> None:
            if await check(update, context):
                await handler(update, context)
                return
            if update.callback_query is not None:
                language = await texts(update, context)
                await update.callback_query.answer(language(refusal))
            else:
                await say(update, context, refusal)

        return guarded

    return decorate


editors_only = guarded_by(is_editor, REFUSE_EDITORS_ONLY)
editors_view = guarded_by(is_editor, REFUSE_EDITORS_VIEW)
chat_admins_only = guarded_by(is_chat_admin, ADMINS_ONLY)
