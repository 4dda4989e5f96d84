"""The one CALLR endpoint: ``POST /json-rpc/v1.1/``. Authenticate → parse → one method → render."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from mockserver.core.errors import MockError
from mockserver.providers.callr.auth import authenticate
from mockserver.providers.callr.errors import CONTENT_TYPE, render_error, rpc_response
from mockserver.providers.callr.provider import Callr
from mockserver.providers.callr.rpc import Envelope, Invocation, Method, decode, envelope, peek_id

SCENARIO_HEADER = "x-mock-scenario"
PATH = "/json-rpc/v1.1/"
#: Read-only methods a client polls with the same request bytes: once such a body has been parsed and
#: its params checked, the same bytes skip straight to authentication and the method (rpc.py's order of
#: refusals is kept: a body is remembered only after it got past decode, envelope and check_args).
POLLED = frozenset({"calls.get_status_1"})
REMEMBERED = 1024  # bodies (and replies) kept; past that the oldest is forgotten


def build_routes(api: Callr) -> list[BaseRoute]:
    # a polled body -> its envelope, method and checked params (all fixed by the body's bytes)
    parsed: dict[bytes, tuple[Envelope, Method, list[Any]]] = {}
    replies: dict[tuple[int | str, str], bytes] = {}  # (rpc id, result word) → the reply's bytes

    def remember(table: dict[Any, Any], key: Any, value: Any) -> None:
        if len(table) >= REMEMBERED:
            del table[next(iter(table))]
        table[key] = value

    def answer(call: Envelope, result: Any) -> Response:
        if not isinstance(result, str):
            return rpc_response({"jsonrpc": "2.0", "id": call.id, "result": result})
        key = (call.id, result)
        body = replies.get(key)
        if body is None:
            body = bytes(rpc_response({"jsonrpc": "2.0", "id": call.id, "result": result}).body)
            remember(replies, key, body)
        return Response(body, media_type=CONTENT_TYPE)

    def polled(request: Request, call: Envelope, entry: Method, args: list[Any]) -> Response:
        """A remembered poll: the same steps as below from authentication on (its params were checked
        when it was remembered, and they are the body's, so they check the same)."""
        try:
            caller = authenticate(request.headers, api.state, api.ctx.now())
            invocation = Invocation(caller, request.headers.get(SCENARIO_HEADER))
            result = entry.handler(invocation, list(args))
        except MockError as error:
            return render_error(error, call.id)
        return answer(call, result)

    async def json_rpc(request: Request) -> Response:
        body = await request.body()
        known = parsed.get(body)
        if known is not None:
            return polled(request, *known)
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
        if call.method in POLLED and all(isinstance(p, str) for p in call.params):
            remember(parsed, body, (call, *api.methods.checked(call)))
        return answer(call, result)

    handler = api.endpoint(json_rpc)
    return [
        Route(PATH, handler, methods=["POST"]),
        Route(PATH.rstrip("/"), handler, methods=["POST"]),
    ]
