"""Real third-party clients, unchanged, reach the mock by the providers' production host names.

Only the network is changed, the way docs/zero-change.md tells a user to do it: each client runs in a
private mount namespace (``unshare --mount``) whose ``/etc/hosts`` sends the provider host names to a
loopback address where the mock serves HTTPS on port 443 (the npm ``callr`` SDK forces 443), and trusts
the mock's CA through its runtime's own variable (``NODE_EXTRA_CA_CERTS``, ``SSL_CERT_FILE``).

What a test needs and this machine lacks makes it skip with the reason — except in CI (``CI`` set),
where it fails: ``.ci/run`` installs all of it (Debian nodejs/npm/php-cli/php-soap, ``npm ci`` here).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.settings import Settings

HERE = Path(__file__).parent
NODE_DIR = HERE / "node"
PHP_DIR = HERE / "php"
TIMEOUT = 60.0
# A loopback address of this run's own (all of 127.0.0.0/8 is loopback on Linux), so port 443 on it
# does not collide with another run or with anything bound to 127.0.0.1.
ADDRESS = f"127.77.{os.getpid() % 250 + 1}.1"


def missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the real-client tests must run)", pytrace=False)
    pytest.skip(reason)


def need(program: str, install: str) -> str:
    found = shutil.which(program)
    if found is None:
        missing(f"no {program} on PATH ({install})")
    assert found is not None
    return found


@dataclass
class Network:
    """The mock on ``ADDRESS`` (HTTP on a free port, HTTPS on 443) and the namespace clients run in."""

    server: MockServer
    hosts_file: Path
    ca_file: Path
    control: httpx.Client

    def run(self, argv: list[str], **env: str) -> Any:
        """Run ``argv`` with the private hosts file over /etc/hosts; answer the JSON line it prints."""
        wrapper = 'mount --bind "$0" /etc/hosts && exec "$@"'
        unshare = ["unshare", "--mount", "--propagation", "private"]
        if os.geteuid() != 0:
            unshare.insert(1, "--map-root-user")
        done = subprocess.run(
            [*unshare, "sh", "-c", wrapper, str(self.hosts_file), *argv],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env={**_base_env(), **env},
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert done.returncode == 0, f"{argv[0]} exited {done.returncode}: {done.stderr[-2000:]}"
        lines = [line for line in done.stdout.splitlines() if line.startswith(("{", "["))]
        assert lines, f"{argv[0]} printed no JSON: {done.stdout[-1000:]} {done.stderr[-1000:]}"
        return json.loads(lines[-1])

    def credentials(self, provider: str) -> dict[str, Any]:
        return dict(self.control.get("/_mock/credentials").json()[provider][0])

    def advance(self, seconds: float) -> None:
        assert self.control.post("/_mock/clock/advance", json={"seconds": seconds}).status_code == 200

    def reset(self) -> None:
        assert self.control.post("/_mock/reset").status_code == 200


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep}


def _check_namespaces(hosts_file: Path) -> None:
    probe = ["unshare", "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        probe.insert(1, "--map-root-user")
    try:
        done = subprocess.run(
            [
                *probe,
                "sh",
                "-c",
                'mount --bind "$0" /etc/hosts && grep -q api.callr.com /etc/hosts',
                hosts_file,
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except FileNotFoundError:
        missing("no unshare (util-linux) on PATH")
        return
    if done.returncode != 0:
        missing(f"cannot make a private mount namespace for /etc/hosts: {done.stderr.strip()}")


@pytest.fixture(scope="session")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Network]:
    folder = tmp_path_factory.mktemp("zero-change")
    settings = Settings(
        host=ADDRESS, port=0, tls=True, https_port=443, ca_dir=folder / "ca", clock="virtual", seed=7
    )
    server = MockServer(settings)
    hosts = [h for provider in server.state.providers.values() for h in provider.hosts]
    hosts_file = folder / "hosts"
    hosts_file.write_text(
        f"127.0.0.1 localhost\n::1 localhost\n{ADDRESS} {' '.join(hosts)}\n", encoding="utf-8"
    )
    _check_namespaces(hosts_file)
    try:
        server.start()
    except RuntimeError as exc:
        missing(f"cannot serve HTTPS on {ADDRESS} port 443 (needs root or CAP_NET_BIND_SERVICE): {exc}")
    with httpx.Client(base_url=server.base_url, timeout=30) as control:
        ca_file = folder / "ca.pem"
        ca_file.write_bytes(control.get("/_mock/ca.pem").content)  # as a container would fetch it
        try:
            yield Network(server, hosts_file, ca_file, control)
        finally:
            server.stop()


@pytest.fixture
def net(network: Network) -> Network:
    network.reset()
    return network
