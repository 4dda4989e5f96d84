"""Incoming numbers: calls to a LicenseKey's number play its TextToSay and post IncomingPostbacks.

Esendex assigns incoming numbers (``AssignIncomingNumber``) and sets their script and postback URL for
you [B-pb][esendex.md §3.1]; the mock takes them from the credentials instead (mock's choice):
``incoming_numbers: [{number, text_to_say, status_change_post_url}]`` on a LicenseKey. A call comes in
through ``POST /_mock/inbound``; it is a notify of its own (a QueueID, mock's choice), runs the script
when answered, and posts on arrival (29 ``Incoming Call``) and when it ends (30 ``Incoming Call
Complete``, 31 if transferred), with ``incoming=True`` [E-in].
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.core.backend import PlaceCall
from mockserver.core.calls import Call, Direction
from mockserver.core.errors import InvalidParameter, NotFound
from mockserver.providers.esendex.models import IncomingNumber, Notify, NotifyRequest
from mockserver.providers.esendex.script import parse
from mockserver.providers.esendex.validation import Refused, destination

if TYPE_CHECKING:
    from mockserver.providers.esendex.provider import Esendex

FIELD = "incoming_numbers"


def incoming_numbers(raw: Any) -> tuple[IncomingNumber, ...]:
    """The ``incoming_numbers`` of a credentials entry: a list of numbers, or of objects with
    ``number``, ``text_to_say`` and ``status_change_post_url``."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise InvalidParameter(f"{FIELD} must be a list", field=FIELD)
    numbers = []
    for item in raw:
        entry: dict[str, Any] = {"number": item} if isinstance(item, str) else item
        if not isinstance(entry, dict):
            raise InvalidParameter(f"each of {FIELD} is a number or an object", field=FIELD)
        unknown = set(entry) - {"number", "text_to_say", "status_change_post_url"}
        if unknown:
            raise InvalidParameter(f"{FIELD}: unknown field {sorted(unknown)[0]}", field=FIELD)
        number, text, url = (entry.get(k, "") for k in ("number", "text_to_say", "status_change_post_url"))
        if not all(isinstance(v, str) for v in (number, text, url)):
            raise InvalidParameter(f"{FIELD}: number, text_to_say and the URL are strings", field=FIELD)
        try:
            phone = destination(number)
        except Refused:
            raise InvalidParameter(f"{FIELD}: {number!r} is not a 10-digit number", field=FIELD) from None
        url = url.strip()
        if url and not url.lower().startswith(("http://", "https://")):
            raise InvalidParameter(f"{FIELD}: {url!r} is not an http(s) URL", field=FIELD)
        if phone.extension:
            raise InvalidParameter(f"{FIELD}: {number!r} has an extension", field=FIELD)
        numbers.append(IncomingNumber(phone.phone, text, url))
    return tuple(numbers)


def caller_number(raw: str) -> str:
    """The caller's number as ``callerid`` shows it: its digits, a North-American one as 10."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


def owner(api: Esendex, to: str) -> tuple[str, IncomingNumber]:
    """The LicenseKey and configuration of the incoming number ``to`` (NotFound if none has it)."""
    try:
        phone = destination(to).phone
    except Refused:
        phone = None
    for account in api.state.accounts.values():
        for number in account.incoming:
            if number.number == phone:
                return account.license_key, number
    raise NotFound(f"{to} is not an incoming number of any LicenseKey (see incoming_numbers)")


def take_call(api: Esendex, from_: str, to: str, scenario: str | None) -> Call:
    key, number = owner(api, to)
    script, errors = parse(number.text_to_say)
    from_script = next((c.args[0].strip() for c in script.commands("StatusChangePostURL")), "")
    caller = caller_number(from_)
    notify = Notify(
        queue_id=api.state.new_queue_id(),
        request=NotifyRequest(
            phone=number.number,
            extension="",
            text=number.text_to_say,
            caller_id=caller,
            caller_id_name="",
            voice_id=0,
            license_key=key,
            status_url=number.post_url,
        ),
        script=script,
        created_at=api.ctx.now(),
        telco=None,
        status_url=number.post_url or from_script,
        incoming=True,
        pending=False,
    )
    call = api.ctx.backend.place(
        PlaceCall(
            provider=api.name,
            account=key,
            from_=from_,
            to=number.number,
            provider_call_id=str(notify.queue_id),
            direction=Direction.INBOUND,
            scenario=scenario,
            labels=(("queue_id", str(notify.queue_id)), ("incoming", "true")),
        )
    )
    api.state.notifies[notify.queue_id] = notify
    notify.attempts.append(call.id)
    api.state.by_call[call.id] = notify.queue_id
    for error in errors:
        api.flow_error(str(notify.queue_id), str(error))
    api.post(notify)  # the call has arrived: 29 Incoming Call [B-pb]
    return call
