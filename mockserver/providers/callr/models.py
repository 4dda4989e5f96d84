"""CALLR's own state: accounts, credentials made through the API, apps, Real-Time calls, CDRs, webhooks."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.callr.vocabulary import Package

#: The first ``callid`` handed out (callr.md §9.12: increasing integers from 1e9).
FIRST_CALLID = 1_000_000_001
#: Prepaid credit of a fresh account, in cents (callr.md §9.13: "1000.00").
STARTING_CREDIT = Decimal("1000.00")
#: The first media library id (ints, like the docs' ``10112211``; mock's choice).
FIRST_MEDIA_ID = 10_000_001


@dataclass
class Counter:
    """Hands out increasing integers; its ``value`` (the next one) is what a snapshot keeps."""

    value: int

    def take(self) -> int:
        self.value += 1
        return self.value - 1


@frozen
class Account:
    login: str
    password: str
    hash: str  # 8 upper-case characters, like every CALLR object id
    name: str
    cli: str  # the number presented when a call names no ``cli`` (E.164)
    credit: Decimal = STARTING_CREDIT  # prepaid credit before any debit, in cents


@frozen
class ApiKey:
    id: int
    name: str
    token: str  # 100 hex characters
    login: str
    created_at: datetime


@frozen
class UserSession:
    token: str  # 40 hex characters
    refresh_token: str
    login: str
    valid_until: datetime
    refreshable_until: datetime


@frozen
class App:
    hash: str
    login: str
    package: Package
    name: str
    params: dict[str, Any]  # the validated ``p`` object
    created: datetime
    updated: datetime


@frozen
class Target:
    number: str
    timeout: int


@frozen
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
    request_hash: str | None = None  # outbound Real-Time calls and broadcasts
    parent_call_id: str | None = None  # neutral id of the Real-Time call that dialled this leg
    callid_in: int = 0
    did: Did | None = None  # inbound calls: the number called
    c2c_hash: str | None = None  # click-to-call legs: the CLICKTOCALL.Call, and which side
    c2c_side: str = ""
    messages: tuple[int | str, ...] = ()  # broadcasts: what is played, ``loop`` times
    loop: int = 0

    @property
    def inbound(self) -> bool:
        return self.did is not None


@frozen
class Did:
    """A number the account bought (DID object); ``app`` is the app it is assigned to."""

    hash: str
    login: str
    intl_number: str
    local_number: str
    local_number_f: str
    country_code: str
    type: str
    klass: str  # "CLASSIC" | "GOLD" (``class`` in JSON)
    area_code_id: int
    app: str | None = None


@frozen
class Reservation:
    """A ``did/store.reserve`` order: numbers held for ``login`` until ``expire`` (mock clock)."""

    token: str
    login: str
    area_code_id: int
    klass: str
    items: tuple[Did, ...]
    created: datetime
    expire: datetime


@dataclass
class LegStatus:
    """CLICKTOCALL.Call.Status of one side; empty (``{}``) until that side is dialled."""

    callid: int = 0
    number: str = ""
    status: str = ""
    tried: int = 0  # ``try``


@dataclass
class ClickToCall:
    hash: str
    login: str
    app: str
    a_targets: tuple[Target, ...]
    b_targets: tuple[Target, ...]
    cli: str
    cdr_field: str
    created: datetime
    scheduled: datetime
    updated: datetime
    started: datetime | None = None
    a: LegStatus = field(default_factory=LegStatus)
    b: LegStatus = field(default_factory=LegStatus)
    a_call: str | None = None  # neutral id of the A leg being dialled or talking
    b_call: str | None = None
    a_next: int = 0  # index of the next A target in this attempt
    b_next: int = 0
    finished: bool = False


@dataclass
class Sms:
    hash: str
    login: str
    type: str  # "OUT" | "IN"
    sender: str
    to: str
    text: str
    encoding: str  # "GSM" | "UNICODE"
    parts: int
    nature: str
    options: dict[str, Any]
    user_data: str
    debit: Decimal
    created: datetime
    updated: datetime
    status: str = "CREATED"
    status_error: str = ""
    sent: datetime | None = None
    received: datetime | None = None
    path: str = "delivered"  # which lifecycle it follows (sms.TIMELINE)


@dataclass
class Media:
    id: int
    hash: str
    login: str
    name: str
    created: datetime
    status: str = "PENDING_CONTENT"
    content: str = ""
    voice: str = ""
    duration: int = 0
    tags: dict[str, list[str]] = field(default_factory=dict)
    category: list[str] = field(default_factory=list)
    recording: str = ""  # the ``record`` file it was made from
    ready_at: datetime | None = None  # when PROCESSING content becomes READY


@dataclass
class Recording:
    """A Media.Recording: what a Real-Time ``record`` (type RECORDING) or ``start_call_recording``
    (type CALL) captured; ``RECORDING`` → ``PROCESSING`` → ``READY`` on the mock's clock."""

    hash: str
    login: str
    type: str  # "RECORDING" | "CALL"
    call_id: str  # neutral id of the call recorded
    callid: int
    app_hash: str
    app_name: str
    cli_number: str
    did_hash: str
    did_intl_number: str
    did_local_number: str
    started: datetime
    file: str = ""  # ``record``: the file name the command returned
    status: str = "RECORDING"
    duration: int = 0
    ready_at: datetime | None = None  # when PROCESSING becomes READY


