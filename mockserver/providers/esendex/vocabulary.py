"""Esendex's status vocabulary: the ``QueueIDStatusCode`` table and the neutral state → code mapping.

The table is what ``GetResponseCodes`` returns [esendex.md §4], texts verbatim (code 14 has two spaces).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from mockserver.core.calls import AnsweredBy, Call, CallState, Party

RESPONSE_TEXTS: dict[int, str] = {
    0: "Queued",
    1: "Call Answered",
    2: "Call Unanswered",
    3: "Invalid Phone Number",
    4: "Invalid CallerID",
    5: "Invalid VoiceID",
    6: "Invalid Number to Transfer To",
    7: "Invalid Digit for Transfer",
    8: "Busy",
    9: "Universal Error",
    10: "Demo allowance exceeded.",
    11: "Demo not allowed",
    12: "Dialing",
    13: "CallerID and PhoneNumber To Dial cannot match.",
    14: "Key Invalid.  IP Address has been suspended.",
    15: "Phone Number Abuse",
    16: "Scheduled Time is not a UTC date/time",
    17: "http://wiki.cdyne.com/index.php/SiteBan",
    18: "Ringing",
    19: "Trying",
    20: "Call is being Forwarded",
    21: "In Call/Ringing",
    22: "Cancelled",
    23: "Sound File Not Found",
    24: "Transferred",
    25: "Transfer Failed",
    26: "Caller Hung up during transfer",
    27: "Administrative Hold",
    28: "Call Forbidden",
    29: "Incoming Call",
    30: "Incoming Call Complete",
    31: "Incoming Call Transferred",
    32: "TTS Error",
    33: "Time Restriction",
    34: "Congestion/Service Unavail",
    35: "Global Not Acceptable",
    36: "No Supported Media",
    37: "Telecom Timeout",
    38: "Telecom Denied",
    39: "Demo Denied due to FTC regulations",
    40: "TTS Busy - Will Try Again",
    41: "Conference Start",
    42: "Conference Join",
    43: "Telco Reported Vacant Number",
    44: "Number Changed or Disconnected",
    45: "Sound File Processing",
    46: "Ready for Dialer",
}


class Code(IntEnum):
    """The codes the mock itself produces (all of them are in :data:`RESPONSE_TEXTS`)."""

    QUEUED = 0
    ANSWERED = 1
    UNANSWERED = 2
    INVALID_PHONE = 3
    INVALID_CALLER_ID = 4
    INVALID_VOICE_ID = 5
    INVALID_TRANSFER_NUMBER = 6
    BUSY = 8
    UNIVERSAL_ERROR = 9
    DEMO_NOT_ALLOWED = 11
    DIALING = 12
    CALLER_ID_IS_DESTINATION = 13
    KEY_INVALID = 14
    NOT_UTC = 16
    RINGING = 18
    IN_CALL = 21
    CANCELLED = 22
    SOUND_NOT_FOUND = 23
    TRANSFERRED = 24
    INCOMING_CALL = 29
    INCOMING_COMPLETE = 30
    INCOMING_TRANSFERRED = 31
    VACANT_NUMBER = 43

    @property
    def text(self) -> str:
        return RESPONSE_TEXTS[self.value]


class MachineDetection(StrEnum):
    """``machinedetection`` / ``MachineDetection`` words [S-seed]."""

    HUMAN = "HUMAN"
    MACHINE = "MACHINE"
    FAX = "FAX"
    UNKNOWN = "UNKNOWN"


#: Neutral state → the code a live or finished attempt reports. Total over the neutral states.
#: rejected → Busy and failed → Telco Reported Vacant Number are the mock's choice (the shipped
#: ``rejected`` scenario is a declined call, which networks report as busy; ``failed`` is "number
#: does not exist").
STATE_CODES: dict[CallState, Code] = {
    CallState.QUEUED: Code.QUEUED,
    CallState.INITIATED: Code.DIALING,
    CallState.RINGING: Code.RINGING,
    CallState.ANSWERED: Code.IN_CALL,
    CallState.COMPLETED: Code.ANSWERED,
    CallState.BUSY: Code.BUSY,
    CallState.NO_ANSWER: Code.UNANSWERED,
    CallState.REJECTED: Code.BUSY,
    CallState.FAILED: Code.VACANT_NUMBER,
    CallState.CANCELED: Code.CANCELLED,
}

#: Attempts that ended like this are tried again while ``TryCount`` allows ("unanswered or busy").
RETRIED_STATES = frozenset({CallState.BUSY, CallState.NO_ANSWER, CallState.REJECTED})


def call_code(call: Call, transferred: bool = False, incoming: bool = False) -> Code:
    """The code of one attempt. A call the callee hung up while it rang was not answered (2); only
    one ended through the API (the mock-only hang-up) is Cancelled (22). An incoming call is 29
    while it lasts, then 30 (31 if the script transferred it) — or, if it never got through, the
    outgoing code of how it ended (mock's choice)."""
    if incoming and call.live:
        return Code.INCOMING_CALL
    if incoming and call.state is CallState.COMPLETED:
        return Code.INCOMING_TRANSFERRED if transferred else Code.INCOMING_COMPLETE
    if call.state is CallState.CANCELED and call.ended_by is not Party.API:
        return Code.UNANSWERED
    if call.state is CallState.COMPLETED and transferred:
        return Code.TRANSFERRED
    return STATE_CODES[call.state]


def machine_detection(answered_by: AnsweredBy | None) -> MachineDetection:
    if answered_by is AnsweredBy.HUMAN:
        return MachineDetection.HUMAN
    if answered_by is AnsweredBy.MACHINE:
        return MachineDetection.MACHINE
    return MachineDetection.UNKNOWN
