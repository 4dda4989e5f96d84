"""Several workers would split the state (each its own calls, clock, ids): the CLI refuses them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from mockserver.cli import main, refuse_workers


@pytest.mark.parametrize(
    ("args", "env"),
    [(["--workers", "2"], {}), ([], {"MOCKSERVER_WORKERS": "4"}), ([], {"WEB_CONCURRENCY": "3"})],
)
def test_serve_refuses_several_workers_and_says_why(args: list[str], env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["serve", *args], env=env)

    assert result.exit_code == 2
    assert "mockserver runs in one process" in result.output
    assert "ids would collide" in result.output
    assert "one per shard of your accounts" in result.output


def test_one_worker_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    refuse_workers(1)  # raises nothing
