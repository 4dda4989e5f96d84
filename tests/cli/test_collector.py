"""``mockserver serve`` sets the garbage collector once the app is built (collector.tune_collector): the
start-up heap frozen out of every later collection, young collections every GC_THRESHOLDS[0]
allocations. Run in a child process: the settings are the interpreter's, not one test's."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import gc, json
from mockserver.app import create_app
from mockserver.collector import GC_THRESHOLDS, tune_collector
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


FROZEN_PROBE = """
import gc, json, weakref
from mockserver.collector import frozen_heap

class Node:
    pass

def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a

before = cycle()
gone = weakref.ref(before)
seen = {}
with frozen_heap():
    seen["inside"] = gc.get_freeze_count() > 0
    with frozen_heap():  # a second advance overlapping the first (another tenant's)
        pass
    seen["after_inner"] = gc.get_freeze_count() > 0
    del before  # garbage now, but frozen: no collection can see it
    gc.collect()
    seen["collected_inside"] = gone() is None
seen["after"] = gc.get_freeze_count()
gc.collect()
seen["collected_after"] = gone() is None
print(json.dumps(seen))
"""


def test_an_advance_keeps_the_heap_it_found_out_of_its_collections_and_gives_it_back() -> None:
    out = subprocess.run(
        [sys.executable, "-c", FROZEN_PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(out.stdout) == {
        "inside": True,
        "after_inner": True,  # the outer block still holds it
        "collected_inside": False,
        "after": 0,
        "collected_after": True,  # nothing frozen is lost: collected once the block ends
    }


ADVANCE_PROBE = """
import gc, json
from starlette.testclient import TestClient
from mockserver.app import create_app
from mockserver.collector import tune_collector
from mockserver.settings import Settings
app = create_app(Settings(clock="virtual"))
tune_collector()
frozen = []
app.state.mock.scheduler.call_later(5, lambda: frozen.append(gc.get_freeze_count()))
with TestClient(app) as client:
    answer = client.post("/_mock/clock/advance", json={"seconds": 10})
print(json.dumps({"status": answer.status_code, "during": frozen, "after": gc.get_freeze_count()}))
"""


def test_the_advance_endpoint_runs_with_the_heap_frozen() -> None:
    out = subprocess.run(
        [sys.executable, "-c", ADVANCE_PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    seen = json.loads(out.stdout)
    assert seen["status"] == 200
    assert len(seen["during"]) == 1
    assert seen["during"][0] > 10_000  # the app and what it had made
    assert seen["after"] == 0
