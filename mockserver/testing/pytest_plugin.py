"""The pytest plugin (registered through the pytest11 entry point): fixtures for the real server.

- ``telephony_mock_settings`` (session): the :class:`~mockserver.settings.Settings` the server starts
  with — a virtual clock, a free port, seed 0 — adjusted by ``telephony_mock_*`` ini options and
  ``--telephony-mock-*`` command-line options. Override it in ``conftest.py`` for full control.
- ``telephony_mock_server`` (session): the real server on a real socket, in a thread of this process
  (with pytest-xdist: one per worker).
- ``telephony_mock`` (function): a :class:`~mockserver.testing.handle.TelephonyMock` on that server,
  reset before the test.
- ``telephony_tenant`` (function): a handle bound to a fresh tenant of that server (its own clock,
  calls and credentials), dropped after the test.
- ``telephony_mock_hosts`` (function, opt-in; or the marker ``@pytest.mark.telephony_mock_hosts``):
  during the test the provider host names (``api.callr.com``...) resolve to the session's server, which
  then also serves HTTPS, and its CA is trusted in this process, so an unchanged production client
  reaches the mock. Only those names are redirected, and everything is undone after the test.

When a test that uses ``telephony_mock`` fails, its report gets a "telephony mock timeline" section
(requests, state changes, digits, callbacks with their attempts); with ``--telephony-mock-report-dir``
the same is written as JSON Lines, one file per failed test, for a CI job to upload.

This module is imported by every pytest run in an environment where mockserver is installed, so it
imports nothing heavy at module level and starts nothing until a fixture is used. Docs: docs/pytest.md.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mockserver.server import MockServer
    from mockserver.settings import Settings
    from mockserver.testing.handle import TelephonyMock
    from mockserver.testing.hosts import HostRedirect

HOSTS = "telephony_mock_hosts"  # the opt-in: fixture and marker
_WANTS_TLS = pytest.StashKey[bool]()

# name → help; each is the ini option ``telephony_mock_<name>`` and ``--telephony-mock-<name>``.
OPTIONS: dict[str, str] = {
    "seed": "seed for ids, credentials and fake data (default 0; 'none' = different every run)",
    "clock": "how time moves: virtual (default), scaled or real",
    "speed": "speed factor of a scaled clock",
    "start": "start time of a virtual or scaled clock (ISO 8601)",
    "scenarios": "a folder of extra scenario YAML files",
    "credentials": "a YAML file of credentials per provider (replaces the generated ones)",
    "faults": "a YAML file of fault rules loaded at start",
    "providers": "the providers to serve, comma-separated (default: all)",
    "callback_timeout": "seconds per outbound callback attempt",
    "tls": "also serve HTTPS (true/false; default: true when a test uses telephony_mock_hosts)",
}


REPORT_DIR = "a folder: each failing test's timeline is written there as <test id>.jsonl"
REPORT_LINES = 200  # the last lines of a timeline shown in a failure report


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("telephony-mock", "mockserver (the telephony_mock fixtures)")
    for name, text in [*OPTIONS.items(), ("report_dir", REPORT_DIR)]:
        parser.addini(f"telephony_mock_{name}", text)
        group.addoption(
            f"--telephony-mock-{name.replace('_', '-')}", dest=f"telephony_mock_{name}", help=text
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test that used the mock explains itself: its timeline goes into the report."""
    report: pytest.TestReport = yield
    funcargs = getattr(item, "funcargs", {})
    mock = funcargs.get("telephony_tenant") or funcargs.get("telephony_mock")
    if report.when == "call" and report.failed and mock is not None:
        from mockserver.testing.report import timeline_text, write_jsonl

        try:
            entries = mock.timeline()
        except Exception as exc:  # the server itself may be what broke: say so, never hide the failure
            report.sections.append(("telephony mock timeline", f"(could not read the timeline: {exc})"))
            return report
        report.sections.append(("telephony mock timeline", timeline_text(entries, REPORT_LINES)))
        found = _option(item.config, "report_dir")
        if found is not None:
            write_jsonl(_path(*found), item.nodeid, entries)
    return report


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{HOSTS}: the provider host names resolve to the mock and its CA is trusted during the test",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The marker brings the fixture; either one makes the session's server serve HTTPS too."""
    wanted = False
    for item in items:
        fixtures = getattr(item, "fixturenames", None)
        if fixtures is None:
            continue
        if item.get_closest_marker(HOSTS) is not None and HOSTS not in fixtures:
            fixtures.append(HOSTS)
        wanted = wanted or HOSTS in fixtures
    config.stash[_WANTS_TLS] = wanted


