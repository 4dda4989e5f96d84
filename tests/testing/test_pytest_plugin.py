"""The pytest plugin as a user gets it: inner test files run in a subprocess, where the plugin loads
through its pytest11 entry point."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from mockserver.server import MockServer

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
DOC = ROOT / "docs" / "pytest.md"

PLACE_CALL = """
import httpx

def place_call(mock, to="442079460001"):
    cred = mock.credentials("apifonica")
    acc = cred["account_sid"]
    response = httpx.post(
        f"{mock.base_url}/v2/accounts/{acc}/calls",
        auth=(acc, cred["auth_token"]),
        json={"from": "442071234567", "to": to, "controller": mock.sink("app").url, "events": "all"},
    )
    assert response.status_code == 201, response.text
    return response.json()["uri"].rsplit("/", 1)[1]
"""


@pytest.fixture
def inner(pytester: pytest.Pytester) -> pytest.Pytester:
    """An inner project whose warnings are errors, as in ours."""
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    pytester.makeconftest(PLACE_CALL)
    return pytester


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    # The inner projects use neither hypothesis nor faker: skipping their plugins saves ~1.5 s of CPU a run.
    quiet = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:faker")
    return pytester.runpytest_subprocess(*quiet, *args, timeout=60)


def test_a_call_is_placed_advanced_and_its_callbacks_seen(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        from conftest import place_call
        from mockserver.testing.handle import callback_fields

        def test_first(telephony_mock):
            sid = place_call(telephony_mock)
            telephony_mock.advance(60)
            statuses = [callback_fields(c)["status"] for c in telephony_mock.callbacks(call_id=sid)]
            assert statuses == ["queued", "initiated", "ringing", "answered", "completed"]
            assert len(telephony_mock.sink("app").requests()) == 5

        def test_second_sees_nothing_of_the_first(telephony_mock):
            assert telephony_mock.calls() == []
            assert telephony_mock.callbacks() == []
            assert telephony_mock.sink("app").requests() == []
            assert telephony_mock.now().isoformat() == "2026-01-01T09:00:00+00:00"

        def test_the_server_is_shared_by_the_session(telephony_mock, telephony_mock_server):
            assert telephony_mock.base_url == telephony_mock_server.base_url
            assert telephony_mock_server.settings.clock == "virtual"
            assert telephony_mock_server.settings.seed == 0
        """
    )
    run(inner).assert_outcomes(passed=3)


def test_ini_and_command_line_options_configure_the_server(inner: pytest.Pytester) -> None:
    inner.makeini(
        """
        [pytest]
        filterwarnings = error
        telephony_mock_seed = 42
        telephony_mock_start = 2030-05-01T12:00:00Z
        telephony_mock_scenarios = my-scenarios
        telephony_mock_providers = apifonica
        """
    )
    folder = inner.mkdir("my-scenarios")
    (folder / "quick.yaml").write_text(
        "name: quick\nsteps:\n  - {after: 1, state: initiated}\n  - {after: 1, state: busy}\n"
    )
    inner.makepyfile(
        """
        from conftest import place_call

        def test_options(telephony_mock, telephony_mock_server):
            assert telephony_mock_server.settings.seed == 5  # the command line wins over the ini file
            assert telephony_mock.now().isoformat() == "2030-05-01T12:00:00+00:00"
            assert telephony_mock.health()["providers"] == ["apifonica"]
            telephony_mock.use_scenario("quick")
            sid = place_call(telephony_mock)
            telephony_mock.advance(5)
            assert telephony_mock.call(sid)["state"] == "busy"
        """
    )
    run(inner, "--telephony-mock-seed=5").assert_outcomes(passed=1)


def test_a_bad_option_is_reported_as_such(inner: pytest.Pytester) -> None:
    inner.makepyfile("def test_uses_it(telephony_mock):\n    pass\n")
    result = run(inner, "--telephony-mock-seed=abc")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*telephony_mock_seed: the seed must be an integer or 'none', not 'abc'*"])


def test_conftest_can_override_the_settings(inner: pytest.Pytester) -> None:
    inner.makeconftest(
        PLACE_CALL
        + textwrap.dedent(
            """
            import pytest
            from mockserver.settings import Settings

            @pytest.fixture(scope="session")
            def telephony_mock_settings():
                return Settings(clock="virtual", port=0, seed=9, callback_timeout=1.5, log_level="warning")
            """
        )
    )
    inner.makepyfile(
        """
        def test_settings(telephony_mock, telephony_mock_server):
            assert (telephony_mock_server.settings.seed, telephony_mock_server.settings.callback_timeout) == (
                9,
                1.5,
            )
        """
    )
    run(inner).assert_outcomes(passed=1)


