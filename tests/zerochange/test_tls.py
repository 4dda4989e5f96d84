"""HTTPS with the local CA, and routing by the provider's production host name."""

from __future__ import annotations

import socket
import ssl
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from cryptography import x509

from mockserver.cli import main
from mockserver.providers import REGISTRY, load
from mockserver.server import MockServer, free_port
from mockserver.settings import Settings
from mockserver.tls import LocalCA
from tests.test_cli import read_banner, stop

PROVIDER_HOSTS = {
    "api.apifonica.com",
    "api.dillo.cloud",
    "auth.routee.net",
    "connect.routee.net",
    "ws.esendex.us",
    "ws.cdyne.com",
    "api.callr.com",
}
CONSOLE_SCRIPT = Path(sys.executable).parent / "mockserver"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    ca_dir = tmp_path_factory.mktemp("ca")
    with MockServer(Settings(clock="virtual", port=0, tls=True, https_port=0, ca_dir=ca_dir)) as server:
        yield server


def strict_context(ca_pem: bytes) -> ssl.SSLContext:
    """What a careful client does: verify the chain and the name, with X.509 strict checks."""
    context = ssl.create_default_context(cadata=ca_pem.decode())
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    return context


def peer_certificate(server: MockServer, name: str) -> x509.Certificate:
    assert server.https_port is not None
    assert server.ca_pem is not None
    with (
        socket.create_connection(("127.0.0.1", server.https_port), timeout=10) as raw,
        strict_context(server.ca_pem).wrap_socket(raw, server_hostname=name) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der)


def test_every_provider_declares_its_production_hosts() -> None:
    declared = {host for name in REGISTRY for host in load(name).hosts}
    assert declared == PROVIDER_HOSTS


@pytest.mark.parametrize("name", [*sorted(PROVIDER_HOSTS), "localhost"])
def test_the_certificate_verifies_for_every_provider_host(tls_server: MockServer, name: str) -> None:
    cert = peer_certificate(tls_server, name)  # the handshake verified chain and name, strictly

    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.DNSName)) >= {*PROVIDER_HOSTS, "localhost"}
    assert "127.0.0.1" in {str(ip) for ip in san.get_values_for_type(x509.IPAddress)}


def test_https_by_ip_and_the_plain_port_share_one_state(tls_server: MockServer) -> None:
    assert tls_server.https_url is not None
    assert tls_server.ca_pem is not None
    verify = strict_context(tls_server.ca_pem)
    httpx.post(f"{tls_server.base_url}/_mock/reset")
    over_tls = httpx.get(f"{tls_server.https_url}/_mock/health", verify=verify).json()
    plain = httpx.get(f"{tls_server.base_url}/_mock/health").json()

    assert over_tls == plain
    assert {h for hosts in plain["hosts"].values() for h in hosts} == PROVIDER_HOSTS
    assert plain["hosts"]["routee"] == ["auth.routee.net", "connect.routee.net"]


def test_the_ca_is_served_and_kept(tls_server: MockServer) -> None:
    served = httpx.get(f"{tls_server.base_url}/_mock/ca.pem")
    folder = tls_server.settings.ca_dir
    assert folder is not None

    assert served.status_code == 200
    assert served.headers["content-type"] == "application/x-pem-file"
    assert served.content == (folder / "ca.pem").read_bytes() == tls_server.ca_pem
    assert stat.S_IMODE((folder / "ca-key.pem").stat().st_mode) == 0o600
    assert LocalCA.load_or_create(folder).pem == served.content  # a second start keeps the same CA
    ca = x509.load_pem_x509_certificate(served.content)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True


def test_without_tls_the_ca_url_says_how_to_turn_it_on(mock_server: MockServer) -> None:
    answer = httpx.get(f"{mock_server.base_url}/_mock/ca.pem")

    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "tls_off"
    assert "--tls" in answer.json()["error"]["message"]


# -- routing by Host -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "path", "expected"),
    [
        ("api.callr.com", "/nope", '"jsonrpc": "2.0"'),  # CALLR's JSON-RPC envelope, not the control API's
        ("api.apifonica.com", "/nope", '"error_code":3001'),
        ("ws.cdyne.com", "/nope", "Not Found: /nope"),
        ("API.CALLR.COM.", "/nope", '"jsonrpc": "2.0"'),  # host names match without case or final dot
    ],
)
def test_an_unknown_path_on_a_provider_host_is_that_providers_404(
    mock_server: MockServer, host: str, path: str, expected: str
) -> None:
    answer = httpx.get(f"{mock_server.base_url}{path}", headers={"Host": host})

    assert answer.status_code == 404
    assert expected in answer.text


