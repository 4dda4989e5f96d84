"""The official CALLR Python SDK (``callr`` 2.1.0), unchanged, against the mock: only the URL differs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import callr
import pytest

from tests.providers.callr.conftest import RealTimeApp, command

# The SDK reads each urllib response without closing it; its socket is collected (with a ResourceWarning)
# whenever the garbage collector runs. Collect in each test's teardown, where that is expected.
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(autouse=True)
def _collect_sdk_sockets() -> Iterator[None]:
    yield
    gc.collect()


def test_the_sdk_reads_the_timestamp(api: callr.Api) -> None:
    assert api.call("system.get_timestamp") == 1767258000


def test_the_sdk_manages_a_realtime_app(api: callr.Api, rt_app: RealTimeApp) -> None:
    app = api.call("apps.create", "REALTIME10", "support line", {"url": rt_app.url, "data_format": "JSON"})

    assert app["package"] == {"has_did": True, "name": "REALTIME10", "type": "REALTIME"}
    assert api.call("apps.get", app["hash"])["name"] == "support line"
    assert api.call("apps.edit", app["hash"], "renamed", None)["name"] == "renamed"
    assert [a["hash"] for a in api.call("apps.get_list", False)] == [app["hash"]]
    assert api.call("apps.delete", app["hash"]) is True


def test_the_sdk_places_a_realtime_call_and_reads_its_cdr(
    api: callr.Api, rt_app: RealTimeApp, control: Any
) -> None:
    rt_app.run(
        lambda rt: (
            command("play", 1, media_id="TTS|TTS_EN-GB_SERENA|Hello")
            if rt["command"] == ""
            else command("hangup", 2)
        )
    )
    app = api.call("apps.create", "REALTIME10", "hello", {"url": rt_app.url})
    request_hash = api.call(
        "calls.realtime",
        app["hash"],
        {"number": "+447700900123", "timeout": 30},
        {"cdr_field": "order42", "cli": "BLOCKED"},
    )

    control.advance(60)

    assert api.call("calls.get_status_1", request_hash) == "ANSWER"
    [cdr] = api.call("cdr.get", "OUT", "2026-01-01 00:00:00", "2026-01-01 23:59:59")
    assert (cdr["number"], cdr["customer_field"], cdr["cli_pres"]) == (
        "+447700900123",
        "order42",
        "prohib_passed_screen",
    )
    assert cdr["duration_answered"] == 5  # answered at 7 s, one play of 5 s, then hangup


def test_sdk_errors_carry_the_callr_code(api: callr.Api) -> None:
    with pytest.raises(callr.CallrException) as raised:
        api.call("apps.get", "ZZZZZZZZ")

    assert (raised.value.msg, raised.value.code) == ("PROPERTY_VALUE_ERROR [app]", 110)


def test_the_sdk_sees_bad_credentials_as_an_http_error(mock_server: Any) -> None:
    api = callr.Api("nobody", "wrong")
    api.set_api_url(f"{mock_server.base_url}/json-rpc/v1.1/")

    with pytest.raises(callr.CallrException) as raised:
        api.call("system.get_timestamp")

    assert (raised.value.msg, raised.value.code) == ("HTTP_CODE_ERROR", -1)
    assert raised.value.data["http_code"] == 401


def test_the_sdk_buys_a_did_and_assigns_it(api: callr.Api, rt_app: RealTimeApp) -> None:
    order = api.call("did/store.reserve", 1, "CLASSIC", 1, "RANDOM")
    did = api.call("did/store.buy_order", order["token"])["success"][0]
    app = api.call("apps.create", "REALTIME10", "line", {"url": rt_app.url})

    assert api.call("apps.assign_did", app["hash"], did["hash"]) is True
    assert api.call("apps.get", app["hash"])["did"][0]["intl_number"] == did["intl_number"]


def test_the_sdk_starts_a_click_to_call(api: callr.Api, control: Any) -> None:
    app = api.call("apps.create", "CLICKTOCALL10", "callback", None)
    a, b = [{"number": "+447700900123", "timeout": 30}], [{"number": "+33612345678", "timeout": 30}]
    c2c = api.call("clicktocall/calls.start_2", app["hash"], a, b, None)
    control.advance(1)

    assert api.call("clicktocall/calls.get_status", c2c)["a_status"]["status"] == "DIALING"


def test_the_sdk_sends_a_broadcast_and_an_sms(api: callr.Api, control: Any) -> None:
    request = api.call("calls.broadcast_1", {"number": "+447700900123"}, ["TTS|TTS_EN-GB_SERENA|Hi"], None)
    sms = api.call("sms.send", "SMS", "+33612345678", "Hello from the SDK", {"user_data": "sdk1"})
    control.advance(30)

    assert api.call("calls.get_status_1", request) == "ANSWER"
    assert api.call("sms.get", sms)["status"] == "RECEIVED"


def test_the_sdk_manages_media_and_reads_lists(api: callr.Api) -> None:
    media = api.call("media/library.create", "welcome")

    assert api.call("media/tts.set_content", media, "Hello", "TTS_EN-GB_SERENA", None) is True
    assert api.call("list.number_infos", "+447700900123")["country_code"] == "GB"
    assert "FR" in api.call("list.countries")


def test_the_sdk_hears_insufficient_credit_once_the_credit_is_gone(
    mock_server: Any, control: Any, rt_app: RealTimeApp
) -> None:
    broke = control.http.post("/_mock/credentials/callr", json={"credit": "0.00"}).json()
    api = callr.Api(broke["login"], broke["password"])
    api.set_api_url(f"{mock_server.base_url}/json-rpc/v1.1/")
    app = api.call("apps.create", "REALTIME10", "broke", {"url": rt_app.url})["hash"]

    with pytest.raises(callr.CallrException) as refused:
        api.call("calls.realtime", app, {"number": "+447700900123", "timeout": 30}, None)

    assert (refused.value.msg, refused.value.code) == ("INSUFFICIENT_CREDIT", 101)
    assert api.call("billing.get_prepaid_credit") == "0.00"
