"""Apifonica's call status words, from the neutral states (seed 001, "Call status")."""

from __future__ import annotations

from mockserver.core.calls import CallState

#: Neutral state → Apifonica ``status``. Total: every neutral state has a word.
STATUS: dict[CallState, str] = {
    CallState.QUEUED: "queued",
    CallState.INITIATED: "initiated",
    CallState.RINGING: "ringing",
    CallState.ANSWERED: "answered",
    CallState.COMPLETED: "completed",
    CallState.BUSY: "busy",
    CallState.NO_ANSWER: "no_answer",
    CallState.REJECTED: "rejected",
    CallState.FAILED: "failed",
    CallState.CANCELED: "canceled",
}

#: A live call whose flow was replaced through "Modify live call" (or an XML reply to an event).
MODIFIED = "modified"

#: Every status an ``events`` list may name.
EVENT_STATUSES = frozenset({*STATUS.values(), MODIFIED})


def to_status(state: CallState, modified: bool) -> str:
    if modified and state is CallState.ANSWERED:
        return MODIFIED
    return STATUS[state]


def parse_events(raw: str) -> frozenset[str]:
    """``"all"``, ``"none"`` or a pipe-joined list such as ``"answered|completed"``.

    Raises ValueError naming the unknown word.
    """
    text = raw.strip().lower()
    if text == "all":
        return EVENT_STATUSES
    if text in ("", "none"):
        return frozenset()
    words = frozenset(word.strip() for word in text.split("|"))
    unknown = sorted(words - EVENT_STATUSES)
    if unknown:
        raise ValueError(f"unknown event {unknown[0]!r} (use all, none or a | list of call statuses)")
    return words
