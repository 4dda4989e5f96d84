"""Callbacks (mock's choice, dillo.md §5 and §9.5): the status callback posts the GET object on every
status change, option callbacks report Menu keys, record/transcribe callbacks report recordings; each
is retried after 5, 30 and 120 s and visible at /_mock/callbacks."""

from __future__ import annotations

import json
from typing import Any

from mockserver.testing.receiver import Reply

LONG_CALL, IVR, ANSWERED = "+15550000007", "+15550000006", "+442079460123"
SILENCE = {"ActionType": "Silence", "ChannelBehaviorAction": {"Duration": 1}}


def status_codes(receiver: Any, path: str) -> list[str]:
    return [json.loads(r.body)["Status"]["StatusCode"] for r in receiver.requests(path)]


def test_the_status_callback_posts_the_voice_request_on_every_change(dillo, control, receiver) -> None:
    request_id = dillo.call(ANSWERED, SILENCE, StatusCallbackUrl=receiver.url("/status"))

    control.advance(60)

    assert status_codes(receiver, "/status") == ["102.0", "102.180", "102.183", "200.200"]
    last = receiver.requests("/status")[-1]
    assert last.method == "POST"
    assert last.headers["content-type"] == "application/json"
    assert json.loads(last.body) == dillo.status(request_id)


def test_a_get_status_callback_sends_the_scalar_fields_as_query(dillo, control, receiver) -> None:
    request_id = dillo.call(
        "+15550000001", SILENCE, StatusCallbackUrl=receiver.url("/status"), StatusCallbackMethod="get"
    )

    control.advance(10)

    last = receiver.requests("/status")[-1]
    assert last.method == "GET"
    assert last.query["Id"] == request_id
    assert (last.query["StatusCode"], last.query["StatusDescription"]) == ("200.486", "Busy")
    assert last.query["AnswerDate"] == ""
    assert "ChannelBehavior" in last.query  # the serialized behavior is a string, so it is sent too


def test_an_option_callback_reports_the_menu_key(dillo, control, receiver) -> None:
    menu = {
        "ActionType": "Menu",
        "ChannelBehaviorAction": {
            "Digits": {"1": {"NextNode": 1}},
            "OptionStatusCallbackUrl": receiver.url("/option"),
            "OptionStatusCallbackMethod": "POST",
        },
    }
    request_id = dillo.call(IVR, menu, SILENCE)

    control.advance(10)

    [option] = receiver.requests("/option")
    assert json.loads(option.body) == {
        "Id": request_id,
        "NodeKey": 0,
        "Digits": "1",
        "Timestamp": "2026-01-01T09:00:08.000Z",
    }


def test_record_and_transcribe_callbacks_carry_the_recording(dillo, control, receiver) -> None:
    record = {
        "ActionType": "Record",
        "ChannelBehaviorAction": {"MaxLength": 5, "Transcribe": True},
    }
    request_id = dillo.call(
        LONG_CALL,
        record,
        RecordStatusCallbackUrl=receiver.url("/record"),
        TranscribeStatusCallbackUrl=receiver.url("/transcribe"),
    )

    control.advance(12)

    [recorded] = receiver.requests("/record")
    [transcribed] = receiver.requests("/transcribe")
    body = json.loads(recorded.body)
    assert (body["Id"], body["NodeKey"]) == (request_id, 0)
    assert body["Recording"] == dillo.status(request_id)["Recordings"][0]
    assert json.loads(transcribed.body) == body


def test_a_failing_status_callback_is_retried_after_5_30_and_120_seconds(dillo, control, receiver) -> None:
    receiver.reply("/status", Reply(status=500, body="down"))
    dillo.call("+15550000004", SILENCE, StatusCallbackUrl=receiver.url("/status"))  # failed at 2 s

    control.advance(2)
    failed = [c for c in control.callbacks(provider="dillo") if '"200.500"' in c["body"]]
    assert len(failed[0]["attempts"]) == 1
    control.advance(5 + 30 + 120)

    [delivery] = [c for c in control.callbacks(provider="dillo") if '"200.500"' in c["body"]]
    assert [a["at"][-9:] for a in delivery["attempts"]] == [
        "09:00:02Z",
        "09:00:07Z",
        "09:00:37Z",
        "09:02:37Z",
    ]
    assert (delivery["delivered"], delivery["next_attempt_at"]) == (False, None)


