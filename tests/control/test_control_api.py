"""The /_mock control API, on the real server with a virtual clock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.settings import Settings
from mockserver.testing.receiver import CallbackReceiver, Reply


class Apifonica:
    def __init__(self, control: Any) -> None:
        cred = control.credentials("apifonica")[0]
        self.acc = cred["account_sid"]
        self.http = httpx.Client(
            base_url=control.server.base_url, auth=(cred["account_sid"], cred["auth_token"]), timeout=10
        )

    def app(self, controller: str, events: str = "none") -> str:
        r = self.http.post(
            f"/v2/accounts/{self.acc}/applications",
            json={"controller": controller, "method": "POST", "events": events},
        )
        assert r.status_code == 201, r.text
        return str(r.json()["uri"].rsplit("/", 1)[1])

    def call(self, to: str, app_sid: str, **extra: Any) -> str:
        body = {"from": "15550009999", "to": to, "call_app_sid": app_sid, **extra}
        r = self.http.post(f"/v2/accounts/{self.acc}/calls", json=body)
        assert r.status_code == 201, r.text
        return str(r.json()["uri"].rsplit("/", 1)[1])


@pytest.fixture
def api(control: Any) -> Iterator[Apifonica]:
    api = Apifonica(control)
    yield api
    api.http.close()


def test_health_names_providers_and_the_clock(control: Any) -> None:
    body = control.http.get("/_mock/health").json()
    assert body["status"] == "ok"
    assert "apifonica" in body["providers"]
    assert body["clock"] == {"mode": "virtual", "now": "2026-01-01T09:00:00Z", "speed": 0.0}


def test_advance_moves_the_virtual_clock_and_runs_due_events(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    sid = api.call("4420000001", api.app(receiver.url("/c")))
    assert control.call(sid)["state"] == "queued"
    assert control.advance(3.5)["now"] == "2026-01-01T09:00:03.500000Z"
    call = control.call(sid)
    assert [h["state"] for h in call["history"]] == ["queued", "initiated", "ringing"]
    assert [h["at"] for h in call["history"]] == [
        "2026-01-01T09:00:00Z",
        "2026-01-01T09:00:01Z",
        "2026-01-01T09:00:03Z",
    ]


def test_advance_returns_after_the_callbacks_it_caused_were_attempted(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    sid = api.call("4420000001", api.app(receiver.url("/events")), events="all")
    control.advance(60)
    # no waiting: every status event is already at the receiver when advance answers
    statuses = [r.fields["status"] for r in receiver.requests("/events")]
    assert statuses == ["queued", "initiated", "ringing", "answered", "completed"]
    callbacks = control.callbacks(call_id=sid)
    assert len(callbacks) == 5
    assert all(c["attempts"] and c["delivered"] for c in callbacks)


@pytest.mark.parametrize("body", [{}, {"seconds": -1}, {"seconds": "10"}, {"seconds": True}, [1]])
def test_advance_rejects_bad_seconds(control: Any, body: Any) -> None:
    r = control.http.post("/_mock/clock/advance", json=body)
    assert r.status_code == 400
    assert r.json()["error"]["code"] in ("invalid_seconds", "invalid_json")


def test_advance_on_a_real_clock_is_a_conflict() -> None:
    with MockServer(Settings(clock="real", port=0)) as server:
        r = httpx.post(f"{server.base_url}/_mock/clock/advance", json={"seconds": 1})
        assert r.status_code == 409
        assert r.json()["error"]["code"] == "clock_not_virtual"
        assert httpx.get(f"{server.base_url}/_mock/clock").json()["mode"] == "real"


def test_reset_forgets_calls_journal_callbacks_and_applications_but_keeps_scenarios(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    app_sid = api.app(receiver.url("/events"))
    api.call("4420000001", app_sid, events="all")
    control.advance(10)
    put = control.http.put("/_mock/scenarios/mine", content="name: mine\nsteps: [{state: initiated}]\n")
    assert put.status_code == 200
    control.reset()
    assert control.calls() == []
    assert control.callbacks() == []
    assert control.http.get("/_mock/requests").json()["requests"] == []
    assert control.http.get("/_mock/clock").json()["now"] == "2026-01-01T09:00:00Z"
    assert api.http.get(f"/v2/accounts/{api.acc}/applications/{app_sid}").status_code == 404
    assert control.http.get("/_mock/scenarios/mine").status_code == 200


def test_a_seeded_run_hands_out_the_same_ids_after_every_reset(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    first = api.call("4420000001", api.app(receiver.url("/c")))
    control.reset()
    second = api.call("4420000001", api.app(receiver.url("/c")))
    assert first == second


def test_calls_filter_by_provider_state_and_to(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    app_sid = api.app(receiver.url("/c"))
    api.call("15550000001", app_sid)  # busy
    api.call("4420000001", app_sid)  # answered
    control.advance(10)
    assert {c["state"] for c in control.calls(provider="apifonica")} == {"busy", "answered"}
    assert [c["to"] for c in control.calls(state="busy")] == ["15550000001"]
    assert [c["scenario"] for c in control.calls(to="+1 555 000 0001")] == ["busy"]
    assert control.calls(provider="dillo") == []
    assert control.http.get("/_mock/calls", params={"state": "nope"}).status_code == 400


def test_a_call_is_found_by_neutral_or_provider_id(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    sid = api.call("4420000001", api.app(receiver.url("/c")), tag="t1")
    call = control.call(sid)
    assert call["provider_call_id"] == sid
    assert control.call(call["id"]) == call
    assert set(call) >= {
        "id",
        "provider",
        "provider_call_id",
        "account",
        "from",
        "to",
        "direction",
        "state",
        "scenario",
        "history",
        "digits",
    }
    r = control.http.get("/_mock/calls/nope")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_injected_answer_and_hangup_steer_a_call(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    sid = api.call("15550000002", api.app(receiver.url("/c")))  # no-answer: rings until the timeout
    control.advance(5)
    r = control.http.post(f"/_mock/calls/{sid}/events", json={"type": "answer", "by": "machine"})
    assert r.status_code == 200
    assert r.json()["state"] == "answered"
    assert r.json()["answered_by"] == "machine"
    control.advance(100)  # the ring timeout no longer applies
    assert control.call(sid)["state"] == "answered"
    r = control.http.post(f"/_mock/calls/{sid}/events", json={"type": "hangup"})
    assert r.json()["state"] == "completed"
    assert r.json()["ended_by"] == "callee"
    r = control.http.post(f"/_mock/calls/{sid}/events", json={"type": "hangup"})
    assert r.status_code == 409


def test_injected_digits_answer_a_waiting_get_input(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><response>'
        '<getInput timeoutGeneral="60"/><wait time="30"/></response>'
    )
    receiver.reply("/ctl", Reply(body=lambda r: "" if "digits" in r.fields else xml))
    sid = api.call("4420000001", api.app(receiver.url("/ctl")))  # answered at 7 s, no scripted input
    control.advance(10)
    r = control.http.post(f"/_mock/calls/{sid}/events", json={"type": "digits", "digits": "42#"})
    assert r.status_code == 200
    assert r.json()["digits"] == "42#"
    submitted = [q.fields["digits"] for q in receiver.requests("/ctl") if "digits" in q.fields]
    assert submitted == ["42"]


@pytest.mark.parametrize(
    "body",
    [
        {"type": "dance"},
        {"type": "digits", "digits": "12a"},
        {"type": "digits"},
        {"type": "answer", "by": "robot"},
    ],
)
def test_bad_events_are_400(control: Any, api: Apifonica, receiver: CallbackReceiver, body: Any) -> None:
    sid = api.call("4420000001", api.app(receiver.url("/c")))
    control.advance(10)
    r = control.http.post(f"/_mock/calls/{sid}/events", json=body)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_event"


def test_digits_on_a_call_not_answered_is_a_conflict(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    sid = api.call("4420000001", api.app(receiver.url("/c")))
    r = control.http.post(f"/_mock/calls/{sid}/events", json={"type": "digits", "digits": "1"})
    assert r.status_code == 409


def test_requests_journal_records_provider_requests(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    api.call("4420000001", api.app(receiver.url("/c")))
    api.http.get(f"/v2/accounts/{api.acc}/calls/nope")
    rows = control.http.get("/_mock/requests").json()["requests"]
    assert [(r["method"], r["status"], r["provider"]) for r in rows] == [
        ("POST", 201, "apifonica"),
        ("POST", 201, "apifonica"),
        ("GET", 404, "apifonica"),
    ]
    assert rows[0]["at"] == "2026-01-01T09:00:00Z"
    assert rows[0]["path"] == f"/v2/accounts/{api.acc}/applications"


def test_callbacks_filter_by_provider_call_and_url(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    a = api.call("4420000001", api.app(receiver.url("/a")), events="completed")
    b = api.call("4420000002", api.app(receiver.url("/b")), events="completed")
    control.advance(60)
    assert {c["url"] for c in control.callbacks()} == {receiver.url("/a"), receiver.url("/b")}
    assert {c["url"] for c in control.callbacks(call_id=a)} == {receiver.url("/a")}
    assert {c["params"].get("call_sid") or c["body"] for c in control.callbacks(url=receiver.url("/b"))}
    assert all(b in c["body"] for c in control.callbacks(url=receiver.url("/b")) if c["kind"] == "event")
    assert control.callbacks(provider="routee") == []


def test_scenarios_are_listed_and_a_new_one_is_used_by_name(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    names = [s["name"] for s in control.http.get("/_mock/scenarios").json()["scenarios"]]
    shipped = {"answered", "busy", "failed", "ivr", "long-call", "no-answer", "rejected", "voicemail"}
    assert shipped <= set(names)
    assert names == sorted(names)
    text = "name: quick-fail\nsteps:\n  - {after: 1, state: initiated}\n  - {after: 1, state: failed}\n"
    assert control.http.put("/_mock/scenarios/quick-fail", content=text).status_code == 200
    app_sid = api.app(receiver.url("/c"))
    r = api.http.post(
        f"/v2/accounts/{api.acc}/calls",
        json={"from": "15550009999", "to": "4420000001", "call_app_sid": app_sid},
        headers={"X-Mock-Scenario": "quick-fail"},
    )
    control.advance(5)
    assert control.call(r.json()["uri"].rsplit("/", 1)[1])["state"] == "failed"


def test_an_invalid_scenario_names_the_line(control: Any) -> None:
    text = "name: bad\nsteps:\n  - {after: 1, state: initiated}\n  - {after: 1, state: answered}\n"
    r = control.http.put("/_mock/scenarios/bad", content=text)
    assert r.status_code == 400
    assert r.json()["error"]["message"] == (
        "PUT /_mock/scenarios/bad:4: step 2: a call cannot go from initiated to answered"
    )
    r = control.http.put("/_mock/scenarios/other", content="name: bad\nsteps: [{state: initiated}]\n")
    assert r.status_code == 400


def test_credentials_are_listed_and_added(control: Any) -> None:
    before = control.credentials("apifonica")
    assert len(before) >= 1
    assert before[0]["account_sid"].startswith("acc")
    assert before[0]["auth_token"].startswith("aut")
    r = control.http.post("/_mock/credentials/apifonica", json={"name": "Second"})
    assert r.status_code == 201
    assert r.json()["name"] == "Second"
    assert r.json() in [{k: c[k] for k in r.json()} for c in control.credentials("apifonica")]
    assert control.http.post("/_mock/credentials/nope", json={}).status_code == 404
    r = control.http.post("/_mock/credentials/apifonica", json={"numbers": "x"})
    assert r.status_code == 400


def test_a_forced_scenario_applies_to_every_new_call_until_reset(
    control: Any, api: Apifonica, receiver: CallbackReceiver
) -> None:
    assert control.http.put("/_mock/forced-scenario", json={"name": "busy"}).status_code == 200
    assert control.http.get("/_mock/forced-scenario").json() == {"name": "busy"}
    app_sid = api.app(receiver.url("/c"))
    first = api.call("4420000001", app_sid)
    control.advance(5)
    assert control.call(first)["scenario"] == "busy"
    assert control.http.put("/_mock/forced-scenario", json={"name": "nope"}).status_code == 400
    assert control.http.delete("/_mock/forced-scenario").json() == {"name": None}
    second = api.call("4420000001", app_sid)
    assert control.call(second)["scenario"] == "answered"
    control.http.put("/_mock/forced-scenario", json={"name": "busy"})
    control.reset()
    assert control.http.get("/_mock/forced-scenario").json() == {"name": None}


def test_inbound_calls_need_a_provider_that_emulates_them(control: Any) -> None:
    r = control.http.post("/_mock/inbound", json={"provider": "apifonica", "from": "4420", "to": "4421"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "not_implemented_inbound"
    bad = control.http.post("/_mock/inbound", json={"provider": "nope", "from": "1", "to": "2"})
    assert bad.status_code == 400
    assert control.http.post("/_mock/inbound", json={"provider": "apifonica"}).status_code == 400


def test_inbound_sms_needs_a_provider_that_emulates_it(control: Any) -> None:
    body = {"provider": "apifonica", "from": "4420", "to": "4421", "text": "hi"}
    r = control.http.post("/_mock/inbound-sms", json=body)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "not_implemented_inbound"
    assert control.http.post("/_mock/inbound-sms", json={**body, "text": 5}).status_code == 400
    assert control.http.post("/_mock/inbound-sms", json={**body, "provider": "x"}).status_code == 400


def test_inbound_sms_to_a_number_nobody_owns_is_404(control: Any) -> None:
    body = {"provider": "callr", "from": "+33612345678", "to": "+33100000000", "text": "hi"}
    r = control.http.post("/_mock/inbound-sms", json=body)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
