"""The call backend: the only API providers use to place, steer and read calls.

It runs each call's :class:`~mockserver.core.plan.CallPlan` on the scheduler, keeps the store, and tells
subscribers about every change. Providers subscribe to turn changes into their callbacks and to drive
their call-control loops; they never touch the clock themselves except through :meth:`schedule`.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from mockserver.core.calls import (
    AnsweredBy,
    Call,
    CallState,
    Direction,
    Party,
    Recording,
    Transition,
)
from mockserver.core.clock import Scheduler, Timer
from mockserver.core.errors import Conflict, NotFound
from mockserver.core.ids import IdFactory
from mockserver.core.machine import apply, can_move, hangup_target
from mockserver.core.plan import CallPlan, PlanSource, Press, Step
from mockserver.core.store import CallStore
from mockserver.core.values import frozen, value

#: Where a plan does not say, a call that is still ringing gives up after this many seconds.
DEFAULT_RING_TIMEOUT = 60.0

#: Where the request being served notes the calls it read or placed (the console's request log sets a
#: list per request; ``None``, the default, notes nothing). Per context, so two apps stay independent.
TOUCHED_CALLS: ContextVar[list[str] | None] = ContextVar("touched_calls", default=None)


def _touched(call: Call) -> None:
    seen = TOUCHED_CALLS.get()
    if seen is not None:
        seen.append(call.id)


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


class UpdateKind(StrEnum):
    STATE = "state"
    DIGITS = "digits"
    RECORDING = "recording"


@value
class CallUpdate:
    call: Call
    kind: UpdateKind
    transition: Transition | None = None
    digits: str = ""


_STATE = UpdateKind.STATE  # read on every transition (an enum member through its class is ~70 ns)

Listener = Callable[[CallUpdate], None]
Action = Callable[[], Awaitable[None]]
OnDigits = Callable[[str], Awaitable[None]]
OnWords = Callable[[str], Awaitable[None]]
OnTimeout = Callable[[], Awaitable[None]]


@frozen
class PlaceCall:
    provider: str
    account: str
    from_: str
    to: str
    provider_call_id: str
    direction: Direction = Direction.OUTBOUND
    scenario: str | None = None
    parent_id: str | None = None
    ring_timeout: float | None = None
    labels: tuple[tuple[str, str], ...] = ()


@frozen
class Pending:
    """What a call has still to come besides its plan's steps (for snapshots)."""

    presses: tuple[Press, ...] = ()  # scripted answers to prompts not yet asked
    recording_seconds: int | None = None  # a live call whose scenario records
    recording_due: tuple[datetime, int] | None = None  # an ended call's recording: when, how long


@dataclass
class _Prompt:
    on_digits: OnDigits
    on_timeout: OnTimeout
    timers: list[Timer]
    on_words: OnWords | None = None


