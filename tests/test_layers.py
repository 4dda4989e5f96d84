"""Layers: a request enters the middleware chain at its first busy layer, and an idle layer is a pure
pass-through — so skipping it changes nothing (mockserver/layers.py)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.app import create_app
from mockserver.layers import Layers
from mockserver.settings import Settings


class Spy:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, Any, Any]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls.append((scope, receive, send))


class Toy:
    """A layer that is idle when told so and notes each time it runs."""

    ran: list[str] = []

    def __init__(self, app: Any, name: str, idle: bool) -> None:
        self.app, self.name, self._idle = app, name, idle

    def idle(self, scope: Any) -> bool:
        return self._idle

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        Toy.ran.append(self.name)
        await self.app(scope, receive, send)


def test_a_request_enters_at_the_first_busy_layer_and_goes_through_the_rest() -> None:
    Toy.ran = []
    inner = Spy()
    layers = Layers(
        inner, [(Toy, {"name": n, "idle": idle}) for n, idle in [("a", True), ("b", False), ("c", True)]]
    )
    asyncio.run(layers({"type": "http"}, None, None))
    assert Toy.ran == ["b", "c"]  # a skipped; c runs inside b, as in the whole chain
    assert len(inner.calls) == 1


def test_when_every_layer_is_idle_the_app_inside_is_called_directly() -> None:
    Toy.ran = []
    inner = Spy()
    layers = Layers(inner, [(Toy, {"name": n, "idle": True}) for n in "abc"])
    scope: dict[str, Any] = {"type": "http"}
    asyncio.run(layers(scope, "receive", "send"))
    assert Toy.ran == []
    assert inner.calls == [(scope, "receive", "send")]


def real_layers() -> list[Any]:
    """Every layer the app has (the auto clock and a control token add theirs), each around a Spy."""
    app = create_app(Settings(clock="auto", control_token="t0ken", max_body=1000))
    [layers] = [m.kwargs["layers"] for m in app.user_middleware]
    return [cls(Spy(), **options) for cls, options in layers]


LAYERS = real_layers()


def test_the_app_has_all_its_layers_in_order() -> None:
    names = [type(layer).__name__ for layer in LAYERS]
    assert names == [
        "RequestLog", "ControlJSON", "ControlGuard", "BodyLimit", "ActivityMiddleware", "TenantDispatch",
    ]  # fmt: skip


PATHS = [
    "/", "/_mock", "/_mock/", "/_mock/calls", "/_mock/sink/x", "/_mock/sink/x/requests", "/_mock/ui/stream",
    "/_mock/callbacks", "/_mock/tenants/t1/calls", "/v2/accounts/a/calls", "/api/sendaction",
    "/notifyws/phonenotify.asmx", "/json-rpc/v1.1/", "/dillo/api/sendaction", "/nothing",
]  # fmt: skip
HEADERS = [
    (b"content-length", b"10"), (b"content-length", b"5000"), (b"transfer-encoding", b"chunked"),
    (b"x-mock-tenant", b"t1"), (b"x-mock-tenant", b"default"), (b"authorization", b"Basic eDp5"),
    (b"origin", b"http://evil.example"), (b"host", b"127.0.0.1:8080"),
]  # fmt: skip


@pytest.mark.parametrize("log_level", [logging.WARNING, logging.INFO])
def test_an_idle_layer_only_calls_the_next_one_with_the_same_arguments(log_level: int) -> None:
    logging.getLogger("mockserver.requests").setLevel(log_level)
    try:
        check_idle_layers()
    finally:
        logging.getLogger("mockserver.requests").setLevel(logging.NOTSET)


@settings(max_examples=300, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=st.sampled_from(PATHS),
    headers=st.lists(st.sampled_from(HEADERS), max_size=4),
    query=st.sampled_from([b"", b"wait=5", b"token=t0ken"]),
    kind=st.sampled_from(["http", "http", "lifespan"]),
)
def check_idle_layers(method: str, path: str, headers: list[Any], query: bytes, kind: str) -> None:
    scope = {"type": kind, "method": method, "path": path, "query_string": query, "headers": headers}
    for layer in LAYERS:
        if not layer.idle(scope):
            continue
        layer.app.calls = []
        receive, send = object(), object()
        asyncio.run(layer(scope, receive, send))
        assert layer.app.calls == [(scope, receive, send)], (type(layer).__name__, scope)
