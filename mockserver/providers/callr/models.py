"""CALLR's own state: accounts, credentials made through the API, apps, Real-Time calls, CDRs, webhooks."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from mockserver.providers.callr.vocabulary import Package

#: The first ``callid`` handed out (callr.md §9.12: increasing integers from 1e9).
FIRST_CALLID = 1_000_000_001
#: Prepaid credit of a fresh account, in cents (callr.md §9.13: "1000.00").
STARTING_CREDIT = Decimal("1000.00")


@dataclass(frozen=True)
class Account:
    login: str
    password: str
    hash: str  # 8 upper-case characters, like every CALLR object id
    name: str
    cli: str  # the number presented when a call names no ``cli`` (E.164)


@dataclass(frozen=True)
class ApiKey:
    id: int
    name: str
    token: str  # 100 hex characters
    login: str
    created_at: datetime


@dataclass(frozen=True)
class UserSession:
    token: str  # 40 hex characters
    refresh_token: str
    login: str
    valid_until: datetime
    refreshable_until: datetime


@dataclass(frozen=True)
class App:
    hash: str
    login: str
    package: Package
    name: str
    params: dict[str, Any]  # the validated ``p`` object
    created: datetime
    updated: datetime


@dataclass(frozen=True)
class Target:
    number: str
    timeout: int


@dataclass(frozen=True)
class Webhook:
    hash: str
    login: str
    type: str
    endpoint: str
    options: dict[str, Any]
    created_at: datetime
    status: str = "ENABLED"


@dataclass
class CallInfo:
    """What CALLR knows of one of its calls beyond the neutral model."""

    call_id: str  # neutral id
    callid: int
    login: str
    app: App | None
    cli: str
    cdr_field: str
    request_hash: str | None = None  # outbound Real-Time calls
    parent_call_id: str | None = None  # neutral id of the Real-Time call that dialled this leg
    callid_in: int = 0


@dataclass(frozen=True)
class Cdr:
    login: str
    type: str  # "IN" | "OUT"
    start: datetime
    app_hash: str
    debit: Decimal  # cents
    record: dict[str, Any]  # the CDR.Out / CDR.In object


@dataclass
class CallrState:
    accounts: dict[str, Account] = field(default_factory=dict)  # by login
    api_keys: dict[str, ApiKey] = field(default_factory=dict)  # by token
    api_keys_used: dict[int, datetime] = field(default_factory=dict)  # key id → last use
    sessions: dict[str, UserSession] = field(default_factory=dict)  # by token
    apps: dict[str, App] = field(default_factory=dict)  # by hash
    calls: dict[str, CallInfo] = field(default_factory=dict)  # by neutral call id
    requests: dict[str, str] = field(default_factory=dict)  # request hash → neutral call id
    cdrs: list[Cdr] = field(default_factory=list)
    webhooks: dict[str, Webhook] = field(default_factory=dict)  # by hash
    callids: itertools.count[int] = field(default_factory=lambda: itertools.count(FIRST_CALLID))
    api_key_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def by_callid(self, callid: int) -> CallInfo | None:
        return next((info for info in self.calls.values() if info.callid == callid), None)

    def credit(self, login: str) -> Decimal:
        return STARTING_CREDIT - sum((c.debit for c in self.cdrs if c.login == login), Decimal("0"))

    def reset(self) -> None:
        self.api_keys.clear()
        self.api_keys_used.clear()
        self.sessions.clear()
        self.apps.clear()
        self.calls.clear()
        self.requests.clear()
        self.cdrs.clear()
        self.webhooks.clear()
        self.callids = itertools.count(FIRST_CALLID)
        self.api_key_ids = itertools.count(1)
