"""What the callee will do on a call: the neutral form a scenario compiles to.

The core runs a :class:`CallPlan`; where plans come from (YAML scenarios, matching rules) is the business
of the ``scenario`` package, reached through the :class:`PlanSource` protocol.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from mockserver.core.calls import AnsweredBy, CallState, Party
from mockserver.core.values import frozen


@frozen
class Step:
    """Move the call to ``state`` ``after`` seconds after the previous step."""

    after: float
    state: CallState
    answered_by: AnsweredBy | None = None
    ended_by: Party | None = None
    cause: str = ""


@frozen
class Press:
    """What the callee keys in (``digits``) or says (``words``) when the call next asks for input,
    ``after`` seconds into the prompt.

    Empty ``digits`` and ``words`` mean the callee does nothing and lets the prompt time out. Words
    answer only a prompt that listens for speech; a keypad-only prompt hears nothing and times out.
    """

    after: float
    digits: str
    words: str = ""


@frozen
class CallPlan:
    scenario: str
    steps: tuple[Step, ...]
    presses: tuple[Press, ...] = ()
    price_per_minute: Decimal = Decimal("0")
    recording_seconds: int | None = None


class UnknownScenario(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown scenario {name!r}")
        self.name = name


class PlanSource(Protocol):
    def plan_for(self, to: str, requested: str | None = None) -> CallPlan:
        """The plan for a call to ``to``: the requested scenario if named, else by number, else default.

        Raises :class:`UnknownScenario` when ``requested`` names no scenario.
        """
        ...
