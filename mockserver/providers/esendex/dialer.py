"""When each notify dials: its schedule, the broadcast's CallsPerMinute pacing, and retries.

A notify is a QueueID; each attempt at it is one neutral call placed on the backend (so each attempt
follows its own scenario). Timers run on the mock clock (``backend.timer_at``), keyed by QueueID, so
``CancelNotify`` can drop a dial that has not happened yet [esendex.md §3.1, §9].
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from mockserver.core.backend import PlaceCall
from mockserver.core.calls import Call
from mockserver.providers.esendex.models import Notify
from mockserver.providers.esendex.script import Script
from mockserver.providers.esendex.vocabulary import RETRIED_STATES

if TYPE_CHECKING:
    from mockserver.providers.esendex.provider import Esendex

DEFAULT_CALLS_PER_MINUTE = 3000  # NotifyMultiplePhoneBasic's rate [ASMX]


def pacing_offset(index: int, calls_per_minute: int) -> float:
    """Seconds after the broadcast starts that its ``index``-th call dials. The dialer works in whole
    seconds, so at 3000 a minute, 50 calls go out together each second (mock's choice)."""
    rate = calls_per_minute if calls_per_minute > 0 else DEFAULT_CALLS_PER_MINUTE
    return float(math.floor(index * 60 / rate))


def ring_timeout(script: Script) -> float | None:
    """``~\\MaxRingTime(seconds)~`` anywhere in the script; else the neutral default."""
    for command in script.commands("MaxRingTime"):
        try:
            seconds = float(command.args[0])
        except ValueError:
            continue
        if 0 < seconds <= 600:
            return seconds
    return None


class Dialer:
    def __init__(self, api: Esendex) -> None:
        self.api = api

    def queue(self, notify: Notify, delay: float) -> None:
        """Dial ``delay`` seconds after the request's schedule (or now)."""
        backend = self.api.ctx.backend
        start = max(notify.request.scheduled or backend.now(), backend.now())
        backend.timer_at(start + timedelta(seconds=delay), self._dial_action(notify), notify.timer_key)

    def _dial_action(self, notify: Notify) -> Callable[[], Awaitable[None]]:
        async def dial() -> None:
            if notify.pending and not notify.cancelled:
                self.dial(notify)

        return dial

    def dial(self, notify: Notify) -> Call:
        request = notify.request
        attempt = len(notify.attempts) + 1
        call_ref = str(notify.queue_id) if attempt == 1 else f"{notify.queue_id}-{attempt}"
        notify.pending = False
        call = self.api.ctx.backend.place(
            PlaceCall(
                provider=self.api.name,
                account=request.license_key,
                from_=request.caller_id,
                to=request.phone,
                provider_call_id=call_ref,
                ring_timeout=ring_timeout(notify.script),
                labels=(("queue_id", str(notify.queue_id)), ("try", str(attempt))),
            )
        )
        notify.attempts.append(call.id)
        self.api.state.by_call[call.id] = notify.queue_id
        return call

    def attempt_ended(self, notify: Notify, call: Call) -> None:
        """Try again after ``NextTryInSeconds`` if the attempt was unanswered or busy and tries are left."""
        if notify.cancelled or call.state not in RETRIED_STATES:
            return
        if len(notify.attempts) >= notify.request.tries:
            return
        notify.pending = True
        backend = self.api.ctx.backend
        backend.timer(notify.request.next_try_seconds, self._dial_action(notify), notify.timer_key)

    def cancel(self, notify: Notify) -> bool:
        """Only a notify waiting to dial (scheduled, queued, or between tries) can be cancelled."""
        if notify.cancelled or not notify.pending:
            return False
        self.api.ctx.backend.cancel_timers(notify.timer_key)
        notify.pending = False
        notify.cancelled = True
        return True
