"""POST /api/sendaction answers the id, GET /api/sendaction/voice/{id} shows each field of Dillo's status page
with Dillo's casing, dates in ISO 8601 UTC with milliseconds, and the mock's status-code table."""

from __future__ import annotations

import json
import re

import pytest

SEED_FIELDS = [
    "Id",
    "Sender",
    "TelephoneNumber",
    "ChannelBehavior",
    "CreatedOnUtc",
    "UpdatedOnUtc",
    "AnswerDate",
    "HangupDate",
    "CallDuration",
    "Price",
    "PriceDescription",
    "CustomerCode",
    "Status",
    "StatusDescription",
    "Recordings",
    "CollectedDigits",
    "ExternalActions",
]
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
HOLD = {"ActionType": "Silence", "ChannelBehaviorAction": {"Duration": 3600}}


def test_a_voice_send_action_answers_a_lower_case_guid_id(dillo) -> None:
    response = dillo.post(dillo.envelope(dillo.voice("+15550000007", dillo.behavior(HOLD))))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "IsSuccess"}
    assert body["IsSuccess"] is True
    assert GUID.fullmatch(body["id"])


def test_the_status_has_every_seed_field_in_order(dillo, control) -> None:
    request_id = dillo.call("+15550000007", HOLD)

    status = dillo.status(request_id)

    assert list(status) == SEED_FIELDS
    assert status["Id"] == request_id
    assert status["CustomerCode"] == dillo.customer_code
    assert (status["Sender"], status["TelephoneNumber"]) == ("+393391003110", "+15550000007")
    assert isinstance(status["ChannelBehavior"], str)  # serialized, as the docs say


def test_a_queued_request_has_no_answer_or_hangup_date(dillo) -> None:
    request_id = dillo.call("+15550000007", HOLD)

    status = dillo.status(request_id)

    assert status["Status"] == {
        "PrimaryStatus": {"Code": 100, "Description": "Queued"},
        "SecondaryStatus": {"Code": 0, "Description": "None"},
        "StatusCode": "100.0",
    }
    assert status["StatusDescription"] == "Queued"
    assert (status["AnswerDate"], status["HangupDate"], status["CallDuration"]) == (None, None, 0.0)
    assert status["CreatedOnUtc"] == status["UpdatedOnUtc"] == "2026-01-01T09:00:00.000Z"
    assert (status["Price"], status["Recordings"], status["CollectedDigits"]) == (0.0, [], [])


def test_an_answered_call_is_processing_in_progress(dillo, control) -> None:
    request_id = dillo.call("+15550000007", HOLD)

    control.advance(10)

    status = dillo.status(request_id)
    assert status["Status"]["StatusCode"] == "102.183"
    assert status["StatusDescription"] == "InProgress"
    assert status["AnswerDate"] == "2026-01-01T09:00:06.000Z"
    assert status["HangupDate"] is None


def test_a_finished_call_has_primary_200_dates_duration_and_price(dillo, control) -> None:
    request_id = dillo.call("+442079460123", HOLD)  # answered at 7 s, the callee hangs up at 37 s

    control.advance(60)

    status = dillo.status(request_id)
    assert status["Status"]["PrimaryStatus"] == {"Code": 200, "Description": "Completed"}
    assert status["Status"]["StatusCode"] == "200.200"
    assert status["AnswerDate"] == "2026-01-01T09:00:07.000Z"
    assert status["HangupDate"] == "2026-01-01T09:00:37.000Z"
    assert status["CallDuration"] == 30.0
    assert status["Price"] == 0.0049  # 30 s at the scenario's 0.0098 per minute
    assert status["PriceDescription"] == "Call 30 s x 0.0098/min = 0.0049"


