"""Which moves a call may make, as data, and the one pure function that makes them."""

from __future__ import annotations

from datetime import datetime

from mockserver.core.calls import TERMINAL_STATES, AnsweredBy, Call, CallState, Party, Transition

S = CallState

#: state → the states it may move to. Terminal states have no entry: they are final.
TRANSITIONS: dict[CallState, frozenset[CallState]] = {
    S.QUEUED: frozenset({S.INITIATED, S.FAILED, S.CANCELED, S.REJECTED}),
    S.INITIATED: frozenset({S.RINGING, S.BUSY, S.FAILED, S.CANCELED, S.REJECTED, S.NO_ANSWER}),
    S.RINGING: frozenset({S.ANSWERED, S.BUSY, S.NO_ANSWER, S.REJECTED, S.FAILED, S.CANCELED}),
    S.ANSWERED: frozenset({S.COMPLETED, S.FAILED}),
}


class IllegalTransition(Exception):
    def __init__(self, call: Call, target: CallState) -> None:
        super().__init__(f"call {call.id} cannot move from {call.state} to {target}")
        self.call = call
        self.target = target


def can_move(source: CallState, target: CallState) -> bool:
    return target in TRANSITIONS.get(source, frozenset())


def apply(
    call: Call,
    target: CallState,
    at: datetime,
    cause: str,
    *,
    answered_by: AnsweredBy | None = None,
    ended_by: Party | None = None,
) -> Call:
    """Move ``call`` to ``target`` at ``at``, or raise :class:`IllegalTransition`.

    Time never goes backwards: a transition stamped before the previous one is stamped with the previous
    one's time instead.
    """
    if not can_move(call.state, target):
        raise IllegalTransition(call, target)
    at = max(at, call.updated_at)
    answered_by = (answered_by or AnsweredBy.HUMAN) if target is S.ANSWERED else call.answered_by
    ended_by = (ended_by or Party.SYSTEM) if target in TERMINAL_STATES else call.ended_by
    return call.moved(Transition(target, at, cause), answered_by, ended_by)


def hangup_target(state: CallState) -> CallState:
    """Where a hang-up leads: an answered call completes, one not yet answered is canceled."""
    return S.COMPLETED if state is S.ANSWERED else S.CANCELED
