"""The hand-written copies of a call (``moved``, ``with_recording``) change only what they say they
change: each field of a call whose every field is set comes through, so a field added to ``Call`` and
forgotten in a copy fails here."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from mockserver.core.calls import AnsweredBy, Call, CallState, Direction, Party, Recording, Transition

T0 = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)


def full_call() -> Call:
    """A call with no field at its default, so a copy that drops one shows."""
    values = {
        "id": "call-1",
        "provider": "test",
        "provider_call_id": "p-1",
        "account": "acct",
        "from_": "15550001111",
        "to": "15550002222",
        "direction": Direction.INBOUND,
        "scenario": "answered",
        "created_at": T0,
        "history": (Transition(CallState.QUEUED, T0, "placed"), Transition(CallState.ANSWERED, T0, "up")),
        "parent_id": "call-0",
        "digits": "12#",
        "answered_by": AnsweredBy.MACHINE,
        "ended_by": Party.CALLEE,
        "price_per_minute": Decimal("0.013"),
        "recording": Recording("rec-0", 3, T0),
        "ring_timeout": 25.0,
        "labels": (("team", "a"),),
    }
    assert set(values) == {f.name for f in dataclasses.fields(Call)}, "a field of Call is not set here"
    call = Call(**values)  # type: ignore[arg-type]
    for f in dataclasses.fields(Call):
        default = f.default if f.default is not dataclasses.MISSING else None
        assert getattr(call, f.name) != default, f.name
    return call


def test_moved_changes_the_history_and_the_parties_only() -> None:
    call = full_call()
    step = Transition(CallState.COMPLETED, T0 + timedelta(seconds=9), "hung up")
    moved = call.moved(step, AnsweredBy.HUMAN, Party.CALLER)
    expected = dataclasses.replace(
        call, history=(*call.history, step), answered_by=AnsweredBy.HUMAN, ended_by=Party.CALLER
    )
    assert moved == expected


def test_with_recording_changes_the_recording_only() -> None:
    call = full_call()
    recording = Recording("rec-1", 7, T0 + timedelta(seconds=14))
    assert call.with_recording(recording) == dataclasses.replace(call, recording=recording)
