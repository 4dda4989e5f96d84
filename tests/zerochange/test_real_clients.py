"""Clients nobody here wrote, unchanged, against the mock by the production host names over HTTPS:
the npm ``callr`` SDK, the npm ``apifonica`` client and PHP's SoapClient. See conftest.py for how only the
network is changed."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from tests.zerochange.conftest import NODE_DIR, PHP_DIR, Network, missing, need

ANSWERED = "+447700900123"  # the default scenario: answered at about 7 s, hung up 30 s later
B_PARTY = "+33612345678"


def node_client(net: Network, script: str, *args: str) -> Any:
    node = need("node", "apt-get install nodejs npm")
    if (
        not (NODE_DIR / "node_modules" / "callr").is_dir()
        or not (NODE_DIR / "node_modules" / "apifonica").is_dir()
    ):
        missing(f"the npm clients are not installed (npm ci --prefix {NODE_DIR})")
    return net.run([node, str(NODE_DIR / script), *args], NODE_EXTRA_CA_CERTS=str(net.ca_file))


def last_request(net: Network, provider: str) -> dict[str, Any]:
    requests = net.control.get("/_mock/requests", params={"provider": provider}).json()["requests"]
    return dict(requests[-1])


# -- CALLR: the official Node SDK forces https and port 443 ----------------------------------------
def callr(net: Network, method: str, *params: Any, password: str | None = None) -> list[dict[str, Any]]:
    creds = net.credentials("callr")
    events = node_client(
        net, "callr_client.js", creds["login"], password or creds["password"], method, json.dumps(params)
    )
    return list(events)


def test_node_callr_reads_the_timestamp(net: Network) -> None:
    assert callr(net, "system.get_timestamp") == [{"success": 1767258000}]
    request = last_request(net, "callr")
    assert (request["headers"]["host"], request["path"]) == ("api.callr.com", "/json-rpc/v1.1/")
    assert request["headers"]["user-agent"].startswith("sdk=NODE; sdk-version=1.1")


def test_node_callr_starts_a_click_to_call_and_follows_its_status(net: Network) -> None:
    [created] = callr(net, "apps.create", "CLICKTOCALL10", "zero change", {})
    app = created["success"]["hash"]
    [started] = callr(
        net,
        "clicktocall/calls.start_2",
        app,
        [{"number": ANSWERED, "timeout": 20}],
        [{"number": B_PARTY, "timeout": 20}],
        None,
    )
    c2c = started["success"]
    net.advance(1)
    [dialing] = callr(net, "clicktocall/calls.get_status", c2c)
    net.advance(17)
    [bridged] = callr(net, "clicktocall/calls.get_status", c2c)

    assert created["success"]["package"]["name"] == "CLICKTOCALL10"
    assert dialing["success"]["a_status"]["status"] == "DIALING"
    assert (bridged["success"]["a_status"]["status"], bridged["success"]["b_status"]["status"]) == (
        "ANSWER",
        "ANSWER",
    )


def test_node_callr_reports_a_wrong_password_as_the_sdk_does(net: Network) -> None:
    events = callr(net, "system.get_timestamp", password="wrong")

    # The SDK calls its error callback for the HTTP status, then again for the JSON-RPC error body.
    assert events[0] == {"error": {"message": "HTTP_CODE_ERROR", "code": -1, "data": {"http_code": 401}}}
    assert events[1:] == [{"error": {"message": "AUTH_FAILED", "code": 22, "data": None}}]


# -- Apifonica: the npm client has https://api.apifonica.com/v2/accounts/ built in ------------------
def apifonica(net: Network, operation: str, *args: Any) -> dict[str, Any]:
    creds = net.credentials("apifonica")
    sid, token = creds["account_sid"], creds["auth_token"]
    result = node_client(net, "apifonica_client.js", sid, token, "442071234567", operation, json.dumps(args))
    assert "failed" not in result, result
    return dict(result)


def test_node_apifonica_reads_the_account_and_creates_an_application(net: Network) -> None:
    account = apifonica(net, "account.getInfo")
    created = apifonica(net, "app.create", "https://example.invalid/controller", "POST", "zero change")

    sid = net.credentials("apifonica")["account_sid"]
    assert account["resolved"]["success"] is True
    assert account["resolved"]["result"]["account_sid"] == sid
    assert created["resolved"]["status"] == 201
    assert created["resolved"]["result"]["uri"].startswith(f"/v2/accounts/{sid}/applications/app")
    assert last_request(net, "apifonica")["headers"]["host"] == "api.apifonica.com"


def test_node_apifonica_makes_a_call_and_reads_history_and_details(net: Network) -> None:
    created = apifonica(net, "app.create", "https://example.invalid/controller", "POST", "calls")
    app = created["resolved"]["result"]["uri"].rsplit("/", 1)[1]
    made = apifonica(net, "call.make", "15550000001", app)  # ...0001: the busy scenario
    call = made["resolved"]["result"]["uri"].rsplit("/", 1)[1]
    net.advance(20)
    history = apifonica(net, "call.getCallHistory")
    # The client's getDetails POSTs {call_app_sid} to the call (Apifonica's "modify call"), and the
    # call has ended: the API's 400 in its own error envelope, which the client rejects with.
    details = apifonica(net, "call.getDetails", call, app)

    assert made["resolved"]["status"] == 201
    [listed] = history["resolved"]["result"]["calls"]
    assert (listed["call_sid"], listed["status"], listed["to"]) == (call, "busy", "15550000001")
    assert details["rejected"]["status"] == 400
    assert details["rejected"]["error"]["code"] == 2002
    assert last_request(net, "apifonica")["path"] == f"/v2/accounts/{listed['account_sid']}/calls/{call}"


# -- Phone Notify: PHP's SoapClient reads the WSDL from the production URL ------------------------
@pytest.mark.parametrize(
    ("version", "wsdl", "content_type"),
    [
        ("1.1", "https://ws.esendex.us/notifyws/phonenotify.asmx?WSDL", "text/xml"),
        ("1.2", "https://ws.cdyne.com/NotifyWS/PhoneNotify.asmx?WSDL", "application/soap+xml"),
    ],
)
def test_php_soapclient_queues_a_call_and_reads_its_status(
    net: Network, version: str, wsdl: str, content_type: str
) -> None:
    php = need("php", "apt-get install php-cli php-soap")
    modules = subprocess.run([php, "-m"], capture_output=True, text=True, timeout=30, check=False).stdout
    if "soap" not in modules.split():
        missing("PHP has no soap extension (apt-get install php-soap)")
    key = net.credentials("esendex")["license_key"]

    result = net.run(
        [
            php,
            "-d",
            "soap.wsdl_cache_enabled=0",
            str(PHP_DIR / "soap_client.php"),
            wsdl,
            version,
            key,
            "7575551234",  # Phone Notify dials North American numbers
            "7575550000",
        ],
        SSL_CERT_FILE=str(net.ca_file),
    )

    assert "fault" not in result, result
    assert int(result["queue_id"]) > 0, result
    assert str(result["status"]["QueueID"]) == result["queue_id"]
    request = last_request(net, "esendex")
    host = wsdl.split("/")[2]
    assert (request["headers"]["host"], request["headers"]["content-type"].split(";")[0]) == (
        host,
        content_type,
    )
