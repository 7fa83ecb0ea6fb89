"""A Bot API-compatible fake at PTB's HTTP layer: the offline chat and the tests talk to it.

It answers the methods this bot uses, keeps what the bot sent, serves uploaded files, checks
that every HTML message would pass Telegram's own parser and length limit, and can be told to
fail (403, 429 with retry_after, migrate_to_chat_id, 5xx, timeouts) for a chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email.policy
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from html.parser import HTMLParser
from typing import Any, Protocol
from urllib.parse import parse_qsl

import httpx
from telegram.request import HTTPXRequest

MESSAGE_LIMIT = 4096
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "tg-spoiler", "span", "blockquote", "tg-emoji",
}  # fmt: skip


@dataclass(slots=True)
class SentMessage:
    """A message the bot sent (or edited) through the fake."""

    method: str
    chat_id: int
    text: str
    message_id: int
    params: dict[str, Any]

    @property
    def buttons(self) -> list[str]:
        """Callback data of the inline keyboard, if any."""
        return [data for _, data in self.keyboard]

    @property
    def keyboard(self) -> list[tuple[str, str]]:
        """(label, callback data) of each inline button, row by row."""
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        return [(b.get("text", ""), b.get("callback_data", "")) for row in rows for b in row]


@dataclass(slots=True)
class Failure:
    """One scripted answer instead of success: status, description and optional parameters."""

    status: int
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)


class SendCheck(Protocol):
    """Something that may refuse a send before the fake records it (raises ApiError)."""

    async def before_send(self, request: httpx.Request, chat_id: int) -> None: ...


class TelegramParseError(ValueError):
    """HTML that Telegram would refuse."""


class FakeBotApi:
    """Bot API methods answered in process; see the module docstring."""

    def __init__(self, *, bot_id: int = 777, username: str = "newsroom_test_bot") -> None:
        self.bot_id = bot_id
        self.username = username
        self.sent: list[SentMessage] = []
        self.calls: list[tuple[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.chat_members: dict[tuple[int, int], str] = {}
        self.failures: dict[int, list[Failure]] = {}
        self.listeners: list[Callable[[SentMessage], None]] = []
        self.toast_listeners: list[Callable[[str], None]] = []
        self._message_ids = itertools.count(10_000)
        self._file_ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._new_update: asyncio.Event | None = None
        # Checks every send may fail (flood control, faults); the tests plug theirs in here.
        self.delivery: SendCheck | None = None

    # What tests and the terminal use.

    def request(self) -> HTTPXRequest:
        """A real PTB HTTPXRequest whose transport is this fake."""
        return HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(self.handle)})

    def add_file(self, data: bytes) -> tuple[str, str]:
        """Make an uploaded file available; returns (file_id, file_unique_id)."""
        number = next(self._file_ids)
        file_id = f"file{number}"
        self.files[file_id] = data
        return file_id, f"unique{number}"

    def fail_next(self, chat_id: int, *failures: Failure) -> None:
        """The next sends to this chat get these answers, in order."""
        self.failures.setdefault(chat_id, []).extend(failures)

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates (an `update_id` is assigned when missing)."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        if self._new_update is not None:
            self._new_update.set()
        return int(update["update_id"])

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts sent (and edited) so far, optionally for one chat."""
        return [m.text for m in self.sent if chat_id is None or m.chat_id == chat_id]

    def last(self, method: str) -> dict[str, Any]:
        """The parameters of the latest call of a method."""
        for name, params in reversed(self.calls):
            if name == method:
                return dict(params)
        raise LookupError(f"{method} was never called")

    # The HTTP side.

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request from PTB."""
        path = request.url.path
        if "/file/" in path:
            file_id = path.rsplit("/", 1)[-1]
            data = self.files.get(file_id)
            return httpx.Response(200 if data is not None else 404, content=data or b"")
        method = path.rsplit("/", 1)[-1]
        params = _params(request)
        self.calls.append((method, params))
        if method == "getUpdates":
            return httpx.Response(200, json={"ok": True, "result": await self._get_updates(params)})
        try:
            if self.delivery is not None and method.startswith("send") and "chat_id" in params:
                await self.delivery.before_send(request, int(params["chat_id"]))
            result = self._dispatch(method, params)
        except ApiError as error:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.failure.status,
                "description": error.failure.description,
            }
            if error.failure.parameters:
                body["parameters"] = error.failure.parameters
            return httpx.Response(error.failure.status, json=body)
        return httpx.Response(200, json={"ok": True, "result": result})

    def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return True  # setMyCommands, deleteWebhook, answerCallbackQuery and friends
        return handler(params)

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Newsroom",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    def _m_getMe(self, params: dict[str, Any]) -> Any:
        return self._bot_user()

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and float(params.get("timeout") or 0) > 0:
            self._new_update = asyncio.Event()
            # Long polling, kept short so that a stopping bot is never held up.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout=1.0)
        return list(self._updates[: int(params.get("limit") or 100)])

    def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        self._maybe_fail(chat_id)
        return self._record("sendMessage", chat_id, next(self._message_ids), params)

    def _m_sendPhoto(self, params: dict[str, Any]) -> Any:
        """A picture: recorded with its caption as the text, its bytes under params["photo"]."""
        chat_id = int(params["chat_id"])
        self._maybe_fail(chat_id)
        caption = {"text": params.get("caption", ""), "parse_mode": params.get("parse_mode")}
        result = self._record("sendPhoto", chat_id, next(self._message_ids), params | caption)
        photo = params.get("photo")
        size = len(photo) if isinstance(photo, bytes) else 0
        file_id, unique = self.add_file(photo if isinstance(photo, bytes) else b"")
        result["caption"] = result.pop("text")
        result["photo"] = [
            {
                "file_id": file_id,
                "file_unique_id": unique,
                "width": 1000,
                "height": 480,
                "file_size": size,
            }
        ]
        return result

    def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        chat_id = int(params.get("chat_id", 0))
        message_id = int(params.get("message_id", 0))
        # An edited message is still the reply it was (Telegram's callback queries carry its
        # reply_to_message): a second "More" on the edited page finds the question again.
        for earlier in reversed(self.sent):
            if (earlier.chat_id, earlier.message_id) == (chat_id, message_id):
                if "reply_parameters" in earlier.params:
                    params = {"reply_parameters": earlier.params["reply_parameters"], **params}
                break
        return self._record("editMessageText", chat_id, message_id, params)

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        # The toast a button press may show ("That button is out of date."): a terminal
        # prints it (`toast_listeners`); Telegram shows it over the chat, not in it.
        text = str(params.get("text") or "")
        if text:
            for listener in self.toast_listeners:
                listener(text)
        return True

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        return True

    def _m_answerInlineQuery(self, params: dict[str, Any]) -> Any:
        for result in params.get("results", []):
            content = result.get("input_message_content", {})
            _check_text(content.get("message_text", ""), content.get("parse_mode"))
        return True

    def _m_getChatMember(self, params: dict[str, Any]) -> Any:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        status = self.chat_members.get((chat_id, user_id), "member")
        member: dict[str, Any] = {
            "status": status,
            "user": {"id": user_id, "is_bot": False, "first_name": "User"},
        }
        if status == "administrator":
            member.update(_ADMIN_RIGHTS)
        elif status == "creator":
            member["is_anonymous"] = False
        return member

    def _m_getChatAdministrators(self, params: dict[str, Any]) -> Any:
        chat_id = int(params["chat_id"])
        self._maybe_fail(chat_id)
        return [
            self._m_getChatMember({"chat_id": chat, "user_id": user})
            for (chat, user), status in sorted(self.chat_members.items())
            if chat == chat_id and status in {"creator", "administrator"}
        ]

    def _m_getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            raise ApiError(Failure(400, "Bad Request: invalid file_id"))
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    def _maybe_fail(self, chat_id: int) -> None:
        queue = self.failures.get(chat_id)
        if queue:
            failure = queue.pop(0)
            if failure.status == 0:  # tests.support.flood.TIMEOUT: no answer at all
                raise httpx.ReadTimeout("scripted timeout")
            raise ApiError(failure)

    def _record(self, method: str, chat_id: int, message_id: int, params: dict[str, Any]) -> Any:
        text = str(params.get("text", ""))
        try:
            _check_text(text, params.get("parse_mode"))
        except TelegramParseError as exc:
            raise ApiError(Failure(400, f"Bad Request: {exc}")) from None
        message = SentMessage(method, chat_id, text, message_id, params)
        self.sent.append(message)
        for listener in self.listeners:
            listener(message)
        return {
            "message_id": message_id,
            "date": int(dt.datetime.now(dt.UTC).timestamp()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": self._bot_user(),
            "text": _plain(text) if params.get("parse_mode") == "HTML" else text,
        }


class ApiError(Exception):
    """A Bot API error answer: raise it from a send check to fail that send."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.description)
        self.failure = failure


