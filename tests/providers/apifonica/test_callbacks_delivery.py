"""Delivery of controller events: retried after 5 s, 30 s and 120 s on the mock's clock when the
controller fails (mock's choice, provider.py EVENT_RETRY), every attempt on record at /_mock/callbacks,
and a dead or slow controller never holds up the API.

The session server gives up on an attempt after 2 s (callback_timeout=2.0).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from mockserver.server import free_port
from mockserver.testing.receiver import Reply

BUSY = "5550000001"  # initiated at 1 s, busy at 3 s


def busy_call_with_events(api, controller_url: str, events: str = "busy") -> str:
    app_sid = api.create_application(controller_url)
    return str(api.place_call(BUSY, app_sid, events=events))


def attempts(control, call_sid: str) -> list[dict[str, Any]]:
    [delivery] = control.callbacks(call_id=call_sid)
    return list(delivery["attempts"])


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"


def test_an_event_answered_with_500_is_retried_after_5_30_and_120_seconds(api, control, receiver) -> None:
    receiver.reply("/events", Reply(status=500, body="oops"))
    call_sid = busy_call_with_events(api, receiver.url("/events"))

    control.advance(3)
    [delivery] = control.callbacks(call_id=call_sid)
    assert (delivery["kind"], delivery["method"], delivery["url"]) == (
        "event",
        "POST",
        receiver.url("/events"),
    )
    assert delivery["next_attempt_at"] == "2026-01-01T09:00:08Z"
    for step in (5, 30, 120):
        control.advance(step)
    control.advance(600)  # no fifth attempt

    [delivery] = control.callbacks(call_id=call_sid)
    assert [(a["at"], a["status"], a["response_body"]) for a in delivery["attempts"]] == [
        ("2026-01-01T09:00:03Z", 500, "oops"),
        ("2026-01-01T09:00:08Z", 500, "oops"),
        ("2026-01-01T09:00:38Z", 500, "oops"),
        ("2026-01-01T09:02:38Z", 500, "oops"),
    ]
    assert (delivery["delivered"], delivery["next_attempt_at"]) == (False, None)
    received = receiver.requests("/events")
    assert len(received) == 4
    assert {r.body for r in received} == {received[0].body}  # the same event every time
    assert received[0].form["status"] == "busy"


def test_a_retry_that_succeeds_ends_the_retries(api, control, receiver) -> None:
    receiver.reply("/events", Reply(status=503), Reply(status=200))
    call_sid = busy_call_with_events(api, receiver.url("/events"))

    control.advance(3 + 5 + 30 + 120)

    assert [a["status"] for a in attempts(control, call_sid)] == [503, 200]
    assert control.callbacks(call_id=call_sid)[0]["delivered"] is True


def test_an_event_answered_with_a_4xx_is_not_retried(api, control, receiver) -> None:
    receiver.reply("/events", Reply(status=404))
    call_sid = busy_call_with_events(api, receiver.url("/events"))

    control.advance(3 + 5 + 30 + 120)

    assert [a["status"] for a in attempts(control, call_sid)] == [404]


def test_a_controller_that_is_down_gets_every_attempt_recorded_with_an_error(api, control) -> None:
    down = f"http://127.0.0.1:{free_port()}/events"
    call_sid = busy_call_with_events(api, down, events="all")

    control.advance(3)
    assert api.call(call_sid)["status"] == "busy"  # the API answers while deliveries fail
    control.advance(5)

    deliveries = control.callbacks(call_id=call_sid)
    assert [d["url"] for d in deliveries] == [down] * 3  # queued, initiated, busy
    for delivery in deliveries:
        assert len(delivery["attempts"]) == 2
        assert delivery["delivered"] is False
        for attempt in delivery["attempts"]:
            assert "status" not in attempt
            assert attempt["error"].startswith("ConnectError")


def test_a_controller_slower_than_the_callback_timeout_times_out_without_holding_up_the_api(
    api, control, receiver, mock_server
) -> None:
    receiver.reply("/slow", Reply(delay=3))  # longer than the server's 2 s callback timeout
    call_sid = busy_call_with_events(api, receiver.url("/slow"))
    advancer = httpx.Client(base_url=mock_server.base_url, timeout=10)  # one client per thread
    quick = httpx.Client(base_url=mock_server.base_url, timeout=1)

    with ThreadPoolExecutor(max_workers=1) as pool, advancer, quick:
        # The clock advance waits for the busy event's delivery, so it is pending for 2 s.
        advancing = pool.submit(advancer.post, "/_mock/clock/advance", json={"seconds": 3})
        wait_until(lambda: [d["attempts"] for d in control.callbacks(call_id=call_sid)] == [[]])
        assert not advancing.done()

        health = quick.get("/_mock/health")
        call = quick.get(api.path(f"/calls/{call_sid}"), auth=(api.account_sid, api.auth_token))

        assert not advancing.done()
        assert advancing.result(timeout=10).status_code == 200

    assert health.status_code == 200
    assert (call.status_code, call.json()["status"]) == (200, "busy")
    [attempt] = attempts(control, call_sid)
    assert attempt["error"] == "timeout"  # (no elapsed-time assertion: timers round, e.g. 1999.8 ms)
    assert control.callbacks(call_id=call_sid)[0]["next_attempt_at"] == "2026-01-01T09:00:08Z"


def test_a_late_retry_of_an_earlier_event_does_not_take_over_the_answered_call(
    api, control, receiver
) -> None:
    # The ringing event fails; its retry lands after the answer and is answered "OK" (not XML).
    flow = '<?xml version="1.0" encoding="UTF-8"?><response><wait time="60"/></response>'
    receiver.reply(
        "/events",
        Reply(status=500),
        Reply(body=lambda got: flow if got.form["status"] == "answered" else "OK"),
    )
    app_sid = api.create_application(receiver.url("/events"))
    call_sid = api.place_call("442079460123", app_sid, events="ringing")  # ringing at 3, answered at 7

    control.advance(3 + 5)

    assert [r.form["status"] for r in receiver.requests("/events")] == ["ringing", "answered", "ringing"]
    assert api.call(call_sid)["status"] == "answered"
    assert [
        e for e in control.http.get("/_mock/journal").json()["entries"] if e["kind"] == "flow_error"
    ] == []
