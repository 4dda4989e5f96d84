"""Read scenario YAML into :class:`Scenario` values, with errors that name the file and line.

The format (one scenario per YAML document)::

    name: ivr                          # [a-z0-9-], unique
    description: answered; presses 1, then 1234#
    numbers: ["5550000006"]            # optional: destinations whose digits end in one of these
    steps:                             # state changes, each `after` seconds after the previous one
      - {after: 1, state: initiated}
      - {after: 2, state: ringing}
      - {after: 4, state: answered, by: human}      # by: human | machine
      - {after: 60, state: completed, by: callee}   # by: callee | caller
    input:                             # what the callee keys in (or says) each time the call asks
      - {after: 2, digits: "1"}
      - {after: 3, digits: "1234#"}
      - {after: 1, words: "yes"}       # speech: heard by prompts that listen for words
    price_per_minute: 0.02             # optional, default 0
    recording: {seconds: 25}           # optional: the call is recorded (length capped by talk time)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mockserver.core.calls import AnsweredBy, CallState, Party
from mockserver.core.machine import can_move
from mockserver.core.plan import CallPlan, Press, Step
from mockserver.scenario.model import Scenario, ScenarioError

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
NUMBER = re.compile(r"^[0-9]{1,15}$")
DIGITS = re.compile(r"^[0-9*#]*$")
TOP_KEYS = {"name", "description", "numbers", "steps", "input", "price_per_minute", "recording", "mix"}
MIX_KEYS = {"scenario", "weight"}
STEP_KEYS = {"after", "state", "by", "cause"}
INPUT_KEYS = {"after", "digits", "words"}
MAX_WORDS = 1000
MAX_SECONDS = 86_400.0
_T = TypeVar("_T")


class _Reader:
    """Walks composed YAML nodes, so every error can point at the line it is about."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[ScenarioError] = []  # what was wrong but did not stop the reading

    def keep(self, error: ScenarioError) -> None:
        """Note an error and read on, so a check reports every mistake, not only the first."""
        self.errors.append(error)

    def fail(self, node: Node | None, message: str) -> ScenarioError:
        line = None if node is None else node.start_mark.line + 1
        return ScenarioError(self.source, line, message)

    def mapping(self, node: Node, what: str, allowed: set[str]) -> dict[str, tuple[Node, Node]]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.keep(self.fail(key_node, f"unknown key {key!r} in {what} (known: {known})"))
            elif key in out:
                self.keep(self.fail(key_node, f"duplicate key {key!r} in {what}"))
            else:
                out[key] = (key_node, value_node)
        return out

    def text(self, node: Node, what: str) -> str:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, f"{what} must be a string")
        return str(node.value)

    def seconds(self, node: Node, what: str) -> float:
        raw = self.text(node, what)
        try:
            value = float(raw)
        except ValueError:
            raise self.fail(node, f"{what} must be a number of seconds, got {raw!r}") from None
        if not 0 <= value <= MAX_SECONDS:
            raise self.fail(node, f"{what} must be between 0 and {MAX_SECONDS:.0f}, got {raw}")
        return value

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        return list(node.value)


def _steps(r: _Reader, node: Node) -> tuple[Step, ...]:
    steps: list[Step] = []
    state = CallState.QUEUED
    items = r.sequence(node, "steps")
    for index, item in enumerate(items, start=1):
        try:
            step = _step(r, item, f"step {index}", state)
        except ScenarioError as exc:  # read on: the next steps may be wrong too
            r.keep(exc)
            continue
        steps.append(step)
        state = step.state
    if not items:
        raise r.fail(node, "steps must not be empty")
    return tuple(steps)


def _step(r: _Reader, item: Node, what: str, state: CallState) -> Step:
    fields = r.mapping(item, what, STEP_KEYS)
    if "state" not in fields:
        raise r.fail(item, f"{what} needs a 'state'")
    state_node = fields["state"][1]
    raw_state = r.text(state_node, f"{what} state")
    try:
        target = CallState(raw_state)
    except ValueError:
        known = ", ".join(s.value for s in CallState if s is not CallState.QUEUED)
        raise r.fail(state_node, f"{what}: unknown state {raw_state!r} (one of {known})") from None
    if not can_move(state, target):
        raise r.fail(state_node, f"{what}: a call cannot go from {state} to {target}")
    after = r.seconds(fields["after"][1], f"{what} after") if "after" in fields else 0.0
    answered_by, ended_by = _by(r, fields, target, what)
    cause = r.text(fields["cause"][1], f"{what} cause") if "cause" in fields else ""
    return Step(after, target, answered_by, ended_by, cause)


