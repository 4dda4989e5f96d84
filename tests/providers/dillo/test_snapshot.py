"""Snapshots (``POST /_mock/snapshot`` → ``POST /_mock/restore``): customers, voice requests with what
their flow did, recordings, collected digits, external actions and SMS/e-mail send actions come back
exactly; a call that was still ringing runs its ChannelBehavior after the restore."""

from __future__ import annotations

from typing import Any

IVR, LONG_CALL, ANSWERED = "+15550000006", "+15550000007", "+442079460123"


def node(action_type: str, next_node: int | None = None, **action: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {"ActionType": action_type, "ChannelBehaviorAction": action}
    if next_node is not None:
        raw["NextNode"] = next_node
    return raw


def snapshot(control: Any) -> dict[str, Any]:
    response = control.http.post("/_mock/snapshot")
    assert response.status_code == 200, response.text
    return dict(response.json())


def restore(control: Any, data: dict[str, Any]) -> None:
    response = control.http.post("/_mock/restore", json=data)
    assert response.status_code == 200, response.text


def test_a_restored_snapshot_answers_every_get_exactly_as_before(dillo, other_customer, control) -> None:
    flow = [
        node("Say", 1, Text="Press one"),
        node("Menu", Digits={"1": {"NextNode": 2, "ExternalActionLabel": "welcome"}}, Timeout=10),
        node("Collect", 3, Timeout=10, FinishOnKey="#"),
        node("Record", MaxLength=3, Transcribe=True),
    ]
    finished = dillo.call(IVR, *flow, Record=True, ExternalActions=[_sms("welcome")])
    live = dillo.call(LONG_CALL, node("Silence", Duration=3600))
    theirs = other_customer.call(ANSWERED, node("Say", Text="hello"))
    text = dillo.post(dillo.envelope({"To": "+393391003110", "Text": "hi"}, kind="Sms"))
    assert text.status_code == 200
    control.advance(30)
    before = {
        rid: client.status(rid)
        for client, rid in ((dillo, finished), (dillo, live), (other_customer, theirs))
    }
    assert before[finished]["CollectedDigits"] == [
        {"Digits": "1234", "Node": 2, "IsSuccess": True, "ReasonForFailure": None}
    ]
    assert len(before[finished]["Recordings"]) == 2
    assert before[finished]["ExternalActions"]
    credentials = control.credentials("dillo")

    saved = snapshot(control)
    control.reset()
    assert dillo.get(finished).status_code == 404  # the reset forgot it
    restore(control, saved)

    assert control.credentials("dillo") == credentials
    for client, rid in ((dillo, finished), (dillo, live), (other_customer, theirs)):
        assert client.status(rid) == before[rid]
    assert other_customer.get(finished).status_code == 404
    [recording, _] = before[finished]["Recordings"]
    assert dillo.http.get(recording["Url"]).status_code == 200
    assert snapshot(control)["providers"]["dillo"] == saved["providers"]["dillo"]


def test_the_snapshot_keeps_sms_and_email_send_actions(dillo, control) -> None:
    response = dillo.post(dillo.envelope({"To": "a@example.com", "Subject": "s"}, kind="Email"))
    saved = snapshot(control)["providers"]["dillo"]

    [action] = saved["send_actions"]

    assert action["id"] == response.json()["id"]
    assert (action["type"], action["payload"]) == ("Email", {"To": "a@example.com", "Subject": "s"})


def test_a_call_still_ringing_at_the_snapshot_runs_its_flow_after_the_restore(dillo, control) -> None:
    request_id = dillo.call(IVR, node("Menu", Digits={"1": {"NextNode": 1}}), node("Say", Text="bye"))
    control.advance(2)  # still ringing: answered at 6 s
    saved = snapshot(control)
    control.reset()
    restore(control, saved)

    control.advance(20)

    assert dillo.status(request_id)["Status"]["StatusCode"] == "200.200"
    assert dillo.nodes(request_id)["1"]["Route"] == "0,1"


def _sms(label: str) -> dict[str, Any]:
    return {
        "SendActionType": "Sms",
        "Label": label,
        "Action": {"Destination": "+393703188051", "Content": "Welcome"},
    }


def test_a_damaged_dillo_part_is_refused_and_changes_nothing(dillo, control) -> None:
    request_id = dillo.call(LONG_CALL, node("Record", MaxLength=3))
    control.advance(10)
    before = dillo.status(request_id)
    saved = snapshot(control)
    saved["providers"]["dillo"]["requests"][0]["recordings"][0]["seconds"] = "long"

    response = control.http.post("/_mock/restore", json=saved)

    assert response.status_code == 400
    assert "providers.dillo" in response.text
    assert dillo.status(request_id) == before
