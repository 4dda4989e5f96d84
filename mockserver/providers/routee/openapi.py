"""What ``/_mock/openapi/routee.json`` says of Routee Voice (docs/providers/routee.md); the paths come
from the route table, these are their summaries and the fields the handlers read."""

from __future__ import annotations

from typing import Any

_JSON = "application/json"
_TEXT: dict[str, Any] = {"type": "string"}


def _op(summary: str, body: dict[str, Any] | None = None, *, security: Any = None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            "200": {"description": summary},
            "401": {"description": "no or a wrong token (the token endpoint: wrong application credentials)"},
            "404": {"description": "no such conversation or message"},
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {_JSON: {"schema": body}}}
    if security is not None:  # [] : no auth at all
        op["security"] = security
    return op


_CONVERSATION = {
    "type": "object",
    "required": ["to", "from"],
    "properties": {
        "to": {"type": "object", "description": "exactly one of phone (E.164 with +), sip, viber"},
        "from": _TEXT,
        "dialPlan": {"type": "object"},
        "dialPlanUrl": _TEXT,
        "callback": {"type": "object", "properties": {"url": _TEXT, "strategy": _TEXT}},
        "hangupDelay": {"type": ["integer", "string"], "description": "1-60 s, default 20"},
        "maxDuration": {"type": ["integer", "string"]},
        "machineDetection": {"type": "object", "properties": {"strategy": _TEXT, "eventUrl": _TEXT}},
    },
}
_CID = "/voice/conversation/{id}"
DESCRIPTION: dict[str, Any] = {
    "description": "Routee Voice: OAuth2 client-credentials tokens (auth.routee.net) and conversations "
    "with dial plans, live-call control and tracking (connect.routee.net).",
    "production": ["https://connect.routee.net", "https://auth.routee.net"],
    "security": [{"bearer": []}],
    "security_schemes": {
        "bearer": {"type": "http", "scheme": "bearer", "description": "a token from POST /oauth/token"},
        "application": {
            "type": "http",
            "scheme": "basic",
            "description": "applicationId : applicationSecret",
        },
    },
    "operations": {
        "POST /oauth/token": {
            **_op("A token (form grant_type=client_credentials[&scope=...])", security=[{"application": []}]),
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "required": ["grant_type"],
                            "properties": {"grant_type": {"const": "client_credentials"}, "scope": _TEXT},
                        }
                    }
                },
            },
        },
        "POST /voice/conversation": _op(
            "Start a conversation; answers it with its trackingId", _CONVERSATION
        ),
        f"GET {_CID}": _op("A conversation, with its recordings"),
        f"PUT {_CID}": _op(
            "Hang up (InProgress) or reject (Ringing/Initiated) a call",
            {
                "type": "object",
                "required": ["action"],
                "properties": {"action": {"enum": ["hangup", "reject"]}},
            },
        ),
        f"DELETE {_CID}": _op("Mock only: end a conversation in any live state"),
        f"POST {_CID}/talk": _op("Start a text-to-speech message on a live call", {"type": "object"}),
        f"DELETE {_CID}/talk": _op("Stop the text-to-speech message"),
        f"POST {_CID}/file": _op("Start playing an audio file on a live call", {"type": "object"}),
        f"DELETE {_CID}/file": _op("Stop playing the file"),
        f"POST {_CID}/record": _op("Start recording a live call", {"type": "object"}),
        f"DELETE {_CID}/record": _op("Stop recording"),
        f"POST {_CID}/dtmf": _op("Send DTMF tones into a live call", {"type": "object"}),
        f"POST {_CID}/transfer": _op("Transfer a live call to a new recipient", {"type": "object"}),
        "GET /voice/tracking/conversation/{id}": _op("A page of the conversation's voice messages"),
        "POST /voice/tracking": _op(
            "Search voice messages (query from, to, page, size, sort, trackingId, tagged)",
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"fieldName": _TEXT, "searchOperator": _TEXT, "searchTerm": _TEXT},
                },
            },
        ),
        "GET /voice/tracking/{id}": _op("One voice message"),
        "GET /voice/recordings/{file}": _op(
            "Mock only, kept for older URLs: a recording, without a token", security=[]
        ),
        "GET /recordings/my/downloads/{id}": _op("Download a recording (with the bearer token)"),
    },
}
