"""The pytest plugin's opt-in: provider host names reach the in-process server over HTTPS, so the official
CALLR Python SDK runs with its built-in URL (``https://api.callr.com/json-rpc/v1.1/``), no set_api_url."""

from __future__ import annotations

import gc
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import callr
import certifi
import httpx
import pytest

from mockserver.testing.handle import TelephonyMock
from mockserver.testing.hosts import HostRedirect
from mockserver.tls import LocalCA

pytest_plugins = ["pytester"]

ORIGINAL_GETADDRINFO = socket.getaddrinfo  # as this module was imported, before any test opted in

# The SDK reads each urllib response without closing it; its socket is collected with a ResourceWarning.
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(autouse=True)
def _collect_sdk_sockets() -> Iterator[None]:
    yield
    gc.collect()


@pytest.mark.telephony_mock_hosts
def test_the_callr_sdk_reaches_the_mock_with_its_default_url(telephony_mock: TelephonyMock) -> None:
    creds = telephony_mock.credentials("callr")
    api = callr.Api(creds["login"], creds["password"])

    assert api._api_url == "https://api.callr.com/json-rpc/v1.1/"  # the SDK's own default, untouched
    assert api.call("system.get_timestamp") == 1767258000
    app = api.call("apps.create", "CLICKTOCALL10", "zero change", {})
    assert app["package"]["name"] == "CLICKTOCALL10"
    [request] = [r for r in telephony_mock.requests("callr") if r["method"] == "POST"][-1:]
    assert request["headers"]["host"] == "api.callr.com"


@pytest.mark.telephony_mock_hosts
def test_a_wrong_password_is_the_sdks_http_401(telephony_mock: TelephonyMock) -> None:
    api = callr.Api(telephony_mock.credentials("callr")["login"], "wrong")

    with pytest.raises(callr.CallrException) as caught:
        api.call("system.get_timestamp")

    assert (caught.value.msg, caught.value.data["http_code"]) == ("HTTP_CODE_ERROR", 401)


def test_httpx_and_a_plain_context_trust_the_mock_under_the_fixture(
    telephony_mock_hosts: HostRedirect, telephony_mock: TelephonyMock
) -> None:
    # httpx builds its context from certifi's bundle; the redirect adds the mock's CA to it.
    answer = httpx.post("https://api.callr.com/json-rpc/v1.1/", content=b"{}")
    assert answer.status_code == 401  # the mock's CALLR, over TLS, by the production name
    assert answer.json()["error"]["message"] == "AUTH_FAILED"
    plain = httpx.get("http://ws.cdyne.com/NotifyWS/PhoneNotify.asmx?WSDL")  # port 80: the plain listener
    assert "http://ws.cdyne.com/NotifyWS/PhoneNotify.asmx" in plain.text


def test_only_provider_hosts_are_redirected(telephony_mock_hosts: HostRedirect) -> None:
    assert telephony_mock_hosts.resolve("api.callr.com", 443) is not None
    assert telephony_mock_hosts.resolve("api.callr.com.example", 443) is None
    assert telephony_mock_hosts.resolve("localhost", 443) is None
    [(_, _, _, _, address)] = socket.getaddrinfo("localhost", 80, socket.AF_INET, socket.SOCK_STREAM)
    assert address == ("127.0.0.1", 80)


def test_without_the_opt_in_nothing_is_redirected_or_trusted() -> None:
    """A test that does not opt in sees the real resolver and the original trust loaders."""
    assert socket.getaddrinfo is ORIGINAL_GETADDRINFO
    assert not {"load_default_certs", "load_verify_locations", "set_default_verify_paths"} - set(
        dir(ssl.SSLContext)
    )
    assert "load_verify_locations" not in ssl.SSLContext.__dict__  # inherited from _ssl, not patched


def test_a_redirect_is_undone_on_exit(tmp_path: Path) -> None:
    ca = LocalCA.load_or_create(tmp_path)
    before = socket.getaddrinfo, dict(ssl.SSLContext.__dict__)
    redirect = HostRedirect(["api.callr.com"], "127.0.0.1", 8080, 8443, ca.pem)
    der = ssl.PEM_cert_to_DER_cert(ca.pem.decode())

    with redirect:
        [(_, _, _, _, address)] = socket.getaddrinfo("api.callr.com", 443, socket.AF_INET, socket.SOCK_STREAM)
        assert address == ("127.0.0.1", 8443)
        [(_, _, _, _, address)] = socket.getaddrinfo(
            "api.callr.com", "http", socket.AF_INET, socket.SOCK_STREAM
        )
        assert address == ("127.0.0.1", 8080)
        assert der in ssl.create_default_context().get_ca_certs(binary_form=True)
        assert der in ssl.create_default_context(cafile=certifi.where()).get_ca_certs(binary_form=True)

    assert (socket.getaddrinfo, dict(ssl.SSLContext.__dict__)) == before
    assert der not in ssl.create_default_context(cafile=certifi.where()).get_ca_certs(binary_form=True)


# -- as a user gets it: the plugin in an inner pytest run -------------------------------------------
INNER_TESTS = """
import socket
import ssl

import callr
import pytest

ORIGINAL = socket.getaddrinfo


@pytest.mark.telephony_mock_hosts
def test_marked(telephony_mock):
    creds = telephony_mock.credentials("callr")
    assert callr.Api(creds["login"], creds["password"]).call("system.get_timestamp") == 1767258000


def test_unmarked_after(telephony_mock_server):
    assert telephony_mock_server.https_port is not None  # the session serves HTTPS: a test opted in
    assert socket.getaddrinfo is ORIGINAL
    assert "load_verify_locations" not in vars(ssl.SSLContext)
"""


def test_the_marker_in_a_users_project_and_nothing_left_after(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nfilterwarnings =\n    error\n    ignore::ResourceWarning\n"
        "    ignore::pytest.PytestUnraisableExceptionWarning\n"
    )
    pytester.makepyfile(test_inner=INNER_TESTS)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", timeout=120)

    result.assert_outcomes(passed=2)


def test_a_session_without_the_opt_in_serves_no_https(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_plain="def test_plain(telephony_mock_server):\n"
        "    assert telephony_mock_server.https_port is None\n"
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(passed=1)
