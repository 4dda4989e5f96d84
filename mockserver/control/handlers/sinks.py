"""The built-in callback sink: point callbacks at ``/_mock/sink/{name}`` and read what arrived.

Any request to ``/_mock/sink/{name}`` (any method, any sub-path) is recorded and answered with the sink's
configured reply (default: 200 with an empty body — for Apifonica, "carry on"). ``PUT
/_mock/sink/{name}/reply`` sets the reply, e.g. a controller XML document or a 500. The records
themselves live in mockserver/records/sink.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.handlers.common import ControlError, json_object, state_of
from mockserver.control.schemas import iso
from mockserver.records.sink import Sink, SinkReply, parse_reply

ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
BODY_KEPT = 64 * 1024  # bytes of a body kept per request (``--sink-body-kept``)


async def sink_receive(request: Request) -> Response:
    state = state_of(request)
    entry = await received(request, state.clock.now(), state.settings.sink_body_kept)
    return reply_response(state.sinks.record(request.path_params["name"], entry))


async def sink_requests(request: Request) -> Response:
    name = request.path_params["name"]
    return sink_listing(name, state_of(request).sinks.get(name))


async def sink_set_reply(request: Request) -> Response:
    name = request.path_params["name"]
    target = state_of(request).sinks.get(name)
    try:
        target.reply = parse_reply(await json_object(request))
    except ValueError as exc:
        raise ControlError(400, "invalid_reply", str(exc)) from None
    return sink_listing(name, target)


async def received(request: Request, at: datetime, kept: int = BODY_KEPT) -> dict[str, Any]:
    """What a request brought, with at most ``kept`` bytes of its body (a cut one says ``truncated``
    and its ``body_size``): a sink holds thousands of requests, and may be sent anything."""
    raw = await request.body()
    body = raw[:kept].decode("utf-8", errors="replace")
    content_type = request.headers.get("content-type", "")
    form = (
        dict(parse_qsl(body, keep_blank_values=True))
        if content_type.startswith("application/x-www-form-urlencoded")
        else None
    )
    return {
        "at": iso(at),
        "method": request.method,
        "path": request.url.path,
        "query": dict(request.query_params),
        "headers": dict(request.headers),
        "body": body,
        "form": form,
        **({"truncated": True, "body_size": len(raw)} if len(raw) > kept else {}),
    }


def reply_response(reply: SinkReply) -> Response:
    return Response(reply.body, reply.status, media_type=reply.content_type)


def sink_json(name: str, sink: Sink) -> dict[str, Any]:
    reply = sink.reply
    return {
        "name": name,
        "reply": {"status": reply.status, "body": reply.body, "content_type": reply.content_type},
        "requests": sink.requests,
    }


def sink_listing(sink_name: str, sink: Sink) -> JSONResponse:
    return JSONResponse(sink_json(sink_name, sink))
