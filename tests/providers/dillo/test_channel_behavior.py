"""The ChannelBehavior executor [dillo.md §6]: from node "0" once the call is answered, each ActionType
on the virtual clock, digits from the scenario's ``input`` (or injected), and the runtime fields.

Timings: long-call (…0007) and ivr (…0006) answer at 6 s; the ivr callee presses "1" 2 s into the first
prompt and "1234#" 3 s into the second. A Say lasts ceil(words ÷ 2.5) s, a Play 5 s.
"""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.testing.receiver import Reply

LONG_CALL, IVR, ANSWERED, BUSY = "+15550000007", "+15550000006", "+442079460123", "+15550000001"


def node(action_type: str, next_node: int | None = None, **action: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"ActionType": action_type, "ChannelBehaviorAction": action}
    if next_node is not None:
        raw["NextNode"] = next_node
    return raw


def say(text: str, next_node: int | None = None) -> dict[str, Any]:
    return node("Say", next_node, Text=text, LanguageCode="en-US", VoiceId="Matthew")


def at(second: int) -> str:
    return f"2026-01-01T09:00:{second:02d}.000Z"


def ended(control: Any, request_id: str) -> tuple[str, str, str]:
    call = control.call(request_id)
    return call["state"], call["ended_by"], call["history"][-1]["cause"]


# -- Say, Play, Silence, Hangup, Redirect ------------------------------------------------------------


def test_say_lasts_its_estimated_length_and_the_end_of_the_flow_hangs_up(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, say("one two three four five six"))  # 6 words: 3 s

    control.advance(6 + 3)

    status = dillo.status(request_id)
    assert (status["AnswerDate"], status["HangupDate"], status["CallDuration"]) == (at(6), at(9), 3.0)
    assert ended(control, request_id) == ("completed", "caller", "end of ChannelBehavior")


def test_play_lasts_one_clip_and_silence_its_duration(dillo, control) -> None:
    request_id = dillo.call(
        LONG_CALL, node("Play", 1, Url="https://cdn.example/intro.wav"), node("Silence", Duration=4)
    )

    control.advance(6 + 5)
    nodes = dillo.nodes(request_id)
    assert (nodes["1"]["Timestamp"], nodes["1"]["Route"]) == (at(11), "0,1")
    control.advance(4)

    assert dillo.status(request_id)["HangupDate"] == at(15)


def test_hangup_ends_the_call_at_once(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, node("Hangup", 1), say("never said"))

    control.advance(6)

    assert ended(control, request_id) == ("completed", "caller", "Hangup node 0")
    assert dillo.nodes(request_id)["1"]["IsProcessed"] is False


def test_redirect_continues_at_its_node(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, node("Redirect", 1, Node=2), say("skipped"), say("landed"))

    control.advance(7)

    nodes = dillo.nodes(request_id)
    assert [nodes[k]["ExecutionCount"] for k in "012"] == [1, 0, 1]
    assert nodes["2"]["Route"] == "0,2"


def test_the_flow_stops_when_the_callee_hangs_up(dillo, control) -> None:
    request_id = dillo.call(ANSWERED, node("Silence", 1, Duration=600), say("too late"))

    control.advance(60)

    assert ended(control, request_id)[:2] == ("completed", "callee")
    assert dillo.nodes(request_id)["1"]["IsProcessed"] is False


def test_an_unanswered_call_runs_no_node(dillo, control) -> None:
    request_id = dillo.call(BUSY, say("hello"))

    control.advance(60)

    assert dillo.nodes(request_id)["0"]["ExecutionCount"] == 0


# -- Menu --------------------------------------------------------------------------------------------


def menu(next_node: int | None = None, **action: Any) -> dict[str, Any]:
    return node("Menu", next_node, **action)


def test_the_scenarios_digit_picks_the_menu_branch(dillo, control) -> None:
    request_id = dillo.call(
        IVR,
        menu(Digits={"1": {"NextNode": 1}, "2": {"NextNode": 2}}, Timeout=10),
        say("sales"),
        say("support"),
    )

    control.advance(6 + 2 + 1)

    nodes = dillo.nodes(request_id)
    digits = nodes["0"]["ChannelBehaviorAction"]["Digits"]
    assert digits["1"] == {"NextNode": 1, "IsPressed": True, "Timestamp": at(8)}
    assert digits["2"] == {"NextNode": 2, "IsPressed": False, "Timestamp": None}
    assert (nodes["0"]["IsPressed"], nodes["0"]["Timestamp"]) == (True, at(8))
    assert (nodes["1"]["ExecutionCount"], nodes["1"]["Route"]) == (1, "0,1")
    assert nodes["2"]["IsProcessed"] is False
    assert dillo.status(request_id)["HangupDate"] == at(9)


