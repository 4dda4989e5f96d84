"""What each provider keeps (applications, tokens, numbers, sound files...), read for the dashboard.

The source is each provider's own ``snapshot()`` — the data ``POST /_mock/snapshot`` saves — so a
provider shows whatever it keeps without the dashboard knowing its words. Only *collections of records*
are shown (a list of objects, or an object of objects keyed by id); counters and generator states are
not resources. Secrets are masked, and each collection is cut to its newest :data:`RECORDS_SHOWN`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol


class Provider(Protocol):
    """What the dashboard reads of a provider (control/ never imports a specific provider)."""

    def snapshot(self) -> dict[str, Any]: ...

    def describe(self) -> dict[str, Any]: ...


#: Records of one collection sent to the page (the newest ones); its total is sent as well.
RECORDS_SHOWN = 200
#: Field names whose text is a secret: passwords, tokens, API keys, license keys, HMAC secrets, sessions.
SECRET = re.compile(r"password|secret|token|api_?key|license|auth|session", re.IGNORECASE)
#: A masked secret keeps this many characters at its end, so two can still be told apart.
KEPT = 4


def mask(value: str) -> str:
    """``"0UqA1LPRWK"`` → ``"••••PRWK"``; short secrets are hidden whole."""
    return "••••" + (value[-KEPT:] if len(value) > 2 * KEPT else "")


def untag(value: Any) -> Any:
    """A snapshot value as plain JSON.

    Snapshots may tag what JSON has no word for (a CALLR record is ``{"$": "App", ...}``, a decimal
    ``{"$dec": "1.00"}``, a time ``{"$dt": ...}``, a map with odd keys ``{"$map": [[k, v], ...]}``): the
    tags are dropped and the values kept, since the page only reads them.
    """
    if isinstance(value, list):
        return [untag(v) for v in value]
    if not isinstance(value, Mapping):
        return value
    for tag in ("$dec", "$dt", "$tuple"):
        if tag in value and len(value) == 1:
            return untag(value[tag])
    if "$enum" in value and "v" in value:
        return value["v"]
    if "$map" in value and len(value) == 1:
        return {str(untag(k)): untag(v) for k, v in value["$map"]}
    return {str(k): untag(v) for k, v in value.items() if k != "$"}


def masked(value: Any, name: str, within: str = "") -> Any:
    """``value`` (the field ``name`` of a record in the collection ``within``) with its secrets masked:
    text under a secret's name, and a bare ``value`` or ``id`` of a collection of secrets (a token's
    ``value``, a session keyed by its token)."""
    if isinstance(value, str):
        secret = SECRET.search(name) or (name in ("value", "id") and SECRET.search(within))
        return mask(value) if secret else value
    if isinstance(value, list):
        return [masked(v, name, within) for v in value]
    if isinstance(value, dict):
        return {k: masked(v, k, within) for k, v in value.items()}
    return value


def records(value: Any) -> list[dict[str, Any]] | None:
    """The records of a collection, or None if ``value`` is not one. An object of objects becomes a
    list; a record that does not hold its own key gets it as ``"id"``."""
    if isinstance(value, list):
        return value if all(isinstance(v, dict) for v in value) else None
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        return None
    return [v if k in v.values() or "id" in v else {"id": k, **v} for k, v in value.items()]


def provider_resources(provider: Provider) -> dict[str, Any]:
    """``{"name", "title", "collections": {name: {"total", "records"}}}`` for one provider."""
    collections: dict[str, Any] = {}
    for name, value in untag(provider.snapshot()).items():
        rows = records(value)
        if rows is not None:
            shown = [masked(row, "", name) for row in rows[-RECORDS_SHOWN:]]
            collections[name] = {"total": len(rows), "records": shown}
    return {**provider.describe(), "collections": collections}


def resources_json(providers: Mapping[str, Provider]) -> dict[str, Any]:
    return {"providers": [provider_resources(p) for p in providers.values()]}