def test_any_other_host_keeps_every_provider_and_the_prefixed_paths(mock_server: MockServer) -> None:
    for host in ("127.0.0.1", "mockserver", "localhost:8080"):
        assert httpx.get(f"{mock_server.base_url}/nope", headers={"Host": host}).json()["error"]["code"] == (
            "not_found"
        )
        wsdl = httpx.get(
            f"{mock_server.base_url}/esendex/notifyws/phonenotify.asmx?WSDL", headers={"Host": host}
        )
        assert wsdl.status_code == 200


def test_a_provider_host_reaches_only_that_provider(mock_server: MockServer) -> None:
    callr_on_apifonica = httpx.post(
        f"{mock_server.base_url}/json-rpc/v1.1/", headers={"Host": "api.apifonica.com"}, content=b"{}"
    )
    legacy_wsdl = httpx.get(
        f"{mock_server.base_url}/NotifyWS/PhoneNotify.asmx?WSDL", headers={"Host": "ws.cdyne.com"}
    )

    assert callr_on_apifonica.status_code == 404
    assert callr_on_apifonica.json()["error_code"] == 3001  # Apifonica's own not-found envelope
    assert 'location="http://ws.cdyne.com/NotifyWS/PhoneNotify.asmx"' in legacy_wsdl.text
    assert (
        httpx.get(f"{mock_server.base_url}/_mock/health", headers={"Host": "api.callr.com"}).status_code
        == 200
    )


# -- the CLI ---------------------------------------------------------------------------------------
def test_mockserver_ca_prints_the_kept_ca_and_creates_it_once(tmp_path: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["ca", "--ca-dir", str(tmp_path / "ca")])
    again = runner.invoke(main, ["ca"], env={"MOCKSERVER_CA_DIR": str(tmp_path / "ca")})

    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("-----BEGIN CERTIFICATE-----")
    assert first.stdout == again.stdout == (tmp_path / "ca" / "ca.pem").read_text()


def test_an_unusable_ca_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    result = CliRunner().invoke(main, ["ca", "--ca-dir", str(blocker / "ca")])

    assert result.exit_code == 1
    assert "cannot use the CA folder" in result.output
    assert "--ca-dir" in result.output


def test_serve_tls_prints_the_https_url_and_an_https_port_in_use_stops_it(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "MOCKSERVER_TLS": "1", "MOCKSERVER_CA_DIR": str(tmp_path / "ca")}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        result = subprocess.run(
            [str(CONSOLE_SCRIPT), "serve", "--port", str(free_port()), "--https-port", str(busy)],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
        )

    assert result.returncode != 0
    assert f"port {busy} on 127.0.0.1 is in use (another mockserver?)" in result.stderr
    assert "pick another with --https-port" in result.stderr
    assert "mockserver ready" not in result.stdout


def test_serve_tls_announces_https_and_answers_by_a_provider_name(tmp_path: Path) -> None:
    port, https_port = free_port(), free_port()
    env = {"PATH": "/usr/bin:/bin", "MOCKSERVER_TLS": "true", "MOCKSERVER_CA_DIR": str(tmp_path / "ca")}
    command = [str(CONSOLE_SCRIPT), "serve", "--port", str(port), "--https-port", str(https_port)]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as process:
        try:
            banner = read_banner(process)
            ca = httpx.get(f"http://127.0.0.1:{port}/_mock/ca.pem").content
            context = strict_context(ca)
            with (
                socket.create_connection(("127.0.0.1", https_port), timeout=10) as raw,
                context.wrap_socket(raw, server_hostname="api.dillo.cloud") as tls,
            ):
                tls.sendall(b"GET /api/nope HTTP/1.1\r\nHost: api.dillo.cloud\r\nConnection: close\r\n\r\n")
                reply = b"".join(iter(lambda: tls.recv(65536), b""))
        finally:
            stop(process)

    assert f"HTTPS on https://127.0.0.1:{https_port} for api.apifonica.com" in banner
    assert ca == (tmp_path / "ca" / "ca.pem").read_bytes()
    assert reply.startswith(b"HTTP/1.1 404")


def test_an_https_port_in_use_fails_the_in_process_server_clearly(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        server = MockServer(Settings(clock="virtual", port=0, tls=True, https_port=busy, ca_dir=tmp_path))
        with pytest.raises(RuntimeError, match=f"could not serve HTTPS on port {busy}"):
            server.start()
    server.stop()
    free = socket.socket()
    free.bind(("127.0.0.1", server.port))  # the plain listener was closed too
    free.close()
