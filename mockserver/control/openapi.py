"""OpenAPI 3.1 documents, generated at request time from the app's own route table.

``GET /_mock/openapi.json`` walks the routes the app really has under ``/_mock`` and describes each
with its entry in :data:`mockserver.control.operations.OPERATIONS`; ``GET /_mock/openapi/{name}.json``
walks a REST provider's routes (Apifonica, Dillo, Routee) and describes them with what the provider
documents about itself (``Provider.api_description``). A route added without a description still
appears (marked undescribed) and fails ``tests/control/test_openapi.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from mockserver import __version__
from mockserver.control.operations import ANY_METHODS, OPERATIONS, PRETTY, SCHEMAS, Operation, Param, ref
from mockserver.control.responses import PREFIX, is_control_path
from mockserver.control.schemas import error_json
from mockserver.state import AppState

DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
_CONVERTER = re.compile(r"\{(\w+):\w+\}")
_PATH_PARAM = re.compile(r"\{(\w+)\}")
STATUS_TEXT = {400: "Invalid input", 401: "No control token", 404: "Not found", 409: "Conflict",
               422: "Not emulated by this provider", 500: "Server error"}  # fmt: skip


class Documented(Protocol):
    """What a provider offers for its REST document (control/ never imports a specific provider)."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def api_description(self) -> Mapping[str, Any] | None: ...

    def routes(self) -> list[BaseRoute]: ...


def _methods(route: Route) -> list[str]:
    methods = set(route.methods or {"GET"}) - {"HEAD"}
    if methods >= set(ANY_METHODS):
        return ["*"]
    return sorted(methods)


def route_table(routes: Iterable[BaseRoute], prefix: str = "") -> list[tuple[str, str]]:
    """Every ``(method, path)`` of a route table, ``{name:converter}`` written ``{name}``; a mounted
    app (the static files) is ``GET <mount>/{path}``. HEAD, which Starlette adds to GET, is left out."""
    found: list[tuple[str, str]] = []
    for route in routes:
        if isinstance(route, Route):
            path = _CONVERTER.sub(r"{\1}", prefix + route.path)
            found.extend((method, path) for method in _methods(route))
        elif isinstance(route, Mount):
            if route.routes:
                found.extend(route_table(route.routes, prefix + route.path))
            else:
                found.append(("GET", f"{prefix}{route.path}/{{path}}"))
    return list(dict.fromkeys(found))


def control_table(routes: Iterable[BaseRoute]) -> list[tuple[str, str]]:
    """The app's ``/_mock`` routes as ``(method, path under /_mock)``."""
    found: list[tuple[str, str]] = []
    for route in routes:
        if isinstance(route, Mount) and route.path == PREFIX:
            found.extend(route_table(route.routes))
        elif isinstance(route, Route) and is_control_path(route.path):
            found.extend((m, p[len(PREFIX) :]) for m, p in route_table([route]))
    return list(dict.fromkeys(found))


def undescribed(routes: Iterable[BaseRoute]) -> list[tuple[str, str]]:
    return [key for key in control_table(routes) if key not in OPERATIONS]


def _param(p: Param) -> dict[str, Any]:
    data: dict[str, Any] = {"name": p.name, "in": p.where, "description": p.description, "schema": p.schema}
    if p.where == "path":
        data["required"] = True
    return data


def _parameters(path: str, params: Iterable[Param]) -> list[dict[str, Any]]:
    given = list(params)
    named = {p.name for p in given if p.where == "path"}
    extra = [Param(n, n, where="path") for n in _PATH_PARAM.findall(path) if n not in named]
    return [_param(p) for p in (*extra, *given)]


