"""Parsing ``ChannelBehavior.ChannelBehaviorNodes`` into :mod:`graph` values (dillo.md §6): every node,
its action, its external actions, and the checks across nodes (targets exist, labels are unique). Every
400 names the node and field it is about."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from mockserver.core.errors import InvalidParameter, MissingParameter
from mockserver.providers.dillo.envelope import SendActionType
from mockserver.providers.dillo.fields import KEYS, NOTHING, Fields, Hook
from mockserver.providers.dillo.graph import (
    SPECIAL_KEYS,
    Action,
    ActionType,
    Agent,
    Collect,
    Conference,
    Dial,
    ExternalActionSpec,
    Hangup,
    Menu,
    Node,
    Play,
    Record,
    Redirect,
    Say,
    Silence,
    Storage,
)

NODE_KEY = re.compile(r"0|[1-9][0-9]{0,8}")
STORAGE_PERIODS = ("3-M", "6-M", "1-Y", "2-Y", "3-Y")  # RecordingStoragePeriod [SDK]
MAX_NODES = 500
NODES = "ChannelBehavior.ChannelBehaviorNodes"


#: How many distinct flows (as sent) keep their parsed nodes for the next request that sends them.
SHARED_FLOWS = 256


def parse_nodes(raw: Any) -> Mapping[int, Node]:
    """The flow's nodes, parsed. A flow sent before gives back the nodes parsed then: nodes and their
    actions are frozen, so every call that sends one flow (a broadcast, a load test) shares one parsed
    copy instead of keeping ~20 objects of its own (issue 14 goal 4). Equal JSON text is an equal flow:
    the text keeps the keys' order and tells 1 from 1.0 and true."""
    if not isinstance(raw, dict) or not raw or len(raw) > MAX_NODES:
        return _parse_nodes(raw)  # the error, as ever
    return _shared_nodes(json.dumps(raw, separators=(",", ":"), ensure_ascii=False))


@functools.lru_cache(maxsize=SHARED_FLOWS)
def _shared_nodes(text: str) -> Mapping[int, Node]:
    """Never changed once made: callers hold it as a Mapping (a flow that does not parse is not kept:
    its error is raised again for the next request that sends it)."""
    return _parse_nodes(json.loads(text))


def _parse_nodes(raw: Any) -> dict[int, Node]:
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
    return nodes


def parse_node(key: int, raw: Any) -> Node:
    where = f"{NODES}.{key}"
    if not isinstance(raw, dict):
        raise InvalidParameter(f"{where} must be an object", field=where)
    n = Fields(raw, where)
    kind = raw.get("ActionType")
    if kind is None:
        raise MissingParameter(f"{where}.ActionType is required", field=f"{where}.ActionType")
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
    if "ExternalActions" in raw:
        raise InvalidParameter(
            f"{where}.ExternalActions: external actions belong to the request (ExternalActions, as "
            "Dillo.Voice sends them); a Menu option, Collect or Record fires one by ExternalActionLabel",
            field=f"{where}.ExternalActions",
        )
    fields = Fields(body, f"{where}.ChannelBehaviorAction")
    action = parse_action(ActionType(kind), fields)
    fields_hook: Hook | None = (
        redirect_hook(fields)
        if isinstance(action, Redirect) and action.node is None
        else action_callback(fields)
    )
    # The SDK keeps OnFailureNextNode in the action (CollectAction, AgentPhoneAction); a node-level
    # one is read too (the mock's leniency), the action's wins.
    on_failure = fields.node("OnFailureNextNode")
    return Node(
        key=key,
        type=ActionType(kind),
        action=action,
        next_node=n.node("NextNode"),
        on_failure=on_failure if on_failure is not None else n.node("OnFailureNextNode"),
        label=fields.text("ExternalActionLabel", max_length=200)
        if isinstance(action, Collect | Record)
        else None,
        callback=fields_hook,
        music_on_hold=bool(fields.boolean("CallbackPlayMusicOnHold", False)),
    )


def redirect_hook(a: Fields) -> Hook:
    """The SDK's Redirect: ``Url`` with ``MethodType`` (GET or POST; POST when absent, mock's choice)."""
    url = a.url("Url", required=True) or ""
    method = (a.text("MethodType") or "POST").upper()
    if method not in ("GET", "POST"):
        raise InvalidParameter(f"{a.name('MethodType')} must be GET or POST", field=a.name("MethodType"))
    return Hook(url, method)