class CallBackend:
    def __init__(
        self,
        scheduler: Scheduler,
        ids: IdFactory,
        plans: PlanSource,
        *,
        recording_delay: float = 5.0,
    ) -> None:
        self.scheduler = scheduler
        self.ids = ids
        self.plans = plans
        self.recording_delay = recording_delay
        # a call whose recording is still to be made is not evicted before it is
        self.store = CallStore(keep=self._recording_due)
        self._listeners: dict[str | None, list[Listener]] = {}
        self._fanout: dict[str, tuple[Listener, ...]] = {}  # provider → whom _emit tells, in order
        self._presses: dict[str, list[Press]] = {}
        self._prompts: dict[str, _Prompt] = {}
        # A call's recording: the seconds its plan records while it is live, then the recording to be
        # made once it has ended. One table, not one for each: every call of a broadcast that records
        # is in one, then the other, and a table of 100,000 was ~40 bytes a call (issue 14).
        self._recordings: dict[str, int | _RecordingReady] = {}

    # -- reading ---------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.scheduler.clock.now()

    def get(self, call_id: str) -> Call:
        call = self.store.get(call_id)
        if call is None:
            raise NotFound(f"no call {call_id!r}")
        _touched(call)
        return call

    def find(self, provider: str, provider_call_id: str) -> Call | None:
        call = self.store.by_provider_id(provider, provider_call_id)
        if call is not None:
            _touched(call)
        return call

    def calls(
        self,
        provider: str | None = None,
        state: str | None = None,
        to: str | None = None,
    ) -> Iterable[Call]:
        digits = None if to is None else _digits(to)
        for call in self.store if provider is None else self.store.of_provider(provider):
            if provider is not None and call.provider != provider:
                continue
            if state is not None and call.state != state:
                continue
            if digits is not None and _digits(call.to) != digits:
                continue
            yield call

    # -- subscribers -----------------------------------------------------------------------------
    def subscribe(self, listener: Listener, provider: str | None = None) -> None:
        """Hear about changes to ``provider``'s calls (or every call, with ``provider=None``)."""
        self._listeners.setdefault(provider, []).append(listener)
        self._fanout.clear()

    def _emit(self, update: CallUpdate) -> None:
        provider = update.call.provider
        listeners = self._fanout.get(provider)
        if listeners is None:  # every call's listeners, then the provider's: made once per subscription
            listeners = (*self._listeners.get(None, ()), *self._listeners.get(provider, ()))
            self._fanout[provider] = listeners
        for listener in listeners:
            listener(update)

    # -- placing ---------------------------------------------------------------------------------
    def place(self, request: PlaceCall) -> Call:
        """Create a queued call and start its scenario. Raises UnknownScenario for a bad name."""
        plan = self.plans.plan_for(request.to, request.scenario)
        now = self.now()
        call = Call(
            id=self.ids.uuid(),
            provider=request.provider,
            provider_call_id=request.provider_call_id,
            account=request.account,
            from_=request.from_,
            to=request.to,
            direction=request.direction,
            scenario=plan.scenario,
            created_at=now,
            history=(Transition(CallState.QUEUED, now, "placed"),),
            parent_id=request.parent_id,
            price_per_minute=plan.price_per_minute,
            ring_timeout=request.ring_timeout,
            labels=request.labels,
        )
        self.store.put(call)
        _touched(call)
        if plan.presses:
            self._presses[call.id] = list(plan.presses)
        self._emit(CallUpdate(call, UpdateKind.STATE, call.history[-1]))
        self._start(call, plan)
        return call

    def _start(self, call: Call, plan: CallPlan) -> None:
        self._schedule_plan(call, plan)
        if plan.recording_seconds:
            self._recordings[call.id] = plan.recording_seconds

    def _schedule_plan(self, call: Call, plan: CallPlan, after: datetime | None = None) -> None:
        """Schedule the plan's steps and the ring timeout (only those due later than ``after``)."""
        offset = 0.0
        default_cause = sys.intern(f"scenario {plan.scenario}")  # one string for every call of the plan
        for step in plan.steps:
            offset += step.after
            at = call.created_at + timedelta(seconds=offset)
            if after is not None and at <= after:
                continue
            self.scheduler.call_at(at, _StepAction(self, call.id, step, default_cause), group=call.id)
        timeout = call.ring_timeout if call.ring_timeout is not None else DEFAULT_RING_TIMEOUT
        give_up = call.created_at + timedelta(seconds=timeout)
        if after is None or give_up > after:
            self.scheduler.call_at(give_up, _RingTimeout(self, call.id), group=call.id)

    # -- changing --------------------------------------------------------------------------------
    def move(
        self,
        call_id: str,
        state: CallState,
        cause: str,
        *,
        answered_by: AnsweredBy | None = None,
        ended_by: Party | None = None,
    ) -> Call:
        """Apply one transition now (raises IllegalTransition) and tell the subscribers."""
        return self._move(self.get(call_id), state, cause, answered_by, ended_by)

    def _move(
        self,
        current: Call,
        state: CallState,
        cause: str,
        answered_by: AnsweredBy | None,
        ended_by: Party | None,
    ) -> Call:
        """:meth:`move`, given the call as it is (a scheduled step has just read it)."""
        call = apply(current, state, self.now(), cause, answered_by=answered_by, ended_by=ended_by)
        if call.state.terminal:
            self._finish(call)  # first: a recording to come keeps the call from eviction as it is put
        self.store.put(call)
        self._emit(CallUpdate(call, _STATE, call.history[-1]))
        return call

    def hangup(self, call_id: str, by: Party, cause: str) -> Call:
        """End a live call: completed if it was answered, canceled otherwise."""
        call = self.get(call_id)
        if not call.live:
            raise Conflict(f"call {call_id} has already ended ({call.state})")
        return self.move(call_id, hangup_target(call.state), cause, ended_by=by)

    def _finish(self, call: Call) -> None:
        self.scheduler.cancel_group(call.id)
        self._prompts.pop(call.id, None)
        self._presses.pop(call.id, None)
        recordings = self._recordings
        seconds = recordings.get(call.id)
        if seconds is None:
            return
        if (
            isinstance(seconds, int)
            and seconds
            and call.state is CallState.COMPLETED
            and call.talk_seconds > 0
        ):
            at = self.now() + timedelta(seconds=max(self.recording_delay, 0.0))
            ready = recordings[call.id] = _RecordingReady(self, call.id, min(seconds, call.talk_seconds), at)
            self.scheduler.call_at(at, ready)
        else:
            del recordings[call.id]
            if not recordings:
                recordings.clear()  # the table of a burst of calls goes with its last call

    def _recording_due(self, call_id: str) -> bool:
        """Whether ``call_id`` has ended and its recording is still to be made."""
        return isinstance(self._recordings.get(call_id), _RecordingReady)

    def _make_recording(self, call_id: str, seconds: int) -> None:
        recordings = self._recordings
        if recordings.pop(call_id, None) is not None and not recordings:
            recordings.clear()  # the table of a burst of calls goes with its last call
        recording = Recording(id=self.ids.uuid(), seconds=seconds, created_at=self.now())
        call = self.get(call_id).with_recording(recording)
        self.store.put(call)
        self._emit(CallUpdate(call, UpdateKind.RECORDING))

    def timer(self, seconds: float, action: Action, key: str | None = None) -> Timer:
        """Run ``action`` ``seconds`` from now, whatever happens to any call (a scheduled broadcast, a
        retry, a token expiry). Timers given the same ``key`` can be cancelled together."""
        return self.scheduler.call_later(seconds, action, group=key)

    def timer_at(self, at: datetime, action: Action, key: str | None = None) -> Timer:
        """Run ``action`` at ``at`` (at once if that has passed); see :meth:`timer`."""
        return self.scheduler.call_at(at, action, group=key)

    def cancel_timers(self, key: str) -> None:
        self.scheduler.cancel_group(key)

    def schedule(self, call_id: str, seconds: float, action: Action) -> Timer:
        """Run ``action`` ``seconds`` from now, unless the call has ended by then."""
        timer = self.scheduler.call_later(seconds, action, group=call_id)
        call = self.store.get(call_id)
        if call is not None and not call.live:  # already ended: its group was cancelled at the end
            timer.cancel()
        return timer

    # -- the callee's keypad ---------------------------------------------------------------------
    def ask(
        self,
        call_id: str,
        timeout: float,
        on_digits: OnDigits,
        on_timeout: OnTimeout,
        on_words: OnWords | None = None,
    ) -> None:
        """The call waits up to ``timeout`` seconds for the callee to key something in (or, with
        ``on_words``, to say something).

        The scenario's next :class:`Press` answers it (if it comes in time); digits injected through
        :meth:`press` (words through :meth:`speak`) answer it at once. Exactly one callback runs.
        """
        prompt = _Prompt(on_digits, on_timeout, [], on_words)
        self._prompts[call_id] = prompt
        queue = self._presses.get(call_id, [])
        scripted = queue.pop(0) if queue else None

        async def expire() -> None:
            if self._prompts.get(call_id) is prompt:
                del self._prompts[call_id]
                await on_timeout()

        if scripted is not None and scripted.digits and scripted.after <= timeout:
            digits = scripted.digits

            async def key_in() -> None:
                if self._prompts.get(call_id) is prompt:
                    await self._deliver(call_id, digits)

            prompt.timers.append(self.schedule(call_id, scripted.after, key_in))
        elif scripted is not None and scripted.words and on_words is not None and scripted.after <= timeout:
            words = scripted.words

            async def speak_in() -> None:
                if self._prompts.get(call_id) is prompt:
                    await self._deliver_words(call_id, words)

            prompt.timers.append(self.schedule(call_id, scripted.after, speak_in))
        else:
            prompt.timers.append(self.schedule(call_id, timeout, expire))

    async def press(self, call_id: str, digits: str) -> Call:
        """The callee keys in ``digits`` now (from the control API)."""
        call = self.get(call_id)
        if call.state is not CallState.ANSWERED:
            raise Conflict(f"call {call_id} is {call.state}; digits need an answered call")
        if call_id in self._prompts:
            await self._deliver(call_id, digits)
        else:
            self._record_digits(call_id, digits)
        return self.get(call_id)

    async def speak(self, call_id: str, words: str) -> Call:
        """The callee says ``words`` now (from the control API): heard only by a prompt that listens
        for speech; otherwise nobody is listening and nothing happens."""
        call = self.get(call_id)
        if call.state is not CallState.ANSWERED:
            raise Conflict(f"call {call_id} is {call.state}; words need an answered call")
        prompt = self._prompts.get(call_id)
        if prompt is not None and prompt.on_words is not None:
            await self._deliver_words(call_id, words)
        return self.get(call_id)

    async def _deliver_words(self, call_id: str, words: str) -> None:
        prompt = self._prompts.pop(call_id)
        for timer in prompt.timers:
            timer.cancel()
        assert prompt.on_words is not None
        await prompt.on_words(words)

    async def _deliver(self, call_id: str, digits: str) -> None:
        prompt = self._prompts.pop(call_id)
        for timer in prompt.timers:
            timer.cancel()
        self._record_digits(call_id, digits)
        await prompt.on_digits(digits)

    def _record_digits(self, call_id: str, digits: str) -> None:
        call = self.get(call_id).with_digits(digits)
        self.store.put(call)
        self._emit(CallUpdate(call, UpdateKind.DIGITS, digits=digits))

    def set_price(self, call_id: str, price_per_minute: Decimal) -> None:
        self.store.put(replace(self.get(call_id), price_per_minute=price_per_minute))

    def reset(self) -> None:
        self.scheduler.clear()
        self.store.clear()
        self._presses.clear()
        self._prompts.clear()
        self._recordings.clear()

    # -- snapshots -------------------------------------------------------------------------------
    def pending(self, call_id: str) -> Pending:
        recording = self._recordings.get(call_id)
        if isinstance(recording, _RecordingReady):
            return Pending(tuple(self._presses.get(call_id, ())), None, (recording.at, recording.seconds))
        return Pending(tuple(self._presses.get(call_id, ())), recording, None)

    def restore(self, call: Call, pending: Pending, plan: CallPlan | None, since: datetime) -> None:
        """Put back a call from a snapshot taken at ``since``, telling no one. A live call resumes
        ``plan``: its steps due after ``since``, and its ring timeout, are scheduled again (on a wall
        clock that has moved on, those already due run at once); a prompt it was waiting on is gone."""
        self.store.put(call)
        if pending.recording_due is not None and call.recording is None:
            at, seconds = pending.recording_due
            ready = self._recordings[call.id] = _RecordingReady(self, call.id, seconds, at)
            self.scheduler.call_at(at, ready)
        if not call.live:
            return
        if pending.presses:
            self._presses[call.id] = list(pending.presses)
        if pending.recording_seconds:
            self._recordings[call.id] = pending.recording_seconds
        if plan is not None:
            self._schedule_plan(call, plan, after=since)