def _operation(method: str, path: str, op: Operation | None) -> dict[str, Any]:
    if op is None:
        return {
            "summary": "(undescribed)",
            "parameters": _parameters(path, ()),
            "responses": {"default": {"description": "undescribed"}},
        }
    response: dict[str, Any] = {"description": op.summary}
    if op.media:
        response["content"] = {op.media: {"schema": op.response, "example": op.example}}
    if op.status == 307:
        response["headers"] = {"Location": {"schema": {"type": "string"}, "description": "the dashboard"}}
    responses: dict[str, Any] = {str(op.status): response}
    for status in (*op.errors, 401):
        responses[str(status)] = {
            "description": STATUS_TEXT[status],
            "content": {"application/json": {"schema": ref("Error")}},
        }
    params = (*op.params, PRETTY) if op.media == "application/json" else op.params
    data: dict[str, Any] = {
        "tags": [op.tag],
        "summary": op.summary,
        "operationId": _operation_id(method, path),
        "parameters": _parameters(path, params),
        "responses": responses,
    }
    if op.request is not None:
        content = {"schema": op.request, "example": op.request_example}
        data["requestBody"] = {"required": False, "content": {op.request_media: content}}
    if not op.token:
        data["security"] = [{}]  # the receiving side needs no token
    return data


def _operation_id(method: str, path: str) -> str:
    words = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "root"
    return f"{method.lower()}_{words}" + ("_index" if path.endswith("/") and len(path) > 1 else "")


def control_document(routes: Iterable[BaseRoute], base_url: str) -> dict[str, Any]:
    """The control API as OpenAPI 3.1, for a server reached at ``base_url``."""
    paths: dict[str, dict[str, Any]] = {}
    for method, path in control_table(routes):
        full = PREFIX + path
        op = OPERATIONS.get((method, path))
        for m in ANY_METHODS if method == "*" else (method,):
            described = _operation(m, full, op)
            paths.setdefault(full, {})[m.lower()] = described
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": DIALECT,
        "info": {
            "title": "mockserver control API",
            "version": __version__,
            "description": "Inspect and steer the mock: calls, time, scenarios, callbacks, faults. "
            'Errors answer {"error": {"code", "message"}}; every JSON answer ends with a newline '
            "and takes ?pretty=1. See docs/control-api.md.",
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "security": [{}, {"bearer": []}, {"mockToken": []}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "the --control-token"},
                "mockToken": {"type": "apiKey", "in": "header", "name": "X-Mock-Token"},
            },
        },
    }


def provider_document(provider: Documented, base_url: str) -> dict[str, Any]:
    """One REST provider's emulated surface, from its route table and its own description."""
    described = provider.api_description or {}
    operations: Mapping[str, Mapping[str, Any]] = described.get("operations", {})
    paths: dict[str, dict[str, Any]] = {}
    for method, path in route_table(provider.routes()):
        given = dict(operations.get(f"{method} {path}", {"summary": "(undescribed)"}))
        given.setdefault("responses", {"default": {"description": "the provider's answer"}})
        params = _parameters(path, ())
        if params:
            given["parameters"] = [*params, *given.get("parameters", [])]
        for m in ANY_METHODS if method == "*" else (method,):
            paths.setdefault(path, {})[m.lower()] = {"operationId": _operation_id(m, path), **given}
    base = base_url.rstrip("/")
    servers = [
        {"url": base, "description": "this mock, at the provider's real paths"},
        {"url": f"{base}/{provider.name}", "description": "this mock, under the provider's name"},
        *({"url": url, "description": "production"} for url in described.get("production", ())),
    ]
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": DIALECT,
        "info": {
            "title": f"{provider.title} (as emulated by mockserver)",
            "version": __version__,
            "description": described.get("description", "")
            + f" See docs/providers/{provider.name}.md for what is documented and what is the mock's choice.",
        },
        "servers": servers,
        "security": described.get("security", []),
        "paths": paths,
        "components": {"securitySchemes": described.get("security_schemes", {})},
    }


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.mock
    return state


async def openapi_json(request: Request) -> Response:
    return JSONResponse(control_document(request.app.routes, str(request.base_url)))


async def provider_openapi_json(request: Request) -> Response:
    name = request.path_params["provider"]
    providers: Mapping[str, Documented] = _state(request).providers
    provider = providers.get(name)
    if provider is None or not provider.api_description:
        rest = ", ".join(n for n, p in providers.items() if p.api_description)
        return JSONResponse(error_json("not_found", f"no OpenAPI document for {name!r} (have: {rest})"), 404)
    return JSONResponse(provider_document(provider, str(request.base_url)))


def openapi_routes() -> list[BaseRoute]:
    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/openapi/{provider}.json", provider_openapi_json, methods=["GET"]),
    ]
