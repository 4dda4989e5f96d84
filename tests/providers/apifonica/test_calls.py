"""Every shipped scenario through Apifonica REST v2: the call object and the controller's events.

The virtual clock starts at Thu, 01 Jan 2026 09:00:00 +0000 after each reset, so times are exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

ANSWERED_TO = "442079460123"  # no magic suffix: the default "answered" scenario


START = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)


def at(second: int) -> str:
    """An RFC 2822 date with ``+0000`` (seed 001), ``second`` seconds after the clock's start."""
    return (START + timedelta(seconds=second)).strftime("%a, %d %b %Y %H:%M:%S +0000")


@dataclass(frozen=True)
class Outcome:
    scenario: str
    to: str
    statuses: tuple[str, ...]  # the events the controller receives, in order
    answered: int | None  # seconds after creation
    ended: int
    price: float  # euro cents: duration / 60 * 0.0098 EUR * 100
    recorded: bool = False

    @property
    def duration(self) -> int:
        return 0 if self.answered is None else self.ended - self.answered


OUTCOMES = [
    Outcome(
        "answered",
        ANSWERED_TO,
        ("queued", "initiated", "ringing", "answered", "completed"),
        7,
        37,
        0.49,
        recorded=True,
    ),
    Outcome("busy", "5550000001", ("queued", "initiated", "busy"), None, 3, 0.0),
    # rings until the call's timeout (30 s by default), counted from the API request [seed 001]
    Outcome("no-answer", "5550000002", ("queued", "initiated", "ringing", "no_answer"), None, 30, 0.0),
    Outcome("rejected", "5550000003", ("queued", "initiated", "ringing", "rejected"), None, 6, 0.0),
    Outcome("failed", "5550000004", ("queued", "initiated", "failed"), None, 2, 0.0),
    Outcome(
        "voicemail", "5550000005", ("queued", "initiated", "ringing", "answered", "completed"), 11, 31, 0.3267
    ),
    Outcome(
        "ivr",
        "5550000006",
        ("queued", "initiated", "ringing", "answered", "completed"),
        6,
        126,
        1.96,
        recorded=True,
    ),
    Outcome(
        "long-call", "5550000007", ("queued", "initiated", "ringing", "answered", "completed"), 6, 3606, 58.8
    ),
]


def test_create_application_answers_the_created_envelope(api) -> None:
    response = api.post("/applications", {"controller": "https://client.example/apifonica", "method": "POST"})

    assert response.status_code == 201
    body = response.json()
    app_sid = body["uri"].rsplit("/", 1)[1]
    assert body == {
        "status_code": 201,
        "status_message": "CREATED",
        "uri": f"/v2/accounts/{api.account_sid}/applications/{app_sid}",
    }
    assert app_sid.startswith("app")
    # The documented application object ("Implementation of the consistent callback case"), in its
    # order, keyed `application_sid`, plus the `events` it was created with.
    expected = {
        "application_sid": app_sid,
        "controller": "https://client.example/apifonica",
        "method": "POST",
        "name": api.account_sid,  # the name defaults to the account SID [S3]
        "account_sid": api.account_sid,
        "events": "none",  # the default [S3]
    }
    one = api.get(f"/applications/{app_sid}")
    assert list(one.json().items()) == list(expected.items())
    assert api.get("/applications").json()["applications"] == [expected]


def test_account_info_has_the_documented_fields(api) -> None:
    response = api.get("")

    assert response.status_code == 200
    account = response.json()
    assert account == {
        "account_sid": api.account_sid,
        "name": account["name"],
        "status": "active",
        "token": api.auth_token,  # the account's password [S8]
        "created": account["created"],
        "updated": account["created"],
        "type": "master",
    }
    assert account["created"].endswith(" +0000")


def test_create_call_answers_the_created_envelope_and_the_call_is_queued_with_creation_fields_only(
    api, receiver
) -> None:
    app_sid = api.create_application(receiver.url("/events"))

    response = api.post(
        "/calls",
        {"from": api.from_number, "to": ANSWERED_TO, "call_app_sid": app_sid, "tag": "MyClient_1"},
    )

    assert response.status_code == 201
    body = response.json()
    call_sid = body["uri"].rsplit("/", 1)[1]
    assert body == {
        "status_code": 201,
        "status_message": "CREATED",
        "uri": f"/v2/accounts/{api.account_sid}/calls/{call_sid}",
    }
    call = api.call(call_sid)
    assert call["number_sid"].startswith("num")
    assert call == {
        "call_sid": call_sid,
        "parent_call_sid": None,
        "created": at(0),
        "account_sid": api.account_sid,
        "from": api.from_number,
        "to": ANSWERED_TO,
        "number_sid": call["number_sid"],
        "direction": "outbound",
        "status": "queued",
        "controller": None,
        "method": None,
        "timeout": None,
        "updated": None,
        "started": None,
        "ended": None,
        "duration": None,
        "price": None,
        "record_sid": None,
        "tag": None,
        "channel": None,
    }


@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda o: o.scenario)
def test_scenario_ends_with_the_documented_call_object(api, control, receiver, outcome) -> None:
    app_sid = api.create_application(receiver.url("/events"))
    call_sid = api.place_call(outcome.to, app_sid, events="all", tag="MyClient_1")

    control.advance(outcome.ended)

    call = api.call(call_sid)
    assert call == {
        "call_sid": call_sid,
        "parent_call_sid": None,
        "created": at(0),
        "account_sid": api.account_sid,
        "from": api.from_number,
        "to": outcome.to,
        "number_sid": call["number_sid"],
        "direction": "outbound",
        "status": outcome.statuses[-1],
        "controller": receiver.url("/events"),
        "method": "POST",
        "timeout": 30,
        "updated": at(outcome.ended),
        "started": None if outcome.answered is None else at(outcome.answered),
        "ended": at(outcome.ended),
        "duration": outcome.duration,
        "price": outcome.price,
        "record_sid": None,  # a completed call does not mean the recording is ready [seed 001]
        "tag": "MyClient_1",
        "channel": "number",
    }
    assert control.call(call_sid)["scenario"] == outcome.scenario


