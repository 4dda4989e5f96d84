"""The recording proxy behind ``mockserver record``.

A client points at the recorder as it would at the mock (base URL, or ``/<provider>/`` prefix); the
recorder forwards each request to the real provider, streams the real answer back unchanged, and appends
the redacted pair to the cassette. Bodies stream through in both directions: only the first
``cassette.BODY_LIMIT`` bytes of each are kept for the cassette.

Callbacks: point the provider's callback URL at ``<recorder>/_relay?to=<your URL, URL-encoded>``. The
recorder forwards the callback to your URL, answers the provider with your receiver's answer, and records
the pair as a ``callback`` line.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO
from urllib.parse import urlencode

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from mockserver.drift import cassette
from mockserver.drift.redact import Redactor, redaction_policy
from mockserver.drift.upstreams import Upstream

HOP_BY_HOP = frozenset(
    (
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
    )
)
RELAY = "/_relay"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _Capture:
    """Keeps the first ``limit`` bytes of a stream that passes through."""

    def __init__(self, limit: int = cassette.BODY_LIMIT) -> None:
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        room = self.limit - min(self.size, self.limit)
        if room:
            self.parts.append(chunk[:room])
        self.size += len(chunk)

    @property
    def body(self) -> bytes:
        return b"".join(self.parts)

    @property
    def truncated(self) -> bool:
        return self.size > self.limit


async def _tee(source: AsyncIterator[bytes], capture: _Capture) -> AsyncIterator[bytes]:
    async for chunk in source:
        capture.add(chunk)
        yield chunk


def _decoded(
    body: bytes, headers: list[tuple[str, str]], truncated: bool
) -> tuple[bytes, list[tuple[str, str]]]:
    """The cassette keeps bodies as the client reads them: a gzip/deflate answer is stored inflated."""
    encoding = next((v.lower() for k, v in headers if k.lower() == "content-encoding"), "")
    if encoding not in ("gzip", "deflate") or truncated:
        return body, headers
    try:
        inflated = zlib.decompress(body, 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS)
    except zlib.error:
        return body, headers
    kept = [(k, v) for k, v in headers if k.lower() not in ("content-encoding", "content-length")]
    return inflated, kept


@dataclass
class Recorder:
    provider: str
    upstream: Upstream
    out: TextIO
    redactor: Redactor = field(default_factory=Redactor)
    client: httpx.AsyncClient | None = None
    written: int = 0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def app(self) -> Starlette:
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        routes = [
            Route(RELAY, self.relay, methods=methods),
            Route("/{path:path}", self.forward, methods=methods),
        ]

        @contextlib.asynccontextmanager
        async def lifespan(app: Starlette) -> AsyncIterator[None]:
            owned = self.client is None
            self.client = self.client or httpx.AsyncClient(timeout=60.0, follow_redirects=False)
            try:
                yield
            finally:
                if owned:
                    await self.client.aclose()

        return Starlette(routes=routes, lifespan=lifespan)

    # -- the proxy -------------------------------------------------------------------------------
    async def forward(self, request: Request) -> Response:
        path = request.url.path
        own = f"/{self.provider}"
        if path == own or path.startswith(own + "/"):
            path = path[len(own) :] or "/"
        url = self.upstream.url_for(path)
        return await self._pass(request, url, kind="request", path=path)

    async def relay(self, request: Request) -> Response:
        target = request.query_params.get("to", "")
        if not target.startswith(("http://", "https://")):
            return JSONResponse({"error": "relay needs ?to=<your callback URL, URL-encoded>"}, 400)
        # A GET callback's fields arrive as more query parameters: they go on to the target.
        fields = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "to"])
        return await self._pass(request, target, kind="callback", path=target, query=fields)

    async def _pass(
        self, request: Request, url: str, *, kind: str, path: str, query: str | None = None
    ) -> Response:
        assert self.client is not None
        at = _now()
        sent = _Capture()
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
        query = request.url.query if query is None else query
        joiner = "&" if "?" in url else "?"
        upstream_request = self.client.build_request(
            request.method,
            url + (f"{joiner}{query}" if query else ""),
            headers=headers,
            content=_tee(request.stream(), sent) if request.method not in ("GET", "HEAD") else None,
        )
        try:
            answer = await self.client.send(upstream_request, stream=True)
        except httpx.HTTPError as exc:
            failure = JSONResponse({"error": f"upstream {url} unreachable: {exc}"}, 502)
            await self._record(kind, at, request, path, query, headers, sent, failure, None, target=url)
            return failure
        received = _Capture()
        response_headers = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in HOP_BY_HOP]

        async def body() -> AsyncIterator[bytes]:
            try:
                async for chunk in _tee(answer.aiter_raw(), received):
                    yield chunk
            finally:
                await answer.aclose()
                await self._record(
                    kind, at, request, path, query, headers, sent, answer, received, target=url
                )

        return StreamingResponse(body(), status_code=answer.status_code, headers=dict(response_headers))

    async def _record(
        self,
        kind: str,
        at: str,
        request: Request,
        path: str,
        query: str,
        headers: list[tuple[str, str]],
        sent: _Capture,
        answer: httpx.Response | Response,
        received: _Capture | None,
        *,
        target: str,
    ) -> None:
        red = self.redactor
        red.redacted = set()  # what this exchange had replaced (written on its line)
        request_type = request.headers.get("content-type", "")
        rpc_method = _rpc_method(sent.body) if "json" in request_type else None
        if isinstance(answer, httpx.Response):
            raw_headers = list(answer.headers.multi_items())
            status = answer.status_code
        else:
            raw_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in answer.raw_headers]
            status = answer.status_code
        body = received.body if received is not None else bytes(getattr(answer, "body", b""))
        truncated = received.truncated if received is not None else False
        body, raw_headers = _decoded(body, raw_headers, truncated)
        response_type = next((v for k, v in raw_headers if k.lower() == "content-type"), "")
        exchange = cassette.Exchange(
            kind=kind,
            at=at,
            target=target if kind == "callback" else "",
            request=cassette.Message(
                headers=red.headers(headers),
                body=red.body(sent.body, request_type),
                truncated=sent.truncated,
                method=request.method,
                path=path if kind == "request" else "",
                query=red.query(query),
            ),
            response=cassette.Message(
                headers=red.headers([h for h in raw_headers if h[0].lower() not in HOP_BY_HOP]),
                body=red.body(body, response_type, rpc_method),
                truncated=truncated,
                status=status,
            ),
        )
        exchange = dataclasses.replace(exchange, redacted=tuple(sorted(red.redacted)))
        async with self._lock:
            self.out.write(cassette.exchange_line(exchange))
            self.out.flush()
            self.written += 1


def _rpc_method(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    method = data.get("method") if isinstance(data, dict) else None
    return method if isinstance(method, str) else None


def write_header(out: TextIO, provider: str, upstream: Upstream, redactor: Redactor) -> None:
    out.write(
        cassette.header_line(
            cassette.Header(
                provider=provider,
                upstream=upstream.base_url,
                recorded_at=_now(),
                redacted=redaction_policy(),
                masked_numbers=redactor.mask_numbers,
            )
        )
    )
    out.flush()
