"""The built-in callback sink: point callbacks at ``/_mock/sink/{name}`` and read what arrived.

Any request to ``/_mock/sink/{name}`` (any method, any sub-path) is recorded and answered with the sink's
configured reply (default: 200 with an empty body — for Apifonica, "carry on"). ``PUT
/_mock/sink/{name}/reply`` sets the reply, e.g. a controller XML document or a 500.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.schemas import iso

BODY_KEPT = 64 * 1024  # bytes of a body kept per request (``--sink-body-kept``)


@dataclass(frozen=True)
class SinkReply:
    status: int = 200
    body: str = ""
    content_type: str = "text/plain"


@dataclass
class Sink:
    reply: SinkReply = field(default_factory=SinkReply)
    requests: list[dict[str, Any]] = field(default_factory=list)


class Sinks:
    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._sinks: dict[str, Sink] = {}

    def get(self, name: str) -> Sink:
        return self._sinks.setdefault(name, Sink())

    def record(self, name: str, entry: dict[str, Any]) -> SinkReply:
        sink = self.get(name)
        sink.requests.append(entry)
        del sink.requests[: -self.limit]
        return sink.reply

    def clear(self) -> None:
        self._sinks.clear()

    def items(self) -> list[tuple[str, Sink]]:
        return list(self._sinks.items())


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


def parse_reply(body: dict[str, Any]) -> SinkReply:
    status = body.get("status", 200)
    text = body.get("body", "")
    content_type = body.get("content_type", "text/plain")
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError("status must be an HTTP status code (100-599)")
    if not isinstance(text, str) or not isinstance(content_type, str):
        raise ValueError("body and content_type must be strings")
    return SinkReply(status, text, content_type)


def sink_json(name: str, sink: Sink) -> dict[str, Any]:
    reply = sink.reply
    return {
        "name": name,
        "reply": {"status": reply.status, "body": reply.body, "content_type": reply.content_type},
        "requests": sink.requests,
    }


def sink_listing(sink_name: str, sink: Sink) -> JSONResponse:
    return JSONResponse(sink_json(sink_name, sink))
