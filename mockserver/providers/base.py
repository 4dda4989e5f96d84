"""What every provider is: a class built once per app from a :class:`ProviderContext`.

A provider owns its wire format (routes, auth, validation, error envelope, status words, callback
payloads) and its own small state (accounts, applications, per-call extras). It never sleeps or reads the
wall clock: calls, time and delivery belong to the core, reached through the context.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from faker import Faker
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from mockserver.callbacks.dispatcher import Dispatcher
from mockserver.core.backend import CallBackend, CallUpdate
from mockserver.core.errors import MockError
from mockserver.core.ids import IdFactory
from mockserver.core.journal import BODY_KEPT, Journal

Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("mockserver")
BODYLESS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})


@dataclass(frozen=True)
class ProviderContext:
    backend: CallBackend
    dispatcher: Dispatcher
    journal: Journal
    ids: IdFactory
    credential_ids: IdFactory  # its own stream, so made-up credentials never shift other ids
    faker: Faker
    credentials: tuple[Mapping[str, Any], ...] = ()  # configured at start (empty: make a default)

    def now(self) -> datetime:
        return self.backend.now()


class Provider:
    """Base class: subclasses set ``name``/``title`` and implement the hooks they need."""

    name: ClassVar[str]
    title: ClassVar[str]
    #: Path prefixes of the provider's real routes, so an unknown path or a wrong method under them is
    #: answered in the provider's own error format.
    path_prefixes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ctx: ProviderContext) -> None:
        self.ctx = ctx

    # -- the wire --------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        raise NotImplementedError

    def render_error(self, error: MockError) -> Response:
        """The one renderer of this provider's error envelope."""
        raise NotImplementedError

    def endpoint(self, handler: Handler) -> Handler:
        """Wrap a route handler: provider errors are rendered, every request is journaled."""

        async def endpoint(request: Request) -> Response:
            try:
                response = await handler(request)
            except MockError as error:
                response = self.render_error(error)
            except Exception:  # a bug: still answer in the provider's format, and say so loudly
                log.error(
                    "unhandled error in %s %s\n%s",
                    request.method,
                    request.url.path,
                    traceback.format_exc(),
                )
                bug = MockError("internal error in the mock (see the server log)")
                bug.status = 500
                response = self.render_error(bug)
            await self.journal_request(request, response)
            return response

        return endpoint

    async def journal_request(self, request: Request, response: Response) -> None:
        scope = request.scope
        headers = scope["headers"]
        has_body = request.method not in BODYLESS or any(
            k in (b"content-length", b"transfer-encoding") for k, _ in headers
        )
        self.ctx.journal.record(
            "request",
            self.ctx.now(),
            self.name,
            method=request.method,
            path=scope["path"],
            raw_query=scope.get("query_string", b""),
            status=response.status_code,
            raw_headers=tuple(headers),
            raw_body=(await request.body())[:BODY_KEPT] if has_body else b"",
        )

    def flow_error(self, call_id: str, detail: str) -> None:
        """Record that a call-control loop failed (bad XML, unreachable controller...)."""
        log.warning("%s call %s: %s", self.name, call_id, detail)
        self.ctx.journal.record("flow_error", self.ctx.now(), self.name, call_id=call_id, detail=detail)

    # -- the control API -------------------------------------------------------------------------
    def credentials(self) -> list[dict[str, Any]]:
        return []

    def add_credentials(self, body: Mapping[str, Any]) -> dict[str, Any]:
        raise MockError(f"{self.name} takes no extra credentials")

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title}

    # -- the core's news -------------------------------------------------------------------------
    def on_update(self, update: CallUpdate) -> None:
        """Hear about a change to one of this provider's calls (state, digits, recording)."""

    def reset(self) -> None:
        """Forget everything but credentials."""
