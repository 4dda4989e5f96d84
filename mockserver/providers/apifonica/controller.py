"""The Apifonica XML controller loop: fetch the controller's XML, run its commands on the call.

The mock is the client of the client here: when a call is answered it requests the controller URL (with
the call's fields), interprets the returned commands one after the other on the mock's clock, feeds the
scenario's digits to ``<getInput>`` and submits them back, and places ``<makeCall>`` legs. Timing of
audio is an estimate (``CLIP_SECONDS`` per ``<playAudio>`` loop), documented in
docs/providers/apifonica.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from mockserver.callbacks.model import Delivery, OutboundRequest, Reply
from mockserver.core.calls import Call, CallState, Party
from mockserver.providers.apifonica.models import CallInfo, Message
from mockserver.providers.apifonica.render import event_fields
from mockserver.providers.apifonica.xml import (
    Command,
    EndCall,
    GetInput,
    MakeCall,
    PlayAudio,
    SendMessage,
    Wait,
    XmlError,
    is_empty_reply,
    parse_document,
)

if TYPE_CHECKING:
    from mockserver.providers.apifonica.provider import Apifonica

#: How long one loop of <playAudio> takes, in seconds (the mock does not download the file).
CLIP_SECONDS = 5.0


@dataclass
class Flow:
    """One running XML document on one call."""

    call_id: str
    commands: tuple[Command, ...]
    url: str
    method: str
    pc: int = 0
    dialing: set[str] = field(default_factory=set)  # <makeCall> legs still ringing
    bridged: str | None = None  # the <makeCall> leg that answered
    make: MakeCall | None = None


def request_for(
    provider: str, call_id: str, url: str, method: str, fields: Sequence[tuple[str, str]], kind: str
) -> OutboundRequest:
    """GET sends the fields as query parameters, POST as a form body (Apifonica "Controller")."""
    if method == "GET":
        return OutboundRequest(provider, "GET", url, call_id, kind, params=tuple(fields))
    return OutboundRequest(
        provider,
        "POST",
        url,
        call_id,
        kind,
        headers=(("Content-Type", "application/x-www-form-urlencoded"),),
        body=urlencode(list(fields)).encode(),
    )


class FlowRunner:
    def __init__(self, api: Apifonica) -> None:
        self.api = api
        self.flows: dict[str, Flow] = {}
        # Every <makeCall> leg by A leg, whichever flow placed it: a flow can be replaced (a
        # controller hand-over, Modify live call) while its leg is up, and the leg must still end
        # with the A leg.
        self.legs: dict[str, set[str]] = {}

    @property
    def backend(self):  # type: ignore[no-untyped-def]
        return self.api.ctx.backend

    def reset(self) -> None:
        self.flows.clear()
        self.legs.clear()

    # -- entry points ----------------------------------------------------------------------------
    def on_answered(self, call: Call, info: CallInfo) -> None:
        """Fetch the controller (this request is also the ``answered`` event) and run its reply."""
        if info.controller is None:
            return

        async def fetch() -> None:
            await self.fetch_and_run(call.id, info.controller or "", info.method, ())

        self.backend.schedule(call.id, 0, fetch)

    def on_ended(self, call: Call) -> None:
        self.flows.pop(call.id, None)
        for leg in sorted(self.legs.pop(call.id, ())):
            if self.backend.get(leg).live:
                self.backend.hangup(leg, Party.CALLER, "the A leg ended")

    async def redirect(self, call_id: str, url: str, method: str) -> None:
        """Modify live call: drop the running flow and run what ``url`` returns."""
        self.flows.pop(call_id, None)
        await self.fetch_and_run(call_id, url, method, ())

    async def fetch_and_run(
        self, call_id: str, url: str, method: str, extra: Sequence[tuple[str, str]]
    ) -> None:
        call = self.backend.get(call_id)
        if not call.live:
            return
        info = self.api.state.calls[call_id]
        fields = [*event_fields(call, info, self.api.parent_of(call)), *extra]
        request = request_for(self.api.name, call_id, url, method, fields, "fetch")
        delivery, reply = await self.api.ctx.dispatcher.fetch(request)
        if reply is None or not reply.ok:
            self.fail(call_id, f"controller {url} failed ({why_failed(delivery, reply)})")
            return
        await self.run_reply(call_id, reply, url, method)

    async def run_reply(self, call_id: str, reply: Reply, url: str, method: str) -> None:
        """Run an XML reply; an empty reply means "carry on" and changes nothing."""
        if is_empty_reply(reply.body):
            return
        try:
            commands = parse_document(reply.body)
        except XmlError as exc:
            self.fail(call_id, f"invalid controller XML from {url}: {exc}")
            return
        if not self.backend.get(call_id).live:
            return
        flow = Flow(call_id, commands, url, method)
        self.flows[call_id] = flow
        await self.step(flow)

    def fail(self, call_id: str, detail: str) -> None:
        self.api.flow_error(call_id, detail)
        self.flows.pop(call_id, None)
        if self.backend.get(call_id).live:
            self.backend.hangup(call_id, Party.SYSTEM, detail)

    # -- running commands ------------------------------------------------------------------------
    def current(self, flow: Flow) -> bool:
        return self.flows.get(flow.call_id) is flow and self.backend.get(flow.call_id).live

    def after(self, flow: Flow, seconds: float) -> None:
        async def resume() -> None:
            if self.current(flow):
                await self.step(flow)

        self.backend.schedule(flow.call_id, seconds, resume)

    async def step(self, flow: Flow) -> None:
        """Run the command at ``flow.pc``; commands that take no time run straight on."""
        while self.current(flow):
            if flow.pc >= len(flow.commands):
                self.flows.pop(flow.call_id, None)
                self.backend.hangup(flow.call_id, Party.CALLER, "end of controller XML")
                return
            command = flow.commands[flow.pc]
            flow.pc += 1
            match command:
                case PlayAudio(loops=0):
                    return  # plays until the call ends
                case PlayAudio(loops=loops):
                    return self.after(flow, CLIP_SECONDS * loops)
                case Wait(seconds=seconds):
                    return self.after(flow, seconds)
                case GetInput():
                    return self.get_input(flow, command, attempt=1)
                case MakeCall():
                    return self.make_call(flow, command)
                case EndCall():
                    return self.end_call(flow, command)
                case SendMessage(controller_url=None, controller_app=None):
                    self.send_message(flow, command)
                case SendMessage():
                    # With a controller, flow control passes to the XML it returns; the commands
                    # after <sendMessage> are unreachable (Apifonica "<sendMessage>").
                    return await self.send_message_and_hand_over(flow, command)

    def end_call(self, flow: Flow, command: EndCall) -> None:
        self.flows.pop(flow.call_id, None)
        cause = "<endCall>" if command.signal is None else f'<endCall signal="{command.signal}">'
        self.backend.hangup(flow.call_id, Party.CALLER, cause)

    def get_input(self, flow: Flow, command: GetInput, attempt: int) -> None:
        prompt = CLIP_SECONDS * sum(p.loops or 1 for p in command.prompts)

        async def on_digits(pressed: str) -> None:
            if not self.current(flow):
                return
            entered, finished = collect(pressed, command)
            if len(entered) < command.min_symbols:
                await on_timeout()
                return
            wait = 0.0 if finished else command.timeout  # no finish key: wait out the key timeout

            async def submit() -> None:
                if self.current(flow):
                    await self.submit_input(flow, command, entered)

            if wait:
                self.backend.schedule(flow.call_id, wait, submit)
            else:
                await submit()

        async def on_timeout() -> None:
            if not self.current(flow):
                return
            if attempt < command.loops:
                self.get_input(flow, command, attempt + 1)
            else:
                await self.step(flow)  # nothing (valid) entered: move on to the next command

        self.backend.ask(flow.call_id, prompt + command.timeout_general, on_digits, on_timeout)

    async def submit_input(self, flow: Flow, command: GetInput, digits: str) -> None:
        url = command.controller or flow.url
        call = self.backend.get(flow.call_id)
        info = self.api.state.calls[flow.call_id]
        fields = [*event_fields(call, info, self.api.parent_of(call)), ("digits", digits)]
        request = request_for(self.api.name, flow.call_id, url, command.method, fields, "fetch")
        delivery, reply = await self.api.ctx.dispatcher.fetch(request)
        if not self.current(flow):
            return
        if reply is None or not reply.ok:
            self.fail(flow.call_id, f"<getInput> controller {url} failed ({why_failed(delivery, reply)})")
            return
        if is_empty_reply(reply.body):
            await self.step(flow)  # "If there is no new XML, the current XML will continue"
            return
        # "Any commands after the <getInput> command will start executing immediately and stop after
        # new XML is received" (Apifonica "<getInput>"): the ones that take no time (an <endCall>, a
        # <sendMessage> without controller) run while a real controller answers, so they run here
        # before the reply takes over; one that takes time would be cut short, so it never starts.
        self.run_instant_commands(flow)
        if self.backend.get(flow.call_id).live:
            await self.run_reply(flow.call_id, reply, url, command.method)

    def run_instant_commands(self, flow: Flow) -> None:
        while self.current(flow) and flow.pc < len(flow.commands):
            match flow.commands[flow.pc]:
                case EndCall() as end:
                    self.end_call(flow, end)
                case SendMessage(controller_url=None, controller_app=None) as command:
                    self.send_message(flow, command)
                case _:
                    return
            flow.pc += 1

    def make_call(self, flow: Flow, command: MakeCall) -> None:
        parent = self.backend.get(flow.call_id)
        info = self.api.state.calls[flow.call_id]
        flow.make = command
        for target in command.targets:
            leg = self.api.place_leg(parent, info, command, target.value, target.kind)
            flow.dialing.add(leg.id)
            self.legs.setdefault(flow.call_id, set()).add(leg.id)

    async def on_leg_update(self, leg: Call) -> None:
        parent_info = self.api.state.calls[leg.id].parent_call_id
        flow = self.flows.get(parent_info or "")
        if flow is None or flow.make is None:
            return
        if leg.state is CallState.ANSWERED and leg.id in flow.dialing:
            flow.dialing.discard(leg.id)
            flow.bridged = leg.id
            for other in list(flow.dialing):
                flow.dialing.discard(other)
                if self.backend.get(other).live:
                    self.backend.hangup(other, Party.CALLER, "another <makeCall> number answered")
            if flow.make.controller:  # control passes to the XML the leg's controller returns
                self.flows.pop(flow.call_id, None)
                await self.fetch_and_run(
                    flow.call_id,
                    flow.make.controller,
                    flow.make.method,
                    (("leg_sid", leg.provider_call_id),),
                )
        elif leg.state.terminal:
            was_bridged = flow.bridged == leg.id
            flow.dialing.discard(leg.id)
            if was_bridged:
                flow.bridged = None
            if not flow.dialing and flow.bridged is None and self.current(flow):
                flow.make = None
                await self.step(flow)

    def send_message(self, flow: Flow, command: SendMessage) -> Message:
        """Record the SMS (readable at /messages/{sid}); with no controller, the flow goes on and no
        message parameters are sent anywhere (Apifonica "<sendMessage>")."""
        call = self.backend.get(flow.call_id)
        info = self.api.state.calls[flow.call_id]
        message = Message(
            sid="msg" + self.api.ctx.ids.uuid(),
            account_sid=info.account_sid,
            from_=command.from_ or call.from_,
            to=command.to or call.to,
            text=command.text,
            created=self.api.ctx.now(),
            call_sid=call.provider_call_id,
        )
        self.api.state.messages[message.sid] = message
        return message

    async def send_message_and_hand_over(self, flow: Flow, command: SendMessage) -> None:
        """Send the SMS, post its parameters to the controller (``controller_url``, or the
        controller of the application ``controller_app``) and run the XML it answers in place of
        the current document. An empty answer leaves the call up with nothing more to run, as an
        empty answer to any fetch does; a controller that fails ends the call like any other."""
        url = command.controller_url
        if command.controller_app is not None:
            info = self.api.state.calls[flow.call_id]
            app = self.api.state.applications.get(command.controller_app)
            if app is None or app.account_sid != info.account_sid:
                name = command.controller_app
                self.fail(flow.call_id, f"<sendMessage controller_app> {name}: no such application")
                return
            url = app.controller
        assert url is not None
        message = self.send_message(flow, command)
        self.flows.pop(flow.call_id, None)  # nothing after <sendMessage> runs
        fields = [
            ("message_sid", message.sid),
            ("account_sid", message.account_sid),
            ("direction", "outbound"),
            ("from", message.from_),
            ("to", message.to),
            ("status", message.status),
            ("text", message.text),
            ("sms_count", "1"),
        ]
        request = request_for(self.api.name, flow.call_id, url, command.method, fields, "fetch")
        delivery, reply = await self.api.ctx.dispatcher.fetch(request)
        if not self.backend.get(flow.call_id).live or self.flows.get(flow.call_id) is not None:
            return  # the call ended, or was handed elsewhere (Modify live call) meanwhile
        if reply is None or not reply.ok:
            self.fail(flow.call_id, f"<sendMessage> controller {url} failed ({why_failed(delivery, reply)})")
            return
        await self.run_reply(flow.call_id, reply, url, command.method)


def why_failed(delivery: Delivery, reply: Reply | None) -> str:
    """``HTTP 500``, or the transport error (``timeout``, ``ConnectError: ...``) of the attempt."""
    if reply is not None:
        return f"HTTP {reply.status}"
    error = delivery.attempts[-1].error if delivery.attempts else None
    return error or "no answer"


def collect(pressed: str, command: GetInput) -> tuple[str, bool]:
    """What <getInput> takes from the keys pressed, and whether entry finished without waiting
    (the finish key was pressed, or ``maxSymbols`` keys were)."""
    key = command.finish_on_key
    if key and key in pressed:
        return pressed.split(key, 1)[0][: command.max_symbols], True
    entered = pressed[: command.max_symbols]
    return entered, len(entered) >= command.max_symbols