def test_callbacks_are_listed_by_request_id(dillo, control, receiver) -> None:
    request_id = dillo.call("+15550000001", SILENCE, StatusCallbackUrl=receiver.url("/status"))

    control.advance(10)

    deliveries = control.callbacks(call_id=request_id)
    assert [d["url"] for d in deliveries] == [receiver.url("/status")] * 2
    assert all(d["delivered"] for d in deliveries)


# -- EventCallbackUrl and a node's own CallbackUrl (mock's choice, docs/providers/dillo.md) -----------


def test_the_event_callback_reports_every_node_the_flow_runs(dillo, control, receiver) -> None:
    say = {"ActionType": "Say", "NextNode": 1, "ChannelBehaviorAction": {"Text": "Hello there"}}
    request_id = dillo.call(LONG_CALL, say, SILENCE, EventCallbackUrl=receiver.url("/event"))

    control.advance(6 + 1 + 1 + 1)

    events = [json.loads(r.body) for r in receiver.requests("/event")]
    assert events == [
        {
            "Id": request_id,
            "NodeKey": 0,
            "ActionType": "Say",
            "ExecutionCount": 1,
            "Route": "0",
            "Timestamp": "2026-01-01T09:00:06.000Z",
        },
        {
            "Id": request_id,
            "NodeKey": 1,
            "ActionType": "Silence",
            "ExecutionCount": 1,
            "Route": "0,1",
            "Timestamp": "2026-01-01T09:00:07.000Z",
        },
    ]


def test_a_node_callback_is_asked_when_its_action_is_done_and_may_pick_the_next_node(
    dillo, control, receiver
) -> None:
    receiver.reply("/node", Reply(200, json.dumps({"NextNode": 2}), "application/json"))
    collect = {
        "ActionType": "Collect",
        "NextNode": 1,
        "ChannelBehaviorAction": {
            "Timeout": 10,
            "FinishOnKey": "#",
            "CallbackUrl": receiver.url("/node"),
            "CallbackPlayMusicOnHold": True,
        },
    }
    request_id = dillo.call(IVR, collect, SILENCE, SILENCE)

    control.advance(6 + 3 + 2)

    [asked] = receiver.requests("/node")
    body = json.loads(asked.body)
    assert (body["Id"], body["NodeKey"], body["ActionType"], body["Digits"]) == (
        request_id,
        0,
        "Collect",
        "1",
    )
    nodes = json.loads(dillo.status(request_id)["ChannelBehavior"])["ChannelBehaviorNodes"]
    assert nodes["1"]["IsProcessed"] is False
    assert nodes["2"]["Route"] == "0,2"


def test_a_failing_node_callback_is_journaled_and_the_flow_goes_on(dillo, control, receiver) -> None:
    receiver.reply("/node", Reply(500, "oops"))
    say = {
        "ActionType": "Say",
        "NextNode": 1,
        "ChannelBehaviorAction": {
            "Text": "Hi",
            "CallbackUrl": receiver.url("/node"),
            "CallbackMethod": "GET",
        },
    }
    request_id = dillo.call(LONG_CALL, say, SILENCE)

    control.advance(6 + 1 + 2)

    [asked] = receiver.requests("/node")
    assert (asked.method, asked.query["NodeKey"], asked.query["Digits"]) == ("GET", "0", "")
    assert dillo.nodes(request_id)["1"]["Route"] == "0,1"
    errors = [
        e["detail"] for e in control.http.get("/_mock/journal").json()["entries"] if e["kind"] == "flow_error"
    ]
    assert any("CallbackUrl" in e and "HTTP 500" in e for e in errors)
