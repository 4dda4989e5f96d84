"""The ChannelBehavior executor: runs a voice request's node graph on its call once it is answered.

A control loop on the mock's clock (it never sleeps): each node is executed when due, marks itself
processed (``ExecutionCount``, ``Route``, ``Timestamp``) and either continues at once (Redirect, a
zero-length Silence) or schedules what comes next: Say/Play/Silence wait out their estimated length,
Menu/Collect ask the callee for keys through ``backend.ask`` (the scenario's ``input`` answers), Record
waits ``MaxLength`` (or a key), Dial waits for its second leg to end.

Termination: a node runs at most ``MAX_EXECUTIONS`` times per call (then the call is hung up and a
flow error recorded), Menu repeats are capped by ``MaxRetries``, and every wait is bounded, so any graph
ends — cycles included.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mockserver.core.backend import CallBackend
from mockserver.core.calls import Call, CallState, Party
from mockserver.core.values import frozen
from mockserver.providers.dillo.graph import (
    NO_DIGIT,
    NO_WORD,
    WRONG_DIGIT,
    WRONG_WORD,
    Agent,
    Collect,
    Conference,
    Dial,
    Hangup,
    Menu,
    Node,
    Play,
    Record,
    Redirect,
    Say,
    Silence,
    Storage,
)
from mockserver.providers.dillo.models import CollectedDigits, VoiceRecording, VoiceRequest
from mockserver.providers.dillo.render import date

if TYPE_CHECKING:
    from mockserver.providers.dillo.provider import Dillo

#: Say lasts ceil(words ÷ 2.5) s (150 words a minute), at least 1 s; Play lasts one clip.
SAY_WORDS_PER_SECOND = 2.5
CLIP_SECONDS = 5.0
#: How often one node may run in one call before the mock ends the call (a loop nobody leaves).
MAX_EXECUTIONS = 10
#: A call alone in a conference room stays at most this long; then the flow goes on (mock's choice).
CONFERENCE_SECONDS = 3600.0
#: How long an agent's phone rings before the agent leg gives up (mock's choice: as a Dial's default).
AGENT_RING_SECONDS = 30.0
#: ``StorageKeyword`` values of Dillo.Voice 1.9.0: a ``Value`` naming one stores what it stands for.
STORAGE_KEYWORDS = ("Id", "TelephoneNumber", "Did", "Now", "UserInput")


def say_seconds(text: str) -> float:
    return float(max(1, math.ceil(len(text.split()) / SAY_WORDS_PER_SECOND)))


def entered_digits(pressed: str, collect: Collect) -> str:
    """What a Collect keeps: the keys before ``FinishOnKey``, at most ``NumberOfDigits`` of them."""
    key = collect.finish_on_key
    if key and key in pressed:
        pressed = pressed.split(key, 1)[0]
    return pressed[: collect.number_of_digits] if collect.number_of_digits else pressed


@frozen
class Goto:
    """Go on at once with ``key`` (None: the flow ends and the call is hung up)."""

    key: int | None


@dataclass(slots=True)
class Run:
    """One ChannelBehavior running on one call."""

    call_id: str
    request: VoiceRequest
    # The nodes run so far, "0,1,3": interned, so the calls of one flow share each route (a list per
    # call was ~90 bytes more each at a broadcast's peak, bench_engine_dillo, issue 14).
    route: str = ""
    repeats: dict[int, int] | None = None  # Menu key → repeats so far (made by the first repeat)
    dial: Node | None = None  # the Dial node waiting for its leg
    leg: str | None = None
    leg_answered: bool = False
    recording: tuple[Node, datetime] | None = None  # the node recording now, since when
    last_input: str = ""  # the callee's last keys or words (``StorageKeyword`` UserInput)


def forget_repeats(run: Run, node: Node) -> None:
    """The menu at ``node`` was answered or given up: its repeats start again from 0 next time."""
    if run.repeats is not None:
        run.repeats.pop(node.key, None)


class Resume:
    """A run's next step, scheduled: go on with ``key``, leaving ``node`` first (None: just go). An
    object of four slots, not a closure: every call of a broadcast waits on one at once, and a closure
    with its cells was ~0.2 KB more a call at the peak (bench_engine_dillo, issue 14)."""

    __slots__ = ("key", "node", "run", "runner")

    def __init__(self, runner: ChannelRunner, run: Run, node: Node | None, key: int | None) -> None:
        self.runner = runner
        self.run = run
        self.node = node
        self.key = key

    def __call__(self) -> Coroutine[Any, Any, None]:
        if self.node is None:
            return self.runner.go(self.run, self.key)
        return self.runner.leave(self.run, self.node, self.key)


class ChannelRunner:
    def __init__(self, api: Dillo) -> None:
        self.api = api
        self.runs: dict[str, Run] = {}

    @property
    def backend(self) -> CallBackend:
        return self.api.ctx.backend

    def reset(self) -> None:
        self.runs.clear()

    # -- entry points ----------------------------------------------------------------------------
    def start(self, request: VoiceRequest) -> None:
        """The call was answered: run the graph from node 0."""
        run = Run(request.call_id, request)
        self.runs[run.call_id] = run
        self.backend.schedule(run.call_id, 0, Resume(self, run, None, 0))

    def stop(self, call: Call) -> None:
        """The call ended: keep what a Record node had recorded, hang up a Dial leg."""
        runs = self.runs
        run = runs.pop(call.id, None)
        if run is None:
            return
        if not runs:
            runs.clear()  # a dict keeps its table when emptied: a broadcast's goes with its last call
        if run.recording is not None:
            self.save_recording(run)
        if run.leg is not None and self.backend.get(run.leg).live:
            self.backend.hangup(run.leg, Party.CALLER, "the A leg ended")

    async def on_leg(self, leg: Call, parent_id: str) -> None:
        run = self.runs.get(parent_id)
        if run is None or run.leg != leg.id or run.dial is None:
            return
        if leg.state is CallState.ANSWERED:
            run.leg_answered = True
        elif leg.state.terminal:
            node, answered = run.dial, run.leg_answered
            run.dial = run.leg = None
            if run.recording is not None and self.current(run):
                self.save_recording(run)
            await self.leave(run, node, node.next_node if answered else failure(node))

    # -- the loop --------------------------------------------------------------------------------
    def current(self, run: Run) -> bool:
        return self.runs.get(run.call_id) is run and self.backend.get(run.call_id).live

    async def go(self, run: Run, key: int | None) -> None:
        """Execute from ``key`` until a node waits or the flow ends."""
        while self.current(run):
            if key is None:
                self.backend.hangup(run.call_id, Party.CALLER, "end of ChannelBehavior")
                return
            node = run.request.payload.nodes[key]
            step = await self.execute(run, node)
            if step is None:
                return
            key = await self.after_action(run, node, step.key)

    async def leave(self, run: Run, node: Node, key: int | None, digits: str | None = None) -> None:
        """``node``'s action is done: ask its ``CallbackUrl`` (if any), then go on."""
        await self.go(run, await self.after_action(run, node, key, digits))

    async def after_action(
        self, run: Run, node: Node, key: int | None, digits: str | None = None
    ) -> int | None:
        """Where the flow goes after ``node``: ``key``, unless the node's callback answers another node."""
        if node.callback is None or not self.current(run):
            return key
        chosen = await self.api.ask_action_callback(run.request, node, digits)
        return key if chosen is None else chosen

    async def execute(self, run: Run, node: Node) -> Goto | None:
        request = run.request
        state = request.node(node.key)
        if state.execution_count >= MAX_EXECUTIONS:
            detail = f"node {node.key} reached the limit of {MAX_EXECUTIONS} executions"
            self.api.flow_error(run.call_id, detail)
            self.backend.hangup(run.call_id, Party.SYSTEM, detail)
            return None
        now = self.backend.now()
        state.execution_count += 1
        state.processed_at = now
        run.route = state.route = sys.intern(f"{run.route},{node.key}" if run.route else str(node.key))
        request.touch(now)
        self.api.node_event(request, node, state)
        match node.action:
            case Say(text=text):
                return self.after(run, say_seconds(text), node, node.next_node)
            case Play():
                return self.after(run, CLIP_SECONDS, node, node.next_node)
            case Silence(seconds=seconds):
                return self.after(run, seconds, node, node.next_node)
            case Menu():
                self.menu(run, node, node.action)
            case Collect():
                self.collect(run, node, node.action)
            case Record():
                self.record(run, node, node.action)
            case Dial():
                self.start_dial(run, node, node.action)
            case Redirect(node=target):
                return Goto(node.next_node if target is None else target)
            case Hangup():
                self.backend.hangup(run.call_id, Party.CALLER, sys.intern(f"Hangup node {node.key}"))
            case Conference():
                return self.conference(run, node, node.action)
            case Agent():
                self.start_agent(run, node, node.action)
            case Storage():
                self.store(run, node, node.action)
                return Goto(node.next_node)
        return None

    def after(self, run: Run, seconds: float, node: Node | None, key: int | None) -> Goto | None:
        """Go on with ``key`` in ``seconds`` (at once: a Goto), leaving ``node`` (None: a Menu repeat)."""
        if seconds <= 0:
            return Goto(key)
        self.backend.schedule(run.call_id, seconds, Resume(self, run, node, key))
        return None

    # -- Menu ------------------------------------------------------------------------------------
    def menu(self, run: Run, node: Node, menu: Menu) -> None:
        async def on_digits(pressed: str) -> None:
            if not self.current(run):
                return
            if not pressed:  # nothing keyed in (an empty injection): as if the menu timed out
                await on_timeout()
                return
            key, at = pressed[0], self.pressed(run, node, pressed)
            self.api.send_option(run.request, node.key, key, at, menu.option_callback)
            if menu.option(key):
                run.request.node(node.key).press(key, at)
                forget_repeats(run, node)
                self.fire(run, node, menu.labels.get(key))
                await self.leave(run, node, menu.branches[key], key)
            else:
                await self.miss(run, node, menu, WRONG_DIGIT, menu.repeat_on_wrong_digit, key)

        async def on_words(said: str) -> None:
            if not self.current(run):
                return
            at = self.pressed(run, node, said)
            self.api.send_option(run.request, node.key, None, at, menu.option_callback, words=said)
            entry = menu.word(said)
            if entry is not None:
                run.request.node(node.key).press(entry, at)
                forget_repeats(run, node)
                self.fire(run, node, menu.labels.get(entry))
                await self.leave(run, node, menu.words[entry], said)
            else:
                await self.miss(run, node, menu, WRONG_WORD, menu.repeat_on_wrong_word, said)

        async def on_timeout() -> None:
            if self.current(run):
                repeat = menu.repeat_on_no_digit or (menu.listens and menu.repeat_on_no_word)
                await self.miss(run, node, menu, NO_DIGIT, repeat, None)

        self.backend.ask(run.call_id, menu.timeout, on_digits, on_timeout, on_words if menu.listens else None)

    def pressed(self, run: Run, node: Node, what: str) -> datetime:
        """The callee keyed in or said ``what`` at ``node`` now (``IsPressed``: "the digit was
        pressed / the word was spoken")."""
        at = self.backend.now()
        run.request.node(node.key).pressed_at = at
        run.request.touch(at)
        run.last_input = what
        return at

    async def miss(
        self, run: Run, node: Node, menu: Menu, branch: str, repeat: bool, pressed: str | None
    ) -> None:
        """No answer, a wrong key or unknown words: repeat the menu (``MaxRetries`` times), else take
        the matching special branch (``NoDigit``/``NoWord``, ``WrongDigit``, ``WrongWord``), else
        ``DefaultDigit``/``DefaultWord``, else ``OnFailureNextNode``/``NextNode``."""
        repeats = 0 if run.repeats is None else run.repeats.get(node.key, 0)
        if repeat and repeats < menu.max_retries:
            if run.repeats is None:
                run.repeats = {}
            run.repeats[node.key] = repeats + 1
            if self.after(run, menu.retry_delay, None, node.key) is not None:
                await self.go(run, node.key)
            return
        forget_repeats(run, node)
        await self.leave(run, node, fallback(menu, branch, failure(node)), pressed)

    def fire(self, run: Run, node: Node, label: str | None) -> None:
        """The request's external action ``label`` is sent, once per call (mock's choice)."""
        request = run.request
        if label is None or any(e.label == label for e in request.external):
            return
        self.api.fire_external_action(request, node.key, request.payload.external[label])

    # -- Collect ---------------------------------------------------------------------------------
    def collect(self, run: Run, node: Node, collect: Collect) -> None:
        async def on_digits(pressed: str) -> None:
            if self.current(run):
                self.pressed(run, node, pressed)
                await self.collected(run, node, entered_digits(pressed, collect))

        async def on_timeout() -> None:
            if self.current(run):
                await self.collected(run, node, "")

        self.backend.ask(run.call_id, collect.timeout, on_digits, on_timeout)

    async def collected(self, run: Run, node: Node, digits: str) -> None:
        run.request.collected += (CollectedDigits(digits, node.key, bool(digits)),)
        run.request.touch(self.backend.now())
        if digits:
            self.fire(run, node, node.label)
        await self.leave(run, node, node.next_node if digits else failure(node), digits)

    # -- Record ----------------------------------------------------------------------------------
    def record(self, run: Run, node: Node, record: Record) -> None:
        run.recording = (node, self.backend.now())

        async def done() -> None:
            if self.current(run):
                self.save_recording(run)
                self.fire(run, node, node.label)
                await self.leave(run, node, node.next_node)

        async def on_key(pressed: str) -> None:
            if self.current(run):
                run.request.node(node.key).pressed_at = self.backend.now()
                await done()

        if record.stop_on_key is not None:
            self.backend.ask(run.call_id, record.max_length, on_key, done)
        else:
            self.backend.schedule(run.call_id, record.max_length, done)

    def save_recording(self, run: Run) -> None:
        """What the recording node (Record, or a Dial / Conference / agent node with ``Record: true``)
        has recorded so far becomes a recording."""
        assert run.recording is not None
        (node, since), run.recording = run.recording, None
        action = node.action
        assert isinstance(action, Record | Conference | Agent | Dial)
        now = self.backend.now()
        seconds = round((now - since).total_seconds(), 3)
        if seconds <= 0:
            return
        payload = run.request.payload
        own = action.transcribe if isinstance(action, Record) else None
        transcribe = payload.transcribe if own is None else own
        number = sum(1 for r in run.request.recordings if r.node == node.key) + 1
        recording = VoiceRecording(
            file_name=f"{run.request.id}-{node.key}-{number}.wav",
            seconds=seconds,
            storage_period=action.storage_period,
            created_at=now,
            node=node.key,
            transcription=self.api.ctx.faker.sentence() if transcribe else None,
        )
        record_hook = action.record_callback if isinstance(action, Record | Conference) else None
        transcribe_hook = action.transcribe_callback if isinstance(action, Record) else None
        self.api.add_recording(
            run.request,
            recording,
            record_hook or payload.record_callback,
            transcribe_hook or payload.transcribe_callback,
        )

    # -- Dial ------------------------------------------------------------------------------------
    def start_dial(self, run: Run, node: Node, dial: Dial) -> None:
        leg = self.api.place_leg(run.request, dial.destination, dial.sender, dial.timeout)
        run.dial, run.leg, run.leg_answered = node, leg.id, False
        if dial.record:
            run.recording = (node, self.backend.now())

    # -- Conference, AgentConference, AgentPhone, Storage (mock's choices, dillo.md) -------------
    def conference(self, run: Run, node: Node, room: Conference) -> Goto | None:
        """The call joins ``RoomName`` and stays there until it ends (at most an hour, then the flow
        goes on); with ``Record`` the room is recorded."""
        self.api.flow_note(run.call_id, f"node {node.key} joined conference room {room.room!r}")
        if room.record:
            run.recording = (node, self.backend.now())

        async def leave_room() -> None:
            if self.current(run):
                if run.recording is not None:
                    self.save_recording(run)
                await self.leave(run, node, node.next_node)

        self.backend.schedule(run.call_id, CONFERENCE_SECONDS, leave_room)
        return None

    def start_agent(self, run: Run, node: Node, agent: Agent) -> None:
        """The agent is called on a second leg (``agent:<AgentName>``, matched to a scenario like any
        number), as a Dial: the flow goes on when that leg ends."""
        leg = self.api.place_leg(run.request, f"agent:{agent.name}", None, AGENT_RING_SECONDS)
        run.dial, run.leg, run.leg_answered = node, leg.id, False
        self.api.flow_note(run.call_id, f"node {node.key} calls agent {agent.name!r} (leg {leg.id})")
        if agent.record:
            run.recording = (node, self.backend.now())

    def store(self, run: Run, node: Node, storage: Storage) -> None:
        """``Key`` = ``Value``, a ``StorageKeyword`` replaced by what it stands for; shown in the
        journal (Dillo's GET has no field for stored values)."""
        request = run.request
        value = {
            "Id": request.id,
            "TelephoneNumber": request.payload.telephone_number,
            "Did": request.payload.sender,
            "Now": date(self.backend.now()) or "",
            "UserInput": run.last_input,
        }.get(storage.value, storage.value)
        self.api.flow_note(run.call_id, f"node {node.key} stored {storage.key!r} = {value!r}")


def fallback(menu: Menu, branch: str, otherwise: int | None) -> int | None:
    """Where a Menu goes on a miss (``branch``: NoDigit, WrongDigit or WrongWord): that special
    branch (no answer: ``NoDigit``, else ``NoWord``), else ``DefaultDigit``'s / ``DefaultWord``'s
    branch, else ``otherwise``."""
    names = (NO_DIGIT, NO_WORD) if branch == NO_DIGIT else (branch,)
    if branch == NO_DIGIT and not any(menu.option(k) for k in menu.branches):
        names = (NO_WORD, NO_DIGIT)  # a menu with only words hears silence as "no word"
    for name in names:
        if name in menu.branches:
            return menu.branches[name]
    if branch != WRONG_WORD and menu.default_digit is not None:
        return menu.branches[menu.default_digit]
    if branch != WRONG_DIGIT and menu.default_word is not None:
        return menu.words[menu.default_word]
    return otherwise


def failure(node: Node) -> int | None:
    """Where a node goes when it did not succeed: ``OnFailureNextNode``, else ``NextNode``."""
    return node.on_failure if node.on_failure is not None else node.next_node
