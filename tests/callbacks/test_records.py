"""Deliveries as records: a stable id across retries, resend, retry schedule, indexes, caps."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mockserver.callbacks.dispatcher import Dispatcher, ResendError
from mockserver.callbacks.model import LOG_BODY_LIMIT, OutboundRequest
from mockserver.core.clock import Scheduler
from mockserver.server import MockServer
from mockserver.settings import Settings
from mockserver.testing.receiver import CallbackReceiver
from mockserver.testing.receiver import Reply as ReceiverReply
from tests.callbacks.test_dispatcher import POLICY, post, run
from tests.callbacks.test_isolation import Apifonica


def test_a_delivery_keeps_its_id_across_retries_and_a_provider_may_name_it(
    receiver: CallbackReceiver,
) -> None:
    receiver.reply("/hook", ReceiverReply(status=500), ReceiverReply(status=200))

    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        named = OutboundRequest("test", "POST", receiver.url("/hook"), "c1", delivery_id="evt-42")
        delivery = dispatcher.submit(named, POLICY)
        again = dispatcher.submit(named, POLICY)  # the same event id twice: the second gets its own id
        await scheduler.advance(10, dispatcher.settle)
        return delivery, again, dispatcher.get("evt-42")

    delivery, again, found = run(body)
    assert delivery.id == "evt-42"
    assert found is delivery
    assert again.id != "evt-42"
    assert [a.status for a in delivery.attempts] == [500, 200]
    assert delivery.to_json()["retry_schedule"] == [5.0, 30.0]


def test_deliveries_are_found_by_call_without_the_others(receiver: CallbackReceiver) -> None:
    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        for n in range(6):
            dispatcher.submit(OutboundRequest("test", "POST", receiver.url("/h"), f"c{n % 3}"))
        await dispatcher.settle()
        return [[d.seq for d in dispatcher.of_call(f"c{n}")] for n in range(3)], dispatcher.of_call("none")

    per_call, none = run(body)
    assert per_call == [[1, 4], [2, 5], [3, 6]]
    assert none == []


def test_retention_drops_the_oldest_finished_first_and_counts_them(receiver: CallbackReceiver) -> None:
    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        dispatcher.retention = 3
        for n in range(5):
            dispatcher.submit(OutboundRequest("test", "POST", receiver.url("/h"), f"c{n}"))
        await dispatcher.settle()
        return [d.seq for d in dispatcher], dispatcher.evicted, dispatcher.of_call("c0")

    kept, evicted, of_first = run(body)
    assert kept == [3, 4, 5]
    assert evicted == 2
    assert of_first == []


def test_a_pending_delivery_is_never_evicted(dead_url: str) -> None:
    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        dispatcher.retention = 0
        waiting = dispatcher.submit(post(dead_url), POLICY)  # refused at once, retried on the clock
        await dispatcher.settle()
        return waiting.state.value, len(dispatcher), dispatcher.pending

    assert run(body) == ("waiting", 1, 1)


def test_the_log_keeps_the_start_of_a_big_body_and_the_receiver_gets_all_of_it(
    receiver: CallbackReceiver,
) -> None:
    big = b"x" * (LOG_BODY_LIMIT + 1000)

    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        delivery = dispatcher.submit(OutboundRequest("test", "POST", receiver.url("/big"), "c", body=big))
        await dispatcher.settle()
        with pytest.raises(ResendError) as refused:
            await dispatcher.resend(delivery.id)
        return delivery, refused.value.code

    delivery, code = run(body)
    assert receiver.requests("/big")[0].body == big
    row = delivery.to_json()
    assert (len(row["body"]), row["body_truncated"], row["body_size"]) == (LOG_BODY_LIMIT, True, len(big))
    assert code == "body_not_kept"


@pytest.fixture
def api() -> Any:
    with MockServer(Settings(clock="virtual", port=0, seed=5, callback_timeout=2.0)) as running:
        client = Apifonica(running)
        yield client
        client.close()


def test_resend_sends_the_same_request_again_recorded_as_a_resend(
    api: Apifonica, receiver: CallbackReceiver
) -> None:
    call = api.call(receiver.url("/events"), "busy")
    api.control.post("/_mock/clock/advance", json={"seconds": 3})
    [delivery] = api.callbacks(call_id=call)["callbacks"]

    response = api.control.post(f"/_mock/callbacks/{delivery['id']}/resend")

    assert response.status_code == 200, response.text
    row = response.json()
    assert row["id"] == delivery["id"]
    assert [(a["status"], a.get("resend", False)) for a in row["attempts"]] == [(200, False), (200, True)]
    first, second = receiver.requests("/events")
    assert second.body == first.body
    assert row["state"] == "done"
    assert api.control.get(f"/_mock/callbacks/{delivery['id']}").json() == row


def test_resend_refuses_what_it_cannot_send(api: Apifonica, dead_url: str) -> None:
    call = api.call(dead_url, "busy")
    api.control.post("/_mock/clock/advance", json={"seconds": 3})
    [delivery] = api.callbacks(call_id=call)["callbacks"]
    assert delivery["state"] == "waiting"

    pending = api.control.post(f"/_mock/callbacks/{delivery['id']}/resend")
    unknown = api.control.post("/_mock/callbacks/nope/resend")

    assert (pending.status_code, pending.json()["error"]["code"]) == (409, "delivery_pending")
    assert unknown.status_code == 404
    bad = api.control.get("/_mock/callbacks", params={"state": "lost"})
    assert bad.status_code == 400


def test_an_unknown_delivery_is_404(api: Apifonica) -> None:
    response = httpx.get(f"{api.control.base_url}/_mock/callbacks/nope", timeout=10)
    assert response.status_code == 404
