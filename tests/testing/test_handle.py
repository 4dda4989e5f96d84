"""TelephonyMock, the handle the pytest plugin hands out, against the session's real server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.testing.handle import MockAPIError, TelephonyMock, callback_fields

ANSWERED_ONCE = """\
name: answered-once
description: answered at 3 s, the callee hangs up at 13 s
steps:
  - {after: 1, state: initiated}
  - {after: 1, state: ringing}
  - {after: 1, state: answered, by: human}
  - {after: 10, state: completed, by: callee}
"""


@pytest.fixture
def mock(mock_server: MockServer) -> Iterator[TelephonyMock]:
    with TelephonyMock(mock_server.base_url) as handle:
        handle.reset()
        yield handle


def place_call(mock: TelephonyMock, to: str = "442079460001", *, provider_prefix: bool = False) -> str:
    """An Apifonica call whose controller is the built-in sink ``ctl``; returns its call_sid."""
    cred = mock.credentials("apifonica")
    base = mock.base_url_for("apifonica") if provider_prefix else mock.base_url
    acc = cred["account_sid"]
    with httpx.Client(base_url=base, auth=(acc, cred["auth_token"])) as api:
        response = api.post(
            f"/v2/accounts/{acc}/calls",
            json={"from": "442071234567", "to": to, "controller": mock.sink("ctl").url, "events": "all"},
        )
    assert response.status_code == 201, response.text
    return str(response.json()["uri"].rsplit("/", 1)[1])


def statuses(mock: TelephonyMock, sid: str) -> list[str]:
    return [callback_fields(c)["status"] for c in mock.callbacks(call_id=sid)]


def test_a_call_placed_under_the_provider_prefix_is_listed(mock: TelephonyMock) -> None:
    assert mock.base_url_for("apifonica") == f"{mock.base_url}/apifonica"
    sid = place_call(mock, provider_prefix=True)
    [call] = mock.calls(provider="apifonica")
    assert call["provider_call_id"] == sid
    assert mock.call(sid)["state"] == "queued"
    assert mock.calls(state="completed") == []
    assert [r["method"] for r in mock.requests("apifonica")] == ["POST"]


def test_advance_moves_the_virtual_clock_and_runs_the_call(mock: TelephonyMock) -> None:
    start = mock.now()
    assert start == datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    sid = place_call(mock)
    assert (mock.advance(60) - start).total_seconds() == 60
    assert mock.call(sid)["state"] == "completed"
    assert statuses(mock, sid) == ["queued", "initiated", "ringing", "answered", "completed"]
    assert [r["form"]["status"] for r in mock.sink("ctl").requests()] == statuses(mock, sid)


def test_wait_for_callback_finds_the_matching_one(mock: TelephonyMock) -> None:
    sid = place_call(mock)
    mock.advance(60)
    completed = mock.wait_for_callback(lambda c: callback_fields(c)["status"] == "completed", call_id=sid)
    assert completed["kind"] == "event"
    assert mock.wait_for_callback(kind="fetch")["call_id"] == mock.call(sid)["id"]
    assert len(mock.wait_for_callbacks(5, call_id=sid, delivered=True)) == 5


def test_wait_for_callback_times_out_when_none_comes(mock: TelephonyMock) -> None:
    place_call(mock)
    with pytest.raises(TimeoutError, match="0 of 1"):
        mock.wait_for_callback(lambda c: callback_fields(c)["status"] == "completed", timeout=0.2)
    with pytest.raises(TypeError, match="callid"):
        mock.wait_for_callback(callid="x")


def test_sink_reply_plays_the_controller(mock: TelephonyMock) -> None:
    xml = '<?xml version="1.0" encoding="UTF-8"?><response><wait time="4"/><endCall/></response>'
    mock.sink("ctl").reply(xml, content_type="text/xml")
    sid = place_call(mock)
    mock.advance(60)
    call = mock.call(sid)
    assert call["ended_by"] == "caller"
    assert call["duration"] == 4


def test_use_scenario_forces_every_new_call_until_cleared(mock: TelephonyMock) -> None:
    mock.use_scenario("busy")
    first = place_call(mock)
    mock.use_scenario(None)
    second = place_call(mock)
    mock.advance(60)
    assert (mock.call(first)["state"], mock.call(second)["state"]) == ("busy", "completed")


def test_load_scenario_adds_it_and_reports_errors(mock: TelephonyMock) -> None:
    assert mock.load_scenario(ANSWERED_ONCE)["name"] == "answered-once"
    mock.use_scenario("answered-once")
    sid = place_call(mock)
    mock.advance(60)
    assert mock.call(sid)["duration"] == 10
    with pytest.raises(MockAPIError) as error:
        mock.load_scenario("name: broken\nsteps: [{after: 1, state: answered}]\n")
    assert (error.value.status, error.value.code) == (400, "invalid_scenario")
    with pytest.raises(ValueError, match="name"):
        mock.load_scenario("- just a list\n")


def test_inject_answers_and_hangs_up(mock: TelephonyMock) -> None:
    mock.use_scenario("no-answer")
    sid = place_call(mock)
    assert mock.inject(sid, "answer", by="machine")["answered_by"] == "machine"
    mock.advance(2)
    assert mock.inject(sid, "hangup")["state"] == "completed"
    with pytest.raises(MockAPIError) as error:
        mock.inject(sid, "hangup")
    assert error.value.status == 409


def test_errors_carry_the_control_apis_code(mock: TelephonyMock) -> None:
    with pytest.raises(MockAPIError) as error:
        mock.call("cal-nope")
    assert (error.value.status, error.value.code) == (404, "not_found")


def test_credentials_can_be_added(mock: TelephonyMock) -> None:
    added = mock.add_credentials("apifonica", name="Second account")
    assert mock.all_credentials("apifonica")[-1] == added
    assert mock.credentials("apifonica") != added


def test_reset_forgets_calls_and_restarts_clock_and_ids(mock: TelephonyMock) -> None:
    sid = place_call(mock)
    mock.use_scenario("busy")
    mock.advance(30)
    mock.reset()
    assert (mock.calls(), mock.callbacks(), mock.requests()) == ([], [], [])
    assert mock.now() == datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
    assert place_call(mock) == sid  # the seed gives the same ids again, and no forced scenario
    mock.advance(60)
    assert mock.call(sid)["state"] == "completed"


def test_a_fault_fails_the_first_request_in_the_providers_format(mock: TelephonyMock) -> None:
    rule = mock.fault(provider="apifonica", method="POST", path="/v2/accounts/*/calls", status=503, times=1)
    assert rule["hits"] == 0
    with pytest.raises(AssertionError, match="503"):
        place_call(mock)
    place_call(mock)
    [listed] = mock.faults()
    assert (listed["id"], listed["hits"]) == (rule["id"], 1)
    mock.remove_fault(rule["id"])
    mock.fault(provider="apifonica", latency=(0.0, 0.01))
    mock.clear_faults()
    assert mock.faults() == []


def test_a_callback_fault_duplicates_deliveries(mock: TelephonyMock) -> None:
    mock.callback_fault(url=f"{mock.base_url}/_mock/sink/*", duplicate=True)
    sid = place_call(mock)
    mock.advance(60)
    assert statuses(mock, sid).count("completed") == 2


def test_reset_drops_faults_added_at_run_time(mock: TelephonyMock) -> None:
    mock.fault(provider="apifonica", status=500)
    mock.reset()
    assert mock.faults() == []
