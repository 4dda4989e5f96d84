"""Redaction on write: secrets never reach a cassette, and phone numbers can be masked.

What counts as a secret (case-insensitive): the ``Authorization`` header (the scheme and a Basic user
name stay, so a replay knows which account spoke), Dillo's ``ApiKey`` header and other key headers,
cookies, signature headers, and any field named in ``SECRET_FIELDS`` wherever it appears — in a JSON
body, a form body, a query string or an XML element (SOAP's ``LicenseKey``). CALLR's JSON-RPC results
that *are* a secret (a session token, an API key) are redacted by method name. Every replacement is the
string ``REDACTED``; the cassette header lists which names were replaced.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

PLACEHOLDER = "REDACTED"
SECRET_FIELDS = frozenset(
    name.lower()
    for name in (
        "password",
        "auth_token",
        "authtoken",
        "ApiKey",
        "api_key",
        "LicenseKey",
        "license_key",
        "token",
        "access_token",
        "refresh_token",
        "secret",
        "client_secret",
        "applicationSecret",
        "hmac_secret",
    )
)
SECRET_HEADERS = frozenset(
    ("apikey", "api-key", "x-api-key", "cookie", "set-cookie", "x-callr-hmacsignature", "proxy-authorization")
)
# Fields whose values are phone numbers (masked with --mask-numbers), besides "+digits" anywhere.
NUMBER_FIELDS = frozenset(
    name.lower()
    for name in (
        "from",
        "to",
        "cli",
        "number",
        "phone",
        "recipient",
        "PhoneNumberToDial",
        "CallerID",
        "TransferNumber",
        "phonenumber",
        "callerid",
        "calledNumber",
        "callingNumber",
    )
)
SECRET_RPC_RESULT = re.compile(r"session|api-?key", re.IGNORECASE)
_PLUS_NUMBER = re.compile(r"\+\d{8,15}\b")


@dataclass
class Redactor:
    """Redacts one cassette's messages; remembers what it replaced and masks numbers consistently."""

    mask_numbers: bool = False
    salt: str = "mockserver"
    redacted: set[str] = field(default_factory=set)
    _masks: dict[str, str] = field(default_factory=dict)

    # -- headers ---------------------------------------------------------------------------------
    def headers(self, headers: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        out: list[tuple[str, str]] = []
        for name, value in headers:
            lowered = name.lower()
            if lowered == "authorization":
                value = self._authorization(value)
                self.redacted.add("Authorization")
            elif lowered in SECRET_HEADERS:
                value = PLACEHOLDER
                self.redacted.add(name)
            out.append((name, value))
        return tuple(out)

    def _authorization(self, value: str) -> str:
        scheme, _, credentials = value.partition(" ")
        if scheme.lower() == "basic":
            try:
                user = base64.b64decode(credentials, validate=True).decode("utf-8").partition(":")[0]
            except (binascii.Error, UnicodeDecodeError):
                return f"{scheme} {PLACEHOLDER}"
            return f"{scheme} " + base64.b64encode(f"{user}:{PLACEHOLDER}".encode()).decode("ascii")
        return f"{scheme} {PLACEHOLDER}" if credentials else PLACEHOLDER

    # -- bodies and queries ----------------------------------------------------------------------
    def query(self, query: str) -> str:
        return self._form(query) if query else query

    def body(self, body: bytes, content_type: str, rpc_method: str | None = None) -> bytes:
        if not body:
            return body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body  # audio and other binary bodies carry no fields
        kind = content_type.split(";")[0].strip().lower()
        if "json" in kind or (not kind and text.lstrip()[:1] in "{["):
            return self._json(text, rpc_method).encode("utf-8")
        if kind == "application/x-www-form-urlencoded":
            return self._form(text).encode("utf-8")
        if "xml" in kind or text.lstrip().startswith("<"):
            return self._xml(text).encode("utf-8")
        return self._numbers_in_text(text).encode("utf-8")

    def _json(self, text: str, rpc_method: str | None) -> str:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            return self._numbers_in_text(text)
        redacted = self._walk(data)
        changed = redacted != data
        data = redacted
        if (
            rpc_method
            and SECRET_RPC_RESULT.search(rpc_method)
            and isinstance(data, dict)
            and isinstance(data.get("result"), str)
        ):
            data["result"] = PLACEHOLDER
            self.redacted.add(f"result of {rpc_method}")
            changed = True
        return json.dumps(data, ensure_ascii=False) if changed else text  # untouched bodies stay byte-exact

    def _walk(self, value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: self._field(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._walk(v, key) for v in value]
        if isinstance(value, str):
            return self._number(value) if key.lower() in NUMBER_FIELDS else self._numbers_in_text(value)
        return value

    def _field(self, key: str, value: Any) -> Any:
        if key.lower() in SECRET_FIELDS and isinstance(value, str | int) and value != "":
            self.redacted.add(key)
            return PLACEHOLDER
        return self._walk(value, key)

    def _form(self, text: str) -> str:
        pairs = parse_qsl(text, keep_blank_values=True)
        return urlencode([(k, self._field_text(k, v)) for k, v in pairs])

    def _field_text(self, key: str, value: str) -> str:
        redacted = self._field(key, value)
        return redacted if isinstance(redacted, str) else value

    def _xml(self, text: str) -> str:
        def element(match: re.Match[str]) -> str:
            open_tag, name, content, close_tag = (
                match.group(1),
                match.group(2),
                match.group(3),
                match.group(4),
            )
            return f"{open_tag}{self._field_text(name, content)}{close_tag}"

        # <ns:Name attr="…">text</ns:Name> with text only (no child elements)
        pattern = re.compile(r"(<(?:[\w.-]+:)?([\w.-]+)(?:\s[^<>]*)?>)([^<]*)(</(?:[\w.-]+:)?\2\s*>)")
        return self._numbers_in_text(pattern.sub(element, text))

    # -- phone numbers ---------------------------------------------------------------------------
    def _number(self, value: str) -> str:
        if not self.mask_numbers or not re.fullmatch(r"\+?\d{6,15}", value):
            return value
        return self._mask(value)

    def _numbers_in_text(self, text: str) -> str:
        if not self.mask_numbers:
            return text
        return _PLUS_NUMBER.sub(lambda m: self._mask(m.group(0)), text)

    def _mask(self, number: str) -> str:
        """The same number always gets the same mask (so a cassette still correlates): its first
        two digits, then digits derived from a hash, same length."""
        self.redacted.add("phone numbers")
        if number not in self._masks:
            sign = "+" if number.startswith("+") else ""
            digits = number.lstrip("+")
            digest = hashlib.sha256((self.salt + digits).encode()).hexdigest()
            tail = "".join(str(int(c, 16) % 10) for c in digest)[: len(digits) - 2]
            self._masks[number] = sign + digits[:2] + tail
        return self._masks[number]


def redaction_policy() -> tuple[str, ...]:
    """What a cassette's header says is redacted, whatever this session happened to carry."""
    return (
        "header Authorization (password/token part)",
        *(f"header {h}" for h in sorted(SECRET_HEADERS)),
        *(f"field {f}" for f in sorted(SECRET_FIELDS)),
        "JSON-RPC results of session/api-key methods",
    )