def _by(
    r: _Reader, fields: dict[str, tuple[Node, Node]], target: CallState, what: str
) -> tuple[AnsweredBy | None, Party | None]:
    if "by" not in fields:
        return None, (Party.CALLEE if target is CallState.COMPLETED else None)
    node = fields["by"][1]
    raw = r.text(node, f"{what} by")
    if target is CallState.ANSWERED:
        if raw not in ("human", "machine"):
            raise r.fail(node, f"{what}: 'by' of an answer is human or machine, got {raw!r}")
        return AnsweredBy(raw), None
    if target is CallState.COMPLETED:
        if raw not in ("callee", "caller"):
            raise r.fail(node, f"{what}: 'by' of a hang-up is callee or caller, got {raw!r}")
        return None, Party(raw)
    raise r.fail(node, f"{what}: 'by' only goes with state answered or completed")


def _presses(r: _Reader, node: Node) -> tuple[Press, ...]:
    presses: list[Press] = []
    for index, item in enumerate(r.sequence(node, "input"), start=1):
        what = f"input {index}"
        fields = r.mapping(item, what, INPUT_KEYS)
        if ("digits" in fields) == ("words" in fields):
            raise r.fail(item, f"{what} needs 'digits' or 'words', not both (digits \"\" to do nothing)")
        after = r.seconds(fields["after"][1], f"{what} after") if "after" in fields else 1.0
        if "words" in fields:
            presses.append(Press(after, "", _words(r, fields["words"][1], what)))
            continue
        digits_node = fields["digits"][1]
        digits = r.text(digits_node, f"{what} digits")
        if not DIGITS.fullmatch(digits):
            raise r.fail(digits_node, f"{what}: digits may only be 0-9, * and #, got {digits!r}")
        presses.append(Press(after, digits))
    return tuple(presses)


def _words(r: _Reader, node: Node, what: str) -> str:
    """What the callee says: free text (a word or a phrase), at most ``MAX_WORDS`` characters."""
    words = r.text(node, f"{what} words").strip()
    if not words or len(words) > MAX_WORDS or any(ch in "\r\n" for ch in words):
        raise r.fail(node, f"{what}: words must be one line of 1-{MAX_WORDS} characters, got {words!r}")
    return words


def _numbers(r: _Reader, node: Node) -> tuple[str, ...]:
    numbers = []
    for item in r.sequence(node, "numbers"):
        raw = r.text(item, "a number")
        if not NUMBER.fullmatch(raw):
            raise r.fail(item, f"numbers are 1-15 digits (a suffix of the destination), got {raw!r}")
        numbers.append(raw)
    return tuple(numbers)


def _price(r: _Reader, node: Node) -> Decimal:
    raw = r.text(node, "price_per_minute")
    try:
        price = Decimal(raw)
    except InvalidOperation:
        raise r.fail(node, f"price_per_minute must be a number, got {raw!r}") from None
    if not price.is_finite() or price < 0:
        raise r.fail(node, f"price_per_minute must be zero or more, got {raw}")
    return price


def _recording(r: _Reader, node: Node) -> int:
    fields = r.mapping(node, "recording", {"seconds"})
    if "seconds" not in fields:
        raise r.fail(node, "recording needs 'seconds'")
    seconds = r.seconds(fields["seconds"][1], "recording seconds")
    if seconds < 1:
        raise r.fail(fields["seconds"][1], "recording seconds must be at least 1")
    return int(seconds)


def _mix(r: _Reader, node: Node) -> tuple[tuple[str, float], ...]:
    entries: list[tuple[str, float]] = []
    for index, item in enumerate(r.sequence(node, "mix"), start=1):
        what = f"mix entry {index}"
        fields = r.mapping(item, what, MIX_KEYS)
        if "scenario" not in fields or "weight" not in fields:
            raise r.fail(item, f"{what} needs 'scenario' and 'weight'")
        scenario_node, weight_node = fields["scenario"][1], fields["weight"][1]
        name = r.text(scenario_node, f"{what} scenario")
        if not NAME.fullmatch(name):
            raise r.fail(scenario_node, f"{what}: not a scenario name: {name!r}")
        raw = r.text(weight_node, f"{what} weight")
        try:
            weight = float(raw)
        except ValueError:
            raise r.fail(weight_node, f"{what}: weight must be a number, got {raw!r}") from None
        if not 0 < weight < float("inf"):
            raise r.fail(weight_node, f"{what}: weight must be more than 0, got {raw}")
        entries.append((name, weight))
    if not entries:
        raise r.fail(node, "mix must not be empty")
    return tuple(entries)


def _read(r: _Reader, parse: Callable[[], _T], default: _T) -> _T:
    """``parse()``, or ``default`` with its error noted: one field's mistake does not hide the next."""
    try:
        return parse()
    except ScenarioError as exc:
        r.keep(exc)
        return default


