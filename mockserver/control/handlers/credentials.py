"""``/_mock/credentials``: the accounts each provider accepts, and adding one."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.handlers.common import ControlError, json_object, state_of


async def list_credentials(request: Request) -> Response:
    return JSONResponse(dict(state_of(request).credentials()))


async def add_credentials(request: Request) -> Response:
    state = state_of(request)
    name = request.path_params["provider"]
    provider = state.providers.get(name)
    if provider is None:
        raise ControlError(404, "not_found", f"no provider {name!r} (have: {', '.join(state.providers)})")
    body = await json_object(request)
    return JSONResponse(provider.add_credentials(body), 201)
