"""Routee's own state: applications (the credentials), tokens, conversations and their legs."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.routee.dialplan import Dial, Dialplan
from mockserver.providers.routee.fields import Callback, Destination, MachineDetection
from mockserver.providers.routee.vocabulary import Direction

DEFAULT_EXPIRES_IN = 3600  # seconds [routee.md §2]


@frozen
class InboundNumber:
    """A Routee number of the application: calls to it fetch a dialplan from ``dialplan_url``
    [routee.md §5.4]; ``callback`` is its Inbound Voice Callback URL (the status callback body, §5.1)."""

    number: str
    dialplan_url: str
    callback: Callback | None = None


@frozen
class Application:
    """A Routee application: ``applicationId:applicationSecret`` gets tokens."""

    id: str  # 24 hex characters, like Routee's example
    secret: str
    name: str
    scopes: tuple[str, ...]  # what a token may be granted
    expires_in: int = DEFAULT_EXPIRES_IN
    rate_limit: bool = True  # 1 POST /voice/conversation per second [routee.md §9]
    numbers: tuple[InboundNumber, ...] = ()  # numbers taking inbound calls


@frozen
class Token:
    value: str
    application_id: str
    scopes: tuple[str, ...]
    permissions: tuple[str, ...]
    expires_at: datetime


@frozen
class ConversationRequest:
    """A validated POST /voice/conversation body; ``echo`` is what the response repeats."""

    to: Destination
    from_: str
    dialplan: Dialplan | None
    dialplan_url: str | None
    callback: Callback | None
    hangup_delay: int
    max_duration: int | None
    machine_detection: MachineDetection | None
    echo: dict[str, Any]


@frozen
class Conversation:
    tracking_id: str
    application_id: str
    request: ConversationRequest
    created_at: datetime
    call_id: str  # the neutral id of the first leg
    base_url: str  # where recordings are served from
    direction: Direction = Direction.OUTBOUND


@frozen
class RecordingInfo:
    tracking_id: str
    start: datetime
    end: datetime
    from_: str
    to: str
    message_ids: tuple[str, ...]
    conversation_tracking_id: str
    duration: int
    format: str
    url: str


@dataclass
class Leg:
    """One voice message: the conversation's own call, or the leg a DIAL placed."""

    call_id: str
    message_id: str
    conversation_id: str
    to: Destination
    from_: str
    callback: Callback | None
    machine_detection: MachineDetection | None
    max_duration: int | None
    dial: Dial | None = None  # set on a DIAL leg
    direction: Direction = Direction.OUTBOUND
    collected_tones: str = ""
    recordings: list[RecordingInfo] = field(default_factory=list)

    @property
    def is_dial(self) -> bool:
        return self.dial is not None


class Legs(MutableMapping[str, Leg]):
    """The legs by neutral call id, indexed by conversation and by message id too: the tracking read
    (``legs_of``) runs on every poll, and a scan of every kept leg grew with the server's calls. Each
    look-up answers what a scan of the legs in call order would (a leg set again keeps its place, as
    in a dict)."""

    def __init__(self) -> None:
        self._by_call: dict[str, Leg] = {}
        self._place: dict[str, int] = {}  # call id -> its place in call order
        self._placed = 0
        self._by_conversation: dict[str, set[str]] = {}  # tracking id -> call ids
        self._by_message: dict[str, set[str]] = {}  # message id -> call ids

    def __getitem__(self, call_id: str) -> Leg:
        return self._by_call[call_id]

    def __setitem__(self, call_id: str, leg: Leg) -> None:
        old = self._by_call.get(call_id)
        if old is None:
            self._placed += 1
            self._place[call_id] = self._placed
        else:
            self._unindex(call_id, old)
        self._by_call[call_id] = leg
        self._by_conversation.setdefault(leg.conversation_id, set()).add(call_id)
        self._by_message.setdefault(leg.message_id, set()).add(call_id)

    def __delitem__(self, call_id: str) -> None:
        leg = self._by_call.pop(call_id)
        del self._place[call_id]
        self._unindex(call_id, leg)

    def _unindex(self, call_id: str, leg: Leg) -> None:
        for index, key in ((self._by_conversation, leg.conversation_id), (self._by_message, leg.message_id)):
            ids = index[key]
            ids.discard(call_id)
            if not ids:
                del index[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_call)

    def __len__(self) -> int:
        return len(self._by_call)

    def clear(self) -> None:
        for table in (self._by_call, self._place, self._by_conversation, self._by_message):
            table.clear()

    def of_conversation(self, tracking_id: str) -> list[Leg]:
        ids = sorted(self._by_conversation.get(tracking_id, ()), key=self._place.__getitem__)
        return [self._by_call[call_id] for call_id in ids]

    def by_message(self, message_id: str) -> Leg | None:
        ids = self._by_message.get(message_id)
        return None if not ids else self._by_call[min(ids, key=self._place.__getitem__)]


@dataclass
class RouteeState:
    applications: dict[str, Application] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)  # by trackingId
    legs: Legs = field(default_factory=Legs)  # by neutral call id
    last_placed: dict[str, datetime] = field(default_factory=dict)  # by application id

    def owner_of(self, number: str) -> tuple[Application, InboundNumber] | None:
        """The application with ``number`` among its inbound numbers, and that number's setup."""
        for app in self.applications.values():
            for entry in app.numbers:
                if entry.number == number:
                    return app, entry
        return None

    def legs_of(self, tracking_id: str) -> list[Leg]:
        return self.legs.of_conversation(tracking_id)

    def leg_by_message(self, message_id: str) -> Leg | None:
        return self.legs.by_message(message_id)

    def reset(self) -> None:
        """Forget tokens, conversations and the rate limiter's memory; keep the applications."""
        self.tokens.clear()
        self.conversations.clear()
        self.legs.clear()
        self.last_placed.clear()