def test_no_digit_takes_the_no_digit_branch_after_the_timeout(dillo, control) -> None:
    request_id = dillo.call(
        LONG_CALL,
        menu(Digits={"1": {"NextNode": 1}, "NoDigit": {"NextNode": 2}}, Timeout=5),
        say("one"),
        say("none"),
    )

    control.advance(6 + 5 + 1)

    nodes = dillo.nodes(request_id)
    assert (nodes["0"]["IsPressed"], nodes["1"]["IsProcessed"], nodes["2"]["Route"]) == (False, False, "0,2")


def test_a_wrong_digit_takes_the_wrong_digit_branch(dillo, control) -> None:
    request_id = dillo.call(
        LONG_CALL,
        menu(Digits={"1": {"NextNode": 1}, "WrongDigit": {"NextNode": 2}}),
        say("one"),
        say("wrong"),
    )
    control.advance(7)

    control.http.post(f"/_mock/calls/{request_id}/events", json={"type": "digits", "digits": "9"})

    nodes = dillo.nodes(request_id)
    assert (nodes["0"]["IsPressed"], nodes["2"]["Route"]) == (True, "0,2")
    assert all(not d["IsPressed"] for d in nodes["0"]["ChannelBehaviorAction"]["Digits"].values())


def test_a_menu_repeats_on_no_digit_max_retries_times_then_ends(dillo, control) -> None:
    request_id = dillo.call(
        LONG_CALL, menu(Digits={"1": {"NextNode": 0}}, Timeout=5, RepeatOnNoDigit=True, MaxRetries=2)
    )

    control.advance(6 + 3 * 5)

    assert dillo.nodes(request_id)["0"]["ExecutionCount"] == 3
    assert dillo.nodes(request_id)["0"]["Route"] == "0,0,0"
    assert ended(control, request_id) == ("completed", "caller", "end of ChannelBehavior")
    assert dillo.status(request_id)["HangupDate"] == at(21)


def test_the_default_digit_is_taken_when_nothing_is_pressed(dillo, control) -> None:
    request_id = dillo.call(
        LONG_CALL, menu(Digits={"1": {"NextNode": 1}}, DefaultDigit="1", Timeout=5), say("default")
    )

    control.advance(12)

    assert dillo.nodes(request_id)["1"]["ExecutionCount"] == 1


def test_a_loop_nobody_leaves_is_cut_at_the_execution_limit(dillo, control) -> None:
    # The real client's sample [CLIENT]: NoDigit and WrongDigit go back to the Say before the menu.
    request_id = dillo.call(
        LONG_CALL,
        say("press 0 or 1", 1),
        menu(
            Digits={"0": {"NextNode": 0}, "NoDigit": {"NextNode": 0}, "WrongDigit": {"NextNode": 0}},
            Timeout=10,
        ),
    )

    control.advance(600)

    nodes = dillo.nodes(request_id)
    assert (nodes["0"]["ExecutionCount"], nodes["1"]["ExecutionCount"]) == (10, 10)
    assert ended(control, request_id) == (
        "completed",
        "system",
        "node 0 reached the limit of 10 executions",
    )
    errors = [e for e in control.http.get("/_mock/journal").json()["entries"] if e["kind"] == "flow_error"]
    assert [e["detail"] for e in errors] == ["node 0 reached the limit of 10 executions"]


# -- Collect -----------------------------------------------------------------------------------------


def test_collect_keeps_the_digits_before_the_finish_key(dillo, control) -> None:
    request_id = dillo.call(
        IVR,
        menu(Digits={"1": {"NextNode": 1}}),
        node("Collect", 2, Timeout=30, NumberOfDigits=4, FinishOnKey="#", PlayBeep=True),
        say("thanks"),
    )

    control.advance(30)

    status = dillo.status(request_id)
    assert status["CollectedDigits"] == [
        {"Digits": "1234", "Node": 1, "IsSuccess": True, "ReasonForFailure": None}
    ]
    nodes = dillo.nodes(request_id)
    assert (nodes["1"]["IsPressed"], nodes["1"]["Timestamp"], nodes["2"]["Route"]) == (True, at(11), "0,1,2")
    assert control.call(request_id)["digits"] == "11234#"


