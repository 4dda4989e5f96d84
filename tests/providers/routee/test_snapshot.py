"""Snapshots (``POST /_mock/snapshot`` → ``POST /_mock/restore``): applications, tokens with their
expiry, the rate limit's memory, conversations (outbound and inbound), their voice messages, collected
tones and recordings come back exactly; a conversation still ringing runs its dialplan after the
restore."""

from __future__ import annotations

from typing import Any

IVR, LONG_CALL, ANSWERED = "+15550000006", "+15550000007", "+442079460123"


def snapshot(control: Any) -> dict[str, Any]:
    response = control.http.post("/_mock/snapshot")
    assert response.status_code == 200, response.text
    return dict(response.json())


def restore(control: Any, data: dict[str, Any]) -> None:
    response = control.http.post("/_mock/restore", json=data)
    assert response.status_code == 200, response.text


def everything(routee: Any, tracking_ids: list[str]) -> dict[str, Any]:
    """What the client can read: each conversation, its tracking page, each message, and a search."""
    seen: dict[str, Any] = {"search": routee.request("POST", "/voice/tracking", json={}).json()}
    for tracking_id in tracking_ids:
        seen[tracking_id] = routee.get(f"/voice/conversation/{tracking_id}")
        legs = routee.legs(tracking_id)
        seen[f"{tracking_id}/tracking"] = legs
        for leg in legs:
            seen[leg["messageId"]] = routee.get(f"/voice/tracking/{leg['messageId']}")
    return seen


def test_a_restored_snapshot_answers_every_get_exactly_as_before(routee, control, client, dp) -> None:
    collect = dp.collect(client.url("/menu"), maxDigits=1)
    with_tones = routee.place(
        IVR, dp.say("Press one"), collect, dp.pause(5), callback={"url": client.url("/status")}
    )
    dial = dp.dial(ANSWERED, record=True, recordingFormat="WAV")
    with_recording = routee.place(LONG_CALL, dp.say("Hi"), dial, dp.say("Bye"))
    control.advance(50)
    live = routee.place(LONG_CALL, dp.pause(3600), maxDuration=600)
    control.advance(10)
    before = everything(routee, [with_tones, with_recording, live])
    assert before[f"{with_tones}/tracking"][0]["collectedTones"] == "1"
    [recording] = before[with_recording]["recordings"]
    credentials = control.credentials("routee")

    saved = snapshot(control)
    control.reset()
    assert routee.request("GET", f"/voice/conversation/{with_tones}").status_code == 401  # tokens forgotten
    restore(control, saved)

    assert control.credentials("routee") == credentials
    assert everything(routee, [with_tones, with_recording, live]) == before  # the old token works again
    assert routee.request("GET", recording["url"]).headers["content-type"] == "audio/wav"
    assert snapshot(control)["providers"]["routee"] == saved["providers"]["routee"]


def test_a_restored_token_still_expires_on_time(new_client, control) -> None:
    app = new_client(expires_in=60)
    control.advance(50)
    saved = snapshot(control)
    control.reset()
    restore(control, saved)
    assert app.request("POST", "/voice/tracking", json={}).status_code == 200

    control.advance(10)

    assert app.request("POST", "/voice/tracking", json={}).status_code == 401


def test_the_rate_limit_remembers_the_last_conversation(limited, control, conversation_body) -> None:
    assert limited.post_conversation(conversation_body).status_code == 200
    saved = snapshot(control)
    control.reset()
    restore(control, saved)

    assert limited.post_conversation(conversation_body).status_code == 429


def test_a_conversation_still_ringing_runs_its_dialplan_after_the_restore(
    routee, control, client, dp
) -> None:
    tracking_id = routee.place(
        IVR, dp.say("Press one"), dp.collect(client.url("/menu"), maxDigits=1), dp.pause(5)
    )
    control.advance(3)  # answered at 6 s
    saved = snapshot(control)
    control.reset()
    restore(control, saved)

    control.advance(20)

    assert [b["collectedTones"] for b in client.bodies("/menu")] == ["1"]
    assert routee.status(tracking_id) == "Completed"


def test_an_inbound_conversation_and_the_numbers_come_back(routee, control, client, receiver, dp) -> None:
    app_id, number = routee.app["applicationId"], "+306912340000"
    setup = {"number": number, "dialPlanUrl": client.url("/inbound")}
    control.http.post("/_mock/credentials/routee", json={"applicationId": app_id, "numbers": [setup]})
    try:
        receiver.reply("/inbound", dp.reply(dp.say("Welcome")))
        call = control.http.post(
            "/_mock/inbound", json={"provider": "routee", "from": "+306977777777", "to": number}
        )
        tracking_id = call.json()["provider_call_id"]
        control.advance(10)
        before = everything(routee, [tracking_id])
        assert before[tracking_id]["direction"] == "Inbound"

        saved = snapshot(control)
        control.reset()
        restore(control, saved)

        assert everything(routee, [tracking_id]) == before
        assert control.credentials("routee")[0]["numbers"] == [setup]
    finally:
        control.http.post("/_mock/credentials/routee", json={"applicationId": app_id, "numbers": []})


def test_a_damaged_routee_part_is_refused_and_changes_nothing(routee, control, dp) -> None:
    tracking_id = routee.place(LONG_CALL, dp.say("Hi"))
    control.advance(10)
    before = routee.legs(tracking_id)
    saved = snapshot(control)
    saved["providers"]["routee"]["tokens"][0]["expires_at"] = "tomorrow"

    response = control.http.post("/_mock/restore", json=saved)

    assert response.status_code == 400
    assert "providers.routee" in response.text
    assert routee.legs(tracking_id) == before
