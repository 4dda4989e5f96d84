"""Esendex's own state: license keys (with their incoming numbers), the notifies (one per QueueID, an
incoming call is one too) and uploaded sound files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from mockserver.core.values import frozen
from mockserver.providers.esendex.script import Script

#: QueueIDs are longs; the mock counts up from the documented sample [E-out] (mock's choice).
FIRST_QUEUE_ID = 4093249


@frozen
class IncomingNumber:
    """A number that takes calls for a LicenseKey: the script it plays and where it posts (mock's
    configuration: Esendex sets these up for you [B-pb])."""

    number: str  # 10 digits
    text_to_say: str = ""
    post_url: str = ""


@frozen
class Account:
    license_key: str
    name: str
    incoming: tuple[IncomingNumber, ...] = ()


@frozen
class Telco:
    """What a carrier lookup says about the destination (postback ``isWireless``, ``telco*``)."""

    is_wireless: bool
    lata: str
    ocn: str
    carrier_name: str
    carrier_type: str
    lrn: str
    switch_name: str


@frozen
class NotifyRequest:
    """One validated call request, whichever method it came from."""

    phone: str  # 10 digits
    extension: str
    text: str
    caller_id: str
    caller_id_name: str
    voice_id: int
    license_key: str
    transfer_number: str = ""
    tries: int = 1  # 1..3
    next_try_seconds: int = 60
    scheduled: datetime | None = None
    tts_rate: int = 10
    tts_volume: int = 100
    max_call_length: int = 0  # seconds; 0 = no limit
    status_url: str = ""
    reference_id: str = ""
    demo: bool = False


@dataclass
class Notify:
    """The Esendex side of a QueueID: its request, its attempts (neutral calls) and what the script did."""

    queue_id: int
    request: NotifyRequest
    script: Script
    created_at: datetime
    telco: Telco | None  # None for an incoming call (its postback has no telco fields)
    status_url: str
    incoming: bool = False
    attempts: list[str] = field(default_factory=list)  # neutral call ids, in order
    pending: bool = True  # a dial (first or retry) is scheduled and not yet made
    dial_at: datetime | None = None  # when that dial is due
    cancelled: bool = False
    transferred: bool = False
    variables: dict[str, str] = field(default_factory=dict)
    record_seconds: int = 0
    sound_id: str = ""  # the last recording the script saved (the postback's qasoundid)
    posted_code: int | None = None  # the ResponseCode of the last postback (one per change of code)

    @property
    def last_call_id(self) -> str | None:
        return self.attempts[-1] if self.attempts else None


@dataclass
class EsendexState:
    accounts: dict[str, Account] = field(default_factory=dict)
    notifies: dict[int, Notify] = field(default_factory=dict)
    by_call: dict[str, int] = field(default_factory=dict)  # neutral call id → QueueID
    sounds: dict[tuple[str, str], int] = field(default_factory=dict)  # (key, id) → seconds
    next_queue_id: int = FIRST_QUEUE_ID
    first_queue_id: int = FIRST_QUEUE_ID  # where a reset starts counting again (per tenant)

    def new_queue_id(self) -> int:
        queue_id = self.next_queue_id
        self.next_queue_id += 1
        return queue_id

    def reset(self) -> None:
        self.notifies.clear()
        self.by_call.clear()
        self.sounds.clear()
        self.next_queue_id = self.first_queue_id
