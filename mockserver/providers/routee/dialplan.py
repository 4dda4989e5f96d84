"""Routee's dialplan language: ``{"verbs": [SAY | PLAY | PAUSE | DIAL | COLLECT, ...]}`` → values.

[routee.md §6] The list must not be empty and may hold at most one DIAL. Booleans may be strings
("true"), and DIAL's ``callback`` may be a bare URL, as in Routee's own examples. Every problem is a
voice-module 400 that names the verb's path (``dialPlan.verbs[2].message.language``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.routee import fields
from mockserver.providers.routee.errors import Codes, RouteeError, invalid
from mockserver.providers.routee.fields import Callback, Destination, MachineDetection
from mockserver.providers.routee.vocabulary import LANGUAGES, Gender, RecordingFormat

MAX_VERBS = 100  # mock's choice: Routee documents no limit
MAX_REPEAT = 20  # mock's choice: Routee documents no maximum
ENDLESS = -1  # repeat: -1 loops "infinitely" (SAY / PLAY verb pages)
MAX_PAUSE = 3600
MAX_TEXT = 4000
DEFAULT_MAX_DIGITS = 30
DEFAULT_HANGUP_DELAY = 20
#: DIAL's hangupDelay: "Min value: 1" (DIAL verb page; no maximum, unlike the conversation's 60)
MAX_DIAL_WAIT = 86_400


@frozen
class Say:
    text: str
    language: str
    gender: Gender
    barge_in: bool = False
    repeat: int = 0  # Routee's default


@frozen
class Play:
    file_url: str
    barge_in: bool = False
    repeat: int = 0  # Routee's default


@frozen
class Pause:
    duration: int


@frozen
class Dial:
    from_: str
    to: Destination
    hangup_delay: int = DEFAULT_HANGUP_DELAY
    max_duration: int | None = None
    callback: Callback | None = None
    record: bool = False
    recording_format: RecordingFormat = RecordingFormat.MP3
    recording_callback_url: str | None = None
    machine_detection: MachineDetection | None = None


@frozen
class Collect:
    event_url: str | None = None
    max_digits: int = DEFAULT_MAX_DIGITS
    submit_on_hash: bool = False


Verb = Say | Play | Pause | Dial | Collect


@frozen
class Dialplan:
    verbs: tuple[Verb, ...]

    @property
    def first_message(self) -> Say | None:
        return next((v for v in self.verbs if isinstance(v, Say)), None)

    @property
    def first_file(self) -> str | None:
        return next((v.file_url for v in self.verbs if isinstance(v, Play)), None)


def parse_dialplan(value: Any, field: str = "dialPlan") -> Dialplan:
    body = fields.obj(value, field, Codes.DIALPLAN)
    verbs = body.get("verbs")
    if not isinstance(verbs, list) or not verbs:
        raise invalid(Codes.DIALPLAN, f"{field}.verbs", f"{field}.verbs must be a non-empty array")
    if len(verbs) > MAX_VERBS:
        raise invalid(Codes.DIALPLAN, f"{field}.verbs", f"{field}.verbs may hold at most {MAX_VERBS} verbs")
    parsed = tuple(parse_verb(verb, f"{field}.verbs[{i}]") for i, verb in enumerate(verbs))
    if sum(isinstance(v, Dial) for v in parsed) > 1:
        raise invalid(Codes.TWO_DIALS, f"{field}.verbs", f"{field}.verbs may hold at most one DIAL")
    return Dialplan(parsed)


def parse_reply(body: bytes) -> Dialplan:
    """A dialplan an eventUrl / dialPlanUrl answered with; raises RouteeError if it is not one."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise invalid(Codes.DIALPLAN, "dialPlan", "the reply is not JSON") from None
    return parse_dialplan(value)


def parse_verb(value: Any, field: str) -> Verb:
    verb = fields.obj(value, field, Codes.VERB)
    kind = verb.get("type")
    parser = PARSERS.get(kind) if isinstance(kind, str) else None
    if parser is None:
        raise invalid(Codes.VERB, f"{field}.type", f"{field}.type must be one of {', '.join(PARSERS)}")
    return parser(verb, field)


