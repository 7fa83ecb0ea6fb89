"""PTB's HTTP layer on aiohttp, for the webhook server's Bot API calls.

Every answered question is one sendMessage. Through httpx (PTB's HTTPXRequest) a call costs
about 2 ms of CPU on this project's benchmark machine, a third of a whole webhook update;
aiohttp's client, with its C HTTP parser and kept-alive connections, does the same call for about
0.5 ms (bench/scale.py's notes in docs/scaling.md). Long polling keeps PTB's own client.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# Uploads may take longer to write than a message (PTB's HTTPXRequest uses 20 s too).
MEDIA_WRITE_TIMEOUT = 20.0


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp session, its connections kept alive and pooled."""

    def __init__(
        self,
        *,
        pool_size: int = 256,
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = pool_size
        self._defaults = {
            "connect": connect_timeout,
            "read": read_timeout,
            "write": write_timeout,
            "pool": pool_timeout,
        }
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout."""
        return self._defaults["read"]

    async def initialize(self) -> None:
        """Open the session (its connections open on first use)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See BaseRequest.do_request: the status code and the body of the answer."""
        if self._session is None:
            raise RuntimeError("This AiohttpRequest is not initialized")
        data: aiohttp.FormData | dict[str, str] | None = None
        uploads = request_data is not None and request_data.contains_files
        if request_data is not None:
            data = _form(request_data) if uploads else request_data.json_parameters
        read = self._pick("read", read_timeout)
        # aiohttp has no write timeout of its own: it bounds the whole exchange instead.
        write = MEDIA_WRITE_TIMEOUT if uploads else self._pick("write", write_timeout)
        connect = self._pick("connect", connect_timeout)
        pool = self._pick("pool", pool_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None if read is None or write is None else read + write + (connect or 0),
            # aiohttp's connect covers waiting for a pooled connection and opening a new one.
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as answer:
                return answer.status, await answer.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    def _pick(self, kind: str, given: ODVInput[float]) -> float | None:
        return self._defaults[kind] if isinstance(given, DefaultValue) else given


def _form(request_data: RequestData) -> aiohttp.FormData:
    """A multipart body: the JSON-encoded parameters and the files, as PTB's own client sends."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, upload in request_data.multipart_data.items():
        filename, content = upload[0], upload[1]
        content_type = upload[2] if len(upload) > 2 else None
        form.add_field(name, content, filename=filename, content_type=content_type)
    return form
