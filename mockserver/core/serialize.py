"""Core values to and from JSON-ready data, for snapshots. Reading checks every field and raises
:class:`SnapshotError` naming where the data is wrong (``calls[3].history[0].at: expected a time``).

Times are ISO 8601 with their full precision, prices are decimal strings, bytes are text when
they are UTF-8 and ``{"base64": ...}`` otherwise, and a ``random.Random`` state is a JSON list.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from mockserver.core.calls import AnsweredBy, Call, CallState, Direction, Party, Recording, Transition
from mockserver.core.journal import JournalEntry
from mockserver.core.plan import Press

E = TypeVar("E", bound=StrEnum)
#: Bounds that keep every restored value renderable: times stay far from datetime's limits when
#: seconds are added to them, prices fit the 28 digits of decimal arithmetic.
MAX_INTEGER = 2**53
MAX_SECONDS = 1e9
YEARS = range(1900, 9001)
MAX_PRICE = Decimal(10**9)
MAX_RECORDING = 86_400
_MISSING: Any = object()
RandomState = tuple[Any, ...]


class SnapshotError(ValueError):
    """A snapshot cannot be loaded; the message says where and why."""


class Fields:
    """Typed reads of one JSON object; a missing or mistyped field is a :class:`SnapshotError`."""

    def __init__(self, data: Any, where: str = "") -> None:
        if not isinstance(data, dict):
            raise SnapshotError(f"{where or 'the snapshot'}: expected an object")
        self.data: dict[str, Any] = data
        self.where = where

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def raw(self, key: str, default: Any = _MISSING) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            raise SnapshotError(f"{self.path(key)}: missing")
        return default

    def _typed(self, key: str, kinds: tuple[type, ...], what: str, default: Any) -> Any:
        value = self.raw(key, default)
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise SnapshotError(f"{self.path(key)}: expected {what}")
        return value

    def text(self, key: str, default: Any = _MISSING) -> str:
        value: str = self._typed(key, (str,), "a string", default)
        return value

    def optional_text(self, key: str) -> str | None:
        return None if self.raw(key, None) is None else self.text(key)

    def integer(self, key: str, default: Any = _MISSING, high: int = MAX_INTEGER) -> int:
        value: int = self._typed(key, (int,), "an integer", default)
        if not 0 <= value <= high:
            raise SnapshotError(f"{self.path(key)}: expected an integer from 0 to {high}")
        return value

    def number(self, key: str, default: Any = _MISSING) -> float:
        value = float(self._typed(key, (int, float), "a number", default))
        if not 0 <= value <= MAX_SECONDS:  # also false for NaN
            raise SnapshotError(f"{self.path(key)}: expected a number from 0 to {MAX_SECONDS:g}")
        return value

    def optional_number(self, key: str) -> float | None:
        return None if self.raw(key, None) is None else self.number(key)

    def flag(self, key: str, default: Any = _MISSING) -> bool:
        value: bool = self._typed(key, (bool,), "true or false", default)
        return value

    def time(self, key: str) -> datetime:
        return parse_time(self.text(key), self.path(key))

    def optional_time(self, key: str) -> datetime | None:
        return None if self.raw(key, None) is None else self.time(key)

    def choice(self, key: str, kind: type[E]) -> E:
        value = self.text(key)
        try:
            return kind(value)
        except ValueError:
            raise SnapshotError(f"{self.path(key)}: unknown value {value!r}") from None

    def optional_choice(self, key: str, kind: type[E]) -> E | None:
        return None if self.raw(key, None) is None else self.choice(key, kind)

    def child(self, key: str, default: Any = _MISSING) -> Fields:
        return Fields(self.raw(key, default), self.path(key))

    def items(self, key: str, default: Any = _MISSING) -> Iterator[tuple[str, Any]]:
        """Each element of a list, with its path (``calls[3]``)."""
        value = self.raw(key, default)
        if not isinstance(value, list):
            raise SnapshotError(f"{self.path(key)}: expected a list")
        return ((f"{self.path(key)}[{n}]", item) for n, item in enumerate(value))

    def objects(self, key: str, default: Any = _MISSING) -> Iterator[Fields]:
        return (Fields(item, where) for where, item in self.items(key, default))

    def binary(self, key: str, default: Any = _MISSING) -> bytes:
        return bytes_from_data(self.raw(key, default), self.path(key))

    def pairs(self, key: str, default: Any = _MISSING) -> tuple[tuple[str, str], ...]:
        """A list of ``[name, value]`` string pairs (labels, headers, query parameters)."""
        pairs = []
        for where, pair in self.items(key, default):
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                raise SnapshotError(f"{where}: expected [name, value]")
            pairs.append((pair[0], pair[1]))
        return tuple(pairs)


# -- plain values ----------------------------------------------------------------------------------
def time_to_data(at: datetime) -> str:
    """ISO 8601 with a ``Z`` for UTC, as the control API writes it, keeping microseconds."""
    return at.isoformat().replace("+00:00", "Z")


def parse_time(value: str, where: str) -> datetime:
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SnapshotError(f"{where}: not an ISO 8601 time: {value!r}") from None
    if at.tzinfo is None:
        raise SnapshotError(f"{where}: the time {value!r} has no time zone")
    if at.year not in YEARS:
        raise SnapshotError(f"{where}: the time {value!r} is not between the years 1900 and 9000")
    return at.astimezone(UTC)


def decimal_from_data(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or not 0 <= number < MAX_PRICE:
        raise SnapshotError(f"{where}: expected a decimal number from 0 to {MAX_PRICE} as a string")
    return number


def bytes_to_data(raw: bytes) -> str | dict[str, str]:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(raw).decode("ascii")}


def bytes_from_data(value: Any, where: str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8", errors="surrogatepass")
    if isinstance(value, dict) and isinstance(value.get("base64"), str):
        try:
            return base64.b64decode(value["base64"], validate=True)
        except (binascii.Error, ValueError):
            pass
    raise SnapshotError(f"{where}: expected a string or {{'base64': ...}}")


def random_to_data(state: RandomState) -> list[Any]:
    """``random.Random.getstate()`` as JSON: ``[version, [625 integers], gauss_next]``."""
    version, internal, gauss = state
    return [version, list(internal), gauss]


def random_from_data(value: Any, where: str) -> RandomState:
    if isinstance(value, list) and len(value) == 3 and isinstance(value[1], list):
        state = (value[0], tuple(value[1]), value[2])
        try:
            random.Random().setstate(state)  # the generator's own check of the state
            return state
        except (TypeError, ValueError, OverflowError):
            pass
    raise SnapshotError(f"{where}: not the state of a random generator")


# -- calls -----------------------------------------------------------------------------------------
def call_to_data(call: Call) -> dict[str, Any]:
    recording = call.recording
    return {
        "id": call.id,
        "provider": call.provider,
        "provider_call_id": call.provider_call_id,
        "account": call.account,
        "from": call.from_,
        "to": call.to,
        "direction": call.direction.value,
        "scenario": call.scenario,
        "created_at": time_to_data(call.created_at),
        "history": [
            {"state": t.state.value, "at": time_to_data(t.at), "cause": t.cause} for t in call.history
        ],
        "parent_id": call.parent_id,
        "digits": call.digits,
        "answered_by": None if call.answered_by is None else call.answered_by.value,
        "ended_by": None if call.ended_by is None else call.ended_by.value,
        "price_per_minute": str(call.price_per_minute),
        "recording": None
        if recording is None
        else {
            "id": recording.id,
            "seconds": recording.seconds,
            "created_at": time_to_data(recording.created_at),
        },
        "ring_timeout": call.ring_timeout,
        "labels": [list(pair) for pair in call.labels],
    }


def call_from_data(data: Any, where: str) -> Call:
    f = Fields(data, where)
    history = tuple(
        Transition(t.choice("state", CallState), t.time("at"), t.text("cause")) for t in f.objects("history")
    )
    if not history:
        raise SnapshotError(f"{f.path('history')}: a call has at least one transition")
    recording = None
    if f.raw("recording", None) is not None:
        r = f.child("recording")
        recording = Recording(r.text("id"), r.integer("seconds", high=MAX_RECORDING), r.time("created_at"))
    return Call(
        id=f.text("id"),
        provider=f.text("provider"),
        provider_call_id=f.text("provider_call_id"),
        account=f.text("account"),
        from_=f.text("from"),
        to=f.text("to"),
        direction=f.choice("direction", Direction),
        scenario=f.text("scenario"),
        created_at=f.time("created_at"),
        history=history,
        parent_id=f.optional_text("parent_id"),
        digits=f.text("digits", ""),
        answered_by=f.optional_choice("answered_by", AnsweredBy),
        ended_by=f.optional_choice("ended_by", Party),
        price_per_minute=decimal_from_data(f.raw("price_per_minute", "0"), f.path("price_per_minute")),
        recording=recording,
        ring_timeout=f.optional_number("ring_timeout"),
        labels=f.pairs("labels", []),
    )


def press_to_data(press: Press) -> dict[str, Any]:
    data: dict[str, Any] = {"after": press.after, "digits": press.digits}
    if press.words:
        data["words"] = press.words
    return data


def press_from_data(data: Any, where: str) -> Press:
    f = Fields(data, where)
    return Press(f.number("after"), f.text("digits"), f.text("words", ""))


# -- the journal -----------------------------------------------------------------------------------
def journal_entry_to_data(entry: JournalEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "kind": entry.kind,
        "at": time_to_data(entry.at),
        "provider": entry.provider,
        "method": entry.method,
        "path": entry.path,
        "query": bytes_to_data(entry.raw_query),
        "status": entry.status,
        "call_id": entry.call_id,
        "detail": entry.detail,
        "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in entry.raw_headers],
        "body": bytes_to_data(entry.raw_body),
    }


def journal_entry_from_data(data: Any, where: str) -> JournalEntry:
    f = Fields(data, where)
    try:
        headers = tuple((k.encode("latin-1"), v.encode("latin-1")) for k, v in f.pairs("headers", []))
    except UnicodeEncodeError:
        raise SnapshotError(f"{f.path('headers')}: headers are Latin-1 text") from None
    status = None if f.raw("status", None) is None else f.integer("status")
    return JournalEntry(
        seq=f.integer("seq"),
        kind=f.text("kind"),
        at=f.time("at"),
        provider=f.optional_text("provider"),
        method=f.optional_text("method"),
        path=f.optional_text("path"),
        raw_query=f.binary("query", ""),
        status=status,
        call_id=f.optional_text("call_id"),
        detail=f.optional_text("detail"),
        raw_headers=headers,
        raw_body=f.binary("body", ""),
    )


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_strict(text: str | bytes) -> Any:
    """``json.loads`` without Python's extensions: ``NaN`` and ``Infinity`` are errors (ValueError), so
    nothing loaded can later fail to render as JSON."""
    return json.loads(text, parse_constant=_no_constant)


# Strict reads of single JSON values, for providers' restore(): a damaged snapshot fails the restore
# (the control API answers 400 and nothing changes) rather than loading values that break rendering later.
def strict_text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def strict_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {value!r}")
    return value


def strict_array(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected an array, got {value!r}")
    return value


def strict_time(value: Any) -> datetime:
    """An ISO 8601 time with a time zone."""
    at = datetime.fromisoformat(strict_text(value))
    if at.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return at
