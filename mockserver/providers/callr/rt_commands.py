"""The Real-Time language: an ``RT.Response`` body → one command value, checked (D-RT, callr.md §6).

Anything the mock cannot run is an :class:`RtError` whose ``code`` becomes the ``command_error`` of the
final request (mock's choice, callr.md §9.6): ``INVALID_RESPONSE`` (not a JSON object),
``UNKNOWN_COMMAND``, ``INVALID_PARAMS``.
"""

from __future__ import annotations

import json
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.callr.errors import RpcError
from mockserver.providers.callr.models import Target
from mockserver.providers.callr.params import (
    CDR_FIELD,
    CLI,
    MEDIA,
    TARGET,
    Field,
    Kind,
    Schema,
    check_object,
)


class RtError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@frozen
class Hangup:
    pass


@frozen
class HangupCallid:
    callid: int


@frozen
class Play:
    media: int | str


@frozen
class TalkDetect:
    """``play_talk_detect``: play ``media`` and listen. Talk is detected when the callee speaks for
    ``min_ms`` to ``max_ms`` and then is silent for ``silence_ms``, all within the first
    ``analysistime_ms`` of the playback; detection stops the playback (the parameters of Asterisk's
    BackgroundDetect, whose names these are — the semantics are mock's choice)."""

    media: int | str
    silence_ms: int
    min_ms: int
    max_ms: int
    analysistime_ms: int

    def hears(self, talk_ms: int, media_ms: int) -> int | None:
        """When talk is detected (ms into the command) for ``talk_ms`` of speech from its start, or
        None: the media then plays to its end."""
        detected_at = talk_ms + self.silence_ms
        if talk_ms <= 0 or not self.min_ms <= talk_ms <= self.max_ms:
            return None
        return detected_at if detected_at <= min(self.analysistime_ms, media_ms) else None


@frozen
class PlayRecord:
    media_file: str


@frozen
class Read:
    media: int | str
    max_digits: int
    attempts: int
    timeout_ms: int


@frozen
class Record:
    max_duration: int
    silence: int


@frozen
class SendDtmf:
    digits: str
    duration_ms: int
    timeout_ms: int


@frozen
class Wait:
    seconds: int


@frozen
class WaitForSilence:
    silence_ms: int
    iterations: int
    timeout: int


@frozen
class Dialout:
    targets: tuple[Target, ...]
    cli: str | None
    cdr_field: str | None


@frozen
class Conference:
    room: str
    auto_leave_when_alone: bool


@frozen
class CallRecording:
    start: bool


Command = (
    Hangup
    | HangupCallid
    | Play
    | TalkDetect
    | PlayRecord
    | Read
    | Record
    | SendDtmf
    | Wait
    | WaitForSilence
    | Dialout
    | Conference
    | CallRecording
)


@frozen
class Response:
    command: str
    command_id: Any
    variables: dict[str, Any] | None  # None: the reply had none (the last ones are kept)
    action: Command


def between(low: int, high: int, required: bool = False) -> Field:
    return Field(Kind.INT, required=required, low=low, high=high)


CONFERENCE_MEDIA = ("welcome", "waiting", "pin_prompt", "pin_error", "pin_valid", "user_join", "user_leave")

