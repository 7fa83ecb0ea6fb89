"""The Bot API fake as a small HTTP server on 127.0.0.1, for tests across processes.

`python -m bot.fake_server --port 8081`, then point the bot at it with
TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot and TELEGRAM_FILE_BASE_URL=
http://127.0.0.1:8081/file/bot. Besides the Bot API it serves a few control routes:
GET /_fake/sent (what the bot sent), POST /_fake/updates (queue an update for getUpdates),
POST /_fake/fail/{chat_id} (script a failure: {"status", "description", "parameters"}),
and the delivery routes of bot/fake_flood.py (/_fake/stats, /_fake/received, /_fake/stall).
"""

from __future__ import annotations

import argparse
from dataclasses import asdict

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.fake_flood import FaultPlan, FloodGate, FloodRules, delivery_routes
from bot.fake_telegram import Failure, FakeBotApi


def create_app(fake: FakeBotApi | None = None) -> Starlette:
    """A Starlette app serving `fake` (a new one by default)."""
    api = fake or FakeBotApi()

    async def bot_api(request: Request) -> Response:
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

    app = Starlette(
        routes=[
            *delivery_routes(api),
            Route("/_fake/sent", sent),
            Route("/_fake/updates", push_update, methods=["POST"]),
            Route("/_fake/fail/{chat_id:int}", fail, methods=["POST"]),
            Route("/file/{rest:path}", bot_api),
            Route("/{rest:path}", bot_api, methods=["GET", "POST"]),
        ]
    )
    app.state.fake = api
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
        fake.delivery.gate = FloodGate(FloodRules(per_second=args.per_second))
    if args.fault_rate:
        fake.delivery.faults = FaultPlan(args.fault_rate, seed=args.seed, kinds=(502, 500))
    uvicorn.run(create_app(fake), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
