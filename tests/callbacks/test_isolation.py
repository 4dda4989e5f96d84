"""A slow, stuck or dead receiver delays only its own callbacks (issue 13.1), through the real server.

Each test starts its own server with small limits (2 in flight per origin, 4 in all), so a handful of
calls is enough to fill them: before the fix, deliveries queued for a stuck origin held every global place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.settings import Settings
from mockserver.testing.receiver import CallbackReceiver
from tests.callbacks.conftest import SilentReceiver

BUSY = "5550000001"  # Apifonica's scenario by number: initiated at 1 s, busy at 3 s


class Apifonica:
    def __init__(self, server: MockServer) -> None:
        self.control = httpx.Client(base_url=server.base_url, timeout=60)
        cred = self.control.get("/_mock/credentials").json()["apifonica"][0]
        self.acc = cred["account_sid"]
        self.http = httpx.Client(base_url=server.base_url, auth=(self.acc, cred["auth_token"]), timeout=30)

    def call(self, controller: str, events: str) -> str:
        app = self.http.post(
            f"/v2/accounts/{self.acc}/applications", json={"controller": controller, "method": "POST"}
        )
        sid = app.json()["uri"].rsplit("/", 1)[1]
        body = {"from": "442079460000", "to": BUSY, "call_app_sid": sid, "events": events}
        response = self.http.post(f"/v2/accounts/{self.acc}/calls", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["uri"].rsplit("/", 1)[1])

    def callbacks(self, **filters: Any) -> dict[str, Any]:
        response = self.control.get("/_mock/callbacks", params=filters)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def close(self) -> None:
        self.control.close()
        self.http.close()


def server(**settings: Any) -> Iterator[Apifonica]:
    base = {"port": 0, "seed": 3, "callback_per_origin": 2, "callback_concurrency": 4}
    with MockServer(Settings(**{**base, **settings})) as running:
        client = Apifonica(running)
        yield client
        client.close()


@pytest.fixture
def real_clock() -> Iterator[Apifonica]:
    yield from server(clock="real", callback_timeout=30.0)


#: The healthy receiver is the session-wide one: a path of its own keeps a late delivery from an earlier
#: test (same worker) out of the count.
HEALTHY = "/isolation-healthy"


@pytest.fixture
def virtual_clock() -> Iterator[Apifonica]:
    yield from server(clock="virtual", callback_timeout=0.5)


def test_a_healthy_receiver_is_served_while_another_hangs_and_a_third_is_dead(
    real_clock: Apifonica, silent: SilentReceiver, dead_url: str, receiver: CallbackReceiver
) -> None:
    api = real_clock
    for _ in range(6):  # three times what the stuck origin may have in flight
        api.call(silent.url("/hook"), "queued")
    for _ in range(3):
        api.call(dead_url, "queued")
    healthy = [api.call(receiver.url(HEALTHY), "queued") for _ in range(4)]

    got = receiver.wait_for(4, HEALTHY, timeout=20)  # a bound for failure, not a latency figure

    assert sorted(r.form["call_sid"] for r in got) == sorted(healthy)
    listing = api.callbacks()
    by_url: dict[str, Counter[str]] = {}
    for row in listing["callbacks"]:
        by_url.setdefault(row["url"], Counter())[row["state"]] += 1
    assert by_url[silent.url("/hook")] == Counter({"in_flight": 2, "queued": 4})
    assert by_url[dead_url] == Counter({"waiting": 3})
    assert by_url[receiver.url(HEALTHY)] == Counter({"done": 4})
    assert listing["pending"] == 9
    assert listing["states"] == {"queued": 4, "in_flight": 2, "waiting": 3, "done": 4}
    for row in api.callbacks(url=dead_url)["callbacks"]:
        assert row["next_attempt_at"] is not None
        assert "ConnectError" in row["attempts"][0]["error"]
        assert row["retry_schedule"] == [5.0, 30.0, 120.0]
    assert [r["attempts"] for r in api.callbacks(state="queued")["callbacks"]] == [[]] * 4


def test_advance_returns_after_one_timeout_when_a_receiver_never_answers(
    virtual_clock: Apifonica, silent: SilentReceiver
) -> None:
    api = virtual_clock
    calls = [api.call(silent.url("/hook"), "busy") for _ in range(6)]

    response = api.control.post("/_mock/clock/advance", json={"seconds": 3})

    assert response.status_code == 200, response.text
    # Only the origin's two places were really waited on; the four queued behind them were recorded as
    # timed out once they had waited as long, instead of two more rounds of 0.5 s each.
    assert silent.connections == 2
    rows = [row for call in calls for row in api.callbacks(call_id=call)["callbacks"]]
    assert len(rows) == 6
    errors = [row["attempts"][0]["error"] for row in rows]
    assert all(len(row["attempts"]) == 1 for row in rows)
    assert errors.count("timeout") == 2
    assert sum(e.startswith("timeout: not sent, queued") for e in errors) == 4
    assert {row["state"] for row in rows} == {"waiting"}
    assert {row["next_attempt_at"] for row in rows} == {"2026-01-01T09:00:08Z"}
