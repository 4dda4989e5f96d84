"""Reading a voice ``MessagePayload`` (dillo.md §3.1): the request fields and its ChannelBehavior.

The parsed payload is frozen data; the raw payload is kept too, because the GET echoes the ChannelBehavior
back as the client sent it (plus runtime fields, §6.3) and a snapshot stores the request as it came. It
is kept as compact JSON text and parsed again when read (by a GET after a change, by a snapshot): the
parsed tree was ~20 objects and ~1.2 KB a call, for as long as the call is kept, and each of those
objects was walked by every collection of the garbage collector (bench_engine_dillo, issue 14). The
ChannelBehavior's text is kept apart, and shared by every call that sends the same one (a broadcast, a
load test: ~170 bytes a call less for a two-node flow). So is the rest of the payload, when the only thing
that tells two calls' payloads apart is the number called: the kept text then has null for that number,
which the parsed field fills back in (a valid payload cannot send a null ``TelephoneNumber``): ~130
bytes a call less in a broadcast (bench_engine_dillo, issue 14).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockserver.core.errors import InvalidParameter, MissingParameter
from mockserver.providers.dillo.fields import Fields, Hook
from mockserver.providers.dillo.graph import ExternalActionSpec, Node
from mockserver.providers.dillo.nodes import (
    SHARED_FLOWS,
    STORAGE_PERIODS,
    check_labels,
    parse_external,
    parse_nodes,
)

BEHAVIOR = "ChannelBehavior"
NUMBER = "TelephoneNumber"


@dataclass(frozen=True, slots=True)  # slots: every kept call holds one
class VoicePayload:
    sender: str
    telephone_number: str
    nodes: Mapping[int, Node]
    record: bool = False
    transcribe: bool = False
    storage_period: str = "3-M"  # ``RecordingStoragePeriodCode``: of the whole-call recording
    ringing_timeout: float | None = None
    status_callback: Hook | None = None
    record_callback: Hook | None = None
    transcribe_callback: Hook | None = None
    event_callback: Hook | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    external: Mapping[str, ExternalActionSpec] = field(default_factory=dict)  # by Label
    # The payload as sent, as compact JSON (see the module's doc), with null for its ChannelBehavior
    # (and for a TelephoneNumber sent as parsed), shared by the calls whose payloads differ by no more...
    raw_text: str = '{"ChannelBehavior":null}'
    behavior_text: str = "{}"  # ... and the ChannelBehavior's text, shared by every call that sends it

    @property
    def raw(self) -> dict[str, Any]:
        """The whole payload as sent (a fresh copy: for snapshots), its keys in the order sent."""
        parsed: dict[str, Any] = json.loads(self.raw_text)
        parsed[BEHAVIOR] = self.behavior_as_sent()
        if NUMBER in parsed and parsed[NUMBER] is None:
            parsed[NUMBER] = self.telephone_number
        return parsed

    def behavior_as_sent(self) -> dict[str, Any]:
        """The ChannelBehavior as sent (a fresh copy: the GET adds runtime fields to it)."""
        behavior: dict[str, Any] = json.loads(self.behavior_text)
        return behavior


def parse_voice(payload: Mapping[str, Any]) -> VoicePayload:
    p = Fields(payload, "")
    behavior = payload.get(BEHAVIOR)
    if behavior is None:
        raise MissingParameter("ChannelBehavior is required", field="ChannelBehavior")
    if not isinstance(behavior, dict):
        raise InvalidParameter("ChannelBehavior must be an object", field="ChannelBehavior")
    nodes = parse_nodes(behavior.get("ChannelBehaviorNodes"))
    external = parse_external(payload.get("ExternalActions"))
    check_labels(nodes, external)
    number = p.number(NUMBER, required=True) or ""
    as_parsed = payload.get(NUMBER) == number  # then the kept text need not spell it out
    return VoicePayload(
        sender=sys.intern(p.number("Sender", required=True) or ""),  # a broadcast sends from one number
        telephone_number=number,
        nodes=nodes,
        record=bool(p.boolean("Record", False)),
        transcribe=bool(p.boolean("Transcribe", False)),
        storage_period=p.choice("RecordingStoragePeriodCode", STORAGE_PERIODS, "3-M") or "3-M",
        ringing_timeout=p.seconds("RingingTimeout", None, low=1, high=600),
        status_callback=p.hook("StatusCallback"),
        record_callback=p.hook("RecordStatusCallback"),
        transcribe_callback=p.hook("TranscribeStatusCallback"),
        event_callback=p.hook("EventCallback"),
        data=p.mapping("Data"),
        external=external,
        raw_text=_shared_text(
            compact(
                {
                    key: None if key == BEHAVIOR or (as_parsed and key == NUMBER) else value
                    for key, value in payload.items()
                }
            )
        ),
        behavior_text=_shared_text(compact(behavior)),
    )


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@functools.lru_cache(maxsize=SHARED_FLOWS)
def _shared_text(text: str) -> str:
    """The first of the equal texts seen: calls that send one ChannelBehavior keep one string of it."""
    return text
