"""Bounded resources (issue 13, items 3, 4 and 6): body limits answered 413 in the provider's format before
the body is read, the sink's kept bodies, retention of finished calls, the calls index, deep JSON."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from mockserver.core.calls import Call, CallState, Direction, Transition
from mockserver.core.clock import DEFAULT_VIRTUAL_START
from mockserver.core.store import CallStore
from mockserver.security.limits import BodyTooLarge
from mockserver.server import MockServer
from mockserver.settings import Settings

LIMIT = 64 * 1024


@pytest.fixture(scope="module")
def small() -> Iterator[MockServer]:
    settings = Settings(
        clock="virtual", port=0, max_body=LIMIT, max_control_body=LIMIT, sink_body_kept=100, max_calls=3
    )
    with MockServer(settings) as server:
        yield server


def head_only(server: MockServer, head: bytes) -> bytes:
    """Send a request head (no body at all) and read the answer until the server ends it or stops."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head)
        data = b""
        while b"\r\n\r\n" not in data or len(data.partition(b"\r\n\r\n")[2]) < _length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data


def _length(data: bytes) -> int:
    for line in data.partition(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def test_a_declared_200_mb_body_is_answered_413_in_the_providers_format_before_it_is_sent(
    small: MockServer,
) -> None:
    head = (
        b"POST /v2/accounts/ACx/calls HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Content-Length: 200000000\r\n\r\n"
    )
    answer = head_only(small, head)
    status_line, _, rest = answer.partition(b"\r\n")
    assert b" 413 " in status_line
    body = rest.partition(b"\r\n\r\n")[2]
    provider = small.state.providers["apifonica"]
    expected = provider.render_error(
        BodyTooLarge(f"request body too large: 200000000 bytes, the limit is {LIMIT} bytes")
    ).body
    assert body == expected


def test_a_too_large_body_sent_whole_still_gets_its_413(small: MockServer) -> None:
    """A client that writes its whole body before it reads (httpx, requests) sees the answer."""
    response = httpx.post(f"{small.base_url}/dillo/api/sendaction", content=b"x" * (LIMIT * 4), timeout=30)
    assert response.status_code == 413
    assert (
        response.content
        == small.state.providers["dillo"]
        .render_error(BodyTooLarge(f"request body too large: {LIMIT * 4} bytes, the limit is {LIMIT} bytes"))
        .body
    )


def test_a_chunked_body_over_the_limit_is_answered_413(small: MockServer) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(8):
            yield b"y" * (LIMIT // 4)

    response = httpx.post(f"{small.base_url}/_mock/faults", content=chunks(), timeout=30)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_the_413_is_in_the_journal(small: MockServer) -> None:
    httpx.post(f"{small.base_url}/_mock/reset")
    httpx.post(f"{small.base_url}/dillo/api/sendaction", content=b"x" * (LIMIT + 1), timeout=30)
    statuses = [r["status"] for r in httpx.get(f"{small.base_url}/_mock/requests").json()["requests"]]
    assert statuses == [413]


def test_the_sink_keeps_only_the_head_of_a_big_body(small: MockServer) -> None:
    base = small.base_url
    httpx.post(f"{base}/_mock/reset")
    httpx.post(f"{base}/_mock/sink/big", content=b"z" * 5000)
    (entry,) = httpx.get(f"{base}/_mock/sink/big/requests").json()["requests"]
    assert entry["body"] == "z" * 100
    assert entry["truncated"] is True
    assert entry["body_size"] == 5000


def _call(n: int, state: CallState) -> Call:
    return Call(
        id=f"c{n}",
        provider="p",
        provider_call_id=f"P{n}",
        account="a",
        from_="1",
        to="2",
        direction=Direction.OUTBOUND,
        scenario="answered",
        created_at=DEFAULT_VIRTUAL_START,
        history=(Transition(state, DEFAULT_VIRTUAL_START, "test"),),
    )


def test_the_store_evicts_the_oldest_finished_calls_past_the_cap() -> None:
    store = CallStore(max_finished=2)
    store.put(_call(0, CallState.RINGING))
    for n in range(1, 5):
        store.put(_call(n, CallState.COMPLETED))
    assert [c.id for c in store] == ["c0", "c3", "c4"]  # the live call stays, whatever its age
    assert store.evicted == 2
    assert store.by_ref("P1") is None
    assert store.by_ref("P4") is not None


def test_a_call_still_needed_waits_for_its_turn() -> None:
    store = CallStore(max_finished=1, keep=lambda call_id: call_id == "c1")
    store.put(_call(1, CallState.COMPLETED))
    store.put(_call(2, CallState.COMPLETED))
    assert [c.id for c in store] == ["c1"]


def test_calls_are_found_by_provider_id_through_the_index() -> None:
    store = CallStore()
    for n in range(3):
        store.put(_call(n, CallState.QUEUED))
    assert store.by_ref("P2") is store.get("c2")
    assert store.by_ref("c1") is store.get("c1")
    assert [c.id for c in store.of_provider("p")] == ["c0", "c1", "c2"]


def test_the_server_keeps_at_most_max_calls_finished_calls_and_counts_the_rest(
    small: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = small.base_url
    httpx.post(f"{base}/_mock/reset")
    forgotten: list[str] = []
    monkeypatch.setattr(
        small.state.providers["apifonica"], "forget_call", lambda call: forgotten.append(call.id)
    )
    cred = httpx.get(f"{base}/_mock/credentials").json()["apifonica"][0]
    acc = cred["account_sid"]
    with httpx.Client(base_url=base, auth=(acc, cred["auth_token"]), timeout=10) as api:
        app = api.post(
            f"/v2/accounts/{acc}/applications", json={"controller": f"{base}/_mock/sink/c", "method": "POST"}
        )
        sid = app.json()["uri"].rsplit("/", 1)[1]
        placed = [
            api.post(
                f"/v2/accounts/{acc}/calls",
                json={"from": "442071234567", "to": "442079460001", "call_app_sid": sid},
            ).json()
            for _ in range(5)
        ]
    assert all("uri" in p or "call_sid" in p or "sid" in p for p in placed), placed
    httpx.post(f"{base}/_mock/clock/advance", json={"seconds": 3600})
    health = httpx.get(f"{base}/_mock/health").json()
    assert health["calls"] == 3
    assert health["evicted_calls"] == 2
    assert len(forgotten) == 2  # the provider is told, so it can drop what it keeps for them
    assert httpx.post(f"{base}/_mock/snapshot").status_code == 200  # snapshots cope


def deep(levels: int) -> bytes:
    return b'{"a":' * levels + b"1" + b"}" * levels


JSON_BODIES = [
    ("POST", "/_mock/clock/advance"),
    ("POST", "/_mock/calls/nope/events"),
    ("POST", "/_mock/inbound"),
    ("POST", "/_mock/inbound-sms"),
    ("POST", "/_mock/credentials/apifonica"),
    ("POST", "/_mock/faults"),
    ("PUT", "/_mock/forced-scenario"),
    ("PUT", "/_mock/sink/x/reply"),
    ("POST", "/_mock/restore"),
    ("PUT", "/_mock/scenarios/deep"),
]


@pytest.mark.parametrize(("method", "path"), JSON_BODIES)
@pytest.mark.parametrize("levels", [1000, 100_000])
def test_json_nested_deeply_is_a_400_in_the_control_error_shape(
    mock_server: MockServer, method: str, path: str, levels: int
) -> None:
    body = deep(levels)
    if path.startswith("/_mock/scenarios"):
        body = b"[" * levels + b"]" * levels
    response = httpx.request(
        method, f"{mock_server.base_url}{path}", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 404), response.text
    assert set(response.json()["error"]) == {"code", "message"}
