"""The dashboard's HTTP side (/_mock/ui): the page, its assets, the event stream and one call's details.

The page itself is driven in a real browser in test_dashboard_browser.py.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

import mockserver.server
from mockserver.app import create_app
from mockserver.control.dashboard import end_streams, hub, resources
from mockserver.control.dashboard.hub import PENDING_LIMIT, Stream, hub_of
from mockserver.core.calls import Call, CallState, Direction, Transition
from mockserver.server import MockServer
from mockserver.settings import Settings

Event = tuple[str, dict[str, Any]]


class EventReader:
    """Reads server-sent events off a streaming response; a read that waits over 5 s fails the test."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.iter_lines()

    def next(self) -> Event:
        name, data = "", ""
        for line in self.lines:
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = line.removeprefix("data: ")
            elif line == "" and name:
                return name, json.loads(data)
        raise AssertionError("the stream ended")

    def until(self, name: str, check: Any = lambda data: True, within: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            event, data = self.next()
            if event == name and check(data):
                return data
        raise AssertionError(f"no {name!r} event as expected within {within} s")


@contextmanager
def events(base_url: str) -> Iterator[EventReader]:
    timeout = httpx.Timeout(5.0)
    with httpx.stream("GET", f"{base_url}/_mock/ui/stream", timeout=timeout) as response:
        assert response.status_code == 200
        yield EventReader(response)


class Apifonica:
    def __init__(self, control: Any) -> None:
        cred = control.credentials("apifonica")[0]
        self.acc = cred["account_sid"]
        self.base = control.server.base_url
        self.http = httpx.Client(base_url=self.base, auth=(self.acc, cred["auth_token"]), timeout=10)

    def call(self, to: str = "15550000099", **extra: Any) -> str:
        body = {"from": "442071234567", "to": to, "controller": f"{self.base}/_mock/sink/ctl", **extra}
        response = self.http.post(f"/v2/accounts/{self.acc}/calls", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["uri"].rsplit("/", 1)[1])


@pytest.fixture
def api(control: Any) -> Iterator[Apifonica]:
    api = Apifonica(control)
    yield api
    api.http.close()


# -- the page and its files -------------------------------------------------------------------
def test_the_page_links_its_assets_under_the_control_mount(control: Any) -> None:
    response = control.http.get("/_mock/ui")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'href="/_mock/ui/static/dashboard.css"' in response.text
    assert 'src="/_mock/ui/static/dashboard.js"' in response.text
    assert 'data-base="/_mock"' in response.text


def test_a_tenants_page_talks_to_its_control_api_and_knows_the_way_back(control: Any) -> None:
    control.http.post("/_mock/tenants", json={"id": "page-t"}).raise_for_status()
    try:
        response = control.http.get("/_mock/tenants/page-t/ui")
        assert response.status_code == 200
        assert 'data-base="/_mock/tenants/page-t"' in response.text
        assert 'data-root="/_mock"' in response.text
        assert 'data-tenant="page-t"' in response.text
        assert 'src="/_mock/ui/static/dashboard.js"' in response.text  # one copy of the files for all
        assert 'data-tenant=""' in control.http.get("/_mock/ui").text
    finally:
        control.http.delete("/_mock/tenants/page-t")


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("dashboard.js", "text/javascript"), ("dashboard.css", "text/css")],
)
def test_static_assets_are_served_from_the_package(control: Any, name: str, media_type: str) -> None:
    response = control.http.get(f"/_mock/ui/static/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


def test_a_trailing_slash_leads_to_the_page(control: Any) -> None:
    response = control.http.get("/_mock/ui/", follow_redirects=True)
    assert response.status_code == 200
    assert response.url.path == "/_mock/ui"


# -- the event stream ---------------------------------------------------------------------------
def test_the_stream_starts_with_a_snapshot_of_the_calls_and_the_clock(control: Any, api: Apifonica) -> None:
    sid = api.call()
    with events(control.server.base_url) as stream:
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        assert stream.response.headers["cache-control"] == "no-cache"
        name, snapshot = stream.next()
    assert name == "snapshot"
    assert snapshot["clock"] == {"mode": "virtual", "now": "2026-01-01T09:00:00Z", "speed": 0.0}
    assert snapshot["remaining"] == 0
    [row] = snapshot["calls"]
    assert row["provider_call_id"] == sid
    assert {k: row[k] for k in ("provider", "from", "to", "state", "scenario")} == {
        "provider": "apifonica",
        "from": "442071234567",
        "to": "15550000099",
        "state": "queued",
        "scenario": "answered",
    }


def test_a_large_snapshot_comes_newest_first_in_chunks(
    control: Any, api: Apifonica, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub, "SNAPSHOT_CHUNK", 2)
    sids = [api.call() for _ in range(5)]
    with events(control.server.base_url) as stream:
        chunks = [stream.next() for _ in range(3)]
    assert [(name, data["remaining"]) for name, data in chunks] == [
        ("snapshot", 3),
        ("older", 1),
        ("older", 0),
    ]
    ids = [[c["provider_call_id"] for c in data["calls"]] for _, data in chunks]
    assert ids == [sids[3:], sids[1:3], sids[:1]]


def test_the_stream_pushes_each_change_with_the_clock(control: Any, api: Apifonica) -> None:
    with events(control.server.base_url) as stream:
        assert stream.next()[0] == "snapshot"
        sid = api.call()
        name, placed = stream.next()
        assert name == "calls"
        assert [(c["provider_call_id"], c["state"]) for c in placed["calls"]] == [(sid, "queued")]
        control.advance(3)
        moved = stream.until("calls", lambda d: d["calls"][-1]["state"] == "ringing")
    assert moved["clock"]["now"] == "2026-01-01T09:00:03Z"


def test_a_reset_sends_a_fresh_snapshot(control: Any, api: Apifonica) -> None:
    api.call()
    control.advance(2)
    with events(control.server.base_url) as stream:
        assert len(stream.until("snapshot")["calls"]) == 1
        control.reset()
        fresh = stream.until("snapshot")
    assert fresh["calls"] == []
    assert fresh["clock"]["now"] == "2026-01-01T09:00:00Z"


def test_a_restore_sends_a_fresh_snapshot(control: Any, api: Apifonica) -> None:
    api.call()
    api.call()
    control.advance(30)
    saved = control.http.post("/_mock/snapshot").json()
    control.reset()
    with events(control.server.base_url) as stream:
        assert stream.until("snapshot")["calls"] == []
        assert control.http.post("/_mock/restore", json=saved).status_code == 200
        fresh = stream.until("snapshot", lambda d: len(d["calls"]) == 2)
    assert fresh["clock"]["now"] == "2026-01-01T09:00:30Z"


def test_end_streams_completes_open_streams(mock_server: MockServer, control: Any) -> None:
    with events(mock_server.base_url) as stream:
        assert stream.next()[0] == "snapshot"
        end_streams(mock_server.app)
        with pytest.raises(AssertionError, match="the stream ended"):
            stream.next()


def _call(n: int) -> Call:
    at = datetime(2026, 1, 1, 9, tzinfo=UTC)
    return Call(
        id=f"id{n}",
        provider="apifonica",
        provider_call_id=f"cal{n}",
        account="acc",
        from_="1",
        to="2",
        direction=Direction.OUTBOUND,
        scenario="answered",
        created_at=at,
        history=(Transition(CallState.QUEUED, at, "placed"),),
    )


def test_a_stream_keeps_the_latest_value_of_each_call_and_starts_over_when_too_far_behind() -> None:
    stream = Stream()
    stream.needs_snapshot = False
    for _ in range(3):
        stream.push(_call(1))
    assert list(stream.pending) == ["id1"]
    for n in range(PENDING_LIMIT + 1):
        stream.push(_call(n))
    assert stream.pending == {}
    assert stream.needs_snapshot


def test_a_stream_starts_over_when_the_store_shrinks_or_the_clock_goes_back() -> None:
    nine, ten = datetime(2026, 1, 1, 9, tzinfo=UTC), datetime(2026, 1, 1, 10, tzinfo=UTC)
    stream = Stream()
    stream.needs_snapshot = False
    stream.look((5, ten))
    stream.look((6, ten))
    assert not stream.needs_snapshot
    stream.look((1, ten))
    assert stream.needs_snapshot
    stream.needs_snapshot = False
    stream.look((1, nine))
    assert stream.needs_snapshot


def test_each_app_has_its_own_hub() -> None:
    async def hubs() -> None:
        first, second = create_app(Settings(clock="virtual")), create_app(Settings(clock="virtual"))
        assert hub_of(first) is hub_of(first)
        assert hub_of(first) is not hub_of(second)
        assert hub_of(first).state is first.state.mock

    asyncio.run(hubs())


@pytest.mark.xfail(
    "end_streams" not in inspect.getsource(mockserver.server),
    reason="server.py does not yet end dashboard streams on shutdown (see docs/dashboard.md)",
    run=False,
)
def test_the_server_stops_promptly_while_a_browser_holds_the_stream() -> None:
    server = MockServer(Settings(clock="virtual", port=0)).start()
    opened = threading.Event()

    def hold() -> None:
        with events(server.base_url) as stream:
            stream.next()
            opened.set()
            with pytest.raises(AssertionError):
                stream.next()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert opened.wait(5)
    started = time.monotonic()
    stopping = threading.Thread(target=server.stop, daemon=True)
    stopping.start()
    stopping.join(3)
    assert not stopping.is_alive(), "MockServer.stop() waited for the open event stream"
    assert time.monotonic() - started < 2


# -- one call's details -------------------------------------------------------------------------
def test_details_hold_the_history_callbacks_requests_and_flow_errors(control: Any, api: Apifonica) -> None:
    sid = api.call(events="all")
    assert api.http.get(f"/v2/accounts/{api.acc}/calls/{sid}").status_code == 200
    control.advance(60)
    details = control.http.get(f"/_mock/ui/calls/{sid}").json()
    call = details["call"]
    assert call == control.call(sid)
    assert [c["id"] for c in details["callbacks"]] == [c["id"] for c in control.callbacks(call_id=sid)]
    assert all(c["attempts"] for c in details["callbacks"])
    assert [(r["method"], r["path"]) for r in details["requests"]] == [
        ("GET", f"/v2/accounts/{api.acc}/calls/{sid}")
    ]
    journal = control.http.get("/_mock/journal").json()["entries"]
    expected_errors = [e for e in journal if e["kind"] == "flow_error" and e["call_id"] == call["id"]]
    assert details["flow_errors"] == expected_errors


def test_details_of_an_unknown_call_answer_404(control: Any) -> None:
    response = control.http.get("/_mock/ui/calls/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# -- activity: the page re-reads its other views when they may have changed ----------------------
def test_the_snapshot_and_each_batch_carry_the_activity_counters(control: Any, api: Apifonica) -> None:
    with events(control.server.base_url) as stream:
        first = stream.until("snapshot")["activity"]
        assert set(first) == {"journal", "callbacks", "attempts", "faults", "tenants"}
        api.call(events="all")
        batch = stream.until("calls")
    assert batch["activity"]["journal"] == first["journal"] + 1


def test_a_request_that_changes_no_call_still_sends_activity(control: Any, api: Apifonica) -> None:
    with events(control.server.base_url) as stream:
        before = stream.until("snapshot")["activity"]
        assert api.http.get(f"/v2/accounts/{api.acc}/calls").status_code == 200
        after = stream.until("activity")
    assert after["journal"] == before["journal"] + 1
    assert after["faults"] == before["faults"]


def test_a_fault_added_or_hit_sends_activity(control: Any, api: Apifonica) -> None:
    with events(control.server.base_url) as stream:
        stream.until("snapshot")
        rule = {"provider": "apifonica", "method": "GET", "path": "/v2/accounts/*/calls", "status": 503}
        assert control.http.post("/_mock/faults", json=rule).status_code == 201
        assert stream.until("activity")["faults"] == [1, 0]
        assert api.http.get(f"/v2/accounts/{api.acc}/calls").status_code == 503
        assert stream.until("activity", lambda a: a["faults"] != [1, 0])["faults"] == [1, 1]


def test_tenants_made_filled_and_dropped_send_activity(control: Any) -> None:
    with events(control.server.base_url) as stream:
        assert stream.until("snapshot")["activity"]["tenants"] == []
        made = control.http.post("/_mock/tenants", json={"id": "act-t"})
        try:
            assert stream.until("activity", lambda a: a["tenants"] != [])["tenants"] == [["act-t", 0]]
            acc = made.json()["credentials"]["apifonica"][0]
            auth = (acc["account_sid"], acc["auth_token"])
            body = {"from": "442071234567", "to": "15550000001", "controller": "http://127.0.0.1:9/x"}
            path = f"/v2/accounts/{acc['account_sid']}/calls"
            assert control.http.post(path, json=body, auth=auth).status_code == 201
            assert stream.until("activity", lambda a: a["tenants"] != [["act-t", 0]])["tenants"] == [
                ["act-t", 1]
            ]
        finally:
            control.http.delete("/_mock/tenants/act-t")
        assert stream.until("activity", lambda a: a["tenants"] == [])["tenants"] == []


# -- resources: what each provider keeps ------------------------------------------------------------
def callr_rpc(control: Any, method: str, *params: Any) -> Any:
    callr = control.credentials("callr")[0]
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    answer = control.http.post("/json-rpc/v1.1/", json=body, auth=(callr["login"], callr["password"]))
    return answer.json()["result"]


def test_resources_list_each_providers_collections_with_secrets_masked(control: Any) -> None:
    routee = control.credentials("routee")[0]
    token = httpx.post(
        f"{control.server.base_url}/oauth/token",
        auth=(routee["applicationId"], routee["applicationSecret"]),
        data={"grant_type": "client_credentials"},
    ).json()["access_token"]
    callr = control.credentials("callr")[0]
    app = callr_rpc(control, "apps.create", "REALTIME10", "line", {"url": "https://example.com/rt"})["hash"]
    callr_rpc(
        control,
        "webhooks.subscribe",
        "sms.mo",
        "https://example.com/hooks",
        {"hmac_secret": "0123456789abcdef"},
    )

    response = control.http.get("/_mock/ui/resources")
    assert response.status_code == 200
    providers = {p["name"]: p for p in response.json()["providers"]}
    assert list(providers) == list(control.http.get("/_mock/credentials").json())
    assert providers["callr"]["title"]
    apps = providers["callr"]["collections"]["apps"]
    assert apps["total"] == 1
    assert apps["records"][0]["hash"] == app
    assert "$" not in apps["records"][0]  # the snapshot's type tags are dropped
    [hook] = providers["callr"]["collections"]["webhooks"]["records"]
    assert hook["options"]["hmac_secret"] == "••••cdef"
    [held] = providers["routee"]["collections"]["tokens"]["records"]
    assert held["value"] == "••••" + token[-4:]
    # credentials are kept across resets (docs/pytest.md): a test before this one may have added some
    assert providers["dillo"]["collections"]["customers"]["total"] == len(control.credentials("dillo"))
    assert "media_ids" not in providers["callr"]["collections"]  # a counter, not a collection
    assert "credential_ids" not in providers["apifonica"]["collections"]  # a generator's state
    text = response.text
    for secret in (token, callr["password"], routee["applicationSecret"], "0123456789abcdef"):
        assert secret not in text


def test_a_long_collection_is_cut_to_its_newest_records(
    control: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resources, "RECORDS_SHOWN", 2)
    for n in range(3):
        callr_rpc(control, "apps.create", "REALTIME10", f"a{n}", {"url": "https://example.com/rt"})
    providers = {p["name"]: p for p in control.http.get("/_mock/ui/resources").json()["providers"]}
    apps = providers["callr"]["collections"]["apps"]
    assert apps["total"] == 3
    assert [a["name"] for a in apps["records"]] == ["a1", "a2"]


def test_snapshot_tags_read_as_plain_values() -> None:
    tagged = {
        "$": "App",
        "credit": {"$dec": "1.50"},
        "at": {"$dt": "2026-01-01T09:00:00+00:00"},
        "pair": {"$tuple": [1, 2]},
        "by_number": {"$map": [[7, {"$": "Leg", "n": 7}]]},
        "kind": {"$enum": "Kind", "v": "GOLD"},
    }
    assert resources.untag(tagged) == {
        "credit": "1.50",
        "at": "2026-01-01T09:00:00+00:00",
        "pair": [1, 2],
        "by_number": {"7": {"n": 7}},
        "kind": "GOLD",
    }


def test_secrets_are_masked_by_name_and_in_collections_of_secrets() -> None:
    record = {
        "login": "ann",
        "password": "hunter2hunter2",
        "ApiKey": "ABCDEF123456",
        "options": {"hmac_secret": "x"},
    }
    assert resources.masked(record, "", "accounts") == {
        "login": "ann",
        "password": "••••ter2",
        "ApiKey": "••••3456",
        "options": {"hmac_secret": "••••"},
    }
    assert resources.masked({"value": "abcdefghijkl", "id": 3}, "", "tokens") == {
        "value": "••••ijkl",
        "id": 3,
    }
    assert resources.masked({"value": "plain"}, "", "numbers") == {"value": "plain"}


def test_only_collections_of_records_are_resources() -> None:
    assert resources.records([{"a": 1}]) == [{"a": 1}]
    assert resources.records([1, [2, 3]]) is None
    assert resources.records({"value": 5}) is None
    assert resources.records({"K1": {"hash": "K1"}, "K2": {"name": "b"}}) == [
        {"hash": "K1"},
        {"id": "K2", "name": "b"},
    ]
