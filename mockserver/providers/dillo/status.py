"""Dillo's status codes: the whole table in one place (mock's choice, dillo.md §4 and §9.4).

Dillo documents the shape ``{PrimaryStatus: {Code, Description}, SecondaryStatus: {...}, StatusCode}``
but not the codes. Real client code polls until ``PrimaryStatus.Code == 200`` ("finished") [CLIENT], so
the codes are HTTP-like. Everything else here is the mock's choice; swap this table if real codes
surface.
"""

from __future__ import annotations

from typing import Any

from mockserver.core.calls import CallState
from mockserver.core.values import frozen


@frozen
class VoiceStatus:
    code: int
    description: str

    def to_json(self) -> dict[str, Any]:
        return {"Code": self.code, "Description": self.description}


# Primary: where the request is in its processing.
QUEUED = VoiceStatus(100, "Queued")
PROCESSING = VoiceStatus(102, "Processing")
COMPLETED = VoiceStatus(200, "Completed")  # observed: the call is over [CLIENT]

# Secondary: the call's outcome so far.
NONE = VoiceStatus(0, "None")
RINGING = VoiceStatus(180, "Ringing")
IN_PROGRESS = VoiceStatus(183, "InProgress")
ANSWERED = VoiceStatus(200, "Answered")
BUSY = VoiceStatus(486, "Busy")
NO_ANSWER = VoiceStatus(480, "NoAnswer")
CANCELED = VoiceStatus(487, "Canceled")
REJECTED = VoiceStatus(603, "Rejected")
FAILED = VoiceStatus(500, "Failed")

#: Neutral state → (primary, secondary). Total: every neutral state has a pair, and no two share one.
TABLE: dict[CallState, tuple[VoiceStatus, VoiceStatus]] = {
    CallState.QUEUED: (QUEUED, NONE),
    CallState.INITIATED: (PROCESSING, NONE),
    CallState.RINGING: (PROCESSING, RINGING),
    CallState.ANSWERED: (PROCESSING, IN_PROGRESS),
    CallState.COMPLETED: (COMPLETED, ANSWERED),
    CallState.BUSY: (COMPLETED, BUSY),
    CallState.NO_ANSWER: (COMPLETED, NO_ANSWER),
    CallState.REJECTED: (COMPLETED, REJECTED),
    CallState.FAILED: (COMPLETED, FAILED),
    CallState.CANCELED: (COMPLETED, CANCELED),
}


def status_code(state: CallState) -> str:
    """``"<primary>.<secondary>"``, e.g. ``"200.486"`` (the SDK's ``"{0}.{1}"`` format [SDK])."""
    primary, secondary = TABLE[state]
    return f"{primary.code}.{secondary.code}"


def description(state: CallState) -> str:
    """``StatusDescription``: the secondary description, or the primary one while it is ``None``."""
    primary, secondary = TABLE[state]
    return primary.description if secondary is NONE else secondary.description


def status_json(state: CallState) -> dict[str, Any]:
    primary, secondary = TABLE[state]
    return {
        "PrimaryStatus": primary.to_json(),
        "SecondaryStatus": secondary.to_json(),
        "StatusCode": status_code(state),
    }
