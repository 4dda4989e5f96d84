"""With ``--clock auto`` a client that never calls /_mock/clock/advance still sees its calls finish, with
realistic timestamps, in milliseconds of wall time — through the real HTTP surface."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.settings import Settings


@pytest.fixture
def auto_server() -> Iterator[MockServer]:
    with MockServer(Settings(clock="auto", port=0, seed=3)) as server:
        yield server


def place_busy_call(http: httpx.Client) -> tuple[str, dict[str, str]]:
    cred = http.get("/_mock/credentials").json()["apifonica"][0]
    acc, auth = cred["account_sid"], (cred["account_sid"], cred["auth_token"])
    app = http.post(
        f"/v2/accounts/{acc}/applications",
        auth=auth,
        json={"controller": str(http.base_url) + "/_mock/sink/ctl", "method": "POST"},
    )
    sid = app.json()["uri"].rsplit("/", 1)[1]
    body = {"from": "442071234567", "to": "15550000001", "call_app_sid": sid, "events": "all"}
    call = http.post(f"/v2/accounts/{acc}/calls", auth=auth, json=body)
    assert call.status_code == 201, call.text
    return call.json()["uri"], {"acc": acc, "token": cred["auth_token"]}


def test_a_call_finishes_without_any_advance(auto_server: MockServer) -> None:
    with httpx.Client(base_url=auto_server.base_url, timeout=30) as http:
        uri, cred = place_busy_call(http)
        # Wait on an explicit condition (the long-poll is not counted as activity): three events sent.
        events = http.get("/_mock/callbacks", params={"wait": 10, "count": 3}).json()["callbacks"]
        call = http.get(uri, auth=(cred["acc"], cred["token"])).json()
        clock = http.get("/_mock/clock").json()

    assert len(events) == 3
    assert call["status"] == "busy"
    assert clock["mode"] == "auto"
    assert datetime.fromisoformat(clock["now"].replace("Z", "+00:00")) > datetime.fromisoformat(
        "2026-01-01T09:00:00+00:00"
    )


def test_the_same_requests_give_the_same_calls_and_times(auto_server: MockServer) -> None:
    def run() -> list[dict[str, Any]]:
        with httpx.Client(base_url=auto_server.base_url, timeout=30) as http:
            assert http.post("/_mock/reset").status_code == 200
            place_busy_call(http)
            http.get("/_mock/callbacks", params={"wait": 10, "count": 3})
            return list(http.get("/_mock/calls").json()["calls"])

    assert run() == run()
