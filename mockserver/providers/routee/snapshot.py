"""Routee's state as JSON-ready data and back (``POST /_mock/snapshot`` / ``POST /_mock/restore``).

Applications (with their inbound numbers), tokens with their expiry, the rate limiter's last placement
per application, conversations (their request body, re-read on restore) and voice messages (legs: the
DIAL verb that placed one, collected tones, recordings). Times are ISO 8601 with microseconds. A
dialplan that was running is not resumed: the restored call keeps its state, nothing more happens.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from mockserver.core.serialize import strict_array as _list
from mockserver.core.serialize import strict_object as _dict
from mockserver.core.serialize import strict_text as _str
from mockserver.core.serialize import strict_time as _when
from mockserver.providers.routee import applications, fields, params
from mockserver.providers.routee.dialplan import Dial, parse_verb
from mockserver.providers.routee.errors import Codes
from mockserver.providers.routee.models import (
    DEFAULT_EXPIRES_IN,
    Application,
    Conversation,
    Leg,
    RecordingInfo,
    RouteeState,
    Token,
)
from mockserver.providers.routee.vocabulary import Direction


def _at(value: datetime) -> str:
    return value.isoformat()


def _int(value: Any, high: int = 86_400) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise TypeError(f"expected a whole number from 0 to {high}, got {value!r}")
    return value


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(_str(v) for v in _list(value))


# -- out -------------------------------------------------------------------------------------------
def dump(state: RouteeState) -> dict[str, Any]:
    return {
        "applications": [applications.application_json(a) for a in state.applications.values()],
        "tokens": [
            {
                "value": t.value,
                "application_id": t.application_id,
                "scopes": list(t.scopes),
                "permissions": list(t.permissions),
                "expires_at": _at(t.expires_at),
            }
            for t in state.tokens.values()
        ],
        "last_placed": {app_id: _at(at) for app_id, at in state.last_placed.items()},
        "conversations": [
            {
                "tracking_id": c.tracking_id,
                "application_id": c.application_id,
                "request": c.request.echo,
                "created_at": _at(c.created_at),
                "call_id": c.call_id,
                "base_url": c.base_url,
                "direction": c.direction.value,
            }
            for c in state.conversations.values()
        ],
        "legs": [dump_leg(leg) for leg in state.legs.values()],
    }


def dump_leg(leg: Leg) -> dict[str, Any]:
    return {
        "call_id": leg.call_id,
        "message_id": leg.message_id,
        "conversation_id": leg.conversation_id,
        "to": leg.to.json(),
        "from": leg.from_,
        "callback": None if leg.callback is None else callback_json(leg.callback),
        "machine_detection": None if leg.machine_detection is None else machine_json(leg.machine_detection),
        "max_duration": leg.max_duration,
        "dial": None if leg.dial is None else dial_json(leg.dial),
        "direction": leg.direction.value,
        "collected_tones": leg.collected_tones,
        "recordings": [
            {
                **dataclasses.asdict(r),
                "start": _at(r.start),
                "end": _at(r.end),
                "message_ids": list(r.message_ids),
            }
            for r in leg.recordings
        ],
    }


def callback_json(callback: fields.Callback) -> dict[str, Any]:
    return {"url": callback.url, "strategy": callback.strategy.value}


def machine_json(machine: fields.MachineDetection) -> dict[str, Any]:
    body: dict[str, Any] = {"strategy": machine.strategy.value}
    if machine.event_url is not None:
        body["eventUrl"] = machine.event_url
    return body


def dial_json(dial: Dial) -> dict[str, Any]:
    """A DIAL verb as Routee's JSON, which :func:`parse_verb` reads back to the same value."""
    verb: dict[str, Any] = {
        "type": "DIAL",
        "from": dial.from_,
        "to": dial.to.json(),
        "hangupDelay": dial.hangup_delay,
        "record": dial.record,
        "recordingFormat": dial.recording_format.value,
    }
    if dial.max_duration is not None:
        verb["maxDuration"] = dial.max_duration
    if dial.callback is not None:
        verb["callback"] = callback_json(dial.callback)
    if dial.recording_callback_url is not None:
        verb["recordingCallbackUrl"] = dial.recording_callback_url
    if dial.machine_detection is not None:
        verb["machineDetection"] = machine_json(dial.machine_detection)
    return verb


