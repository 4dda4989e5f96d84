"""How an outbound request goes on the wire: a :class:`Transport` sends it and answers a :class:`Reply`.

:class:`StreamTransport` speaks plain HTTP/1.1 on asyncio streams with a small keep-alive pool per origin:
httpx/httpcore cost ~0.8 ms of CPU per request, which capped callback delivery near 1,000/s (issue #3).
:class:`HttpxTransport` keeps httpx for everything else (https, or a client a user injected).
Neither follows redirects: a callback answered 3xx is recorded as that answer.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
from collections import deque
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol
from urllib.parse import quote, unquote, urlencode, urlsplit

from mockserver.callbacks.model import Reply

if TYPE_CHECKING:  # imported where a request goes through httpx: start-up skips it (issue 14)
    import httpx

#: Bytes of a response body kept; the rest is not read (the connection is then closed, not reused).
MAX_BODY = 1024 * 1024
MAX_HEADERS = 100
MAX_LINE = 64 * 1024  # the longest status, header or chunk-size line
MAX_INTERIM = 10  # 1xx answers skipped before the final one
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_STATUS = re.compile(rb"HTTP/1\.([01]) ([0-9]{3})(?: [^\r\n]*)?\r?\n")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


class TransportError(Exception):
    """The request got no HTTP answer: ``kind`` is ``"timeout"`` or an exception name like httpx's."""

    def __init__(self, kind: str, message: str = "") -> None:
        super().__init__(kind, message)
        self.kind = kind
        self.message = message

    def __str__(self) -> str:
        """What an :class:`Attempt` records as its ``error``."""
        if self.kind == "timeout" or not self.message:
            return self.kind
        return f"{self.kind}: {self.message}"


class Transport(Protocol):
    async def send(
        self,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
        timeout: float,  # noqa: ASYNC109 -- one deadline per request, over connect + write + read
    ) -> Reply: ...

    async def aclose(self) -> None: ...


def with_params(url: str, params: Sequence[tuple[str, str]]) -> str:
    """``url`` with ``params`` appended to its query string (form-encoded, as providers send them)."""
    if not params:
        return url
    base = url.partition("#")[0]  # a fragment is never sent
    joiner = "?" if "?" not in base else ("" if base.endswith(("?", "&")) else "&")
    return base + joiner + urlencode(params)


class HttpClient(Protocol):
    """What :class:`HttpxTransport` needs of a client: an ``httpx.AsyncClient``, or a :class:`LazyClient`."""

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        content: bytes | None,
        timeout: float,  # noqa: ASYNC109 -- httpx's name
    ) -> httpx.Response: ...

    async def aclose(self) -> None: ...