@pytest.fixture(scope="session")
def telephony_mock_settings(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """What the session's server starts with. Override this fixture to set anything else."""
    from mockserver.settings import Settings

    values: dict[str, Any] = {"clock": "virtual", "port": 0, "seed": 0, "log_level": "warning"}
    values["tls"] = pytestconfig.stash.get(_WANTS_TLS, False)
    for name in OPTIONS:
        found = _option(pytestconfig, name)
        if found is not None:
            raw, base = found
            try:
                values[name] = CONVERTERS.get(name, _text)(raw, base)
            except ValueError as exc:
                raise pytest.UsageError(f"telephony_mock_{name}: {exc}") from None
    if values["tls"]:  # a free HTTPS port, and a CA of this session's own (trusted in-process only)
        values["https_port"], values["ca_dir"] = 0, tmp_path_factory.mktemp("telephony-mock-ca")
    return Settings(**values)


@pytest.fixture(scope="session")
def telephony_mock_server(telephony_mock_settings: Settings) -> Iterator[MockServer]:
    """The real server, started once per session (per xdist worker) on its own port."""
    from mockserver.server import MockServer

    with MockServer(telephony_mock_settings) as server:
        yield server


@pytest.fixture
def telephony_mock(telephony_mock_server: MockServer) -> Iterator[TelephonyMock]:
    """The handle on the session's server, reset for this test (calls, callbacks, clock, ids)."""
    from mockserver.testing.handle import TelephonyMock

    token = telephony_mock_server.settings.control_token
    with TelephonyMock(telephony_mock_server.base_url, token=token) as mock:
        mock.reset()
        yield mock


@pytest.fixture
def telephony_tenant(telephony_mock: TelephonyMock) -> Iterator[TelephonyMock]:
    """A tenant of its own on the session's server for this test (docs/tenants.md): a handle bound
    to it, its own credentials and clock; dropped after the test. For tests that share one server
    with others (a container in CI, tests in parallel threads)."""
    tenant = telephony_mock.create_tenant()
    try:
        yield tenant
    finally:
        tenant.drop()


@pytest.fixture
def telephony_mock_hosts(telephony_mock_server: MockServer) -> Iterator[HostRedirect]:
    """Opt-in: during the test the provider host names reach the session's server (HTTPS for port 443,
    plain HTTP for port 80) and its CA is trusted by every SSL context this process builds."""
    from mockserver.testing.hosts import HostRedirect

    server = telephony_mock_server
    if server.https_port is None or server.ca_pem is None:
        raise pytest.UsageError(
            f"{HOSTS} needs the server to serve HTTPS: telephony_mock_settings was overridden "
            "without tls=True (add tls=True, https_port=0)"
        )
    hosts = [h for provider in server.state.providers.values() for h in provider.hosts]
    with HostRedirect(hosts, server.settings.host, server.port, server.https_port, server.ca_pem) as redirect:
        yield redirect


def _option(config: pytest.Config, name: str) -> tuple[str, Path] | None:
    """The raw value and the folder relative paths start from: the command line (from where pytest
    was started) wins over the ini file (from the ini file's folder)."""
    raw = config.getoption(f"telephony_mock_{name}")
    if raw is not None:
        return str(raw), config.invocation_params.dir
    raw = config.getini(f"telephony_mock_{name}")
    if raw:
        return str(raw).strip(), config.inipath.parent if config.inipath else config.rootpath
    return None


def _text(raw: str, base: Path) -> str:
    return raw


def _path(raw: str, base: Path) -> Path:
    return base / Path(raw).expanduser()


def _seed(raw: str, base: Path) -> int | None:
    if raw.lower() == "none":
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"the seed must be an integer or 'none', not {raw!r}") from None


def _number(raw: str, base: Path) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"not a number: {raw!r}") from None


def _start(raw: str, base: Path) -> datetime:
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {raw!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _flag(raw: str, base: Path) -> bool:
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, not {raw!r}")


def _providers(raw: str, base: Path) -> tuple[str, ...]:
    return tuple(name for name in raw.replace(",", " ").split() if name)


CONVERTERS: dict[str, Callable[[str, Path], Any]] = {
    "seed": _seed,
    "speed": _number,
    "start": _start,
    "scenarios": _path,
    "credentials": _path,
    "faults": _path,
    "providers": _providers,
    "callback_timeout": _number,
    "tls": _flag,
}