class _StepAction:
    """A plan's step, scheduled: an object of three slots rather than a closure with six cells (every
    live call holds one per step until it runs)."""

    __slots__ = ("backend", "call_id", "cause", "step")

    def __init__(self, backend: CallBackend, call_id: str, step: Step, default_cause: str) -> None:
        self.backend = backend
        self.call_id = call_id
        self.step = step
        self.cause = step.cause or default_cause

    def __call__(self) -> None:  # plain, not async: the scheduler makes no coroutine for it
        # A step the call can no longer take (the control API moved it on) is skipped.
        step, backend = self.step, self.backend
        call = backend.get(self.call_id)
        if can_move(call.state, step.state):
            backend._move(call, step.state, self.cause, step.answered_by, step.ended_by)


class _RecordingReady:
    """A finished call's recording is made: three slots, not a closure and its cells (~0.2 KB more a
    call while a broadcast's calls wait for theirs, bench_engine_dillo, issue 14)."""

    __slots__ = ("at", "backend", "call_id", "seconds")

    def __init__(self, backend: CallBackend, call_id: str, seconds: int, at: datetime) -> None:
        self.backend = backend
        self.call_id = call_id
        self.seconds = seconds
        self.at = at  # when it is due (kept for snapshots)

    def __call__(self) -> None:
        self.backend._make_recording(self.call_id, self.seconds)


_STILL_RINGING = frozenset({CallState.INITIATED, CallState.RINGING})


class _RingTimeout:
    """A call still ringing gives up: a ``no_answer`` by the system."""

    __slots__ = ("backend", "call_id")

    def __init__(self, backend: CallBackend, call_id: str) -> None:
        self.backend = backend
        self.call_id = call_id

    def __call__(self) -> None:
        call = self.backend.get(self.call_id)
        if call.state in _STILL_RINGING:
            self.backend._move(call, CallState.NO_ANSWER, "ring timeout", None, Party.SYSTEM)