def test_collect_stops_at_number_of_digits(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, node("Collect", Timeout=10, NumberOfDigits=2))
    control.advance(7)

    control.http.post(f"/_mock/calls/{request_id}/events", json={"type": "digits", "digits": "987"})

    assert dillo.status(request_id)["CollectedDigits"] == [
        {"Digits": "98", "Node": 0, "IsSuccess": True, "ReasonForFailure": None}
    ]


def test_collect_without_input_fails_to_its_failure_node(dillo, control) -> None:
    collect = {**node("Collect", 1, Timeout=5), "OnFailureNextNode": 2}
    request_id = dillo.call(LONG_CALL, collect, say("got it"), say("nothing"))

    control.advance(6 + 5 + 1)

    assert dillo.status(request_id)["CollectedDigits"] == [
        {"Digits": "", "Node": 0, "IsSuccess": False, "ReasonForFailure": "NoInput"}
    ]
    assert dillo.nodes(request_id)["2"]["Route"] == "0,2"


# -- Record ------------------------------------------------------------------------------------------


def test_record_adds_a_recording_with_its_transcription(dillo, control) -> None:
    request_id = dillo.call(
        LONG_CALL,
        node("Record", 1, MaxLength=20, Transcribe=True, RecordingStoragePeriodCode="1-Y"),
        say("bye"),
    )

    control.advance(6 + 20 + 1)

    status = dillo.status(request_id)
    [recording] = status["Recordings"]
    server = str(dillo.http.base_url).rstrip("/")
    assert recording == {
        "FileName": f"{request_id}-0-1.wav",
        "Url": f"{server}/api/sendaction/voice/{request_id}/recordings/{request_id}-0-1.wav",
        "Duration": 20.0,
        "HasTranscription": True,
        "Transcription": recording["Transcription"],
        "FileSize": 44 + 20 * 16_000,
        "Price": 0.005,
        "TranscriptionPrice": 0.02,
        "Interval": 60,
        "TranscriptionInterval": 15,
        "transcriptionNumberOfIntervals": 2,
        "RecordingStoragePeriodCode": "1-Y",
        "NumberOfIntervals": 1,  # a Dillo.Voice VoiceCallRecording property
    }
    assert isinstance(recording["Transcription"], str)
    assert recording["Transcription"]
    assert status["Price"] == 0.0284  # 21 s of call (0.0034) + recording + 2 transcription intervals
    assert dillo.nodes(request_id)["1"]["Timestamp"] == at(26)


def test_a_recording_downloads_as_a_wav_of_its_file_size(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, node("Record", 1, MaxLength=3), say("bye"))
    control.advance(6 + 3 + 1)
    [recording] = dillo.status(request_id)["Recordings"]

    download = dillo.http.get(recording["Url"])  # no ApiKey needed: players and browsers fetch it

    assert download.status_code == 200
    assert download.headers["content-type"] == "audio/wav"
    assert len(download.content) == recording["FileSize"] == 44 + 3 * 16_000
    assert download.content[:4] == b"RIFF"
    assert download.content[8:16] == b"WAVEfmt "
    assert dillo.http.get(recording["Url"].replace("-0-1.wav", "-0-2.wav")).status_code == 404


def test_a_recording_cut_short_by_the_callee_keeps_what_was_recorded(dillo, control) -> None:
    request_id = dillo.call(ANSWERED, node("Record", MaxLength=120))

    control.advance(60)

    [recording] = dillo.status(request_id)["Recordings"]
    assert (recording["Duration"], recording["HasTranscription"], recording["Transcription"]) == (
        30.0,
        False,
        None,
    )


def test_a_key_stops_a_record_with_stop_on_key(dillo, control) -> None:
    request_id = dillo.call(IVR, node("Record", MaxLength=60, StopOnKey="#"))

    control.advance(30)

    [recording] = dillo.status(request_id)["Recordings"]
    assert recording["Duration"] == 2.0  # the ivr callee presses 2 s into the first prompt


