"""Reading one JSON value of a Routee request: booleans (also as strings), bounded integers, URLs,
destinations, callbacks and machine detection. Each reader raises the voice-module 400 for its field."""

from __future__ import annotations

import re
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.routee.errors import Codes, invalid
from mockserver.providers.routee.vocabulary import MachineStrategy, Strategy

# fullmatch everywhere: `$` would accept a trailing newline.
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
VIBER = re.compile(r"\+?[1-9][0-9]{6,14}")
SIP = re.compile(r"(sips?:)?[A-Za-z0-9_.!~*'()&=+$,;?/%-]+@[A-Za-z0-9.-]+(:[0-9]{1,5})?")
URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
WHOLE = re.compile(r"-?[0-9]{1,12}")
MAX_URL = 2048
DESTINATIONS = ("phone", "sip", "viber")


@frozen
class Destination:
    kind: str  # phone | sip | viber
    value: str

    def json(self) -> dict[str, str]:
        return {self.kind: self.value}

    @property
    def dialled(self) -> str:
        """What the scenario matching sees: the number, or a SIP URI's user part."""
        if self.kind == "sip":
            return self.value.split("@", 1)[0].removeprefix("sips:").removeprefix("sip:")
        return self.value


@frozen
class Callback:
    url: str
    strategy: Strategy


@frozen
class MachineDetection:
    strategy: MachineStrategy
    event_url: str | None


def boolean(value: Any, field: str, number: int) -> bool:
    """``true``/``false``, or the same as a string (Routee's own examples write ``"true"``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise invalid(number, field, f"{field} must be true or false")


def integer(value: Any, field: str, number: int, low: int, high: int) -> int:
    """A whole number (also as a string of digits) from ``low`` to ``high``."""
    if isinstance(value, str) and WHOLE.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(number, field, f"{field} must be a whole number from {low} to {high}")
    return value


def text(value: Any, field: str, number: int, max_length: int = 255) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid(number, field, f"{field} must be a non-empty string")
    if len(value) > max_length or any(ord(ch) < 32 for ch in value):
        raise invalid(number, field, f"{field} must be at most {max_length} printable characters")
    return value


def url(value: Any, field: str, number: int) -> str:
    if not isinstance(value, str) or len(value) > MAX_URL or not URL.fullmatch(value):
        raise invalid(number, field, f"{field} must be an http(s) URL")
    return value


def obj(value: Any, field: str, number: int) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(number, field, f"{field} must be an object")
    return value


def destination(value: Any, field: str, number: int) -> Destination:
    """``{"phone": "+30..."}``, ``{"sip": "user@host:port"}`` or ``{"viber": "30..."}``: exactly one."""
    given = {k: v for k, v in obj(value, field, number).items() if k in DESTINATIONS and v is not None}
    if len(given) != 1:
        raise invalid(number, field, f"{field} must have exactly one of phone, sip, viber")
    kind, raw = next(iter(given.items()))
    pattern = {"phone": E164, "sip": SIP, "viber": VIBER}[kind]
    if not isinstance(raw, str) or len(raw) > 255 or not pattern.fullmatch(raw):
        what = {
            "phone": "a phone number in E.164 format with a leading + (e.g. +306948530000)",
            "sip": "a SIP URI (e.g. user@sip.example.com:5060)",
            "viber": "a phone number with the country code (e.g. 306971234567)",
        }[kind]
        raise invalid(number, f"{field}.{kind}", f"{field}.{kind} must be {what}")
    return Destination(kind, raw)


def callback(value: Any, field: str) -> Callback:
    """``{"url", "strategy"}``; a bare URL string is accepted too (Routee's DIAL example writes one).
    ``strategy`` defaults to OnChange (mock's choice)."""
    if isinstance(value, str):
        return Callback(url(value, field, Codes.CALLBACK), Strategy.ON_CHANGE)
    body = obj(value, field, Codes.CALLBACK)
    strategy = body.get("strategy", Strategy.ON_CHANGE.value)
    if strategy not in {s.value for s in Strategy}:
        raise invalid(
            Codes.CALLBACK, f"{field}.strategy", f"{field}.strategy must be OnChange or OnCompletion"
        )
    return Callback(url(body.get("url"), f"{field}.url", Codes.CALLBACK), Strategy(strategy))


def machine_detection(value: Any, field: str) -> MachineDetection:
    body = obj(value, field, Codes.MACHINE_DETECTION)
    strategy = body.get("strategy")
    if strategy not in {s.value for s in MachineStrategy}:
        raise invalid(
            Codes.MACHINE_DETECTION, f"{field}.strategy", f"{field}.strategy must be Hangup or Continue"
        )
    event_url = body.get("eventUrl")
    if event_url is not None:
        event_url = url(event_url, f"{field}.eventUrl", Codes.MACHINE_DETECTION)
    elif strategy == MachineStrategy.CONTINUE:
        raise invalid(
            Codes.MACHINE_DETECTION,
            f"{field}.eventUrl",
            f"{field}.eventUrl is required with strategy Continue",
        )
    return MachineDetection(MachineStrategy(strategy), event_url)
