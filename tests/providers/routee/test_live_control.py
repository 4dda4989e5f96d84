"""Live-call control through Routee's documented endpoints on /voice/conversation/{messageId}: hang up /
reject, talk, file, record, dtmf and transfer — each seen in tracking, callbacks and the timeline."""

from __future__ import annotations

from typing import Any

FROM = "+306940000000"
LONG_CALL = "+15550000007"  # answered at 6 s, stays up an hour
ANSWERED = "+442079460123"  # answered at 7 s by a human, who hangs up 30 s later


def message_id(routee, tracking_id: str) -> str:
    return str(routee.legs(tracking_id)[0]["messageId"])


def act(routee, method: str, message: str, suffix: str = "", body: Any = None):
    kwargs = {} if body is None else {"json": body}
    return routee.request(method, f"/voice/conversation/{message}{suffix}", **kwargs)


def timeline(control, tracking_id: str) -> list[dict[str, Any]]:
    call_id = control.call(tracking_id)["id"]
    return [e for e in control.http.get("/_mock/timeline").json()["timeline"] if e.get("call_id") == call_id]


def actions(control, tracking_id: str) -> list[str]:
    return [e["detail"] for e in timeline(control, tracking_id) if e["kind"] == "call_action"]


def test_hangup_ends_an_answered_call(routee, control, client, dp) -> None:
    tracking_id = routee.place(LONG_CALL, dp.pause(3600), callback={"url": client.url("/status")})
    control.advance(10)
    message = message_id(routee, tracking_id)
    before = len(client.statuses())

    response = act(routee, "PUT", message, body={"action": "hangup"})

    assert response.status_code == 200, response.text
    assert response.json()["messageId"] == message
    assert routee.status(tracking_id) == "Completed"
    client.receiver.wait_for(before + 1, "/status")  # the hang-up's callback is sent after the answer
    assert client.statuses()[-1] == "Completed"
    call = control.call(tracking_id)
    assert (call["state"], call["ended_by"], call["duration"]) == ("completed", "api", 4)
    assert any(e.get("cause") == "PUT /voice/conversation (hangup)" for e in timeline(control, tracking_id))


def test_reject_ends_a_ringing_call_and_the_wrong_state_is_a_409(routee, control, client) -> None:
    tracking_id = routee.place(LONG_CALL, callback={"url": client.url("/status")})
    control.advance(4)  # ringing
    message = message_id(routee, tracking_id)

    wrong = act(routee, "PUT", message, body={"action": "hangup"})
    assert (wrong.status_code, wrong.json()["code"]) == (409, "409013001")
    assert "InProgress" in wrong.json()["developerMessage"]

    told = len(client.statuses())
    assert act(routee, "PUT", message, body={"action": "reject"}).status_code == 200
    assert routee.status(tracking_id) == "NoAnswer"
    assert control.call(tracking_id)["state"] == "rejected"
    client.receiver.wait_for(told + 1, "/status", timeout=10)  # the webhook is sent after the answer
    assert client.statuses()[-1] == "NoAnswer"
    again = act(routee, "PUT", message, body={"action": "reject"})
    assert (again.status_code, again.json()["code"]) == (409, "409013001")


