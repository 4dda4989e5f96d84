"""Secrets hidden from what the journal shows: credentials in headers, query strings and bodies.

Clients send their secrets on every request (Basic and Bearer ``Authorization``, Dillo's ``ApiKey``
header, Esendex's ``LicenseKey``, CALLR's and Routee's passwords and tokens); ``/_mock/requests``,
``/_mock/journal``, the timeline and the dashboard show them masked unless asked (``?reveal=true`` or
``--reveal-secrets``). The journal itself keeps the bytes as they came: masking is done when read.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "***"
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "apikey", "api-key", "x-api-key", "cookie", "x-mock-token"}
)
_KEYS = (
    r"password|passwd|pwd|apikey|api_key|api-key|licensekey|license_key|auth_token|authtoken"
    r"|access_token|refresh_token|client_secret|secret|token|session_token"
)
_JSON = re.compile(rf'("(?:{_KEYS})"\s*:\s*)"(?:[^"\\]|\\.)*"', re.IGNORECASE)
_XML = re.compile(rf"(<(?:[\w.-]+:)?({_KEYS})\b[^>]*>)[^<]*(</)", re.IGNORECASE)
_FORM = re.compile(rf"((?:^|[&?;])(?:{_KEYS})=)[^&;#\s]*", re.IGNORECASE)


def mask_header(name: str, value: str) -> str:
    if name.lower() not in SECRET_HEADERS:
        return value
    scheme, sep, _ = value.partition(" ")
    return f"{scheme} {MASK}" if sep and scheme.isalpha() else MASK


def mask_text(text: str) -> str:
    """Values of secret-named fields in JSON, XML (SOAP) and form/query text."""
    text = _JSON.sub(rf'\1"{MASK}"', text)
    text = _XML.sub(rf"\1{MASK}\3", text)
    return _FORM.sub(rf"\1{MASK}", text)


def mask_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A journal entry as JSON (``JournalEntry.to_json``, a timeline row) with its secrets masked."""
    out = dict(entry)
    headers = out.get("headers")
    if isinstance(headers, dict):
        out["headers"] = {k: mask_header(k, v) if isinstance(v, str) else v for k, v in headers.items()}
    for key in ("query", "body", "path"):
        if isinstance(out.get(key), str):
            out[key] = mask_text(out[key])
    return out
