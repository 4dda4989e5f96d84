"""What ``/_mock/openapi/dillo.json`` says of the send-action API (docs/providers/dillo.md); the paths
come from the route table, these are their summaries and the envelope the handler reads."""

from __future__ import annotations

from typing import Any

_JSON = "application/json"


def _op(summary: str, body: dict[str, Any] | None = None, media: str = _JSON) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            "200": {
                "description": summary,
                "content": {media: {"schema": {"type": "object"} if media == _JSON else {}}},
            },
            "401": {"description": "missing or wrong ApiKey / CustomerCode"},
            "404": {"description": "no such voice request for this customer"},
        },
    }
    if body is not None:
        op["requestBody"] = body
    return op


_ENVELOPE = {
    "type": "object",
    "required": ["SendActionType", "MessagePayload"],
    "properties": {
        "SendActionType": {"type": "string", "enum": ["Voice", "Sms", "Email"]},
        "MessagePayload": {
            "type": "string",
            "description": "the request serialized as a JSON string (for Voice: TelephoneNumber, Sender, "
            "ChannelBehavior, RingingTimeout, ...; see docs/providers/dillo.md)",
        },
    },
}
DESCRIPTION: dict[str, Any] = {
    "description": "Dillo's send-action API: a Voice send action places a call and runs its "
    "ChannelBehavior. Two headers on every request, ApiKey and CustomerCode. Dillo's status codes "
    "are the mock's invention (docs/providers/dillo.md).",
    "production": ["https://api.dillo.cloud"],
    "security": [{"apiKey": [], "customerCode": []}],
    "security_schemes": {
        "apiKey": {"type": "apiKey", "in": "header", "name": "ApiKey"},
        "customerCode": {"type": "apiKey", "in": "header", "name": "CustomerCode"},
    },
    "operations": {
        "POST /api/sendaction": _op(
            "Create a send action (Voice places a call); answers {id, IsSuccess}",
            {"required": True, "content": {_JSON: {"schema": _ENVELOPE}}},
        ),
        "GET /api/sendaction/voice/{id}": _op("The voice request, with its status and legs"),
        "POST /api/sendaction/voice/{id}/mock-hangup": _op(
            "Mock only (Dillo has no hang-up): end a live call as the API would"
        ),
        "GET /api/sendaction/voice/{id}/recordings/{file}": {
            **_op("Mock only: a recording as a silent WAV (no headers needed)", media="audio/wav"),
            "security": [],
        },
    },
}
