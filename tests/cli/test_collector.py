"""``mockserver serve`` sets the garbage collector once the app is built (server.tune_collector): the
start-up heap frozen out of every later collection, young collections every GC_THRESHOLDS[0]
allocations. Run in a child process: the settings are the interpreter's, not one test's."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import gc, json
from mockserver.app import create_app
from mockserver.server import GC_THRESHOLDS, tune_collector
from mockserver.settings import Settings
create_app(Settings(clock="virtual"))
before = gc.get_freeze_count()
tune_collector()
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "thresholds": list(gc.get_threshold()), "wanted": list(GC_THRESHOLDS)}))
"""


def test_the_start_up_heap_is_frozen_and_young_collections_are_rarer() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    seen = json.loads(out.stdout)
    assert seen["before"] == 0
    assert seen["frozen"] > 10_000  # the modules, providers and scenarios built at start
    assert seen["tracked"] < 1_000  # what the collector still walks: next to nothing
    assert seen["thresholds"] == seen["wanted"]
