"""The dialplan executor: Routee's call-control loop, run on the mock's clock [routee.md §5.2-5.4, §6].

When a conversation's call is answered, machine detection is applied (the scenario says who answered),
then the dialplan runs verb after verb: SAY and PLAY take an estimated time (``say_seconds``,
``PLAY_SECONDS``), PAUSE its ``duration``, COLLECT waits for the scenario's tones and POSTs them to its
``eventUrl``, DIAL places a second leg and waits for it to end. A valid dialplan answered within
``REPLY_TIMEOUT`` seconds by an eventUrl replaces the running one. When the verbs run out, the call
ends. The executor never sleeps: every wait is ``backend.schedule`` or ``backend.ask``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockserver.callbacks.model import NO_RETRY, OutboundRequest
from mockserver.core.backend import PlaceCall
from mockserver.core.calls import AnsweredBy, Call, CallState, Party
from mockserver.providers.routee.dialplan import (
    Collect,
    Dial,
    Dialplan,
    Pause,
    Play,
    Say,
    parse_reply,
)
from mockserver.providers.routee.errors import RouteeError
from mockserver.providers.routee.models import Leg
from mockserver.providers.routee.render import flow_event
from mockserver.providers.routee.vocabulary import AnsweredByWord, MachineStrategy

if TYPE_CHECKING:
    from mockserver.core.backend import CallBackend
    from mockserver.providers.routee.provider import Routee

#: Routee waits 3 s for an eventUrl / dialPlanUrl reply [routee.md §5.2] (wall-clock seconds).
REPLY_TIMEOUT = 3.0
#: How long the mock takes to speak SAY text (it has no TTS): characters per second, at least 1 s.
SAY_CHARS_PER_SECOND = 15
#: How long one play of a PLAY file takes (the mock does not download it).
PLAY_SECONDS = 5.0
#: How long COLLECT waits for a (further) tone before it gives up (mock's choice; Routee is silent).
COLLECT_TIMEOUT = 10.0
JSON = (("Content-Type", "application/json"),)


def say_seconds(say: Say) -> float:
    return max(1, math.ceil(len(say.text) / SAY_CHARS_PER_SECOND)) * max(say.repeat, 1)


def play_seconds(play: Play) -> float:
    return PLAY_SECONDS * max(play.repeat, 1)


@dataclass
class Run:
    """One dialplan running on one call."""

    call_id: str
    plan: Dialplan
    pc: int = 0
    dial_leg: str | None = None  # the DIAL leg while it is up
    after_dial: Dialplan | None = None  # a machine-detection reply for the DIAL leg: runs after it
    tones: str = ""  # collected by the running COLLECT, not yet sent
    collect: Collect | None = None


class Executor:
    def __init__(self, api: Routee) -> None:
        self.api = api
        self.runs: dict[str, Run] = {}

    @property
    def backend(self) -> CallBackend:
        return self.api.ctx.backend

    def reset(self) -> None:
        self.runs.clear()

    # -- the conversation's call -----------------------------------------------------------------
    def on_answered(self, call: Call, leg: Leg) -> None:
        async def start() -> None:
            await self.start(call.id, leg)

        self.backend.schedule(call.id, 0, start)
        if leg.max_duration is not None:
            self.end_after(call.id, leg.max_duration, "maxDuration reached")

    def end_after(self, call_id: str, seconds: float, cause: str) -> None:
        async def end() -> None:
            if self.backend.get(call_id).live:
                self.backend.hangup(call_id, Party.SYSTEM, cause)

        self.backend.schedule(call_id, seconds, end)

    async def start(self, call_id: str, leg: Leg) -> None:
        conversation = self.api.state.conversations[leg.conversation_id]
        if await self.machine_detected(call_id, leg):
            return
        plan = conversation.request.dialplan
        url = conversation.request.dialplan_url
        if url is not None:
            plan = await self.ask_for_dialplan(call_id, url, flow_event(leg), "dialPlanUrl")
            if plan is None:
                self.fail(call_id, f"dialPlanUrl {url} gave no valid dialplan")
                return
        if plan is not None and self.backend.get(call_id).live:
            await self.run(call_id, plan)

    async def machine_detected(self, call_id: str, leg: Leg) -> bool:
        """Apply ``machineDetection`` if a machine answered; True if it took over the call."""
        md = leg.machine_detection
        if md is None or self.backend.get(call_id).answered_by is not AnsweredBy.MACHINE:
            return False
        if md.strategy is MachineStrategy.HANGUP:
            self.backend.hangup(call_id, Party.SYSTEM, "machine detected (Hangup)")
            return True
        body = flow_event(leg, answeredBy=AnsweredByWord.MACHINE.value)
        plan = await self.ask_for_dialplan(call_id, md.event_url or "", body, "machineDetection eventUrl")
        if plan is None or not self.backend.get(call_id).live:
            return False  # carry on with the conversation's own dialplan
        await self.run(call_id, plan)
        return True

    def on_ended(self, call: Call) -> None:
        run = self.runs.pop(call.id, None)
        if run is None:
            return
        if run.tones and run.collect is not None and run.collect.event_url:  # tones pending at hang-up
            leg = self.api.state.legs[call.id]
            leg.collected_tones += run.tones
            body = flow_event(leg, collectedTones=run.tones)
            self.api.ctx.dispatcher.submit(self.post(call.id, run.collect.event_url, body, "event"), NO_RETRY)
        if run.dial_leg is not None and self.backend.get(run.dial_leg).live:
            self.backend.hangup(run.dial_leg, Party.CALLER, "the conversation ended")

    # -- running verbs ---------------------------------------------------------------------------
    async def run(self, call_id: str, plan: Dialplan) -> None:
        """Run ``plan`` from its first verb, in place of whatever ran before."""
        run = Run(call_id, plan)
        self.runs[call_id] = run
        await self.step(run)

    def current(self, run: Run) -> bool:
        return self.runs.get(run.call_id) is run and self.backend.get(run.call_id).live

    def after(self, run: Run, seconds: float) -> None:
        async def resume() -> None:
            if self.current(run):
                await self.step(run)

        self.backend.schedule(run.call_id, seconds, resume)

    async def step(self, run: Run) -> None:
        """Run the verb at ``run.pc``; verbs that take no time run straight on."""
        while self.current(run):
            if run.pc >= len(run.plan.verbs):
                self.runs.pop(run.call_id, None)
                self.backend.hangup(run.call_id, Party.CALLER, "end of dialplan")
                return
            verb = run.plan.verbs[run.pc]
            run.pc += 1
            match verb:
                case Say():
                    return self.play(run, say_seconds(verb), verb.barge_in)
                case Play():
                    return self.play(run, play_seconds(verb), verb.barge_in)
                case Pause(duration=seconds) if seconds > 0:
                    return self.after(run, seconds)
                case Dial():
                    return self.dial(run, verb)
                case Collect():
                    run.collect, run.tones = verb, ""
                    return self.wait_for_tones(run, verb)

    def play(self, run: Run, seconds: float, barge_in: bool) -> None:
        """SAY / PLAY: without bargeIn it just takes its time; with it, a tone cuts it short and is sent
        to the dialplan's COLLECT eventUrl [routee.md §6]."""
        if not barge_in:
            return self.after(run, seconds)

        async def on_tones(pressed: str) -> None:
            if self.current(run):
                await self.barge_in(run, pressed)

        async def on_timeout() -> None:
            if self.current(run):
                await self.step(run)

        self.backend.ask(run.call_id, seconds, on_tones, on_timeout)

    async def barge_in(self, run: Run, pressed: str) -> None:
        """The next COLLECT (or, failing that, any) gets the tones at once and the plan goes on after it
        (mock's choice). Without a COLLECT the tones are only recorded."""
        verbs = run.plan.verbs
        later = [i for i in range(run.pc, len(verbs)) if isinstance(verbs[i], Collect)]
        anywhere = [i for i, v in enumerate(verbs) if isinstance(v, Collect)]
        if not (later or anywhere):
            self.api.state.legs[run.call_id].collected_tones += pressed
            await self.step(run)
            return
        index = (later or anywhere)[0]
        collect = verbs[index]
        assert isinstance(collect, Collect)
        run.pc = index + 1
        run.collect, run.tones = collect, ""
        tones, _ = take_tones(pressed, collect)
        run.tones = tones
        await self.send_tones(run, collect)

    def wait_for_tones(self, run: Run, collect: Collect) -> None:
        async def on_tones(pressed: str) -> None:
            if not self.current(run):
                return
            tones, complete = take_tones(run.tones + pressed, collect)
            run.tones = tones
            if complete:
                await self.send_tones(run, collect)
            else:
                self.wait_for_tones(run, collect)

        async def on_timeout() -> None:
            if not self.current(run):
                return
            if run.tones:  # the caller stopped keying: what was collected is sent
                await self.send_tones(run, collect)
            else:
                run.collect = None
                await self.step(run)

        self.backend.ask(run.call_id, COLLECT_TIMEOUT, on_tones, on_timeout)

    async def send_tones(self, run: Run, collect: Collect) -> None:
        tones, run.tones, run.collect = run.tones, "", None
        leg = self.api.state.legs[run.call_id]
        leg.collected_tones += tones
        if collect.event_url:
            body = flow_event(leg, collectedTones=tones)
            plan = await self.ask_for_dialplan(run.call_id, collect.event_url, body, "COLLECT eventUrl")
            if not self.current(run):
                return
            if plan is not None:
                await self.run(run.call_id, plan)
                return
        await self.step(run)

    # -- DIAL ------------------------------------------------------------------------------------
    def dial(self, run: Run, verb: Dial) -> None:
        parent = self.backend.get(run.call_id)
        parent_leg = self.api.state.legs[run.call_id]
        message_id = self.api.ctx.ids.uuid()
        call = self.backend.place(
            PlaceCall(
                provider=self.api.name,
                account=parent.account,
                from_=verb.from_,
                to=verb.to.dialled,
                provider_call_id=message_id,
                parent_id=parent.id,
                ring_timeout=float(verb.hangup_delay),
            )
        )
        leg = Leg(
            call_id=call.id,
            message_id=message_id,
            conversation_id=parent_leg.conversation_id,
            to=verb.to,
            from_=verb.from_,
            callback=verb.callback,
            machine_detection=verb.machine_detection,
            max_duration=verb.max_duration,
            dial=verb,
        )
        run.dial_leg = call.id
        self.api.register(call, leg)

    async def on_leg_update(self, call: Call, leg: Leg) -> None:
        """A DIAL leg changed; runs in the conversation call's group (nothing runs once it ended)."""
        run = self.runs.get(call.parent_id or "")
        if call.state is CallState.ANSWERED:
            if leg.max_duration is not None:
                self.end_after(call.id, leg.max_duration, "DIAL maxDuration reached")
            await self.leg_machine_detection(call, leg, run)
        elif call.state.terminal and run is not None and run.dial_leg == call.id:
            run.dial_leg = None
            if run.after_dial is not None:
                await self.run(run.call_id, run.after_dial)
            elif self.current(run):
                await self.step(run)

    async def leg_machine_detection(self, call: Call, leg: Leg, run: Run | None) -> None:
        """Hangup ends the DIAL leg; Continue asks the eventUrl, and a dialplan it answers runs on the
        conversation once the DIAL ends (mock's choice: one dialplan runs per conversation)."""
        md = leg.machine_detection
        if md is None or call.answered_by is not AnsweredBy.MACHINE:
            return
        if md.strategy is MachineStrategy.HANGUP:
            self.backend.hangup(call.id, Party.SYSTEM, "machine detected (Hangup)")
            return
        body = flow_event(leg, answeredBy=AnsweredByWord.MACHINE.value)
        plan = await self.ask_for_dialplan(call.id, md.event_url or "", body, "machineDetection eventUrl")
        if plan is not None and run is not None:
            run.after_dial = plan

    # -- talking to the client -------------------------------------------------------------------
    def post(self, call_id: str, url: str, body: dict[str, Any], kind: str) -> OutboundRequest:
        return OutboundRequest(
            self.api.name, "POST", url, call_id, kind, headers=JSON, body=json.dumps(body).encode()
        )

    async def ask_for_dialplan(
        self, call_id: str, url: str, body: dict[str, Any], what: str
    ) -> Dialplan | None:
        """POST ``body`` to ``url`` and wait up to 3 s: a valid dialplan in reply, or None (journaled)."""
        delivery, reply = await self.api.ctx.dispatcher.fetch(
            self.post(call_id, url, body, "fetch"), reply_timeout=REPLY_TIMEOUT
        )
        if reply is None or not reply.ok:
            error = delivery.attempts[-1].error if delivery.attempts else None
            why = f"HTTP {reply.status}" if reply is not None else (error or "no answer")
            self.api.flow_error(call_id, f"{what} {url} failed ({why})")
            return None
        if not reply.body.strip():
            return None  # an empty reply: carry on
        try:
            return parse_reply(reply.body)
        except RouteeError as exc:
            self.api.flow_error(call_id, f"{what} {url} answered an invalid dialplan: {exc.message}")
            return None

    def fail(self, call_id: str, detail: str) -> None:
        self.api.flow_error(call_id, detail)
        self.runs.pop(call_id, None)
        if self.backend.get(call_id).live:
            self.backend.hangup(call_id, Party.SYSTEM, detail)


def take_tones(pressed: str, collect: Collect) -> tuple[str, bool]:
    """The tones COLLECT keeps from ``pressed``, and whether they are complete: ``#`` ends them when
    ``submitOnHash`` (and is not sent), ``maxDigits`` caps them."""
    if collect.submit_on_hash and "#" in pressed:
        return pressed.split("#", 1)[0][: collect.max_digits], True
    tones = pressed[: collect.max_digits]
    return tones, len(tones) >= collect.max_digits
