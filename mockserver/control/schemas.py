"""The control API's JSON shapes for neutral objects (a public contract: docs/control-api.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mockserver.core.calls import Call
from mockserver.records.stamp import iso as iso

PRICE_PLACES = Decimal("0.000001")


def call_json(call: Call) -> dict[str, Any]:
    recording = call.recording
    return {
        "id": call.id,
        "provider": call.provider,
        "provider_call_id": call.provider_call_id,
        "account": call.account,
        "from": call.from_,
        "to": call.to,
        "direction": call.direction.value,
        "state": call.state.value,
        "scenario": call.scenario,
        "parent_id": call.parent_id,
        "created_at": iso(call.created_at),
        "answered_at": iso(call.answered_at),
        "ended_at": iso(call.ended_at),
        "answered_by": None if call.answered_by is None else call.answered_by.value,
        "ended_by": None if call.ended_by is None else call.ended_by.value,
        "duration": call.talk_seconds,
        "price": str(call.price.quantize(PRICE_PLACES)),
        "digits": call.digits,
        "recording": None
        if recording is None
        else {
            "id": recording.id,
            "seconds": recording.seconds,
            "created_at": iso(recording.created_at),
        },
        "history": [{"state": t.state.value, "at": iso(t.at), "cause": t.cause} for t in call.history],
    }


def error_json(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
