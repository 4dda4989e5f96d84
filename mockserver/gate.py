"""A provider's routes behind one cheap test of the path's literal prefix.

Starlette's router tries every route in turn, each with a regular expression: with five providers'
tables (and their ``/<provider>/`` mounts) at the root, a read of the fourth provider paid for some thirty
failed matches before its own (issue 14: Esendex's case-insensitive route was 29th of 36, ~8 % of a
read). :class:`PrefixGate` stands for a whole table: one ``str.startswith`` on a tuple rejects a path
that no route of the table can match, so a request tries only its own provider's routes. Inside the
gate the routes whose literal prefix the path has are tried in their order, with the same FULL /
PARTIAL (wrong method → 405) rules as Starlette's router, so what answers a request is unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from starlette._utils import get_route_path  # what Starlette's own routes match against
from starlette.routing import BaseRoute, Match, Mount, NoMatchFound, Route
from starlette.types import Receive, Scope, Send

#: The scope key that carries the matched route from ``matches`` to ``handle``.
GATED_ROUTE = "mockserver.gated_route"


def literal_prefix(route: BaseRoute) -> str | None:
    """The part of a route's path before its first parameter, lower-cased (a gate must never reject
    what a case-insensitive route accepts); None when the route is not one whose path is known."""
    if isinstance(route, Route | Mount):
        return route.path.split("{", 1)[0].lower()
    return None


def case_sensitive(route: BaseRoute) -> bool:
    """A Route or Mount whose path regex matches case-sensitively: its literal prefix can be tested
    on the path as sent, without lower-casing the path first."""
    if not isinstance(route, Route | Mount):
        return False
    return not route.path_regex.flags & re.IGNORECASE and route.path == route.path.lower()


class PrefixGate(BaseRoute):
    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = list(routes)
        # A route of unknown shape has the prefix "": every path may reach it, nothing it answers is lost.
        # Each entry: (prefix, whether it is tested on the lower-cased path, route).
        self._table = [
            (literal_prefix(route) or "", not case_sensitive(route), route) for route in self.routes
        ]
        self.prefixes = tuple({prefix for prefix, _, _ in self._table})
        # Case-sensitive routes' prefixes test the path as sent; only when a table has routes of the other
        # kind does a path get lower-cased (one str.lower per request that reaches such a table).
        self._exact = tuple({prefix for prefix, folded, _ in self._table if not folded})
        self._folded = tuple({prefix for prefix, folded, _ in self._table if folded})

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        path = get_route_path(scope)
        exact = path.startswith(self._exact)
        lower = path.lower() if self._folded else path
        if not exact and not (self._folded and lower.startswith(self._folded)):
            return Match.NONE, {}
        partial: tuple[BaseRoute, Scope] | None = None
        for prefix, folded, route in self._table:
            if not (lower if folded else path).startswith(prefix):
                continue
            match, child = route.matches(scope)
            if match is Match.FULL:
                return Match.FULL, {**child, GATED_ROUTE: route}
            if match is Match.PARTIAL and partial is None:
                partial = (route, child)
        if partial is not None:
            return Match.PARTIAL, {**partial[1], GATED_ROUTE: partial[0]}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope[GATED_ROUTE]
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                pass
        raise NoMatchFound(name, path_params)