@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda o: o.scenario)
def test_record_sid_appears_only_after_the_recording_delay(api, control, receiver, outcome) -> None:
    app_sid = api.create_application(receiver.url("/events"))
    call_sid = api.place_call(outcome.to, app_sid)
    control.advance(outcome.ended + 4)
    assert api.call(call_sid)["record_sid"] is None

    control.advance(1)

    record_sid = api.call(call_sid)["record_sid"]
    if outcome.recorded:
        assert record_sid.startswith("rec")
    else:
        assert record_sid is None


@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda o: o.scenario)
def test_controller_receives_every_status_event_in_order_as_a_form(api, control, receiver, outcome) -> None:
    app_sid = api.create_application(receiver.url("/events"), "POST")
    call_sid = api.place_call(outcome.to, app_sid, events="all")

    control.advance(outcome.ended)

    events = receiver.requests("/events")
    assert [e.method for e in events] == ["POST"] * len(outcome.statuses)
    assert {e.headers["content-type"] for e in events} == {"application/x-www-form-urlencoded"}
    common = {
        "call_sid": call_sid,
        "account_sid": api.account_sid,
        "from": api.from_number,
        "to": outcome.to,
        "direction": "outbound",
        "channel": "number",
        "created": at(0),
    }
    assert [e.form for e in events[:-1]] == [{**common, "status": s} for s in outcome.statuses[:-1]]
    assert events[-1].form == {**common, "status": outcome.statuses[-1], "duration": str(outcome.duration)}


def test_controller_of_a_get_application_receives_events_as_query_parameters(api, control, receiver) -> None:
    app_sid = api.create_application(receiver.url("/events"), "GET")
    call_sid = api.place_call("5550000001", app_sid, events="all")

    control.advance(3)

    events = receiver.requests("/events")
    assert [(e.method, e.body, e.query["status"]) for e in events] == [
        ("GET", b"", "queued"),
        ("GET", b"", "initiated"),
        ("GET", b"", "busy"),
    ]
    assert events[-1].query == {
        "call_sid": call_sid,
        "account_sid": api.account_sid,
        "from": api.from_number,
        "to": "5550000001",
        "direction": "outbound",
        "status": "busy",
        "channel": "number",
        "created": at(0),
        "duration": "0",
    }


def test_events_name_only_the_statuses_asked_for(api, control, receiver) -> None:
    app_sid = api.create_application(receiver.url("/events"))
    api.place_call("5550000003", app_sid, events="ringing|rejected")

    control.advance(6)

    assert [e.form["status"] for e in receiver.requests("/events")] == ["ringing", "rejected"]


def test_events_none_sends_nothing_before_the_answer(api, control, receiver) -> None:
    app_sid = api.create_application(receiver.url("/events"))
    api.place_call("5550000001", app_sid, events="none")

    control.advance(10)

    assert receiver.requests("/events") == []


def test_answered_call_fetches_the_controller_even_without_events(api, control, receiver) -> None:
    app_sid = api.create_application(receiver.url("/events"))
    call_sid = api.place_call(ANSWERED_TO, app_sid)

    control.advance(7)

    [fetch] = receiver.requests("/events")
    assert (fetch.form["call_sid"], fetch.form["status"]) == (call_sid, "answered")


def test_timeout_is_how_long_the_callee_may_ring(api, control, receiver) -> None:
    app_sid = api.create_application(receiver.url("/events"))
    call_sid = api.place_call("5550000002", app_sid, timeout=15)
    control.advance(14)
    assert api.call(call_sid)["status"] == "ringing"

    control.advance(1)

    call = api.call(call_sid)
    assert (call["status"], call["ended"], call["timeout"]) == ("no_answer", at(15), 15)


def test_known_scenario_header_overrides_the_number(api, control, receiver) -> None:
    app_sid = api.create_application(receiver.url("/events"))
    call_sid = api.place_call("5550000001", app_sid, scenario="answered")

    control.advance(37)

    assert api.call(call_sid)["status"] == "completed"
    assert control.call(call_sid)["scenario"] == "answered"


def test_unknown_scenario_header_is_rejected(api, control, receiver) -> None:
    app_sid = api.create_application(receiver.url("/events"))

    response = api.post(
        "/calls",
        {"from": api.from_number, "to": ANSWERED_TO, "call_app_sid": app_sid},
        headers={"X-Mock-Scenario": "no-such-scenario"},
    )

    assert response.status_code == 400
    assert response.json()["status_message"] == "BAD_REQUEST"
    assert "no-such-scenario" in response.json()["error_text"]
    assert control.calls() == []


def test_paths_also_answer_under_the_provider_prefix(api, receiver) -> None:
    app_sid = api.create_application(receiver.url("/events"))

    response = api.request(
        "POST",
        f"/apifonica{api.path('/calls')}",
        json={"from": api.from_number, "to": ANSWERED_TO, "call_app_sid": app_sid},
    )

    assert response.status_code == 201
    assert response.json()["uri"].startswith(f"/apifonica/v2/accounts/{api.account_sid}/calls/cal")
    assert api.request("GET", response.json()["uri"]).json()["status"] == "queued"
