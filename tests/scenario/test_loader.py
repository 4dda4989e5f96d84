"""Scenario YAML: the shipped files load, and every mistake is reported as ``file:line: what``."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mockserver
from mockserver.core.calls import AnsweredBy, CallState, Party
from mockserver.core.plan import Press, Step
from mockserver.scenario.loader import MAX_SECONDS, load_directory, load_file, parse_scenarios
from mockserver.scenario.model import ScenarioError

SHIPPED = Path(mockserver.__file__).parent / "scenarios"
SHIPPED_NAMES = {"answered", "busy", "no-answer", "rejected", "failed", "voicemail", "ivr", "long-call"}

VALID = """\
name: ivr
description: presses 1, then 1234#
numbers: ["5550000006"]
steps:
  - {after: 1, state: initiated}
  - {after: 2, state: ringing}
  - {after: 3, state: answered, by: machine}
  - {after: 60.5, state: completed, by: caller, cause: "done"}
input:
  - {after: 2, digits: "1"}
  - {digits: "*0#"}
price_per_minute: 0.0098
recording: {seconds: 25}
"""


def error_of(text: str, source: str = "bad.yaml") -> ScenarioError:
    with pytest.raises(ScenarioError) as raised:
        parse_scenarios(text, source)
    return raised.value


# -- what loads ----------------------------------------------------------------------------------
def test_every_shipped_scenario_loads() -> None:
    scenarios, errors = load_directory(SHIPPED)

    assert errors == []
    assert {s.name for s in scenarios} == SHIPPED_NAMES
    for scenario in scenarios:
        assert Path(scenario.source).parent == SHIPPED
        assert scenario.plan.scenario == scenario.name


def test_the_top_level_scenarios_folder_is_the_shipped_one() -> None:
    top = Path(mockserver.__file__).parent.parent / "scenarios"
    if not top.exists():
        pytest.skip("not a source checkout")
    assert top.resolve() == SHIPPED.resolve()


def test_shipped_magic_numbers_are_unique() -> None:
    scenarios, _ = load_directory(SHIPPED)
    numbers = [n for s in scenarios for n in s.numbers]
    assert len(numbers) == len(set(numbers))


def test_a_full_scenario_reads_into_its_plan() -> None:
    (scenario,) = parse_scenarios(VALID, "ivr.yaml")

    assert scenario.name == "ivr"
    assert scenario.description == "presses 1, then 1234#"
    assert scenario.numbers == ("5550000006",)
    assert scenario.source == "ivr.yaml"
    assert scenario.text == VALID
    plan = scenario.plan
    assert plan.steps == (
        Step(1, CallState.INITIATED),
        Step(2, CallState.RINGING),
        Step(3, CallState.ANSWERED, answered_by=AnsweredBy.MACHINE),
        Step(60.5, CallState.COMPLETED, ended_by=Party.CALLER, cause="done"),
    )
    assert plan.presses == (Press(2, "1"), Press(1, "*0#"))
    assert plan.price_per_minute == Decimal("0.0098")
    assert plan.recording_seconds == 25


def test_an_input_entry_may_say_words_instead_of_keying_digits() -> None:
    text = (
        "name: talker\nsteps: [{state: initiated}]\ninput:\n"
        "  - {after: 2, words: ' Yes, please '}\n  - {digits: '1'}\n"
    )

    (scenario,) = parse_scenarios(text)

    assert scenario.plan.presses == (Press(2, "", "Yes, please"), Press(1, "1"))
    assert scenario.to_json()["input"] == [{"after": 2, "words": "Yes, please"}, {"after": 1, "digits": "1"}]


def test_defaults_of_a_minimal_scenario() -> None:
    (scenario,) = parse_scenarios("name: short\nsteps:\n  - {state: initiated}\n  - {state: failed}\n")

    assert scenario.plan.steps == (Step(0, CallState.INITIATED), Step(0, CallState.FAILED))
    assert scenario.description == ""
    assert scenario.numbers == ()
    assert scenario.plan.presses == ()
    assert scenario.plan.price_per_minute == 0
    assert scenario.plan.recording_seconds is None


def test_a_completed_step_without_by_is_ended_by_the_callee() -> None:
    text = "name: a\nsteps: [{state: initiated}, {state: ringing}, {state: answered}, {state: completed}]\n"
    (scenario,) = parse_scenarios(text)
    assert scenario.plan.steps[-1].ended_by is Party.CALLEE
    assert scenario.plan.steps[-2].answered_by is None


def test_one_file_may_hold_several_scenarios() -> None:
    text = "name: one\nsteps: [{state: initiated}]\n---\nname: two\nsteps: [{state: failed}]\n"
    assert [s.name for s in parse_scenarios(text)] == ["one", "two"]


ONE = "name: one\nsteps: [{state: initiated}]\n"


@pytest.mark.parametrize("text", [f"---\n{ONE}", f"{ONE}---\n", f"{ONE}...\n---\n# the end\n"])
def test_document_markers_around_a_scenario_are_fine(text: str) -> None:
    assert [s.name for s in parse_scenarios(text)] == ["one"]


def test_load_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nsteps: [{state: initiated}]\n")
    (scenario,) = load_file(path)
    assert scenario.source == str(path)


def test_a_file_that_cannot_be_read_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(ScenarioError) as raised:
        load_file(path)
    assert raised.value.source == str(path)
    assert "cannot read" in raised.value.message


# -- what is wrong, and where --------------------------------------------------------------------
BAD = [
    pytest.param(
        "name: a\nsteps:\n  - {state: initiated}\ncolour: red\n",
        4,
        "unknown key 'colour'",
        id="unknown top-level key",
    ),
    pytest.param(
        "name: a\nsteps:\n  - {state: initiated}\n  - {state: ringing, when: 3}\n",
        4,
        "unknown key 'when' in step 2",
        id="unknown step key",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\ninput:\n  - {digits: '1', delay: 2}\n",
        4,
        "unknown key 'delay' in input 1",
        id="unknown input key",
    ),
    pytest.param(
        "name: a\nname: b\nsteps: [{state: initiated}]\n",
        2,
        "duplicate key 'name'",
        id="duplicate key",
    ),
    pytest.param(
        "# a comment\n\ndescription: nameless\nsteps: [{state: initiated}]\n",
        3,
        "needs 'name'",
        id="missing name",
    ),
    pytest.param(
        "description: x\nname: Busy Line\nsteps: [{state: initiated}]\n",
        2,
        "name must be lower-case",
        id="bad name",
    ),
    pytest.param(
        "description: x\nname: |\n  abc\nsteps: [{state: initiated}]\n",
        2,
        "name must be lower-case",
        id="name with a trailing newline",
    ),
    pytest.param(
        "description: x\nname: [a]\nsteps: [{state: initiated}]\n",
        2,
        "name must be a string",
        id="name not a string",
    ),
    pytest.param("\n\nname: a\ndescription: no steps\n", 3, "needs 'steps'", id="missing steps"),
    pytest.param("name: a\nsteps: []\n", 2, "steps must not be empty", id="empty steps"),
    pytest.param("name: a\nsteps:\n  state: initiated\n", 3, "steps must be a list", id="steps not a list"),
    pytest.param("name: a\nsteps:\n  - initiated\n", 3, "step 1 must be a mapping", id="step not a mapping"),
    pytest.param(
        "name: a\nsteps:\n  - {state: initiated}\n  - {after: 2}\n",
        4,
        "step 2 needs a 'state'",
        id="step without state",
    ),
    pytest.param(
        "name: a\nsteps:\n  - {state: initiated}\n  - {after: 2,\n     state: picked-up}\n",
        5,
        "step 2: unknown state 'picked-up'",
        id="unknown state",
    ),
    pytest.param(
        "name: a\nsteps:\n  - {after: 3, state: answered}\n",
        3,
        "cannot go from queued to answered",
        id="answered right after queued",
    ),
    pytest.param(
        "name: a\nsteps:\n  - {state: initiated}\n  - {state: ringing}\n  - {state: busy}\n"
        "  - {state: ringing}\n",
        6,
        "step 4: a call cannot go from busy to ringing",
        id="a move after a terminal state",
    ),
    pytest.param(
        "name: a\nsteps:\n  - {state: initiated}\n  - {state: ringing, by: human}\n",
        4,
        "'by' only goes with state answered or completed",
        id="by on ringing",
    ),
    pytest.param(
        "name: a\nsteps:\n  - {state: initiated}\n  - {state: ringing}\n  - {state: answered, by: callee}\n",
        5,
        "'by' of an answer is human or machine",
        id="by of an answer",
    ),
    pytest.param(
        "name: a\nsteps:\n  - {state: initiated}\n  - {state: ringing}\n  - {state: answered}\n"
        "  - {state: completed, by: machine}\n",
        6,
        "'by' of a hang-up is callee or caller",
        id="by of a hang-up",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\ninput:\n  - {digits: '1'}\n  - {digits: '12a'}\n",
        5,
        "digits may only be 0-9, * and #",
        id="bad digits",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\ninput:\n  - digits: |\n      1\n",
        4,
        "digits may only be 0-9, * and #",
        id="digits with a trailing newline",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\ninput:\n  - {after: 1}\n",
        4,
        "input 1 needs 'digits' or 'words'",
        id="input without digits",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\ninput:\n  - {digits: '1', words: yes}\n",
        4,
        "input 1 needs 'digits' or 'words', not both",
        id="input with digits and words",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\ninput:\n  - {words: '  '}\n",
        4,
        "input 1: words must be one line of 1-1000 characters",
        id="blank words",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\ninput:\n  - words: [yes]\n",
        4,
        "input 1 words must be a string",
        id="words not text",
    ),
    pytest.param(
        "name: a\nsteps:\n  - {state: initiated}\n  - {after: -1, state: failed}\n",
        4,
        "step 2 after must be between 0 and 86400",
        id="negative after",
    ),
    pytest.param(
        f"name: a\nsteps:\n  - {{after: {MAX_SECONDS + 1}, state: initiated}}\n",
        3,
        "step 1 after must be between 0 and 86400",
        id="too large after",
    ),
    pytest.param(
        "name: a\nsteps:\n  - {after: .nan, state: initiated}\n",
        3,
        "step 1 after must be a number of seconds",
        id="not a number after",
    ),
    pytest.param(
        "name: a\nsteps:\n  - {after: soon, state: initiated}\n",
        3,
        "step 1 after must be a number of seconds, got 'soon'",
        id="word for after",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\ninput:\n  - {after: -0.5, digits: '1'}\n",
        4,
        "input 1 after must be between 0 and 86400",
        id="negative input after",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\n\nprice_per_minute: cheap\n",
        4,
        "price_per_minute must be a number",
        id="price not a number",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\nprice_per_minute: -0.01\n",
        3,
        "price_per_minute must be zero or more",
        id="negative price",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\nprice_per_minute: .inf\n",
        3,
        "price_per_minute must be a number",
        id="infinite price",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\nnumbers:\n  - '5550000001'\n  - '+15550000002'\n",
        5,
        "numbers are 1-15 digits",
        id="number with a plus",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\nnumbers:\n  - |\n    123\n",
        4,
        "numbers are 1-15 digits",
        id="number with a trailing newline",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\nrecording: {seconds: 0.5}\n",
        3,
        "recording seconds must be at least 1",
        id="recording too short",
    ),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\nrecording:\n  length: 3\n",
        4,
        "unknown key 'length' in recording",
        id="recording unknown key",
    ),
    pytest.param("- name: a\n", 1, "a scenario must be a mapping", id="document not a mapping"),
    pytest.param(
        "name: a\nsteps: [{state: initiated}]\n---\nname: b\n\nsteps:\n  - {state: ringing}\n",
        7,
        "cannot go from queued to ringing",
        id="error in a second document",
    ),
]


@pytest.mark.parametrize(("text", "line", "what"), BAD)
def test_each_mistake_names_the_file_the_line_and_what_is_wrong(text: str, line: int, what: str) -> None:
    error = error_of(text, "mine.yaml")

    assert (error.source, error.line) == ("mine.yaml", line), error
    assert what in error.message
    assert str(error).startswith(f"mine.yaml:{line}: ")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("name: a\nsteps: [{state: initiated}\n", 3, id="unclosed flow list"),
        pytest.param("name: a\nsteps:\n\t- {state: initiated}\n", 3, id="tab indentation"),
        pytest.param("name: a\n  steps: []\n", 2, id="bad indentation"),
        pytest.param("name: a\ndescription: 'open\nsteps: []\n", 4, id="unclosed quote"),
    ],
)
def test_invalid_yaml_names_the_line_of_the_problem(text: str, line: int) -> None:
    error = error_of(text)
    assert error.line == line, error
    assert error.message.startswith("not valid YAML")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "---\n...\n"])
def test_an_empty_file_is_an_error(text: str) -> None:
    error = error_of(text)
    assert error.source == "bad.yaml"
    assert "no scenario" in error.message


def test_deeply_nested_yaml_is_a_scenario_error() -> None:
    assert "not valid YAML" in error_of("[" * 5000).message


# -- a directory ---------------------------------------------------------------------------------
def test_duplicate_names_across_files_are_reported_with_both_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("name: same\nsteps: [{state: initiated}]\n")
    (tmp_path / "b.yml").write_text(
        "# the second one\nname: other\nsteps: [{state: initiated}]\n---\n"
        "name: same\nsteps: [{state: failed}]\n"
    )

    scenarios, errors = load_directory(tmp_path)

    assert sorted(s.name for s in scenarios) == ["other", "same"]
    assert next(s for s in scenarios if s.name == "same").source == str(tmp_path / "a.yaml")
    (error,) = errors
    assert (error.source, error.line) == (str(tmp_path / "b.yml"), 5)
    assert "'same'" in error.message
    assert str(tmp_path / "a.yaml") in error.message


def test_duplicate_names_in_one_file_are_reported_at_the_second(tmp_path: Path) -> None:
    (tmp_path / "twice.yaml").write_text(
        "name: same\nsteps: [{state: initiated}]\n---\nname: same\nsteps: [{state: failed}]\n"
    )

    scenarios, errors = load_directory(tmp_path)

    assert [s.plan.steps[0].state for s in scenarios] == [CallState.INITIATED]
    assert [(e.line, "'same'" in e.message) for e in errors] == [(4, True)]


def test_a_directory_reports_every_bad_file_and_keeps_the_good_ones(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("name: good\nsteps: [{state: initiated}]\n")
    (tmp_path / "bad.yaml").write_text("name: bad\nsteps: [{state: answered}]\n")
    (tmp_path / "empty.yaml").write_text("")
    (tmp_path / "notes.txt").write_text("not a scenario")

    scenarios, errors = load_directory(tmp_path)

    assert [s.name for s in scenarios] == ["good"]
    assert sorted((Path(e.source).name, e.line) for e in errors) == [("bad.yaml", 2), ("empty.yaml", None)]


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    scenarios, errors = load_directory(tmp_path / "nowhere")
    assert scenarios == []
    assert [e.message for e in errors] == ["not a directory"]


# -- anything at all -----------------------------------------------------------------------------
YAMLISH = st.lists(
    st.sampled_from(
        [
            "name:",
            " a",
            "steps:",
            "\n",
            "  - ",
            "{",
            "}",
            "[",
            "]",
            ",",
            "state:",
            " initiated",
            " answered",
            "after:",
            " -1",
            " 1e9",
            "by:",
            " human",
            "input:",
            "digits:",
            " '1#'",
            "---",
            "&x ",
            "*x",
            "!!str ",
            "? ",
            ": ",
            "'",
            '"',
            "#",
            "\t",
            "|",
            ">",
        ]
    )
).map("".join)


def problem_of(text: str) -> ScenarioError | None:
    try:
        parse_scenarios(text, "fuzz.yaml")
    except ScenarioError as error:
        return error
    return None


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), YAMLISH))
def test_any_text_raises_nothing_but_scenario_error(text: str) -> None:
    problem = problem_of(text)  # anything else propagates and fails the test
    if problem is not None:
        assert problem.source == "fuzz.yaml"
        assert problem.line is None or 1 <= problem.line <= text.count("\n") + 2
