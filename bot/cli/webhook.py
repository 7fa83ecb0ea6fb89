"""Webhook mode: a Starlette server for Telegram's webhook, /healthz and /metrics.

Several processes may serve the same webhook behind a proxy: each update is claimed in the
database first, so exactly one of them handles it, and the claiming process first brings its
search index up to the database, so every process answers a question the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import re
import socket
import time
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from telegram import Update

from bot.app import build_application
from bot.cli.stopping import catch_stop_signals, release_stop_signals, unless_stopped
from bot.context import NewsApp
from bot.settings import Settings, SettingsError
from bot.telegram.aiohttp_request import AiohttpRequest
from bot.telegram.outage import reach_telegram

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_HEADER_KEY = SECRET_HEADER.lower().encode()  # as ASGI gives header names
PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# Updates one process handles at once. Telegram (and a proxy over several processes) already
# delivers updates in parallel, so one at a time would only leave the CPU idle while an
# update waits for the database or the Bot API.
CONCURRENT_UPDATES = 16
# Telegram's updates are a few kilobytes (a message is at most 4,096 characters); a larger
# body is refused before it is read whole, so posts cannot fill the memory.
MAX_BODY_BYTES = 1024 * 1024
# Update ids (and every id in an update) fit a signed 64-bit integer, as in the database.
_ID_LIMIT = 2**63
# Telegram's rule for setWebhook's secret_token.
SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")


class BodyTooLarge(Exception):
    """The request body is over MAX_BODY_BYTES."""


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram sends with every update, or a SettingsError saying what to set."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
    if not secret:
        raise SettingsError(
            "WEBHOOK_SECRET is not set: webhook mode needs a secret token (1-256 characters "
            "A-Z, a-z, 0-9, _ and -), the same for every process"
        )
    if not SECRET_SHAPE.fullmatch(secret):
        # Telegram refuses it in setWebhook, or, when the webhook is set elsewhere, never
        # sends it: every update would then be a 403. (The secret itself is not shown.)
        raise SettingsError(
            "WEBHOOK_SECRET may hold only 1-256 characters A-Z, a-z, 0-9, _ and - "
            "(Telegram's rule for a secret token)"
        )
    return secret


def check_webhook(settings: Settings) -> str:
    """The secret, once the webhook settings are ones Telegram accepts and a request can reach
    (else a SettingsError naming the setting, before anything starts)."""
    secret = webhook_secret(settings)
    url = settings.webhook_url
    if url and not url.lower().startswith("https://"):
        raise SettingsError(
            f"WEBHOOK_URL must be an https:// address (Telegram posts to HTTPS only): {url}"
        )
    if not settings.webhook_path.startswith("/"):
        raise SettingsError(
            f"WEBHOOK_PATH must start with /, e.g. /{settings.webhook_path}: "
            "no request path matches it"
        )
    return secret


def create_webhook_app(app: NewsApp, settings: Settings) -> ASGIApp:
    """The routes, around an Application that is already initialized and post_init'ed."""
    return WebhookApp(app, settings)


