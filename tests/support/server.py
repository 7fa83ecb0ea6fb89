"""The Bot API fake as a small HTTP server on 127.0.0.1, for tests across processes.

`python -m tests.support.server --port 8081`, then point the bot at it with
TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot and TELEGRAM_FILE_BASE_URL=
http://127.0.0.1:8081/file/bot. Besides the Bot API it serves a few control routes:
GET /_fake/sent (what the bot sent), POST /_fake/updates (queue an update for getUpdates),
POST /_fake/fail/{chat_id} (script a failure: {"status", "description", "parameters"}),
POST /_fake/stall ({"after": n}: sendMessage hangs once n messages were sent; null releases),
GET /_fake/stalled (answers once a request hangs), GET /_fake/wait?count=n (once n were sent).
and the delivery routes of tests/support/flood.py (/_fake/stats, /_fake/received, /_fake/stall).
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import asdict

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.telegram.offline import Failure, FakeBotApi
from tests.support.flood import (
    FaultPlan,
    FloodGate,
    FloodRules,
    delivery_faults,
    delivery_routes,
)

# Control routes that wait give up after this long, so a broken test fails instead of hanging.
WAIT_SECONDS = 20.0


class Stall:
    """Holds sendMessage requests once `after` messages were sent (a process dying mid-send)."""

    def __init__(self, api: FakeBotApi) -> None:
        self.after: int | None = None
        self.stalled = asyncio.Event()
        self.release = asyncio.Event()
        self.sent_changed = asyncio.Event()
        api.listeners.append(lambda _: self.sent_changed.set())

    async def maybe_hold(self, api: FakeBotApi, path: str) -> None:
        """Hang this request until released when it is a stalled sendMessage."""
        if self.after is None or not path.endswith("/sendMessage") or len(api.sent) < self.after:
            return
        self.stalled.set()
        await self.release.wait()

    def set(self, after: int | None) -> None:
        """Stall from `after` sent messages on, or release everything for None."""
        self.after = after
        self.stalled.clear()
        if after is None:
            self.release.set()
        else:
            self.release.clear()

    async def wait_sent(self, api: FakeBotApi, count: int) -> None:
        """Return once at least `count` messages were sent."""
        while len(api.sent) < count:
            self.sent_changed.clear()
            await self.sent_changed.wait()


def create_app(fake: FakeBotApi | None = None) -> Starlette:
    """A Starlette app serving `fake` (a new one by default)."""
    api = fake or FakeBotApi()
    stall = Stall(api)

    async def bot_api(request: Request) -> Response:
        await stall.maybe_hold(api, request.url.path)
        forwarded = httpx.Request(
            request.method,
            str(request.url),
            headers=[(k, v) for k, v in request.headers.items() if k.lower() != "content-length"],
            content=await request.body(),
        )
        answer = await api.handle(forwarded)
        return Response(
            answer.content,
            status_code=answer.status_code,
            media_type=answer.headers.get("content-type"),
        )

    async def sent(request: Request) -> Response:
        return JSONResponse([asdict(m) for m in api.sent])

    async def push_update(request: Request) -> Response:
        update_id = api.push_update(await request.json())
        return JSONResponse({"update_id": update_id})

    async def fail(request: Request) -> Response:
        body = await request.json()
        api.fail_next(
            int(request.path_params["chat_id"]),
            Failure(
                int(body["status"]), str(body["description"]), dict(body.get("parameters", {}))
            ),
        )
        return JSONResponse({"ok": True})

    async def set_stall(request: Request) -> Response:
        after = (await request.json()).get("after")
        stall.set(None if after is None else int(after))
        return JSONResponse({"ok": True})

    async def stalled(request: Request) -> Response:
        try:
            await asyncio.wait_for(stall.stalled.wait(), timeout=WAIT_SECONDS)
        except TimeoutError:
            return JSONResponse({"ok": False}, status_code=504)
        return JSONResponse({"ok": True})

    async def wait_sent(request: Request) -> Response:
        count = int(request.query_params["count"])
        try:
            await asyncio.wait_for(stall.wait_sent(api, count), timeout=WAIT_SECONDS)
        except TimeoutError:
            return JSONResponse({"ok": False, "sent": len(api.sent)}, status_code=504)
        return JSONResponse({"ok": True, "sent": len(api.sent)})

    app = Starlette(
        routes=[
            Route("/_fake/stall", set_stall, methods=["POST"]),
            Route("/_fake/stalled", stalled),
            Route("/_fake/wait", wait_sent),
            *delivery_routes(api),
            Route("/_fake/sent", sent),
            Route("/_fake/updates", push_update, methods=["POST"]),
            Route("/_fake/fail/{chat_id:int}", fail, methods=["POST"]),
            Route("/file/{rest:path}", bot_api),
            Route("/{rest:path}", bot_api, methods=["GET", "POST"]),
        ]
    )
    app.state.fake = api
    app.state.stall = stall
    return app


def main() -> None:
    """Serve the fake until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument(
        "--per-second", type=float, help="enforce Telegram's flood limits at this overall rate"
    )
    parser.add_argument("--fault-rate", type=float, default=0.0, help="transient 5xx share")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    fake = FakeBotApi()
    if args.per_second:
        delivery_faults(fake).gate = FloodGate(FloodRules(per_second=args.per_second))
    if args.fault_rate:
        delivery_faults(fake).faults = FaultPlan(args.fault_rate, seed=args.seed, kinds=(502, 500))
    uvicorn.run(create_app(fake), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
