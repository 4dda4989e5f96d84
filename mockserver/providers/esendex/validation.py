"""Method arguments → a :class:`NotifyRequest`, or the ``ResponseCode`` that refuses it.

Checks in this order (mock's choice, esendex.md §10.4): LicenseKey (14), phone number (3), CallerID
(4; also when empty for the methods that take a CallerID parameter [ASMX]), VoiceID (5), CallerID =
destination (13), schedule not UTC (16), TransferNumber (6), sound files the script plays (23).
``TryCount`` is clamped to 1..3 [ASMX].
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.esendex.models import NotifyRequest
from mockserver.providers.esendex.params import Stamp
from mockserver.providers.esendex.script import Script
from mockserver.providers.esendex.vocabulary import Code
from mockserver.providers.esendex.voices import VOICE_IDS

MAX_TRIES = 3
DEFAULT_NEXT_TRY = 60  # seconds between tries when the request does not say (mock's choice)
DEMO_KEY = "0"


class Refused(Exception):
    def __init__(self, code: Code) -> None:
        super().__init__(code.text)
        self.code = code


@frozen
class Destination:
    phone: str
    extension: str


def destination(raw: str) -> Destination:
    """Any formatting with 10 digits, an optional leading 1, and ``x`` + digits for an extension."""
    number, _, extension = raw.lower().partition("x")
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if (
        len(digits) != 10
        or any(ch.isalpha() for ch in number)
        or not all(ch.isdigit() for ch in extension.strip())
    ):
        raise Refused(Code.INVALID_PHONE)
    return Destination(digits, extension.strip())


def _north_american(raw: str, code: Code) -> str:
    """A CallerID or TransferNumber: empty, or 10 digits (11 with a leading 1)."""
    if not raw.strip():
        return ""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or any(ch.isalpha() for ch in raw):
        raise Refused(code)
    return digits


def notify_request(
    fields: Mapping[str, Any],
    known_key: Callable[[str], bool],
    script: Script,
    sound_ids: Callable[[str], set[str]],
    *,
    demo_allowed: bool = False,
    caller_id_required: bool = False,
) -> NotifyRequest:
    """``fields`` uses the AdvancedNotifyRequest names; raises :class:`Refused`. With
    ``caller_id_required`` (the methods that have a CallerID parameter), an empty CallerID is 4."""
    key = _str(fields, "LicenseKey").strip()
    demo = key == DEMO_KEY
    if demo and not demo_allowed:
        raise Refused(Code.DEMO_NOT_ALLOWED)
    if not demo and not known_key(key):
        raise Refused(Code.KEY_INVALID)
    to = destination(_str(fields, "PhoneNumberToDial"))
    caller_id = _north_american(_str(fields, "CallerIDNumber"), Code.INVALID_CALLER_ID)
    if caller_id_required and not caller_id:
        raise Refused(Code.INVALID_CALLER_ID)  # "PhoneNumberToDial and CallerID must be filled in" [ASMX]
    voice = fields.get("VoiceID") or 0
    if voice not in VOICE_IDS:
        raise Refused(Code.INVALID_VOICE_ID)
    if caller_id and caller_id == to.phone:
        raise Refused(Code.CALLER_ID_IS_DESTINATION)
    stamp = fields.get("UTCScheduledDateTime")
    scheduled = None
    if isinstance(stamp, Stamp) and not stamp.unset:
        if stamp.zone != "utc":
            raise Refused(Code.NOT_UTC)
        scheduled = stamp.utc
    transfer = _north_american(_str(fields, "TransferNumber"), Code.INVALID_TRANSFER_NUMBER)
    if not demo and any(s not in sound_ids(key) for s in script.sound_ids):
        raise Refused(Code.SOUND_NOT_FOUND)
    next_try = fields.get("NextTryInSeconds")
    return NotifyRequest(
        phone=to.phone,
        extension=to.extension,
        text=_str(fields, "TextToSay"),
        caller_id=caller_id,
        caller_id_name=_str(fields, "CallerIDName"),
        voice_id=voice,
        license_key=key,
        transfer_number=transfer,
        tries=min(max(fields.get("TryCount") or 1, 1), MAX_TRIES),
        next_try_seconds=DEFAULT_NEXT_TRY if not next_try or next_try < 0 else next_try,
        scheduled=scheduled,
        tts_rate=fields.get("TTSrate") or 10,
        tts_volume=fields.get("TTSvolume") or 100,
        max_call_length=max(fields.get("MaxCallLength") or 0, 0),
        status_url=_str(fields, "StatusChangePostUrl").strip(),
        reference_id=_str(fields, "ReferenceID"),
        demo=demo,
    )


def _str(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    return value if isinstance(value, str) else ""
