"""The loaded scenarios, and which one a call gets."""

from __future__ import annotations

from collections.abc import Iterator

from mockserver.core.plan import CallPlan, UnknownScenario
from mockserver.scenario.model import Scenario

DEFAULT_SCENARIO = "answered"


class ScenarioBook:
    """Scenarios by name. A call gets: the one it asks for by name, else the one whose number is the
    longest suffix of the destination's digits, else the default."""

    def __init__(self, scenarios: list[Scenario] | None = None, default: str = DEFAULT_SCENARIO) -> None:
        self._by_name: dict[str, Scenario] = {}
        self.default = default
        for scenario in scenarios or ():
            self.add(scenario)

    def add(self, scenario: Scenario) -> None:
        """Add ``scenario``, replacing one of the same name."""
        self._by_name[scenario.name] = scenario

    def get(self, name: str) -> Scenario:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownScenario(name) from None

    def __iter__(self) -> Iterator[Scenario]:
        return iter(sorted(self._by_name.values(), key=lambda s: s.name))

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def match(self, to: str, requested: str | None = None) -> Scenario:
        if requested:
            return self.get(requested)
        digits = "".join(ch for ch in to if ch.isdigit())
        best: Scenario | None = None
        best_length = 0
        for scenario in self._by_name.values():
            for number in scenario.numbers:
                if len(number) > best_length and digits.endswith(number):
                    best, best_length = scenario, len(number)
        return best or self.get(self.default)

    def plan_for(self, to: str, requested: str | None = None) -> CallPlan:
        return self.match(to, requested).plan