def test_each_xdist_worker_gets_its_own_server(inner: pytest.Pytester) -> None:
    ports = inner.mkdir("ports")
    inner.makepyfile(
        f"""
        import pytest
        from pathlib import Path
        from conftest import place_call

        @pytest.mark.parametrize("n", range(8))
        def test_call(telephony_mock, worker_id, n):
            place_call(telephony_mock)
            assert len(telephony_mock.calls()) == 1  # this worker's server, reset for this test
            port = telephony_mock.base_url.rsplit(":", 1)[1]
            (Path({str(ports)!r}) / f"{{worker_id}}-{{n}}").write_text(port)
        """
    )
    run(inner, "-n", "2").assert_outcomes(passed=8)
    seen: dict[str, set[str]] = {}
    for record in ports.iterdir():
        seen.setdefault(record.name.split("-")[0], set()).add(record.read_text())
    assert sorted(seen) == ["gw0", "gw1"]
    assert all(len(worker_ports) == 1 for worker_ports in seen.values())
    assert seen["gw0"] != seen["gw1"]


def test_an_unused_plugin_starts_and_imports_nothing_heavy(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import sys, threading

        def test_plain():
            assert "mockserver.testing.pytest_plugin" in sys.modules  # loaded by its entry point
            heavy = {"uvicorn", "httpx", "starlette", "faker", "mockserver.server", "mockserver.app"}
            assert heavy & set(sys.modules) == set()
            assert [t for t in threading.enumerate() if t.name == "mockserver"] == []
        """
    )
    run(pytester).assert_outcomes(passed=1)


def test_the_plugin_can_be_turned_off(pytester: pytest.Pytester) -> None:
    result = run(pytester, "-p", "no:mockserver", "--fixtures")
    assert "telephony_mock" not in result.stdout.str()


def test_the_documented_examples_pass(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    for name in ("test_example_app.py", "test_first_call.py"):
        (pytester.path / name).write_text((EXAMPLES / name).read_text())
    run(pytester).assert_outcomes(passed=5)


def test_without_the_plugin_the_documented_fixture_uses_a_server_at_a_url(
    pytester: pytest.Pytester, mock_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    (pytester.path / "conftest.py").write_text((EXAMPLES / "external" / "conftest.py").read_text())
    (pytester.path / "test_first_call.py").write_text((EXAMPLES / "test_first_call.py").read_text())
    monkeypatch.setenv("MOCKSERVER_URL", mock_server.base_url)
    run(pytester, "-p", "no:mockserver").assert_outcomes(passed=1)


@pytest.mark.parametrize("example", ["test_example_app.py", "test_first_call.py", "external/conftest.py"])
def test_the_doc_shows_the_examples_as_they_are(example: str) -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    assert (EXAMPLES / example).read_text() in blocks


def test_a_failing_test_reports_its_timeline_and_writes_it_for_ci(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        from conftest import place_call

        def test_fails(telephony_mock):
            place_call(telephony_mock, to="15550000001")
            telephony_mock.advance(10)
            assert False, "the app did not retry"

        def test_passes(telephony_mock):
            place_call(telephony_mock)
        """
    )
    result = run(inner, "--telephony-mock-report-dir", "timelines")

    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "telephony mock timeline" in out
    assert re.search(r"09:00:00Z  request +apifonica POST /v2/accounts/\S+/calls → 201", out)
    assert re.search(r"transition +cal\S+ busy", out)
    assert re.search(r"callback +POST http://\S+/_mock/sink/app attempt 1 → 200", out)
    (written,) = (inner.path / "timelines").iterdir()
    assert written.name == "test_a_failing_test_reports_its_timeline_and_writes_it_for_ci.py_test_fails.jsonl"
    kinds = [json.loads(line)["kind"] for line in written.read_text().splitlines()]
    assert {"request", "transition", "callback"} <= set(kinds)
    assert "callback" in kinds


def test_a_tenant_fixture_gives_each_test_a_world_of_its_own(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        """
        import threading

        from conftest import place_call
        from mockserver.testing.handle import callback_fields

        def test_tenant(telephony_tenant, telephony_mock):
            assert telephony_tenant.tenant is not None
            assert telephony_tenant.credentials("apifonica") != telephony_mock.credentials("apifonica")
            sid = place_call(telephony_tenant)  # the tenant's credentials, no header: it reaches the tenant
            telephony_tenant.advance(60)
            statuses = [callback_fields(c)["status"] for c in telephony_tenant.callbacks(call_id=sid)]
            assert statuses == ["queued", "initiated", "ringing", "answered", "completed"]
            assert len(telephony_tenant.sink("app").requests()) == 5
            assert telephony_mock.calls() == []  # the default tenant saw nothing of it
            assert telephony_mock.now().isoformat() == "2026-01-01T09:00:00+00:00"
            assert [t["id"] for t in telephony_mock.tenants()] == [telephony_tenant.tenant]

        def test_the_tenant_was_dropped(telephony_mock):
            assert telephony_mock.tenants() == []

        def test_a_failing_tenant_test(telephony_tenant):
            place_call(telephony_tenant)
            assert False
        """
    )
    result = run(inner)
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    assert "telephony mock timeline" in out
    assert re.search(r"POST /v2/accounts/\S+/calls", out)  # the tenant's timeline, not the default's
