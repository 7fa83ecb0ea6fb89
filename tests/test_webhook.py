"""Webhook mode in one process: the secret, each update once, /healthz, /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.cli.webhook import SECRET_HEADER, create_webhook_app
from bot.telegram.aiohttp_request import AiohttpRequest
from bot.telegram.offline import Failure
from tests.conftest import EDITOR, READER, Harness, make_settings, start_bot, stop_bot
from tests.support.ports import free_port
from tests.support.postgres import fresh_database, postgres_url_or_skip
from tests.test_cli import newsbot

BOTH_BACKENDS = True
SECRET = "s3cret-token_for-tests"
DAM = (
    "Tabqa dam repairs begin\n"
    "Engineers began repairing the Tabqa dam on Monday after the spring floods damaged its gates."
)


@pytest.fixture
async def client(bot: Harness) -> AsyncIterator[httpx.AsyncClient]:
    settings = bot.settings.model_copy(update={"webhook_secret": SecretStr(SECRET)})
    web = create_webhook_app(bot.app, settings)
    transport = httpx.ASGITransport(app=web)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as http:
        yield http


async def post(http: httpx.AsyncClient, update: object, secret: str = SECRET) -> int:
    body = json.dumps(update.to_dict()) if hasattr(update, "to_dict") else str(update)
    answer = await http.post("/telegram", content=body, headers={SECRET_HEADER: secret})
    return answer.status_code


async def test_an_update_with_the_right_secret_is_handled_once(
    bot: Harness, client: httpx.AsyncClient
) -> None:
    added = bot.updates.message(f"/add {DAM}", user_id=EDITOR)
    assert await post(client, added) == 200
    assert bot.fake.texts() == ["Saved #1: Tabqa dam repairs begin (2026-11-25)"]
    assert await post(client, added) == 200  # Telegram retried, or another process got it too
    assert bot.fake.texts() == ["Saved #1: Tabqa dam repairs begin (2026-11-25)"]
    assert (await bot.services.archive.articles.stats()).articles == 1


async def test_a_wrong_or_missing_secret_is_refused(
    bot: Harness, client: httpx.AsyncClient
) -> None:
    question = bot.updates.message("Tabqa dam?", user_id=READER)
    assert await post(client, question, secret="guess") == 403
    assert await post(client, question, secret="") == 403
    assert bot.fake.sent == []
    assert await post(client, question) == 200  # not claimed by the refused attempts
    assert len(bot.fake.sent) == 1


async def test_a_body_that_is_not_an_update_is_refused(
    bot: Harness, client: httpx.AsyncClient
) -> None:
    assert await post(client, "{not json") == 400
    assert await post(client, "[1, 2]") == 400
    assert bot.fake.sent == []


async def test_every_malformed_body_is_a_400_never_a_500(
    bot: Harness, client: httpx.AsyncClient
) -> None:
    bodies = [
        '{"update_id": 5, "message": "hello"}',
        '{"update_id": 5, "message": 7}',
        '{"update_id": 100000000000000000000000, "message": {}}',
        '{"update_id": -100000000000000000000000}',
        '{"update_id": true}',
        '{"update_id": 5.5}',
        '{"update_id": 1' + "0" * 5000 + "}",  # over Python's 4,300-digit integer limit
        '{"update_id": 5, "message": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"update_id": 5, "message": ' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "}",
        '{"update_id": 5, "message": {"message_id": "x", "chat": 3, "date": "never"}}',
        "",
    ]
    for body in bodies:
        assert await post(client, body) == 400, body[:60]
    assert bot.fake.sent == []
    # Still serving: a real update after them is answered.
    assert await post(client, bot.updates.message("Tabqa dam?", user_id=READER)) == 200
    assert len(bot.fake.sent) == 1


async def test_a_body_over_1_mb_is_refused_before_it_is_read_whole(
    bot: Harness, client: httpx.AsyncClient
) -> None:
    headers = {SECRET_HEADER: SECRET}
    declared = await client.post("/telegram", content=b"x" * (1024 * 1024 + 1), headers=headers)
    assert declared.status_code == 413
    sent = 0

    async def endless() -> AsyncIterator[bytes]:  # no Content-Length: chunked, 50 MB
        nonlocal sent
        for _ in range(800):
            sent += 65536
            yield b" " * 65536

    streamed = await client.post("/telegram", content=endless(), headers=headers)
    assert streamed.status_code == 413
    assert sent <= 2 * 1024 * 1024
    assert bot.fake.sent == []


async def test_healthz_and_metrics(bot: Harness, client: httpx.AsyncClient) -> None:
    health = await client.get("/healthz")
    assert (health.status_code, health.text) == (200, "ok")
    update = bot.updates.message(f"/add {DAM}", user_id=EDITOR)
    await post(client, update)
    await post(client, update)
    await post(client, bot.updates.message("Tabqa dam?", user_id=READER))
    metrics = await client.get("/metrics")
    assert metrics.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    lines = set(metrics.text.splitlines())
    assert 'newsbot_updates_total{outcome="handled"} 2.0' in lines
    assert 'newsbot_updates_total{outcome="duplicate"} 1.0' in lines
    assert "newsbot_update_seconds_count 2.0" in lines
    assert "newsbot_update_queue_depth 0.0" in lines


async def test_digest_messages_are_counted(bot: Harness, client: httpx.AsyncClient) -> None:
    await post(client, bot.updates.message("/subscribe 08:00", user_id=READER))
    await post(client, bot.updates.message(f"/add {DAM}", user_id=EDITOR))
    bot.clock.set(dt.datetime(2026, 11, 25, 8, 0, 1, tzinfo=dt.UTC))
    bot.fake.fail_next(READER, Failure(400, "Bad Request: message is too long"))
    dispatch = bot.app.job_queue.get_jobs_by_name("digest:dispatch")[0]
    await dispatch.run(bot.app)
    bot.clock.advance(dt.timedelta(minutes=10))
    await dispatch.run(bot.app)  # the digest stayed due: this run retries it
    lines = set((await client.get("/metrics")).text.splitlines())
    assert 'newsbot_digest_messages_total{result="failed"} 1.0' in lines
    assert 'newsbot_digest_messages_total{result="sent"} 1.0' in lines


@pytest.mark.postgres
async def test_healthz_is_not_ready_when_the_database_is_gone(tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    from storage.db import async_url

    server = postgres_url_or_skip()
    async with fresh_database(server) as url:
        bot = await start_bot(
            make_settings(tmp_path, database_url=url, index_dir=tmp_path / "i"), clock
        )
        try:
            web = create_webhook_app(
                bot.app, bot.settings.model_copy(update={"webhook_secret": SecretStr(SECRET)})
            )
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=web), base_url="http://bot.test"
            ) as http:
                assert (await http.get("/healthz")).status_code == 200
                admin = create_async_engine(async_url(server), isolation_level="AUTOCOMMIT")
                async with admin.connect() as conn:
                    name = url.rsplit("/", 1)[-1]
                    await conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                await admin.dispose()
                answer = await http.get("/healthz")
                assert (answer.status_code, answer.text) == (503, "database does not answer")
        finally:
            await stop_bot(bot)


def test_webhook_mode_without_a_secret_says_what_to_set(tmp_path: Path) -> None:
    result = newsbot(
        "run", "--webhook", cwd=tmp_path, env={"TELEGRAM_BOT_TOKEN": "123456:" + "C" * 35}
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "WEBHOOK_SECRET is not set: webhook mode needs a secret token (1-256 characters "
        "A-Z, a-z, 0-9, _ and -), the same for every process\n"
    )


class ScriptedServer:
    """An HTTP server on 127.0.0.1 giving each request the next scripted answer."""

    def __init__(self, answers: list[bytes | None]) -> None:
        self.answers = answers  # None: never answer
        self.connections = 0
        self.requests: list[str] = []
        self._stop = asyncio.Event()
        self._handlers: list[asyncio.Task[None]] = []

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/bot"

    async def close(self) -> None:
        self._stop.set()
        self.server.close()
        await asyncio.gather(*self._handlers)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._handlers.append(asyncio.current_task())  # type: ignore[arg-type]
        self.connections += 1
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while self.answers:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                body = await reader.readexactly(length)
                self.requests.append(f"{head.split(b' ')[1].decode()} {body.decode()}")
                answer = self.answers.pop(0)
                if answer is None:
                    await self._stop.wait()
                    break
                writer.write(answer)
                if b"Connection: close" in answer:
                    break
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def http_answer(status: str, body: str, extra: str = "") -> bytes:
    data = body.encode()
    return f"HTTP/1.1 {status}\r\n{extra}Content-Length: {len(data)}\r\n\r\n".encode() + data


def chunked(status: str, body: str) -> bytes:
    data = body.encode()
    parts = [data[:9], data[9:]]
    return (
        f"HTTP/1.1 {status}\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        + b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts)
        + b"0\r\n\r\n"
    )


async def test_the_webhook_servers_bot_api_client_keeps_connections_and_reads_any_answer() -> None:
    token = "123456:" + "D" * 35
    sent = '{"ok":true,"result":{"message_id":5,"date":0,"chat":{"id":7,"type":"private"}}}'
    flood = '{"ok":false,"error_code":429,"description":"Too Many Requests",'
    flood += '"parameters":{"retry_after":3}}'
    server = ScriptedServer(
        [
            http_answer("200 OK", sent),
            http_answer("200 OK", sent, "Connection: close\r\n"),  # the next needs a new one
            chunked("200 OK", sent),
            http_answer("429 Too Many Requests", flood),
            None,
        ]
    )
    request = AiohttpRequest(read_timeout=0.2)
    bot = Bot(token, base_url=await server.start(), request=request)
    await request.initialize()
    try:
        messages = [await bot.send_message(7, f"hi {n}") for n in range(3)]
        assert [(m.message_id, m.chat.id) for m in messages] == [(5, 7)] * 3
        with pytest.raises(RetryAfter):  # PTB reads the error as from its own client
            await bot.send_message(7, "again")
        with pytest.raises(TimedOut):
            await bot.send_message(7, "unanswered")
    finally:
        await request.shutdown()
        await server.close()
    assert server.connections == 2
    assert [r.split(" ", 1)[0] for r in server.requests] == [f"/bot{token}/sendMessage"] * 5
    assert server.requests[0].endswith("chat_id=7&text=hi+0")
    with pytest.raises(NetworkError):  # nothing listens there any more
        async with AiohttpRequest() as closed:
            await closed.post(f"http://127.0.0.1:{free_port()}/bot{token}/getMe")


async def test_the_webhook_servers_bot_api_client_uploads_files_as_multipart() -> None:
    token = "123456:" + "E" * 35
    sent = '{"ok":true,"result":{"message_id":6,"date":0,"chat":{"id":7,"type":"private"}}}'
    server = ScriptedServer([http_answer("200 OK", sent)])
    async with AiohttpRequest() as request:
        bot = Bot(token, base_url=await server.start(), request=request)
        message = await bot.send_document(7, b"Raqqa report", filename="report.txt")
    await server.close()
    assert (message.message_id, message.chat.id) == (6, 7)
    [sent_request] = server.requests
    assert sent_request.startswith(f"/bot{token}/sendDocument ")
    assert 'name="chat_id"' in sent_request
    assert 'filename="report.txt"' in sent_request
    assert "Raqqa report" in sent_request
