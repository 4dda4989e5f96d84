"""The console's request log: one line per provider request and per callback attempt.

    2026-01-01T09:00:00.000Z apifonica POST /v2/accounts/acc…/calls 201 1.4ms call=CA…
    2026-01-01T09:00:01.000Z apifonica callback POST http://127.0.0.1:9000/status 200 2.0ms call=CA… #1

The provider, mock-clock time and status come from the journal entry the provider already records; the
call id from the calls the request read or placed (:data:`mockserver.core.backend.TOUCHED_CALLS`). A line
is a small object formatted only if a handler emits it, so a quiet log costs a level check per request.
Requests no provider answered (``/_mock``, unknown paths) are logged at ``debug``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.callbacks.model import Attempt, Delivery
from mockserver.core.backend import TOUCHED_CALLS
from mockserver.core.journal import JournalEntry

log = logging.getLogger("mockserver.requests")

#: the journal entry of the request being served (set by :class:`RequestLog`, filled by the journal)
_ENTRY: ContextVar[list[JournalEntry] | None] = ContextVar("request_log_entry", default=None)


def _iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


class _Line:
    """One request line, formatted when (and only if) it is emitted."""

    __slots__ = ("at", "call", "method", "ms", "path", "provider", "status")

    def __init__(
        self, at: datetime, provider: str, method: str, path: str, status: int, ms: float, call: str | None
    ) -> None:
        self.at, self.provider, self.method, self.path = at, provider, method, path
        self.status, self.ms, self.call = status, ms, call

    def __str__(self) -> str:
        call = f" call={self.call}" if self.call else ""
        return (
            f"{_iso(self.at)} {self.provider} {self.method} {self.path} {self.status} {self.ms:.1f}ms{call}"
        )


class _CallbackLine:
    __slots__ = ("attempt", "delivery")

    def __init__(self, delivery: Delivery, attempt: Attempt) -> None:
        self.delivery, self.attempt = delivery, attempt

    def __str__(self) -> str:
        request, attempt = self.delivery.request, self.attempt
        outcome = str(attempt.status) if attempt.status is not None else f"failed ({attempt.error})"
        call = f" call={request.call_id}" if request.call_id else ""
        number = len(self.delivery.attempts)
        return (
            f"{_iso(attempt.at)} {request.provider} callback {request.method} {request.url} {outcome} "
            f"{attempt.elapsed_ms:.1f}ms{call} #{number}"
        )


def on_journal(entry: JournalEntry) -> None:
    """A journal listener: hands a request's entry to the line :class:`RequestLog` will print."""
    holder = _ENTRY.get()
    if holder is not None and entry.kind == "request":
        holder.append(entry)


def on_attempt(delivery: Delivery, attempt: Attempt) -> None:
    """A dispatcher listener: one line per callback attempt."""
    log.info("%s", _CallbackLine(delivery, attempt))


class RequestLog:
    """ASGI middleware: times each HTTP request and logs its line once the app has answered."""

    def __init__(self, app: ASGIApp, now: Callable[[], datetime]) -> None:
        self.app = app
        self.now = now

    def idle(self, scope: Scope) -> bool:
        """A quiet log (``--log-level warning``, as in the benchmarks) prints nothing of a request: no
        timing, status hook or context variables (~2.7 µs a request, issue 14). Checked per request, so
        a level raised later (pytest's caplog) still gets every line."""
        return scope["type"] != "http" or not log.isEnabledFor(logging.INFO)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.idle(scope):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        entries: list[JournalEntry] = []
        touched: list[str] = []
        entry_token, touched_token = _ENTRY.set(entries), TOUCHED_CALLS.set(touched)
        try:
            await self.app(scope, receive, send_status)
        finally:
            _ENTRY.reset(entry_token)
            TOUCHED_CALLS.reset(touched_token)
            ms = (time.perf_counter() - started) * 1000
            call = touched[0] if touched else None
            if entries:
                e = entries[-1]
                line = _Line(e.at, e.provider or "-", e.method or "", e.path or "", status, ms, call)
                log.info("%s", line)
            elif log.isEnabledFor(logging.DEBUG):
                log.debug("%s", _Line(self.now(), "-", scope["method"], scope["path"], status, ms, call))