def action_callback(a: Fields) -> Hook | None:
    """The per-action ``CallbackUrl`` with ``CallbackMethod`` (the SDK also spells it
    ``CallbackUrlMethod``; given both, they must agree)."""
    hook = a.hook("Callback")
    alias = a.text("CallbackUrlMethod")
    if alias is None:
        return hook
    method = alias.upper()
    given = a.text("CallbackMethod")
    if method not in ("GET", "POST") or (given is not None and given.upper() != method):
        raise InvalidParameter(
            f"{a.name('CallbackUrlMethod')} must be GET or POST (and agree with CallbackMethod)",
            field=a.name("CallbackUrlMethod"),
        )
    return None if hook is None else Hook(hook.url, method)


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
                storage_period=storage_period(a),
                record_callback=a.hook("RecordStatusCallback"),
                transcribe_callback=a.hook("TranscribeStatusCallback"),
            )
        case ActionType.DIAL:
            if "Destination" in a.data and "TelephoneNumber" not in a.data:
                raise InvalidParameter(
                    f"{a.name('Destination')}: a Dial's number is {a.name('TelephoneNumber')} "
                    "(Dillo.Voice DialAction has no Destination)",
                    field=a.name("TelephoneNumber"),
                )
            return Dial(
                destination=a.number("TelephoneNumber", required=True) or "",
                timeout=a.seconds("Timeout", 30.0, low=1, high=600) or 30.0,
                sender=a.number("Sender"),
                record=bool(a.boolean("Record", False)),
                storage_period=storage_period(a),
            )
        case ActionType.REDIRECT:
            target = a.node("Node")
            if target is None and a.data.get("Url") is None:
                raise MissingParameter(
                    f"{a.where}.Url is required (or the mock's Node)", field=f"{a.where}.Url"
                )
            return Redirect(target)
        case ActionType.HANGUP:
            return Hangup()
        case ActionType.CONFERENCE:
            return Conference(
                room=a.text("RoomName", required=True, max_length=200) or "",
                record=bool(a.boolean("Record", False)),
                storage_period=storage_period(a),
                record_callback=a.hook("RecordStatusCallback"),
            )
        case ActionType.AGENT_CONFERENCE | ActionType.AGENT_PHONE:
            return Agent(
                name=a.text("AgentName", required=True, max_length=200) or "",
                record=bool(a.boolean("Record", False)),
                storage_period=storage_period(a),
            )
        case ActionType.STORAGE:
            return Storage(
                key=a.text("Key", required=True, max_length=200) or "",
                value=a.text("Value", max_length=4000) or "",
            )


def storage_period(a: Fields) -> str:
    return a.choice("RecordingStoragePeriodCode", STORAGE_PERIODS, "3-M") or "3-M"


def parse_menu(a: Fields) -> Menu:
    """``Digits`` (keys and the special keys) and ``Voices`` (words or phrases, plus ``NoWord`` /
    ``WrongWord``), as the SDK's ``MenuAction`` serializes them; ``Intents`` is accepted and never
    matched (the mock understands no intents)."""
    labels: dict[str, str] = {}
    branches = targets(a, "Digits", lambda key: key in KEYS or key in SPECIAL_KEYS, labels)
    voices = targets(a, "Voices", lambda key: bool(key.strip()) and len(key) <= 200, labels)
    targets(a, "Intents", lambda key: bool(key.strip()) and len(key) <= 200, {})
    words = {k: t for k, t in voices.items() if k not in SPECIAL_KEYS}
    branches.update({k: t for k, t in voices.items() if k in SPECIAL_KEYS})
    if not branches and not words:
        where = f"{a.where}.Digits"
        raise InvalidParameter(f"{where} (or Voices) must be a non-empty object of options", field=where)
    default = a.key("DefaultDigit")
    if default is not None and default not in branches:
        where = f"{a.where}.DefaultDigit"
        raise InvalidParameter(f"{where} {default!r} is not one of the Digits", field=where)
    default_word = a.text("DefaultWord", max_length=200)
    if default_word is not None and default_word not in words:
        where = f"{a.where}.DefaultWord"
        raise InvalidParameter(f"{where} {default_word!r} is not one of the Voices", field=where)
    return Menu(
        words=words,
        exact_match=bool(a.boolean("VoicesExactMatch", True)),
        repeat_on_no_word=bool(a.boolean("RepeatOnNoWord", False)),
        repeat_on_wrong_word=bool(a.boolean("RepeatOnWrongWord", False)),
        default_word=default_word,
        labels=labels,
        branches=branches,
        timeout=a.seconds("Timeout", 5.0, low=1, high=600) or 5.0,
        repeat_on_no_digit=bool(a.boolean("RepeatOnNoDigit", False)),
        repeat_on_wrong_digit=bool(a.boolean("RepeatOnWrongDigit", False)),
        max_retries=a.integer("MaxRetries", 2, low=0, high=10) or 0,
        retry_delay=a.seconds("RetryDelay", 0.0, low=0, high=60) or 0.0,
        default_digit=default,
        option_callback=a.hook("OptionStatusCallback"),
    )


