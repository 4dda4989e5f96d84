"""The call backend on a virtual clock: plans run on time, hang-ups, the keypad, recordings, updates."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from mockserver.core.backend import DEFAULT_RING_TIMEOUT, CallBackend, CallUpdate, PlaceCall, UpdateKind
from mockserver.core.calls import AnsweredBy, Call, CallState, Party
from mockserver.core.clock import Scheduler, VirtualClock
from mockserver.core.errors import Conflict, NotFound
from mockserver.core.ids import IdFactory
from mockserver.core.machine import IllegalTransition
from mockserver.core.plan import CallPlan, Press, Step, UnknownScenario

S = CallState
T0 = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)

ANSWERED = CallPlan(
    scenario="answered",
    steps=(
        Step(1, S.INITIATED),
        Step(2, S.RINGING),
        Step(4, S.ANSWERED, answered_by=AnsweredBy.MACHINE),
        Step(30, S.COMPLETED, ended_by=Party.CALLEE, cause="callee hung up"),
    ),
    price_per_minute=Decimal("0.02"),
)
RINGS = CallPlan(scenario="rings", steps=(Step(1, S.INITIATED), Step(2, S.RINGING)))
BUSY = CallPlan(scenario="busy", steps=(Step(1, S.INITIATED), Step(2, S.BUSY)))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class Plans:
    """A PlanSource: the requested plan by name, else the one for the number, else ``answered``."""

    def __init__(self, *plans: CallPlan, numbers: dict[str, str] | None = None) -> None:
        self.by_name = {plan.scenario: plan for plan in (ANSWERED, *plans)}
        self.numbers = numbers or {}

    def plan_for(self, to: str, requested: str | None = None) -> CallPlan:
        name = requested or self.numbers.get(to, "answered")
        if name not in self.by_name:
            raise UnknownScenario(name)
        return self.by_name[name]


class Line:
    """A backend on a virtual clock, with a recorder of every update and a few shortcuts."""

    def __init__(self, *plans: CallPlan, recording_delay: float = 5.0) -> None:
        self.clock = VirtualClock(T0)
        self.scheduler = Scheduler(self.clock)
        self.backend = CallBackend(
            self.scheduler, IdFactory(seed=1), Plans(*plans), recording_delay=recording_delay
        )
        self.updates: list[CallUpdate] = []
        self.backend.subscribe(self.updates.append)

    def place(self, scenario: str = "answered", *, to: str = "15550001234", **extra: object) -> Call:
        request = PlaceCall(
            provider="test",
            account="acct",
            from_="15550009999",
            to=to,
            provider_call_id=f"p-{len(self.backend.store) + 1}",
            scenario=scenario,
            **extra,  # type: ignore[arg-type]
        )
        return self.backend.place(request)

    def advance_to(self, seconds: float) -> None:
        async def settle() -> None:
            return None

        target = (at(seconds) - self.clock.now()).total_seconds()
        asyncio.run(self.scheduler.advance(target, settle))
        assert self.scheduler.errors == []

    def get(self, call: Call) -> Call:
        return self.backend.get(call.id)

    def states(self, call: Call) -> list[tuple[CallState, datetime]]:
        return [(t.state, t.at) for t in self.get(call).history]


@pytest.fixture
def line() -> Line:
    return Line(RINGS, BUSY)


# -- placing and running the plan ----------------------------------------------------------------
def test_a_placed_call_is_queued_at_once(line: Line) -> None:
    call = line.place()

    assert call.state is S.QUEUED
    assert call.created_at == T0
    assert call.scenario == "answered"
    assert call.price_per_minute == Decimal("0.02")
    assert line.backend.get(call.id) == call
    assert line.backend.find("test", call.provider_call_id) == call


def test_plan_steps_run_at_their_planned_offsets(line: Line) -> None:
    call = line.place()

    line.advance_to(2.999)
    assert line.get(call).state is S.INITIATED

    line.advance_to(100)
    assert line.states(call) == [
        (S.QUEUED, at(0)),
        (S.INITIATED, at(1)),
        (S.RINGING, at(3)),
        (S.ANSWERED, at(7)),
        (S.COMPLETED, at(37)),
    ]
    done = line.get(call)
    assert done.answered_by is AnsweredBy.MACHINE
    assert done.ended_by is Party.CALLEE
    assert done.history[-1].cause == "callee hung up"
    assert done.talk_seconds == 30
    assert done.price == Decimal("0.01")


def test_a_step_without_a_cause_names_its_scenario(line: Line) -> None:
    call = line.place("busy")
    line.advance_to(10)
    assert line.get(call).history[-1].cause == "scenario busy"


def test_placing_with_an_unknown_scenario_raises_and_stores_nothing(line: Line) -> None:
    with pytest.raises(UnknownScenario):
        line.place("nope")
    assert len(line.backend.store) == 0
    assert line.scheduler.pending() == 0


def test_a_finished_call_leaves_nothing_scheduled(line: Line) -> None:
    line.place("busy")
    line.advance_to(3)
    assert line.scheduler.pending() == 0


# -- ring timeout --------------------------------------------------------------------------------
def test_a_call_nobody_answers_ends_no_answer_after_the_default_ring_timeout(line: Line) -> None:
    call = line.place("rings")

    line.advance_to(DEFAULT_RING_TIMEOUT - 0.001)
    assert line.get(call).state is S.RINGING

    line.advance_to(DEFAULT_RING_TIMEOUT)
    ended = line.get(call)
    assert ended.state is S.NO_ANSWER
    assert ended.ended_at == at(DEFAULT_RING_TIMEOUT)
    assert ended.ended_by is Party.SYSTEM
    assert ended.talk_seconds == 0


def test_the_calls_own_ring_timeout_beats_a_late_answer(line: Line) -> None:
    call = line.place("answered", ring_timeout=5.0)

    line.advance_to(100)

    assert line.states(call)[-1] == (S.NO_ANSWER, at(5))
    assert line.scheduler.pending() == 0


def test_the_ring_timeout_does_nothing_to_an_answered_call(line: Line) -> None:
    call = line.place("answered", ring_timeout=10.0)
    line.advance_to(100)
    assert line.get(call).state is S.COMPLETED


# -- hanging up ----------------------------------------------------------------------------------
def test_hangup_of_an_answered_call_ends_completed(line: Line) -> None:
    call = line.place()
    line.advance_to(17)

    ended = line.backend.hangup(call.id, Party.API, "hung up by the test")

    assert ended.state is S.COMPLETED
    assert ended.ended_by is Party.API
    assert ended.ended_at == at(17)
    assert ended.talk_seconds == 10
    assert ended.history[-1].cause == "hung up by the test"


def test_hangup_while_ringing_ends_canceled(line: Line) -> None:
    call = line.place()
    line.advance_to(4)

    ended = line.backend.hangup(call.id, Party.CALLER, "changed my mind")

    assert ended.state is S.CANCELED
    assert ended.talk_seconds == 0


def test_hangup_stops_the_rest_of_the_plan(line: Line) -> None:
    call = line.place()
    line.advance_to(4)
    line.backend.hangup(call.id, Party.CALLER, "changed my mind")

    line.advance_to(100)

    assert [state for state, _ in line.states(call)] == [S.QUEUED, S.INITIATED, S.RINGING, S.CANCELED]
    assert line.scheduler.pending() == 0


def test_hangup_of_an_ended_call_is_a_conflict(line: Line) -> None:
    call = line.place("busy")
    line.advance_to(10)

    with pytest.raises(Conflict):
        line.backend.hangup(call.id, Party.API, "too late")
    assert line.get(call).state is S.BUSY


def test_an_unknown_call_is_not_found(line: Line) -> None:
    with pytest.raises(NotFound):
        line.backend.get("no-such-call")
    with pytest.raises(NotFound):
        line.backend.hangup("no-such-call", Party.API, "")


# -- moved on by hand ----------------------------------------------------------------------------
def test_steps_the_call_has_been_moved_past_by_hand_are_skipped(line: Line) -> None:
    call = line.place()
    line.advance_to(1.5)
    line.backend.move(call.id, S.RINGING, "control: ringing")
    line.backend.move(call.id, S.ANSWERED, "control: answer")

    line.advance_to(100)

    assert line.states(call) == [
        (S.QUEUED, at(0)),
        (S.INITIATED, at(1)),
        (S.RINGING, at(1.5)),
        (S.ANSWERED, at(1.5)),
        (S.COMPLETED, at(37)),  # the plan's ringing (3 s) and answered (7 s) steps were skipped
    ]
    assert line.get(call).answered_by is AnsweredBy.HUMAN


def test_an_illegal_move_by_hand_raises_and_changes_nothing(line: Line) -> None:
    call = line.place()
    with pytest.raises(IllegalTransition):
        line.backend.move(call.id, S.ANSWERED, "control: answer")
    assert line.get(call) == call


# -- subscribers ---------------------------------------------------------------------------------
def test_subscribers_hear_every_update_in_order(line: Line) -> None:
    call = line.place()
    line.advance_to(100)

    states = [u.call.state for u in line.updates if u.kind is UpdateKind.STATE]
    assert states == [S.QUEUED, S.INITIATED, S.RINGING, S.ANSWERED, S.COMPLETED]
    for update in line.updates:
        assert update.transition == update.call.history[-1]
        assert update.call.id == call.id
    assert line.updates[-1].call == line.get(call)


def test_a_provider_subscriber_hears_only_its_own_calls(line: Line) -> None:
    heard: list[str] = []
    line.backend.subscribe(lambda update: heard.append(update.call.provider), provider="other")
    line.place("busy")
    other = line.backend.place(
        PlaceCall(provider="other", account="a", from_="1", to="2", provider_call_id="o-1", scenario="busy")
    )
    line.advance_to(10)

    assert heard == ["other"] * 3
    assert {u.call.id for u in line.updates} == {c.id for c in line.backend.calls()}
    assert [c.id for c in line.backend.calls(provider="other")] == [other.id]


def test_calls_filter_by_state_and_by_destination_digits(line: Line) -> None:
    busy = line.place("busy", to="+1 555 000 0001")
    answered = line.place("answered", to="15550000002")
    line.advance_to(10)

    assert [c.id for c in line.backend.calls(state="busy")] == [busy.id]
    assert [c.id for c in line.backend.calls(to="15550000002")] == [answered.id]
    assert [c.id for c in line.backend.calls(to="+15550000002")] == [answered.id]
    assert [c.id for c in line.backend.calls(to="+1 (555) 000-0001")] == [busy.id]


# -- the callee's keypad -------------------------------------------------------------------------
class Prompt:
    """Records which of the two answers of :meth:`CallBackend.ask` came, and when."""

    def __init__(self, line: Line) -> None:
        self.line = line
        self.heard: list[tuple[str, datetime]] = []

    async def on_digits(self, digits: str) -> None:
        self.heard.append((digits, self.line.clock.now()))

    async def on_timeout(self) -> None:
        self.heard.append(("timeout", self.line.clock.now()))

    def ask(self, call: Call, timeout: float) -> None:
        self.line.backend.ask(call.id, timeout, self.on_digits, self.on_timeout)


IVR = CallPlan(
    scenario="ivr",
    steps=(*ANSWERED.steps[:3], Step(120, S.COMPLETED)),
    presses=(Press(2, "1"), Press(3, "1234#")),
)
SLOW = CallPlan(scenario="slow", steps=IVR.steps, presses=(Press(8, "9"), Press(1, "2")))
SILENT = CallPlan(scenario="silent", steps=IVR.steps, presses=(Press(1, ""),))


@pytest.fixture
def ivr() -> Line:
    return Line(IVR, SLOW, SILENT)


def test_scripted_presses_answer_each_prompt_after_their_delay(ivr: Line) -> None:
    call = ivr.place("ivr")
    ivr.advance_to(7)  # answered
    prompt = Prompt(ivr)

    prompt.ask(call, 5)
    ivr.advance_to(8.999)
    assert prompt.heard == []
    ivr.advance_to(9)
    assert prompt.heard == [("1", at(9))]

    prompt.ask(call, 5)
    ivr.advance_to(30)
    assert prompt.heard == [("1", at(9)), ("1234#", at(12))]
    assert ivr.get(call).digits == "11234#"
    digit_updates = [(u.kind, u.digits) for u in ivr.updates if u.kind is UpdateKind.DIGITS]
    assert digit_updates == [(UpdateKind.DIGITS, "1"), (UpdateKind.DIGITS, "1234#")]


def test_a_press_slower_than_the_prompt_times_out(ivr: Line) -> None:
    call = ivr.place("slow")
    ivr.advance_to(7)
    prompt = Prompt(ivr)

    prompt.ask(call, 5)
    ivr.advance_to(30)

    assert prompt.heard == [("timeout", at(12))]
    assert ivr.get(call).digits == ""


def test_a_press_that_missed_its_prompt_is_used_up(ivr: Line) -> None:
    call = ivr.place("slow")
    ivr.advance_to(7)
    prompt = Prompt(ivr)

    prompt.ask(call, 5)
    ivr.advance_to(12)
    prompt.ask(call, 5)
    ivr.advance_to(30)

    assert prompt.heard == [("timeout", at(12)), ("2", at(13))]


def test_an_empty_press_and_an_exhausted_script_let_the_prompt_time_out(ivr: Line) -> None:
    call = ivr.place("silent")
    ivr.advance_to(7)
    prompt = Prompt(ivr)

    prompt.ask(call, 4)
    ivr.advance_to(11)
    prompt.ask(call, 2)
    ivr.advance_to(30)

    assert prompt.heard == [("timeout", at(11)), ("timeout", at(13))]


def test_injected_digits_answer_a_waiting_prompt_at_once(ivr: Line) -> None:
    call = ivr.place("ivr")
    ivr.advance_to(7)
    prompt = Prompt(ivr)
    before = ivr.scheduler.pending()
    prompt.ask(call, 5)

    pressed = asyncio.run(ivr.backend.press(call.id, "42"))

    assert prompt.heard == [("42", at(7))]
    assert ivr.scheduler.pending() == before  # the scripted press is called off
    assert pressed.digits == "42"
    ivr.advance_to(30)  # neither the scripted press nor the timeout answers it again
    assert prompt.heard == [("42", at(7))]
    assert ivr.get(call).digits == "42"


def test_digits_injected_with_no_prompt_waiting_are_kept(ivr: Line) -> None:
    call = ivr.place("ivr")
    ivr.advance_to(7)

    pressed = asyncio.run(ivr.backend.press(call.id, "5"))

    assert pressed.digits == "5"
    assert (ivr.updates[-1].kind, ivr.updates[-1].digits) == (UpdateKind.DIGITS, "5")


def test_digits_need_an_answered_call(ivr: Line) -> None:
    call = ivr.place("ivr")
    ivr.advance_to(4)
    with pytest.raises(Conflict):
        asyncio.run(ivr.backend.press(call.id, "1"))


def test_a_prompt_on_a_call_that_ends_gets_no_answer(ivr: Line) -> None:
    call = ivr.place("slow")
    ivr.advance_to(7)
    prompt = Prompt(ivr)
    prompt.ask(call, 60)

    ivr.backend.hangup(call.id, Party.CALLER, "gone")
    ivr.advance_to(200)

    assert prompt.heard == []


def test_schedule_does_not_run_for_a_call_that_has_already_ended(line: Line) -> None:
    call = line.place("busy")
    line.advance_to(10)
    ran: list[datetime] = []

    async def action() -> None:
        ran.append(line.clock.now())

    line.backend.schedule(call.id, 1, action)
    line.advance_to(20)

    assert ran == []


def test_schedule_runs_for_a_live_call(line: Line) -> None:
    call = line.place()
    ran: list[datetime] = []

    async def action() -> None:
        ran.append(line.clock.now())

    line.backend.schedule(call.id, 2, action)
    line.advance_to(20)

    assert ran == [at(2)]


# -- recordings ----------------------------------------------------------------------------------
RECORDED = CallPlan(scenario="recorded", steps=ANSWERED.steps, recording_seconds=60)
SHORT_RECORDING = CallPlan(scenario="short", steps=ANSWERED.steps, recording_seconds=12)
RECORDED_BUSY = CallPlan(scenario="recorded-busy", steps=BUSY.steps, recording_seconds=60)
RECORDED_RINGS = CallPlan(scenario="recorded-rings", steps=RINGS.steps, recording_seconds=60)


@pytest.fixture
def studio() -> Line:
    return Line(RECORDED, SHORT_RECORDING, RECORDED_BUSY, RECORDED_RINGS, recording_delay=5.0)


def test_a_recording_arrives_some_seconds_after_the_call_ends_capped_by_talk_time(studio: Line) -> None:
    call = studio.place("recorded")

    studio.advance_to(41.999)  # ended at 37
    assert studio.get(call).recording is None

    studio.advance_to(42)
    recording = studio.get(call).recording
    assert recording is not None
    assert recording.seconds == 30  # the call talked for 30 s of the 60 planned
    assert recording.created_at == at(42)
    assert studio.updates[-1].kind is UpdateKind.RECORDING
    assert studio.updates[-1].call.recording == recording


def test_a_recording_shorter_than_the_talk_keeps_its_length(studio: Line) -> None:
    call = studio.place("short")
    studio.advance_to(100)
    recording = studio.get(call).recording
    assert recording is not None
    assert recording.seconds == 12


def test_a_call_hung_up_by_the_api_is_recorded_up_to_the_hangup(studio: Line) -> None:
    call = studio.place("recorded")
    studio.advance_to(17)
    studio.backend.hangup(call.id, Party.API, "enough")

    studio.advance_to(100)

    recording = studio.get(call).recording
    assert recording is not None
    assert (recording.seconds, recording.created_at) == (10, at(22))


@pytest.mark.parametrize("scenario", ["recorded-busy", "recorded-rings"])
def test_an_unanswered_call_is_never_recorded(studio: Line, scenario: str) -> None:
    call = studio.place(scenario)
    studio.advance_to(1000)
    assert studio.get(call).recording is None
    assert all(u.kind is not UpdateKind.RECORDING for u in studio.updates)


def test_a_call_canceled_while_ringing_is_never_recorded(studio: Line) -> None:
    call = studio.place("recorded")
    studio.advance_to(4)
    studio.backend.hangup(call.id, Party.CALLER, "changed my mind")
    studio.advance_to(1000)
    assert studio.get(call).recording is None


# -- reset ---------------------------------------------------------------------------------------
def test_reset_forgets_calls_and_everything_scheduled(line: Line) -> None:
    line.place()
    line.backend.reset()
    line.advance_to(100)
    assert list(line.backend.calls()) == []
    assert line.updates[-1].call.state is S.QUEUED