def _scenario(r: _Reader, root: Node, text: str) -> Scenario:
    fields = r.mapping(root, "a scenario", TOP_KEYS)
    if "name" not in fields:
        raise r.fail(root, "a scenario needs 'name'")
    name_node = fields["name"][1]
    name = r.text(name_node, "name")
    if not NAME.fullmatch(name):
        r.keep(r.fail(name_node, f"name must be lower-case letters, digits and '-', got {name!r}"))

    def node(key: str) -> Node:
        return fields[key][1]

    mix: tuple[tuple[str, float], ...] = ()
    if "mix" in fields:
        extra = sorted(set(fields) & {"steps", "input", "price_per_minute", "recording"})
        if extra:
            r.keep(
                r.fail(
                    fields[extra[0]][0],
                    f"a mix takes its steps from the scenarios it mixes: drop '{extra[0]}'",
                )
            )
        mix = _read(r, lambda: _mix(r, node("mix")), ())
        if any(entry == name for entry, _ in mix):
            r.keep(r.fail(node("mix"), f"a mix cannot include itself ({name!r})"))
    elif "steps" not in fields:
        r.keep(r.fail(root, "a scenario needs 'steps' (or a 'mix' of other scenarios)"))
    has = fields.__contains__
    plan = CallPlan(
        scenario=name,
        steps=_read(r, lambda: _steps(r, node("steps")), ()) if has("steps") else (),
        presses=_read(r, lambda: _presses(r, node("input")), ()) if has("input") else (),
        price_per_minute=_read(r, lambda: _price(r, node("price_per_minute")), Decimal("0"))
        if has("price_per_minute")
        else Decimal("0"),
        recording_seconds=_read(r, lambda: _recording(r, node("recording")), None)
        if has("recording")
        else None,
    )
    return Scenario(
        name=name,
        description=_read(r, lambda: r.text(node("description"), "description"), "")
        if has("description")
        else "",
        numbers=_read(r, lambda: _numbers(r, node("numbers")), ()) if has("numbers") else (),
        plan=plan,
        source=r.source,
        text=text,
        line=name_node.start_mark.line + 1,
        mix=mix,
    )


def _empty(document: Node | None) -> bool:
    """An empty document, as a lone or trailing ``---`` makes: nothing to read, and no mistake."""
    return document is None or (
        isinstance(document, ScalarNode) and document.tag == "tag:yaml.org,2002:null" and document.value == ""
    )


def read_scenarios(text: str, source: str = "<text>") -> tuple[list[Scenario], list[ScenarioError]]:
    """Every scenario in ``text`` (one per YAML document) that reads without a mistake, and every
    mistake, in the order of the file: a document with one is left out."""
    r = _Reader(source)
    try:
        roots = [node for node in yaml.compose_all(text, Loader=yaml.SafeLoader) if not _empty(node)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = None if mark is None else mark.line + 1
        return [], [ScenarioError(source, line, f"not valid YAML: {exc.problem}")]
    except yaml.YAMLError as exc:
        return [], [ScenarioError(source, None, f"not valid YAML: {exc}")]
    except RecursionError:  # the composer recurses once per level of nesting
        return [], [ScenarioError(source, None, "not valid YAML: nested too deeply")]
    if not roots:
        return [], [ScenarioError(source, None, "no scenario in this file")]
    scenarios: list[Scenario] = []
    for root in roots:
        before = len(r.errors)
        try:
            scenario = _scenario(r, root, text)
        except ScenarioError as exc:
            r.keep(exc)
            continue
        if len(r.errors) == before:
            scenarios.append(scenario)
    return scenarios, sorted(r.errors, key=lambda e: e.line or 0)


def parse_scenarios(text: str, source: str = "<text>") -> list[Scenario]:
    """Every scenario in ``text`` (one per YAML document). Raises the first :class:`ScenarioError`."""
    scenarios, errors = read_scenarios(text, source)
    if errors:
        raise errors[0]
    return scenarios


def read_file(path: Path) -> tuple[list[Scenario], list[ScenarioError]]:
    """:func:`read_scenarios` of a file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [ScenarioError(str(path), None, f"cannot read: {exc}")]
    return read_scenarios(text, str(path))


def load_file(path: Path) -> list[Scenario]:
    scenarios, errors = read_file(path)
    if errors:
        raise errors[0]
    return scenarios


def scenario_files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def load_directory(directory: Path) -> tuple[list[Scenario], list[ScenarioError]]:
    """Every scenario under ``directory``, and every error (so a check can report them all)."""
    if not directory.is_dir():
        return [], [ScenarioError(str(directory), None, "not a directory")]
    return load_paths(scenario_files(directory))


def load_paths(paths: list[Path]) -> tuple[list[Scenario], list[ScenarioError]]:
    """Every scenario in these files, and every error in them, a name defined twice included."""
    scenarios: list[Scenario] = []
    errors: list[ScenarioError] = []
    seen: dict[str, str] = {}
    for path in paths:
        found, wrong = read_file(path)
        errors.extend(wrong)
        for scenario in found:
            if scenario.name in seen:
                message = f"scenario {scenario.name!r} is also defined in {seen[scenario.name]}"
                errors.append(ScenarioError(str(path), scenario.line, message))
                continue
            seen[scenario.name] = str(path)
            scenarios.append(scenario)
    return scenarios, errors
