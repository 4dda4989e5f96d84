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
    step and keeps it, so it sets off collections; a middle one that falls inside the advance walked
    everything placing the burst had left in the middle generation, none of it garbage. In-process,
    50,000 Dillo send actions then one advance: one middle collection of 0.42 s; interleaved runs
    4.54-5.37 s before, 4.00-4.71 s with the heap frozen. When no middle collection falls inside the
    advance (one such run of 100,000 calls), it changes nothing (issue 14).

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
