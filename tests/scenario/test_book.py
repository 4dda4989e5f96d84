"""Which scenario a call gets: the one named, else the longest number suffix, else the default."""

from __future__ import annotations

from pathlib import Path

import pytest

import mockserver
from mockserver.core.calls import CallState
from mockserver.core.plan import CallPlan, Step, UnknownScenario
from mockserver.scenario.book import DEFAULT_SCENARIO, ScenarioBook
from mockserver.scenario.loader import load_directory, parse_scenarios
from mockserver.scenario.model import Scenario, ScenarioError

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


def _mix_book(seed: int) -> ScenarioBook:
    text = """
name: a
steps: [{state: initiated}, {state: busy}]
---
name: b
steps: [{state: initiated}, {state: failed}]
---
name: broadcast
numbers: ["9990000000"]
mix:
  - {scenario: a, weight: 70}
  - {scenario: b, weight: 30}
"""
    return ScenarioBook(parse_scenarios(text), default="a", seed=seed)


def test_a_mix_draws_its_scenarios_by_weight_reproducibly() -> None:
    book = _mix_book(seed=3)
    drawn = [book.plan_for("+1 999 000 0000").scenario for _ in range(2000)]
    assert set(drawn) == {"a", "b"}
    assert 0.66 < drawn.count("a") / len(drawn) < 0.74
    again = _mix_book(seed=3)
    assert drawn == [again.plan_for("9990000000").scenario for _ in range(2000)]
    book.reset_random()
    assert [book.plan_for("9990000000").scenario for _ in range(50)] == drawn[:50]


def test_a_mix_naming_an_unknown_scenario_is_reported() -> None:
    book = ScenarioBook(parse_scenarios("name: m\nmix: [{scenario: nope, weight: 1}]\n"), default="m")
    assert [(s.name, missing) for s, missing in book.missing()] == [("m", "nope")]
    with pytest.raises(UnknownScenario):
        book.plan_for("1")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("name: m\nmix: []\n", 2, "mix must not be empty"),
        ("name: m\nmix:\n  - {scenario: a}\n", 3, "needs 'scenario' and 'weight'"),
        ("name: m\nmix:\n  - {scenario: a, weight: 0}\n", 3, "weight must be more than 0"),
        ("name: m\nmix: [{scenario: a, weight: 1}]\nsteps: [{state: initiated}]\n", 3, "drop 'steps'"),
        ("name: m\nmix: [{scenario: m, weight: 1}]\n", 2, "cannot include itself"),
        ("name: m\n", 1, "needs 'steps' (or a 'mix'"),
    ],
)
def test_mix_errors_name_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenarios(text, "m.yaml")
    assert caught.value.line == line
    assert message in caught.value.message
