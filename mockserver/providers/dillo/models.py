"""Dillo's own state: customers, voice requests (with what their flow did), SMS/e-mail send actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.dillo.envelope import SendActionType
from mockserver.providers.dillo.fields import NOTHING
from mockserver.providers.dillo.payload import VoicePayload


@frozen
class Customer:
    code: str  # CustomerCode: a GUID, lower case
    api_key: str  # 64 upper-case hex characters
    name: str
    senders: tuple[str, ...] = ()  # voice senders of the account; empty = any E.164 Sender


@dataclass(slots=True)  # slots: a kept call holds one per node it ran, and a VoiceRequest
class NodeRun:
    """What the flow did with one node: the runtime fields of the GET (dillo.md §6.3)."""

    key: int  # the node's key in ChannelBehaviorNodes
    execution_count: int = 0
    processed_at: datetime | None = None
    route: str | None = None
    pressed_at: datetime | None = None  # a key was pressed at this node (Menu, Collect, Record)
    #: Menu option → when it was pressed; replaced, not changed (most nodes never have one, and share
    #: the one empty mapping)
    options: Mapping[str, datetime] = field(default_factory=lambda: NOTHING)

    def press(self, option: str, at: datetime) -> None:
        self.options = {**self.options, option: at}


@frozen
class VoiceRecording:
    file_name: str
    seconds: float
    storage_period: str
    created_at: datetime
    node: int | None  # None: the whole call (``Record: true``)
    transcription: str | None = None


@frozen
class CollectedDigits:
    digits: str
    node: int
    success: bool


@frozen
class ExternalAction:
    label: str
    node: int
    send_action_id: str


@frozen
class SendAction:
    """An SMS or e-mail send action: posted directly, or fired by a voice node."""

    id: str
    type: SendActionType
    customer_code: str
    payload: Mapping[str, Any]
    created_at: datetime
    voice_request_id: str | None = None


@dataclass(slots=True)
class VoiceRequest:
    id: str  # the GUID the POST answers; also the call's provider id
    call_id: str  # the neutral call
    customer_code: str
    payload: VoicePayload
    created_at: datetime
    updated_at: datetime
    # What the flow did with each node it ran, in the order they first ran: a tuple extended by a new
    # tuple, searched by key (a flow runs a few nodes; a dict of two was 224 bytes, its tuple 56, at
    # every call of a broadcast: bench_engine_dillo, issue 14)
    runs: tuple[NodeRun, ...] = ()
    # Tuples, extended by a new tuple: most calls never get one, and share the empty tuple (a kept
    # call's three empty lists were ~170 bytes, issue 14 goal 4).
    recordings: tuple[VoiceRecording, ...] = ()
    collected: tuple[CollectedDigits, ...] = ()
    external: tuple[ExternalAction, ...] = ()
    base_url: str = ""  # scheme://host:port the request came to: recordings are served from there

    def node(self, key: int) -> NodeRun:
        """What the flow did with node ``key`` (a new, unrun NodeRun the first time)."""
        for run in self.runs:
            if run.key == key:
                return run
        run = NodeRun(key)
        self.runs = (*self.runs, run)
        return run

    def ran(self, key: int) -> NodeRun | None:
        """What the flow did with node ``key``; None if it never ran (nothing is added)."""
        for run in self.runs:
            if run.key == key:
                return run
        return None

    def touch(self, at: datetime) -> None:
        if at > self.updated_at:
            self.updated_at = at


@dataclass
class DilloState:
    customers: dict[str, Customer] = field(default_factory=dict)
    requests: dict[str, VoiceRequest] = field(default_factory=dict)  # by neutral call id
    send_actions: dict[str, SendAction] = field(default_factory=dict)
    legs: dict[str, str] = field(default_factory=dict)  # Dial leg's call id → the A leg's call id

    def reset(self) -> None:
        self.requests.clear()
        self.send_actions.clear()
        self.legs.clear()
