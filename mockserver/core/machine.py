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
    last = call.history[-1]
    if target not in TRANSITIONS.get(last.state, _FINAL):
        raise IllegalTransition(call, target)
    if at < last.at:
        at = last.at
    answered_by = (answered_by or _HUMAN) if target is _ANSWERED else call.answered_by
    ended_by = (ended_by or _SYSTEM) if target in TERMINAL_STATES else call.ended_by
    return call.moved(Transition(target, at, cause), answered_by, ended_by)


# Module constants for apply, run on every transition: an enum member read through its class costs
# ~70 ns on Python 3.11, a module global ~10.
_FINAL: frozenset[CallState] = frozenset()
_ANSWERED = S.ANSWERED
_HUMAN = AnsweredBy.HUMAN
_SYSTEM = Party.SYSTEM


def hangup_target(state: CallState) -> CallState:
    """Where a hang-up leads: an answered call completes, one not yet answered is canceled."""
    return S.COMPLETED if state is S.ANSWERED else S.CANCELED