def _flag(verb: dict[str, Any], name: str, field: str) -> bool:
    value = verb.get(name)
    return False if value is None else fields.boolean(value, f"{field}.{name}", Codes.VERB)


def _number(verb: dict[str, Any], name: str, field: str, default: int, low: int, high: int) -> int:
    value = verb.get(name)
    if value is None:
        return default
    return fields.integer(value, f"{field}.{name}", Codes.VERB, low, high)


def _say(verb: dict[str, Any], field: str) -> Say:
    message = fields.obj(verb.get("message"), f"{field}.message", Codes.VERB)
    language = message.get("language")
    if language not in LANGUAGES:
        raise invalid(
            Codes.VERB, f"{field}.message.language", f"{field}.message.language must be one of the 14 codes"
        )
    gender = message.get("gender", Gender.FEMALE.value)
    if gender not in {g.value for g in Gender}:
        raise invalid(Codes.VERB, f"{field}.message.gender", f"{field}.message.gender must be male or female")
    return Say(
        text=fields.text(message.get("text"), f"{field}.message.text", Codes.VERB, MAX_TEXT),
        language=str(language),
        gender=Gender(gender),
        barge_in=_flag(verb, "bargeIn", field),
        repeat=_number(verb, "repeat", field, 0, ENDLESS, MAX_REPEAT),
    )


def _play(verb: dict[str, Any], field: str) -> Play:
    return Play(
        file_url=fields.url(verb.get("fileURL"), f"{field}.fileURL", Codes.VERB),
        barge_in=_flag(verb, "bargeIn", field),
        repeat=_number(verb, "repeat", field, 0, ENDLESS, MAX_REPEAT),
    )


def _pause(verb: dict[str, Any], field: str) -> Pause:
    return Pause(_number(verb, "duration", field, 1, 0, MAX_PAUSE))


def _dial(verb: dict[str, Any], field: str) -> Dial:
    fmt = verb.get("recordingFormat", RecordingFormat.MP3.value)
    if fmt not in {f.value for f in RecordingFormat}:
        raise invalid(Codes.VERB, f"{field}.recordingFormat", f"{field}.recordingFormat must be WAV or MP3")
    callback = verb.get("callback")
    machine = verb.get("machineDetection")
    recording_url = verb.get("recordingCallbackUrl")
    max_duration = verb.get("maxDuration")
    return Dial(
        from_=fields.text(verb.get("from"), f"{field}.from", Codes.VERB, 64),
        to=fields.destination(verb.get("to"), f"{field}.to", Codes.VERB),
        hangup_delay=DEFAULT_HANGUP_DELAY
        if verb.get("hangupDelay") is None
        else fields.integer(verb["hangupDelay"], f"{field}.hangupDelay", Codes.RANGE, 1, MAX_DIAL_WAIT),
        max_duration=None
        if max_duration is None
        else fields.integer(max_duration, f"{field}.maxDuration", Codes.RANGE, 1, 86_400),
        callback=None if callback is None else fields.callback(callback, f"{field}.callback"),
        record=_flag(verb, "record", field),
        recording_format=RecordingFormat(fmt),
        recording_callback_url=None
        if recording_url is None
        else fields.url(recording_url, f"{field}.recordingCallbackUrl", Codes.VERB),
        machine_detection=None
        if machine is None
        else fields.machine_detection(machine, f"{field}.machineDetection"),
    )


def _collect(verb: dict[str, Any], field: str) -> Collect:
    event_url = verb.get("eventUrl")
    return Collect(
        event_url=None if event_url is None else fields.url(event_url, f"{field}.eventUrl", Codes.VERB),
        max_digits=_number(verb, "maxDigits", field, DEFAULT_MAX_DIGITS, 1, 100),
        submit_on_hash=_flag(verb, "submitOnHash", field),
    )


PARSERS: dict[str, Callable[[dict[str, Any], str], Verb]] = {
    "SAY": _say,
    "PLAY": _play,
    "PAUSE": _pause,
    "DIAL": _dial,
    "COLLECT": _collect,
}

__all__ = ["Dialplan", "RouteeError", "Verb", "parse_dialplan", "parse_reply"]
