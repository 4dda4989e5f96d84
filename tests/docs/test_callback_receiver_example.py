"""docs/pytest.md's CallbackReceiver example passes, and the page shows it as it is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "test_callback_receiver.py"


def test_the_page_shows_the_example_as_it_is() -> None:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "pytest.md").read_text(), flags=re.DOTALL)
    assert EXAMPLE.read_text() in blocks


def test_the_example_passes(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfilterwarnings = error\n")
    (pytester.path / EXAMPLE.name).write_text(EXAMPLE.read_text())
    quiet = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:faker")
    pytester.runpytest_subprocess(*quiet, timeout=60).assert_outcomes(passed=1)
