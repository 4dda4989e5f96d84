"""POST /_mock/snapshot and /_mock/restore: the whole state as JSON, and back, on the real server."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.providers import REGISTRY

SLOW_ANSWER = """\
name: slow-answer
numbers: ["5550000099"]
steps:
  - {after: 1, state: initiated}
  - {after: 1, state: ringing}
  - {after: 25, state: answered, by: human}
  - {after: 200, state: completed, by: callee}
"""
CONTROL_VIEWS = [
    "/_mock/calls",
    "/_mock/callbacks",
    "/_mock/requests",
    "/_mock/journal",
    "/_mock/timeline",
    "/_mock/faults",
    "/_mock/scenarios",
    "/_mock/forced-scenario",
    "/_mock/credentials",
    "/_mock/sink/ctl/requests",
    "/_mock/sink/other/requests",
]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class Apifonica:
    def __init__(self, control: Any) -> None:
        cred = control.credentials("apifonica")[0]
        self.acc = cred["account_sid"]
        self.base = control.server.base_url
        self.http = httpx.Client(base_url=self.base, auth=(self.acc, cred["auth_token"]), timeout=10)

    def app(self) -> str:
        body = {"controller": f"{self.base}/_mock/sink/ctl", "method": "POST"}
        r = self.http.post(f"/v2/accounts/{self.acc}/applications", json=body)
        return str(r.json()["uri"].rsplit("/", 1)[1])

    def place(self, to: str, app: str, **extra: Any) -> str:
        body = {"from": "442071234567", "to": to, "call_app_sid": app, "events": "all", **extra}
        r = self.http.post(f"/v2/accounts/{self.acc}/calls", json=body)
        assert r.status_code == 201, r.text
        return str(r.json()["uri"].rsplit("/", 1)[1])

    def views(self) -> dict[str, Any]:
        paths = ["calls", "recordings", "applications", "messages"]
        return {p: self.http.get(f"/v2/accounts/{self.acc}/{p}").json() for p in paths}


@pytest.fixture
def api(control: Any) -> Iterator[Apifonica]:
    api = Apifonica(control)
    yield api
    api.http.close()


def snapshot(control: Any) -> dict[str, Any]:
    r = control.http.post("/_mock/snapshot")
    assert r.status_code == 200, r.text
    return dict(r.json())


def restore(control: Any, data: Any) -> httpx.Response:
    return control.http.post("/_mock/restore", content=json.dumps(data))


def control_views(control: Any) -> dict[str, Any]:
    views = {path: control.http.get(path).json() for path in CONTROL_VIEWS}
    for delivery in views["/_mock/callbacks"]["callbacks"]:
        for attempt in delivery["attempts"]:
            attempt.pop("elapsed_ms")  # wall-clock time of the request: differs from run to run
    return views


def busy_day(control: Any, api: Apifonica) -> dict[str, str]:
    """Calls of several scenarios, an app, a message, a recording, faults, a runtime scenario, sinks."""
    assert control.http.put("/_mock/scenarios/slow-answer", content=SLOW_ANSWER).status_code == 200
    fault = {"provider": "apifonica", "method": "GET", "path": "/v2/accounts/*/messages", "status": 503}
    assert control.http.post("/_mock/faults", json={**fault, "times": 1}).status_code == 201
    app = api.app()
    sids = {
        name: api.place(to, app)
        for name, to in [
            ("ivr", "15550000006"),  # completes at 126 s, recorded: the recording is ready at 131 s
            ("busy", "15550000001"),
            ("long", "15550000007"),  # answered at 6 s, up for an hour
            ("slow", "15550000099"),  # the runtime scenario: answered at 27 s, completes at 227 s
        ]
    }
    sids["no_answer"] = api.place("15550000002", app, timeout=200)  # rings until 200 s
    message = {"from": "442071234567", "to": "15550000001", "text": "hi"}
    assert api.http.post(f"/v2/accounts/{api.acc}/messages", json=message).status_code == 201
    assert api.http.get(f"/v2/accounts/{api.acc}/messages").status_code == 503  # the fault, hit once
    control.advance(20)
    control.http.post(f"/_mock/calls/{sids['long']}/events", json={"type": "digits", "digits": "42"})
    control.http.post("/_mock/sink/other/hook?x=1", data={"a": "b"})
    control.http.put("/_mock/forced-scenario", json={"name": "slow-answer"})
    control.advance(108)  # 09:02:08: the ivr call has ended, its recording is not ready yet
    return sids


def test_a_restored_snapshot_answers_every_view_the_same_and_ids_go_on(control: Any, api: Apifonica) -> None:
    sids = busy_day(control, api)
    taken = snapshot(control)
    assert taken["version"] == 1
    assert {c["history"][-1]["state"] for c in taken["calls"]} >= {"answered", "ringing", "completed", "busy"}
    assert restore(control, taken).status_code == 200
    assert snapshot(control) == taken

    before = (control_views(control), api.views())
    next_before = api.place("15550000007", api.app())
    control.advance(120)
    after_run = (control_views(control), api.views())

    control.reset()
    r = restore(control, taken)
    assert r.status_code == 200, r.text
    assert r.json()["clock"]["now"] == "2026-01-01T09:02:08Z"
    assert (control_views(control), api.views()) == before
    assert api.place("15550000007", api.app()) == next_before
    control.advance(120)
    assert (control_views(control), api.views()) == after_run
    ivr = control.call(sids["ivr"])
    assert ivr["recording"]["created_at"] == "2026-01-01T09:02:11Z"
    assert api.views()["recordings"]["recordings"][0]["call_sid"] == sids["ivr"]


def test_a_live_call_resumes_its_scenario_after_a_restore(control: Any, api: Apifonica) -> None:
    app = api.app()
    long_call = api.place("15550000007", app)
    ringing = api.place("15550000002", app, timeout=90)
    control.advance(100)
    taken = snapshot(control)
    control.reset()
    control.advance(5000)  # whatever happens in between
    assert restore(control, taken).status_code == 200
    assert control.call(long_call)["state"] == "answered"
    assert control.call(ringing)["state"] == "no_answer"
    control.advance(3505)
    assert control.call(long_call)["state"] == "answered"
    control.advance(1)
    call = control.call(long_call)
    assert (call["state"], call["ended_at"], call["duration"]) == ("completed", "2026-01-01T10:00:06Z", 3600)
    status = api.http.get(f"/v2/accounts/{api.acc}/calls/{long_call}").json()["status"]
    assert status == "completed"


def test_a_ringing_call_still_gives_up_at_its_ring_timeout_after_a_restore(
    control: Any, api: Apifonica
) -> None:
    sid = api.place("15550000002", api.app(), timeout=90)
    control.advance(30)
    taken = snapshot(control)
    control.reset()
    assert restore(control, taken).status_code == 200
    control.advance(59)
    assert control.call(sid)["state"] == "ringing"
    control.advance(1)
    assert control.call(sid)["ended_at"] == "2026-01-01T09:01:30Z"


def test_a_restore_that_cannot_be_loaded_answers_400_and_changes_nothing(
    control: Any, api: Apifonica
) -> None:
    sid = api.place("15550000007", api.app())
    control.advance(10)
    taken = snapshot(control)
    broken = json.loads(json.dumps(taken))
    broken["calls"][0]["history"][1]["at"] = "yesterday"
    r = restore(control, broken)
    assert r.status_code == 400
    assert r.json()["error"] == {
        "code": "invalid_snapshot",
        "message": "calls[0].history[1].at: not an ISO 8601 time: 'yesterday'",
    }
    r = restore(control, {**taken, "version": 2})
    assert r.json()["error"]["message"] == "version: this server reads snapshots of version 1, not 2"
    bad_provider = {**taken, "providers": {"apifonica": {"calls": [{"call_id": 5}]}}}
    assert "providers.apifonica.calls[0].call_id" in restore(control, bad_provider).json()["error"]["message"]
    assert control.http.post("/_mock/restore", content=b"{").json()["error"]["code"] == "invalid_json"
    assert snapshot(control) == taken
    assert control.call(sid)["state"] == "answered"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


def assert_still_serving(control: Any, r: httpx.Response) -> None:
    """Whatever was loaded, every view answers, and time runs without an internal error."""
    assert r.status_code in (200, 400), r.text
    if r.status_code == 400:  # nothing changed (a test above shows it): nothing more to look at
        assert r.json()["error"]["code"] in ("invalid_json", "invalid_snapshot")
        return
    for path in CONTROL_VIEWS:
        assert control.http.get(path).status_code == 200, path
    assert control.http.post("/_mock/snapshot").status_code == 200
    for cred in control.credentials("apifonica"):
        auth = (cred["account_sid"], cred["auth_token"])
        for what in ("calls", "recordings", "applications", "messages"):
            r = control.http.get(f"/v2/accounts/{cred['account_sid']}/{what}", auth=auth)
            assert r.status_code < 500, r.text
    errors = len(control.server.state.scheduler.errors)
    control.advance(4000)
    assert control.server.state.scheduler.errors[errors:] == []


@FUZZ
@given(body=JSON | st.fixed_dictionaries({"version": st.just(1)}, optional={"calls": JSON, "clock": JSON}))
def test_restoring_any_json_answers_400_or_200_never_500(control: Any, body: Any) -> None:
    assert_still_serving(control, restore(control, body))


def paths_of(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from paths_of(value, (*prefix, key))


@pytest.fixture
def taken(control: Any, api: Apifonica) -> dict[str, Any]:
    app = api.app()
    for to in ("15550000006", "15550000007", "15550000001"):
        api.place(to, app)
    api.http.post(f"/v2/accounts/{api.acc}/messages", json={"from": "1", "to": "2", "text": "x"})
    control.http.post("/_mock/faults", json={"target": "callbacks", "delay": 1})
    control.advance(10)
    return snapshot(control)


@FUZZ
@given(data=st.data())
def test_restoring_a_damaged_snapshot_answers_400_or_200_never_500(
    control: Any, taken: dict[str, Any], data: st.DataObject
) -> None:
    damaged = json.loads(json.dumps(taken))
    path = data.draw(st.sampled_from([p for p in paths_of(damaged) if p and p[0] != "random"]))
    parent = damaged
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = data.draw(JSON)
    assert_still_serving(control, restore(control, damaged))


# -- every provider's hooks ----------------------------------------------------------------------
def load_driver(name: str) -> Any:
    path = Path(__file__).parents[1] / "providers" / name / "driver.py"
    spec = importlib.util.spec_from_file_location(f"snapshot_driver_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Driver


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_providers_snapshot_is_json_and_restores_to_itself(control: Any, name: str) -> None:
    driver = load_driver(name)(control.server.base_url, control.http)
    try:
        live, done = driver.place("15550000007"), driver.place("15550000001")
        control.advance(30)
        statuses = (driver.status(live), driver.status(done))
        provider = control.server.state.providers[name]
        json.dumps(provider.snapshot())  # JSON-ready as it is, not only once the route encodes it
        taken = snapshot(control)
        control.reset()
        assert restore(control, taken).status_code == 200
        assert snapshot(control)["providers"][name] == taken["providers"][name]
        if taken["providers"][name]:  # a provider that keeps nothing yet cannot answer for its calls
            assert (driver.status(live), driver.status(done)) == statuses
    finally:
        driver.close()
