"""Fetching pages and feeds that people name: public addresses only, bounded in size and time.

Every redirect hop is checked (scheme, host, the addresses it resolves to), and so is the
address the connection actually reached. Bodies are streamed and cut off at the byte limit
after decompression, so a gzip bomb or a page that never ends costs at most that much memory.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from bot.i18n import N_, Explained

MAX_REDIRECTS = 5
PRIVATE = N_("{host} is not on the public internet; addresses there are not fetched.")
USER_AGENT = "newsroom-bot/0.1 (article archive for a newsroom; fetches pages its editors send)"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.8"
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset=["']?([A-Za-z0-9_\-:.]{1,40})""", re.I)
SPACED_ADDRESS = N_(
    "That address has a space in it, so nothing was fetched; write it without the space."
)
# One label of a host name (underscores too: some real hosts have them).
HOST_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?", re.IGNORECASE)
# Share of undecodable bytes above which a page is refused rather than stored garbled.
MAX_BAD_TEXT_SHARE = 0.02


class FetchError(Explained):
    """A page could not be fetched or was refused; the message is for the user."""


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """What a fetch may do (from the FETCH_* settings)."""

    allow_private: bool = False
    max_bytes: int = 5 * 1024 * 1024
    timeout: float = 15.0
    per_host: int = 2
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: the final address after redirects, its body and validators."""

    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """A conditional request answered 304: nothing new."""
        return self.status == 304

    def text(self) -> str:
        """The body as text: the declared charset, else the page's own, else UTF-8.

        A page whose bytes are mostly not text in that encoding is refused (FetchError):
        storing it would store garbage.
        """
        charset = self.charset or _meta_charset(self.body) or "utf-8"
        try:
            return self.body.decode(charset)
        except LookupError:
            charset = "utf-8"
        except UnicodeDecodeError:
            pass
        text = self.body.decode(charset, errors="replace")
        if text.count("\ufffd") > MAX_BAD_TEXT_SHARE * max(len(text), 1):
            raise FetchError(N_("The page is not valid {charset} text."), charset=charset)
        return text


def is_public_address(address: str) -> bool:
    """Whether an IP address is on the public internet (not loopback, private, link-local...)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class PublicResolver(AbstractResolver):
    """Resolves names to public addresses only: a name pointing inside the network is refused.

    aiohttp connects only to what the resolver returns, so this check is on the addresses used.
    """

    def __init__(self, allowed: Callable[[str], bool]) -> None:
        self._inner = DefaultResolver()
        self._allowed = allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        public = [entry for entry in found if self._allowed(entry["host"])]
        if not public:
            raise RefusedAddress(PRIVATE, host=host)
        return public

    async def close(self) -> None:
        await self._inner.close()


class RefusedAddress(FetchError):
    """The address is not on the public internet (and FETCH_ALLOW_PRIVATE is off)."""


class BlockedConnection(OSError):
    """A connection to an address that is not allowed (raised where sockets are made)."""


