"""How every ``/_mock`` JSON answer ends: with a newline, and indented when asked (``?pretty=1``).

Done once, around the whole control API (its routes, the dashboard's JSON, the guard's refusals and
its 404s), rather than in each handler: a JSON body (``application/json`` or ``…+json``) under
``/_mock`` gets a final ``\\n`` if it has none, and ``?pretty=1`` (or ``true``) re-renders it with a
two-space indent. Other paths pass through untouched, so provider answers stay byte for byte what the
provider's code rendered; other media types (the dashboard page, JSON Lines, the event stream, the CA
certificate) are not touched either.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREFIX = "/_mock"
PRETTY = ("1", "true", "yes")


def is_control_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def wants_pretty(query_string: bytes) -> bool:
    query = query_string.decode("latin-1")
    return any(k == "pretty" and v.lower() in PRETTY for k, v in parse_qsl(query))


def finish(body: bytes, pretty: bool) -> bytes:
    """A JSON body as the control API sends it: indented if ``pretty``, and ending with a newline."""
    if pretty:
        try:
            return json.dumps(json.loads(body), indent=2, ensure_ascii=False).encode() + b"\n"
        except ValueError:  # not JSON after all: leave it as it is
            pass
    return body if body.endswith(b"\n") else body + b"\n"


def _is_json(media: str) -> bool:
    media = media.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class ControlJSON:
    """ASGI middleware: buffers a ``/_mock`` JSON answer (they are built whole anyway) and sends it
    finished by :func:`finish`, with its ``Content-Length`` to match."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def idle(self, scope: Scope) -> bool:
        return scope["type"] != "http" or not is_control_path(scope.get("path", ""))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.idle(scope):
            await self.app(scope, receive, send)
            return
        pretty = wants_pretty(scope.get("query_string", b""))
        head = scope["method"] == "HEAD"
        start: Message | None = None
        chunks: list[bytes] = []

        async def sending(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                if message["status"] in (204, 304) or not _is_json(headers.get("content-type", "")):
                    await send(message)
                    return
                start = message
                if head:  # no body to finish: say how long the GET's would be
                    length = headers.get("content-length")
                    if pretty:
                        del headers["content-length"]
                    elif length is not None and length.isdigit():
                        headers["content-length"] = str(int(length) + 1)
                    await send({**message, "headers": headers.raw})
                    start = None
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = finish(b"".join(chunks), pretty)
            headers = MutableHeaders(raw=list(start.get("headers", [])))
            headers["content-length"] = str(len(body))
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, sending)
