"""Click-to-call (CLICKTOCALL10): A targets are dialled first — each in turn, ``A_attempts`` rounds
``A_retrypause`` seconds apart — and once A answers the B targets are dialled in turn and bridged to A
(callr.md §5.3, §9.11; seed "CLICKTOCALL.Call", "CLICKTOCALL.Call.Status").

Statuses of a side: ``DIALING`` → ``ANSWER`` → ``HANGUP``; ``NOANSWER`` when no target of it answered
(between rounds too); ``ABORTED`` when B was still ringing as A hung up; ``VOICEMAIL_DETECTED`` when the
app's ``A_vms_detect``/``B_vms_detect`` is active and a machine answers (that side is hung up and the call
ends). Once bridged, both sides end when one hangs up.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from mockserver.core.calls import AnsweredBy, Call, CallState, Party
from mockserver.providers.callr.models import CallInfo, ClickToCall, LegStatus
from mockserver.providers.callr.vocabulary import Package

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

#: Defaults when the app's options say nothing (mock's choice).
DEFAULT_ATTEMPTS = 1
DEFAULT_RETRY_PAUSE = 30


def key(c2c_hash: str) -> str:
    """The timer group of one click-to-call call (its schedule and retry pauses)."""
    return f"callr:c2c:{c2c_hash}"


class ClickToCallRunner:
    def __init__(self, api: Callr) -> None:
        self.api = api

    @property
    def backend(self):  # type: ignore[no-untyped-def]
        return self.api.ctx.backend

    def options(self, c2c: ClickToCall) -> dict[str, object]:
        app = self.api.state.apps.get(c2c.app)
        if app is None or app.package is not Package.CLICKTOCALL10:
            return {}
        return dict(app.params.get("options") or {})

    def touch(self, c2c: ClickToCall) -> None:
        c2c.updated = self.api.ctx.now()

    # -- start -----------------------------------------------------------------------------------
    def schedule(self, c2c: ClickToCall) -> None:
        """Start at ``date_scheduled`` (at once when that is not in the future)."""

        async def begin() -> None:
            self.begin(c2c.hash)

        at: datetime = c2c.scheduled
        self.backend.timer_at(at, begin, key=key(c2c.hash))

    def cancel(self, c2c: ClickToCall) -> None:
        self.backend.cancel_timers(key(c2c.hash))

    def begin(self, c2c_hash: str) -> None:
        c2c = self.api.state.clicktocalls.get(c2c_hash)
        if c2c is None or c2c.started is not None:
            return
        c2c.started = self.api.ctx.now()
        c2c.a = LegStatus(tried=1)
        c2c.a_next = 0
        self.dial(c2c, "A")

    def dial(self, c2c: ClickToCall, side: str) -> None:
        targets = c2c.a_targets if side == "A" else c2c.b_targets
        index = c2c.a_next if side == "A" else c2c.b_next
        target = targets[index]
        app = self.api.state.apps.get(c2c.app)
        # B sees the number of A that answered (seed CLICKTOCALL.Call.cli).
        cli = c2c.cli if side == "A" else c2c.a.number
        info = self.api.place_call(login=c2c.login, app=app, target=target, cli=cli, cdr_field=c2c.cdr_field)
        info.c2c_hash, info.c2c_side = c2c.hash, side
        if side == "A":
            c2c.a_next += 1
            c2c.a_call = info.call_id
            c2c.a = LegStatus(info.callid, target.number, "DIALING", c2c.a.tried)
        else:
            c2c.b_next += 1
            c2c.b_call = info.call_id
            c2c.b = LegStatus(info.callid, target.number, "DIALING", 1)
        self.touch(c2c)

    # -- the legs' news --------------------------------------------------------------------------
    def on_leg(self, call: Call, info: CallInfo) -> None:
        """A leg changed (heard in on_update): act on it just after, with the call as it was then."""
        c2c_hash, side = info.c2c_hash or "", info.c2c_side

        async def act() -> None:
            c2c = self.api.state.clicktocalls.get(c2c_hash)
            if c2c is not None:
                self.changed(c2c, side, call)

        self.backend.timer(0, act, key=key(c2c_hash))

    def changed(self, c2c: ClickToCall, side: str, call: Call) -> None:
        if call.id != (c2c.a_call if side == "A" else c2c.b_call):
            return
        if call.state is CallState.ANSWERED:
            self.answered(c2c, side, call)
        elif call.state.terminal:
            self.ended(c2c, side, call)

    def machine(self, c2c: ClickToCall, side: str, call: Call) -> bool:
        detect = self.options(c2c).get(f"{side}_vms_detect")
        return (
            call.answered_by is AnsweredBy.MACHINE and isinstance(detect, dict) and bool(detect.get("active"))
        )

    def answered(self, c2c: ClickToCall, side: str, call: Call) -> None:
        status = c2c.a if side == "A" else c2c.b
        if self.machine(c2c, side, call):
            status.status = "VOICEMAIL_DETECTED"
            self.touch(c2c)
            self.hang_up(call.id, Party.SYSTEM, "voicemail detected")
            if side == "B":
                self.hang_up(c2c.a_call, Party.CALLER, "voicemail detected on B")
            return
        status.status = "ANSWER"
        self.touch(c2c)
        if side == "A":
            c2c.b_next = 0
            self.dial(c2c, "B")

    def ended(self, c2c: ClickToCall, side: str, call: Call) -> None:
        mine, other = (c2c.a, c2c.b) if side == "A" else (c2c.b, c2c.a)
        other_call = c2c.b_call if side == "A" else c2c.a_call
        self.touch(c2c)
        if mine.status in ("VOICEMAIL_DETECTED", "ABORTED"):
            return
        if call.answered_at is not None:
            mine.status = "HANGUP"
            if other_call is not None and self.backend.get(other_call).live:
                if other.status == "DIALING":
                    other.status = "ABORTED"
                self.hang_up(other_call, Party.CALLER, f"party {side} hung up")
            return
        if side == "A":
            self.a_not_answered(c2c)
        elif c2c.b_next < len(c2c.b_targets):
            self.dial(c2c, "B")
        else:
            mine.status = "NOANSWER"
            self.hang_up(c2c.a_call, Party.CALLER, "no B target answered")

    def a_not_answered(self, c2c: ClickToCall) -> None:
        if c2c.a_next < len(c2c.a_targets):
            return self.dial(c2c, "A")
        c2c.a.status = "NOANSWER"
        attempts = self.options(c2c).get("A_attempts") or DEFAULT_ATTEMPTS
        if not isinstance(attempts, int) or c2c.a.tried >= attempts:
            return
        pause = self.options(c2c).get("A_retrypause") or DEFAULT_RETRY_PAUSE
        c2c_hash = c2c.hash

        async def retry() -> None:
            again = self.api.state.clicktocalls.get(c2c_hash)
            if again is not None:
                again.a = replace(again.a, tried=again.a.tried + 1)
                again.a_next = 0
                self.dial(again, "A")

        self.backend.timer(
            float(pause) if isinstance(pause, int) else DEFAULT_RETRY_PAUSE, retry, key=key(c2c_hash)
        )

    def hang_up(self, call_id: str | None, by: Party, cause: str) -> None:
        if call_id is not None and self.backend.get(call_id).live:
            self.backend.hangup(call_id, by, cause)