#: command → the params it takes (PHP/.NET SDK builders).
SCHEMAS: dict[str, Schema] = {
    "hangup": {},
    "hangup_callid": {"callid": Field(Kind.INT, required=True, low=0)},
    "play": {"media_id": Field(Kind.MEDIA, required=True)},
    "play_wav_data": {"audio_data": Field(Kind.STRING, required=True)},
    "play_record": {"media_file": Field(Kind.STRING, required=True)},
    # PHP SDK Command::playTalkDetect($media, $silenceMs = 5, $minMs = 500, $maxMs = 60000,
    # $analysistimeMs = 4000); CALLR documents no ranges: 0 to 10 minutes each (mock's choice).
    "play_talk_detect": {
        "media_id": Field(Kind.MEDIA, required=True),
        "silence_ms": between(0, 600_000),
        "min_ms": between(0, 600_000),
        "max_ms": between(0, 600_000),
        "analysistime_ms": between(0, 600_000),
    },
    "read": {
        "media_id": Field(Kind.MEDIA, required=True),
        "max_digits": between(1, 20),
        "attempts": between(1, 10),
        "timeout_ms": between(100, 30000),
    },
    "record": {"max_duration": between(0, 300), "silence": between(0, 20)},
    "send_dtmf": {
        "digits": Field(Kind.STRING, required=True, pattern=r"[0-9*#]{1,64}", format="DTMF (0-9, *, #)"),
        "duration_ms": between(1, 5000),
        "timeout_ms": between(0, 10000),
    },
    "wait": {"wait": between(1, 30), "seconds": between(1, 30)},
    "wait_for_silence": {
        "silence_ms": between(1, 5000),
        "iterations": between(1, 10),
        "timeout": between(0, 300),
    },
    "dialout": {
        "targets": Field(Kind.ARRAY, required=True, items=Field(Kind.OBJECT, schema=TARGET)),
        "cli": CLI,
        "ringtone": Field(Kind.STRING, choices=("RING", "MUSIC")),
        "whisper": MEDIA,
        "cdr_field": CDR_FIELD,
    },
    "conference": {
        "id": Field(Kind.MEDIA, required=True),
        **{name: MEDIA for name in CONFERENCE_MEDIA},
        "pin_code": Field(Kind.STRING, pattern=r"[0-9]{0,16}", format="digits"),
        "pin_max_tries": between(1, 10),
        "pin_wait": between(0, 30),
        "auto_leave_when_alone": Field(Kind.BOOL),
        "auto_leave_announce": MEDIA,
    },
    "simple_conference": {"id": Field(Kind.MEDIA, required=True), "auto_leave_when_alone": Field(Kind.BOOL)},
    "start_call_recording": {"announce": MEDIA},
    "stop_call_recording": {"announce": MEDIA},
}


def parse_response(body: bytes) -> Response:
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RtError("INVALID_RESPONSE", "the reply is not UTF-8 JSON") from None
    if not isinstance(document, dict):
        raise RtError("INVALID_RESPONSE", "the reply is not an RT.Response object")
    name = document.get("command")
    if not isinstance(name, str) or name not in SCHEMAS:
        raise RtError("UNKNOWN_COMMAND", f"unknown command {name!r}")
    raw = document.get("params")
    variables = document.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise RtError("INVALID_RESPONSE", "variables must be an object")
    try:
        params = check_object({} if raw is None else raw, SCHEMAS[name], "params")
    except RpcError as exc:
        raise RtError("INVALID_PARAMS", f"{name}: {exc.message}") from None
    return Response(name, document.get("command_id", 0), variables, build(name, params))


def talk_detect(p: dict[str, Any]) -> TalkDetect:
    """The PHP SDK's defaults fill what the reply leaves out."""

    def value(name: str, default: int) -> int:
        given = p.get(name)
        return default if given is None else int(given)

    command = TalkDetect(
        p["media_id"],
        value("silence_ms", 5),
        value("min_ms", 500),
        value("max_ms", 60_000),
        value("analysistime_ms", 4000),
    )
    if command.min_ms > command.max_ms:
        raise RtError("INVALID_PARAMS", "play_talk_detect: params.min_ms must not exceed params.max_ms")
    return command


def build(name: str, p: dict[str, Any]) -> Command:
    match name:
        case "hangup":
            return Hangup()
        case "hangup_callid":
            return HangupCallid(p["callid"])
        case "play":
            return Play(p["media_id"])
        case "play_wav_data":
            return Play("wav_data")
        case "play_record":
            return PlayRecord(p["media_file"])
        case "play_talk_detect":
            return talk_detect(p)
        case "read":
            return Read(
                p["media_id"], p.get("max_digits") or 1, p.get("attempts") or 1, p.get("timeout_ms") or 5000
            )
        case "record":
            return Record(p.get("max_duration") or 0, p.get("silence") or 0)
        case "send_dtmf":
            return SendDtmf(p["digits"], p.get("duration_ms") or 500, p.get("timeout_ms") or 500)
        case "wait":
            seconds = p.get("wait") or p.get("seconds")
            if seconds is None:
                raise RtError("INVALID_PARAMS", "wait: params.wait (or params.seconds) is required")
            return Wait(seconds)
        case "wait_for_silence":
            return WaitForSilence(
                p.get("silence_ms") or 1000, p.get("iterations") or 1, p.get("timeout") or 0
            )
        case "dialout":
            targets = tuple(Target(t["number"], t.get("timeout") or 30) for t in p["targets"])
            if not targets:
                raise RtError("INVALID_PARAMS", "dialout: params.targets is empty")
            return Dialout(targets, p.get("cli"), p.get("cdr_field"))
        case "conference" | "simple_conference":
            return Conference(str(p["id"]), bool(p.get("auto_leave_when_alone")))
        case _:
            return CallRecording(start=name == "start_call_recording")
