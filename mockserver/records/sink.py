"""What the built-in callback sink keeps: each named sink's reply and the requests it received.

The HTTP side (``/_mock/sink/{name}``) is mockserver/control/handlers/sinks.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockserver.core.values import frozen


@frozen
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


def parse_reply(body: dict[str, Any]) -> SinkReply:
    status = body.get("status", 200)
    text = body.get("body", "")
    content_type = body.get("content_type", "text/plain")
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError("status must be an HTTP status code (100-599)")
    if not isinstance(text, str) or not isinstance(content_type, str):
        raise ValueError("body and content_type must be strings")
    return SinkReply(status, text, content_type)