def targets(
    a: Fields, name: str, valid: Callable[[str], bool], labels: dict[str, str]
) -> dict[str, int | None]:
    """An object of Menu options, ``{"<option>": {"NextNode": n, "ExternalActionLabel": l}, ...}``
    (``DigitAction``; absent: empty); each option's label goes into ``labels``."""
    raw = a.data.get(name)
    where = a.name(name)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidParameter(f"{where} must be an object of options", field=where)
    out: dict[str, int | None] = {}
    for key, target in raw.items():
        if not valid(key):
            special = ", ".join(sorted(SPECIAL_KEYS))
            raise InvalidParameter(
                f"{where}: {key!r} is not an option (Digits: 0-9, *, #; Voices: a word or phrase; "
                f"both may use {special})",
                field=where,
            )
        if not isinstance(target, dict):
            raise InvalidParameter(f"{where}.{key} must be an object", field=f"{where}.{key}")
        option = Fields(target, f"{where}.{key}")
        out[key] = option.node("NextNode")
        label = option.text("ExternalActionLabel", max_length=200)
        if label is not None:
            labels[key] = label
    return out


def parse_external(raw: Any) -> Mapping[str, ExternalActionSpec]:
    """The request's ``ExternalActions``: ``[{SendActionType, Label, Action: {Sender, Destination,
    Content, …}}]`` (Dillo.Voice ``ExternalAction``); labels are unique (the SDK refuses duplicates)."""
    where = "ExternalActions"
    if raw is None:
        return NOTHING
    if not isinstance(raw, list):
        raise InvalidParameter(f"{where} must be an array", field=where)
    specs: dict[str, ExternalActionSpec] = {}
    for index, entry in enumerate(raw):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            raise InvalidParameter(f"{at} must be an object", field=at)
        e = Fields(entry, at)
        kind = e.choice("SendActionType", (SendActionType.SMS, SendActionType.EMAIL), None)
        if kind is None:
            raise MissingParameter(f"{at}.SendActionType is required (Sms or Email)", field=at)
        label = e.text("Label", required=True, max_length=200) or ""
        if label in specs:
            raise InvalidParameter(f"{where}: Label {label!r} is used twice", field=where)
        message = e.mapping("Action")
        specs[label] = ExternalActionSpec(SendActionType(kind), label, message)
    return specs


def check_labels(nodes: Mapping[int, Node], known: Mapping[str, ExternalActionSpec]) -> None:
    """Every ``ExternalActionLabel`` names one of the request's ``ExternalActions``."""
    for node in nodes.values():
        used = [("ChannelBehaviorAction.ExternalActionLabel", node.label)]
        if isinstance(node.action, Menu):
            used += [
                (f"ChannelBehaviorAction option {k!r} ExternalActionLabel", v)
                for k, v in node.action.labels.items()
            ]
        for name, label in used:
            if label is not None and label not in known:
                where = f"{NODES}.{node.key}.{name}"
                raise InvalidParameter(
                    f"{where}: {label!r} is not the Label of one of the request's ExternalActions",
                    field=where,
                )


def check_targets(nodes: Mapping[int, Node]) -> None:
    """Every NextNode, OnFailureNextNode, digit target and Redirect names a node that exists."""
    for node in nodes.values():
        where = f"{NODES}.{node.key}"
        targets = [("NextNode", node.next_node), ("OnFailureNextNode", node.on_failure)]
        if isinstance(node.action, Menu):
            targets += [
                (f"ChannelBehaviorAction.Digits.{k}.NextNode", t) for k, t in node.action.branches.items()
            ]
            targets += [
                (f"ChannelBehaviorAction.Voices.{k}.NextNode", t) for k, t in node.action.words.items()
            ]
        if isinstance(node.action, Redirect) and node.action.node is not None:
            targets.append(("ChannelBehaviorAction.Node", node.action.node))
        for name, target in targets:
            if target is not None and target not in nodes:
                raise InvalidParameter(
                    f"{where}.{name}: node {target} does not exist", field=f"{where}.{name}"
                )
