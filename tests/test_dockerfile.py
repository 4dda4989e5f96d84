"""The Dockerfile, without a Docker engine: its ENV, command and HEALTHCHECK are run here as processes.

The image's command is started with the image's ENV (only the port moved to a free one, through
MOCKSERVER_PORT), then the image's own HEALTHCHECK command must pass against it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import click
import httpx
import pytest

from mockserver.cli import serve
from mockserver.server import free_port
from mockserver.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the venv's bin: `python` and the `mockserver` console script


@dataclass(frozen=True)
class Dockerfile:
    instructions: list[tuple[str, str]]  # (INSTRUCTION, arguments), continuation lines joined

    @classmethod
    def read(cls, path: Path) -> Dockerfile:
        text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
        lines = (line.strip() for line in text.splitlines())
        pairs = [line.split(None, 1) for line in lines if line and not line.startswith("#")]
        return cls([(p[0].upper(), p[1] if len(p) > 1 else "") for p in pairs])

    def all(self, name: str) -> list[str]:
        return [args for instruction, args in self.instructions if instruction == name]

    def last(self, name: str) -> str:
        found = self.all(name)
        assert found, f"no {name} in the Dockerfile"
        return found[-1]

    def env(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for args in self.all("ENV"):
            for word in shlex.split(args):
                key, _, value = word.partition("=")
                env[key] = value
        return env

    def command(self) -> list[str]:
        """ENTRYPOINT + CMD, both in exec (JSON) form, as Docker runs them."""
        entrypoint = json.loads(self.all("ENTRYPOINT")[-1]) if self.all("ENTRYPOINT") else []
        return [*entrypoint, *json.loads(self.last("CMD"))]

    def healthcheck(self) -> list[str]:
        args = self.last("HEALTHCHECK")
        _, _, command = args.partition("CMD ")
        assert command.startswith("["), f"HEALTHCHECK should use the exec (JSON) form: {args}"
        argv: list[str] = json.loads(command)
        return argv


@pytest.fixture(scope="module")
def dockerfile() -> Dockerfile:
    return Dockerfile.read(ROOT / "Dockerfile")


def container_env(dockerfile: Dockerfile, port: int) -> dict[str, str]:
    """The image's ENV over this environment (minus any MOCKSERVER_* of the developer's), port moved."""
    host = {k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")}
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**host, **dockerfile.env(), "MOCKSERVER_PORT": str(port), "PATH": path}


def resolved(argv: list[str], env: Mapping[str, str]) -> list[str]:
    executable = shutil.which(argv[0], path=env["PATH"])
    assert executable, f"{argv[0]} is not installed in {BIN}"
    return [executable, *argv[1:]]


def wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server exited with {process.returncode}"
        try:
            if httpx.get(f"{base_url}/_mock/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.02)  # wall-clock ok: waits for another process to bind its socket
    raise AssertionError(f"{base_url} not healthy within {timeout} s")


@pytest.fixture(scope="module")
def container(dockerfile: Dockerfile, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The image's command, run as the image would run it; yields its port."""
    port = free_port()
    env = container_env(dockerfile, port)
    log = tmp_path_factory.mktemp("container") / "output.log"
    with (
        log.open("wb") as out,
        subprocess.Popen(
            resolved(dockerfile.command(), env), env=env, stdout=out, stderr=subprocess.STDOUT
        ) as process,
    ):
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", process)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    # `docker stop` sends SIGTERM: the app shuts down cleanly, then uvicorn re-raises the signal.
    output = log.read_text()
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output


def test_base_image_is_python_3_11_slim(dockerfile: Dockerfile) -> None:
    assert dockerfile.last("FROM").split()[0] == "python:3.11-slim"


def test_runs_as_a_non_root_user(dockerfile: Dockerfile) -> None:
    user = dockerfile.last("USER").split(":")[0]
    assert user not in ("root", "0")


def test_exposes_8080_and_listens_there_on_every_interface(dockerfile: Dockerfile) -> None:
    assert dockerfile.all("EXPOSE") == ["8080"]
    env = dockerfile.env()
    assert (env["MOCKSERVER_HOST"], env["MOCKSERVER_PORT"]) == ("0.0.0.0", "8080")


def test_installs_the_project_without_a_pip_cache(dockerfile: Dockerfile) -> None:
    assert any("pip install --no-cache-dir" in run for run in dockerfile.all("RUN"))


def test_env_names_real_serve_flags_and_keeps_their_defaults_but_the_host(dockerfile: Dockerfile) -> None:
    options = {p.envvar: p for p in serve.params if isinstance(p, click.Option)}
    ours = {k: v for k, v in dockerfile.env().items() if k.startswith("MOCKSERVER_")}
    assert set(ours) <= set(options), f"not a serve flag: {set(ours) - set(options)}"
    ctx = click.Context(serve)
    for name, value in ours.items():
        if name != "MOCKSERVER_HOST":
            option = options[name]
            assert option.type_cast_value(ctx, value) == option.get_default(ctx), name
    assert Settings().host == "127.0.0.1"  # so the image must (and does) move it


def test_dockerignore_keeps_local_state_out_of_the_context() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "**/__pycache__", ".pytest_cache", ".mypy_cache", "build"} <= ignored


def test_command_serves_and_passes_the_image_healthcheck(dockerfile: Dockerfile, container: int) -> None:
    # Only MOCKSERVER_PORT moves the port: the healthcheck must follow it, as it would in a container.
    env = container_env(dockerfile, container)
    result = subprocess.run(resolved(dockerfile.healthcheck(), env), env=env, capture_output=True, timeout=30)
    assert result.returncode == 0, result.stderr.decode()


def test_healthcheck_fails_when_nothing_answers(dockerfile: Dockerfile) -> None:
    env = container_env(dockerfile, free_port())
    result = subprocess.run(resolved(dockerfile.healthcheck(), env), env=env, capture_output=True, timeout=30)
    assert result.returncode != 0
