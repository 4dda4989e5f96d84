"""The control API's door (issue 13, item 2): token, same-origin only, masked secrets, exposure warning,
callback target allow-list — on real sockets."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator

import httpx
import pytest

from mockserver.app import create_app
from mockserver.callbacks.transport import StreamTransport, TransportError
from mockserver.security.masking import mask_text
from mockserver.security.targets import GuardedTransport, TargetPolicy
from mockserver.server import MockServer
from mockserver.settings import Settings
from mockserver.testing.handle import TelephonyMock
from mockserver.testing.receiver import CallbackReceiver

TOKEN = "s3cret-control-token"
FAULT = {"provider": "apifonica", "path": "/v2/accounts/*/calls", "status": 503}


@pytest.fixture(scope="module")
def locked() -> Iterator[MockServer]:
    with MockServer(Settings(clock="virtual", port=0, control_token=TOKEN)) as server:
        yield server


@pytest.fixture(scope="module")
def open_server() -> Iterator[MockServer]:
    with MockServer(Settings(clock="virtual", port=0)) as server:
        yield server


def test_with_a_token_the_control_api_refuses_a_request_without_it(locked: MockServer) -> None:
    response = httpx.get(f"{locked.base_url}/_mock/credentials")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert (
        httpx.get(f"{locked.base_url}/_mock/credentials", headers={"X-Mock-Token": "wrong"}).status_code
        == 401
    )


def test_with_a_token_the_bearer_header_opens_the_control_api(locked: MockServer) -> None:
    ok = httpx.get(f"{locked.base_url}/_mock/credentials", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    assert "apifonica" in ok.json()


def test_the_dashboard_takes_the_token_once_in_the_query_then_from_its_cookie(locked: MockServer) -> None:
    with httpx.Client(base_url=locked.base_url) as browser:
        assert browser.get("/_mock/ui").status_code == 401
        first = browser.get("/_mock/ui", params={"token": TOKEN})
        assert first.status_code == 200
        assert "HttpOnly" in first.headers["set-cookie"]
        assert browser.get("/_mock/health").status_code == 200  # the cookie carries it now


def test_the_handle_passes_the_token(locked: MockServer) -> None:
    with TelephonyMock(locked.base_url, token=TOKEN) as mock:
        assert mock.health()["status"] == "ok"


def test_the_sink_takes_callbacks_without_the_token(locked: MockServer) -> None:
    assert httpx.post(f"{locked.base_url}/_mock/sink/s", data={"CallStatus": "ringing"}).status_code == 200
    assert httpx.get(f"{locked.base_url}/_mock/sink/s/requests").status_code == 401


def test_a_text_plain_post_to_faults_is_refused_and_adds_nothing(open_server: MockServer) -> None:
    base = open_server.base_url
    httpx.delete(f"{base}/_mock/faults")
    response = httpx.post(
        f"{base}/_mock/faults", content=json.dumps(FAULT), headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert httpx.get(f"{base}/_mock/faults").json()["faults"] == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example", "Content-Type": "application/json"},
        {"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"},
        {"Origin": "null", "Content-Type": "application/json"},
    ],
    ids=["origin", "sec-fetch-site", "null-origin"],
)
def test_a_cross_origin_browser_request_is_refused(open_server: MockServer, headers: dict[str, str]) -> None:
    response = httpx.post(f"{open_server.base_url}/_mock/reset", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_origin"


def test_a_dns_rebinding_page_is_refused_without_a_token(open_server: MockServer) -> None:
    port = open_server.port
    response = httpx.get(
        f"{open_server.base_url}/_mock/credentials",
        headers={
            "Host": f"evil.example:{port}",
            "Origin": f"http://evil.example:{port}",
            "Sec-Fetch-Site": "same-origin",
        },
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "host_not_allowed"


def test_the_same_origin_dashboard_and_curl_keep_working(open_server: MockServer) -> None:
    base = open_server.base_url
    page = {"Origin": base, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"}
    assert httpx.post(f"{base}/_mock/clock/advance", json={"seconds": 1}, headers=page).status_code == 200
    navigate = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}  # a link to the dashboard
    assert httpx.get(f"{base}/_mock/ui", headers=navigate).status_code == 200
    curl = httpx.post(  # what `curl -d '{"seconds": 1}'` sends
        f"{base}/_mock/clock/advance",
        content=b'{"seconds": 1}',
        headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "curl/8.5.0"},
    )
    assert curl.status_code == 200


def _apifonica_request(base: str) -> tuple[str, str]:
    cred = httpx.get(f"{base}/_mock/credentials").json()["apifonica"][0]
    httpx.get(
        f"{base}/v2/accounts/{cred['account_sid']}/calls", auth=(cred["account_sid"], cred["auth_token"])
    )
    return cred["account_sid"], cred["auth_token"]


def test_the_journal_masks_the_clients_authorization_header(open_server: MockServer) -> None:
    base = open_server.base_url
    httpx.post(f"{base}/_mock/reset")
    _apifonica_request(base)
    for listing, key in (("/_mock/requests", "requests"), ("/_mock/journal", "entries")):
        entry = httpx.get(f"{base}{listing}").json()[key][-1]
        assert entry["headers"]["authorization"] == "Basic ***"


def test_reveal_true_shows_the_header_as_sent(open_server: MockServer) -> None:
    base = open_server.base_url
    httpx.post(f"{base}/_mock/reset")
    _apifonica_request(base)
    entry = httpx.get(f"{base}/_mock/requests", params={"reveal": "true"}).json()["requests"][-1]
    shown = entry["headers"]["authorization"]
    assert shown.startswith("Basic ")
    assert shown != "Basic ***"


def test_a_dillo_api_key_header_is_masked(open_server: MockServer) -> None:
    base = open_server.base_url
    httpx.post(f"{base}/_mock/reset")
    httpx.get(f"{base}/dillo/api/sendaction/voice/x", headers={"ApiKey": "key-123", "CustomerCode": "C1"})
    entry = httpx.get(f"{base}/_mock/requests").json()["requests"][-1]
    assert entry["headers"]["apikey"] == "***"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('{"login": "a", "password": "hunter2"}', '{"login": "a", "password": "***"}'),
        (
            "<s:Body><LicenseKey>abc-123</LicenseKey></s:Body>",
            "<s:Body><LicenseKey>***</LicenseKey></s:Body>",
        ),
        (
            "grant_type=client_credentials&client_secret=xyz",
            "grant_type=client_credentials&client_secret=***",
        ),
        ("LicenseKey=abc&To=44", "LicenseKey=***&To=44"),
        ('{"ApiKey": "k\\"q"}', '{"ApiKey": "***"}'),
    ],
)
def test_secret_fields_are_masked_in_bodies_and_queries(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_binding_a_public_address_without_a_token_warns_loudly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="mockserver"):
        create_app(Settings(host="0.0.0.0", clock="virtual"))
    assert any("no control token" in r.getMessage() for r in caplog.records)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mockserver"):
        create_app(Settings(host="0.0.0.0", clock="virtual", control_token="t"))
        create_app(Settings(host="127.0.0.1", clock="virtual"))
    assert not any("no control token" in r.getMessage() for r in caplog.records)


def test_callback_allow_refuses_a_target_outside_the_list() -> None:
    with CallbackReceiver() as receiver:
        asyncio.run(_send_through_policies(receiver.url("/cb")))


async def _send_through_policies(url: str) -> None:
    if True:
        refused = GuardedTransport(TargetPolicy.parse(["10.0.0.0/8"]), StreamTransport(), StreamTransport())
        with pytest.raises(TransportError) as caught:
            await refused.send("POST", url, [], {}, b"x=1", 5.0)
        assert caught.value.kind == "TargetNotAllowed"
        allowed = GuardedTransport(TargetPolicy.parse(["127.0.0.0/8"]), StreamTransport(), StreamTransport())
        reply = await allowed.send("POST", url, [], {"Content-Type": "text/plain"}, b"x=1", 5.0)
        assert reply.status == 200
        await refused.aclose()
        await allowed.aclose()