def test_a_bad_action_or_message_is_a_routee_error(routee, control) -> None:
    tracking_id = routee.place(LONG_CALL)
    control.advance(10)
    message = message_id(routee, tracking_id)

    bad = act(routee, "PUT", message, body={"action": "explode"})
    assert (bad.status_code, bad.json()["code"], list(bad.json()["properties"])) == (
        400,
        "400013009",
        ["action"],
    )
    unknown = act(routee, "PUT", "00000000-0000-4000-8000-000000000000", body={"action": "hangup"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "404013000")


def test_talk_plays_until_it_ends_or_is_stopped(routee, control) -> None:
    tracking_id = routee.place(LONG_CALL)
    control.advance(4)
    message = message_id(routee, tracking_id)
    early = act(routee, "POST", message, "/talk", {"text": "Hello"})
    assert (early.status_code, early.json()["code"]) == (409, "409013001")
    control.advance(6)

    assert (
        act(routee, "POST", message, "/talk", {"text": "Hello there", "language": "en-GB"}).status_code == 200
    )
    control.advance(1)
    assert actions(control, tracking_id) == [
        "talk started: 'Hello there' (en-GB, female)",
        "talk ended: 'Hello there' (en-GB, female)",
    ]
    assert (
        act(routee, "POST", message, "/talk", {"text": "A long message " * 10, "multiplex": True}).status_code
        == 200
    )
    assert act(routee, "DELETE", message, "/talk").status_code == 200
    assert actions(control, tracking_id)[-1].startswith("talk stopped")
    nothing = act(routee, "DELETE", message, "/talk")
    assert (nothing.status_code, nothing.json()["code"]) == (409, "409013001")
    bad = act(routee, "POST", message, "/talk", {"text": "Hi", "language": "xx-XX"})
    assert (bad.status_code, bad.json()["code"]) == (400, "400013009")


def test_a_file_plays_on_the_call(routee, control) -> None:
    tracking_id = routee.place(LONG_CALL)
    control.advance(10)
    message = message_id(routee, tracking_id)

    assert (
        act(routee, "POST", message, "/file", {"fileURL": "https://audio.example/a.wav"}).status_code == 200
    )
    control.advance(5)

    assert actions(control, tracking_id) == [
        "file started: https://audio.example/a.wav",
        "file ended: https://audio.example/a.wav",
    ]
    bad = act(routee, "POST", message, "/file", {"fileURL": "ftp://x"})
    assert (bad.status_code, bad.json()["code"]) == (400, "400013009")


def test_record_makes_a_recording_of_the_live_call(routee, control) -> None:
    tracking_id = routee.place(LONG_CALL)
    control.advance(10)
    message = message_id(routee, tracking_id)

    assert act(routee, "POST", message, "/record", {"format": "WAV", "duration": 10}).status_code == 200
    twice = act(routee, "POST", message, "/record", {})
    assert (twice.status_code, twice.json()["code"]) == (409, "409013001")
    control.advance(10)
    assert act(routee, "POST", message, "/record", {}).status_code == 200
    control.advance(4)
    assert act(routee, "DELETE", message, "/record").status_code == 200

    first, second = routee.legs(tracking_id)[0]["recordings"]
    assert (first["duration"], first["start"], first["voiceTrackingIds"]) == (
        10,
        "2026-01-01T09:00:10.000Z",
        [message],
    )
    assert second["duration"] == 4
    downloaded = routee.request("GET", f"/recordings/my/downloads/{first['trackingId']}")
    assert (downloaded.status_code, downloaded.headers["content-type"]) == (200, "audio/wav")
    assert routee.get(f"/voice/conversation/{tracking_id}")["recordings"] == [first, second]


def test_a_recording_running_when_the_call_ends_is_kept(routee, control) -> None:
    tracking_id = routee.place(ANSWERED)
    control.advance(17)
    assert act(routee, "POST", message_id(routee, tracking_id), "/record").status_code == 200

    control.advance(30)

    [recording] = routee.legs(tracking_id)[0]["recordings"]
    assert recording["duration"] == 20


def test_dtmf_is_sent_to_the_call(routee, control) -> None:
    tracking_id = routee.place(LONG_CALL)
    control.advance(10)
    message = message_id(routee, tracking_id)

    assert act(routee, "POST", message, "/dtmf", {"dtmf": "12,w#W*"}).status_code == 200
    bad = act(routee, "POST", message, "/dtmf", {"dtmf": "12x"})

    assert (bad.status_code, bad.json()["code"], list(bad.json()["properties"])) == (
        400,
        "400013009",
        ["dtmf"],
    )
    assert actions(control, tracking_id) == ["dtmf sent: 12,w#W*"]


def test_transfer_dials_a_new_voice_message_and_the_call_ends_with_it(routee, control, client, dp) -> None:
    tracking_id = routee.place(LONG_CALL, dp.pause(3600))
    control.advance(10)
    message = message_id(routee, tracking_id)
    body = {"from": FROM, "to": {"phone": ANSWERED}, "callback": {"url": client.url("/transfer")}}

    response = act(routee, "POST", message, "/transfer", body)

    assert response.status_code == 200, response.text
    new_message = response.json()["messageId"]
    control.advance(7 + 30)
    own, leg = routee.legs(tracking_id)
    assert (own["messageId"], leg["messageId"], leg["to"]) == (message, new_message, ANSWERED)
    assert (own["status"]["status"], leg["status"]["status"]) == ("Completed", "Completed")
    assert leg["duration"] == 30
    assert client.statuses("/transfer") == ["Queued", "Initiated", "Ringing", "InProgress", "Completed"]
    assert actions(control, tracking_id) == [f"transfer to {ANSWERED}"]
    bad = act(routee, "POST", message, "/transfer", {"from": FROM, "to": {"phone": "123"}})
    assert bad.status_code in (400, 409)