# -- back ------------------------------------------------------------------------------------------
def load(state: RouteeState, data: Mapping[str, Any]) -> None:
    """Replace ``state`` with ``data`` (missing keys leave that part as it is)."""
    if "applications" in data:
        state.applications.clear()
        for raw in _list(data["applications"]):
            app_id = applications.text(_dict(raw), "applicationId") or ""
            base = Application(app_id, "", "", applications.ALL_SCOPES, DEFAULT_EXPIRES_IN)
            app = applications.updated(base, raw)
            state.applications[app.id] = app
    for raw in _list(data.get("tokens", [])):
        token = Token(
            value=_str(raw["value"]),
            application_id=_str(raw["application_id"]),
            scopes=_strings(raw["scopes"]),
            permissions=_strings(raw["permissions"]),
            expires_at=_when(raw["expires_at"]),
        )
        state.tokens[token.value] = token
    state.last_placed.update({_str(k): _when(v) for k, v in _dict(data.get("last_placed", {})).items()})
    for raw in _list(data.get("conversations", [])):
        echo = _dict(raw["request"])
        conversation = Conversation(
            tracking_id=_str(raw["tracking_id"]),
            application_id=_str(raw["application_id"]),
            request=dataclasses.replace(params.conversation(echo), echo=echo),
            created_at=_when(raw["created_at"]),
            call_id=_str(raw["call_id"]),
            base_url=_str(raw["base_url"]),
            direction=Direction(raw.get("direction", Direction.OUTBOUND.value)),
        )
        state.conversations[conversation.tracking_id] = conversation
    for raw in _list(data.get("legs", [])):
        leg = load_leg(_dict(raw))
        state.legs[leg.call_id] = leg


def load_leg(raw: Mapping[str, Any]) -> Leg:
    callback, machine, dial = raw.get("callback"), raw.get("machine_detection"), raw.get("dial")
    parsed_dial = None if dial is None else parse_verb(dial, "dial")
    assert parsed_dial is None or isinstance(parsed_dial, Dial)
    max_duration = raw.get("max_duration")
    return Leg(
        call_id=_str(raw["call_id"]),
        message_id=_str(raw["message_id"]),
        conversation_id=_str(raw["conversation_id"]),
        to=fields.destination(raw["to"], "to", Codes.TO),
        from_=_str(raw["from"]),
        callback=None if callback is None else fields.callback(callback, "callback"),
        machine_detection=None if machine is None else fields.machine_detection(machine, "machineDetection"),
        max_duration=None if max_duration is None else _int(max_duration),
        dial=parsed_dial,
        direction=Direction(raw.get("direction", Direction.OUTBOUND.value)),
        collected_tones=_str(raw.get("collected_tones", "")),
        recordings=[load_recording(_dict(r)) for r in _list(raw.get("recordings", []))],
    )


def load_recording(raw: Mapping[str, Any]) -> RecordingInfo:
    fmt = _str(raw["format"])
    if fmt not in ("mp3", "wav"):
        raise ValueError(f"a recording's format is mp3 or wav, not {fmt!r}")
    return RecordingInfo(
        tracking_id=_str(raw["tracking_id"]),
        start=_when(raw["start"]),
        end=_when(raw["end"]),
        from_=_str(raw["from_"]),
        to=_str(raw["to"]),
        message_ids=_strings(raw["message_ids"]),
        conversation_tracking_id=_str(raw["conversation_tracking_id"]),
        duration=_int(raw["duration"]),
        format=fmt,
        url=_str(raw["url"]),
    )
