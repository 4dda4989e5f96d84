"""Esendex's state as JSON-ready data and back (``POST /_mock/snapshot`` / ``POST /_mock/restore``).

LicenseKeys with their incoming numbers, uploaded sound files, the QueueID counter and every notify:
its request (the script is parsed again from ``TextToSay``), carrier lookup, tries (neutral call ids),
script variables and where it stands (waiting to dial and when, cancelled, transferred). Times are
ISO 8601 with microseconds. Reading checks every field and raises SnapshotError naming the bad one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from mockserver.core.serialize import Fields, SnapshotError
from mockserver.providers.esendex.models import (
    FIRST_QUEUE_ID,
    Account,
    EsendexState,
    IncomingNumber,
    Notify,
    NotifyRequest,
    Telco,
)
from mockserver.providers.esendex.script import parse

WHERE = "providers.esendex"


# -- out -------------------------------------------------------------------------------------------
def dump(state: EsendexState) -> dict[str, Any]:
    return {
        "accounts": [
            {
                "license_key": a.license_key,
                "name": a.name,
                "incoming_numbers": [incoming_json(n) for n in a.incoming],
            }
            for a in state.accounts.values()
        ],
        "sounds": [
            {"license_key": key, "sound_file_id": sound, "seconds": seconds}
            for (key, sound), seconds in state.sounds.items()
        ],
        "next_queue_id": state.next_queue_id,
        "notifies": [_notify(n) for n in state.notifies.values()],
    }


def incoming_json(number: IncomingNumber) -> dict[str, str]:
    """As ``--credentials`` and ``POST /_mock/credentials/esendex`` take it."""
    return {
        "number": number.number,
        "text_to_say": number.text_to_say,
        "status_change_post_url": number.post_url,
    }


def _notify(n: Notify) -> dict[str, Any]:
    request = dataclasses.asdict(n.request)
    request["scheduled"] = None if n.request.scheduled is None else n.request.scheduled.isoformat()
    return {
        "queue_id": n.queue_id,
        "request": request,
        "created_at": n.created_at.isoformat(),
        "telco": None if n.telco is None else dataclasses.asdict(n.telco),
        "status_url": n.status_url,
        "incoming": n.incoming,
        "attempts": list(n.attempts),
        "pending": n.pending,
        "dial_at": None if n.dial_at is None else n.dial_at.isoformat(),
        "cancelled": n.cancelled,
        "transferred": n.transferred,
        "variables": dict(n.variables),
        "record_seconds": n.record_seconds,
        "sound_id": n.sound_id,
        "posted_code": n.posted_code,
    }


# -- in --------------------------------------------------------------------------------------------
def load(data: Mapping[str, Any], first_queue_id: int = FIRST_QUEUE_ID) -> EsendexState:
    """What :func:`dump` made; ``accounts`` is empty when the data has none."""
    f = Fields(dict(data), WHERE)
    state = EsendexState(first_queue_id=first_queue_id)
    for a in f.objects("accounts", []):
        numbers = tuple(
            IncomingNumber(n.text("number"), n.text("text_to_say", ""), n.text("status_change_post_url", ""))
            for n in a.objects("incoming_numbers", [])
        )
        account = Account(a.text("license_key"), a.text("name"), numbers)
        state.accounts[account.license_key] = account
    for s in f.objects("sounds", []):
        state.sounds[(s.text("license_key"), s.text("sound_file_id"))] = s.integer("seconds")
    state.next_queue_id = f.integer("next_queue_id", state.first_queue_id)
    for n in f.objects("notifies", []):
        notify = _read_notify(n)
        if notify.queue_id >= state.next_queue_id:
            raise SnapshotError(f"{n.path('queue_id')}: not below next_queue_id {state.next_queue_id}")
        state.notifies[notify.queue_id] = notify
        for call_id in notify.attempts:
            state.by_call[call_id] = notify.queue_id
    return state


def _read_notify(n: Fields) -> Notify:
    r = n.child("request")
    request = NotifyRequest(
        phone=r.text("phone"),
        extension=r.text("extension", ""),
        text=r.text("text", ""),
        caller_id=r.text("caller_id", ""),
        caller_id_name=r.text("caller_id_name", ""),
        voice_id=r.integer("voice_id", 0),
        license_key=r.text("license_key"),
        transfer_number=r.text("transfer_number", ""),
        tries=r.integer("tries", 1, high=3),
        next_try_seconds=r.integer("next_try_seconds", 60),
        scheduled=r.optional_time("scheduled"),
        tts_rate=r.integer("tts_rate", 10, high=255),
        tts_volume=r.integer("tts_volume", 100, high=255),
        max_call_length=r.integer("max_call_length", 0),
        status_url=r.text("status_url", ""),
        reference_id=r.text("reference_id", ""),
        demo=r.flag("demo", False),
    )
    telco = None
    if n.raw("telco", None) is not None:
        t = n.child("telco")
        telco = Telco(
            is_wireless=t.flag("is_wireless"),
            lata=t.text("lata"),
            ocn=t.text("ocn"),
            carrier_name=t.text("carrier_name"),
            carrier_type=t.text("carrier_type"),
            lrn=t.text("lrn"),
            switch_name=t.text("switch_name"),
        )
    variables = n.child("variables", {})
    script, _ = parse(request.text)
    pending, dial_at = n.flag("pending", False), n.optional_time("dial_at")
    if pending and dial_at is None:
        raise SnapshotError(f"{n.path('dial_at')}: a pending notify needs the time it dials")
    return Notify(
        queue_id=n.integer("queue_id"),
        request=request,
        script=script,
        created_at=n.time("created_at"),
        telco=telco,
        status_url=n.text("status_url", ""),
        incoming=n.flag("incoming", False),
        attempts=[call_id for _, call_id in _texts(n, "attempts")],
        pending=pending,
        dial_at=dial_at,
        cancelled=n.flag("cancelled", False),
        transferred=n.flag("transferred", False),
        variables={name: variables.text(name) for name in variables.data},
        record_seconds=n.integer("record_seconds", 0),
        sound_id=n.text("sound_id", ""),
        posted_code=None if n.raw("posted_code", None) is None else n.integer("posted_code", high=99),
    )


def _texts(f: Fields, key: str) -> list[tuple[str, str]]:
    out = []
    for where, item in f.items(key, []):
        if not isinstance(item, str):
            raise SnapshotError(f"{where}: expected a string")
        out.append((where, item))
    return out
