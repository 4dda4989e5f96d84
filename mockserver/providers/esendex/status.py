"""What a notify looks like now: the ``NotifyReturn`` fields, from its attempts (neutral calls).

``DigitsPressed`` and ``MachineDetection`` are strings that ASP.NET leaves out while they are null: the
reply to a call just queued has neither element [G-c4j ``NotifyPhoneBasicRs.xml``]. The mock fills them
once a try has dialled (``""`` and ``UNKNOWN`` until there is something to say).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from mockserver.core.calls import Call, CallState
from mockserver.core.values import frozen
from mockserver.providers.esendex.models import Notify
from mockserver.providers.esendex.vocabulary import Code, call_code, machine_detection


@frozen
class NotifyStatus:
    code: int
    text: str
    queue_id: int
    call_answered: bool = False
    try_count: int = 0
    demo: bool = False
    digits: str | None = None  # null (element left out) until a try has dialled [G-c4j]
    machine: str | None = None
    duration: int = 0
    start: datetime | None = None
    end: datetime | None = None
    minute_rate: Decimal = Decimal("0")
    complete: bool = False


def refused(code: Code) -> NotifyStatus:
    """A request the service did not queue: QueueID 0 (mock's choice)."""
    return NotifyStatus(code.value, code.text, 0, complete=True)


def notify_status(notify: Notify, last: Call | None, now: datetime) -> NotifyStatus:
    demo = notify.request.demo
    if notify.cancelled:
        return NotifyStatus(Code.CANCELLED, Code.CANCELLED.text, notify.queue_id, demo=demo, complete=True)
    if last is None:
        return NotifyStatus(Code.QUEUED, Code.QUEUED.text, notify.queue_id, demo=demo)
    code = call_code(last, notify.transferred, notify.incoming)
    answered = last.answered_at
    started = answered or last.entered(CallState.INITIATED)
    duration = (
        last.talk_seconds if not last.live else (int((now - answered).total_seconds()) if answered else 0)
    )
    return NotifyStatus(
        code=code.value,
        text=code.text,
        queue_id=notify.queue_id,
        call_answered=answered is not None,
        try_count=len(notify.attempts),
        demo=demo,
        digits=last.digits,
        machine=machine_detection(last.answered_by).value,
        duration=duration,
        start=started,
        end=last.ended_at,
        minute_rate=last.price_per_minute,
        complete=not last.live and not notify.pending,
    )
