"""The dialplan executor: Routee's call-control loop, run on the mock's clock [routee.md §5.2-5.4, §6].

When a conversation's call is answered, machine detection is applied (the scenario says who answered),
then the dialplan runs verb after verb: SAY and PLAY take an estimated time (``say_seconds``,
``PLAY_SECONDS``; ``repeat: -1`` loops until the call ends or a reply replaces the dialplan), PAUSE its
``duration``, DIAL places a second leg and waits for it to end. COLLECT does not wait: it arms a
collector for the tones pressed "during the call" and the next verb starts at once (Routee's "Call
flow" guide; an integrator's production IVR relies on it: COLLECT, then PAUSE while the caller keys).
The collector POSTs to its ``eventUrl`` when ``#`` is pressed (``submitOnHash``, tones without the
``#``), when ``maxDigits`` tones are in, when a tone cuts a ``bargeIn`` SAY/PLAY short, or once when
the call ends ("Callbacks for Dialplan Handling"); a valid dialplan answered within ``REPLY_TIMEOUT``
seconds replaces the running one. When the verbs run out, the call ends. The executor never sleeps:
every wait is ``backend.schedule`` or ``backend.ask``.
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
    ENDLESS,
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
    from mockserver.core.clock import Timer
    from mockserver.providers.routee.provider import Routee

#: Routee waits 3 s for an eventUrl / dialPlanUrl reply [routee.md §5.2] (wall-clock seconds).
REPLY_TIMEOUT = 3.0
#: How long the mock takes to speak SAY text (it has no TTS): characters per second, at least 1 s.
SAY_CHARS_PER_SECOND = 15
#: How long one play of a PLAY file takes (the mock does not download it).
PLAY_SECONDS = 5.0
#: An armed collector listens for the caller's keys in stretches this long, until the call ends.
LISTEN_SECONDS = 3600.0
JSON = (("Content-Type", "application/json"),)


def text_seconds(text: str) -> float:
    return float(max(1, math.ceil(len(text) / SAY_CHARS_PER_SECOND)))


def plays(repeat: int) -> int:
    """How many times a SAY/PLAY runs in one go (0, the default, and 1 mean once; -1 loops, one play at a
    time)."""
    return max(repeat, 1)


def say_seconds(say: Say) -> float:
    return text_seconds(say.text) * plays(say.repeat)


def play_seconds(play: Play) -> float:
    return PLAY_SECONDS * plays(play.repeat)


@dataclass
class Collector:
    """The tones an armed COLLECT has gathered and not yet sent."""

    collect: Collect
    tones: str = ""


@dataclass
class Run:
    """One dialplan running on one call."""

    call_id: str
    plan: Dialplan
    pc: int = 0
    dial_leg: str | None = None  # the DIAL leg while it is up
    after_dial: Dialplan | None = None  # a machine-detection reply for the DIAL leg: runs after it
    collector: Collector | None = None  # the armed COLLECT
    playing: Timer | None = None  # the end of a bargeIn SAY/PLAY while it plays
    after_play: int = 0  # where the plan goes on when a tone cuts that play short


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
        collector = run.collector
        if collector is not None and collector.collect.event_url:
            # "The call has been [hung up]": the armed COLLECT posts once. With submitOnHash the tones
            # keyed without a # are not sent (collectedTones ""), as a production IVR observed.
            leg = self.api.state.legs[call.id]
            leg.collected_tones += collector.tones
            collect = collector.collect
            tones = "" if collect.submit_on_hash else take_tones(collector.tones, collect)[0]
            body = flow_event(leg, collectedTones=tones)
            self.api.ctx.dispatcher.submit(
                self.post(call.id, collect.event_url or "", body, "event"), NO_RETRY
            )
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
        """Run the verb at ``run.pc``; verbs that take no time (COLLECT) run straight on."""
        while self.current(run):
            if run.pc >= len(run.plan.verbs):
                self.backend.hangup(run.call_id, Party.CALLER, "end of dialplan")
                return
            verb = run.plan.verbs[run.pc]
            run.pc += 1
            match verb:
                case Say():
                    return self.play(run, say_seconds(verb), verb.barge_in, verb.repeat == ENDLESS)
                case Play():
                    return self.play(run, play_seconds(verb), verb.barge_in, verb.repeat == ENDLESS)
                case Pause(duration=seconds) if seconds > 0:
                    return self.after(run, seconds)
                case Dial():
                    return self.dial(run, verb)
                case Collect():
                    self.arm(run, verb)

    def play(self, run: Run, seconds: float, barge_in: bool, endless: bool) -> None:
        """SAY / PLAY: it takes its time (an endless one starts again when it ends); with bargeIn a tone
        cuts it short and is sent at once [routee.md §6]."""
        run.after_play = run.pc
        if endless:
            run.pc -= 1  # the same verb again when this play ends
        if not barge_in:
            self.after(run, seconds)
            return

        async def done() -> None:
            if self.current(run) and run.playing is timer:
                run.playing = None
                await self.step(run)

        timer = run.playing = self.backend.schedule(run.call_id, seconds, done)
        if run.collector is not None:
            return  # the armed collector hears the tones, and sees that a bargeIn verb plays

        async def on_tones(pressed: str) -> None:
            if self.current(run) and run.playing is timer:
                await self.barge_in(run, pressed)

        async def ignore() -> None:
            return None

        self.backend.ask(run.call_id, seconds, on_tones, ignore)

    async def barge_in(self, run: Run, pressed: str) -> None:
        """A tone while a bargeIn verb plays: the play stops and the tones go at once to the armed
        COLLECT, else to the next COLLECT of the dialplan (or failing that, any; the plan then goes on
        after that COLLECT: mock's choice). Without a COLLECT the tones are only recorded."""
        if run.playing is not None:
            run.playing.cancel()
            run.playing = None
        run.pc = run.after_play
        if run.collector is not None:
            collect, pressed = run.collector.collect, run.collector.tones + pressed
        else:
            verbs = run.plan.verbs
            later = [i for i in range(run.pc, len(verbs)) if isinstance(verbs[i], Collect)]
            anywhere = [i for i, v in enumerate(verbs) if isinstance(v, Collect)]
            if not (later or anywhere):
                self.api.state.legs[run.call_id].collected_tones += pressed
                await self.step(run)
                return
            index = (later or anywhere)[0]
            found = verbs[index]
            assert isinstance(found, Collect)
            collect, run.pc = found, index + 1
        if not await self.submit(run, collect, take_tones(pressed, collect)[0]):
            await self.step(run)

    # -- COLLECT ---------------------------------------------------------------------------------
    def arm(self, run: Run, collect: Collect) -> None:
        """COLLECT: from now on the caller's tones are gathered while the next verbs run."""
        collector = run.collector = Collector(collect)
        self.listen(run, collector)

    def listen(self, run: Run, collector: Collector) -> None:
        def armed() -> bool:
            return self.current(run) and run.collector is collector

        async def on_tones(pressed: str) -> None:
            if armed():
                await self.tones_in(run, collector, pressed)

        async def on_quiet() -> None:
            if armed():
                self.listen(run, collector)

        self.backend.ask(run.call_id, LISTEN_SECONDS, on_tones, on_quiet)

    async def tones_in(self, run: Run, collector: Collector, pressed: str) -> None:
        if run.playing is not None:
            await self.barge_in(run, pressed)
            return
        collector.tones += pressed
        tones, complete = take_tones(collector.tones, collector.collect)
        if complete:
            await self.submit(run, collector.collect, tones)
        else:
            self.listen(run, collector)

    async def submit(self, run: Run, collect: Collect, tones: str) -> bool:
        """Send ``tones`` to the COLLECT's eventUrl; True if the reply replaced the dialplan. The
        collector has done its work (a later COLLECT arms a new one)."""
        run.collector = None
        leg = self.api.state.legs[run.call_id]
        leg.collected_tones += tones
        if not collect.event_url:
            return False
        body = flow_event(leg, collectedTones=tones)
        plan = await self.ask_for_dialplan(run.call_id, collect.event_url, body, "COLLECT eventUrl")
        if plan is None or not self.current(run):
            return False
        await self.run(run.call_id, plan)
        return True

    # -- DIAL ------------------------------------------------------------------------------------
    def transfer(self, call_id: str, dial: Dial) -> Leg:
        """Live-call transfer: the running dialplan gives way to ``dial``; the call ends with that leg."""
        run = Run(call_id, Dialplan((dial,)), pc=1)
        self.runs[call_id] = run
        self.dial(run, dial)
        return self.api.state.legs[run.dial_leg or ""]

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
