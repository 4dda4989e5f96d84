"""Applications as the control API shows and takes them (``GET/POST /_mock/credentials/routee``, a
``--credentials`` file, snapshots): ``applicationId``, ``applicationSecret``, ``name``, ``scopes``,
``expires_in``, ``rate_limit`` and the inbound ``numbers``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.core.errors import InvalidParameter
from mockserver.providers.routee import fields
from mockserver.providers.routee.errors import Codes
from mockserver.providers.routee.models import Application, InboundNumber
from mockserver.providers.routee.vocabulary import SCOPES

ALL_SCOPES = tuple(SCOPES)
MAX_EXPIRES_IN = 631_139_040  # the longest token lifetime Routee offers (20 years) [routee.md §2]


def application_json(app: Application) -> dict[str, Any]:
    return {
        "applicationId": app.id,
        "applicationSecret": app.secret,
        "name": app.name,
        "scopes": list(app.scopes),
        "expires_in": app.expires_in,
        "rate_limit": app.rate_limit,
        "numbers": [number_json(n) for n in app.numbers],
    }


def number_json(number: InboundNumber) -> dict[str, Any]:
    body: dict[str, Any] = {"number": number.number, "dialPlanUrl": number.dialplan_url}
    if number.callback is not None:
        body["callback"] = {"url": number.callback.url, "strategy": number.callback.strategy.value}
    return body


def updated(existing: Application, body: Mapping[str, Any]) -> Application:
    """``existing`` with the fields ``body`` gives."""
    return Application(
        id=existing.id,
        secret=text(body, "applicationSecret") or existing.secret,
        name=text(body, "name") or existing.name,
        scopes=scopes(body) or existing.scopes,
        expires_in=whole(body, "expires_in", existing.expires_in),
        rate_limit=flag(body, "rate_limit", existing.rate_limit),
        numbers=existing.numbers if body.get("numbers") is None else numbers(body["numbers"]),
    )


def text(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameter(f"{name} must be a non-empty string", field=name)
    if name == "applicationId" and ":" in value:  # Basic auth splits id:secret at the first ':'
        raise InvalidParameter("applicationId must not contain ':'", field=name)
    return value


def scopes(body: Mapping[str, Any]) -> tuple[str, ...] | None:
    value = body.get("scopes")
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(v in ALL_SCOPES for v in value):
        raise InvalidParameter(f"scopes must be a non-empty list of: {' '.join(ALL_SCOPES)}", field="scopes")
    return tuple(dict.fromkeys(value))


def whole(body: Mapping[str, Any], name: str, default: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_EXPIRES_IN:
        raise InvalidParameter(
            f"{name} must be a whole number of seconds from 1 to {MAX_EXPIRES_IN}", field=name
        )
    return value


def flag(body: Mapping[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise InvalidParameter(f"{name} must be true or false", field=name)
    return value


def numbers(value: Any) -> tuple[InboundNumber, ...]:
    """``[{"number": "+30...", "dialPlanUrl": "https://...", "callback"?: url | {url, strategy}}]``."""
    if not isinstance(value, list):
        raise InvalidParameter("numbers must be a list of {number, dialPlanUrl, callback?}", field="numbers")
    parsed: dict[str, InboundNumber] = {}
    for index, entry in enumerate(value):
        where = f"numbers[{index}]"
        body = fields.obj(entry, where, Codes.INVALID_REQUEST)
        number = body.get("number")
        if not isinstance(number, str) or not fields.E164.fullmatch(number):
            raise InvalidParameter(f"{where}.number must be an E.164 number with a leading +", field=where)
        if number in parsed:
            raise InvalidParameter(f"{where}.number {number} is listed twice", field=where)
        callback = body.get("callback")
        parsed[number] = InboundNumber(
            number=number,
            dialplan_url=fields.url(body.get("dialPlanUrl"), f"{where}.dialPlanUrl", Codes.DIALPLAN),
            callback=None if callback is None else fields.callback(callback, f"{where}.callback"),
        )
    return tuple(parsed.values())