class WebhookApp:
    """ASGI: Telegram's POSTs on a lean path of their own; /healthz and /metrics via Starlette.

    Every update goes through the first one, so it skips Starlette's routing, request and
    middleware objects; what it does is the same: check the secret, parse, handle, answer.
    """

    def __init__(self, app: NewsApp, settings: Settings) -> None:
        self._app = app
        self._secret = webhook_secret(settings).encode()
        self._path = settings.webhook_path
        self._routes = Starlette(
            routes=[Route("/healthz", self._healthz), Route("/metrics", self._metrics)]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self._path:
            status, text = await self._telegram(scope, receive)
            await _answer(send, status, text)
        else:
            await self._routes(scope, receive, send)

    async def _telegram(self, scope: Scope, receive: Receive) -> tuple[int, str]:
        if scope["method"] != "POST":
            return 405, "POST only"
        given, length = b"", b""
        for name, value in scope["headers"]:
            if name == SECRET_HEADER_KEY:
                given = value
            elif name == b"content-length":
                length = value
        if not hmac.compare_digest(given, self._secret):
            return 403, "wrong secret token"
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return 413, f"an update is at most {MAX_BODY_BYTES:,} bytes"
        try:
            body = await _read_body(receive, MAX_BODY_BYTES)
        except BodyTooLarge:
            return 413, f"an update is at most {MAX_BODY_BYTES:,} bytes"
        try:
            update = self._parse(body)
        except Exception as exc:  # whatever a hostile body makes a parser raise is a 400
            reason = str(exc)[:200] if isinstance(exc, ValueError) else type(exc).__name__
            return 400, f"not a Telegram update: {reason}"
        await handle_update(self._app, update)
        # 200 even when handling failed: the error handler has answered, a retry would not help.
        return 200, ""

    def _parse(self, body: bytes) -> Update:
        """The update in a body, or an exception saying why it is not one."""
        data = json.loads(body)  # RecursionError on deep nesting: a 400 too
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        update_id = data.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            raise ValueError("no update_id")
        if not -_ID_LIMIT <= update_id < _ID_LIMIT:
            raise ValueError("update_id out of range")
        for key, value in data.items():
            # Every field of an Update but its id is an object ("message": "hello" is not).
            if key != "update_id" and not isinstance(value, dict):
                raise ValueError(f"{key[:40]} is not an object")
        return Update.de_json(data, self._app.bot)

    async def _healthz(self, request: Request) -> Response:
        services = self._app.bot_data.services
        if not await services.db.ping():
            return PlainTextResponse("database does not answer", status_code=503)
        if problem := services.archive.index_problem:
            # Still serving (200): answers come from what the index holds.
            return PlainTextResponse(f"degraded: {problem}")
        return PlainTextResponse("ok")

    async def _metrics(self, request: Request) -> Response:
        return Response(self._app.bot_data.services.metrics.render(), media_type=PROMETHEUS_TYPE)


async def _read_body(receive: Receive, limit: int) -> bytes:
    """The request body, or BodyTooLarge as soon as it passes `limit` (the rest unread)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _answer(send: Send, status: int, text: str) -> None:
    body = text.encode()
    headers = [(b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", b"text/plain; charset=utf-8"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def handle_update(app: NewsApp, update: Update) -> bool:
    """Handle an update unless another process took it; True when this process handled it."""
    services = app.bot_data.services
    metrics = services.metrics
    started = time.perf_counter()
    taken = False

    async def claim_and_process() -> None:
        nonlocal taken
        claim = await services.updates.claim_and_read_changes(
            update.update_id, now=services.clock.now()
        )
        if not claim.taken:
            return
        taken = True
        # Articles another process added a moment ago must already be found here; the claim
        # read the change counter, so only an index that is behind pays for a catch-up.
        if claim.change_seq > services.index.watermark:
            await services.archive.catch_up()  # never raises: a failing index degrades
        await app.process_update(update)

    metrics.queue_depth.inc()
    try:
        # Within the update processor's limit, claim included: at most that many updates
        # use the database at once, whatever arrives.
        await app.update_processor.process_update(update, claim_and_process())
    finally:
        metrics.queue_depth.dec()
    if not taken:
        metrics.updates.labels("duplicate").inc()
        return False
    metrics.updates.labels("handled").inc()
    metrics.update_seconds.observe(time.perf_counter() - started)
    return True


async def serve(settings: Settings, *, app: NewsApp | None = None) -> None:
    """Run the bot behind the webhook server until SIGINT/SIGTERM."""
    check_webhook(settings)
    # Bound first: a port another process holds is said at once, before Telegram is reached
    # (connections queue from here on, and port 0 picks a free port).
    sock = _listen(settings.webhook_listen, settings.webhook_port)
    app = app or build_application(
        settings,
        # Every answer is a Bot API call: aiohttp's client costs a quarter of httpx's CPU.
        request=AiohttpRequest(),
        rate_limit=settings.rate_limit,
        concurrent_updates=CONCURRENT_UPDATES,
    )
    # Until uvicorn takes SIGINT and SIGTERM over, they stop the start-up here: raised as
    # KeyboardInterrupt half way through it, they left tasks and a traceback behind.
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    catch_stop_signals(loop, stopping.set)
    try:
        if not await unless_stopped(_start(app, settings), stopping):
            log.info("stopped while starting")
            return
        server = _Server(
            uvicorn.Config(
                create_webhook_app(app, settings),
                log_level="warning",
                access_log=False,
                proxy_headers=True,
            )
        )
        host, port = sock.getsockname()[:2]
        log.info("webhook server listening on %s:%d", host, port)
        # A signal caught here after the start-up but before uvicorn took the signals over
        # (it takes them as it starts serving) stops the server as uvicorn's own would.
        watcher = asyncio.ensure_future(_exit_when(stopping, server))
        try:
            await server.serve(sockets=[sock])
        finally:
            watcher.cancel()
    finally:
        sock.close()
        release_stop_signals(loop)
        if app.running:
            await app.stop()
        await app.shutdown()
        await app.bot.shutdown()  # when start-up stopped half way (app.shutdown skips it)
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


async def _start(app: NewsApp, settings: Settings) -> None:
    """Reach Telegram, start the Application and set the webhook."""
    await reach_telegram(app.bot)
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    await app.start()
    if settings.webhook_url and settings.set_webhook:
        # Every process may do this at start: setWebhook with the same values is idempotent.
        await app.bot.set_webhook(
            settings.webhook_url,
            secret_token=webhook_secret(settings),
            allowed_updates=Update.ALL_TYPES,
        )


async def _exit_when(stopping: asyncio.Event, server: uvicorn.Server) -> None:
    await stopping.wait()
    server.should_exit = True


class _Server(uvicorn.Server):
    """uvicorn's server, except that SIGINT/SIGTERM end serving without being re-raised.

    uvicorn raises the signal again once it stops serving; that interrupted the bot's own
    shutdown half way (jobs cancelled, the Bot API session left open).
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            self._captured_signals.clear()


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, or a SettingsError naming the settings when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        # As an OSError it was reported as the database's ("cannot use the database").
        reason = exc.strerror or str(exc)
        raise SettingsError(
            f"the webhook server cannot listen on WEBHOOK_LISTEN={host} WEBHOOK_PORT={port}: "
            f"{reason} (another process on that port, or an address not of this machine?)"
        ) from None
    return sock


def run_webhook(settings: Settings) -> int:
    """`newsbot run --webhook`, on uvloop where it is installed (it is on Linux and macOS)."""
    try:
        import uvloop
    except ImportError:  # Windows
        asyncio.run(serve(settings))
    else:
        uvloop.run(serve(settings))
    return 0