class LazyClient:
    """The server's own ``httpx.AsyncClient(follow_redirects=False)``, built on its first request.

    Importing httpx and building the client's SSL context (certifi's bundle) cost ~90 ms of start-up,
    while plain http:// callbacks never use it (:class:`StreamTransport` carries them)."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    @property
    def built(self) -> bool:
        return self._client is not None

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str],
        content: bytes | None,
        timeout: float,  # noqa: ASYNC109 -- httpx's name
    ) -> httpx.Response:
        if self._client is None:
            import httpx

            self._client = httpx.AsyncClient(follow_redirects=False)
        return await self._client.request(method, url, headers=headers, content=content, timeout=timeout)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


class HttpxTransport:
    def __init__(self, client: HttpClient) -> None:
        self.client = client

    async def send(
        self,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
        timeout: float,  # noqa: ASYNC109 -- one deadline per request, over connect + write + read
    ) -> Reply:
        import httpx

        try:
            response = await self.client.request(
                method, with_params(url, params), headers=dict(headers), content=body or None, timeout=timeout
            )
        except httpx.TimeoutException:
            raise TransportError("timeout") from None
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
            raise TransportError(type(exc).__name__, str(exc)) from None
        return Reply(response.status_code, dict(response.headers), response.content)

    async def aclose(self) -> None:
        """The client belongs to whoever made it."""


class _Target:
    """Where a URL sends its request: the pool key, the Host header and the request target."""

    __slots__ = ("address", "authorization", "host_header", "target")

    def __init__(self, url: str, params: Sequence[tuple[str, str]]) -> None:
        try:
            parts = urlsplit(with_params(url, params))
            port = parts.port or 80
        except ValueError as exc:
            raise TransportError("InvalidURL", str(exc)) from None
        host = parts.hostname
        if parts.scheme.lower() != "http" or not host:
            raise TransportError("InvalidURL", f"not a plain http URL: {url!r}")
        self.address = (host, port)
        name = f"[{host}]" if ":" in host else host
        self.host_header = name if port == 80 else f"{name}:{port}"
        path = quote(parts.path or "/", safe=_PATH_SAFE)
        self.target = path + ("?" + quote(parts.query, safe=_QUERY_SAFE) if parts.query else "")
        self.authorization = None
        if parts.username is not None:
            userinfo = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            self.authorization = "Basic " + base64.b64encode(userinfo.encode()).decode("ascii")


class _Connection:
    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @property
    def usable(self) -> bool:
        return not self.reader.at_eof() and not self.writer.is_closing()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a broken socket must not hide why it broke
            self.writer.close()


class StreamTransport:
    """HTTP/1.1 for ``http://`` URLs; ``max_idle`` kept-alive connections per origin.

    The caller bounds concurrency per origin (the dispatcher does), so the pool never holds more
    connections to an origin than requests can be in flight to it.
    """

    def __init__(self, max_idle: int = 4, user_agent: str = "mockserver") -> None:
        self.max_idle = max_idle
        self.user_agent = user_agent
        self._idle: dict[tuple[str, int], deque[_Connection]] = {}
        self._closed = False

    async def send(
        self,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
        timeout: float,  # noqa: ASYNC109 -- one deadline per request, over connect + write + read
    ) -> Reply:
        return await self.start(method, url, params, headers, body).reply(timeout)

    def start(
        self,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Sending:
        """:meth:`send` in two parts: if a kept-alive connection is idle, the request is written before
        this returns, in the caller's turn of the event loop; ``reply(timeout)`` then waits for the
        answer (connecting first if nothing was written). The dispatcher starts attempts this way, so a
        webhook does not wait for the turn in which its task first runs (~10 ms when the loop is busy
        serving requests: bench_webhooks, issue 14)."""
        return Sending(self, method, url, params, headers, body)

    async def _exchange(
        self, address: tuple[str, int], data: bytes, head_only: bool, written: _Connection | None = None
    ) -> Reply:
        """``written``: a kept-alive connection ``data`` was already written on."""
        conn = written if written is not None else self._take(address)
        if conn is not None:
            try:
                return await self._roundtrip(address, conn, data, head_only, written is not None)
            except _Stale:
                pass  # the server closed a kept-alive connection before reading: send once more on a new one
        conn = await _connect(address)
        try:
            return await self._roundtrip(address, conn, data, head_only)
        except _Stale:
            message = "Server disconnected without sending a response."
            raise TransportError("RemoteProtocolError", message) from None

    async def _roundtrip(
        self,
        address: tuple[str, int],
        conn: _Connection,
        data: bytes,
        head_only: bool,
        written: bool = False,
    ) -> Reply:
        keep = False
        try:
            try:
                if not written:
                    conn.writer.write(data)
                await conn.writer.drain()
            except OSError as exc:
                raise _Stale() if isinstance(exc, ConnectionError) else _error("WriteError", exc) from None
            reply, keep = await _read_response(conn.reader, head_only)
            return reply
        finally:
            if keep:
                self._give(address, conn)
            else:
                conn.close()

    def _head(self, method: str, target: _Target, headers: Mapping[str, str], body: bytes) -> bytes:
        lines = [f"{method} {target.target} HTTP/1.1"]
        given = {name.lower() for name in headers}
        if "host" not in given:
            lines.append(f"Host: {target.host_header}")
        if "user-agent" not in given:
            lines.append(f"User-Agent: {self.user_agent}")
        if target.authorization and "authorization" not in given:
            lines.append(f"Authorization: {target.authorization}")
        if "content-length" not in given and (body or method in ("POST", "PUT", "PATCH")):
            lines.append(f"Content-Length: {len(body)}")
        for name, value in headers.items():
            if not _TOKEN.fullmatch(name.encode("latin-1", "replace")) or any(c in value for c in "\r\n\0"):
                raise TransportError("LocalProtocolError", f"Illegal header: {name!r}")
            lines.append(f"{name}: {value}")
        try:
            return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        except UnicodeEncodeError as exc:
            raise TransportError("LocalProtocolError", f"header not latin-1: {exc}") from None

    def _take(self, address: tuple[str, int]) -> _Connection | None:
        idle = self._idle.get(address)
        while idle:
            conn = idle.pop()
            if conn.usable:
                return conn
            conn.close()
        return None

    def _give(self, address: tuple[str, int], conn: _Connection) -> None:
        idle = self._idle.setdefault(address, deque())
        if self._closed or len(idle) >= self.max_idle or not conn.usable:
            conn.close()
        else:
            idle.append(conn)

    async def aclose(self) -> None:
        """Close idle connections; requests still in flight close theirs when they end."""
        self._closed = True
        idle, self._idle = self._idle, {}
        for connections in idle.values():
            for conn in connections:
                conn.close()


class Sending:
    """A request :meth:`StreamTransport.start` began: written already if a kept-alive connection was idle.

    Await :meth:`reply` once; or, if it will never be awaited, :meth:`abandon` closes the connection it
    was written on."""

    __slots__ = ("_conn", "_data", "_error", "_head_only", "_transport", "address")

    def __init__(
        self,
        transport: StreamTransport,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> None:
        self._transport = transport
        self._head_only = method == "HEAD"
        self._conn: _Connection | None = None
        self._error: TransportError | None = None
        self._data = b""
        self.address: tuple[str, int] = ("", 0)
        try:
            target = _Target(url, params)
            self._data = transport._head(method, target, headers, body) + body
        except TransportError as exc:
            self._error = exc  # raised by reply(), as send() raises it
            return
        self.address = target.address
        conn = transport._take(target.address)
        if conn is None:
            return
        try:
            conn.writer.write(self._data)
        except (OSError, RuntimeError):
            conn.close()  # reply() connects afresh, as for a kept-alive connection found closed
            return
        self._conn = conn

    @property
    def written(self) -> bool:
        return self._conn is not None

    async def reply(self, timeout: float) -> Reply:  # noqa: ASYNC109 -- over connect + write + read
        if self._error is not None:
            raise self._error
        conn, self._conn = self._conn, None  # from here the exchange owns the connection
        try:
            async with asyncio.timeout(timeout):
                return await self._transport._exchange(self.address, self._data, self._head_only, conn)
        except TimeoutError:
            raise TransportError("timeout") from None

    def abandon(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class _Stale(Exception):
    """A reused connection ended before any byte of a response: safe to send again once."""


def _error(kind: str, exc: BaseException) -> TransportError:
    return TransportError(kind, str(exc) or type(exc).__name__)


async def _connect(address: tuple[str, int]) -> _Connection:
    try:
        reader, writer = await asyncio.open_connection(*address, limit=MAX_LINE)
    except (OSError, UnicodeError) as exc:
        raise _error("ConnectError", exc) from None
    return _Connection(reader, writer)


async def _read_response(reader: asyncio.StreamReader, head_only: bool) -> tuple[Reply, bool]:
    """The final response on ``reader``, and whether the connection may carry another request."""
    first = True
    try:
        for _ in range(MAX_INTERIM + 1):
            status, http10, headers = await _read_head(reader, first)
            first = False
            if status >= 200:
                break
            if status == 101:
                raise TransportError("RemoteProtocolError", "unexpected 101 Switching Protocols")
        else:
            raise TransportError("RemoteProtocolError", f"more than {MAX_INTERIM} interim responses")
        tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
        keep = "close" not in tokens and (not http10 or "keep-alive" in tokens)
        if head_only or status in (204, 304):
            return Reply(status, headers, b""), keep
        body, complete = await _read_body(reader, headers)
        return Reply(status, headers, body), keep and complete
    except (asyncio.IncompleteReadError, ConnectionError) as exc:
        raise TransportError("RemoteProtocolError", f"peer closed connection mid-response ({exc})") from None
    except asyncio.LimitOverrunError:
        raise TransportError("RemoteProtocolError", "response line too long") from None
    except OSError as exc:
        raise _error("ReadError", exc) from None


async def _read_head(reader: asyncio.StreamReader, first: bool) -> tuple[int, bool, dict[str, str]]:
    """A status line and its headers; ``first``: nothing of the response has been read yet."""
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as exc:
        if first and not exc.partial:
            raise _Stale() from None
        raise
    except ConnectionResetError:
        if first:
            raise _Stale() from None
        raise
    match = _STATUS.fullmatch(line)
    if match is None or match[2] < b"100":
        raise TransportError("RemoteProtocolError", f"illegal status line: {line[:100]!r}")
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADERS + 1):
        line = await reader.readuntil(b"\n")
        if line in (b"\r\n", b"\n"):
            return int(match[2]), match[1] == b"0", headers
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise TransportError("RemoteProtocolError", f"illegal header line: {line[:100]!r}")
        key = name.decode("ascii").lower()
        text = value.strip().decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    raise TransportError("RemoteProtocolError", f"more than {MAX_HEADERS} headers")


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> tuple[bytes, bool]:
    """The body (at most :data:`MAX_BODY` bytes) and whether all of it was read."""
    coding = headers.get("transfer-encoding")
    if coding is not None:
        if coding.rsplit(",", 1)[-1].strip().lower() != "chunked":
            return await _read_to_close(reader), False
        return await _read_chunked(reader)
    length = headers.get("content-length")
    if length is None:
        return await _read_to_close(reader), False
    values = {v.strip() for v in length.split(",")}
    if len(values) != 1 or not (size := values.pop()).isdigit() or not size.isascii():
        raise TransportError("RemoteProtocolError", f"illegal Content-Length: {length[:100]!r}")
    wanted = int(size)
    return await reader.readexactly(min(wanted, MAX_BODY)), wanted <= MAX_BODY


async def _read_to_close(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    kept = 0
    while kept < MAX_BODY and (part := await reader.read(MAX_BODY - kept)):
        parts.append(part)
        kept += len(part)
    return b"".join(parts)


async def _read_chunked(reader: asyncio.StreamReader) -> tuple[bytes, bool]:
    parts: list[bytes] = []
    kept = 0
    while True:
        line = await reader.readuntil(b"\n")
        size_text = line.split(b";", 1)[0].strip()
        if not size_text or len(size_text) > 16 or not re.fullmatch(rb"[0-9A-Fa-f]+", size_text):
            raise TransportError("RemoteProtocolError", f"illegal chunk size: {line[:100]!r}")
        size = int(size_text, 16)
        if size == 0:
            break
        if kept + size > MAX_BODY:
            parts.append(await reader.readexactly(MAX_BODY - kept))
            return b"".join(parts), False
        parts.append(await reader.readexactly(size))
        kept += size
        if await reader.readuntil(b"\n") not in (b"\r\n", b"\n"):
            raise TransportError("RemoteProtocolError", "chunk not followed by CRLF")
    for _ in range(MAX_HEADERS + 1):  # trailers, ignored
        if await reader.readuntil(b"\n") in (b"\r\n", b"\n"):
            return b"".join(parts), True
    raise TransportError("RemoteProtocolError", "too many trailer lines")
