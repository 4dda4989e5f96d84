"""Outbound requests the server makes (webhooks, controller fetches), and the record of each."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from mockserver.core.values import frozen

#: Bytes of a request body the callback log keeps once a delivery is done (the whole body is sent and
#: kept while attempts remain). Provider callbacks are a few hundred bytes; the cap bounds what a long-lived
#: server holds per delivery.
LOG_BODY_LIMIT = 64 * 1024
#: Characters of each response body an attempt records.
RESPONSE_SNIPPET = 2000


@frozen
class OutboundRequest:
    provider: str
    method: str
    url: str
    call_id: str | None = None
    kind: str = "event"  # "event" (fire and record) | "fetch" (the flow waits for the reply)
    headers: tuple[tuple[str, str], ...] = ()
    params: tuple[tuple[str, str], ...] = ()  # query string (GET callbacks)
    body: bytes = b""
    #: The provider's own id for this event (e.g. a webhook's event id), used as the delivery id so the
    #: record and what the receiver sees name it the same way; None = the dispatcher makes one.
    delivery_id: str | None = None


@frozen
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


@frozen
class Attempt:
    at: datetime
    status: int | None = None
    error: str | None = None
    elapsed_ms: float = 0.0
    response_body: str | None = None
    resend: bool = False  # made by POST /_mock/callbacks/{id}/resend, not by the provider's policy

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"at": _iso(self.at), "elapsed_ms": round(self.elapsed_ms, 1)}
        if self.status is not None:
            data["status"] = self.status
            data["response_body"] = self.response_body
        if self.error is not None:
            data["error"] = self.error
        if self.resend:
            data["resend"] = True
        return data


@frozen
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


class DeliveryState(StrEnum):
    QUEUED = "queued"  # due now, waiting for a place in its receiver origin's queue
    IN_FLIGHT = "in_flight"  # an attempt is on the wire
    WAITING = "waiting"  # the next attempt is due at next_attempt_at (a retry's back-off, a fault's delay)
    DONE = "done"  # no attempt left: delivered, a final answer, or the retries used up


@dataclass
class Delivery:
    """One outbound request and every attempt made to deliver it; ``id`` is kept across its retries."""

    id: str
    seq: int
    request: OutboundRequest
    created_at: datetime
    attempts: list[Attempt] = field(default_factory=list)
    next_attempt_at: datetime | None = None
    fault: str | None = None  # which callbacks fault rules changed this delivery
    state: DeliveryState = DeliveryState.DONE
    retry_schedule: tuple[float, ...] = ()  # seconds before each retry (the policy it was sent with)
    body_size: int | None = None  # set when the log kept only the first LOG_BODY_LIMIT bytes

    @property
    def delivered(self) -> bool:
        return (
            bool(self.attempts)
            and self.attempts[-1].status is not None
            and (200 <= self.attempts[-1].status < 300)
        )

    @property
    def body_truncated(self) -> bool:
        return self.body_size is not None

    def trim_body(self) -> None:
        """Keep at most :data:`LOG_BODY_LIMIT` bytes of the body (called once nothing is left to send)."""
        body = self.request.body
        if len(body) > LOG_BODY_LIMIT:
            self.body_size = len(body)
            self.request = replace(self.request, body=body[:LOG_BODY_LIMIT])

    def to_json(self) -> dict[str, Any]:
        r = self.request
        data = {
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
            "state": self.state.value,
            "attempts": [a.to_json() for a in self.attempts],
            "delivered": self.delivered,
            "next_attempt_at": None if self.next_attempt_at is None else _iso(self.next_attempt_at),
            "retry_schedule": list(self.retry_schedule),
            "fault": self.fault,
        }
        if self.body_size is not None:
            data["body_truncated"] = True
            data["body_size"] = self.body_size
        return data


def _iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")
