"""The dashboard's HTTP side: the page, its event stream, one call's details, the static files."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from mockserver.control.dashboard.hub import hub_of
from mockserver.control.dashboard.resources import resources_json
from mockserver.control.schemas import call_json, error_json
from mockserver.security.masking import mask_entry
from mockserver.state import AppState

STATIC = Path(__file__).parent / "static"
NO_CACHE = {"Cache-Control": "no-cache"}


def _state(request: Request) -> AppState:
    state: AppState = request.app.state.mock
    return state


async def page(request: Request) -> Response:
    """The page, told where the control API is (``root_path`` is ``/_mock`` under the mount, with any
    prefix a proxy adds in front). A tenant's page (``/_mock/tenants/{id}/ui``) talks to that tenant's
    control API, ``/_mock/tenants/{id}``, and knows the default tenant's for the way back."""
    root = request.scope.get("root_path", "")
    tenant = _state(request).settings.tenant
    base = f"{root}/tenants/{tenant}" if tenant else root
    text = (STATIC / "dashboard.html").read_text(encoding="utf-8")
    for name, value in (("base", base), ("root", root), ("tenant", tenant)):
        text = text.replace("{{" + name + "}}", html.escape(value, quote=True))
    return HTMLResponse(text, headers=NO_CACHE)


async def stream(request: Request) -> Response:
    return StreamingResponse(
        hub_of(request.app).events(),
        media_type="text/event-stream",
        headers={**NO_CACHE, "X-Accel-Buffering": "no"},
    )


async def call_details(request: Request) -> Response:
    """Everything the page shows for one call in one answer: the call with its history, the callbacks
    it caused (with every attempt), the journal's requests that name it and its flow errors.

    The journal does not link a request to the call it created, so "requests" are those whose path or
    query names the call's id; the request that placed the call is not among them.
    """
    state = _state(request)
    call = state.backend.store.by_ref(request.path_params["id"])
    if call is None:
        return JSONResponse(error_json("not_found", f"no call {request.path_params['id']!r}"), 404)
    names = (call.id, call.provider_call_id)
    shown = (lambda entry: entry) if state.settings.reveal_secrets else mask_entry
    requests: list[dict[str, Any]] = []
    flow_errors: list[dict[str, Any]] = []
    for entry in state.journal:
        if entry.kind == "flow_error" and entry.call_id == call.id:
            flow_errors.append(entry.to_json())
        elif entry.kind == "request" and (
            entry.call_id == call.id
            or any(n in (entry.path or "") or n.encode() in entry.raw_query for n in names)
        ):
            requests.append(shown(entry.to_json()))
    callbacks = [d.to_json() for d in state.dispatcher if d.request.call_id == call.id]
    return JSONResponse(
        {"call": call_json(call), "callbacks": callbacks, "requests": requests, "flow_errors": flow_errors}
    )


async def resources(request: Request) -> Response:
    """Each provider's collections of records (applications, tokens, numbers...), secrets masked."""
    return JSONResponse(resources_json(_state(request).providers))


def routes() -> list[BaseRoute]:
    return [
        Route("/ui", page, methods=["GET"], name="dashboard"),
        Route("/ui/stream", stream, methods=["GET"], name="dashboard_stream"),
        Route("/ui/calls/{id}", call_details, methods=["GET"], name="dashboard_call"),
        Route("/ui/resources", resources, methods=["GET"], name="dashboard_resources"),
        Mount("/ui/static", app=StaticFiles(directory=STATIC), name="dashboard_static"),
    ]
