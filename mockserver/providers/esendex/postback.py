"""Postbacks to ``StatusChangePostUrl``: the OutgoingPostback fields, form-encoded [S-seed][B-pb], or
for a call to an incoming number the IncomingPostback fields with ``incoming=True`` [E-in].

Field names and their mixed casing are exactly the documented ones. Sent when an attempt ends (each
try, with its result code) and when a notify is cancelled; an incoming call also posts when it
arrives [B-pb]. Not retried. Transient states (dialing, ringing, in call) are not posted: poll
GetQueueIDStatus for those (mock's choice, esendex.md §10.6).
"""

from __future__ import annotations

from urllib.parse import urlencode

from mockserver.callbacks.model import OutboundRequest
from mockserver.core.calls import Call, CallState
from mockserver.providers.esendex.models import Notify, Telco
from mockserver.providers.esendex.render import xml_time
from mockserver.providers.esendex.status import NotifyStatus
from mockserver.providers.esendex.vocabulary import MachineDetection

RING_SECONDS = 6  # one North-American ring cycle (2 s on, 4 s off)
FORM = (("Content-Type", "application/x-www-form-urlencoded"),)


def _bool(value: bool) -> str:
    return "True" if value else "False"  # as the docs write them [S-seed]


def ring_count(call: Call | None) -> int:
    """Audible rings: one per started ring cycle between ringing and answer (or the end)."""
    if call is None:
        return 0
    rang = call.entered(CallState.RINGING)
    if rang is None:
        return 0
    stopped = call.answered_at or call.ended_at or rang
    return 1 + int((stopped - rang).total_seconds() // RING_SECONDS)


def postback_fields(notify: Notify, call: Call | None, status: NotifyStatus) -> list[tuple[str, str]]:
    telco = notify.telco  # None for an incoming call
    fields = (
        incoming_fields(notify, status) if telco is None else outgoing_fields(notify, telco, call, status)
    )
    fields.append(("AC", ""))
    taken = {name.lower() for name, _ in fields}
    fields += [(name, value) for name, value in notify.variables.items() if name not in taken]
    return fields


def _times(notify: Notify, status: NotifyStatus) -> list[tuple[str, str]]:
    return [
        ("QueueID", str(notify.queue_id)),
        ("ResponseCode", str(status.code)),
        ("StartTime", "" if status.start is None else xml_time(status.start)),
        ("EndTime", "" if status.end is None else xml_time(status.end)),
        ("Duration", str(status.duration)),
    ]


def incoming_fields(notify: Notify, status: NotifyStatus) -> list[tuple[str, str]]:
    """The IncomingPostback fields [E-in]: the caller is ``callerid``, the number called ``phonenumber``."""
    request = notify.request
    return [
        *_times(notify, status),
        ("transfercallerid", request.caller_id),
        ("machinedetection", status.machine or MachineDetection.UNKNOWN.value),
        ("digitsdialed", status.digits or ""),
        ("extension", request.extension),
        ("lastrecordlength", str(notify.record_seconds)),
        ("callerid", request.caller_id),
        ("phonenumber", request.phone),
        ("incoming", _bool(True)),
    ]


def outgoing_fields(
    notify: Notify, telco: Telco, call: Call | None, status: NotifyStatus
) -> list[tuple[str, str]]:
    request = notify.request
    fields = [
        *_times(notify, status),
        ("isWireless", _bool(telco.is_wireless)),
        ("telcoLATA", telco.lata),
        ("telcoOCN", telco.ocn),
        ("telcoCarrierName", telco.carrier_name),
        ("telcoCarrierType", telco.carrier_type),
        ("telcoLRN", telco.lrn),
        ("telcoSwitchName", telco.switch_name),
        ("digitsdialed", status.digits or ""),
    ]
    rings = ring_count(call)
    if rings:  # "only present if at least one ring was detected"
        fields.append(("incallringcount", str(rings)))
    fields += [
        ("qasoundid", notify.sound_id),
        ("callerid", request.caller_id),
        ("extension", request.extension),
        ("phonenumber", request.phone),
        ("transfercalleridname", request.caller_id_name),
        ("lastrecordlength", str(notify.record_seconds)),
        ("qarecord", _bool(False)),
        ("transfercallerid", request.caller_id),
        ("calleridname", request.caller_id_name),
        ("machinedetection", status.machine or MachineDetection.UNKNOWN.value),
    ]
    return fields


def postback_request(
    provider: str, notify: Notify, call: Call | None, status: NotifyStatus
) -> OutboundRequest:
    body = urlencode(postback_fields(notify, call, status)).encode()
    call_id = None if call is None else call.id
    return OutboundRequest(provider, "POST", notify.status_url, call_id, "event", headers=FORM, body=body)


def is_postable(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))
