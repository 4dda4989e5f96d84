"""Request body limits, enforced before the application reads a byte of the body.

A declared ``Content-Length`` over the limit is answered 413 at once; a chunked body (no length) is read
here, up to the limit, and handed on whole — or answered 413 as soon as it passes the limit. The answer
is rendered by whoever owns the path (a provider in its own error format, the control API in its JSON
shape). What the client still sends after the answer is read and discarded by the server, so a client
that writes its whole body before reading gets the 413 rather than a broken pipe.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.core.errors import MockError
from mockserver.core.values import frozen


class BodyTooLarge(MockError):
    status = 413


@frozen
class Owner:
    """Who answers a path: its body limit, its error renderer and (optionally) its journal."""

    limit: int
    render: Callable[[MockError], Response]
    journal: Callable[[Request, Response], Awaitable[None]] | None = None


class BodyLimit:
    def __init__(self, app: ASGIApp, owner_of: Callable[[str], Owner], floor: int) -> None:
        """``floor``: the smallest limit of any owner; a declared length within it is not looked up."""
        self.app = app
        self.owner_of = owner_of
        self.floor = floor

    def idle(self, scope: Scope) -> bool:
        """No body, or a declared length within every owner's limit."""
        if scope["type"] != "http":
            return True
        length, chunked = _framing(scope["headers"])
        return (length is None and not chunked) or (length is not None and length <= self.floor)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.idle(scope):
            await self.app(scope, receive, send)
            return
        length, _ = _framing(scope["headers"])
        owner = self.owner_of(scope["path"])
        if length is not None:
            if length > owner.limit:
                await self._refuse(scope, send, owner, length)
                return
            await self.app(scope, receive, send)  # the server itself holds the client to its length
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body += message.get("body", b"")
            if len(body) > owner.limit:
                await self._refuse(scope, send, owner, None)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _refuse(self, scope: Scope, send: Send, owner: Owner, length: int | None) -> None:
        size = "a chunked body" if length is None else f"{length} bytes"
        response = owner.render(
            BodyTooLarge(f"request body too large: {size}, the limit is {owner.limit} bytes")
        )
        if owner.journal is not None:
            await owner.journal(Request(scope, _no_body), response)
        await response(scope, _no_body, send)


def _framing(headers: list[tuple[bytes, bytes]]) -> tuple[int | None, bool]:
    length: int | None = None
    chunked = False
    for name, value in headers:
        if name == b"content-length" and value.isdigit():
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    return length, chunked


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for a disconnect, as the server would

    return replay
