"""GET /_mock/callbacks?wait=: wait for callbacks on a condition instead of sleeping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.settings import Settings


@pytest.fixture(scope="module")
def fast_server() -> Iterator[MockServer]:
    # A scaled clock at 200x: the 37 s of the default scenario pass in about 0.2 s of wall time.
    with MockServer(Settings(clock="scaled", speed=200, port=0, seed=3)) as server:
        yield server


def place_call(base_url: str, events: str) -> str:
    cred = httpx.get(f"{base_url}/_mock/credentials").json()["apifonica"][0]
    acc = cred["account_sid"]
    with httpx.Client(base_url=base_url, auth=(acc, cred["auth_token"])) as api:
        return _place(api, base_url, acc, events)


def _place(api: httpx.Client, base_url: str, acc: str, events: str) -> str:
    app = api.post(
        f"/v2/accounts/{acc}/applications",
        json={"controller": f"{base_url}/_mock/sink/lp", "method": "POST"},
    )
    call = api.post(
        f"/v2/accounts/{acc}/calls",
        json={
            "from": "442071234567",
            "to": "442079460001",
            "call_app_sid": app.json()["uri"].rsplit("/", 1)[1],
            "events": events,
        },
    )
    return str(call.json()["uri"].rsplit("/", 1)[1])


def test_wait_returns_once_enough_callbacks_were_attempted(fast_server: MockServer) -> None:
    sid = place_call(fast_server.base_url, "all")
    r = httpx.get(
        f"{fast_server.base_url}/_mock/callbacks",
        params={"call_id": sid, "kind": "event", "wait": 10, "count": 4},
        timeout=15,
    )
    events = [c for c in r.json()["callbacks"] if c["attempts"]]
    assert len(events) >= 4
    assert all(c["delivered"] for c in events)


def test_wait_answers_what_there_is_when_the_time_is_up(fast_server: MockServer) -> None:
    r = httpx.get(
        f"{fast_server.base_url}/_mock/callbacks", params={"url": "http://nowhere/", "wait": 0.2}, timeout=5
    )
    assert r.status_code == 200
    assert r.json()["callbacks"] == []


@pytest.mark.parametrize(
    "params", [{"wait": "x"}, {"wait": 61}, {"wait": -1}, {"count": 0}, {"delivered": "maybe"}]
)
def test_bad_wait_parameters_are_400(control: Any, params: dict[str, Any]) -> None:
    r = control.http.get("/_mock/callbacks", params=params)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_filter"
