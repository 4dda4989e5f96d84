"""GetQueueIDStatus replies are cached by their status value (provider.RenderCache): a reply must
change as soon as the notify does, including a live call's duration as the clock moves."""

from __future__ import annotations

from typing import Any

SERVICE = "/notifyws/phonenotify.asmx"


def test_a_cached_status_is_never_stale(notify: Any, http: Any, control: Any) -> None:
    queue_id = notify.basic("5550000007", r"~\PlaySilence(600)~")["QueueID"]
    cache = control.server.state.providers["esendex"].bodies

    def read() -> bytes:
        return bytes(http.get(f"{SERVICE}/GetQueueIDStatus", params={"QueueID": queue_id}).content)

    bodies = []
    for step in (0, 10, 1, 1, 60):  # answered, then the live duration grows each second
        control.advance(step)
        first, second = read(), read()
        cache.clear()
        assert first == second == read()
        bodies.append(first)
    assert len(set(bodies)) == len(bodies)  # every step changed the reply: the comparison saw changes
