"""The loaded scenarios, and which one a call gets."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator

from mockserver.core.plan import CallPlan, UnknownScenario
from mockserver.scenario.model import Scenario

DEFAULT_SCENARIO = "answered"
MAX_MIX_DEPTH = 8


class ScenarioBook:
    """Scenarios by name. A call gets: the one it asks for by name, else the one whose number is the
    longest suffix of the destination's digits, else the default. A scenario that is an outcome mix
    hands the call to one of the scenarios it mixes, drawn by weight from a seeded generator.

    ``later`` defers scenarios whose names are known (exactly those names): its function reads them when
    the book is first looked in beyond a name, and they come first, as if added before everything else.
    The server defers its shipped scenarios so, and YAML is not imported before a call, a listing or a
    check needs them."""

    def __init__(
        self,
        scenarios: list[Scenario] | None = None,
        default: str = DEFAULT_SCENARIO,
        seed: int | None = None,
        *,
        later: tuple[frozenset[str], Callable[[], Iterable[Scenario]]] | None = None,
    ) -> None:
        self._known: dict[str, Scenario] = {}  # what is read: the deferred ones too once looked up
        self._later = later
        self.default = default
        self.forced: str | None = None  # set through the control API: every new call gets this one
        self._seed = None if seed is None else f"{seed}:mix"
        self._random = random.Random(self._seed)
        for scenario in scenarios or ():
            self.add(scenario)

    def reset_random(self) -> None:
        """Draw the same mix outcomes again, in the same order (after a reset)."""
        self._random = random.Random(self._seed)

    def random_state(self) -> tuple[object, ...]:
        """Where the mix generator is (for snapshots)."""
        return self._random.getstate()

    def set_random_state(self, state: tuple[object, ...]) -> None:
        self._random.setstate(state)

    @property
    def _by_name(self) -> dict[str, Scenario]:
        if self._later is not None:
            deferred = {scenario.name: scenario for scenario in self._later[1]()}
            deferred.update(self._known)  # one added before replaces a deferred one of its name, in place
            self._known, self._later = deferred, None
        return self._known

    def add(self, scenario: Scenario) -> None:
        """Add ``scenario``, replacing one of the same name."""
        self._known[scenario.name] = scenario

    def get(self, name: str) -> Scenario:
        try:
            return self._by_name[name]
        except KeyError:
            raise UnknownScenario(name) from None

    def __iter__(self) -> Iterator[Scenario]:
        return iter(sorted(self._by_name.values(), key=lambda s: s.name))

    def __contains__(self, name: object) -> bool:
        """Answered without reading the deferred scenarios: their names are known."""
        return name in self._known or (self._later is not None and name in self._later[0])

    def match(self, to: str, requested: str | None = None) -> Scenario:
        if requested:
            return self.get(requested)
        if self.forced:
            return self.get(self.forced)
        digits = "".join(ch for ch in to if ch.isdigit())
        best: Scenario | None = None
        best_length = 0
        for scenario in self._by_name.values():
            for number in scenario.numbers:
                if len(number) > best_length and digits.endswith(number):
                    best, best_length = scenario, len(number)
        return best or self.get(self.default)

    def resolve(self, scenario: Scenario) -> Scenario:
        """The scenario a call really follows: itself, or for a mix, one drawn by weight."""
        for _ in range(MAX_MIX_DEPTH):
            if not scenario.mix:
                return scenario
            names = [name for name, _ in scenario.mix]
            weights = [weight for _, weight in scenario.mix]
            scenario = self.get(self._random.choices(names, weights)[0])
        raise UnknownScenario(f"{scenario.name} (mixes nest deeper than {MAX_MIX_DEPTH})")

    def missing(self) -> list[tuple[Scenario, str]]:
        """Mix entries that name no loaded scenario."""
        return [(s, name) for s in self._by_name.values() for name, _ in s.mix if name not in self]

    def plan_for(self, to: str, requested: str | None = None) -> CallPlan:
        return self.resolve(self.match(to, requested)).plan