@frozen
class Charge:
    """Something besides a call taken off the prepaid credit (an SMS, a DID)."""

    login: str
    amount: Decimal  # cents
    at: datetime
    label: str


@frozen
class Cdr:
    login: str
    type: str  # "IN" | "OUT"
    start: datetime
    app_hash: str
    debit: Decimal  # cents
    record: dict[str, Any]  # the CDR.Out / CDR.In object
    did_hash: str = ""  # inbound calls: the DID called


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
    dids: dict[str, Did] = field(default_factory=dict)  # bought numbers, by hash
    reservations: dict[str, Reservation] = field(default_factory=dict)  # by token
    clicktocalls: dict[str, ClickToCall] = field(default_factory=dict)  # by hash
    sms: dict[str, Sms] = field(default_factory=dict)  # by hash
    media: dict[int, Media] = field(default_factory=dict)  # by id
    recordings: dict[str, tuple[str, int]] = field(default_factory=dict)  # ``record`` file → (login, s)
    media_recordings: dict[str, Recording] = field(default_factory=dict)  # Media.Recording by hash
    charges: list[Charge] = field(default_factory=list)
    media_ids: Counter = field(default_factory=lambda: Counter(FIRST_MEDIA_ID))
    callids: Counter = field(default_factory=lambda: Counter(FIRST_CALLID))
    api_key_ids: Counter = field(default_factory=lambda: Counter(1))

    def by_callid(self, callid: int) -> CallInfo | None:
        return next((info for info in self.calls.values() if info.callid == callid), None)

    def credit(self, login: str) -> Decimal:
        calls = sum((c.debit for c in self.cdrs if c.login == login), Decimal("0"))
        other = sum((c.amount for c in self.charges if c.login == login), Decimal("0"))
        texts = sum((s.debit for s in self.sms.values() if s.login == login), Decimal("0"))
        account = self.accounts.get(login)
        start = account.credit if account is not None else STARTING_CREDIT
        return start - calls - other - texts

    def forget_cdr(self, login: str, callid: int) -> None:
        """Drop a call's CDR (oldest first: calls are evicted in the order they ended), keeping the
        credit it took."""
        for index, cdr in enumerate(self.cdrs):
            if cdr.login == login and cdr.record.get("callid") == callid:
                del self.cdrs[index]
                account = self.accounts.get(login)
                if account is not None:
                    self.accounts[login] = replace(account, credit=account.credit - cdr.debit)
                return

    def did_by_number(self, number: str) -> Did | None:
        digits = number.lstrip("+")
        return next((d for d in self.dids.values() if d.intl_number.lstrip("+") == digits), None)

    def reset(self) -> None:
        self.dids.clear()
        self.reservations.clear()
        self.clicktocalls.clear()
        self.sms.clear()
        self.media.clear()
        self.recordings.clear()
        self.media_recordings.clear()
        self.charges.clear()
        self.media_ids = Counter(FIRST_MEDIA_ID)
        self.api_keys.clear()
        self.api_keys_used.clear()
        self.sessions.clear()
        self.apps.clear()
        self.calls.clear()
        self.requests.clear()
        self.cdrs.clear()
        self.webhooks.clear()
        self.callids = Counter(FIRST_CALLID)
        self.api_key_ids = Counter(1)
