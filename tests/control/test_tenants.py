"""Tenants (issue 16, item 2): isolated worlds on one server, over real sockets.

Every provider's own client code (the contract drivers) runs against a tenant with the tenant's
credentials and no header at all: its calls, clock and resets are the tenant's, and neither the default
tenant nor another one sees them.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.providers import REGISTRY
from mockserver.server import MockServer
from mockserver.settings import Settings
from mockserver.testing.handle import MockAPIError, TelephonyMock

sys.path.insert(0, str(Path(__file__).parent.parent))
from providers.test_contract import load_driver

ANSWERED = "442079460001"


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(Settings(clock="virtual", port=0, seed=7, callback_timeout=2.0, max_tenants=6)) as s:
        yield s


@pytest.fixture
def http(server: MockServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        client.post("/_mock/reset").raise_for_status()
        yield client
        for tenant in client.get("/_mock/tenants").json()["tenants"]:
            client.delete(f"/_mock/tenants/{tenant['id']}").raise_for_status()


class Drivers:
    """Provider drivers, each reading its credentials from one tenant's /_mock (by header); their own
    provider requests carry no header: the credentials alone take them to the tenant."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.clients: list[httpx.Client] = []
        self.drivers: list[Any] = []

    def __call__(self, provider: str, tenant_id: str) -> Any:
        control = httpx.Client(
            base_url=self.server.base_url, timeout=30, headers={"X-Mock-Tenant": tenant_id}
        )
        self.clients.append(control)
        driver = load_driver(provider)(self.server.base_url, control)
        self.drivers.append(driver)
        return driver

    def close(self) -> None:
        for driver in self.drivers:
            driver.close()
        for client in self.clients:
            client.close()


@pytest.fixture
def drive(server: MockServer) -> Iterator[Drivers]:
    drivers = Drivers(server)
    yield drivers
    drivers.close()


def make(http: httpx.Client, **body: Any) -> dict[str, Any]:
    response = http.post("/_mock/tenants", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.mark.parametrize("provider", sorted(REGISTRY))
def test_a_tenants_calls_clock_and_reads_are_its_own(
    provider: str, http: httpx.Client, drive: Drivers
) -> None:
    a, b = make(http, id="job-a"), make(http, id="job-b")
    assert a["credentials"][provider] != b["credentials"][provider]
    drivers = [drive(provider, t["id"]) for t in (a, b)]
    refs = [driver.place(ANSWERED) for driver in drivers]
    assert http.get("/_mock/calls").json()["calls"] == []  # the default tenant saw nothing

    moved = http.post("/_mock/tenants/job-a/clock/advance", json={"seconds": 600})
    assert moved.status_code == 200, moved.text
    assert drivers[0].status(refs[0]) == drivers[0].expected_status("completed")
    assert drivers[1].status(refs[1]) != drivers[1].expected_status("completed")
    calls = http.get("/_mock/tenants/job-a/calls").json()["calls"]
    assert len(calls) >= 1
    assert {c["provider"] for c in calls} == {provider}
    assert http.get("/_mock/tenants/job-b/clock").json()["now"] == "2026-01-01T09:00:00Z"
    assert http.get("/_mock/clock").json()["now"] == "2026-01-01T09:00:00Z"
    assert http.get("/_mock/calls").json()["calls"] == []
    # a read of one tenant's call with another tenant's credentials is that provider's "not found"
    # (Esendex's GetQueueIDStatus carries no credentials: its QueueID alone names the notify, and so
    # the tenant — tenants' QueueIDs never overlap)
    if provider != "esendex":
        assert drivers[1].is_not_found(drivers[1].read(refs[0]))


def test_a_reset_of_one_tenant_leaves_the_others_alone(http: httpx.Client, drive: Drivers) -> None:
    a, b = make(http), make(http)
    drivers = [drive("apifonica", t["id"]) for t in (a, b)]
    for driver in drivers:
        driver.place(ANSWERED)
    http.post("/_mock/tenants/" + a["id"] + "/clock/advance", json={"seconds": 30}).raise_for_status()
    assert http.post(f"/_mock/tenants/{a['id']}/reset").status_code == 200
    assert http.get(f"/_mock/tenants/{a['id']}/calls").json()["calls"] == []
    assert len(http.get(f"/_mock/tenants/{b['id']}/calls").json()["calls"]) == 1
    assert http.post("/_mock/reset").status_code == 200  # the default tenant's reset keeps the tenants
    assert len(http.get(f"/_mock/tenants/{b['id']}/calls").json()["calls"]) == 1


def test_tenants_advance_their_clocks_concurrently_and_independently(
    http: httpx.Client, drive: Drivers
) -> None:
    tenants = [make(http, id=f"par-{n}") for n in range(4)]
    drivers = [drive("dillo", t["id"]) for t in tenants]
    errors: list[BaseException] = []
    start = threading.Barrier(len(tenants))

    def job(n: int, tenant: dict[str, Any]) -> None:
        try:
            driver = drivers[n]
            start.wait()
            for _ in range(n + 1):
                driver.place(ANSWERED)
                response = http.post(
                    f"/_mock/tenants/{tenant['id']}/clock/advance", json={"seconds": 60 * (n + 1)}
                )
                assert response.status_code == 200, response.text
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=job, args=(n, t)) for n, t in enumerate(tenants)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for n, tenant in enumerate(tenants):
        clock = http.get(f"/_mock/tenants/{tenant['id']}/clock").json()
        assert (
            clock["now"]
            == f"2026-01-01T{9 + (60 * (n + 1) * (n + 1)) // 3600:02d}:{(n + 1) ** 2 % 60:02d}:00Z"
        )
        calls = http.get(f"/_mock/tenants/{tenant['id']}/calls").json()["calls"]
        assert len(calls) == n + 1
        assert {c["state"] for c in calls} == {"completed"}
    assert http.get("/_mock/calls").json()["calls"] == []


