"""The provider-neutral call: one frozen value per moment of a call's life."""

from __future__ import annotations

from dataclasses import field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from mockserver.core.values import value


class CallState(StrEnum):
    QUEUED = "queued"
    INITIATED = "initiated"
    RINGING = "ringing"
    ANSWERED = "answered"
    COMPLETED = "completed"
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    REJECTED = "rejected"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATES


TERMINAL_STATES = frozenset(
    {
        CallState.COMPLETED,
        CallState.BUSY,
        CallState.NO_ANSWER,
        CallState.REJECTED,
        CallState.FAILED,
        CallState.CANCELED,
    }
)


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"


class AnsweredBy(StrEnum):
    HUMAN = "human"
    MACHINE = "machine"


class Party(StrEnum):
    """Who ended a call: the callee (the scenario), the caller (the client's flow), or the API."""

    CALLEE = "callee"
    CALLER = "caller"
    API = "api"
    SYSTEM = "system"


@value
class Transition:
    state: CallState
    at: datetime
    cause: str


@value
class Recording:
    id: str
    seconds: int
    created_at: datetime


@value
class Call:
    """One version of a call, never changed once made (see mockserver/core/values.py). Slots: a server
    keeps tens of thousands of these (and a new one per transition), so neither a per-instance
    ``__dict__`` nor ``dataclasses.replace`` is affordable."""

    id: str
    provider: str
    provider_call_id: str
    account: str
    from_: str
    to: str
    direction: Direction
    scenario: str
    created_at: datetime
    history: tuple[Transition, ...]
    parent_id: str | None = None
    digits: str = ""
    answered_by: AnsweredBy | None = None
    ended_by: Party | None = None
    price_per_minute: Decimal = Decimal("0")
    recording: Recording | None = None
    ring_timeout: float | None = None
    labels: tuple[tuple[str, str], ...] = field(default=())

    @property
    def state(self) -> CallState:
        return self.history[-1].state

    @property
    def updated_at(self) -> datetime:
        return self.history[-1].at

    @property
    def live(self) -> bool:
        return not self.state.terminal

    def entered(self, state: CallState) -> datetime | None:
        """When the call entered ``state``, or None if it never did."""
        for t in self.history:  # a loop, not next(generator): read for every finished call (talk time)
            if t.state == state:
                return t.at
        return None

    @property
    def answered_at(self) -> datetime | None:
        return self.entered(CallState.ANSWERED)

    @property
    def ended_at(self) -> datetime | None:
        return self.history[-1].at if self.state.terminal else None

    @property
    def talk_seconds(self) -> int:
        """Whole seconds between answer and end (0 for an unanswered or live call)."""
        answered, ended = self.answered_at, self.ended_at
        if answered is None or ended is None:
            return 0
        return int((ended - answered).total_seconds())

    @property
    def price(self) -> Decimal:
        """What the call costs, billed per second at the scenario's rate (0 until it ends)."""
        return self.price_per_minute * self.talk_seconds / 60

    def label(self, key: str) -> str | None:
        return dict(self.labels).get(key)

    def with_digits(self, pressed: str) -> Call:
        return replace(self, digits=self.digits + pressed)

    def with_recording(self, recording: Recording) -> Call:
        """This call with its recording made: once per recorded call, spelled out as :meth:`moved` is
        (``dataclasses.replace`` was 7 % of a 100,000-call advance). The two copies are not one
        helper on purpose: the extra call on every transition cost ~0.1 s of that advance.
        tests/core/test_call_copies.py checks both against ``dataclasses.replace``."""
        return Call(
            self.id,
            self.provider,
            self.provider_call_id,
            self.account,
            self.from_,
            self.to,
            self.direction,
            self.scenario,
            self.created_at,
            self.history,
            self.parent_id,
            self.digits,
            self.answered_by,
            self.ended_by,
            self.price_per_minute,
            recording,
            self.ring_timeout,
            self.labels,
        )

    def moved(self, transition: Transition, answered_by: AnsweredBy | None, ended_by: Party | None) -> Call:
        """This call with ``transition`` appended and its answer/end parties set: the hot copy of every
        transition, spelled out field by field (``dataclasses.replace`` costs several times more)."""
        return Call(
            self.id,
            self.provider,
            self.provider_call_id,
            self.account,
            self.from_,
            self.to,
            self.direction,
            self.scenario,
            self.created_at,
            (*self.history, transition),
            self.parent_id,
            self.digits,
            answered_by,
            ended_by,
            self.price_per_minute,
            self.recording,
            self.ring_timeout,
            self.labels,
        )
