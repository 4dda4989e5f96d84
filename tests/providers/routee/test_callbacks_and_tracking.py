"""Status callbacks [routee.md §5.1] and tracking [routee.md §3.4], through every shipped scenario."""

from __future__ import annotations

import pytest

ANSWERED = "+442079460123"
BUSY = "+15550000001"
FROM = "+306940000000"


def test_onchange_posts_every_status_with_the_documented_body(routee, control, dp, client) -> None:
    callback = {"url": client.url("/status"), "strategy": "OnChange"}
    tracking_id = routee.place(ANSWERED, callback=callback)

    control.advance(40)

    assert client.statuses() == ["Queued", "Initiated", "Ringing", "InProgress", "Completed"]
    last = client.bodies("/status")[-1]
    assert last == {
        "messageId": routee.legs(tracking_id)[0]["messageId"],
        "conversationTrackingId": tracking_id,
        "to": ANSWERED,
        "from": FROM,
        "status": {"name": "Completed", "updatedDate": "2026-01-01T09:00:37.000Z"},
        "direction": "Outbound",
        "originatingService": "Voice",
        "respectQuietHours": False,
        "duration": 30,
        "price": 0.0049,
    }
    assert client.receiver.requests("/status")[0].headers["content-type"] == "application/json"


def test_oncompletion_posts_the_final_status_only_and_unanswered_calls_are_free(
    routee, control, client
) -> None:
    routee.place(BUSY, callback={"url": client.url("/status"), "strategy": "OnCompletion"})

    control.advance(10)

    (only,) = client.bodies("/status")
    assert (only["status"]["name"], only["duration"], only["price"]) == ("Busy", 0, 0.0)


@pytest.mark.parametrize(
    ("to", "statuses", "answered_by"),
    [
        (ANSWERED, ["Queued", "Initiated", "Ringing", "InProgress", "Completed"], "HUMAN"),
        ("+15550000001", ["Queued", "Initiated", "Busy"], "UNKNOWN"),
        ("+15550000002", ["Queued", "Initiated", "Ringing", "NoAnswer"], "UNKNOWN"),
        ("+15550000003", ["Queued", "Initiated", "Ringing", "NoAnswer"], "UNKNOWN"),
        ("+15550000004", ["Queued", "Initiated", "Failed"], "UNKNOWN"),
        ("+15550000005", ["Queued", "Initiated", "Ringing", "InProgress", "Completed"], "MACHINE"),
        ("+15550000006", ["Queued", "Initiated", "Ringing", "InProgress", "Completed"], "HUMAN"),
        ("+15550000007", ["Queued", "Initiated", "Ringing", "InProgress"], "HUMAN"),
    ],
    ids=["answered", "busy", "no-answer", "rejected", "failed", "voicemail", "ivr", "long-call"],
)
def test_each_shipped_scenario_in_routee_words(routee, control, client, to, statuses, answered_by) -> None:
    tracking_id = routee.place(to, callback={"url": client.url("/status"), "strategy": "OnChange"})

    control.advance(600)

    assert client.statuses() == statuses
    assert routee.legs(tracking_id)[0]["answeredBy"] == answered_by


def test_conversation_tracking_is_a_page_of_its_voice_messages(routee, control) -> None:
    tracking_id = routee.place(ANSWERED)
    control.advance(40)

    page = routee.get(f"/voice/tracking/conversation/{tracking_id}")

    (leg,) = page["content"]
    assert {k: page[k] for k in ("last", "first", "totalElements", "totalPages", "number", "size")} == {
        "last": True,
        "first": True,
        "totalElements": 1,
        "totalPages": 1,
        "number": 0,
        "size": 20,
    }
    assert leg == {
        "messageId": leg["messageId"],
        "conversationTrackingId": tracking_id,
        "to": ANSWERED,
        "from": FROM,
        "country": "GB",
        "status": {"status": "Completed", "date": "2026-01-01T09:00:37.000Z"},
        "originatingService": "Voice",
        "direction": "Outbound",
        "duration": 30,
        "price": 0.0049,
        "chargeInterval": 1,
        "collectedTones": "",
        "recordings": [],
        "answeredBy": "HUMAN",
    }


def test_a_voice_message_is_tracked_by_its_message_id(routee, control, dp) -> None:
    tracking_id = routee.place(ANSWERED, dp.say("Your code is 1234"))
    message_id = routee.legs(tracking_id)[0]["messageId"]

    got = routee.get(f"/voice/tracking/{message_id}")

    assert (got["messageId"], got["status"]["status"]) == (message_id, "Queued")
    assert got["message"] == {"gender": "female", "language": "en-US", "text": "Your code is 1234"}
    assert (got["groups"], got["campaign"], got["fileURL"]) == ([], None, None)
    assert got["applicationName"] == routee.app["name"]


def test_unknown_ids_on_tracking_are_404s(routee) -> None:
    for path in (
        "/voice/tracking/conversation/nope",
        "/voice/tracking/nope",
        "/voice/recordings/nope.mp3",
        "/recordings/my/downloads/nope",
    ):
        response = routee.request("GET", path)
        assert (response.status_code, response.json()["code"]) == (404, "404013000"), path


def test_bad_paging_is_a_400(routee) -> None:
    tracking_id = routee.place(ANSWERED)

    response = routee.request("GET", f"/voice/tracking/conversation/{tracking_id}", params={"size": "0"})

    assert (response.status_code, response.json()["code"]) == (400, "400013000")
