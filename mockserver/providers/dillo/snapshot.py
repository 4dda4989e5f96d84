"""Dillo's state as JSON-ready data and back (``POST /_mock/snapshot`` / ``POST /_mock/restore``).

Customers, voice requests (the payload as sent, re-read on restore, plus what the flow did: node runs,
recordings, collected digits, external actions), SMS/e-mail send actions and Dial legs. Times are
ISO 8601 with microseconds, so a restored request renders exactly as before. A flow that was running is
not resumed: the restored call keeps its state, and its ChannelBehavior stays where it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mockserver.core.serialize import strict_array as _list
from mockserver.core.serialize import strict_object as _dict
from mockserver.core.serialize import strict_text as _str
from mockserver.core.serialize import strict_time as _when
from mockserver.providers.dillo.envelope import SendActionType
from mockserver.providers.dillo.models import (
    CollectedDigits,
    Customer,
    DilloState,
    ExternalAction,
    NodeRun,
    SendAction,
    VoiceRecording,
    VoiceRequest,
)
from mockserver.providers.dillo.payload import parse_voice


def _at(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _from(value: Any) -> datetime | None:
    return None if value is None else _when(value)


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 86_400:
        raise TypeError(f"expected a number of seconds, got {value!r}")
    return float(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {value!r}")
    return value


# -- out -------------------------------------------------------------------------------------------
def dump(state: DilloState) -> dict[str, Any]:
    return {
        "customers": [
            {"CustomerCode": c.code, "ApiKey": c.api_key, "name": c.name, "senders": list(c.senders)}
            for c in state.customers.values()
        ],
        "requests": [dump_request(r) for r in state.requests.values()],
        "send_actions": [dump_send_action(a) for a in state.send_actions.values()],
        "legs": dict(state.legs),
    }


def dump_request(request: VoiceRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "call_id": request.call_id,
        "customer_code": request.customer_code,
        "payload": dict(request.payload.raw),
        "created_at": _at(request.created_at),
        "updated_at": _at(request.updated_at),
        "base_url": request.base_url,
        "nodes": {str(run.key): dump_node_run(run) for run in request.runs},
        "recordings": [dump_recording(r) for r in request.recordings],
        "collected": [{"digits": c.digits, "node": c.node, "success": c.success} for c in request.collected],
        "external": [
            {"label": e.label, "node": e.node, "send_action_id": e.send_action_id} for e in request.external
        ],
    }


def dump_node_run(run: NodeRun) -> dict[str, Any]:
    return {
        "execution_count": run.execution_count,
        "processed_at": _at(run.processed_at),
        "route": run.route,
        "pressed_at": _at(run.pressed_at),
        "options": {key: _at(at) for key, at in run.options.items()},
    }


def dump_recording(recording: VoiceRecording) -> dict[str, Any]:
    return {
        "file_name": recording.file_name,
        "seconds": recording.seconds,
        "storage_period": recording.storage_period,
        "created_at": _at(recording.created_at),
        "node": recording.node,
        "transcription": recording.transcription,
    }


def dump_send_action(action: SendAction) -> dict[str, Any]:
    return {
        "id": action.id,
        "type": action.type.value,
        "customer_code": action.customer_code,
        "payload": dict(action.payload),
        "created_at": _at(action.created_at),
        "voice_request_id": action.voice_request_id,
    }


# -- back ------------------------------------------------------------------------------------------
def load(state: DilloState, data: Mapping[str, Any]) -> None:
    """Replace ``state`` with ``data`` (missing keys leave that part as it is)."""
    if "customers" in data:
        state.customers.clear()
        for c in _list(data["customers"]):
            code = _str(c["CustomerCode"]).lower()
            senders = tuple(_str(s) for s in _list(c.get("senders", [])))
            state.customers[code] = Customer(code, _str(c["ApiKey"]), _str(c["name"]), senders)
    for raw in _list(data.get("requests", [])):
        request = load_request(_dict(raw))
        state.requests[request.call_id] = request
    for raw in _list(data.get("send_actions", [])):
        action = SendAction(
            id=_str(raw["id"]),
            type=SendActionType(raw["type"]),
            customer_code=_str(raw["customer_code"]),
            payload=_dict(raw["payload"]),
            created_at=_when(raw["created_at"]),
            voice_request_id=_opt_str(raw.get("voice_request_id")),
        )
        state.send_actions[action.id] = action
    state.legs.update({_str(k): _str(v) for k, v in _dict(data.get("legs", {})).items()})


def load_request(raw: Mapping[str, Any]) -> VoiceRequest:
    return VoiceRequest(
        id=_str(raw["id"]),
        call_id=_str(raw["call_id"]),
        customer_code=_str(raw["customer_code"]),
        payload=parse_voice(_dict(raw["payload"])),
        created_at=_when(raw["created_at"]),
        updated_at=_when(raw["updated_at"]),
        runs=tuple(
            load_node_run(int(_str(key)), _dict(run)) for key, run in _dict(raw.get("nodes", {})).items()
        ),
        recordings=tuple(
            VoiceRecording(
                file_name=_str(r["file_name"]),
                seconds=_seconds(r["seconds"]),
                storage_period=_str(r["storage_period"]),
                created_at=_when(r["created_at"]),
                node=_opt_int(r.get("node")),
                transcription=_opt_str(r.get("transcription")),
            )
            for r in _list(raw.get("recordings", []))
        ),
        collected=tuple(
            CollectedDigits(_str(c["digits"]), _int(c["node"]), _bool(c["success"]))
            for c in _list(raw.get("collected", []))
        ),
        external=tuple(
            ExternalAction(_str(e["label"]), _int(e["node"]), _str(e["send_action_id"]))
            for e in _list(raw.get("external", []))
        ),
        base_url=_str(raw.get("base_url", "")),
    )


def load_node_run(key: int, raw: Mapping[str, Any]) -> NodeRun:
    return NodeRun(
        key=key,
        execution_count=_int(raw.get("execution_count", 0)),
        processed_at=_from(raw.get("processed_at")),
        route=_opt_str(raw.get("route")),
        pressed_at=_from(raw.get("pressed_at")),
        options={_str(key): _when(at) for key, at in _dict(raw.get("options", {})).items()},
    )
