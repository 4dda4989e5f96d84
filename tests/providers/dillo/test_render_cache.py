"""The voice-status GET is served from a cache of rendered bodies (provider.RenderCache): it must never
answer a body older than the call. Each read is compared with the body rendered afresh (cache cleared)
at the same instant, before and after every change: state moves, a Menu key press, the hang-up."""

from __future__ import annotations

from typing import Any


def fresh(control: Any, dillo: Any, request_id: str) -> bytes:
    control.server.state.providers["dillo"].bodies.clear()
    return bytes(dillo.get(request_id).content)


def test_a_cached_status_is_never_stale(dillo: Any, control: Any) -> None:
    menu = dillo.node("Menu", Digits={"1": {"NextNode": 1}}, Timeout=5)
    request_id = dillo.call("+15550000006", menu, dillo.node("Silence", Duration=60))
    bodies = []
    for step in (0, 6, 1, 1, 1, 5, 30):
        control.advance(step)
        first, second = bytes(dillo.get(request_id).content), bytes(dillo.get(request_id).content)
        assert first == second == fresh(control, dillo, request_id)
        bodies.append(first)
    dillo.hangup(request_id)
    after = bytes(dillo.get(request_id).content)
    assert after == fresh(control, dillo, request_id) != bodies[-1]
    assert len(set(bodies)) >= 3  # the body did change over the call: the comparison saw changes


def test_the_cache_is_bounded(dillo: Any, control: Any) -> None:
    cache = control.server.state.providers["dillo"].bodies
    cache.size, size = 2, cache.size
    try:
        ids = [dillo.call("+15550000007", dillo.node("Silence", Duration=60)) for _ in range(4)]
        for request_id in ids:
            assert dillo.get(request_id).status_code == 200
        assert len(cache) == 2
    finally:
        cache.size = size
