"""core/serialize.py: neutral values to JSON-ready data and back, exactly."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from mockserver.core.calls import AnsweredBy, Call, CallState, Direction, Party, Recording, Transition
from mockserver.core.journal import JournalEntry
from mockserver.core.serialize import (
    SnapshotError,
    bytes_from_data,
    bytes_to_data,
    call_from_data,
    call_to_data,
    journal_entry_from_data,
    journal_entry_to_data,
    random_from_data,
    random_to_data,
)

T0 = datetime(2026, 1, 1, 9, 0, 0, 250_000, tzinfo=UTC)


def through_json(data: object) -> object:
    return json.loads(json.dumps(data))


def test_a_call_with_every_field_set_comes_back_equal() -> None:
    call = Call(
        id="c1",
        provider="apifonica",
        provider_call_id="cal1",
        account="acc1",
        from_="442071234567",
        to="15550000006",
        direction=Direction.INBOUND,
        scenario="ivr",
        created_at=T0,
        history=(Transition(CallState.QUEUED, T0, "placed"), Transition(CallState.COMPLETED, T0, "x")),
        parent_id="c0",
        digits="12#",
        answered_by=AnsweredBy.MACHINE,
        ended_by=Party.API,
        price_per_minute=Decimal("0.0098"),
        recording=Recording("r1", 14, T0),
        ring_timeout=30.5,
        labels=(("k", "v"),),
    )
    data = through_json(call_to_data(call))
    assert call_from_data(data, "call") == call
    assert data["created_at"] == "2026-01-01T09:00:00.250000Z"  # type: ignore[index]


def test_a_journal_entry_keeps_its_raw_bytes() -> None:
    entry = JournalEntry(
        seq=3,
        kind="request",
        at=T0,
        provider="apifonica",
        method="POST",
        path="/v2/x",
        raw_query=b"a=1",
        status=201,
        raw_headers=((b"x-name", b"caf\xe9"),),
        raw_body=b"\xff\xfe not utf-8",
    )
    assert journal_entry_from_data(through_json(journal_entry_to_data(entry)), "e") == entry


def test_bytes_are_text_when_they_can_be() -> None:
    assert bytes_to_data(b"hello") == "hello"
    assert bytes_from_data(bytes_to_data(b"\x00\xff"), "b") == b"\x00\xff"


def test_a_random_generator_goes_on_where_it_was() -> None:
    generator = random.Random(7)
    generator.random()
    state = random_from_data(through_json(random_to_data(generator.getstate())), "r")
    copy = random.Random()
    copy.setstate(state)
    assert copy.random() == generator.random()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"history": []}, "call.history: a call has at least one transition"),
        ({"history": [{"state": "gone", "at": "2026-01-01T09:00:00Z", "cause": ""}]}, "unknown value 'gone'"),
        (
            {"created_at": "2026-01-01T09:00:00"},
            "call.created_at: the time '2026-01-01T09:00:00' has no time zone",
        ),
        ({"price_per_minute": "NaN"}, "call.price_per_minute: expected a decimal number"),
        ({"ring_timeout": 1e300}, "call.ring_timeout: expected a number from 0 to 1e+09"),
        ({"digits": 5}, "call.digits: expected a string"),
    ],
)
def test_a_bad_call_is_named_by_its_path(data: dict[str, object], message: str) -> None:
    good = call_to_data(
        Call(
            "c",
            "p",
            "pc",
            "a",
            "1",
            "2",
            Direction.OUTBOUND,
            "s",
            T0,
            (Transition(CallState.QUEUED, T0, ""),),
        )
    )
    with pytest.raises(SnapshotError, match=message.replace("(", r"\(").replace("+", r"\+")):
        call_from_data({**good, **data}, "call")


def test_json_extensions_are_refused() -> None:
    import pytest

    from mockserver.core.serialize import loads_strict

    assert loads_strict('{"a": 1.5}') == {"a": 1.5}
    for text in ('{"a": NaN}', '{"a": Infinity}', "[-Infinity]"):
        with pytest.raises(ValueError, match="is not valid JSON"):
            loads_strict(text)
