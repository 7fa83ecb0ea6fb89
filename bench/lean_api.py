"""A lean Bot API fake for throughput runs: answers like Telegram, checks nothing, keeps counts.

    python bench/lean_api.py --port 8081

It shares the machine's cores with the bots under test, so it costs as little CPU as it can:
plain asyncio streams (uvloop when installed), HTTP/1.1 keep-alive, the JSON body parsed only
for what the answer echoes. Every method answers `{"ok": true, ...}` with a result shaped as
the Bot API's (a Message for send*/edit*, the bot User for getMe, True otherwise), so PTB
parses it as it would Telegram's. It does not check HTML or flood limits: `tests/support/server.py`
does that for the tests. GET /_fake/count gives how many messages were sent, per chat count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import parse_qsl

T = TypeVar("T")

BOT_USER = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Newsroom",
    "username": "newsroom_bench_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}


class LeanBotApi:
    """The state: message ids and what was sent."""

    def __init__(self) -> None:
        self.next_message_id = 1
        self.sent = 0
        self.chats: Counter[int] = Counter()

    def answer(self, method: str, body: bytes, content_type: str) -> bytes:
        """The JSON answer to one Bot API call."""
        if method == "getMe":
            result: object = BOT_USER
        elif method.startswith(("send", "edit")):
            params = _params(body, content_type)
            chat_id = int(params.get("chat_id") or 0)
            self.sent += 1
            self.chats[chat_id] += 1
            self.next_message_id += 1
            result = {
                "message_id": self.next_message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                "from": {k: BOT_USER[k] for k in ("id", "is_bot", "first_name", "username")},
                "text": params.get("text") or "",
            }
        elif method == "getWebhookInfo":
            result = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        elif method == "getUpdates":
            result = []
        else:
            result = True
        return json.dumps({"ok": True, "result": result}).encode()


def _params(body: bytes, content_type: str) -> dict[str, object]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        parsed = json.loads(body)
        return parsed if isinstance(parsed, dict) else {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode()))
    return {}  # multipart (files): nothing the answer needs


async def serve_connection(
    api: LeanBotApi, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Answer requests on one keep-alive connection until the client closes it."""
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            _verb, target, _version = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            path = target.split("?", 1)[0]
            if path == "/_fake/count":
                payload = json.dumps({"sent": api.sent, "chats": len(api.chats)}).encode()
            else:
                payload = api.answer(path.rsplit("/", 1)[-1], body, headers.get("content-type", ""))
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                + str(len(payload)).encode()
                + b"\r\n\r\n"
                + payload
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def serve(host: str, port: int) -> None:
    """Serve until killed."""
    api = LeanBotApi()
    server = await asyncio.start_server(
        lambda r, w: serve_connection(api, r, w), host, port, backlog=1024
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    """Parse arguments and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args()
    run_fast(serve(args.host, args.port))


def run_fast(main: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on uvloop when it is installed, else on asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


if __name__ == "__main__":
    main()
