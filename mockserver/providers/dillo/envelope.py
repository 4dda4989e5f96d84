"""Reading the ``POST /api/sendaction`` envelope (dillo.md §3.1): ``SendActionType`` and the
double-encoded ``MessagePayload`` (a JSON *string* holding the serialized request), read as strictly as
.NET reads JSON."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from mockserver.core.errors import InvalidParameter, MissingParameter
from mockserver.core.values import frozen

MAX_NESTING = 32  # the GET echoes the behavior back; a pathological depth must not break rendering


class SendActionType(StrEnum):
    VOICE = "Voice"
    SMS = "Sms"
    EMAIL = "Email"


@frozen
class Envelope:
    type: SendActionType
    payload: dict[str, Any]


def parse_envelope(raw: bytes) -> Envelope:
    body = _json(raw, "the request body")
    if not isinstance(body, dict):
        raise InvalidParameter("The request body must be a JSON object")
    kind = body.get("SendActionType")
    if kind is None:
        raise MissingParameter("SendActionType is required (Voice, Sms or Email)", field="SendActionType")
    if kind not in tuple(SendActionType):
        raise InvalidParameter(
            f"SendActionType {kind!r} is not one of Voice, Sms, Email", field="SendActionType"
        )
    text = body.get("MessagePayload")
    if text is None:
        raise MissingParameter("MessagePayload is required", field="MessagePayload")
    if not isinstance(text, str):
        raise InvalidParameter(
            f"MessagePayload must be a JSON string (the serialized request), not a JSON {_json_type(text)}",
            field="MessagePayload",
        )
    payload = _json(text.encode("utf-8", errors="replace"), "MessagePayload")
    if not isinstance(payload, dict):
        raise InvalidParameter("MessagePayload must serialize a JSON object", field="MessagePayload")
    if nesting(payload) > MAX_NESTING:
        raise InvalidParameter(
            f"MessagePayload is nested deeper than {MAX_NESTING} levels", field="MessagePayload"
        )
    return Envelope(SendActionType(kind), payload)


def nesting(value: Any) -> int:
    """How deeply ``value`` nests objects and arrays (iteratively: a deep one must not blow the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _json(raw: bytes, what: str) -> Any:
    """Strict JSON, as .NET reads it: ``NaN``/``Infinity`` are refused."""
    try:
        return json.loads(raw, parse_constant=_refuse)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidParameter(f"{what} is not valid JSON") from None


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", bool: "boolean", int: "number", float: "number"}.get(
        type(value), "value"
    )
