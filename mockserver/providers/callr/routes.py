"""The one CALLR endpoint: ``POST /json-rpc/v1.1/``. Authenticate → parse → one method → render."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockserver.core.errors import MockError
from mockserver.providers.callr.auth import authenticate
from mockserver.providers.callr.errors import render_error, rpc_response
from mockserver.providers.callr.provider import Callr
from mockserver.providers.callr.rpc import Invocation, decode, envelope, peek_id

SCENARIO_HEADER = "x-mock-scenario"
PATH = "/json-rpc/v1.1/"


def build_routes(api: Callr) -> list[BaseRoute]:
    async def json_rpc(request: Request) -> Response:
        body = await request.body()
        rpc_id = None
        try:
            try:
                document = decode(body)
            except MockError:
                document = None
                authenticate(request.headers, api.state, api.ctx.now())  # 401 comes first
                raise
            rpc_id = peek_id(document)
            caller = authenticate(request.headers, api.state, api.ctx.now())
            call = envelope(document)
            invocation = Invocation(caller, request.headers.get(SCENARIO_HEADER))
            result = api.methods.call(invocation, call)
        except MockError as error:
            return render_error(error, rpc_id)
        return rpc_response({"jsonrpc": "2.0", "id": call.id, "result": result})

    handler = api.endpoint(json_rpc)
    return [
        Route(PATH, handler, methods=["POST"]),
        Route(PATH.rstrip("/"), handler, methods=["POST"]),
    ]
