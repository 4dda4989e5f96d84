"""SMS: GSM-7 / UCS-2 part counting, sender rules, and the delivery lifecycle on the mock's clock.

callr.md §4.3 and seed "SMS": GSM-7 up to 160 characters is one part, longer texts are split every 153;
UCS-2 ("UNICODE") up to 70 is one part, then every 67. Statuses ``CREATED → PENDING → SENT →
REMOTE_QUEUED → RECEIVED``, or ``ERROR``/``FAILED``/``EXPIRED``; every change is pushed as
``sms.mt.status_update`` to the account's subscriptions and to the SMS's own ``options.webhook``.

Which path a message takes is the destination's scenario (the X-Mock-Scenario header, then the
number's suffix, as for calls — mock's choice): ``rejected`` → ERROR, ``failed`` → FAILED after SENT,
``busy``/``no-answer`` → EXPIRED after REMOTE_QUEUED, anything else → RECEIVED.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mockserver.core.errors import InvalidParameter, NotFound
from mockserver.providers.callr.models import Sms, Webhook
from mockserver.providers.callr.params import E164
from mockserver.providers.callr.render import datetime_text

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")  # two septets each (escape + character)
#: Price of one part, in cents (mock's choice: 0.065 EUR).
PART_PRICE = Decimal("6.50")
#: The sender used when ``from`` is "" (a shared short code, so replies can come back; mock's choice).
SHARED_SHORT_CODE = "38100"
#: Seconds after sending at which each status is reached (mock's choice).
TIMELINE: dict[str, tuple[tuple[float, str], ...]] = {
    "delivered": ((1, "PENDING"), (2, "SENT"), (3, "REMOTE_QUEUED"), (5, "RECEIVED")),
    "rejected": ((1, "ERROR"),),
    "failed": ((1, "PENDING"), (2, "SENT"), (5, "FAILED")),
    "expired": ((1, "PENDING"), (2, "SENT"), (3, "REMOTE_QUEUED"), (60, "EXPIRED")),
}
PATH_OF_SCENARIO = {"rejected": "rejected", "failed": "failed", "busy": "expired", "no-answer": "expired"}
STATUS_ERROR = "REJECTED: the destination network refused the message (scenario rejected)"


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def septets(text: str) -> int:
    return sum(2 if c in GSM_EXTENSION else 1 for c in text)


def ucs2_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def encode(text: str, forced: str | None) -> tuple[str, int, int]:
    """(encoding, length, parts) of ``text``; ``forced`` is ``options.force_encoding``. Forcing GSM on
    a text with other characters sends them as ``?`` (one septet each — mock's choice)."""
    encoding = forced or ("GSM" if is_gsm(text) else "UNICODE")
    if encoding == "GSM":
        length = septets(text)
        single, multi = 160, 153
    else:
        length = ucs2_units(text)
        single, multi = 70, 67
    parts = 1 if length <= single else math.ceil(length / multi)
    return encoding, length, parts


def sms_json(sms: Sms) -> dict[str, Any]:
    return {
        "b_customer_debit": str(sms.debit.quantize(Decimal("0.01"))),
        "b_customer_mode": "PREPAID",
        "date_creation": datetime_text(sms.created),
        "date_received": datetime_text(sms.received),
        "date_sent": datetime_text(sms.sent),
        "date_update": datetime_text(sms.updated),
        "encoding": sms.encoding,
        "from": sms.sender,
        "hash": sms.hash,
        "nature": sms.nature,
        "options": sms.options,
        "parts": sms.parts,
        "status": sms.status,
        "status_error": sms.status_error,
        "text": sms.text,
        "to": sms.to,
        "type": sms.type,
        "user_data": sms.user_data,
    }


class SmsCenter:
    def __init__(self, api: Callr) -> None:
        self.api = api

    def path(self, to: str, scenario: str | None) -> str:
        plan = self.api.ctx.backend.plans.plan_for(to, scenario)
        return PATH_OF_SCENARIO.get(plan.scenario, "delivered")

    def send(self, sms: Sms) -> None:
        """Run the lifecycle of a message from where it is (all of it for a new one, the rest of it
        after a snapshot is restored). An inbound message has none: it arrives RECEIVED."""
        if sms.type != "OUT":
            return
        backend, now = self.api.ctx.backend, self.api.ctx.now()
        for after, status in TIMELINE[sms.path]:
            at = sms.created + timedelta(seconds=after)
            if at <= now:
                continue

            async def reach(status: str = status) -> None:
                self.move(sms.hash, status)

            backend.timer_at(at, reach, key=f"callr:sms:{sms.hash}")

    def move(self, sms_hash: str, status: str) -> None:
        sms = self.api.state.sms.get(sms_hash)
        if sms is None:
            return
        now = self.api.ctx.now()
        sms.status, sms.updated = status, now
        if status == "SENT":
            sms.sent = now
        elif status == "RECEIVED":
            sms.received = now
        elif status == "ERROR":
            with self.api.billing.transaction(sms.login):  # not accepted: not billed
                sms.status_error, sms.debit = STATUS_ERROR, Decimal("0")
        data = sms_json(sms)
        self.api.webhooks.emit(sms.login, "sms.mt.status_update", data)
        self.to_dynamic_hook(sms, "sms.mt.status_update", data)

    def to_dynamic_hook(self, sms: Sms, kind: str, data: dict[str, Any]) -> None:
        """The message's own ``options.webhook`` (seed "SMS.Options.webhook"), ``hook_hash`` null."""
        hook = sms.options.get("webhook")
        if isinstance(hook, dict):
            options = {k: v for k, v in (hook.get("options") or {}).items() if v is not None}
            dynamic = Webhook("", sms.login, kind, hook["endpoint"], options, self.api.ctx.now())
            self.api.webhooks.deliver(dynamic, kind, data, None)

    # -- inbound (sms.mo) ------------------------------------------------------------------------
    def receive(self, sender: str, to: str, text: str) -> Sms:
        """A message from ``sender`` to one of an account's DIDs, or to the shared short code (then
        it is a reply: it goes to the account that last texted ``sender`` from it). It is stored
        ``type: IN``, ``status: RECEIVED``, free of charge (mock's choice), and pushed as ``sms.mo``
        to the account's subscriptions and to the dynamic webhook of the message it replies to (the
        last one the account sent from ``to`` to ``sender``)."""
        if not isinstance(sender, str) or not re.fullmatch(E164, "+" + sender.lstrip("+")):
            raise InvalidParameter("from must be an E.164 number", field="from")
        if not isinstance(text, str) or not text:
            raise InvalidParameter("text must be a non-empty string", field="text")
        if not isinstance(to, str):
            raise InvalidParameter("to must be a string", field="to")
        sender = "+" + sender.lstrip("+")
        state = self.api.state
        did = state.did_by_number(to)
        if did is not None:
            login, number = did.login, did.intl_number
        elif to == SHARED_SHORT_CODE:
            last = self.replied_to(None, SHARED_SHORT_CODE, sender)
            if last is None:
                raise NotFound(f"nobody texted {sender} from the short code {SHARED_SHORT_CODE}")
            login, number = last.login, SHARED_SHORT_CODE
        else:
            raise NotFound(f"no CALLR account owns {to}: buy it with did/store.buy_order")
        encoding, _length, parts = encode(text, None)
        now = self.api.ctx.now()
        sms = Sms(
            hash=self.api.new_hash(),
            login=login,
            type="IN",
            sender=sender,
            to=number,
            text=text,
            encoding=encoding,
            parts=parts,
            nature="ALERTING",
            options={},
            user_data="",
            debit=Decimal("0"),
            created=now,
            updated=now,
            status="RECEIVED",
            sent=now,
            received=now,
        )
        state.sms[sms.hash] = sms
        data = sms_json(sms)
        self.api.webhooks.emit(login, "sms.mo", data)
        replied = self.replied_to(login, number, sender)
        if replied is not None:
            self.to_dynamic_hook(replied, "sms.mo", data)
        return sms

    def replied_to(self, login: str | None, number: str, sender: str) -> Sms | None:
        """The last message sent from ``number`` to ``sender`` (by ``login`` when given)."""
        sent = [
            s
            for s in self.api.state.sms.values()
            if s.type == "OUT" and s.sender == number and s.to == sender and login in (None, s.login)
        ]
        return sent[-1] if sent else None
