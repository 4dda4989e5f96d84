"""The shipped scenarios are read on first use, not at start (issue 14, goal 5: YAML's import and the
eight files' parsing are ~20 ms of start-up). A deferred book must answer exactly as one that read them
first: same names, same order (the longest-suffix match keeps the first of equals), same replacements."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mockserver.app import SHIPPED_SCENARIOS, ConfigError, create_app, shipped_names, shipped_scenarios
from mockserver.core.calls import CallState
from mockserver.core.plan import CallPlan, Step
from mockserver.scenario.book import ScenarioBook
from mockserver.scenario.loader import load_file
from mockserver.scenario.model import Scenario
from mockserver.settings import Settings
from tests.processes import fresh_python

NAMES = ("a", "b", "c", "d")


def scenario(name: str, number: str, tag: str) -> Scenario:
    return Scenario(
        name=name,
        description=tag,
        numbers=(number,),
        plan=CallPlan(scenario=name, steps=(Step(1, CallState.INITIATED),)),
        source=tag,
    )


class Reads:
    """A deferred read that counts its calls."""

    def __init__(self, scenarios: Iterable[Scenario]) -> None:
        self.scenarios = tuple(scenarios)
        self.calls = 0

    def __call__(self) -> tuple[Scenario, ...]:
        self.calls += 1
        return self.scenarios


def test_each_shipped_file_holds_one_scenario_named_as_the_file() -> None:
    """The names a deferred book answers with before reading are the files' names."""
    files = sorted(SHIPPED_SCENARIOS.glob("*.yaml"))
    assert [[s.name for s in load_file(path)] for path in files] == [[path.stem] for path in files]
    assert shipped_names() == {s.name for s in shipped_scenarios()}
    assert list(SHIPPED_SCENARIOS.glob("*.yml")) == []  # the loader reads those too; shipped_names does not


def test_the_shipped_mixes_name_shipped_scenarios() -> None:
    """Start-up no longer checks them (it would read them); this does."""
    assert ScenarioBook(list(shipped_scenarios())).missing() == []


def scenarios_of(draw: st.DrawFn, tag: str) -> list[Scenario]:
    names = draw(st.lists(st.sampled_from(NAMES), max_size=6))
    return [
        scenario(name, draw(st.sampled_from(("1", "21", "321"))), f"{tag}{i}") for i, name in enumerate(names)
    ]


@st.composite
def books(draw: st.DrawFn) -> tuple[list[Scenario], list[Scenario]]:
    deferred = {s.name: s for s in scenarios_of(draw, "deferred")}  # one per name, like shipped files
    return list(deferred.values()), scenarios_of(draw, "added")


@given(books(), st.sampled_from(("4321", "21", "5")))
def test_a_deferred_book_answers_as_one_that_read_first(
    case: tuple[list[Scenario], list[Scenario]], to: str
) -> None:
    deferred, added = case
    eager = ScenarioBook([*deferred, *added], default="a")
    reads = Reads(deferred)
    lazy = ScenarioBook(added, default="a", later=(frozenset(s.name for s in deferred), reads))
    assert [name in lazy for name in (*NAMES, "e")] == [name in eager for name in (*NAMES, "e")]
    assert reads.calls == 0  # a name is answered without reading
    assert list(lazy) == list(eager)
    assert reads.calls == 1
    if "a" in eager:
        assert lazy.match(to) is eager.match(to)
    assert lazy.missing() == eager.missing()
    assert reads.calls == 1  # read once


def test_an_app_reads_the_shipped_scenarios_on_first_use() -> None:
    """In a fresh interpreter: YAML is not imported by create_app, and is by the first call's look-up."""
    probe = (
        "import sys\n"
        "from mockserver.app import create_app\n"
        "from mockserver.settings import Settings\n"
        "state = create_app(Settings(clock='virtual')).state.mock\n"
        "print('yaml' in sys.modules)\n"
        "print(state.scenarios.match('15550000001').name)\n"
        "print('yaml' in sys.modules)\n"
    )
    assert fresh_python(probe) == ["False", "busy", "True"]


def test_an_unknown_default_still_stops_the_start() -> None:
    with pytest.raises(ConfigError, match="the default scenario 'nowhere' is not loaded"):
        create_app(Settings(clock="virtual", default_scenario="nowhere"))


def test_a_users_mix_of_a_shipped_scenario_is_checked_at_start(tmp_path: Path) -> None:
    mix = "name: mixed\nmix: [{scenario: busy, weight: 1}, {scenario: %s, weight: 1}]\n"
    (tmp_path / "mixed.yaml").write_text(mix % "voicemail", encoding="utf-8")
    assert "mixed" in create_app(Settings(clock="virtual", scenarios=tmp_path)).state.mock.scenarios
    (tmp_path / "mixed.yaml").write_text(mix % "nowhere", encoding="utf-8")
    with pytest.raises(ConfigError, match="mix 'mixed' names no scenario 'nowhere'"):
        create_app(Settings(clock="virtual", scenarios=tmp_path))
