"""Many tables of routes behind one look-up of the path's first segment.

Starlette's router tries every route in turn, each with a regular expression: with five providers'
tables (and their ``/<provider>/`` mounts) at the root, a read of the fourth provider paid for some thirty
failed matches before its own (issue 14: Esendex's case-insensitive route was 29th of 36, ~8 % of a
read), and then for a prefix test per table and a mount's regex per provider before it. A
:class:`PrefixGate` holds all of them in their order and indexes them by the first segment their path
pins (``/v2/accounts/{acc}`` → ``v2``; a mount ``/dillo`` → ``dillo``): a request tries only the routes
whose first segment is its own (compared lower-cased, so a case-insensitive route is never skipped),
plus any route whose path pins no segment, in their original order, with the same FULL / PARTIAL
(wrong method → 405) rules as Starlette's router — so what answers a request is unchanged.
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


def pinned_segment(route: BaseRoute) -> str | None:
    """The first path segment (lower-cased) of every path ``route`` can match, or None when its path
    does not pin one (a parameter inside it, or a route of unknown shape): then it is tried for all."""
    if isinstance(route, Mount):
        literal = route.path + "/"  # a mount matches "<path>/<anything>"
    elif isinstance(route, Route):
        literal = route.path
    else:
        return None
    head, brace, _ = literal.partition("{")
    if not head.startswith("/"):
        return None
    segment, slash, _ = head[1:].partition("/")
    return segment.lower() if slash or not brace else None


#: One candidate route: (its literal prefix, whether that is tested on the lower-cased path, the route).
Entry = tuple[str, bool, BaseRoute]
#: The candidates for one first segment, and whether any of them needs the lower-cased path.
Candidates = tuple[tuple[Entry, ...], bool]


def _candidates(entries: list[Entry]) -> Candidates:
    return tuple(entries), any(folded for _, folded, _ in entries)


class PrefixGate(BaseRoute):
    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = list(routes)
        # A route of unknown shape has the prefix "": every path may reach it, nothing it answers is lost.
        table = [(literal_prefix(route) or "", not case_sensitive(route), route) for route in self.routes]
        pins = [pinned_segment(route) for route in self.routes]
        anywhere = [i for i, pin in enumerate(pins) if pin is None]
        #: the routes a path whose first segment is not a key may match (those that pin none)
        self._others = _candidates([table[i] for i in anywhere])
        #: first segment -> the routes that pin it and those that pin none, in the table's order
        self._by_segment = {
            pin: _candidates(
                [table[i] for i in sorted({*anywhere, *(j for j, p in enumerate(pins) if p == pin)})]
            )
            for pin in {p for p in pins if p is not None}
        }

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        path = get_route_path(scope)
        entries, folds = self._by_segment.get(path[1:].partition("/")[0].lower(), self._others)
        if not entries:
            return Match.NONE, {}
        # Case-sensitive routes' prefixes test the path as sent; it is lower-cased (once) only when one
        # of its candidates is case-insensitive.
        lower = path.lower() if folds else path
        partial: tuple[BaseRoute, Scope] | None = None
        for prefix, folded, route in entries:
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
