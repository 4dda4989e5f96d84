"""Persistence edges (issue 13, items 6 and 8): a state file holding null or nested too deeply is refused
with a one-line message; stale temporaries are removed at start; --autosave writes on its own."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from mockserver.app import ConfigError, create_app
from mockserver.server import MockServer
from mockserver.settings import Settings


@pytest.mark.parametrize("content", ["null", "[1, 2]", '"text"', "3"])
def test_a_state_file_that_is_not_an_object_is_refused_and_kept(tmp_path: Path, content: str) -> None:
    path = tmp_path / "state.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match="not a snapshot"):
        create_app(Settings(clock="virtual", state_file=path))
    assert path.read_text() == content


def test_a_deeply_nested_state_file_gets_a_one_line_message(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ConfigError) as caught:
        create_app(Settings(clock="virtual", state_file=path))
    assert "nested too deeply" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_stale_temporaries_of_a_killed_write_are_removed_at_start(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    stale = tmp_path / ".state.json.abc123.tmp"
    stale.write_text('{"version": 1, "half')
    other = tmp_path / ".other.json.x.tmp"
    other.write_text("not ours")
    create_app(Settings(clock="virtual", state_file=path))
    assert not stale.exists()
    assert other.exists()


def test_autosave_writes_the_state_file_while_the_server_runs(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with MockServer(Settings(clock="virtual", port=0, state_file=path, autosave=0.1)):
        deadline = time.monotonic() + 10
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.02)  # wall-clock ok: waiting on a condition (the file), with a timeout
        assert path.exists()
        assert json.loads(path.read_text())["version"] == 1
