"""Which scenario a call gets: the one named, else the longest number suffix, else the default."""

from __future__ import annotations

from pathlib import Path

import pytest

import mockserver
from mockserver.core.calls import CallState
from mockserver.core.plan import CallPlan, Step, UnknownScenario
from mockserver.scenario.book import DEFAULT_SCENARIO, ScenarioBook
from mockserver.scenario.loader import load_directory
from mockserver.scenario.model import Scenario

SHIPPED = Path(mockserver.__file__).parent / "scenarios"


def scenario(name: str, *numbers: str, state: CallState = CallState.INITIATED) -> Scenario:
    return Scenario(
        name=name,
        description="",
        numbers=numbers,
        plan=CallPlan(scenario=name, steps=(Step(1, state),)),
        source="test",
    )


@pytest.fixture
def shipped() -> ScenarioBook:
    scenarios, errors = load_directory(SHIPPED)
    assert errors == []
    return ScenarioBook(scenarios)


def test_a_named_scenario_wins_over_the_number(shipped: ScenarioBook) -> None:
    assert shipped.match("15550000001", "ivr").name == "ivr"


def test_an_unknown_name_raises_unknown_scenario(shipped: ScenarioBook) -> None:
    with pytest.raises(UnknownScenario) as raised:
        shipped.match("15550000001", "no-such-scenario")
    assert raised.value.name == "no-such-scenario"
    with pytest.raises(UnknownScenario):
        shipped.plan_for("15550000001", "no-such-scenario")


def test_an_empty_name_counts_as_none(shipped: ScenarioBook) -> None:
    assert shipped.match("15550000001", "").name == "busy"


@pytest.mark.parametrize(
    "to", ["15550000001", "+15550000001", "5550000001", "+1 (555) 000-0001", "005550000001"]
)
def test_a_destination_ending_in_a_magic_number_gets_its_scenario(shipped: ScenarioBook, to: str) -> None:
    assert shipped.match(to).name == "busy"
    assert shipped.plan_for(to).scenario == "busy"


@pytest.mark.parametrize(
    ("to", "name"),
    [
        ("15550000002", "no-answer"),
        ("15550000003", "rejected"),
        ("15550000004", "failed"),
        ("15550000005", "voicemail"),
        ("15550000006", "ivr"),
        ("15550000007", "long-call"),
    ],
)
def test_each_shipped_magic_number(shipped: ScenarioBook, to: str, name: str) -> None:
    assert shipped.match(to).name == name


@pytest.mark.parametrize("to", ["155500000012", "5550000001 9", "555000000", "15550000000", ""])
def test_a_magic_number_not_at_the_end_falls_back_to_the_default(shipped: ScenarioBook, to: str) -> None:
    assert shipped.match(to).name == DEFAULT_SCENARIO


def test_the_longest_matching_suffix_wins_whatever_the_order() -> None:
    short, long = scenario("short", "0001"), scenario("long", "5550000001")
    for book in (ScenarioBook([short, long]), ScenarioBook([long, short])):
        book.add(scenario("answered"))
        assert book.match("+15550000001").name == "long"
        assert book.match("+15559990001").name == "short"


def test_a_longer_different_suffix_does_not_match() -> None:
    book = ScenarioBook([scenario("answered"), scenario("uk", "445550000001")])
    assert book.match("15550000001").name == "answered"
    assert book.match("+44 5550000001").name == "uk"


def test_without_a_match_the_default_is_used() -> None:
    book = ScenarioBook([scenario("calm"), scenario("busy", "1")], default="calm")
    assert book.match("15550000002").name == "calm"


def test_a_missing_default_is_an_unknown_scenario() -> None:
    book = ScenarioBook([scenario("busy", "1")], default="nowhere")
    with pytest.raises(UnknownScenario):
        book.match("2")


def test_adding_a_scenario_of_the_same_name_replaces_it() -> None:
    book = ScenarioBook([scenario("answered"), scenario("busy", "5550000001")])

    book.add(scenario("busy", "5550000009", state=CallState.FAILED))

    assert book.get("busy").numbers == ("5550000009",)
    assert book.plan_for("", "busy").steps == (Step(1, CallState.FAILED),)
    assert book.match("15550000001").name == "answered"  # the old number went with the old scenario
    assert book.match("15550000009").name == "busy"
    assert [s.name for s in book] == ["answered", "busy"]


def test_the_book_lists_its_scenarios_by_name(shipped: ScenarioBook) -> None:
    names = [s.name for s in shipped]
    assert names == sorted(names)
    assert "busy" in shipped
    assert "nope" not in shipped
