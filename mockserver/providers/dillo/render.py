"""Dillo resources as JSON, with the names and casing of Dillo's "Get voice call status" page ([STATUS])."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from mockserver.core.calls import Call
from mockserver.providers.dillo import audio, pricing
from mockserver.providers.dillo.models import NodeRun, VoiceRecording, VoiceRequest
from mockserver.providers.dillo.status import description, status_json

#: ``CollectedDigits.ReasonForFailure`` (a Dillo.Voice property) when nothing was keyed in; Dillo's
#: own words are unknown (mock's choice).
NO_INPUT = "NoInput"


def date(at: datetime | None) -> str | None:
    """ISO 8601 UTC with milliseconds and ``Z``: ``2026-01-01T09:00:07.000Z`` (mock's choice, §9.6)."""
    if at is None:
        return None
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def call_duration(call: Call) -> float:
    """Seconds from answer to hang-up; 0 until the call has ended or when it was never answered."""
    answered, ended = call.answered_at, call.ended_at
    if answered is None or ended is None:
        return 0.0
    return round((ended - answered).total_seconds(), 3)


def voice_request_json(call: Call, request: VoiceRequest) -> dict[str, Any]:
    """``GET /api/sendaction/voice/{id}``: every field of [STATUS], in its order."""
    payload = request.payload
    return {
        "Id": request.id,
        "Sender": payload.sender,
        "TelephoneNumber": payload.telephone_number,
        "ChannelBehavior": channel_behavior(request),
        "CreatedOnUtc": date(request.created_at),
        "UpdatedOnUtc": date(max(request.updated_at, call.updated_at)),
        "AnswerDate": date(call.answered_at),
        "HangupDate": date(call.ended_at),
        "CallDuration": call_duration(call),
        "Price": float(pricing.total(call, request.recordings)),
        "PriceDescription": pricing.description(call, request.recordings),
        "CustomerCode": request.customer_code,
        "Status": status_json(call.state),
        "StatusDescription": description(call.state),
        "Recordings": [recording_json(request, r) for r in request.recordings],
        "CollectedDigits": [
            {
                "Digits": c.digits,
                "Node": c.node,
                "IsSuccess": c.success,
                "ReasonForFailure": None if c.success else NO_INPUT,
            }
            for c in request.collected
        ],
        "ExternalActions": [
            {"Label": e.label, "NodeKey": e.node, "ExternalActionId": e.send_action_id}
            for e in request.external
        ],
    }


def render_key(call: Call, request: VoiceRequest) -> tuple[Any, ...]:
    """Every input of :func:`voice_request_json`: the call (frozen) and the request's mutable parts by
    value, so a cached body is served only while none of them changed (provider.RenderCache)."""
    nodes = tuple(
        (r.key, r.execution_count, r.processed_at, r.route, r.pressed_at, tuple(r.options.items()))
        for r in request.runs
    )
    return (
        call,
        request.id,
        request.customer_code,
        request.payload,
        request.created_at,
        request.updated_at,
        request.base_url,
        nodes,
        tuple(request.recordings),
        tuple(request.collected),
        tuple(request.external),
    )


def channel_behavior(request: VoiceRequest) -> str:
    """The ChannelBehavior as sent, serialized to a JSON string, every node carrying the runtime
    fields (§6.3): ``IsProcessed, IsPressed, Timestamp, ExecutionCount, Route``. Menu digit entries
    carry ``IsPressed`` and ``Timestamp`` of the press."""
    behavior = request.payload.behavior_as_sent()
    raw_nodes: dict[str, Any] = behavior["ChannelBehaviorNodes"]
    for key, raw in raw_nodes.items():
        run = request.ran(int(key)) or NodeRun(int(key))
        raw.update(runtime_fields(run))
        digits = raw.get("ChannelBehaviorAction", {}).get("Digits")
        if raw.get("ActionType") == "Menu" and isinstance(digits, dict):
            for digit, entry in digits.items():
                pressed = run.options.get(digit)
                entry.update({"IsPressed": pressed is not None, "Timestamp": date(pressed)})
    return json.dumps(behavior, separators=(",", ":"), ensure_ascii=False)


def runtime_fields(run: NodeRun) -> dict[str, Any]:
    return {
        "IsProcessed": run.execution_count > 0,
        "IsPressed": run.pressed_at is not None,
        "Timestamp": date(run.pressed_at or run.processed_at),
        "ExecutionCount": run.execution_count,
        "Route": run.route,
    }


def recording_json(request: VoiceRequest, recording: VoiceRecording) -> dict[str, Any]:
    """A ``VoiceCallRecording`` ([STATUS]), including its lower-case
    ``transcriptionNumberOfIntervals``, plus ``NumberOfIntervals`` (the recording's billed intervals:
    a Dillo.Voice ``VoiceCallRecording`` property the docs page does not list)."""
    return {
        "FileName": recording.file_name,
        "Url": recording_url(request, recording),
        "Duration": recording.seconds,
        "HasTranscription": recording.transcription is not None,
        "Transcription": recording.transcription,
        "FileSize": audio.file_size(recording.seconds),
        "Price": float(pricing.recording_price(recording)),
        "TranscriptionPrice": float(pricing.transcription_price(recording)),
        "Interval": pricing.RECORDING_INTERVAL,
        "TranscriptionInterval": pricing.TRANSCRIPTION_INTERVAL,
        "transcriptionNumberOfIntervals": pricing.transcription_intervals(recording),
        "RecordingStoragePeriodCode": recording.storage_period,
        "NumberOfIntervals": pricing.intervals(recording.seconds, pricing.RECORDING_INTERVAL),
    }


def recording_url(request: VoiceRequest, recording: VoiceRecording) -> str:
    """Where the mock serves the recording as a WAV (mock-only; Dillo's own storage URL is unknown)."""
    return f"{request.base_url}/api/sendaction/voice/{request.id}/recordings/{recording.file_name}"
