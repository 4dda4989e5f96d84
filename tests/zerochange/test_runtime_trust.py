"""The trust recipes of docs/zero-change.md, each run as a user would: a separate process, the provider's
production URL, the CA given through the runtime's own setting, only /etc/hosts changed (conftest.py).

Node (``NODE_EXTRA_CA_CERTS``) and PHP (``SSL_CERT_FILE``) are covered by test_real_clients.py. Go and
.NET are documented but not run: this machine has neither toolchain.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import certifi
import pytest

from tests.zerochange.conftest import HERE, Network, missing, need

URL = "https://api.callr.com/json-rpc/v1.1/"
AUTH_FAILED = '"message": "AUTH_FAILED"'  # CALLR's answer to a request without credentials (HTTP 401)

PY_URLLIB = f"""
import json, urllib.error, urllib.request
try:
    urllib.request.urlopen(urllib.request.Request({URL!r}, b"{{}}"))
except urllib.error.HTTPError as e:
    print(json.dumps({{"status": e.code, "body": e.read().decode()}}))
"""
PY_REQUESTS = f"""
import json, requests
r = requests.post({URL!r}, data=b"{{}}")
print(json.dumps({{"status": r.status_code, "body": r.text}}))
"""
PY_HTTPX = f"""
import json, httpx
r = httpx.post({URL!r}, content=b"{{}}")
print(json.dumps({{"status": r.status_code, "body": r.text}}))
"""
PY_CALLR_SDK = """
import json, callr
try:
    callr.Api("nobody", "wrong").call("system.get_timestamp")
except callr.CallrException as e:
    print(json.dumps({"status": e.data["http_code"], "body": e.msg}))
"""


def python(net: Network, code: str, **env: str) -> dict[str, object]:
    return dict(net.run([sys.executable, "-c", code], **env))


def test_python_urllib_trusts_ssl_cert_file(net: Network) -> None:
    result = python(net, PY_URLLIB, SSL_CERT_FILE=str(net.ca_file))
    assert result["status"] == 401
    assert AUTH_FAILED in str(result["body"])


def test_the_python_callr_sdk_unchanged_in_its_own_process(net: Network) -> None:
    assert python(net, PY_CALLR_SDK, SSL_CERT_FILE=str(net.ca_file)) == {
        "status": 401,
        "body": "HTTP_CODE_ERROR",
    }


def test_python_requests_trusts_a_bundle_with_the_ca_added(net: Network, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.pem"  # REQUESTS_CA_BUNDLE replaces certifi's: keep the public roots too
    bundle.write_bytes(Path(certifi.where()).read_bytes() + net.ca_file.read_bytes())

    result = python(net, PY_REQUESTS, REQUESTS_CA_BUNDLE=str(bundle))

    assert result["status"] == 401
    assert AUTH_FAILED in str(result["body"])


def test_python_httpx_trusts_ssl_cert_file(net: Network) -> None:
    result = python(net, PY_HTTPX, SSL_CERT_FILE=str(net.ca_file))
    assert result["status"] == 401


def test_without_the_ca_the_client_refuses_the_mock(net: Network) -> None:
    """The redirect alone is not enough: an untrusting client fails, as it should."""
    with pytest.raises(AssertionError, match="CERTIFICATE_VERIFY_FAILED"):
        python(net, PY_HTTPX)


def test_java_trusts_a_trust_store_holding_the_ca(net: Network, tmp_path: Path) -> None:
    java = need("java", "apt-get install openjdk-17-jdk-headless")
    keytool = need("keytool", "apt-get install openjdk-17-jdk-headless")
    store = tmp_path / "truststore.p12"
    subprocess.run(
        [
            keytool,
            "-importcert",
            "-noprompt",
            "-alias",
            "mockserver",
            "-file",
            str(net.ca_file),
            "-keystore",
            str(store),
            "-storetype",
            "PKCS12",
            "-storepass",
            "changeit",
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    listed = subprocess.run([java, "--list-modules"], capture_output=True, text=True, timeout=60, check=False)
    if "jdk.compiler" not in listed.stdout:
        missing(
            "this Java cannot run a source file (no jdk.compiler: apt-get install openjdk-17-jdk-headless)"
        )

    result = net.run(
        [
            java,
            "-Djavax.net.ssl.trustStore=" + str(store),
            "-Djavax.net.ssl.trustStorePassword=changeit",
            str(HERE / "java" / "Probe.java"),
            URL,
        ],
    )

    assert result["status"] == 401
    assert AUTH_FAILED in str(result["body"])
