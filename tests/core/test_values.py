"""``@value`` and ``@frozen`` classes are cheap at run time and frozen to mypy
(mockserver/core/values.py): assigning a field is a type error there, and equality and hashing go field
by field as a frozen dataclass's do."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import FrozenInstanceError, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mockserver.core.calls import CallState, Transition
from mockserver.core.plan import Step
from mockserver.settings import Settings
from mockserver.testing.receiver import Received

T0 = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)


def test_values_compare_and_hash_by_their_fields() -> None:
    one, same, other = (Transition(CallState.RINGING, T0, c) for c in ("x", "x", "y"))
    assert one == same
    assert hash(one) == hash(same)
    assert one != other
    assert len({one, same, other}) == 2


def mypy_refuses(tmp_path: Path, code: str) -> str:
    """What ``mypy --strict`` says of ``code``, which it must refuse."""
    probe = tmp_path / "probe.py"
    probe.write_text(code)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent", str(probe)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    return result.stdout


def test_assigning_a_field_is_a_type_error(tmp_path: Path) -> None:
    said = mypy_refuses(
        tmp_path,
        "from datetime import UTC, datetime\n"
        "from mockserver.core.calls import CallState, Transition\n"
        "t = Transition(CallState.RINGING, datetime.now(UTC), 'x')\n"
        "t.cause = 'y'\n",
    )
    assert 'Property "cause" defined in "Transition" is read-only' in said, said


def test_frozen_classes_compare_hash_and_show_by_their_fields() -> None:
    one, same, other = (
        Step(1.5, CallState.RINGING),
        Step(1.5, CallState.RINGING),
        Step(2.0, CallState.RINGING),
    )
    assert one == same
    assert hash(one) == hash(same)
    assert one != other
    assert len({one, same, other}) == 2
    assert (
        repr(one)
        == "Step(after=1.5, state=<CallState.RINGING: 'ringing'>, answered_by=None, ended_by=None, cause='')"
    )
    assert replace(one, after=2.0) == other


def test_assigning_a_field_of_a_frozen_class_is_a_type_error(tmp_path: Path) -> None:
    said = mypy_refuses(
        tmp_path,
        "from mockserver.core.calls import CallState\n"
        "from mockserver.core.plan import Step\n"
        "s = Step(1.5, CallState.RINGING)\n"
        "s.after = 2.0\n",
    )
    assert 'Property "after" defined in "Step" is read-only' in said, said


def test_the_types_users_hold_stay_frozen_at_run_time() -> None:
    """Users' code is not checked by our mypy: Settings and the testing module's records refuse an
    assignment at run time, as they always did."""
    settings = Settings()
    with pytest.raises(FrozenInstanceError):
        settings.port = 1  # type: ignore[misc]
    received = Received("POST", "/cb", {}, {}, b"")
    with pytest.raises(FrozenInstanceError):
        received.path = "/other"  # type: ignore[misc]
