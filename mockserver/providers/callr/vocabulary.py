"""CALLR's words for neutral things (seed 004: RT.Request, CDR.Out, App.Package, Webhook)."""

from __future__ import annotations

from enum import StrEnum

from mockserver.core.calls import Call, CallState, Party


class Package(StrEnum):
    ACTIONS10 = "ACTIONS10"
    CALLTRACKING10 = "CALLTRACKING10"
    CLICKTOCALL10 = "CLICKTOCALL10"
    REALTIME10 = "REALTIME10"


#: App.Package ``type`` and ``has_did`` per package. The value set of ``type`` has no ACTIONS entry;
#: ACTIONS10 apps say REALTIME (mock's choice: a script that controls the call).
PACKAGE_TYPE: dict[Package, tuple[str, bool]] = {
    Package.ACTIONS10: ("REALTIME", True),
    Package.CALLTRACKING10: ("CALLTRACKING", True),
    Package.CLICKTOCALL10: ("CLICKTOCALL", False),
    Package.REALTIME10: ("REALTIME", True),
}


class RtStatus(StrEnum):
    """RT.Request ``call_status``."""

    UP = "UP"
    HANGUP = "HANGUP"
    INCOMING_CALL = "INCOMING_CALL"
    NOANSWER = "NOANSWER"
    BUSY = "BUSY"
    CONGESTION = "CONGESTION"
    REJECTED = "REJECTED"


#: The one Real-Time request an outbound call that was never answered gets (mock's choice).
UNANSWERED_RT_STATUS: dict[CallState, RtStatus] = {
    CallState.BUSY: RtStatus.BUSY,
    CallState.NO_ANSWER: RtStatus.NOANSWER,
    CallState.REJECTED: RtStatus.REJECTED,
    CallState.FAILED: RtStatus.CONGESTION,
    CallState.CANCELED: RtStatus.HANGUP,
}


class DialStatus(StrEnum):
    ANSWER = "ANSWER"
    BUSY = "BUSY"
    CANCEL = "CANCEL"
    CHANUNAVAIL = "CHANUNAVAIL"
    CONGESTION = "CONGESTION"
    NOANSWER = "NOANSWER"
    NODIAL = "NODIAL"


#: A final neutral state → CDR ``dialstatus`` and ISDN ``hangupcause`` (Q.850).
FINAL: dict[CallState, tuple[DialStatus, int]] = {
    CallState.COMPLETED: (DialStatus.ANSWER, 16),  # normal clearing
    CallState.BUSY: (DialStatus.BUSY, 17),  # user busy
    CallState.NO_ANSWER: (DialStatus.NOANSWER, 19),  # no answer from user
    CallState.REJECTED: (DialStatus.CONGESTION, 21),  # call rejected
    CallState.FAILED: (DialStatus.CHANUNAVAIL, 38),  # network out of order
    CallState.CANCELED: (DialStatus.CANCEL, 16),  # hung up before the answer
}


def dial_status(state: CallState) -> DialStatus:
    return FINAL[state][0]


def hangup_cause(state: CallState) -> int:
    return FINAL[state][1]


#: Who ended the call → CDR ``hangupsource``. CALLR is the caller of an outbound call; the client's
#: flow and the API act on its side.
HANGUP_SOURCE: dict[Party, str] = {
    Party.CALLEE: "CALLEE",
    Party.CALLER: "CALLER",
    Party.API: "CALLER",
    Party.SYSTEM: "GATEWAY",
}


def hangup_source(call: Call) -> str:
    return HANGUP_SOURCE[call.ended_by or Party.SYSTEM]


#: The same for an inbound call, where the remote party (the scenario) is the caller and the app the
#: callee (mock's choice).
HANGUP_SOURCE_IN: dict[Party, str] = {
    Party.CALLEE: "CALLER",
    Party.CALLER: "CALLEE",
    Party.API: "CALLEE",
    Party.SYSTEM: "GATEWAY",
}


def hangup_source_in(call: Call) -> str:
    return HANGUP_SOURCE_IN[call.ended_by or Party.SYSTEM]


#: ``calls.get_status_1`` while a call is running (mock's choice, callr.md §9.5); a final call answers
#: its ``dialstatus``.
RUNNING_STATUS: dict[CallState, str] = {
    CallState.QUEUED: "PENDING",
    CallState.INITIATED: "DIALING",
    CallState.RINGING: "DIALING",
    CallState.ANSWERED: "UP",
}


def call_status_word(state: CallState) -> str:
    return RUNNING_STATUS.get(state) or dial_status(state).value


#: Webhook types and the object each pushes (D-WH, seed "Webhook.Event").
WEBHOOK_TYPES = (
    "billing.credit",
    "billing.credit_warning",
    "billing.credit_shutdown",
    "call.inbound_start",
    "call.inbound_hangup",
    "call.outbound_start",
    "call.outbound_hangup",
    "did.assigned",
    "did.unassigned",
    "job.status_update",
    "media.library.status_update",
    "media.recording.new",
    "media.recording.status_update",
    "sms.mo",
    "sms.mt.status_update",
)

HMAC_ALGOS = ("MD5", "SHA1", "SHA256", "SHA512")
