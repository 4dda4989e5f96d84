"""The transition rules: the TRANSITIONS table, the pure ``apply`` and what a call's history promises."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from mockserver.core.calls import TERMINAL_STATES, AnsweredBy, Call, CallState, Direction, Party, Transition
from mockserver.core.machine import TRANSITIONS, IllegalTransition, apply, can_move, hangup_target

S = CallState
T0 = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)

LEGAL = sorted((source, target) for source, targets in TRANSITIONS.items() for target in targets)
ILLEGAL = sorted(
    (source, target)
    for source, target in itertools.product(CallState, CallState)
    if target not in TRANSITIONS.get(source, frozenset())
)


def call_in(state: CallState, at: datetime = T0) -> Call:
    return Call(
        id="call-1",
        provider="test",
        provider_call_id="p-1",
        account="acct",
        from_="15550001111",
        to="15550002222",
        direction=Direction.OUTBOUND,
        scenario="answered",
        created_at=at,
        history=(Transition(state, at, "given"),),
    )


def test_every_live_state_has_moves_and_no_terminal_state_has_an_entry() -> None:
    assert set(TRANSITIONS) == set(CallState) - TERMINAL_STATES
    assert all(TRANSITIONS[state] for state in TRANSITIONS)


def test_no_state_may_move_to_queued_or_to_itself() -> None:
    for source, targets in TRANSITIONS.items():
        assert S.QUEUED not in targets
        assert source not in targets


@pytest.mark.parametrize(("source", "target"), LEGAL)
def test_every_legal_move_appends_one_transition(source: CallState, target: CallState) -> None:
    call = call_in(source)
    at = T0 + timedelta(seconds=5)

    moved = apply(call, target, at, "because")

    assert moved.state is target
    assert moved.history == (*call.history, Transition(target, at, "because"))
    assert can_move(source, target)


@pytest.mark.parametrize(("source", "target"), ILLEGAL)
def test_every_illegal_move_raises_illegal_transition(source: CallState, target: CallState) -> None:
    call = call_in(source)

    with pytest.raises(IllegalTransition) as raised:
        apply(call, target, T0 + timedelta(seconds=1), "because")

    assert raised.value.call is call
    assert raised.value.target is target
    assert not can_move(source, target)


@pytest.mark.parametrize("terminal", sorted(TERMINAL_STATES))
def test_terminal_states_are_final(terminal: CallState) -> None:
    call = call_in(terminal)
    for target in CallState:
        with pytest.raises(IllegalTransition):
            apply(call, target, T0, "again")


def test_apply_leaves_the_given_call_unchanged() -> None:
    call = call_in(S.RINGING)
    apply(call, S.ANSWERED, T0 + timedelta(seconds=3), "picked up")
    assert call.state is S.RINGING
    assert len(call.history) == 1


def test_a_transition_stamped_before_the_previous_one_takes_the_previous_time() -> None:
    call = call_in(S.RINGING, at=T0 + timedelta(seconds=10))
    moved = apply(call, S.ANSWERED, T0, "late news")
    assert moved.history[-1].at == T0 + timedelta(seconds=10)


def test_answer_defaults_to_a_human_and_keeps_a_machine() -> None:
    assert apply(call_in(S.RINGING), S.ANSWERED, T0, "").answered_by is AnsweredBy.HUMAN
    by_machine = apply(call_in(S.RINGING), S.ANSWERED, T0, "", answered_by=AnsweredBy.MACHINE)
    assert by_machine.answered_by is AnsweredBy.MACHINE


def test_ending_records_who_ended_the_call_defaulting_to_the_system() -> None:
    assert apply(call_in(S.RINGING), S.BUSY, T0, "").ended_by is Party.SYSTEM
    hung_up = apply(call_in(S.ANSWERED), S.COMPLETED, T0, "", ended_by=Party.CALLEE)
    assert hung_up.ended_by is Party.CALLEE


def test_a_live_move_records_no_one_as_having_ended_the_call() -> None:
    assert apply(call_in(S.QUEUED), S.INITIATED, T0, "", ended_by=Party.API).ended_by is None


def test_hangup_of_an_answered_call_completes_it_and_otherwise_cancels_it() -> None:
    assert hangup_target(S.ANSWERED) is S.COMPLETED
    for state in (S.QUEUED, S.INITIATED, S.RINGING):
        assert hangup_target(state) is S.CANCELED


def test_talk_seconds_are_whole_seconds_from_answer_to_end() -> None:
    call = apply(call_in(S.RINGING), S.ANSWERED, T0 + timedelta(seconds=2), "")
    assert call.talk_seconds == 0  # still talking
    call = apply(call, S.COMPLETED, T0 + timedelta(seconds=33.9), "")
    assert call.answered_at == T0 + timedelta(seconds=2)
    assert call.ended_at == T0 + timedelta(seconds=33.9)
    assert call.talk_seconds == 31


#: Seconds between events, to the millisecond; negative ones are late or out-of-order news.
DELTAS = st.integers(min_value=-120_000, max_value=120_000).map(lambda ms: ms / 1000)
FORWARD = {S.QUEUED: S.INITIATED, S.INITIATED: S.RINGING, S.RINGING: S.ANSWERED, S.ANSWERED: S.COMPLETED}


class CallLifecycle(RuleBasedStateMachine):
    """Any sequence of (target, time delta) events, illegal ones ignored, leaves a call that keeps every
    promise of the history: legal steps only, final once ended, time never backwards, honest duration."""

    def __init__(self) -> None:
        super().__init__()
        self.call = call_in(S.QUEUED)
        self.now = T0
        self.ended: Call | None = None

    @rule(state=st.sampled_from(CallState), delta=DELTAS)
    def event(self, state: CallState, delta: float) -> None:
        self.now += timedelta(seconds=delta)
        try:
            self.call = apply(self.call, state, self.now, "event")
        except IllegalTransition:
            assert not can_move(self.call.state, state)
        if self.call.state.terminal and self.ended is None:
            self.ended = self.call

    @rule(data=st.data(), delta=DELTAS)
    def move_on(self, data: st.DataObject, delta: float) -> None:
        """A move the table allows from here (or, once ended, any move at all)."""
        moves = sorted(TRANSITIONS.get(self.call.state, CallState))
        self.event(data.draw(st.sampled_from(moves)), delta)

    @rule(delta=DELTAS)
    def go_forward(self, delta: float) -> None:
        """One step along queued → initiated → ringing → answered → completed, so runs get that far."""
        self.event(FORWARD.get(self.call.state, S.ANSWERED), delta)

    @invariant()
    def history_has_only_legal_moves(self) -> None:
        states = [t.state for t in self.call.history]
        assert states[0] is S.QUEUED
        for source, target in itertools.pairwise(states):
            assert can_move(source, target), f"{source} -> {target}"

    @invariant()
    def an_ended_call_stays_ended(self) -> None:
        if self.ended is not None:
            assert self.call == self.ended

    @invariant()
    def history_times_never_go_backwards(self) -> None:
        times = [t.at for t in self.call.history]
        assert times == sorted(times)

    @invariant()
    def duration_is_talk_time_of_completed_calls_and_zero_otherwise(self) -> None:
        call = self.call
        answered, ended = call.answered_at, call.ended_at
        if call.state is S.COMPLETED:
            assert answered is not None
            assert ended is not None
            assert call.talk_seconds == int((ended - answered).total_seconds())
        if answered is None or call.live:
            assert call.talk_seconds == 0
        assert (call.answered_by is None) == (answered is None)


TestCallLifecycle = CallLifecycle.TestCase
TestCallLifecycle.settings = settings(max_examples=150, stateful_step_count=20, deadline=None)
