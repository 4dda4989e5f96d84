"""Apifonica resources as JSON, exactly as the docs show them (seed 001 and the REST pages)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mockserver.core.calls import Call, CallState
from mockserver.providers.apifonica.models import Account, Application, CallInfo, Message
from mockserver.providers.apifonica.vocabulary import to_status

API_HOST = "https://api.apifonica.com"
RECORDING_STORAGE_PRICE = 0.0001  # EUR, as in the recordings doc example
WAV_BYTES_PER_SECOND = 16_000  # 8 kHz, 16-bit mono


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date(at: datetime | None) -> str | None:
    """RFC 2822 with a numeric offset: ``Fri, 21 Apr 2017 13:01:25 +0000`` (times are UTC).

    Written out by hand rather than with ``email.utils.format_datetime``: it is on the hot path of
    every call GET, and locale-independent names are needed anyway.
    """
    if at is None:
        return None
    return (
        f"{_DAYS[at.weekday()]}, {at.day:02d} {_MONTHS[at.month - 1]} {at.year:04d} "
        f"{at.hour:02d}:{at.minute:02d}:{at.second:02d} +0000"
    )


def call_sid_of(call: Call | None) -> str | None:
    return None if call is None else call.provider_call_id


def price_cents(call: Call) -> float:
    """Call price in euro cents (seed 001: "Cost of the call in EURO cents"), billed per second."""
    cents = (call.price * 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return float(cents)


def record_sid(call: Call) -> str | None:
    return None if call.recording is None else "rec" + call.recording.id


def call_json(call: Call, info: CallInfo, parent: Call | None) -> dict[str, Any]:
    """A call: while queued only the creation fields are set, the rest is null (seed 001: "call_sid,
    created, account_sid, to, from, number_sid, and direction ... All other parameters have the null
    value")."""
    queued = call.state is CallState.QUEUED
    ended = call.state.terminal
    return {
        "call_sid": call.provider_call_id,
        "parent_call_sid": call_sid_of(parent),
        "created": date(call.created_at),
        "account_sid": info.account_sid,
        "from": call.from_,
        "to": call.to,
        "number_sid": info.number_sid,
        "direction": call.direction.value,
        "status": to_status(call.state, info.modified),
        "controller": None if queued else info.controller,
        "method": None if queued else info.method,
        "timeout": None if queued else info.timeout,
        "updated": None if queued else date(call.updated_at),
        "started": date(call.answered_at) if ended else None,
        "ended": date(call.ended_at),
        "duration": call.talk_seconds if ended else None,
        "price": price_cents(call) if ended else None,
        "record_sid": record_sid(call),
        "tag": None if queued else info.tag,
        "channel": None if queued else info.channel,
    }


def event_fields(call: Call, info: CallInfo, parent: Call | None) -> list[tuple[str, str]]:
    """The fields of a call event sent to the controller (mock's choice where the doc is cut off)."""
    fields = [
        ("call_sid", call.provider_call_id),
        *([("parent_call_sid", parent.provider_call_id)] if parent is not None else []),
        ("account_sid", info.account_sid),
        ("from", call.from_),
        ("to", call.to),
        ("direction", call.direction.value),
        ("status", to_status(call.state, info.modified)),
        ("channel", info.channel),
        ("created", date(call.created_at) or ""),
    ]
    if call.state.terminal:
        fields.append(("duration", str(call.talk_seconds)))
    if call.recording is not None:
        fields.append(("record_sid", record_sid(call) or ""))
    if info.tag:
        fields.append(("tag", info.tag))
    return fields


def recording_json(call: Call, info: CallInfo, base_url: str, fmt: str = "wav") -> dict[str, Any]:
    recording = call.recording
    assert recording is not None
    sid = "rec" + recording.id
    size_mb = recording.seconds * WAV_BYTES_PER_SECOND / 1_000_000
    return {
        "call_sid": call.provider_call_id,
        "call_created": date(call.created_at),
        "account_sid": info.account_sid,
        "from": call.from_,
        "to": call.to,
        "number_sid": info.number_sid,
        "direction": call.direction.value,
        "record_created": date(recording.created_at),
        "size": round(size_mb, 2),
        "price": RECORDING_STORAGE_PRICE,
        "exp_date": date(recording.created_at + timedelta(days=365)),
        "record_sid": sid,
        "rec_url": f"{base_url}/v2/accounts/{info.account_sid}/recordings/{sid}.{fmt}",
    }


def accounts_page(accounts: list[Account], page: int, limit: int, link: Any) -> dict[str, Any]:
    """The "Get subaccounts list" envelope: ``page`` counts from 0, ``total`` is the whole list;
    ``link(page)`` is the URL of another page."""
    start = page * limit
    return {
        "page": page,
        "limit": limit,
        "next": link(page + 1) if start + limit < len(accounts) else None,
        "prev": link(page - 1) if page > 0 else None,
        "total": len(accounts),
        "accounts": [account_json(a) for a in accounts[start : start + limit]],
    }


def account_json(account: Account) -> dict[str, Any]:
    return {
        "account_sid": account.sid,
        "name": account.name,
        "status": "active",
        "token": account.token,
        "created": date(account.created),
        "updated": date(account.created),
        "type": account.type,
    }


def application_json(app: Application) -> dict[str, Any]:
    """An application as Apifonica shows one ("Implementation of the consistent callback case":
    ``application_sid, controller, method, name, account_sid``), plus the ``events`` it was created
    with ("Create application"); the docs show no creation date, so none is rendered."""
    return {
        "application_sid": app.sid,
        "controller": app.controller,
        "method": app.method,
        "name": app.name,
        "account_sid": app.account_sid,
        "events": app.events,
    }


def message_json(message: Message) -> dict[str, Any]:
    return {
        "message_sid": message.sid,
        "account_sid": message.account_sid,
        "number_sid": None,
        "text": message.text,
        "created": date(message.created),
        "direction": "outbound",
        "from": message.from_,
        "to": message.to,
        "price": "0.0010",
        "status": message.status,
        "segment_count": max(1, -(-len(message.text) // 160)),
        "channel": message.channel,
        "tag": message.tag,
    }


def created(uri: str) -> dict[str, Any]:
    """The 201 envelope every create answers with (calls, applications, messages)."""
    return {"status_code": 201, "status_message": "CREATED", "uri": uri}


#: One MPEG-1 Layer III frame of silence: 32 kbit/s, 48 kHz, mono, no CRC, no padding. The header is
#: ``FF FB 14 C0``; the side information and main data are all zero (part2_3_length 0, global_gain
#: 0), which every decoder plays as digital silence. 144 * 32000 / 48000 = 96 bytes, 1152 samples.
MP3_SILENT_FRAME = b"\xff\xfb\x14\xc0" + bytes(92)
MP3_FRAME_SECONDS = 1152 / 48_000  # 24 ms


def silent_mp3(seconds: int) -> bytes:
    """A valid MP3 file of ``seconds`` of silence (rounded up to whole 24 ms frames), for ``rec_url``
    with ``?format=mp3``: the same pre-encoded silent frame repeated, so no encoder is needed."""
    frames = max(1, -(-seconds * 48_000 // 1152))
    return MP3_SILENT_FRAME * frames


def silent_wav(seconds: int) -> bytes:
    """A valid WAV file of ``seconds`` of silence (8 kHz, 16-bit mono), for ``rec_url``."""
    data_size = seconds * WAV_BYTES_PER_SECOND
    header = b"RIFF" + (36 + data_size).to_bytes(4, "little") + b"WAVEfmt "
    header += (16).to_bytes(4, "little") + (1).to_bytes(2, "little") + (1).to_bytes(2, "little")
    header += (8000).to_bytes(4, "little") + WAV_BYTES_PER_SECOND.to_bytes(4, "little")
    header += (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
    header += b"data" + data_size.to_bytes(4, "little")
    return header + bytes(data_size)
