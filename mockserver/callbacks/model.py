"""Outbound requests the server makes (webhooks, controller fetches), and the record of each."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class OutboundRequest:
    provider: str
    method: str
    url: str
    call_id: str | None = None
    kind: str = "event"  # "event" (fire and record) | "fetch" (the flow waits for the reply)
    headers: tuple[tuple[str, str], ...] = ()
    params: tuple[tuple[str, str], ...] = ()  # query string (GET callbacks)
    body: bytes = b""


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Attempt:
    at: datetime
    status: int | None = None
    error: str | None = None
    elapsed_ms: float = 0.0
    response_body: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"at": _iso(self.at), "elapsed_ms": round(self.elapsed_ms, 1)}
        if self.status is not None:
            data["status"] = self.status
            data["response_body"] = self.response_body
        if self.error is not None:
            data["error"] = self.error
        return data


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try again, and after how long: ``backoff[i]`` seconds before attempt ``i + 2``.

    Connection errors, timeouts and 5xx answers are retried; any other answer is final.
    """

    backoff: tuple[float, ...] = (5.0, 30.0, 120.0)

    @property
    def max_attempts(self) -> int:
        return len(self.backoff) + 1

    @staticmethod
    def retryable(attempt: Attempt) -> bool:
        return attempt.status is None or attempt.status >= 500


NO_RETRY = RetryPolicy(backoff=())


@dataclass
class Delivery:
    """One outbound request and every attempt made to deliver it."""

    id: str
    seq: int
    request: OutboundRequest
    created_at: datetime
    attempts: list[Attempt] = field(default_factory=list)
    next_attempt_at: datetime | None = None
    fault: str | None = None  # which callbacks fault rules changed this delivery

    @property
    def delivered(self) -> bool:
        return (
            bool(self.attempts)
            and self.attempts[-1].status is not None
            and (200 <= self.attempts[-1].status < 300)
        )

    def to_json(self) -> dict[str, Any]:
        r = self.request
        return {
            "id": self.id,
            "seq": self.seq,
            "provider": r.provider,
            "call_id": r.call_id,
            "kind": r.kind,
            "url": r.url,
            "method": r.method,
            "headers": dict(r.headers),
            "params": dict(r.params),
            "body": r.body.decode("utf-8", errors="replace"),
            "created_at": _iso(self.created_at),
            "attempts": [a.to_json() for a in self.attempts],
            "delivered": self.delivered,
            "next_attempt_at": None if self.next_attempt_at is None else _iso(self.next_attempt_at),
            "fault": self.fault,
        }


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")
