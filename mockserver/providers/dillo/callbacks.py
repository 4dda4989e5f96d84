"""What Dillo sends to the client's URLs, and how often it tries (mock's choice, dillo.md §5, §9.5).

Dillo names the URLs (``StatusCallbackUrl``, ``OptionStatusCallbackUrl``, ``RecordStatusCallbackUrl``,
``TranscribeStatusCallbackUrl`` and their ``...Method``) but documents no payload or retries:

- POST sends a JSON body; GET sends its top-level scalar fields as query parameters (a status
  callback also gets ``StatusCode`` from its ``Status`` object).
- status: the whole voice request, exactly as ``GET /api/sendaction/voice/{id}`` shows it then;
- option: ``{Id, NodeKey, Digits, Timestamp}`` when a key is pressed at a Menu (``Digits`` null and
  ``Words`` added when the callee spoke);
- record / transcribe: ``{Id, NodeKey, Recording}`` when a recording (and its transcription) is ready;
- event (``EventCallbackUrl``): ``{Id, NodeKey, ActionType, ExecutionCount, Route, Timestamp}`` each time
  the flow runs a node;
- action (a node's own ``CallbackUrl``): ``{Id, NodeKey, ActionType, Digits, Timestamp}`` when the node's
  action is done; the flow waits for the answer (one attempt), and an answer ``{"NextNode": n}`` naming
  a node of the flow sends it there.

Every callback but the action one is retried on connection errors, timeouts and 5xx answers after 5, 30
and 120 s.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mockserver.callbacks.model import OutboundRequest, RetryPolicy
from mockserver.providers.dillo.fields import Hook

RETRY = RetryPolicy(backoff=(5.0, 30.0, 120.0))
STATUS, OPTION, RECORD, TRANSCRIBE = "status", "option", "record", "transcribe"


def request_for(
    provider: str, call_id: str, hook: Hook, body: Mapping[str, Any], kind: str = "event"
) -> OutboundRequest:
    if hook.method == "GET":
        params = [(k, _scalar(v)) for k, v in body.items() if not isinstance(v, dict | list)]
        status = body.get("Status")
        if isinstance(status, dict):
            params.append(("StatusCode", _scalar(status.get("StatusCode"))))
        return OutboundRequest(provider, "GET", hook.url, call_id, kind, params=tuple(params))
    return OutboundRequest(
        provider,
        "POST",
        hook.url,
        call_id,
        kind,
        headers=(("Content-Type", "application/json"),),
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode(),
    )


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def option_payload(
    request_id: str, node: int, digits: str | None, at: str | None, words: str | None = None
) -> dict[str, Any]:
    """A key pressed at a Menu; for a spoken answer ``Digits`` is null and ``Words`` says what was
    heard (mock's choice)."""
    body: dict[str, Any] = {"Id": request_id, "NodeKey": node, "Digits": digits, "Timestamp": at}
    if words is not None:
        body["Words"] = words
    return body


def recording_payload(request_id: str, node: int | None, recording: Mapping[str, Any]) -> dict[str, Any]:
    return {"Id": request_id, "NodeKey": node, "Recording": recording}


def event_payload(
    request_id: str, node: int, action_type: str, count: int, route: str | None, at: str | None
) -> dict[str, Any]:
    return {
        "Id": request_id,
        "NodeKey": node,
        "ActionType": action_type,
        "ExecutionCount": count,
        "Route": route,
        "Timestamp": at,
    }


def action_payload(
    request_id: str, node: int, action_type: str, digits: str | None, at: str | None
) -> dict[str, Any]:
    return {"Id": request_id, "NodeKey": node, "ActionType": action_type, "Digits": digits, "Timestamp": at}


def next_node(body: bytes) -> int | None:
    """The node an action callback's answer names (``{"NextNode": 3}``), or None: an empty answer, or
    anything else, lets the flow go on as planned. Raises ValueError for a body that is not JSON."""
    if not body.strip():
        return None
    value = json.loads(body.decode("utf-8"))
    if not isinstance(value, dict):
        return None
    target = value.get("NextNode")
    if isinstance(target, bool) or not isinstance(target, int):
        return None
    return target
