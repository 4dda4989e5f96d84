"""A provider request goes straight to its endpoint when nothing between the server and it has work
for the request.

Starlette hands every request through its error middleware, our layers, its exception middleware, the
router and the route's request/response wrapper before the endpoint runs. For a provider's request that
none of our layers has business with (layers.py: the usual case), those steps only pass it on: each
provider endpoint answers every error in its provider's format itself (``Provider.endpoint``) and
journals the request, so the two exception catchers never see one. :class:`MockApp` asks the same
questions the chain would — is any layer busy, is the ``Host`` a provider's production name, which route
does the path's table (gate.py) answer with — and, when the answer is a provider route that matches in
full, calls that route's endpoint with the same scope the router would have given it (the route, its
path parameters, ``app`` and ``router``). Anything else (the control API, a 404 or 405, a mounted
``/<provider>/`` path, a tenant's request, a logged or auto-clocked one) takes the whole chain, as
before. The gate's answer for a (method, path) is remembered: a table's routes are fixed once the app
is built, and clients poll the same few paths.

A read of a call took 19-24 µs in-process and now takes 11-17 µs (issue 14, goal 2: a provider's read
went from 0.77-0.85x a bare Starlette app's rps on the same uvicorn to 1.00-1.12x, bench/README.md).
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver.gate import GATED_ROUTE, PrefixGate
from mockserver.layers import Layers
from mockserver.providers.base import answers_every_error

#: How many (method, path) pairs the shortcut remembers the route of (least recently used go first).
MEMO_SIZE = 4096


class MockApp(Starlette):
    def __init__(self, *, hosts: BaseRoute, gate: PrefixGate, **options: Any) -> None:
        """``hosts`` and ``gate``: the router's first two routes, in that order (app.py)."""
        super().__init__(**options)
        if self.router.routes[:2] != [hosts, gate]:
            raise ValueError("the shortcut must ask what the router asks first: its first two routes")
        self._hosts = hosts
        self._gate = gate
        #: the routes whose endpoint may be called directly: a provider's endpoint, handled as a Route
        #: handles it (a subclass may match otherwise, not handle otherwise) and wrapped by nothing but
        #: Starlette's request/response function (no route middleware, no route body limit)
        self._direct = frozenset(
            id(route)
            for route in gate.routes
            if isinstance(route, Route)
            and type(route).handle is Route.handle
            and answers_every_error(route.endpoint)
            and inspect.isfunction(route.app)
        )
        self._layers: Layers | None = None
        #: (method, path) -> what the gate answers for it: clients poll the same few paths, and a
        #: table's routes are fixed once the app is built (gate.py)
        self._match = functools.lru_cache(maxsize=MEMO_SIZE)(self._match_path)

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        inner = getattr(stack, "app", None)  # ServerErrorMiddleware's app: the first user middleware
        self._layers = inner if isinstance(inner, Layers) else None
        return stack

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._layers is not None:
            route = self._route_for(scope, self._layers)
            if route is not None:
                scope["app"] = self
                if "router" not in scope:
                    scope["router"] = self.router
                request = Request(scope, receive, send)
                response = await route.endpoint(request)
                await response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    def _route_for(self, scope: Scope, layers: Layers) -> Route | None:
        """The provider route the whole chain would hand ``scope`` to (its match merged into
        ``scope``), or None when the request must take the chain."""
        if scope.get("root_path") or not layers.idle(scope):
            return None
        if self._hosts.matches(scope)[0] is not Match.NONE:
            return None
        found = self._match(scope["method"], scope["path"])
        if found is None:
            return None
        route, params = found
        scope["route"] = self._gate  # as the router sets it: its route that matched
        scope["endpoint"] = route.endpoint
        scope["path_params"] = dict(params)
        scope[GATED_ROUTE] = route
        return route

    def _match_path(self, method: str, path: str) -> tuple[Route, dict[str, Any]] | None:
        """The route the gate gives a request for ``path`` (at the root, with no path parameters yet),
        when it may be called directly, and its path parameters."""
        match, child = self._gate.matches({"type": "http", "method": method, "path": path, "root_path": ""})
        if match is not Match.FULL or id(child[GATED_ROUTE]) not in self._direct:
            return None
        route = child[GATED_ROUTE]
        assert isinstance(route, Route)
        return route, child["path_params"]
