"""``@value`` classes are cheap at run time and frozen to mypy (mockserver/core/values.py): assigning a
field is a type error there, and equality and hashing go field by field as a frozen dataclass's do."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from mockserver.core.calls import CallState, Transition

T0 = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)


def test_values_compare_and_hash_by_their_fields() -> None:
    one, same, other = (Transition(CallState.RINGING, T0, c) for c in ("x", "x", "y"))
    assert one == same
    assert hash(one) == hash(same)
    assert one != other
    assert len({one, same, other}) == 2


def test_assigning_a_field_is_a_type_error(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from datetime import UTC, datetime\n"
        "from mockserver.core.calls import CallState, Transition\n"
        "t = Transition(CallState.RINGING, datetime.now(UTC), 'x')\n"
        "t.cause = 'y'\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--follow-imports=silent", str(probe)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'Property "cause" defined in "Transition" is read-only' in result.stdout, result.stdout
