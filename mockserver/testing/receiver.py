"""A real HTTP server that records what it receives: the client's side of callbacks, for tests.

Each path can be told how to answer (status, body, content type, delay), so a test can play a
controller that returns XML, a receiver that fails with 500, or one that is slow.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.server import free_port


@dataclass(frozen=True)  # users hold it: frozen at run time too (not @frozen, core/values.py)
class Received:
    """One request the receiver got, as it came (headers lower-cased by the server)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        """The body read as an HTML form (``a=1&b=2``), blank values kept."""
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    @property
    def fields(self) -> dict[str, str]:
        """Form fields for a POST, query parameters for a GET."""
        return self.form if self.method == "POST" else self.query


@dataclass
class Reply:
    """How the receiver answers one request: ``body`` may be a function of the request (a controller
    that answers XML built from the call's fields); ``delay`` plays a slow receiver."""

    status: int = 200
    body: str | bytes | Callable[[Received], str] = ""
    content_type: str = "text/plain"
    delay: float = 0.0  # wall-clock seconds before answering


@dataclass
class CallbackReceiver:
    """A real HTTP server (uvicorn in a thread, on a free port) that records every request it gets.

    Point a call's callback or controller at ``receiver.url("/status")``, let the mock send, then
    ``wait_for(n, "/status")`` (it blocks until n requests arrived, with a timeout: no sleeping). Use it
    as a context manager, or ``start()``/``stop()``; docs/pytest.md has a runnable example.
    """

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    replies: dict[str, list[Reply]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.port = self.port or free_port(self.host)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["GET", "POST", "PUT"])])
        config = uvicorn.Config(app, host=self.host, port=self.port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="receiver", daemon=True)

    def url(self, path: str = "/") -> str:
        """The address of ``path`` on this receiver, for a callback or controller URL."""
        return f"http://{self.host}:{self.port}{path}"

    def reply(self, path: str, *replies: Reply) -> None:
        """Answer requests to ``path`` with ``replies`` in turn (the last one repeats)."""
        with self._lock:
            self.replies[path] = list(replies)

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        got = Received(
            request.method, request.url.path, dict(request.query_params), dict(request.headers), body
        )
        with self._lock:
            queue = self.replies.get(got.path, [])
            reply = (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Reply()
        if reply.delay:
            await asyncio.sleep(reply.delay)  # wall-clock ok: plays a slow receiver
        with self._changed:
            self.received.append(got)
            self._changed.notify_all()
        content = reply.body(got) if callable(reply.body) else reply.body
        return Response(content, reply.status, media_type=reply.content_type)

    def requests(self, path: str | None = None) -> list[Received]:
        """What arrived so far (to ``path``, or anywhere), oldest first."""
        with self._lock:
            return [r for r in self.received if path is None or r.path == path]

    def wait_for(self, count: int, path: str | None = None, timeout: float = 5.0) -> list[Received]:
        """Block until ``count`` requests (to ``path``) have arrived; raise TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                got = [r for r in self.received if path is None or r.path == path]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{len(got)} of {count} requests arrived at {path or 'any path'}")
                self._changed.wait(left)

    def clear(self) -> None:
        """Forget what arrived and every scripted reply (between tests that share a receiver)."""
        with self._lock:
            self.received.clear()
            self.replies.clear()

    def start(self) -> CallbackReceiver:
        """Serve in a thread; returns once the socket is bound."""
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("receiver did not start")
            time.sleep(0.005)  # wall-clock ok: waiting for a thread to bind its socket
        return self

    def stop(self) -> None:
        """Stop serving (what arrived stays readable)."""
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> CallbackReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
