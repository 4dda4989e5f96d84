"""GET one call answers bytes cached by value (routes.py): a body is served again only while the call
and every CallInfo field it shows are unchanged. Each read is compared with the same call rendered
afresh by the calls list (not cached), before and after every change, the in-place ones included
(a redirect sets ``modified``, the controller and the method on the CallInfo itself)."""

from __future__ import annotations

from typing import Any

LONG_CALL = "5550000007"  # rings from 3 s, answered at 6 s, stays up for an hour
AUDIO = "https://audio.example/music.mp3"


def read(api: Any, call_sid: str) -> dict[str, Any]:
    first, second = api.call(call_sid), api.call(call_sid)
    [fresh] = [row for row in api.calls() if row["call_sid"] == call_sid]
    assert first == second == fresh
    return dict(first)


def test_a_cached_call_is_never_stale(api: Any, control: Any, controller: Any) -> None:
    app_sid = api.create_application(controller.serve("/flow", f'<playAudio loops="0">{AUDIO}</playAudio>'))
    call_sid = str(api.place_call(LONG_CALL, app_sid))
    seen = []
    for step in (0, 4, 3):  # queued, ringing, answered
        control.advance(step)
        seen.append(read(api, call_sid))
    new_flow = controller.serve("/new", '<wait time="60"/><endCall/>')
    assert api.modify(call_sid, {"controller": new_flow, "method": "GET"}).status_code == 201
    modified = read(api, call_sid)  # the call itself may not have moved: only its CallInfo did
    assert (modified["status"], modified["controller"], modified["method"]) == ("modified", new_flow, "GET")
    assert api.modify(call_sid, {"status": "completed"}).status_code == 201
    seen += [modified, read(api, call_sid)]
    assert seen[-1]["status"] == "completed"
    assert len({str(s) for s in seen}) == len(seen)  # every step changed the body: the comparison saw it
