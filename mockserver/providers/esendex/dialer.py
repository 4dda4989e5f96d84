"""When each notify dials: its schedule, the broadcast's CallsPerMinute pacing, and retries.

A notify is a QueueID; each attempt at it is one neutral call placed on the backend (so each attempt
follows its own scenario). Dials due at the same instant share one timer on the mock clock (a
broadcast of 5,000 numbers at 3,000 a minute is 100 timers, not 5,000); ``CancelNotify`` drops a
dial that has not happened yet by marking its notify, which the batch then skips [esendex.md §3.1, §9].
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from mockserver.core.backend import PlaceCall
from mockserver.core.calls import Call
from mockserver.core.errors import MockError
from mockserver.core.plan import UnknownScenario
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
        self.batches: dict[datetime, list[Notify]] = {}  # due instant → notifies to dial then

    def queue(self, notify: Notify, delay: float) -> None:
        """Dial ``delay`` seconds after the request's schedule (or now)."""
        now = self.api.ctx.backend.now()
        start = max(notify.request.scheduled or now, now)
        self.dial_at(notify, start + timedelta(seconds=delay))

    def dial_at(self, notify: Notify, at: datetime) -> None:
        """Dial ``notify`` at ``at`` (at once if that has passed), in one batch with the others due then."""
        notify.pending, notify.dial_at = True, at
        batch = self.batches.get(at)
        if batch is None:
            batch = self.batches[at] = []
            self.api.ctx.backend.timer_at(at, self._dial_batch(at))
        batch.append(notify)

    def _dial_batch(self, at: datetime) -> Callable[[], Awaitable[None]]:
        async def dial() -> None:
            for notify in self.batches.pop(at, ()):
                if notify.pending and not notify.cancelled and notify.dial_at == at:
                    try:
                        self.dial(notify)
                    except (MockError, UnknownScenario) as error:  # e.g. a scenario gone since
                        notify.pending, notify.dial_at, notify.cancelled = False, None, True
                        self.api.flow_error(str(notify.queue_id), f"cannot dial: {error}")

        return dial

    def dial(self, notify: Notify) -> Call:
        request = notify.request
        attempt = len(notify.attempts) + 1
        call_ref = str(notify.queue_id) if attempt == 1 else f"{notify.queue_id}-{attempt}"
        notify.pending, notify.dial_at = False, None
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
        self.dial_at(notify, self.api.ctx.backend.now() + timedelta(seconds=notify.request.next_try_seconds))

    def cancel(self, notify: Notify) -> bool:
        """Only a notify waiting to dial (scheduled, queued, or between tries) can be cancelled."""
        if notify.cancelled or not notify.pending:
            return False
        notify.pending, notify.dial_at, notify.cancelled = False, None, True
        return True

    def reset(self) -> None:
        self.batches.clear()  # their timers went with the scheduler's