def test_a_tenant_is_made_listed_and_dropped(server: MockServer, http: httpx.Client) -> None:
    made = make(http, id="ci-job-17", clock="auto", start="2026-06-01T12:00:00+02:00")
    assert made["clock"]["mode"] == "auto"
    assert made["clock"]["now"] == "2026-06-01T10:00:00Z"
    assert made["links"]["control"] == "/_mock/tenants/ci-job-17"
    assert set(made["credentials"]) == set(REGISTRY)
    listed = http.get("/_mock/tenants").json()
    assert [t["id"] for t in listed["tenants"]] == ["ci-job-17"]
    assert listed["limit"] == 6
    assert http.get("/_mock/health").json()["tenants"] == 1
    inside = http.get("/_mock/health", headers={"X-Mock-Tenant": "ci-job-17"}).json()
    assert inside["tenant"] == "ci-job-17"
    assert inside["tenants"] is None

    sid = made["credentials"]["apifonica"][0]["account_sid"]
    token = made["credentials"]["apifonica"][0]["auth_token"]
    assert httpx.get(f"{server.base_url}/v2/accounts/{sid}/calls", auth=(sid, token)).status_code == 200

    assert http.delete("/_mock/tenants/ci-job-17").status_code == 204
    gone = http.get("/_mock/tenants/ci-job-17/calls")
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "not_found"
    assert http.get("/_mock/calls", headers={"X-Mock-Tenant": "ci-job-17"}).status_code == 404
    # its credentials went with it: the default tenant answers them with Apifonica's own 401
    refused = httpx.get(f"{server.base_url}/v2/accounts/{sid}/calls", auth=(sid, token))
    assert refused.status_code == 401


def test_the_same_tenant_id_gives_the_same_credentials_and_ids(http: httpx.Client, drive: Drivers) -> None:
    def run() -> tuple[Any, str]:
        made = make(http, id="repeat")
        ref = drive("apifonica", "repeat").place(ANSWERED)
        http.delete("/_mock/tenants/repeat").raise_for_status()
        return made["credentials"], ref

    assert run() == run()


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"clock": "real"}, 400, "invalid_parameter"),
        ({"id": "has space"}, 400, "invalid_parameter"),
        ({"id": "default"}, 409, "conflict"),
        ({"start": "yesterday"}, 400, "invalid_parameter"),
        # year 1 at +01:00 is year 0 in UTC: it was a 500 (OverflowError), found by schemathesis
        ({"start": "0001-01-01T00:03:00.0+01:00"}, 400, "invalid_parameter"),
        ({"start": "9000-12-31T23:00:00-05:00"}, 400, "invalid_parameter"),
        ({"start": "1899-12-31T23:00:00Z"}, 400, "invalid_parameter"),
        ({"seed": "7"}, 400, "invalid_parameter"),
        ({"colour": "blue"}, 400, "invalid_parameter"),
    ],
)
def test_a_bad_tenant_request_is_a_clear_400(
    http: httpx.Client, body: dict[str, Any], status: int, code: str
) -> None:
    response = http.post("/_mock/tenants", json=body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_the_tenant_limit_and_a_taken_id_are_refused(http: httpx.Client) -> None:
    make(http, id="one")
    again = http.post("/_mock/tenants", json={"id": "one"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    for _ in range(5):
        make(http)
    over = http.post("/_mock/tenants", json={})
    assert over.status_code == 409
    assert over.json()["error"]["code"] == "too_many_tenants"
    assert http.get("/_mock/calls", headers={"X-Mock-Tenant": "nobody"}).status_code == 404
    nested = http.post("/_mock/tenants", json={}, headers={"X-Mock-Tenant": "one"})
    assert nested.status_code == 404  # tenants do not nest


def test_a_tenants_callbacks_reach_its_own_sink(server: MockServer, http: httpx.Client) -> None:
    with TelephonyMock(server.base_url) as mock:
        tenant = mock.create_tenant("sinks")
        try:
            sink = tenant.sink("status")
            assert sink.url.endswith("/_mock/tenants/sinks/sink/status")
            cred = tenant.credentials("apifonica")
            client = httpx.Client(base_url=server.base_url, auth=(cred["account_sid"], cred["auth_token"]))
            sid = cred["account_sid"]
            app = client.post(
                f"/v2/accounts/{sid}/applications", json={"controller": sink.url, "method": "POST"}
            )
            app_sid = app.json()["uri"].rsplit("/", 1)[1]
            body = {
                "from": "442071234567",
                "to": ANSWERED,
                "call_app_sid": app_sid,
                "status_callback": sink.url,
            }
            assert client.post(f"/v2/accounts/{sid}/calls", json=body).status_code == 201
            tenant.advance(120)
            assert tenant.callbacks()
            assert {c["call_id"] for c in tenant.callbacks()} <= {c["id"] for c in tenant.calls()}
            assert sink.requests()  # the tenant's sink got the controller fetch and status callbacks
            assert mock.sink("status").requests() == []  # the default tenant's sink of that name got none
            assert mock.callbacks() == []
            client.close()
        finally:
            tenant.drop()
        with TelephonyMock(server.base_url, tenant="sinks") as dropped, pytest.raises(MockAPIError):
            dropped.now()