_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}


def _params(request: httpx.Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if "multipart" in content_type:
        return _multipart(content_type, request.read())
    params: dict[str, Any] = {}
    for key, value in parse_qsl(request.content.decode("utf-8"), keep_blank_values=True):
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """The fields of an upload (sendPhoto): files as bytes, the rest as JSON or text."""
    message = BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        if part.get_filename() is not None:
            params[name] = data
            continue
        value = data.decode("utf-8")
        try:
            params[name] = json.loads(value)
        except json.JSONDecodeError:
            params[name] = value
    return params


def _check_text(text: str, parse_mode: object) -> None:
    plain = _plain(text) if parse_mode == "HTML" else text
    if not plain.strip():
        raise TelegramParseError("message text is empty")
    # Telegram counts UTF-16 code units of the text after entities are parsed.
    if len(plain.encode("utf-16-le")) // 2 > MESSAGE_LIMIT:
        raise TelegramParseError("message is too long")


def _plain(text: str) -> str:
    parser = _StrictHtml()
    parser.feed(text)
    parser.close()
    if parser.open_tags:
        raise TelegramParseError(f"can't parse entities: unclosed tag <{parser.open_tags[-1]}>")
    return "".join(parser.parts)


class _StrictHtml(HTMLParser):
    """Telegram's HTML rules: a few tags, properly nested, and only &lt; &gt; &amp; &quot;."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[str] = []
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise TelegramParseError(f"can't parse entities: unsupported start tag <{tag}>")
        self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags[-1] != tag:
            raise TelegramParseError(f"can't parse entities: unexpected end tag </{tag}>")
        self.open_tags.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            raise TelegramParseError("can't parse entities: unescaped < or >")
        self.parts.append(data)

    def handle_entityref(self, name: str) -> None:
        known = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
        if name not in known:
            raise TelegramParseError(f"can't parse entities: unknown entity &{name};")
        self.parts.append(known[name])

    def handle_charref(self, name: str) -> None:
        self.parts.append(chr(int(name[1:], 16) if name.lower().startswith("x") else int(name)))
