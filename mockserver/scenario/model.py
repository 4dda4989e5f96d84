"""A scenario: a named, matchable call plan, as read from a YAML file."""

from __future__ import annotations

from mockserver.core.plan import CallPlan
from mockserver.core.values import frozen


@frozen
class Scenario:
    name: str
    description: str
    numbers: tuple[str, ...]
    plan: CallPlan
    source: str
    text: str = ""
    line: int | None = None  # where its name is, for errors found after parsing (duplicates)
    #: An outcome mix: each call picks one of these scenarios, by weight, with the seeded generator.
    #: A mix has no steps of its own.
    mix: tuple[tuple[str, float], ...] = ()

    def to_json(self) -> dict[str, object]:
        plan = self.plan
        if self.mix:
            return {
                "name": self.name,
                "description": self.description,
                "numbers": list(self.numbers),
                "source": self.source,
                "mix": [{"scenario": name, "weight": weight} for name, weight in self.mix],
            }
        return {
            "name": self.name,
            "description": self.description,
            "numbers": list(self.numbers),
            "source": self.source,
            "steps": [
                {
                    "after": s.after,
                    "state": s.state.value,
                    "by": (s.answered_by or s.ended_by or None) and str(s.answered_by or s.ended_by),
                }
                for s in plan.steps
            ],
            "input": [
                {"after": p.after, "words": p.words} if p.words else {"after": p.after, "digits": p.digits}
                for p in plan.presses
            ],
            "price_per_minute": str(plan.price_per_minute),
            "recording": None if plan.recording_seconds is None else {"seconds": plan.recording_seconds},
        }


class ScenarioError(ValueError):
    """A scenario file is wrong; ``str()`` reads ``file:line: what is wrong``."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        where = source if line is None else f"{source}:{line}"
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line
        self.message = message
