"""Credentials on replay: a cassette's secrets are redacted, so drift gives the fresh mock the same
account names (account SID, CustomerCode, applicationId, login) with secrets of its own, and puts those
secrets where the cassette says ``REDACTED``. Names are kept, so paths such as
``/v2/accounts/{account_sid}/calls`` replay as recorded.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

import httpx

from mockserver.drift.redact import PLACEHOLDER

# provider → (the credentials field that names the account, the field of its secret), for Basic auth
BASIC = {
    "apifonica": ("account_sid", "auth_token"),
    "routee": ("applicationId", "applicationSecret"),
    "callr": ("login", "password"),
}


@dataclass
class Accounts:
    provider: str
    control: httpx.Client  # the fresh mock, for /_mock/credentials
    secrets: dict[str, str] = field(default_factory=dict)  # account name → the mock's secret
    bearer: str = ""  # Routee: the last token the mock handed out
    license_key: str = ""  # Esendex

    def _register(self, body: dict[str, Any], name_field: str, name: str) -> dict[str, Any]:
        answer = self.control.post(f"/_mock/credentials/{self.provider}", json=body)
        if answer.status_code < 300:
            created: dict[str, Any] = answer.json()
            return created
        existing = self.control.get("/_mock/credentials").json().get(self.provider, [])
        for cred in existing:
            if str(cred.get(name_field, "")).lower() == name.lower():
                found: dict[str, Any] = cred
                return found
        raise DriftSetupError(f"cannot give the mock the {self.provider} account {name!r}: {answer.text}")

    def _secret_for(self, name: str) -> str:
        if name not in self.secrets:
            if self.provider == "dillo":
                cred = self._register({"CustomerCode": name}, "CustomerCode", name)
                self.secrets[name] = str(cred["ApiKey"])
            else:
                name_field, secret_field = BASIC[self.provider]
                cred = self._register({name_field: name}, name_field, name)
                self.secrets[name] = str(cred[secret_field])
        return self.secrets[name]

    def _license(self) -> str:
        if not self.license_key:
            existing = self.control.get("/_mock/credentials").json().get("esendex", [])
            self.license_key = str(existing[0]["license_key"])
        return self.license_key

    def authorize(
        self, headers: dict[str, str], query: str, body: bytes
    ) -> tuple[dict[str, str], str, bytes]:
        out = dict(headers)
        auth = next((k for k in out if k.lower() == "authorization"), None)
        if auth is not None:
            out[auth] = self._authorization(out[auth])
        if self.provider == "dillo":
            code = next((v for k, v in out.items() if k.lower() == "customercode"), None)
            key = next((k for k in out if k.lower() == "apikey"), None)
            if code and key:
                out[key] = self._secret_for(code)
        if self.provider == "esendex" and (PLACEHOLDER in query or PLACEHOLDER.encode() in body):
            key_ = self._license()
            query = query.replace(PLACEHOLDER, key_)
            body = body.replace(PLACEHOLDER.encode(), key_.encode())
        return out, query, body

    def _authorization(self, value: str) -> str:
        scheme, _, credentials = value.partition(" ")
        if scheme.lower() == "basic" and self.provider in BASIC:
            try:
                user, _, secret = base64.b64decode(credentials).decode("utf-8").partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return value
            if secret != PLACEHOLDER:
                return value
            pair = f"{user}:{self._secret_for(user)}".encode()
            return f"{scheme} {base64.b64encode(pair).decode('ascii')}"
        if scheme.lower() == "bearer" and credentials == PLACEHOLDER and self.bearer:
            return f"{scheme} {self.bearer}"
        return value

    def observe(self, path: str, answer: httpx.Response) -> None:
        """Remember what later requests need: Routee's bearer token."""
        if self.provider == "routee" and path.startswith("/oauth/token") and answer.status_code == 200:
            try:
                token = json.loads(answer.content).get("access_token")
            except (ValueError, AttributeError):
                return
            if isinstance(token, str):
                self.bearer = token


class DriftSetupError(Exception):
    """The fresh mock could not be prepared for the cassette (the message says why)."""
