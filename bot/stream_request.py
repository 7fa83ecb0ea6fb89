"""PTB's HTTP layer on plain asyncio streams, for the webhook server's Bot API calls.

Every answered question is one sendMessage. Through httpx (PTB's HTTPXRequest) a call costs
about 1 ms of CPU, as much as a tenth of the whole update, and its headers and body go out in
separate writes; here it is one write on a kept-alive HTTP/1.1 connection and a small parser.
Calls that upload files (multipart) still go through HTTPXRequest.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

# A connection idle longer than this may be closing at the server's end: open a new one.
IDLE_SECONDS = 30.0
MAX_HEADER_BYTES = 64 * 1024


@dataclass(slots=True)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    idle_since: float = 0.0

    def usable(self) -> bool:
        return not self.reader.at_eof() and time.monotonic() - self.idle_since < IDLE_SECONDS

    def close(self) -> None:
        self.writer.close()


class StreamRequest(BaseRequest):
    """A BaseRequest with a pool of keep-alive HTTP/1.1 connections per host."""

    def __init__(
        self,
        *,
        pool_size: int = 256,
        connect_timeout: float | None = 5.0,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._timeouts = {
            "connect": connect_timeout,
            "read": read_timeout,
            "write": write_timeout,
            "pool": pool_timeout,
        }
        self._slots = asyncio.Semaphore(pool_size)
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._ssl: ssl.SSLContext | None = None
        self._files = HTTPXRequest(
            connection_pool_size=8,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            pool_timeout=pool_timeout,
        )

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Nothing to open until the first call; the file uploader gets ready."""
        await self._files.initialize()

    async def shutdown(self) -> None:
        """Close every idle connection and the file uploader."""
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        await self._files.shutdown()

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
        if request_data is not None and request_data.contains_files:
            return await self._files.do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout,
            )  # fmt: skip
        body = request_data.url_encoded_parameters().encode() if request_data else b""
        parts = urlsplit(url)
        secure = parts.scheme == "https"
        host = parts.hostname or ""
        key = (parts.scheme, host, parts.port or (443 if secure else 80))
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        head = (
            f"{method} {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"User-Agent: {self.USER_AGENT}\r\nAccept: */*\r\n"
            + (
                "Content-Type: application/x-www-form-urlencoded\r\n"
                if body or method == "POST"
                else ""
            )
            + f"Content-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        try:
            async with asyncio.timeout(self._timeout("pool", pool_timeout)):
                await self._slots.acquire()
        except TimeoutError as exc:
            raise TimedOut(
                "Pool timeout: all connections are in use; the request was not sent"
            ) from exc
        try:
            return await self._exchange(
                key, head + body, connect_timeout, write_timeout, read_timeout
            )
        finally:
            self._slots.release()

    async def _exchange(
        self,
        key: tuple[str, str, int],
        request: bytes,
        connect_timeout: ODVInput[float],
        write_timeout: ODVInput[float],
        read_timeout: ODVInput[float],
    ) -> tuple[int, bytes]:
        connection = await self._checkout(key, connect_timeout)
        try:
            connection.writer.write(request)
            async with asyncio.timeout(self._timeout("write", write_timeout)):
                await connection.writer.drain()
            async with asyncio.timeout(self._timeout("read", read_timeout)):
                status, payload, keep = await _read_response(connection.reader)
        except TimeoutError as exc:
            connection.close()
            raise TimedOut from exc
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            connection.close()
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        except BaseException:
            connection.close()  # cancelled: the answer may still be on its way
            raise
        if keep:
            connection.idle_since = time.monotonic()
            self._idle.setdefault(key, []).append(connection)
        else:
            connection.close()
        return status, payload

    async def _checkout(
        self, key: tuple[str, str, int], connect_timeout: ODVInput[float]
    ) -> _Connection:
        idle = self._idle.get(key, [])
        while idle:
            connection = idle.pop()
            if connection.usable():
                return connection
            connection.close()
        scheme, host, port = key
        try:
            async with asyncio.timeout(self._timeout("connect", connect_timeout)):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    ssl=self._ssl_context() if scheme == "https" else None,
                    limit=MAX_HEADER_BYTES,
                )
        except TimeoutError as exc:
            raise TimedOut from exc
        except OSError as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        return _Connection(reader, writer)

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        return self._ssl

    def _timeout(self, kind: str, given: ODVInput[float]) -> float | None:
        if isinstance(given, DefaultValue):
            return self._timeouts[kind]
        return given


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body, and whether the connection may carry another request."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    version, status = lines[0].split(" ", 2)[:2]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    if "chunked" in headers.get("transfer-encoding", "").lower():
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0], 16)
            if size == 0:
                while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers
                    pass
                break
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(chunks)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:
        body, keep = await reader.read(), False
    return int(status), body, keep
