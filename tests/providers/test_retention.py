"""Retention (issue 13, item 3): an evicted call leaves nothing behind in its provider.

With a small ``--max-calls``, every provider places calls through its own API, lets them finish on the
virtual clock, and places three times as many again: what the app keeps (every container reachable from
its state, bar the bounded ones) must not grow with the calls placed, and reading an evicted call answers
the provider's own "not found".
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.callbacks.transport import StreamTransport
from mockserver.providers import REGISTRY
from mockserver.providers.base import RenderCache
from mockserver.server import MockServer
from mockserver.settings import Settings

sys.path.insert(0, str(Path(__file__).parent.parent))
import itertools

from footprint import footprint, grown
from providers.test_contract import load_driver

#: Bounded by construction: rendered bodies (``size``) and idle keep-alive connections per origin.
BOUNDED = (RenderCache, StreamTransport)


@pytest.fixture(scope="module")
def small() -> Iterator[MockServer]:
    with MockServer(Settings(clock="virtual", port=0, seed=7, callback_timeout=2.0, max_calls=2)) as server:
        yield server


@pytest.fixture(params=sorted(REGISTRY))
def driver(request: pytest.FixtureRequest, small: MockServer) -> Iterator[Any]:
    control = httpx.Client(base_url=small.base_url, timeout=30)
    control.post("/_mock/reset").raise_for_status()
    instance = load_driver(request.param)(small.base_url, control)
    yield instance
    instance.close()
    control.close()


def finish(driver: Any, server: MockServer, count: int) -> list[str]:
    refs = [driver.place("442079460001") for _ in range(count)]
    httpx.post(f"{server.base_url}/_mock/clock/advance", json={"seconds": 600}).raise_for_status()
    return list(refs)


def test_an_evicted_call_leaves_nothing_behind(driver: Any, small: MockServer) -> None:
    finish(driver, small, 10)
    before = footprint(small.state, skip=BOUNDED)
    refs = finish(driver, small, 30)
    after = footprint(small.state, skip=BOUNDED)
    assert small.state.backend.store.evicted >= 38
    grew = {path: counts for path, counts in grown(before, after).items() if ".sinks." not in path}
    assert grew == {}, f"{driver.name} keeps per evicted call: {grew}"
    assert driver.is_not_found(driver.read(refs[0]))


def test_a_callr_call_evicted_keeps_what_it_took_off_the_credit(small: MockServer) -> None:
    control = httpx.Client(base_url=small.base_url, timeout=30)
    control.post("/_mock/reset").raise_for_status()
    callr = load_driver("callr")(small.base_url, control)
    try:
        credit = [callr.result("billing.get_prepaid_credit")]
        for _ in range(4):  # each call answered and billed; with max_calls=2 the first two go
            finish(callr, small, 1)
            credit.append(callr.result("billing.get_prepaid_credit"))
        assert small.state.backend.store.evicted == 2
        assert len(small.state.providers["callr"].state.cdrs) == 2  # type: ignore[attr-defined]
        spent = [float(a) - float(b) for a, b in itertools.pairwise(credit)]
        assert all(step > 0 for step in spent), credit  # every call costs, and none comes back
    finally:
        callr.close()
        control.close()