def test_record_true_records_the_whole_call(dillo, control) -> None:
    request_id = dillo.call(ANSWERED, node("Silence", Duration=600), Record=True, Transcribe=True)

    control.advance(60)

    [recording] = dillo.status(request_id)["Recordings"]
    assert (recording["FileName"], recording["Duration"], recording["HasTranscription"]) == (
        f"{request_id}.wav",
        30.0,
        True,
    )


# -- Dial --------------------------------------------------------------------------------------------


def test_dial_places_a_second_leg_and_goes_on_when_it_ends(dillo, control) -> None:
    request_id = dillo.call(
        LONG_CALL, node("Dial", 1, TelephoneNumber=ANSWERED, Timeout=30), say("welcome back")
    )

    control.advance(6 + 7 + 30 + 1)

    parent, leg = control.calls()
    assert (leg["parent_id"], leg["to"], leg["state"]) == (parent["id"], ANSWERED, "completed")
    assert dillo.nodes(request_id)["1"]["Timestamp"] == at(43)
    assert dillo.status(request_id)["HangupDate"] == at(44)


def test_a_dial_nobody_answers_goes_to_its_failure_node(dillo, control) -> None:
    dial = node("Dial", 1, TelephoneNumber=BUSY, OnFailureNextNode=2)
    request_id = dillo.call(LONG_CALL, dial, say("connected"), say("busy"))

    control.advance(6 + 3 + 1)

    nodes = dillo.nodes(request_id)
    assert (nodes["1"]["IsProcessed"], nodes["2"]["Route"]) == (False, "0,2")


def test_the_leg_is_hung_up_with_the_call(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, node("Dial", TelephoneNumber=LONG_CALL))
    control.advance(20)

    dillo.hangup(request_id)

    _, leg = control.calls()
    assert (leg["state"], leg["ended_by"]) == ("completed", "caller")


# -- external actions --------------------------------------------------------------------------------


def test_external_actions_fire_once_and_are_listed_with_their_send_action_id(dillo, control) -> None:
    # Dillo.Voice's shape: the request lists ExternalActions {SendActionType, Label, Action}; a Menu
    # option (DigitAction), a Collect or a Record fires one by ExternalActionLabel.
    sms = {"SendActionType": "Sms", "Label": "confirm", "Action": {"Destination": IVR, "Content": "See you"}}
    mail = {"SendActionType": "Email", "Label": "notify", "Action": {"Subject": "Call", "Content": "done"}}
    request_id = dillo.call(
        IVR,  # presses 1 at the first prompt, then 1234# at the second
        say("hi", 1),
        menu(Digits={"1": {"NextNode": 2, "ExternalActionLabel": "confirm"}, "NoDigit": {"NextNode": 1}}),
        node("Collect", 3, Timeout=10, FinishOnKey="#", ExternalActionLabel="notify"),
        node("Menu", Digits={"1": {"NextNode": 1, "ExternalActionLabel": "confirm"}}, Timeout=5),
        ExternalActions=[sms, mail],
    )

    control.advance(60)

    actions = dillo.status(request_id)["ExternalActions"]
    assert [(a["Label"], a["NodeKey"]) for a in actions] == [("confirm", 1), ("notify", 2)]
    assert all(len(a["ExternalActionId"]) == 36 for a in actions)
    assert len({a["ExternalActionId"] for a in actions} | {request_id}) == 3


def test_the_sdks_redirect_asks_its_url_where_to_go(dillo, control, receiver) -> None:
    receiver.reply("/where", Reply(body=b'{"NextNode": 2}'))
    redirect = node("Redirect", 1, Url=receiver.url("/where"), MethodType="GET", PlayMusicOnHold=True)
    request_id = dillo.call(LONG_CALL, redirect, say("planned"), say("chosen"))

    control.advance(6 + 2)

    (asked,) = receiver.requests("/where")
    assert asked.method == "GET"
    nodes = dillo.nodes(request_id)
    assert (nodes["1"]["IsProcessed"], nodes["2"]["Route"]) == (False, "0,2")


@pytest.mark.parametrize("to", [LONG_CALL, IVR])
def test_updated_on_follows_the_flow(dillo, control, to) -> None:
    request_id = dillo.call(to, node("Silence", 1, Duration=5), node("Silence", Duration=600))

    control.advance(6 + 5)

    assert dillo.status(request_id)["UpdatedOnUtc"] == at(11)
