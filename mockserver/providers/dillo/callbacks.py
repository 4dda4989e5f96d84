"""What Dillo sends to the client's URLs, and how often it tries (mock's choice, dillo.md §5, §9.5).

Dillo names the URLs (``StatusCallbackUrl``, ``OptionStatusCallbackUrl``, ``RecordStatusCallbackUrl``,
``TranscribeStatusCallbackUrl`` and their ``...Method``) but documents no payload or retries:

- POST sends a JSON body; GET sends its top-level scalar fields as query parameters (a status
  callback also gets ``StatusCode`` from its ``Status`` object).
- status: the whole voice request, exactly as ``GET /api/sendaction/voice/{id}`` shows it then;
- option: ``{Id, NodeKey, Digits, Timestamp}`` when a key is pressed at a Menu;
- record / transcribe: ``{Id, NodeKey, Recording}`` when a recording (and its transcription) is ready.

Every callback is retried on connection errors, timeouts and 5xx answers after 5, 30 and 120 s.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mockserver.callbacks.model import OutboundRequest, RetryPolicy
from mockserver.providers.dillo.fields import Hook

RETRY = RetryPolicy(backoff=(5.0, 30.0, 120.0))
STATUS, OPTION, RECORD, TRANSCRIBE = "status", "option", "record", "transcribe"


def request_for(provider: str, call_id: str, hook: Hook, body: Mapping[str, Any]) -> OutboundRequest:
    if hook.method == "GET":
        params = [(k, _scalar(v)) for k, v in body.items() if not isinstance(v, dict | list)]
        status = body.get("Status")
        if isinstance(status, dict):
            params.append(("StatusCode", _scalar(status.get("StatusCode"))))
        return OutboundRequest(provider, "GET", hook.url, call_id, "event", params=tuple(params))
    return OutboundRequest(
        provider,
        "POST",
        hook.url,
        call_id,
        "event",
        headers=(("Content-Type", "application/json"),),
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode(),
    )


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def option_payload(request_id: str, node: int, digits: str, at: str | None) -> dict[str, Any]:
    return {"Id": request_id, "NodeKey": node, "Digits": digits, "Timestamp": at}


def recording_payload(request_id: str, node: int | None, recording: Mapping[str, Any]) -> dict[str, Any]:
    return {"Id": request_id, "NodeKey": node, "Recording": recording}
