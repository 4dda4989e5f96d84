"""Every ActionType and Menu key of Dillo's own SDK (Dillo.Voice 1.9.0) is accepted and run, and the
SDK's field names are the ones read [dillo.md "Running the ChannelBehavior"]: voice menus (``Voices``
with ``NoWord`` / ``WrongWord``) answered by a scenario's ``words``, ``Conference``,
``AgentConference``, ``AgentPhone``, ``Storage``, ``Dial.TelephoneNumber`` and the action's own
``OnFailureNextNode``.

The "talker" scenario answers at 6 s like long-call and says a word at each prompt; every test puts it
with ``PUT /_mock/scenarios`` as real YAML.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

LONG_CALL, ANSWERED, BUSY = "+15550000007", "+442079460123", "+15550000001"
STEPS = """steps:
  - {after: 1, state: initiated}
  - {after: 2, state: ringing}
  - {after: 3, state: answered, by: human}
  - {after: 3600, state: completed, by: callee}
"""


def node(action_type: str, next_node: int | None = None, **action: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"ActionType": action_type, "ChannelBehaviorAction": action}
    if next_node is not None:
        raw["NextNode"] = next_node
    return raw


def say(text: str, next_node: int | None = None) -> dict[str, Any]:
    return node("Say", next_node, Text=text)


def talker(control: Any, *entries: str) -> None:
    """A callee who answers at 6 s and answers each prompt 2 s in with ``entries`` (YAML flow maps)."""
    text = "name: talker\n" + STEPS + "input:\n" + "".join(f"  - {e}\n" for e in entries)
    response = control.http.put("/_mock/scenarios/talker", content=text.encode())
    assert response.status_code == 200, response.text


def route(dillo: Any, request_id: str, key: str) -> str | None:
    return dillo.nodes(request_id)[key]["Route"]


def journal(control: Any, kind: str) -> list[str]:
    entries = control.http.get("/_mock/journal").json()["entries"]
    return [e["detail"] for e in entries if e["kind"] == kind]


VOICE_MENU = node(
    "Menu",
    Voices={"yes": {"NextNode": 1}, "no": {"NextNode": 2}, "WrongWord": {"NextNode": 3}},
    Timeout=10,
    VoicesExactMatch=True,
)


# -- voice menus -------------------------------------------------------------------------------------


def test_a_spoken_word_picks_the_voices_branch(dillo, control, receiver) -> None:
    talker(control, '{after: 2, words: "Yes!"}')
    menu = {**VOICE_MENU}
    menu["ChannelBehaviorAction"] = {
        **VOICE_MENU["ChannelBehaviorAction"],
        "OptionStatusCallbackUrl": receiver.url("/option"),
    }
    request_id = dillo.send(
        dillo.voice(LONG_CALL, dillo.behavior(menu, say("yes"), say("no"), say("what"))), scenario="talker"
    )

    control.advance(6 + 2 + 1)

    nodes = dillo.nodes(request_id)
    assert (nodes["1"]["Route"], nodes["2"]["IsProcessed"], nodes["3"]["IsProcessed"]) == (
        "0,1",
        False,
        False,
    )
    assert nodes["0"]["IsPressed"] is True
    (option,) = receiver.wait_for(1, "/option")
    body = json.loads(option.body)
    assert (body["NodeKey"], body["Digits"], body["Words"]) == (0, None, "Yes!")


def test_words_no_entry_matches_take_the_wrong_word_branch(dillo, control) -> None:
    talker(control, '{after: 2, words: "maybe later"}')
    request_id = dillo.send(
        dillo.voice(LONG_CALL, dillo.behavior(VOICE_MENU, say("yes"), say("no"), say("what"))),
        scenario="talker",
    )

    control.advance(6 + 2 + 1)

    assert route(dillo, request_id, "3") == "0,3"


def test_without_exact_match_a_phrase_containing_the_word_matches(dillo, control) -> None:
    talker(control, '{after: 2, words: "well, no thank you"}')
    menu = node("Menu", Voices={"yes": {"NextNode": 1}, "no": {"NextNode": 2}}, VoicesExactMatch=False)
    request_id = dillo.send(
        dillo.voice(LONG_CALL, dillo.behavior(menu, say("yes"), say("no"))), scenario="talker"
    )

    control.advance(6 + 2 + 1)

    assert route(dillo, request_id, "2") == "0,2"


def test_silence_at_a_voice_menu_takes_the_no_word_branch(dillo, control) -> None:
    menu = node("Menu", Voices={"yes": {"NextNode": 1}, "NoWord": {"NextNode": 2}}, Timeout=5)
    request_id = dillo.call(LONG_CALL, menu, say("yes"), say("silence"))

    control.advance(6 + 5 + 1)

    assert route(dillo, request_id, "2") == "0,2"


def test_no_word_and_wrong_word_are_accepted_as_digits_keys_too(dillo, control) -> None:
    menu = node(
        "Menu", Digits={"1": {"NextNode": 1}, "NoWord": {"NextNode": 2}, "WrongWord": {"NextNode": 1}}
    )
    request_id = dillo.call(LONG_CALL, menu, say("one"), say("nothing"))

    control.advance(6 + 5 + 1)

    assert route(dillo, request_id, "2") == "0,2"


def test_a_keypad_menu_does_not_hear_words_and_times_out(dillo, control) -> None:
    talker(control, '{after: 2, words: "one"}')
    menu = node("Menu", Digits={"1": {"NextNode": 1}, "NoDigit": {"NextNode": 2}}, Timeout=5)
    request_id = dillo.send(
        dillo.voice(LONG_CALL, dillo.behavior(menu, say("one"), say("nothing"))), scenario="talker"
    )

    control.advance(6 + 5 + 1)

    assert route(dillo, request_id, "2") == "0,2"
    assert dillo.nodes(request_id)["0"]["IsPressed"] is False


def test_words_injected_through_the_control_api_answer_the_menu(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, VOICE_MENU, say("yes"), say("no"), say("what"))
    control.advance(7)

    response = control.http.post(f"/_mock/calls/{request_id}/events", json={"type": "words", "words": "No"})

    assert response.status_code == 200, response.text
    assert route(dillo, request_id, "2") == "0,2"


def test_injected_words_must_be_text(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, VOICE_MENU, say("yes"), say("no"), say("what"))
    control.advance(7)

    response = control.http.post(f"/_mock/calls/{request_id}/events", json={"type": "words", "words": 5})

    assert response.status_code == 400


# -- Conference, AgentConference, AgentPhone, Storage --------------------------------------------------


@pytest.mark.parametrize(
    "action",
    [
        node("Conference", RoomName="sales"),
        node("AgentConference", AgentName="Mario"),
        node("AgentPhone", AgentName="Mario"),
        node("Storage", Key="answer", Value="UserInput"),
    ],
    ids=["Conference", "AgentConference", "AgentPhone", "Storage"],
)
def test_every_sdk_action_type_is_accepted_even_on_an_unreachable_node(dillo, action) -> None:
    payload = dillo.voice(LONG_CALL, {"ChannelBehaviorNodes": {"0": say("hello"), "7": action}})

    response = dillo.post(dillo.envelope(payload))

    assert response.status_code == 200, response.text
    assert response.json()["IsSuccess"] is True


def test_a_conference_holds_the_call_in_its_room_until_the_callee_leaves(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, node("Conference", 1, RoomName="sales", Record=True), say("bye"))
    control.advance(6 + 120)
    assert control.call(request_id)["state"] == "answered"

    control.http.post(f"/_mock/calls/{request_id}/events", json={"type": "hangup"})

    assert "node 0 joined conference room 'sales'" in journal(control, "flow")
    (recording,) = dillo.status(request_id)["Recordings"]
    assert (recording["Duration"], recording["FileName"]) == (120.0, f"{request_id}-0-1.wav")
    assert dillo.nodes(request_id)["1"]["IsProcessed"] is False


def test_an_agent_phone_calls_the_agent_on_a_second_leg_then_goes_on(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, node("AgentPhone", 1, AgentName="Mario"), say("welcome back"))

    control.advance(6 + 7 + 30 + 1)

    parent, leg = control.calls()
    assert (leg["parent_id"], leg["to"], leg["state"]) == (parent["id"], "agent:Mario", "completed")
    assert route(dillo, request_id, "1") == "0,1"


def test_an_agent_phone_nobody_answers_goes_to_its_own_failure_node(dillo, control) -> None:
    agent = node("AgentPhone", 1, AgentName="desk 5550000001", OnFailureNextNode=2)
    request_id = dillo.call(LONG_CALL, agent, say("connected"), say("nobody"))

    control.advance(6 + 3 + 1)

    assert route(dillo, request_id, "2") == "0,2"


def test_an_agent_conference_with_a_busy_agent_goes_on_at_the_next_node(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, node("AgentConference", 1, AgentName="desk 5550000001"), say("sorry"))

    control.advance(6 + 3 + 1)

    assert route(dillo, request_id, "1") == "0,1"


def test_storage_stores_the_callers_input_and_goes_on_at_once(dillo, control) -> None:
    request_id = dillo.call(
        "+15550000006",  # ivr: "1" 2 s into the first prompt
        node("Collect", 1, Timeout=5, NumberOfDigits=1),
        node("Storage", 2, Key="choice", Value="UserInput"),
        node("Storage", 3, Key="callee", Value="TelephoneNumber"),
        say("thanks"),
    )

    control.advance(6 + 2 + 1)

    assert journal(control, "flow")[-2:] == [
        "node 1 stored 'choice' = '1'",
        "node 2 stored 'callee' = '+15550000006'",
    ]
    nodes = dillo.nodes(request_id)
    assert (nodes["3"]["Route"], nodes["3"]["Timestamp"]) == ("0,1,2,3", "2026-01-01T09:00:08.000Z")


# -- the SDK's field names ---------------------------------------------------------------------------


def test_collects_on_failure_next_node_is_read_from_its_action(dillo, control) -> None:
    # Dillo.Voice's CollectAction carries OnFailureNextNode inside ChannelBehaviorAction.
    request_id = dillo.call(
        LONG_CALL, node("Collect", 1, Timeout=5, OnFailureNextNode=2), say("thanks"), say("nothing")
    )

    control.advance(6 + 5 + 1)

    assert route(dillo, request_id, "2") == "0,2"
    assert dillo.nodes(request_id)["1"]["IsProcessed"] is False


def test_dial_calls_the_telephone_number_with_its_own_sender(dillo, control) -> None:
    dillo.call(LONG_CALL, node("Dial", TelephoneNumber=ANSWERED, Sender="+393391009999"))

    control.advance(6 + 1)

    _, leg = control.calls()
    assert (leg["to"], leg["from"]) == (ANSWERED, "+393391009999")


def test_a_failed_collect_says_why_in_reason_for_failure(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, node("Collect", Timeout=5))

    control.advance(6 + 5 + 1)

    (entry,) = dillo.status(request_id)["CollectedDigits"]
    assert entry == {"Digits": "", "Node": 0, "IsSuccess": False, "ReasonForFailure": "NoInput"}


def test_the_requests_storage_period_applies_to_the_whole_call_recording(dillo, control) -> None:
    # VoiceMessagePayload.RecordingStoragePeriodCode (Dillo.Voice) sits next to Record on the request.
    request_id = dillo.call(
        LONG_CALL, node("Silence", Duration=10), Record=True, RecordingStoragePeriodCode="2-Y"
    )

    control.advance(6 + 10 + 1)

    (recording,) = dillo.status(request_id)["Recordings"]
    assert (recording["FileName"], recording["RecordingStoragePeriodCode"]) == (f"{request_id}.wav", "2-Y")


def test_a_recorded_dial_records_until_its_leg_ends(dillo, control) -> None:
    dial = node("Dial", 1, TelephoneNumber=ANSWERED, Record=True, RecordingStoragePeriodCode="6-M")
    request_id = dillo.call(LONG_CALL, dial, say("bye"))

    control.advance(6 + 7 + 30 + 1)

    (recording,) = dillo.status(request_id)["Recordings"]
    assert (recording["Duration"], recording["RecordingStoragePeriodCode"]) == (37.0, "6-M")
