"""The wheel carries what an installed mockserver needs: every module, the shipped scenarios, py.typed,
and the ``mockserver`` console script.

The wheel is built from a copy of the tree, so the build leaves no build/ or egg-info behind in it.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mockserver"
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    source = tmp_path_factory.mktemp("source") / "mockserver"
    shutil.copytree(ROOT, source, symlinks=True, ignore=NOT_SOURCES)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = out.glob("telephony_mockserver-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def test_wheel_ships_every_scenario_unchanged(wheel: zipfile.ZipFile) -> None:
    shipped = sorted(PACKAGE.glob("scenarios/*.yaml"))
    assert len(shipped) == 8
    for path in shipped:
        assert wheel.read(f"mockserver/scenarios/{path.name}") == path.read_bytes()


def test_wheel_ships_the_dashboard_page(wheel: zipfile.ZipFile) -> None:
    static = sorted(p for p in (PACKAGE / "control" / "dashboard" / "static").iterdir() if p.is_file())
    assert {p.name for p in static} >= {"dashboard.html", "dashboard.js", "dashboard.css"}
    for path in static:
        assert wheel.read(f"mockserver/control/dashboard/static/{path.name}") == path.read_bytes()


def test_wheel_is_typed(wheel: zipfile.ZipFile) -> None:
    assert "mockserver/py.typed" in wheel.namelist()


def test_wheel_has_every_module_and_no_tests(wheel: zipfile.ZipFile) -> None:
    modules = {
        path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts
    }
    names = set(wheel.namelist())
    assert modules - names == set()
    assert not any(name.startswith(("tests/", "bench/")) for name in names)


def test_wheel_declares_the_mockserver_console_script(wheel: zipfile.ZipFile) -> None:
    [entry_points] = [n for n in wheel.namelist() if n.endswith(".dist-info/entry_points.txt")]
    parser = configparser.ConfigParser()
    parser.read_string(wheel.read(entry_points).decode())
    assert dict(parser["console_scripts"]) == {"mockserver": "mockserver.cli:main"}