@pytest.mark.parametrize(
    ("to", "code", "description", "answered"),
    [
        ("+15550000001", "200.486", "Busy", False),
        ("+15550000002", "200.480", "NoAnswer", False),
        ("+15550000003", "200.603", "Rejected", False),
        ("+15550000004", "200.500", "Failed", False),
        ("+15550000005", "200.200", "Answered", True),  # voicemail: a machine answers
        ("+15550000006", "200.200", "Answered", True),
        ("+442079460123", "200.200", "Answered", True),
    ],
)
def test_each_shipped_scenario_ends_with_its_status(dillo, control, to, code, description, answered) -> None:
    request_id = dillo.call(to, HOLD)

    control.advance(600)

    status = dillo.status(request_id)
    assert status["Status"]["StatusCode"] == code
    assert status["StatusDescription"] == description
    assert (status["AnswerDate"] is not None) is answered
    assert status["HangupDate"] is not None


def test_the_long_call_scenario_stays_up_until_the_mock_hangup(dillo, control) -> None:
    request_id = dillo.call("+15550000007", HOLD)
    control.advance(30)

    response = dillo.hangup(request_id)

    assert response.status_code == 200
    assert response.json()["Status"]["StatusCode"] == "200.200"
    assert response.json()["CallDuration"] == 24.0
    assert control.call(request_id)["ended_by"] == "api"


def test_the_mock_hangup_of_an_ended_call_is_a_conflict(dillo, control) -> None:
    request_id = dillo.call("+15550000001", HOLD)
    control.advance(10)

    response = dillo.hangup(request_id)

    assert response.status_code == 409
    assert response.json() == {
        "IsSuccess": False,
        "ErrorMessage": f"Voice request {request_id} has already ended",
    }


def test_a_hangup_before_the_answer_is_canceled(dillo, control) -> None:
    request_id = dillo.call("+15550000007", HOLD)
    control.advance(4)

    dillo.hangup(request_id)

    assert dillo.status(request_id)["Status"]["StatusCode"] == "200.487"


def test_the_scenario_header_picks_the_scenario(dillo, control) -> None:
    request_id = dillo.send(dillo.voice("+442079460123", dillo.behavior(HOLD)), scenario="busy")

    control.advance(10)

    assert dillo.status(request_id)["Status"]["StatusCode"] == "200.486"


def test_the_ringing_timeout_ends_an_unanswered_call(dillo, control) -> None:
    request_id = dillo.send(dillo.voice("+15550000002", dillo.behavior(HOLD), RingingTimeout=20))

    control.advance(20)

    status = dillo.status(request_id)
    assert status["Status"]["StatusCode"] == "200.480"
    assert status["HangupDate"] == "2026-01-01T09:00:20.000Z"


def test_sms_and_email_send_actions_are_accepted_with_an_id(dillo) -> None:
    for kind in ("Sms", "Email"):
        response = dillo.post(dillo.envelope({"TelephoneNumber": "+393703188051", "Text": "hi"}, kind))

        assert response.status_code == 200, response.text
        assert GUID.fullmatch(response.json()["id"])


def test_ids_are_the_same_in_every_seeded_run(dillo, control) -> None:
    first = dillo.call("+15550000007", HOLD)
    control.reset()

    assert dillo.call("+15550000007", HOLD) == first


def test_the_channel_behavior_comes_back_as_sent_plus_runtime_fields(dillo, control) -> None:
    say = {"ActionType": "Say", "ChannelBehaviorAction": {"Text": "Ciao", "VoiceId": "Bianca"}, "NextNode": 1}
    request_id = dillo.call("+15550000007", say, HOLD)
    control.advance(6)

    behavior = json.loads(dillo.status(request_id)["ChannelBehavior"])

    assert behavior["ChannelBehaviorNodes"]["0"] == {
        **say,
        "IsProcessed": True,
        "IsPressed": False,
        "Timestamp": "2026-01-01T09:00:06.000Z",
        "ExecutionCount": 1,
        "Route": "0",
    }
    assert behavior["ChannelBehaviorNodes"]["1"] == {
        **HOLD,
        "IsProcessed": False,
        "IsPressed": False,
        "Timestamp": None,
        "ExecutionCount": 0,
        "Route": None,
    }
