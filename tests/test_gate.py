"""The PrefixGate in front of every provider's routes answers exactly what Starlette's router would.

The gate indexes routes by the first path segment they pin and tries only a path's candidates (gate.py);
these tests compare its choice with Starlette's own loop over the same routes, in the same order, for
paths made from every real route's template, in odd letter cases, with wrong methods, and at random.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Match, Mount, Route

from mockserver.app import create_app
from mockserver.gate import GATED_ROUTE, PrefixGate, pinned_segment
from mockserver.providers.base import answers_every_error
from mockserver.settings import Settings

APP = create_app(Settings(clock="virtual"))
[GATE] = [route for route in APP.router.routes if isinstance(route, PrefixGate)]
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD")


def scope_of(method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def starlette_choice(routes: list[BaseRoute], scope: dict[str, Any]) -> tuple[Match, BaseRoute | None]:
    """What Starlette's Router does: the first FULL match, else the first PARTIAL one."""
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return Match.FULL, route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, None)


def gate_choice(scope: dict[str, Any]) -> tuple[Match, BaseRoute | None]:
    match, child = GATE.matches(scope)
    return match, child.get(GATED_ROUTE)


def concrete(template: str) -> str:
    out, _, rest = template.partition("{")
    while rest:
        _, _, rest = rest.partition("}")
        head, _, rest = rest.partition("{")
        out += "x1" + head
    return out


def templates() -> list[str]:
    paths = []
    for route in GATE.routes:
        if isinstance(route, Route):
            paths.append(route.path)
        elif isinstance(route, Mount):
            paths += [route.path + inner.path for inner in _flat(route.routes)]
    return paths


def _flat(routes: list[BaseRoute]) -> list[Route]:
    out: list[Route] = []
    for route in routes:
        if isinstance(route, PrefixGate):
            out += _flat(route.routes)
        elif isinstance(route, Route):
            out.append(route)
    return out


PATHS = [concrete(t) for t in templates()]


def test_the_gate_holds_every_providers_routes_and_mounts() -> None:
    assert len(PATHS) > 60
    mounts = {route.path for route in GATE.routes if isinstance(route, Mount)}
    assert mounts == {f"/{name}" for name in APP.state.mock.providers}


def test_every_real_path_in_every_case_and_method_goes_where_starlette_would_send_it() -> None:
    for path in PATHS:
        for variant in (path, path.upper(), path.lower(), path.swapcase(), path + "/", path + "/extra"):
            for method in METHODS:
                scope = scope_of(method, variant)
                assert gate_choice(scope) == starlette_choice(GATE.routes, scope), (method, variant)


def test_the_pinned_segment_of_a_route() -> None:
    assert pinned_segment(Route("/v2/accounts/{acc}", lambda r: None)) == "v2"
    assert pinned_segment(Route("/oauth/token", lambda r: None)) == "oauth"
    assert pinned_segment(Route("/Voice", lambda r: None)) == "voice"  # the whole path, no parameter
    assert pinned_segment(Route("/api{rest}", lambda r: None)) is None  # "/apixyz" matches too
    assert pinned_segment(Route("/{anything:path}", lambda r: None)) is None
    assert pinned_segment(Mount("/dillo", routes=[])) == "dillo"


@settings(max_examples=400, deadline=None)
@given(
    method=st.sampled_from(METHODS),
    base=st.sampled_from(PATHS),
    cut=st.integers(min_value=0, max_value=60),
    noise=st.text(alphabet="/aBxX1.-_%", max_size=12),
)
def test_mangled_paths_go_where_starlette_would_send_them(
    method: str, base: str, cut: int, noise: str
) -> None:
    path = "/" + (base[1:cut] + noise).lstrip("/")
    scope = scope_of(method, path)
    assert gate_choice(scope) == starlette_choice(GATE.routes, scope), (method, path)
    shortcut_agrees(method, path)  # and the app's shortcut takes what the whole router takes


# -- the shortcut (mockserver/shortcut.py) asks the gate, and remembers its answer --------------------
def router_choice(scope: dict[str, Any]) -> tuple[BaseRoute, dict[str, Any]] | None:
    """The provider route and path parameters the app's whole router hands a request to, when it is
    one the gate holds at the root (no Host of a provider's, so the hosts route matches nothing)."""
    for route in APP.router.routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            inner = child.get(GATED_ROUTE)
            return (inner, child["path_params"]) if route is GATE and isinstance(inner, Route) else None
        if match is Match.PARTIAL:
            return None
    return None


def shortcut_agrees(method: str, path: str) -> None:
    taken = APP._match(method, path)  # type: ignore[attr-defined]
    chosen = router_choice(scope_of(method, path))
    if taken is not None:
        assert chosen is not None, (method, path)
        assert taken[0] is chosen[0], (method, path)
        assert taken[1] == chosen[1], (method, path)
    elif chosen is not None:  # every provider route at the root is taken directly
        assert not answers_every_error(getattr(chosen[0], "endpoint", None)), (method, path)


def test_the_shortcut_takes_the_route_the_router_takes_and_takes_every_provider_route() -> None:
    taken = 0
    for path in PATHS:
        for variant in (path, path.upper(), path.swapcase(), path + "/", "/dillo" + path):
            for method in METHODS:
                shortcut_agrees(method, variant)
                taken += APP._match(method, variant) is not None  # type: ignore[attr-defined]
    assert taken > 100  # the real routes, in both letter cases for Esendex, GET and HEAD
