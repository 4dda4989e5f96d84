"""Every app starts from the shipped scenarios; they are read once a process (each tenant is an app,
and the pytest plugin makes one per test), while a user's folder is read again by each app."""

from __future__ import annotations

from pathlib import Path

from mockserver.app import create_app, shipped_scenarios
from mockserver.scenario.model import Scenario
from mockserver.settings import Settings

BUSY = """\
name: busy
description: Ours.
numbers: ["5550000001"]
steps:
  - {after: 1, state: initiated}
  - {after: {seconds}, state: busy}
"""


def book(settings: Settings) -> dict[str, Scenario]:
    return {s.name: s for s in create_app(settings).state.mock.scenarios}


def test_apps_share_the_shipped_scenarios() -> None:
    one, two = book(Settings(clock="virtual")), book(Settings(clock="virtual", tenant="t1", tenant_number=1))
    assert set(one) == {s.name for s in shipped_scenarios()}
    assert all(one[name] is two[name] for name in one)  # the same values, read once


def test_a_users_folder_is_read_by_each_app(tmp_path: Path) -> None:
    (tmp_path / "busy.yaml").write_text(BUSY.replace("{seconds}", "2"), encoding="utf-8")
    first = book(Settings(clock="virtual", scenarios=tmp_path))
    (tmp_path / "busy.yaml").write_text(BUSY.replace("{seconds}", "5"), encoding="utf-8")
    second = book(Settings(clock="virtual", scenarios=tmp_path))
    shipped = {s.name: s for s in shipped_scenarios()}
    assert first["busy"] is not shipped["busy"]  # the user's replaces the shipped one of its name
    assert [step.after for step in first["busy"].plan.steps] == [1, 2]
    assert [step.after for step in second["busy"].plan.steps] == [1, 5]
    assert first["answered"] is shipped["answered"]
