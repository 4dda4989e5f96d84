"""The garbage collector while serving: set once the app is built (:func:`tune_collector`), and held
off the heap a clock advance found (:func:`frozen_heap`). Process-wide, as the collector is."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: The collector's thresholds while serving. CPython's (700, 10, 10) runs a young collection every few
#: requests, so whatever is in flight then (requests, deliveries) is promoted and soon counts towards a
#: full collection: at 2,000 creates/s that was 11 full collections in 10 s, of 85 ms each on average
#: and up to 190 ms, each one holding every webhook in flight (bench_webhooks, issue 14). A young
#: collection every 50,000 allocations promotes 70 times fewer short-lived objects: one full collection
#: in that run, young ones of a few ms.
GC_THRESHOLDS = (50_000, 20, 10)


def tune_collector() -> None:
    """What ``serve`` does once the app is built. Everything built at start-up (imports, faker's
    locales, providers) lives for the whole run: move it out of the collector's way, so full collections
    only walk what requests create; and collect the young generation less often (GC_THRESHOLDS).

    Only the two young generations are collected first: a full collection of the start-up heap took
    17-30 ms of the ~0.37 s start and found nothing to free (issue 14 goal 5). Whatever garbage the
    oldest generation holds then (none, measured) is frozen with the rest: a one-time, bounded cost."""
    gc.collect(1)
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


_freezes = 0  # frozen_heap blocks open (advances of several tenants can overlap)


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep every object that exists now out of the collections made inside the block; give them back
    to the oldest generation at its end.

    An advance of a virtual clock over a burst of calls creates a new version of each call at every
    step and keeps it: the young collections that this growth sets off were walking the heap that the
    burst's placing had left in the middle generation, again and again, although none of it was garbage.
    In-process, 50,000 Dillo send actions then one advance: a middle collection of 0.42 s and young
    ones of up to 0.17 s, 4.9 s in all; with the heap frozen, 3.5 s, no middle collection (issue 14).

    Freezing and unfreezing move whole lists: O(1). What became garbage meanwhile among the frozen
    objects is collected after the block, by the oldest generation. The start-up heap that
    :func:`tune_collector` froze goes back there too; full collections walk it again (~10-30 ms each)."""
    global _freezes
    if _freezes == 0:
        gc.freeze()
    _freezes += 1
    try:
        yield
    finally:
        _freezes -= 1
        if _freezes == 0:
            gc.unfreeze()
