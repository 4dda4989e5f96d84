"""--state-file: loaded at start if it exists, written atomically on shutdown and by POST /_mock/snapshot."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from mockserver import snapshot
from mockserver.app import ConfigError, create_app
from mockserver.cli import main
from mockserver.server import MockServer
from mockserver.settings import Settings


def server(state_file: Path, **settings: Any) -> MockServer:
    return MockServer(Settings(**{"clock": "virtual", "port": 0, "state_file": state_file, **settings}))


def place_calls(base_url: str) -> list[str]:
    with httpx.Client(base_url=base_url, timeout=10) as control:
        cred = control.get("/_mock/credentials").json()["apifonica"][0]
        acc = cred["account_sid"]
        sids = []
        for to in ("15550000007", "15550000001"):
            r = control.post(
                f"/v2/accounts/{acc}/calls",
                json={"from": "442071234567", "to": to, "controller": f"{base_url}/_mock/sink/c"},
                auth=(acc, cred["auth_token"]),
            )
            sids.append(r.json()["uri"].rsplit("/", 1)[1])
        control.post("/_mock/clock/advance", json={"seconds": 30})
        return sids


def calls_of(base_url: str) -> list[dict[str, Any]]:
    return list(httpx.get(f"{base_url}/_mock/calls").json()["calls"])


def test_the_state_is_written_on_shutdown_and_loaded_by_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with server(path) as first:
        sids = place_calls(first.base_url)
        calls = calls_of(first.base_url)
        assert not path.exists()  # written on shutdown, not before
    assert sorted(os.listdir(tmp_path)) == ["state.json"]  # no temporary file left behind
    assert json.loads(path.read_text())["version"] == 1
    with server(path) as second:
        assert calls_of(second.base_url) == calls
        assert [c["provider_call_id"] for c in calls] == sids
        clock = httpx.get(f"{second.base_url}/_mock/clock").json()
        assert clock["now"] == "2026-01-01T09:00:30Z"
        httpx.post(f"{second.base_url}/_mock/clock/advance", json={"seconds": 3600})
        assert calls_of(second.base_url)[0]["ended_at"] == "2026-01-01T10:00:06Z"


def test_post_snapshot_also_writes_the_state_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with server(path) as running:
        place_calls(running.base_url)
        r = httpx.post(f"{running.base_url}/_mock/snapshot")
        assert r.status_code == 200
        assert json.loads(path.read_text()) == r.json()


def test_a_missing_state_file_is_a_fresh_start(tmp_path: Path) -> None:
    with server(tmp_path / "new.json") as running:
        assert calls_of(running.base_url) == []


def test_a_corrupt_state_file_stops_the_start_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"version": 1, "calls": [{"id": "x"}]}')
    with pytest.raises(
        ConfigError, match=r"state.json: cannot load the state file: calls\[0\].history: missing"
    ):
        create_app(Settings(clock="virtual", state_file=path))
    path.write_text("{not json")
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--state-file", str(path)])
    assert result.exit_code == 1
    assert "cannot load the state file: not valid JSON" in result.stderr
    result = CliRunner().invoke(main, ["serve", "--state-file", str(tmp_path / "nowhere" / "state.json")])
    assert "the folder of the state file does not exist" in result.stderr


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "state.json"
    snapshot.write_file(path, '{"version": 1}')

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        snapshot.write_file(path, '{"version": 1, "calls": []}')
    assert path.read_text() == '{"version": 1}'
    assert os.listdir(tmp_path) == ["state.json"]


def test_a_wall_clock_keeps_running_and_the_data_keeps_its_times(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with server(path) as virtual:
        place_calls(virtual.base_url)
    with server(path, clock="real") as scaled:
        calls = calls_of(scaled.base_url)
        assert calls[1]["created_at"] == "2026-01-01T09:00:00Z"
        assert calls[1]["state"] == "busy"
        assert httpx.get(f"{scaled.base_url}/_mock/clock").json()["mode"] == "real"
