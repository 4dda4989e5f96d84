"""Errors a user can act on (issue #15 items 10-12): one line per start-up mistake, naming the file, the
key and what is allowed; ``scenarios check`` reports every error; ``--help`` explains itself.

``serve`` runs as a real process with a timeout: were a check to regress, CliRunner would serve forever.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mockserver.cli import main
from mockserver.providers import REGISTRY, load
from mockserver.server import free_port

CONSOLE_SCRIPT = Path(sys.executable).parent / "mockserver"


def serve_fails(*flags: str, usage: bool = False) -> str:
    """Runs ``mockserver serve`` expecting it to refuse to start; returns its one-line stderr (after
    click's two usage lines, for a flag click itself refuses)."""
    result = subprocess.run(
        [str(CONSOLE_SCRIPT), "serve", "--clock", "virtual", *flags],
        capture_output=True,
        text=True,
        timeout=30,
        env={k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")},
    )
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if usage:
        assert lines[:2] == ["Usage: mockserver serve [OPTIONS]", "Try 'mockserver serve --help' for help."]
        lines = lines[2:]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "apifonica: 5\n",
            "apifonica: expected a list of credential entries ({key: value} each)",
            id="not-a-list",
        ),
        pytest.param("- a\n- b\n", "expected {provider: [ {...}, ... ]}, not a list", id="a-list"),
        pytest.param("nexmo: []\n", "unknown provider 'nexmo'", id="unknown-provider"),
        pytest.param(
            "dillo:\n  - Customercode: x\n",
            "dillo: unknown key 'Customercode' (allowed: ApiKey, CustomerCode, name, senders)",
            id="misspelt-key",
        ),
        pytest.param(
            "dillo:\n  - CustomerCode: C1\n", "dillo: CustomerCode must be a GUID, not 'c1'", id="dillo-guid"
        ),
        pytest.param(
            "apifonica:\n  - numbers: 5\n",
            "apifonica: numbers must be a list of digit strings",
            id="bad-value",
        ),
        pytest.param(
            "callr:\n  - login: a\n    passwd: b\n",
            "callr: unknown key 'passwd' (allowed: cli, credit, login, name, password)",
            id="callr-key",
        ),
    ],
)
def test_a_wrong_credentials_file_is_one_line_naming_file_and_key(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "credentials.yaml"
    path.write_text(text)
    line = serve_fails("--port", str(free_port()), "--credentials", str(path))
    assert line == f"Error: {path}: {expected}"


def test_a_port_out_of_range_is_one_line() -> None:
    line = serve_fails("--port", "70000", usage=True)
    assert "Invalid value for '--port'" in line
    assert "70000 is not in the range 0<=x<=65535" in line


def test_a_port_in_use_says_so_and_suggests_another() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = serve_fails("--port", str(port))
    assert line == (
        f"Error: port {port} on 127.0.0.1 is in use (another mockserver?): stop it, or pick another with "
        "--port (0: a free one)"
    )


def test_the_control_api_refuses_an_unknown_credential_key_too(control: object) -> None:
    http = control.http  # type: ignore[attr-defined]
    made = http.post("/_mock/credentials/apifonica", json={"account_sid": "acc1", "token": "t"})
    assert made.status_code == 400, made.text
    assert "unknown key 'token' (allowed: account_sid, auth_token, name, numbers)" in made.text
    assert http.post("/_mock/credentials/apifonica", json={"account_sid": "acc1"}).status_code == 201


# -- scenarios check -------------------------------------------------------------------------------
BROKEN = """\
name: Bad_Name
stepz: []
steps:
  - {after: 1, state: ringing}
  - {after: 1, state: flying}
price_per_minute: -1
---
name: fine
steps:
  - {after: 1, state: initiated}
"""

MIX = """\
name: half-busy
mix:
  - {scenario: busy, weight: 1}
  - {scenario: nowhere, weight: 1}
"""


def test_check_reports_every_error_of_a_file_in_line_order(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    result = CliRunner().invoke(main, ["scenarios", "check", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:1: name must be lower-case letters, digits and '-', got 'Bad_Name'",
        f"{path}:2: unknown key 'stepz' in a scenario (known: description, input, mix, name, numbers, "
        "price_per_minute, recording, steps)",
        f"{path}:4: step 1: a call cannot go from queued to ringing",
        f"{path}:5: step 2: unknown state 'flying' (one of initiated, ringing, answered, completed, busy, "
        "no_answer, rejected, failed, canceled)",
        f"{path}:6: price_per_minute must be zero or more, got -1",
        "5 error(s)",
    ]


def test_check_takes_files_and_folders_and_checks_mixes_as_serve_does(tmp_path: Path) -> None:
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "mix.yaml").write_text(MIX)
    good = tmp_path / "good.yaml"
    good.write_text(BROKEN.split("---\n")[1])
    result = CliRunner().invoke(main, ["scenarios", "check", str(good), str(folder), str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'nope'}: no such file or folder",
        f"{folder / 'mix.yaml'}:1: mix 'half-busy' names no scenario 'nowhere'",  # 'busy' is shipped
        "2 error(s)",
    ]
    fixed = MIX.replace("nowhere", "fine")
    (folder / "mix.yaml").write_text(fixed)
    result = CliRunner().invoke(main, ["scenarios", "check", str(good), str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "2 scenario(s) valid"


def test_serve_refuses_the_mix_check_refuses(tmp_path: Path) -> None:
    (tmp_path / "mix.yaml").write_text(MIX)
    line = serve_fails("--port", str(free_port()), "--scenarios", str(tmp_path))
    assert line == f"Error: {tmp_path / 'mix.yaml'}: mix 'half-busy' names no scenario 'nowhere'"


# -- help ------------------------------------------------------------------------------------------
def test_help_lists_the_five_providers_with_an_example() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for provider, path in [
        ("apifonica", "/v2/accounts/{sid}/calls"),
        ("dillo", "/api/sendaction"),
        ("routee", "/voice/conversation"),
        ("esendex", "/notifyws/phonenotify.asmx"),
        ("callr", "/json-rpc/v1.1/"),
    ]:
        assert any(line.split()[:1] == [provider] and path in line for line in result.stdout.splitlines())
    assert "mockserver serve --clock virtual --port 8080" in result.stdout


def every_option() -> list[tuple[str, click.Option]]:
    found: list[tuple[str, click.Option]] = []
    for name, command in main.commands.items():
        subs = command.commands.items() if isinstance(command, click.Group) else [(name, command)]
        found += [(sub, p) for sub, c in subs for p in c.params if isinstance(p, click.Option)]
    return found


@pytest.mark.parametrize(("command", "option"), every_option(), ids=lambda v: str(getattr(v, "name", v)))
def test_every_option_has_help_a_pip_user_can_follow(command: str, option: click.Option) -> None:
    assert option.help, f"{command} {option.opts} has no help"
    assert "docs/" not in option.help  # a repository path: a pip user has no docs/ folder


def test_the_control_api_docs_list_each_providers_credential_keys() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "control-api.md").read_text()
    documented = {
        row[0]: set(re.findall(r"`([A-Za-z_]+)`", row[1]))
        for row in (line.strip("| ").split(" | ") for line in text.splitlines() if line.startswith("| "))
        if len(row) == 2 and row[0] in REGISTRY
    }
    assert documented == {name: set(load(name).credential_keys) for name in REGISTRY}
