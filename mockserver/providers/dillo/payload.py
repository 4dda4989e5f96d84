"""Reading ``POST /api/sendaction``: the envelope, the double-encoded ``MessagePayload`` and the
ChannelBehavior graph (dillo.md §3.1, §6). Every 400 names the field or node it is about.

The parsed graph is frozen data; the raw node objects are kept too, because the GET echoes the
ChannelBehavior back as the client sent it, plus runtime fields (§6.3).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mockserver.core.errors import InvalidParameter, MissingParameter
from mockserver.providers.dillo.fields import KEYS, Fields, Hook

NODE_KEY = re.compile(r"0|[1-9][0-9]{0,8}")
STORAGE_PERIODS = ("3-M", "6-M", "1-Y", "2-Y", "3-Y")  # RecordingStoragePeriod [D3]
MAX_NODES = 500
MAX_NESTING = 32  # the GET echoes the behavior back; a pathological depth must not break rendering
NODES = "ChannelBehavior.ChannelBehaviorNodes"


class SendActionType(StrEnum):
    VOICE = "Voice"
    SMS = "Sms"
    EMAIL = "Email"


class ActionType(StrEnum):
    SAY = "Say"
    PLAY = "Play"
    SILENCE = "Silence"
    MENU = "Menu"
    COLLECT = "Collect"
    RECORD = "Record"
    DIAL = "Dial"
    REDIRECT = "Redirect"
    HANGUP = "Hangup"


#: Dillo ActionTypes the SDK knows [D3] that the mock does not run: refused with a clear 400.
NOT_EMULATED = frozenset({"Conference", "AgentConference", "AgentPhone", "Storage"})
NO_DIGIT, WRONG_DIGIT = "NoDigit", "WrongDigit"


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Play:
    url: str


@dataclass(frozen=True)
class Silence:
    seconds: float


@dataclass(frozen=True)
class Menu:
    #: key ("0"-"9", "*", "#", NoDigit, WrongDigit) → the next node (None: the flow ends there)
    branches: Mapping[str, int | None]
    timeout: float = 5.0
    repeat_on_no_digit: bool = False
    repeat_on_wrong_digit: bool = False
    max_retries: int = 2
    retry_delay: float = 0.0
    default_digit: str | None = None
    option_callback: Hook | None = None

    def option(self, key: str) -> bool:
        return key in KEYS and key in self.branches


@dataclass(frozen=True)
class Collect:
    timeout: float = 5.0
    number_of_digits: int | None = None
    finish_on_key: str | None = None


@dataclass(frozen=True)
class Record:
    max_length: float = 60.0
    stop_on_key: str | None = None
    transcribe: bool | None = None  # None: the request's Transcribe
    storage_period: str = "3-M"
    record_callback: Hook | None = None
    transcribe_callback: Hook | None = None


@dataclass(frozen=True)
class Dial:
    destination: str
    timeout: float = 30.0


@dataclass(frozen=True)
class Redirect:
    node: int


@dataclass(frozen=True)
class Hangup:
    pass


Action = Say | Play | Silence | Menu | Collect | Record | Dial | Redirect | Hangup


@dataclass(frozen=True)
class ExternalActionSpec:
    """An SMS or e-mail send action a node fires when it runs (``ExternalActions`` on a node)."""

    type: SendActionType
    label: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Node:
    key: int
    type: ActionType
    action: Action
    next_node: int | None = None
    on_failure: int | None = None
    external: tuple[ExternalActionSpec, ...] = ()


@dataclass(frozen=True)
class VoicePayload:
    sender: str
    telephone_number: str
    nodes: Mapping[int, Node]
    raw_behavior: Mapping[str, Any]  # ChannelBehavior as sent, echoed back by the GET
    record: bool = False
    transcribe: bool = False
    ringing_timeout: float | None = None
    status_callback: Hook | None = None
    record_callback: Hook | None = None
    transcribe_callback: Hook | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Envelope:
    type: SendActionType
    payload: dict[str, Any]


# -- the envelope ------------------------------------------------------------------------------------
def parse_envelope(raw: bytes) -> Envelope:
    body = _json(raw, "the request body")
    if not isinstance(body, dict):
        raise InvalidParameter("The request body must be a JSON object")
    kind = body.get("SendActionType")
    if kind is None:
        raise MissingParameter("SendActionType is required (Voice, Sms or Email)", field="SendActionType")
    if kind not in tuple(SendActionType):
        raise InvalidParameter(
            f"SendActionType {kind!r} is not one of Voice, Sms, Email", field="SendActionType"
        )
    text = body.get("MessagePayload")
    if text is None:
        raise MissingParameter("MessagePayload is required", field="MessagePayload")
    if not isinstance(text, str):
        raise InvalidParameter(
            f"MessagePayload must be a JSON string (the serialized request), not a JSON {_json_type(text)}",
            field="MessagePayload",
        )
    payload = _json(text.encode("utf-8", errors="replace"), "MessagePayload")
    if not isinstance(payload, dict):
        raise InvalidParameter("MessagePayload must serialize a JSON object", field="MessagePayload")
    if nesting(payload) > MAX_NESTING:
        raise InvalidParameter(
            f"MessagePayload is nested deeper than {MAX_NESTING} levels", field="MessagePayload"
        )
    return Envelope(SendActionType(kind), payload)


def nesting(value: Any) -> int:
    """How deeply ``value`` nests objects and arrays (iteratively: a deep one must not blow the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _json(raw: bytes, what: str) -> Any:
    """Strict JSON, as .NET reads it: ``NaN``/``Infinity`` are refused."""
    try:
        return json.loads(raw, parse_constant=_refuse)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidParameter(f"{what} is not valid JSON") from None


def _refuse(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", bool: "boolean", int: "number", float: "number"}.get(
        type(value), "value"
    )


# -- the voice payload -------------------------------------------------------------------------------
def parse_voice(payload: Mapping[str, Any]) -> VoicePayload:
    p = Fields(payload, "")
    behavior = payload.get("ChannelBehavior")
    if behavior is None:
        raise MissingParameter("ChannelBehavior is required", field="ChannelBehavior")
    if not isinstance(behavior, dict):
        raise InvalidParameter("ChannelBehavior must be an object", field="ChannelBehavior")
    nodes = parse_nodes(behavior.get("ChannelBehaviorNodes"))
    return VoicePayload(
        sender=p.number("Sender", required=True) or "",
        telephone_number=p.number("TelephoneNumber", required=True) or "",
        nodes=nodes,
        raw_behavior=behavior,
        record=bool(p.boolean("Record", False)),
        transcribe=bool(p.boolean("Transcribe", False)),
        ringing_timeout=p.seconds("RingingTimeout", None, low=1, high=600),
        status_callback=p.hook("StatusCallback"),
        record_callback=p.hook("RecordStatusCallback"),
        transcribe_callback=p.hook("TranscribeStatusCallback"),
        data=p.mapping("Data"),
    )


def parse_nodes(raw: Any) -> dict[int, Node]:
    if raw is None:
        raise MissingParameter(f"{NODES} is required", field=NODES)
    if not isinstance(raw, dict) or not raw:
        raise InvalidParameter(f"{NODES} must be a non-empty object of nodes", field=NODES)
    if len(raw) > MAX_NODES:
        raise InvalidParameter(f"{NODES} has more than {MAX_NODES} nodes", field=NODES)
    nodes: dict[int, Node] = {}
    for key, value in raw.items():
        if not NODE_KEY.fullmatch(key):
            raise InvalidParameter(f"{NODES}: node key {key!r} is not a whole number", field=NODES)
        nodes[int(key)] = parse_node(int(key), value)
    if 0 not in nodes:
        raise InvalidParameter(f'{NODES}: the flow starts at node "0", which is missing', field=NODES)
    check_targets(nodes)
    check_labels(nodes)
    return nodes


def parse_node(key: int, raw: Any) -> Node:
    where = f"{NODES}.{key}"
    if not isinstance(raw, dict):
        raise InvalidParameter(f"{where} must be an object", field=where)
    n = Fields(raw, where)
    kind = raw.get("ActionType")
    if kind is None:
        raise MissingParameter(f"{where}.ActionType is required", field=f"{where}.ActionType")
    if kind in NOT_EMULATED:
        raise InvalidParameter(
            f"{where}.ActionType {kind!r} is not emulated by the mock", field=f"{where}.ActionType"
        )
    if kind not in tuple(ActionType):
        known = ", ".join(ActionType)
        raise InvalidParameter(
            f"{where}.ActionType {kind!r} is unknown (known: {known})", field=f"{where}.ActionType"
        )
    body = raw.get("ChannelBehaviorAction", {})
    if not isinstance(body, dict):
        raise InvalidParameter(
            f"{where}.ChannelBehaviorAction must be an object", field=f"{where}.ChannelBehaviorAction"
        )
    action = parse_action(ActionType(kind), Fields(body, f"{where}.ChannelBehaviorAction"))
    return Node(
        key=key,
        type=ActionType(kind),
        action=action,
        next_node=n.node("NextNode"),
        on_failure=n.node("OnFailureNextNode"),
        external=parse_external(raw.get("ExternalActions"), f"{where}.ExternalActions"),
    )


def parse_action(kind: ActionType, a: Fields) -> Action:
    match kind:
        case ActionType.SAY:
            return Say(a.text("Text", required=True) or "")
        case ActionType.PLAY:
            return Play(a.url("Url", required=True) or "")
        case ActionType.SILENCE:
            return Silence(a.seconds("Duration", 1.0, low=0) or 0.0)
        case ActionType.MENU:
            return parse_menu(a)
        case ActionType.COLLECT:
            return Collect(
                timeout=a.seconds("Timeout", 5.0, low=1, high=600) or 5.0,
                number_of_digits=a.integer("NumberOfDigits", None, low=1, high=64),
                finish_on_key=a.key("FinishOnKey"),
            )
        case ActionType.RECORD:
            return Record(
                max_length=a.seconds("MaxLength", 60.0, low=1) or 60.0,
                stop_on_key=a.key("StopOnKey"),
                transcribe=a.boolean("Transcribe", None),
                storage_period=a.choice("RecordingStoragePeriodCode", STORAGE_PERIODS, "3-M") or "3-M",
                record_callback=a.hook("RecordStatusCallback"),
                transcribe_callback=a.hook("TranscribeStatusCallback"),
            )
        case ActionType.DIAL:
            return Dial(
                destination=a.number("Destination", required=True) or "",
                timeout=a.seconds("Timeout", 30.0, low=1, high=600) or 30.0,
            )
        case ActionType.REDIRECT:
            target = a.node("Node")
            if target is None:
                raise MissingParameter(f"{a.where}.Node is required", field=f"{a.where}.Node")
            return Redirect(target)
        case ActionType.HANGUP:
            return Hangup()


def parse_menu(a: Fields) -> Menu:
    digits = a.data.get("Digits")
    where = f"{a.where}.Digits"
    if not isinstance(digits, dict) or not digits:
        raise InvalidParameter(f"{where} must be a non-empty object of digits", field=where)
    branches: dict[str, int | None] = {}
    for key, target in digits.items():
        if key not in KEYS and key not in (NO_DIGIT, WRONG_DIGIT):
            raise InvalidParameter(
                f"{where}: {key!r} is not a key (0-9, *, #, NoDigit, WrongDigit; voice words are not "
                "emulated)",
                field=where,
            )
        if not isinstance(target, dict):
            raise InvalidParameter(f"{where}.{key} must be an object", field=f"{where}.{key}")
        branches[key] = Fields(target, f"{where}.{key}").node("NextNode")
    default = a.key("DefaultDigit")
    if default is not None and default not in branches:
        raise InvalidParameter(f"{a.where}.DefaultDigit {default!r} is not one of the Digits", field=where)
    return Menu(
        branches=branches,
        timeout=a.seconds("Timeout", 5.0, low=1, high=600) or 5.0,
        repeat_on_no_digit=bool(a.boolean("RepeatOnNoDigit", False)),
        repeat_on_wrong_digit=bool(a.boolean("RepeatOnWrongDigit", False)),
        max_retries=a.integer("MaxRetries", 2, low=0, high=10) or 0,
        retry_delay=a.seconds("RetryDelay", 0.0, low=0, high=60) or 0.0,
        default_digit=default,
        option_callback=a.hook("OptionStatusCallback"),
    )


def parse_external(raw: Any, where: str) -> tuple[ExternalActionSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InvalidParameter(f"{where} must be an array", field=where)
    specs = []
    for index, entry in enumerate(raw):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            raise InvalidParameter(f"{at} must be an object", field=at)
        e = Fields(entry, at)
        kind = e.choice("ExternalActionType", (SendActionType.SMS, SendActionType.EMAIL), None)
        if kind is None:
            raise MissingParameter(f"{at}.ExternalActionType is required (Sms or Email)", field=at)
        label = e.text("ExternalActionLabel", required=True) or ""
        specs.append(ExternalActionSpec(SendActionType(kind), label, entry))
    return tuple(specs)


def check_targets(nodes: Mapping[int, Node]) -> None:
    """Every NextNode, OnFailureNextNode, digit target and Redirect names a node that exists."""
    for node in nodes.values():
        where = f"{NODES}.{node.key}"
        targets = [("NextNode", node.next_node), ("OnFailureNextNode", node.on_failure)]
        if isinstance(node.action, Menu):
            targets += [
                (f"ChannelBehaviorAction.Digits.{k}.NextNode", t) for k, t in node.action.branches.items()
            ]
        if isinstance(node.action, Redirect):
            targets.append(("ChannelBehaviorAction.Node", node.action.node))
        for name, target in targets:
            if target is not None and target not in nodes:
                raise InvalidParameter(
                    f"{where}.{name}: node {target} does not exist", field=f"{where}.{name}"
                )


def check_labels(nodes: Mapping[int, Node]) -> None:
    """External-action labels are unique in a request (the SDK refuses duplicates [D3])."""
    seen: set[str] = set()
    for node in nodes.values():
        for spec in node.external:
            if spec.label in seen:
                where = f"{NODES}.{node.key}.ExternalActions"
                raise InvalidParameter(
                    f"{where}: ExternalActionLabel {spec.label!r} is used twice", field=where
                )
            seen.add(spec.label)
