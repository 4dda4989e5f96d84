"""Fault injection: provider requests that fail, slow down or drop; callbacks delayed, shuffled, doubled."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.settings import Settings
from mockserver.testing.receiver import CallbackReceiver

CALLS = "/v2/accounts/*/calls"


class Api:
    def __init__(self, control: Any) -> None:
        cred = control.credentials("apifonica")[0]
        self.acc = cred["account_sid"]
        self.http = httpx.Client(
            base_url=control.server.base_url, auth=(self.acc, cred["auth_token"]), timeout=10
        )
        app = self.http.post(
            f"/v2/accounts/{self.acc}/applications",
            json={"controller": f"{control.server.base_url}/_mock/sink/f", "method": "POST"},
        )
        self.app = app.json()["uri"].rsplit("/", 1)[1]

    def place(self, to: str = "442079460001", **extra: Any) -> httpx.Response:
        body = {"from": "442071234567", "to": to, "call_app_sid": self.app, **extra}
        return self.http.post(f"/v2/accounts/{self.acc}/calls", json=body)


@pytest.fixture
def api(control: Any) -> Iterator[Api]:
    api = Api(control)
    yield api
    api.http.close()


def add_fault(control: Any, **rule: Any) -> dict[str, Any]:
    r = control.http.post("/_mock/faults", json=rule)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_fail_the_first_n_matching_requests_in_the_providers_error_format(control: Any, api: Api) -> None:
    rule = add_fault(control, provider="apifonica", method="POST", path=CALLS, status=503, times=2)
    assert rule["id"].startswith("fault-")
    first, second, third = api.place(), api.place(), api.place()
    assert [first.status_code, second.status_code, third.status_code] == [503, 503, 201]
    assert first.json()["status_message"] == "SERVICE_UNAVAILABLE"
    assert first.json()["status_code"] == 503
    assert control.http.get("/_mock/faults").json()["faults"][0]["hits"] == 2
    statuses = [r["status"] for r in control.http.get("/_mock/requests").json()["requests"]]
    assert statuses[-3:] == [503, 503, 201]
    assert len(control.calls()) == 1  # the faulted requests placed nothing


def test_rate_limit_answers_429_with_retry_after(control: Any, api: Api) -> None:
    add_fault(control, path=CALLS, method="POST", retry_after=2.5, error="slow down")
    r = api.place()
    assert r.status_code == 429
    assert r.headers["retry-after"] == "3"
    assert r.json()["error_text"] == "slow down"


def test_drop_closes_the_connection_mid_response(control: Any, api: Api) -> None:
    add_fault(control, path=CALLS, drop=True, times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        api.place()
    assert api.place().status_code == 201


def test_latency_delays_the_answer(control: Any, api: Api) -> None:
    add_fault(control, path=f"{CALLS}/*", method="GET", latency=[0.2, 0.3])
    sid = api.place().json()["uri"].rsplit("/", 1)[1]
    started = time.monotonic()
    r = api.http.get(f"/v2/accounts/{api.acc}/calls/{sid}")
    assert r.status_code == 200
    assert time.monotonic() - started >= 0.2


def test_probability_is_reproducible_with_the_seed(control: Any, api: Api) -> None:
    def pattern() -> list[int]:
        add_fault(control, path=CALLS, method="POST", status=500, probability=0.5)
        return [api.place().status_code for _ in range(16)]

    first = pattern()
    assert set(first) == {201, 500}
    control.reset()
    api.http.close()
    api.__init__(control)  # type: ignore[misc]  # the application went with the reset
    assert pattern() == first


def test_the_mounted_path_matches_the_same_rule(control: Any, api: Api) -> None:
    add_fault(control, path=CALLS, method="POST", status=502)
    r = api.http.post(f"/apifonica/v2/accounts/{api.acc}/calls", json={})
    assert r.status_code == 502


def test_delete_one_rule_or_all(control: Any) -> None:
    one = add_fault(control, path="/x", status=500)
    add_fault(control, path="/y", status=500)
    assert control.http.delete(f"/_mock/faults/{one['id']}").status_code == 200
    assert [f["path"] for f in control.http.get("/_mock/faults").json()["faults"]] == ["/y"]
    assert control.http.delete("/_mock/faults/nope").status_code == 404
    assert control.http.delete("/_mock/faults").json() == {"faults": []}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"path": "/x"}, "needs status, latency, drop or retry_after"),
        ({"status": 200}, "status must be a number from 400 to 599"),
        ({"status": 500, "provider": "nope"}, "unknown provider"),
        ({"status": 500, "colour": "red"}, "unknown field 'colour'"),
        ({"latency": [3, 1]}, "latency must be within"),
        ({"latency": "slow"}, "latency must be seconds or [low, high]"),
        ({"status": 500, "probability": 2}, "probability must be a number from 0 to 1"),
        ({"status": 500, "method": "FETCH"}, "method must be one of"),
        ({"target": "callbacks"}, "needs delay, reorder or duplicate"),
        ({"target": "callbacks", "status": 500}, "unknown field 'status'"),
        ({"target": "elsewhere"}, "target must be inbound or callbacks"),
    ],
)
def test_invalid_rules_are_400(control: Any, rule: dict[str, Any], message: str) -> None:
    r = control.http.post("/_mock/faults", json=rule)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_fault"
    assert message in r.json()["error"]["message"]


def status_events(receiver: CallbackReceiver, path: str) -> list[str]:
    """Status events received (the controller fetch on answer, which carries status=answered, left out)."""
    return [
        r.form["status"] for r in receiver.requests(path) if r.form.get("status", "answered") != "answered"
    ]


def test_callbacks_delayed_on_the_mock_clock(control: Any, api: Api, receiver: CallbackReceiver) -> None:
    add_fault(control, target="callbacks", url=receiver.url("/late"), delay=30)
    api.place(events="completed", controller=receiver.url("/late"))
    control.advance(40)  # completed at 37 s, due at 67 s
    assert status_events(receiver, "/late") == []
    assert len(receiver.requests("/late")) == 1  # the controller fetch on answer is not delayed
    control.advance(30)
    assert status_events(receiver, "/late") == ["completed"]
    [event] = control.callbacks(kind="event")
    assert event["attempts"][0]["at"] == "2026-01-01T09:01:07Z"
    assert event["fault"] == "fault-1"


def test_callbacks_duplicated(control: Any, api: Api, receiver: CallbackReceiver) -> None:
    add_fault(control, target="callbacks", url=f"{receiver.url('/dup')}*", duplicate=True)
    api.place(events="initiated|ringing", controller=receiver.url("/dup"))
    control.advance(5)
    assert status_events(receiver, "/dup") == ["initiated", "initiated", "ringing", "ringing"]
    copies = [c for c in control.callbacks(kind="event") if (c["fault"] or "").startswith("duplicate of")]
    assert len(copies) == 2


def test_callbacks_shuffled_arrive_out_of_order(control: Any, api: Api, receiver: CallbackReceiver) -> None:
    add_fault(control, target="callbacks", url=receiver.url("/mixed"), reorder=60)
    api.place(to="15550000007", events="queued|initiated|ringing", controller=receiver.url("/mixed"))
    control.advance(120)
    got = status_events(receiver, "/mixed")
    assert sorted(got) == sorted(["queued", "initiated", "ringing"])
    assert got != ["queued", "initiated", "ringing"]


def test_rules_from_a_file_are_loaded_at_start_and_kept_across_resets(tmp_path: Path) -> None:
    rules = tmp_path / "faults.yaml"
    rules.write_text("- {provider: apifonica, path: /v2/accounts/*, status: 503}\n", encoding="utf-8")
    with (
        MockServer(Settings(clock="virtual", port=0, faults=rules)) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        assert [f["id"] for f in http.get("/_mock/faults").json()["faults"]] == ["startup-1"]
        http.post("/_mock/faults", json={"path": "/x", "status": 500})
        http.post("/_mock/reset")
        assert [f["id"] for f in http.get("/_mock/faults").json()["faults"]] == ["startup-1"]
        cred = http.get("/_mock/credentials").json()["apifonica"][0]
        r = http.get(f"/v2/accounts/{cred['account_sid']}", auth=(cred["account_sid"], cred["auth_token"]))
        assert r.status_code == 503


def test_a_bad_fault_file_stops_the_start(tmp_path: Path) -> None:
    from mockserver.app import ConfigError, create_app

    rules = tmp_path / "faults.yaml"
    rules.write_text("- {status: 200}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="status must be a number"):
        create_app(Settings(clock="virtual", faults=rules))


def test_a_json_rpc_method_can_be_faulted_alone(control: Any) -> None:
    cred = control.credentials("callr")[0]
    auth = (cred["login"], cred["password"])

    def rpc(method: str) -> httpx.Response:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": []}
        return control.http.post("/json-rpc/v1.1/", json=body, auth=auth)

    add_fault(control, provider="callr", rpc_method="system.get_timestamp", status=503, error="down")
    faulted = rpc("system.get_timestamp")
    assert faulted.status_code == 503
    assert faulted.json()["error"]["data"]["detail"] == "down"
    assert rpc("billing.get_prepaid_credit").status_code == 200
