"""What every provider is: a class built once per app from a :class:`ProviderContext`.

A provider owns its wire format (routes, auth, validation, error envelope, status words, callback
payloads) and its own small state (accounts, applications, per-call extras). It never sleeps or reads the
wall clock: calls, time and delivery belong to the core, reached through the context.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import functools
import logging
import math
import traceback
import weakref
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from mockserver.callbacks.dispatcher import Dispatcher
from mockserver.core.backend import CallBackend, CallUpdate
from mockserver.core.calls import Call
from mockserver.core.errors import InvalidParameter, MockError, TooManyRequests
from mockserver.core.faults import FaultBook, FaultRule
from mockserver.core.ids import IdFactory
from mockserver.core.journal import BODY_KEPT, Journal
from mockserver.core.values import frozen

if TYPE_CHECKING:  # ~60 ms to import: create_app imports it (issue 14)
    from faker import Faker

Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("mockserver")
BODYLESS = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})

#: Every handler ``Provider.endpoint`` has wrapped: each answers any error itself (shortcut.py).
_WRAPPED: weakref.WeakSet[Handler] = weakref.WeakSet()


def answers_every_error(endpoint: object) -> bool:
    """Whether ``endpoint`` is a provider endpoint: it renders every error in its provider's format
    and journals the request, so nothing around it ever has an exception of it to handle."""
    try:
        return endpoint in _WRAPPED
    except TypeError:  # not weakly referable: not one of ours
        return False


class DroppedResponse(Response):
    """Starts a response and never finishes it: the server closes the connection mid-response, which
    a client sees as a dropped connection."""

    def __init__(self) -> None:
        super().__init__(b"", status_code=200, headers={"content-length": "1024"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})


class RenderCache:
    """Rendered reply bodies by call id, each kept with the *key* it was rendered from.

    A read renders a call and its provider record; a client polls the same call many times between two
    changes of it. ``body(call_id, key, render)`` answers the bytes rendered last time when ``key``
    equals the key of that time, else renders again. The key must hold every input of the render: the
    call itself (a frozen value, replaced on every change: compared by identity first, so a hit costs a
    tuple comparison) and a value of whatever mutable record the render reads. Never put in a body
    what depends on the request (auth, ids echoed back) or on the clock's "now". Bounded: the oldest
    entry goes once ``size`` are kept.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._bodies: dict[str, tuple[object, bytes]] = {}

    def body(self, call_id: str, key: object, render: Callable[[], bytes]) -> bytes:
        found = self._bodies.get(call_id)
        if found is not None and found[0] == key:
            return found[1]
        rendered = render()
        self._bodies.pop(call_id, None)
        if len(self._bodies) >= self.size:
            del self._bodies[next(iter(self._bodies))]
        self._bodies[call_id] = (key, rendered)
        return rendered

    def clear(self) -> None:
        self._bodies.clear()

    def forget(self, call_id: str) -> None:
        self._bodies.pop(call_id, None)

    def __len__(self) -> int:
        return len(self._bodies)


class NotImplementedInbound(MockError):
    """The provider has no inbound calls (or SMS) in the mock: the request is well formed, but asks for
    something this provider does not do here, so 422 (a 5xx would read as the server failing)."""

    status = 422


class Probe:
    """What a request shows of whose it is, for :meth:`Provider.claims`: its headers, its raw query
    string and (for a request with a body, only when a tenant needs it) its body. Each value is worked
    out once per request, however many tenants' providers ask."""

    def __init__(self, headers: Headers, query: str, body: bytes = b"") -> None:
        self.headers = headers
        self.query = query
        self.body = body

    @functools.cached_property
    def _authorization(self) -> tuple[str, str]:
        scheme, _, value = self.headers.get("authorization", "").strip().partition(" ")
        return scheme.lower(), value.strip()

    @functools.cached_property
    def _basic_user(self) -> str | None:
        return basic_user(self.headers.get("authorization", ""))

    def basic_user(self) -> str | None:
        """The user name of ``Authorization: Basic`` (None when absent or malformed)."""
        return self._basic_user

    def bearer(self) -> str | None:
        """The value of ``Authorization: Bearer <value>``."""
        return self.scheme_value("bearer")

    def scheme_value(self, wanted: str) -> str | None:
        """The value of ``Authorization: <wanted> <value>`` (``wanted`` in lower case)."""
        scheme, value = self._authorization
        return (value or None) if scheme == wanted else None

    @functools.cached_property
    def text(self) -> str:
        """The query string and the body, decoded and in lower case (for a search in either)."""
        return (self.query + "\n" + self.body.decode("utf-8", "replace")).lower()


def basic_user(header: str) -> str | None:
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, sep, _ = decoded.partition(":")
    return user if sep else None


@frozen
class ProviderContext:
    backend: CallBackend
    dispatcher: Dispatcher
    journal: Journal
    ids: IdFactory
    faults: FaultBook
    credential_ids: IdFactory  # its own stream, so made-up credentials never shift other ids
    faker: Faker
    credentials: tuple[Mapping[str, Any], ...] = ()  # configured at start (empty: make a default)
    tenant_number: int = 0  # 0: the default tenant; n: the n-th tenant made (docs/tenants.md)

    def now(self) -> datetime:
        return self.backend.now()


