"""Apifonica's own state: accounts, applications, the Apifonica side of each call, messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Account:
    sid: str  # "acc" + uuid
    token: str  # "aut" + uuid
    name: str
    created: datetime
    numbers: tuple[str, ...] = ()  # owned numbers; empty = any digits-only `from` is accepted
    type: str = "master"


@dataclass(frozen=True)
class Application:
    sid: str  # "app" + uuid
    account_sid: str
    name: str
    controller: str
    method: str
    events: str
    created: datetime


@dataclass
class CallInfo:
    """What Apifonica knows of a call beyond the neutral model (set at creation or by the flow)."""

    call_id: str  # the neutral id
    account_sid: str
    number_sid: str
    controller: str | None
    method: str
    events: frozenset[str]
    timeout: int
    tag: str | None
    channel: str
    app_sid: str | None
    modified: bool = False
    parent_call_id: str | None = None  # neutral id of the A leg, for <makeCall> legs


@dataclass(frozen=True)
class Message:
    sid: str
    account_sid: str
    from_: str
    to: str
    text: str
    created: datetime
    status: str = "sent"
    channel: str = "sms"
    tag: str | None = None
    call_sid: str | None = None


@dataclass
class ApifonicaState:
    accounts: dict[str, Account] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    calls: dict[str, CallInfo] = field(default_factory=dict)  # by neutral call id
    messages: dict[str, Message] = field(default_factory=dict)

    def reset(self) -> None:
        self.applications.clear()
        self.calls.clear()
        self.messages.clear()