class Fetcher:
    """One HTTP client for every page and feed the bot reads; open lazily, close once."""

    def __init__(
        self, limits: FetchLimits, *, allowed: Callable[[str], bool] = is_public_address
    ) -> None:
        """`allowed` decides which IP addresses may be reached (unless limits.allow_private)."""
        self.limits = limits
        self._allowed = allowed
        self._session: aiohttp.ClientSession | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}

    async def close(self) -> None:
        """Close the connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            resolver = None if self.limits.allow_private else PublicResolver(self._allowed)
            connector = aiohttp.TCPConnector(
                resolver=resolver, limit=100, socket_factory=self._socket
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.limits.user_agent, "Accept": ACCEPT},
                trust_env=False,
                # Cookies from one site must not ride along to the next one.
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET `url` (following at most MAX_REDIRECTS redirects), or raise FetchError."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            host = self._check_url(current)
            async with self._hosts.setdefault(host, asyncio.Semaphore(self.limits.per_host)):
                try:
                    async with asyncio.timeout(self.limits.timeout):
                        result = await self._get(current, headers)
                except TimeoutError:
                    raise FetchError(
                        N_("{host} did not answer within {seconds:g} seconds."),
                        host=host,
                        seconds=self.limits.timeout,
                    ) from None
                except aiohttp.ClientConnectorError as exc:
                    if isinstance(exc.os_error, BlockedConnection):
                        raise RefusedAddress(PRIVATE, host=host) from None
                    raise _unreachable(host, exc) from None
                except aiohttp.ClientError as exc:
                    raise _unreachable(host, exc) from None
            if isinstance(result, Fetched):
                return result
            current = urljoin(current, result)
        raise FetchError(N_("Too many redirects (more than {most})."), most=MAX_REDIRECTS)

    def _check_url(self, url: str) -> str:
        if any(character.isspace() for character in url.strip()):
            # A typo or a broken paste: the page meant is not the one before the space.
            raise FetchError(SPACED_ADDRESS)
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            raise FetchError(N_("That is not a valid web address.")) from None
        if not parts.scheme:
            # A word ("/feed add syria") was told "Only http and https addresses are fetched".
            raise FetchError(N_("That is not a valid web address."))
        if parts.scheme not in ("http", "https"):
            raise FetchError(N_("Only http and https addresses are fetched."))
        if not host:
            raise FetchError(N_("That address has no host name."))
        if not _is_literal_ip(host) and not _is_host_name(host):
            # Said here: the resolver's and the URL library's own words ("is not a canonical
            # IPv4 address") would reach the user otherwise, and nothing is looked up.
            raise FetchError(N_("{host} is not a valid host name or IP address."), host=host)
        if not self.limits.allow_private and _is_literal_ip(host) and not self._allowed(host):
            raise RefusedAddress(PRIVATE, host=host)
        return host

    async def _get(self, url: str, headers: dict[str, str]) -> Fetched | str:
        """One request: a Fetched response, or the Location of a redirect."""
        async with self._client().get(url, headers=headers, allow_redirects=False) as response:
            if response.status in REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(
                        N_("The server redirected ({status}) to nowhere."), status=response.status
                    )
                return location
            validators = {
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified"),
            }
            if response.status == 304:
                return Fetched(str(response.url), 304, "", None, b"", **validators)
            if response.status >= 400:
                raise FetchError(
                    N_("The server answered {status}."),
                    status=f"{response.status} {response.reason or ''}".strip(),
                )
            content_type = response.content_type.lower()
            if not _readable_type(content_type):
                kind = content_type or "an unnamed type"
                raise FetchError(
                    N_("That address holds {kind}, not a web page or feed."), kind=kind
                )
            declared = response.content_length
            if declared is not None and declared > self.limits.max_bytes:
                raise self._too_big()
            body = await self._read_limited(response)
            return Fetched(
                str(response.url),
                response.status,
                content_type,
                response.charset,
                body,
                **validators,
            )

    async def _read_limited(self, response: aiohttp.ClientResponse) -> bytes:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(CHUNK):
            size += len(chunk)
            if size > self.limits.max_bytes:
                raise self._too_big()
            chunks.append(chunk)
        return b"".join(chunks)

    def _socket(self, addr_info: AddrInfoType) -> socket.socket:
        """Every socket the client opens: refused unless its destination is allowed."""
        family, kind, proto, _, address = addr_info
        if not self.limits.allow_private and not self._allowed(str(address[0])):
            raise BlockedConnection(str(address[0]))
        return socket.socket(family=family, type=kind, proto=proto)

    def _too_big(self) -> FetchError:
        return FetchError(
            N_("The page is larger than the limit ({limit:,} bytes)."), limit=self.limits.max_bytes
        )


def _readable_type(content_type: str) -> bool:
    if content_type in ("text/html", "application/xhtml+xml", "text/xml", "application/xml"):
        return True
    return content_type.endswith(("+xml", "/json", "+json"))


def _is_literal_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _is_host_name(host: str) -> bool:
    """Whether `host` can be a DNS name: letters, digits and hyphens in labels of at most 63,
    and a last label that is not all digits (256.1.1.1 is a broken IP address, not a name)."""
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return all(HOST_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()


def _meta_charset(body: bytes) -> str | None:
    match = META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _unreachable(host: str, exc: aiohttp.ClientError) -> FetchError:
    """Why a site could not be reached, in words a reader knows."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, FetchError):
        return cause
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return FetchError(N_("Could not fetch {host}: no site has that name."), host=host)
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return FetchError(
            N_("Could not fetch {host}: its secure connection is not valid."), host=host
        )
    if isinstance(exc, aiohttp.ClientConnectorError):
        return FetchError(N_("Could not fetch {host}: the site could not be reached."), host=host)
    return FetchError(N_("Could not fetch {host}: {reason}."), host=host, reason=_describe(exc))


def _describe(exc: aiohttp.ClientError) -> str:
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, FetchError):
        return str(cause).rstrip(".")
    text = str(exc) or type(exc).__name__
    return text[:200]