class Provider:
    """Base class: subclasses set ``name``/``title`` and implement the hooks they need."""

    name: ClassVar[str]
    title: ClassVar[str]
    #: Path prefixes of the provider's real routes, so an unknown path or a wrong method under them is
    #: answered in the provider's own error format.
    path_prefixes: ClassVar[tuple[str, ...]] = ()
    #: What ``/_mock/openapi/{name}.json`` says of the REST surface (None: no document): ``description``,
    #: ``production`` (base URLs), ``security``, ``security_schemes`` and ``operations`` keyed by
    #: ``"METHOD /path"`` as the routes spell it.
    api_description: ClassVar[Mapping[str, Any] | None] = None
    #: The provider's production host names: a request whose ``Host`` is one of them reaches this
    #: provider's routes only (and its errors), and the TLS certificate covers them.
    hosts: ClassVar[tuple[str, ...]] = ()
    #: The keys a credentials entry may carry (``POST /_mock/credentials/{name}``, ``--credentials``);
    #: any other key is refused, so a misspelt one does not silently make up a value.
    credential_keys: ClassVar[frozenset[str]] = frozenset()

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
                faulted = await self._injected_fault(request) if self.ctx.faults else None
                response = faulted or await handler(request)
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

        _WRAPPED.add(endpoint)
        return endpoint

    async def rpc_method(self, request: Request) -> str | None:
        """The RPC method a request calls, for JSON-RPC providers (fault rules can match on it)."""
        return None

    async def _injected_fault(self, request: Request) -> Response | None:
        scope = request.scope
        path = scope["path"]
        root = scope.get("root_path", "")
        local = path[len(root) :] if root and path.startswith(root) else path
        rule = self.ctx.faults.inbound(self.name, request.method, local, await self.rpc_method(request))
        return None if rule is None else await self.fault_response(rule)

    async def fault_response(self, rule: FaultRule) -> Response | None:
        """What an inbound fault does: wait, then drop, rate-limit or fail in this provider's format
        (``None``: latency only, the request then goes on as usual)."""
        delay = self.ctx.faults.latency(rule)
        if delay:
            await asyncio.sleep(delay)  # injected network latency is wall-clock time by design
        if rule.drop:
            return DroppedResponse()
        if rule.retry_after is not None:
            response = self.render_error(TooManyRequests(rule.error or "too many requests (injected fault)"))
            response.headers["Retry-After"] = str(math.ceil(rule.retry_after))
            return response
        if rule.status is not None:
            error = MockError(rule.error or f"injected fault {rule.id}")
            error.status = rule.status
            return self.render_error(error)
        return None

    async def journal_request(self, request: Request, response: Response) -> None:
        scope = request.scope
        headers = scope["headers"]
        method: str = scope["method"]
        has_body = method not in BODYLESS or any(
            k == b"content-length" or k == b"transfer-encoding" for k, _ in headers
        )
        self.ctx.journal.record_request(
            self.ctx.now(),
            self.name,
            method,
            scope["path"],
            scope.get("query_string", b""),
            response.status_code,
            tuple(headers),
            (await request.body())[:BODY_KEPT] if has_body else b"",
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

    def check_credential_keys(self, body: Mapping[str, Any]) -> None:
        """Refuse a credentials entry with a key this provider does not know (the first, sorted)."""
        unknown = sorted(str(key) for key in body if key not in self.credential_keys)
        if unknown:
            allowed = ", ".join(sorted(self.credential_keys))
            raise InvalidParameter(f"unknown key {unknown[0]!r} (allowed: {allowed})", field=unknown[0])

    def claims(self, probe: Probe) -> bool:
        """Whether a request carries one of this provider's credentials (or ids) — a user name, API
        key, customer code, token or license key it knows —, whatever its password. With tenants
        (docs/tenants.md), a request goes to the tenant whose provider claims it; no claim: the default
        tenant. Must be cheap and never raise: it runs on every provider request while tenants exist."""
        return False

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title}

    def start_inbound(self, from_: str, to: str, scenario: str | None) -> Call:
        """A call comes in from ``from_`` to ``to`` (one of this provider's numbers), started through
        ``POST /_mock/inbound``. The provider finds who owns ``to``, places the call with
        ``direction=INBOUND`` and does what the provider does for inbound calls (an INCOMING_CALL
        request, an inbound postback...). Raise a MockError (e.g. NotFound for an unknown number)."""
        raise NotImplementedInbound(f"{self.name} does not emulate inbound calls yet")

    def receive_sms(self, from_: str, to: str, text: str) -> Mapping[str, Any]:
        """An SMS comes in from ``from_`` to ``to`` (one of this provider's numbers), sent through
        ``POST /_mock/inbound-sms``. Answers what the provider recorded, as JSON-ready data."""
        raise NotImplementedInbound(f"{self.name} does not emulate inbound SMS")

    # -- snapshots -------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Everything this provider keeps (what reset() clears, plus credentials), as JSON-ready data.

        Called by ``POST /_mock/snapshot``. Must round-trip through :meth:`restore`.
        """
        return {}

    def restore(self, data: Mapping[str, Any]) -> None:
        """Load what :meth:`snapshot` produced. Runs after reset() and after the neutral calls are back
        in ``ctx.backend.store`` (so provider records can point at them); keys it does not know are
        ignored and missing ones take their defaults."""

    # -- the core's news -------------------------------------------------------------------------
    def on_update(self, update: CallUpdate) -> None:
        """Hear about a change to one of this provider's calls (state, digits, recording)."""

    def reset(self) -> None:
        """Forget everything but credentials."""

    def forget_call(self, call: Call) -> None:
        """``call`` (finished) was evicted by the retention cap (``--max-calls``): drop what this
        provider keeps for it, so a long-lived server stays flat (a read of it then answers the
        provider's own "not found"). The default keeps everything; tests/providers/test_retention.py
        checks that each provider keeps nothing per evicted call."""
