"""Calls that send the same ChannelBehavior share one parsed copy of its nodes (nodes.py), and each
still keeps what its own flow did."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.core.errors import InvalidParameter
from mockserver.providers.dillo.payload import parse_voice

LONG_CALL = "+15550000007"  # answered at 6 s, stays up an hour


def payload(to: str, nodes: dict[str, Any]) -> dict[str, Any]:
    return {
        "Sender": "+393391003110",
        "TelephoneNumber": to,
        "ChannelBehavior": {"ChannelBehaviorNodes": nodes},
    }


SILENCE = {"0": {"ActionType": "Silence", "ChannelBehaviorAction": {"Duration": 5}}}


def test_one_flow_sent_twice_is_parsed_once_and_another_flow_is_its_own() -> None:
    first = parse_voice(payload("+15550000001", SILENCE))
    again = parse_voice(payload("+15550000002", {"0": {**SILENCE["0"]}}))
    assert again.nodes is first.nodes
    assert (first.telephone_number, again.telephone_number) == ("+15550000001", "+15550000002")
    as_float = {"0": {"ActionType": "Silence", "ChannelBehaviorAction": {"Duration": 5.0}}}
    assert parse_voice(payload("+15550000001", as_float)).nodes is not first.nodes  # 5.0 is not 5


def test_calls_of_one_flow_share_its_text_and_each_gives_back_its_own_payload_as_sent() -> None:
    sent = [
        {"TelephoneNumber": to, "ChannelBehavior": {"ChannelBehaviorNodes": SILENCE}, "Sender": "+3933910"}
        for to in ("+15550000001", "+15550000002")
    ]
    first, second = (parse_voice(p) for p in sent)
    assert second.behavior_text is first.behavior_text
    for parsed, as_sent in zip((first, second), sent, strict=True):
        assert parsed.raw == as_sent
        assert list(parsed.raw) == ["TelephoneNumber", "ChannelBehavior", "Sender"]  # in the order sent
        assert parsed.behavior_as_sent() == as_sent["ChannelBehavior"]
    first.behavior_as_sent()["Extra"] = 1  # a fresh copy each time
    assert first.raw == sent[0]
    assert second.raw_text is first.raw_text  # they differ by the number called alone


def test_payloads_that_differ_by_more_than_the_number_keep_their_own_text() -> None:
    base = {"Sender": "+3933910", "TelephoneNumber": "+15550000001", "ChannelBehavior": {}}
    sent = [{**base, "ChannelBehavior": {"ChannelBehaviorNodes": SILENCE}, "Data": {"n": n}} for n in (1, 2)]
    first, second = (parse_voice(p) for p in sent)
    assert second.raw_text is not first.raw_text
    assert [first.raw, second.raw] == sent
    assert first.raw_text == (
        '{"Sender":"+3933910","TelephoneNumber":null,"ChannelBehavior":null,"Data":{"n":1}}'
    )


def test_a_flow_that_does_not_parse_is_refused_every_time() -> None:
    wrong = {"0": {"ActionType": "Silence", "NextNode": 7, "ChannelBehaviorAction": {"Duration": 5}}}
    for _ in range(2):
        with pytest.raises(InvalidParameter, match="7"):
            parse_voice(payload("+15550000001", wrong))


def test_two_calls_of_one_flow_keep_their_own_digits_and_routes(dillo: Any, control: Any) -> None:
    flow = (
        dillo.node("Menu", Digits={"1": {"NextNode": 1}, "2": {"NextNode": 1}}, Timeout=30),
        dillo.node("Silence", Duration=600),
    )
    first, second = dillo.call(LONG_CALL, *flow), dillo.call(LONG_CALL, *flow)
    control.advance(7)
    control.http.post(f"/_mock/calls/{first}/events", json={"type": "digits", "digits": "1"})
    control.http.post(f"/_mock/calls/{second}/events", json={"type": "digits", "digits": "2"})
    control.advance(1)

    pressed = {}
    for request_id in (first, second):
        nodes = dillo.nodes(request_id)
        digits = nodes["0"]["ChannelBehaviorAction"]["Digits"]
        pressed[request_id] = sorted(d for d, v in digits.items() if v["IsPressed"])
        assert nodes["1"]["Route"] == "0,1"
        assert nodes["1"]["ExecutionCount"] == 1
    assert pressed == {first: ["1"], second: ["2"]}
