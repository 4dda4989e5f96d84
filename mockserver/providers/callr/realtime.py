"""The Real-Time loop: the mock POSTs ``RT.Request`` to a REALTIME10 app and runs the command it answers.

D-RT: once the call is up CALLR POSTs JSON to the app's ``url`` (Basic auth when ``login``/``password``
are set), the app answers an ``RT.Response`` within 5 s, CALLR runs the command and POSTs its result
(``command``, ``command_id`` and ``variables`` echoed) — and so on until the call ends, which is told
with ``call_status: HANGUP``. Commands take mock time (estimates in docs/providers/callr.md); ``read``
takes its digits from the scenario's ``input`` through ``backend.ask``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockserver.callbacks.model import NO_RETRY, OutboundRequest
from mockserver.core.calls import AnsweredBy, Call, CallState, Party
from mockserver.providers.callr.models import CallInfo, Target
from mockserver.providers.callr.render import datetime_text
from mockserver.providers.callr.rt_commands import (
    CallRecording,
    Command,
    Conference,
    Dialout,
    Hangup,
    HangupCallid,
    Play,
    PlayRecord,
    Read,
    Record,
    Response,
    RtError,
    SendDtmf,
    TalkDetect,
    Wait,
    WaitForSilence,
    parse_response,
)
from mockserver.providers.callr.vocabulary import UNANSWERED_RT_STATUS, RtStatus, dial_status

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

#: RT.Response: "You have to send it within 5 seconds" (seed 004) — wall-clock seconds.
REPLY_TIMEOUT = 5.0
#: How long one media (a prompt, a TTS text) plays, in seconds: the mock does not fetch media.
CLIP_SECONDS = 5.0
#: How long ``record`` runs when it has no ``max_duration`` (0 = "off").
RECORD_SECONDS = 30
OK = "OK"
#: What the callee says on picking up, in ms (mock's choice): a person's short "Hello?", a machine's
#: whole greeting. It starts when the call is answered, so a ``play_talk_detect`` sent at once hears
#: all of it and a later one only what is left.
GREETING_MS = {AnsweredBy.HUMAN: 1000, AnsweredBy.MACHINE: 12_000}
#: ``play_talk_detect`` results (mock's choice: CALLR documents none).
TALK, NO_TALK = "TALK", "NO_TALK"


@dataclass
class Session:
    """One call under Real-Time control."""

    call_id: str
    info: CallInfo
    url: str
    auth: str | None
    command: str = ""
    command_id: Any = 0
    variables: dict[str, Any] = field(default_factory=dict)
    step: int = 0  # bumped by every command: a continuation of an older one is stale
    error: str = ""  # the command_error the final request carries
    result: str = ""  # the command_result the final request carries
    pending: list[Target] = field(default_factory=list)  # dialout targets not tried yet
    dialout: Dialout | None = None
    legs: set[str] = field(default_factory=set)
    bridged: str | None = None
    room: str | None = None
    auto_leave: bool = False
    recordings: int = 0


class RealTime:
    def __init__(self, api: Callr) -> None:
        self.api = api
        self.sessions: dict[str, Session] = {}
        self.rooms: dict[str, list[str]] = {}  # conference id → call ids in the room

    @property
    def backend(self):  # type: ignore[no-untyped-def]
        return self.api.ctx.backend

    def reset(self) -> None:
        self.sessions.clear()
        self.rooms.clear()

    # -- the call's life -------------------------------------------------------------------------
    def on_answered(self, call: Call, info: CallInfo) -> None:
        session = self.open(call, info)
        if session is None:
            return

        first_status = RtStatus.INCOMING_CALL if info.inbound else RtStatus.UP

        async def first() -> None:
            await self.exchange(session, "", "", first_status)

        self.backend.schedule(call.id, 0, first)

    def open(self, call: Call, info: CallInfo) -> Session | None:
        app = info.app
        if app is None or info.parent_call_id is not None or "url" not in app.params:
            return None
        login, password = app.params.get("login"), app.params.get("password")
        auth = None
        if login or password:
            token = base64.b64encode(f"{login or ''}:{password or ''}".encode()).decode("ascii")
            auth = f"Basic {token}"
        session = Session(call.id, info, app.params["url"], auth)
        self.sessions[call.id] = session
        return session

    def on_ended(self, call: Call, info: CallInfo) -> None:
        """Tell the app the call is over: HANGUP after a session, else the one unanswered status."""
        session = self.sessions.pop(call.id, None)
        if session is not None:
            for leg in sorted(session.legs):
                if self.backend.get(leg).live:
                    self.backend.hangup(leg, Party.CALLER, "the Real-Time call ended")
            self.leave_room(session)
            self.tell(session, call, RtStatus.HANGUP, session.result, session.error)
        elif (
            call.answered_at is None
            and info.parent_call_id is None
            and info.app is not None
            and not info.inbound
        ):
            unanswered = self.open(call, info)
            if unanswered is not None:
                self.sessions.pop(call.id, None)
                self.tell(unanswered, call, UNANSWERED_RT_STATUS[call.state], "", "")

    def tell(self, session: Session, call: Call, status: RtStatus, result: str, error: str) -> None:
        """A request whose reply changes nothing (the call is over): fire and record."""
        self.api.ctx.dispatcher.submit(self.request(session, call, status, result, error, "event"), NO_RETRY)

    # -- one exchange ----------------------------------------------------------------------------
    def request(
        self, session: Session, call: Call, status: RtStatus, result: str, error: str, kind: str
    ) -> OutboundRequest:
        info = session.info
        body = {
            "app": info.app.hash if info.app else "",
            "call_status": status.value,
            "callid": info.callid,
            "cdr_field": info.cdr_field,
            "cli_name": "",
            "cli_number": info.cli,
            "command": session.command,
            "command_error": error,
            "command_id": session.command_id,
            "command_result": result,
            "date_started": datetime_text(call.created_at),
            "number": call.to,
            "request_hash": info.request_hash,
            "variables": session.variables,
        }
        headers = [("Accept", "*/*"), ("Content-Type", "application/json")]  # D-RT's sample request
        if session.auth:
            headers.append(("Authorization", session.auth))
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return OutboundRequest(
            self.api.name, "POST", session.url, call.id, kind, tuple(headers), body=content
        )

    def live(self, session: Session, step: int | None = None) -> bool:
        return (
            self.sessions.get(session.call_id) is session
            and self.backend.get(session.call_id).live
            and (step is None or session.step == step)
        )

    async def exchange(
        self, session: Session, result: str, error: str, status: RtStatus = RtStatus.UP
    ) -> None:
        """POST the result of the last command; run the command the app answers."""
        if not self.live(session):
            return
        call = self.backend.get(session.call_id)
        request = self.request(session, call, status, result, error, "fetch")
        delivery, reply = await self.api.ctx.dispatcher.fetch(request, reply_timeout=REPLY_TIMEOUT)
        if not self.live(session):
            return
        if reply is None:
            failure = delivery.attempts[-1].error if delivery.attempts else None
            code = "TIMEOUT" if failure == "timeout" else "UNREACHABLE"
            return self.fail(session, code, f"app {session.url} did not answer ({failure})")
        if not reply.ok:
            return self.fail(session, "INVALID_RESPONSE", f"app {session.url} answered HTTP {reply.status}")
        try:
            response = parse_response(reply.body)
        except RtError as exc:
            return self.fail(session, exc.code, f"app {session.url}: {exc.detail}")
        await self.run(session, response)

    def fail(self, session: Session, code: str, detail: str) -> None:
        """The app's reply cannot be run: the call is hung up, the final request says why."""
        self.api.flow_error(session.call_id, detail)
        session.error, session.result = code, ""
        self.backend.hangup(session.call_id, Party.SYSTEM, detail)

    def then(self, session: Session, seconds: float, result: str = OK, error: str = "") -> None:
        """The current command finishes ``seconds`` from now with ``result``."""
        step = session.step

        async def done() -> None:
            if self.live(session, step):
                await self.exchange(session, result, error)

        self.backend.schedule(session.call_id, seconds, done)

    # -- the commands ----------------------------------------------------------------------------
    async def run(self, session: Session, response: Response) -> None:
        session.step += 1
        session.command, session.command_id = response.command, response.command_id
        if response.variables is not None:
            session.variables = response.variables
        session.result = session.error = ""
        action: Command = response.action
        match action:
            case Hangup():
                self.backend.hangup(session.call_id, Party.CALLER, "Real-Time hangup")
            case HangupCallid(callid=callid):
                self.then(session, 0, self.hangup_other(session, callid))
            case Play() | PlayRecord():
                self.then(session, CLIP_SECONDS)
            case TalkDetect():
                self.talk_detect(session, action)
            case Wait(seconds=seconds):
                self.then(session, seconds)
            case SendDtmf(digits=digits, duration_ms=on, timeout_ms=off):
                self.then(session, len(digits) * (on + off) / 1000)
            case WaitForSilence(silence_ms=silence, iterations=iterations):
                self.then(session, silence * iterations / 1000)
            case Record(max_duration=seconds):
                self.record(session, seconds or RECORD_SECONDS)
            case Read():
                self.read(session, action, attempt=1)
            case Dialout():
                session.dialout, session.pending = action, list(action.targets)
                self.dial_next(session)
            case Conference(room=room, auto_leave_when_alone=auto_leave):
                self.join_room(session, room, auto_leave)
            case CallRecording(start=start):
                running = self.api.recorder.running(session.call_id, "CALL")
                if start and running is None:
                    self.api.recorder.start(session.info, "CALL")
                elif not start and running is not None:
                    self.api.recorder.stop(running)
                self.then(session, 0)

    def talk_detect(self, session: Session, command: TalkDetect) -> None:
        """The scenario decides who answered: a human's greeting is short, a machine's long."""
        call = self.backend.get(session.call_id)
        greeting = GREETING_MS[call.answered_by or AnsweredBy.HUMAN]
        heard = 0
        if call.answered_at is not None:
            elapsed_ms = (self.api.ctx.now() - call.answered_at).total_seconds() * 1000
            heard = max(0, round(greeting - elapsed_ms))
        detected_at = command.hears(heard, round(CLIP_SECONDS * 1000))
        if detected_at is None:
            self.then(session, CLIP_SECONDS, NO_TALK)
        else:
            self.then(session, detected_at / 1000, TALK)

    def record(self, session: Session, seconds: int) -> None:
        """``record``: a file named after the call, and a Media.Recording that stops with the command
        (or with the call, if it ends first)."""
        session.recordings += 1
        name = f"record_{session.info.callid}_{session.recordings}.wav"
        self.api.state.recordings[name] = (session.info.login, seconds)
        recording = self.api.recorder.start(session.info, "RECORDING", name)

        async def stop() -> None:
            self.api.recorder.stop(recording)

        self.backend.schedule(session.call_id, seconds, stop)
        self.then(session, seconds, name)

    def hangup_other(self, session: Session, callid: int) -> str:
        other = self.api.state.by_callid(callid)
        if other is None or other.login != session.info.login:
            return "NOT_FOUND"
        if self.backend.get(other.call_id).live:
            self.backend.hangup(other.call_id, Party.API, "Real-Time hangup_callid")
        return OK

    def read(self, session: Session, command: Read, attempt: int) -> None:
        """Play the prompt and collect up to ``max_digits`` keys (``#`` ends the entry early)."""
        step = session.step

        async def on_digits(pressed: str) -> None:
            if not self.live(session, step):
                return
            entered = pressed.split("#", 1)[0][: command.max_digits]
            if not entered:
                await on_timeout()
            elif "#" in pressed or len(entered) >= command.max_digits:
                await self.exchange(session, entered, "")
            else:  # fewer keys than max_digits and no '#': the entry ends when timeout_ms passes
                self.then(session, command.timeout_ms / 1000, entered)

        async def on_timeout() -> None:
            if not self.live(session, step):
                return
            if attempt < command.attempts:
                self.read(session, command, attempt + 1)
            else:
                await self.exchange(session, "", "TIMEOUT")

        self.backend.ask(session.call_id, CLIP_SECONDS + command.timeout_ms / 1000, on_digits, on_timeout)

    # -- dialout: a second leg, bridged on answer ------------------------------------------------
    def dial_next(self, session: Session) -> None:
        target = session.pending.pop(0)
        parent = self.backend.get(session.call_id)
        command = session.dialout
        assert command is not None
        cli = command.cli or session.info.cli
        leg_info = self.api.place_call(
            login=session.info.login,
            app=session.info.app,
            target=target,
            cli=cli,
            cdr_field=command.cdr_field if command.cdr_field is not None else session.info.cdr_field,
            parent=parent,
        )
        session.legs.add(leg_info.call_id)

    async def on_leg(self, leg: Call) -> None:
        """A dialout leg changed: bridge it, or try the next target, or give the app the result."""
        info = self.api.state.calls.get(leg.id)
        session = self.sessions.get(info.parent_call_id or "") if info else None
        if session is None or leg.id not in session.legs or not self.live(session):
            return
        if leg.state is CallState.ANSWERED:
            session.bridged = leg.id
        elif leg.state.terminal:
            session.legs.discard(leg.id)
            if session.bridged == leg.id:  # D-RT: once bridged, both legs end when one hangs up
                session.result = dial_status(leg.state).value
                self.backend.hangup(session.call_id, Party.CALLER, "the dialout leg hung up")
            elif session.pending:
                self.dial_next(session)
            else:
                await self.exchange(session, dial_status(leg.state).value, "")

    # -- conferences: room bookkeeping -----------------------------------------------------------
    def join_room(self, session: Session, room: str, auto_leave: bool) -> None:
        """The call joins ``room`` and stays until it hangs up (or, with ``auto_leave_when_alone``,
        until it is the last one left)."""
        session.room, session.auto_leave = room, auto_leave
        self.rooms.setdefault(room, []).append(session.call_id)

    def leave_room(self, session: Session) -> None:
        room = session.room
        if room is None or session.call_id not in self.rooms.get(room, []):
            return
        members = self.rooms[room]
        members.remove(session.call_id)
        session.room = None
        if len(members) == 1:
            last = self.sessions.get(members[0])
            if last is not None and last.auto_leave:
                members.clear()
                last.room = None
                self.then(last, 0, "ALONE")
        if not members:
            del self.rooms[room]
