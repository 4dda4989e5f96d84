"""What ``/_mock/openapi/apifonica.json`` says of the REST v2 surface (docs/providers/apifonica.md);
the paths come from the route table, these are their summaries and the fields the handlers read."""

from __future__ import annotations

from typing import Any

_TEXT: dict[str, Any] = {"type": "string"}
_JSON = "application/json"


def _body(required: list[str], fields: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "required": required, "properties": fields}
    return {"required": True, "content": {_JSON: {"schema": schema}}}


def _op(summary: str, body: dict[str, Any] | None = None, created: bool = False) -> dict[str, Any]:
    status = "201" if created else "200"
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            status: {"description": summary, "content": {_JSON: {"schema": {"type": "object"}}}},
            "401": {"description": "wrong account SID or auth token"},
            "404": {"description": "no such resource in this account"},
        },
    }
    if body is not None:
        op["requestBody"] = body
    return op


_ACC = "/v2/accounts/{acc}"
_METHOD = {"type": "string", "enum": ["GET", "POST"]}
DESCRIPTION: dict[str, Any] = {
    "description": "Apifonica REST API v2: accounts, applications, calls driven by an XML controller, "
    "recordings and messages. HTTP Basic auth with the account SID and auth token; JSON bodies.",
    "production": ["https://api.apifonica.com"],
    "security": [{"basic": []}],
    "security_schemes": {
        "basic": {"type": "http", "scheme": "basic", "description": "account SID : auth token"}
    },
    "operations": {
        f"GET {_ACC}": _op("The account"),
        "GET /v2/accounts": _op("The accounts this auth reaches (the master and its sub-accounts)"),
        f"POST {_ACC}/applications": _op(
            "Create an application (the controller URL that drives its calls)",
            _body(["controller"], {"controller": _TEXT, "method": _METHOD, "events": _TEXT, "name": _TEXT}),
            created=True,
        ),
        f"GET {_ACC}/applications": _op("List applications"),
        f"GET {_ACC}/applications/{{app}}": _op("One application"),
        f"POST {_ACC}/calls": _op(
            "Place a call (X-Mock-Scenario picks the callee's scenario by name)",
            _body(
                ["from", "to"],
                {
                    "from": _TEXT,
                    "to": _TEXT,
                    "call_app_sid": _TEXT,
                    "controller": _TEXT,
                    "method": _METHOD,
                    "events": _TEXT,
                    "timeout": {"type": "integer", "minimum": 1, "maximum": 600},
                    "tag": _TEXT,
                    "channel": {"type": "string", "enum": ["number", "viber"]},
                },
            ),
            created=True,
        ),
        f"GET {_ACC}/calls": _op("List calls (paged)"),
        f"GET {_ACC}/calls/{{call}}": _op("One call"),
        f"POST {_ACC}/calls/{{call}}": _op(
            "Modify a live call: hang up (status) or hand it to another controller (mock's choice of body)",
            _body(
                [],
                {
                    "status": {"type": "string", "enum": ["completed", "canceled"]},
                    "call_app_sid": _TEXT,
                    "controller": _TEXT,
                    "method": _METHOD,
                },
            ),
            created=True,
        ),
        f"GET {_ACC}/recordings": _op("List recordings"),
        f"GET {_ACC}/recordings/{{rec}}": _op("One recording (.mp3 or .wav after the id: the file)"),
        f"POST {_ACC}/messages": _op(
            "Send a message",
            _body(
                ["from", "to", "text"],
                {
                    "from": _TEXT,
                    "to": _TEXT,
                    "text": _TEXT,
                    "tag": _TEXT,
                    "channel": {"type": "string", "enum": ["sms", "telegram", "viber"]},
                },
            ),
            created=True,
        ),
        f"GET {_ACC}/messages": _op("List messages"),
        f"GET {_ACC}/messages/{{msg}}": _op("One message"),
    },
}
