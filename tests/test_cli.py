"""The ``mockserver`` command: help, env vars, the start-up banner, ``scenarios check``.

click's CliRunner where no server is needed; a real process where one is. A started process is
ready once it has printed its banner (printed after the socket is bound), so nothing here polls.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import httpx
import pytest
from click.testing import CliRunner

from mockserver import server
from mockserver.cli import main, serve
from mockserver.server import free_port
from mockserver.settings import Settings
from tests.processes import read_banner, stop

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "mockserver" / "scenarios"
SHIPPED_NAMES = {"answered", "busy", "failed", "ivr", "long-call", "no-answer", "rejected", "voicemail"}
SERVE_FLAGS = [
    "--host",
    "--port",
    "--clock",
    "--speed",
    "--start",
    "--scenarios",
    "--seed",
    "--credentials",
    "--faults",
    "--state-file",
    "--callback-timeout",
    "--callback-per-origin",
    "--callback-retention",
    "--workers",
    "--journal-size",
    "--control-token",
    "--reveal-secrets",
    "--max-body",
    "--max-control-body",
    "--max-calls",
    "--max-tenants",
    "--head-timeout",
    "--max-connections",
    "--callback-allow",
    "--autosave",
    "--auto-grace",
    "--log-level",
    "--request-log",
    "--tls",
    "--https-port",
    "--ca-dir",
]
BROKEN_SCENARIO = "name: broken\nsteps:\n  - {after: 1, state: exploded}\n"
CONSOLE_SCRIPT = Path(sys.executable).parent / "mockserver"


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any MOCKSERVER_* the developer may have set, plus ``overrides``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}, **overrides}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def broken_dir(tmp_path: Path) -> Path:
    (tmp_path / "broken.yaml").write_text(BROKEN_SCENARIO, encoding="utf-8")
    return tmp_path


# -- help --------------------------------------------------------------------------------------
def test_help_lists_the_commands(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "serve" in result.output
    assert "scenarios" in result.output


def test_serve_help_lists_every_flag(runner: CliRunner) -> None:
    result = runner.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert [flag for flag in SERVE_FLAGS if flag not in result.output] == []
    assert sorted(f"--{p.name.replace('_', '-')}" for p in serve.params if p.name != "help") == sorted(
        SERVE_FLAGS
    )


def test_every_serve_flag_has_a_prefixed_env_var() -> None:
    options = [p for p in serve.params if isinstance(p, click.Option) and p.name != "help"]
    assert {p.name: p.envvar for p in options} == {
        p.name: f"MOCKSERVER_{str(p.name).upper()}" for p in options
    }


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_env(),
    )
    assert result.returncode == 0, result.stderr
    assert "serve" in result.stdout


# -- env vars, without a server: what reaches Settings -------------------------------------------
def test_env_vars_fill_every_setting(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    seen: list[Settings] = []
    monkeypatch.setattr(server, "run", seen.append)
    env = {
        "MOCKSERVER_HOST": "0.0.0.0",
        "MOCKSERVER_PORT": "9123",
        "MOCKSERVER_CLOCK": "scaled",
        "MOCKSERVER_SPEED": "60",
        "MOCKSERVER_START": "2030-05-06T07:08:09Z",
        "MOCKSERVER_SCENARIOS": str(tmp_path),
        "MOCKSERVER_SEED": "42",
        "MOCKSERVER_CREDENTIALS": str(tmp_path / "creds.yaml"),
        "MOCKSERVER_CALLBACK_TIMEOUT": "2.5",
        "MOCKSERVER_JOURNAL_SIZE": "17",
        "MOCKSERVER_LOG_LEVEL": "warning",
        "MOCKSERVER_STATE_FILE": str(tmp_path / "state.json"),
    }
    result = runner.invoke(main, ["serve"], env=env)
    assert result.exit_code == 0, result.output
    [settings] = seen
    assert (settings.host, settings.port, settings.clock, settings.speed) == ("0.0.0.0", 9123, "scaled", 60)
    assert settings.start.isoformat() == "2030-05-06T07:08:09+00:00"
    assert (settings.scenarios, settings.credentials) == (tmp_path, tmp_path / "creds.yaml")
    assert (settings.seed, settings.callback_timeout, settings.journal_size) == (42, 2.5, 17)
    assert settings.log_level == "warning"
    assert settings.state_file == tmp_path / "state.json"


def test_a_bad_start_time_names_the_option(runner: CliRunner) -> None:
    result = runner.invoke(main, ["serve"], env={"MOCKSERVER_START": "yesterday"})
    assert result.exit_code == 2
    assert "Invalid value for '--start'" in result.stderr
    assert "yesterday" in result.stderr


# -- scenarios check ---------------------------------------------------------------------------
def test_scenarios_check_lists_the_shipped_scenarios(runner: CliRunner) -> None:
    result = runner.invoke(main, ["scenarios", "check", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    ok_lines = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("ok ")]
    assert set(ok_lines) == SHIPPED_NAMES
    assert "8 scenario(s) valid" in result.stdout


def test_scenarios_check_reports_file_and_line_on_stderr(runner: CliRunner, broken_dir: Path) -> None:
    result = runner.invoke(main, ["scenarios", "check", str(broken_dir)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{broken_dir / 'broken.yaml'}:3: ")
    assert "exploded" in result.stderr
    assert "valid" not in result.stdout


def test_serve_with_a_broken_scenario_folder_exits_with_a_message(broken_dir: Path) -> None:
    # A process, not CliRunner: if the check ever regressed, CliRunner would serve forever.
    result = subprocess.run(
        [str(CONSOLE_SCRIPT), "serve", "--port", str(free_port()), "--scenarios", str(broken_dir)],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_env(),
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"Error: {broken_dir / 'broken.yaml'}:3: " in result.stderr


# -- a real process, configured by env vars ------------------------------------------------------
@dataclass
class Served:
    port: int
    seed: int
    banner: str
    http: httpx.Client

    def get(self, path: str) -> Any:
        response = self.http.get(path)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Served]]:
    """Three servers started at once (to keep the time down): seeds 5, 5 and 6, all virtual."""
    logs = tmp_path_factory.mktemp("logs")
    with contextlib.ExitStack() as stack:
        started = []
        for index, seed in enumerate((5, 5, 6)):
            port = free_port()
            env = clean_env(MOCKSERVER_PORT=str(port), MOCKSERVER_CLOCK="virtual", MOCKSERVER_SEED=str(seed))
            log = stack.enter_context((logs / f"server-{index}.log").open("wb"))
            process = stack.enter_context(
                subprocess.Popen([str(CONSOLE_SCRIPT), "serve"], env=env, stdout=subprocess.PIPE, stderr=log)
            )
            stack.callback(stop, process)  # runs before Popen.__exit__ waits for it
            started.append((process, port, seed))
        yield [
            Served(
                port,
                seed,
                read_banner(process),
                stack.enter_context(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)),
            )
            for process, port, seed in started
        ]


def test_env_port_and_clock_take_effect(served: list[Served]) -> None:
    for one in served:
        health = one.get("/_mock/health")  # answered on MOCKSERVER_PORT
        assert health["status"] == "ok"
        assert health["clock"]["mode"] == "virtual"


def test_same_seed_gives_the_same_credentials_another_seed_others(served: list[Served]) -> None:
    first, again, other = (one.get("/_mock/credentials") for one in served)
    assert first == again
    assert first["apifonica"] != other["apifonica"]


def test_banner_shows_the_base_url_and_apifonica_credentials(served: list[Served]) -> None:
    one = served[0]
    [account] = one.get("/_mock/credentials")["apifonica"]
    assert f"http://127.0.0.1:{one.port}" in one.banner
    assert "(clock: virtual)" in one.banner
    assert f"account_sid={account['account_sid']}" in one.banner
    assert f"auth_token={account['auth_token']}" in one.banner
