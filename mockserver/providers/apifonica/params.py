"""Reading and validating Apifonica request bodies and query strings (400s name the field)."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

from mockserver.core.errors import InvalidParameter, MissingParameter, UnsupportedMediaType

# Matched with fullmatch: `$` would also accept a trailing newline ("4420...\n").
DIGITS = re.compile(r"[0-9]{3,15}")
URL = re.compile(r"https?://[^\s]+", re.IGNORECASE)
#: A whole number as text: ASCII digits only (``str.isdigit`` also takes "²", which ``int`` refuses),
#: and short enough for ``int`` (which refuses more than 4300 digits).
WHOLE = re.compile(r"[0-9]{1,18}")
MAX_TEXT = 1600


async def json_body(request: Request) -> dict[str, Any]:
    """The JSON object in the body. Any charset is accepted (one official sample sends iso-8859-15)."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaType("send the body as JSON with Content-Type: application/json")
    raw = await request.body()
    charset = _charset(content_type)
    try:
        body = json.loads(raw.decode(charset)) if raw.strip() else None
    except (UnicodeDecodeError, LookupError, ValueError, RecursionError):  # deep nesting: RecursionError
        raise InvalidParameter("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise InvalidParameter("the body must be a JSON object")
    return body


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


def optional_text(body: dict[str, Any], name: str, max_length: int = 255) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidParameter(f"{name} must be a string", field=name)
    if len(value) > max_length:
        raise InvalidParameter(f"{name} must be at most {max_length} characters", field=name)
    return value


def required_text(body: dict[str, Any], name: str, max_length: int = 255) -> str:
    value = optional_text(body, name, max_length)
    if value is None or not value.strip():
        raise MissingParameter(f"{name} is required", field=name)
    return value


def number(body: dict[str, Any], name: str) -> str:
    """A phone number: digits only, international format without ``+`` or ``00``."""
    value = body.get(name)
    if value is None or value == "":
        raise MissingParameter(f"{name} is required", field=name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not DIGITS.fullmatch(value):
        raise InvalidParameter(
            f"{name} must be a phone number of 3-15 digits in international format, without + or 00",
            field=name,
        )
    return value


def url(body: dict[str, Any], name: str) -> str | None:
    value = optional_text(body, name, 2048)
    if value is not None and not URL.fullmatch(value):
        raise InvalidParameter(f"{name} must be an http(s) URL", field=name)
    return value


def method(body: dict[str, Any], name: str = "method", default: str = "POST") -> str:
    value = body.get(name, default)
    if not isinstance(value, str) or value.upper() not in ("GET", "POST"):
        raise InvalidParameter(f"{name} must be GET or POST", field=name)
    return value.upper()


def integer(body: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = body.get(name, default)
    if isinstance(value, str) and WHOLE.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidParameter(f"{name} must be a whole number from {low} to {high}", field=name)
    return value


def choice(body: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = body.get(name, default)
    if value not in allowed:
        raise InvalidParameter(f"{name} must be one of {', '.join(allowed)}", field=name)
    return str(value)


def whole_number(raw: str, name: str) -> int:
    """A query parameter that must be a whole number (0 or more)."""
    if not WHOLE.fullmatch(raw):
        raise InvalidParameter(f"{name} must be a whole number", field=name)
    return int(raw)


def page(request: Request, max_limit: int = 20) -> tuple[int, int]:
    """``limit`` (1-20, default 20) and the opaque ``next``/``prev`` cursor (an offset)."""
    query = request.query_params
    raw_limit = query.get("limit", str(max_limit))
    if not WHOLE.fullmatch(raw_limit) or not 1 <= int(raw_limit) <= max_limit:
        raise InvalidParameter(f"limit must be a whole number from 1 to {max_limit}", field="limit")
    cursor = query.get("next") or query.get("prev") or query.get("offset") or "0"
    if not WHOLE.fullmatch(cursor):
        raise InvalidParameter("next/prev must be a cursor returned by a previous page", field="next")
    return int(raw_limit), int(cursor)
