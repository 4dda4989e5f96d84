"""Connections that cannot exhaust the server: a deadline to send a request's head and each piece of
its body, and a cap on open connections that drops the oldest idle one to make room.

uvicorn has neither: a connection that sends nothing, or half a request head, is kept for ever, and a
few hundred of them take every file descriptor a container allows (``ulimit -n 1024``) so nobody else
gets in. This subclass of uvicorn's httptools protocol (the C parser it uses with ``uvicorn[standard]``)
adds both and changes nothing on the path of a well-behaved request: a deadline set and cleared, no timer.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: File descriptors kept free for what is not an inbound connection: the listening socket, callbacks'
#: outbound connections, the state file, the dashboard's static files.
SPARE_FDS = 128
log = logging.getLogger("mockserver")


def default_max_connections() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 10_000
    return max(16, min(10_000, soft - SPARE_FDS))


def protocol_class(head_timeout: float, max_connections: int) -> type[HttpToolsProtocol]:
    """A protocol class with these limits (uvicorn builds one protocol per connection from it)."""

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        # The deadline is a time, not a timer per request: each phase only sets ``_due`` (or clears it
        # while the app has the request), and one timer per connection wakes at the due time, closes
        # the connection if it is still due, or sleeps again until the new one. A timer armed and
        # cancelled twice a request was ~5 % of a read (issue 14); this is two attribute writes.
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            self._due: float | None = None
            self._timer: asyncio.TimerHandle | None = None
            self.idle_since = time.monotonic()
            super().connection_made(transport)
            self._expect()
            if len(self.connections) > max_connections:
                _close_oldest_idle(self.connections, keep=self)

        def connection_lost(self, exc: Exception | None) -> None:
            self._due = None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            super().connection_lost(exc)

        def on_headers_complete(self) -> None:
            self._due = None
            super().on_headers_complete()
            if self.cycle is not None and self.cycle.more_body:
                self._expect()  # the first piece of the body is due within the deadline too

        def on_body(self, body: bytes) -> None:
            super().on_body(body)
            if self._due is not None:
                self._expect()

        def on_message_complete(self) -> None:
            self._due = None
            super().on_message_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self.idle_since = time.monotonic()
            self._expect()  # the next request's head (uvicorn's keep-alive timeout ends an idle one sooner)

        def _unsupported_upgrade_warning(self) -> None:
            """uvicorn warns twice, the second time to install a WebSocket library: not the case here
            (the mock serves no WebSocket, so none is loaded, ~16 ms of start-up), and the request is
            answered as plain HTTP all the same."""
            path = getattr(self, "scope", {}).get("path", "?")  # a scope is made as the request begins
            log.debug("an upgrade request to %s, answered as plain HTTP", path)

        def _expect(self) -> None:
            """Something from the client is due within ``head_timeout`` from now."""
            self._due = self.loop.time() + head_timeout
            if self._timer is None:
                self._timer = self.loop.call_at(self._due, self._wake)

        def _wake(self) -> None:
            self._timer = None
            due = self._due
            if due is None:
                return  # nothing is due (the app has the request): the next _expect arms again
            if self.loop.time() < due:
                self._timer = self.loop.call_at(due, self._wake)  # moved on since: sleep until then
                return
            self._due = None
            if self.flow.read_paused:  # the app has not taken what came yet: not the client's fault
                self._expect()
            elif not self.transport.is_closing():
                self.transport.close()

    return GuardedHttpToolsProtocol


def _close_oldest_idle(connections: set[Any], keep: Any) -> None:
    """Make room: close the connection that has waited longest without a request being served."""
    idle = [
        c
        for c in connections
        if c is not keep and (c.cycle is None or c.cycle.response_complete) and hasattr(c, "idle_since")
    ]
    if idle:
        oldest = min(idle, key=lambda c: c.idle_since)
        oldest.transport.close()


def server_options(head_timeout: float, max_connections: int | None) -> dict[str, Any]:
    """The ``uvicorn.Config`` options that put these limits in place, and no WebSocket: none of the
    providers' APIs is one, so a request asking to upgrade is answered as the plain HTTP request it also
    is (as the providers' HTTP front ends most plausibly do; mock's choice). uvicorn's default loads a
    WebSocket library at start (~16 ms) and refuses such a handshake with an empty 403."""
    limit = max_connections if max_connections is not None else default_max_connections()
    return {"http": protocol_class(head_timeout, limit), "ws": "none"}
