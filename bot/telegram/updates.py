"""Build Telegram updates as the Bot API would deliver them (the offline chat and the tests)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from telegram import Bot, Update

from bot.telegram.offline import SentMessage

PRIVATE = "private"
GROUP = "supergroup"
CHANNEL = "channel"


class UpdateFactory:
    """Makes updates from plain arguments and remembers messages so replies can point at them."""

    def __init__(
        self, bot: Bot, *, now: dt.datetime | None = None, first_message_id: int = 1
    ) -> None:
        self._bot = bot
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(first_message_id)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.now = now or dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)

    def message(
        self,
        text: str | None = None,
        *,
        user_id: int = 1001,
        chat_id: int | None = None,
        chat_type: str = PRIVATE,
        chat_title: str | None = None,
        reply_to: dict[str, Any] | None = None,
        forward_from_channel: str | None = None,
        forward_date: dt.datetime | None = None,
        document: tuple[str, str, int] | None = None,
        caption: str | None = None,
        date: dt.datetime | None = None,
        migrate_to_chat_id: int | None = None,
        language_code: str | None = None,
        links: Sequence[tuple[str, str]] = (),
        edit_of: int | None = None,
    ) -> Update:
        """A new message from a user; `document` is (file_id, file_name, size); `links` are
        (words, url): each first occurrence of the words in the text or caption is linked;
        `edit_of` makes it the edit of that earlier message (its message_id)."""
        chat_id = chat_id if chat_id is not None else user_id
        data = self._message_data(text, chat_id, chat_type, chat_title, date, message_id=edit_of)
        data["from"] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language_code is not None:
            data["from"]["language_code"] = language_code
        if reply_to is not None:
            data["reply_to_message"] = reply_to
        if forward_from_channel is not None:
            data["forward_origin"] = {
                "type": "channel",
                "date": int((forward_date or self.now).timestamp()),
                "chat": {"id": -1009999, "type": CHANNEL, "title": forward_from_channel},
                "message_id": 5,
            }
        if document is not None:
            file_id, name, size = document
            data["document"] = {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_name": name,
                "file_size": size,
            }
        if caption is not None:
            data["caption"] = caption
        if links:
            linked = data.get("text") or caption or ""
            key = "entities" if "text" in data else "caption_entities"
            data[key] = [*data.get(key, []), *(_text_link(linked, w, url) for w, url in links)]
        if migrate_to_chat_id is not None:
            data["migrate_to_chat_id"] = migrate_to_chat_id
        if edit_of is not None:
            data["edit_date"] = int(self.now.timestamp())
            return self._update("edited_message", data)
        return self._update("message", data)

    def channel_post(
        self,
        text: str,
        *,
        chat_id: int,
        title: str = "Newsroom wire",
        message_id: int | None = None,
        edited: bool = False,
    ) -> Update:
        """A post in a channel, or its edit (same message_id)."""
        data = self._message_data(text, chat_id, CHANNEL, title, None, message_id=message_id)
        data["sender_chat"] = {"id": chat_id, "type": CHANNEL, "title": title}
        if edited:
            data["edit_date"] = int(self.now.timestamp())
        return self._update("edited_channel_post" if edited else "channel_post", data)

    def callback(
        self,
        data: str,
        sent: SentMessage,
        *,
        user_id: int = 1001,
        language_code: str | None = None,
    ) -> Update:
        """A press on an inline button of a message the bot sent (by a user whose Telegram
        language is `language_code`, if given)."""
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "date": int(self.now.timestamp()),
            "chat": {"id": sent.chat_id, "type": PRIVATE if sent.chat_id > 0 else GROUP},
            "text": sent.text,
            "from": {"id": self._bot.id, "is_bot": True, "first_name": "Newsroom"},
        }
        reply = sent.params.get("reply_parameters") or {}
        original = self._messages.get((sent.chat_id, int(reply.get("message_id", 0))))
        if original is not None:
            message["reply_to_message"] = original
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language_code is not None:
            user["language_code"] = language_code
        payload = {
            "id": str(next(self._update_ids)),
            "from": user,
            "chat_instance": "1",
            "message": message,
            "data": data,
        }
        return self._update("callback_query", payload)

    def inline(self, query: str, *, user_id: int = 1001) -> Update:
        """An inline query (@bot query)."""
        payload = {
            "id": str(next(self._update_ids)),
            "from": {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"},
            "query": query,
            "offset": "",
        }
        return self._update("inline_query", payload)

    def bot_message(self, sent: SentMessage) -> dict[str, Any]:
        """A message the bot sent, as it would appear in reply_to_message."""
        return {
            "message_id": sent.message_id,
            "date": int(self.now.timestamp()),
            "chat": {"id": sent.chat_id, "type": PRIVATE if sent.chat_id > 0 else GROUP},
            "from": {"id": self._bot.id, "is_bot": True, "first_name": "Newsroom"},
            "text": sent.text,
        }

    def last_message(self) -> dict[str, Any]:
        """The data of the newest message this factory made (to reply to it)."""
        return self._messages[next(reversed(self._messages))]

    def _message_data(
        self,
        text: str | None,
        chat_id: int,
        chat_type: str,
        chat_title: str | None,
        date: dt.datetime | None,
        *,
        message_id: int | None = None,
    ) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type != PRIVATE:
            chat["title"] = chat_title or "Newsroom"
        data: dict[str, Any] = {
            "message_id": message_id or next(self._message_ids),
            "date": int((date or self.now).timestamp()),
            "chat": chat,
        }
        if text is not None:
            data["text"] = text
            if text.startswith("/"):
                command = text.split(None, 1)[0]
                data["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self._messages[(chat_id, data["message_id"])] = data
        return data

    def _update(self, kind: str, payload: dict[str, Any]) -> Update:
        update = Update.de_json({"update_id": next(self._update_ids), kind: payload}, self._bot)
        assert update is not None
        return update


def _text_link(text: str, words: str, url: str) -> dict[str, Any]:
    """A text_link entity over `words` in `text` (offsets in UTF-16 code units, as Telegram's)."""
    start = text.index(words)
    return {
        "type": "text_link",
        "offset": len(text[:start].encode("utf-16-le")) // 2,
        "length": len(words.encode("utf-16-le")) // 2,
        "url": url,
    }
