"""The callback dispatcher against a real receiver, on a virtual clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from mockserver.callbacks.dispatcher import Dispatcher
from mockserver.callbacks.model import OutboundRequest, Reply, RetryPolicy
from mockserver.core.clock import DEFAULT_VIRTUAL_START, Scheduler, VirtualClock
from mockserver.core.ids import IdFactory
from mockserver.server import free_port
from mockserver.testing.receiver import CallbackReceiver
from mockserver.testing.receiver import Reply as ReceiverReply

POLICY = RetryPolicy(backoff=(5.0, 30.0))


def run(body: Callable[[Dispatcher, Scheduler], Awaitable[Any]], timeout: float = 10.0) -> Any:
    async def main() -> Any:
        scheduler = Scheduler(VirtualClock(DEFAULT_VIRTUAL_START))
        async with httpx.AsyncClient() as client:
            dispatcher = Dispatcher(scheduler, client, IdFactory(1), timeout=timeout)
            try:
                return await body(dispatcher, scheduler)
            finally:
                await dispatcher.aclose()

    return asyncio.run(main())


def post(url: str) -> OutboundRequest:
    return OutboundRequest("test", "POST", url, "call-1", body=b"a=1")


def test_a_5xx_is_retried_on_the_clock_until_delivered(receiver: CallbackReceiver) -> None:
    receiver.reply("/hook", ReceiverReply(status=500), ReceiverReply(status=503), ReceiverReply(status=200))

    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        delivery = dispatcher.submit(post(receiver.url("/hook")), POLICY)
        await dispatcher.settle()
        first = [a.status for a in delivery.attempts]
        await scheduler.advance(4.9, dispatcher.settle)
        early = len(delivery.attempts)
        await scheduler.advance(0.1, dispatcher.settle)
        second = [a.status for a in delivery.attempts]
        await scheduler.advance(30, dispatcher.settle)
        return delivery, first, early, second

    delivery, first, early, second = run(body)
    assert first == [500]
    assert early == 1
    assert second == [500, 503]
    assert [a.status for a in delivery.attempts] == [500, 503, 200]
    assert delivery.delivered
    assert [a.at.second for a in delivery.attempts] == [0, 5, 35]
    assert delivery.next_attempt_at is None


def test_a_4xx_is_final(receiver: CallbackReceiver) -> None:
    receiver.reply("/hook", ReceiverReply(status=404))

    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        delivery = dispatcher.submit(post(receiver.url("/hook")), POLICY)
        await scheduler.advance(600, dispatcher.settle)
        return delivery

    delivery = run(body)
    assert [a.status for a in delivery.attempts] == [404]
    assert not delivery.delivered


def test_a_dead_receiver_is_retried_and_every_attempt_recorded() -> None:
    url = f"http://127.0.0.1:{free_port()}/gone"

    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        delivery = dispatcher.submit(post(url), POLICY)
        await dispatcher.settle()
        pending = delivery.next_attempt_at
        await scheduler.advance(600, dispatcher.settle)
        return delivery, pending

    delivery, pending = run(body)
    assert len(delivery.attempts) == POLICY.max_attempts
    assert all(a.status is None and a.error and "Connect" in a.error for a in delivery.attempts)
    assert pending is not None
    assert pending.second == 5
    assert delivery.to_json()["delivered"] is False


def test_a_slow_receiver_times_out_and_is_recorded(receiver: CallbackReceiver) -> None:
    receiver.reply("/slow", ReceiverReply(delay=1.0))

    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        delivery = dispatcher.submit(post(receiver.url("/slow")))
        await dispatcher.settle()
        return delivery

    delivery = run(body, timeout=0.2)
    assert [a.error for a in delivery.attempts] == ["timeout"]


def test_on_reply_runs_with_the_first_2xx_and_a_failing_handler_loses_nothing(
    receiver: CallbackReceiver,
) -> None:
    receiver.reply("/hook", ReceiverReply(body="<xml/>"))
    seen: list[Reply] = []

    async def on_reply(reply: Reply) -> None:
        seen.append(reply)
        raise RuntimeError("provider bug")

    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        delivery = dispatcher.submit(post(receiver.url("/hook")), POLICY, on_reply)
        await dispatcher.settle()
        return delivery, dispatcher.handler_errors

    delivery, errors = run(body)
    assert [r.text for r in seen] == ["<xml/>"]
    assert delivery.delivered
    assert [str(e) for e in errors] == ["provider bug"]


def test_fetch_makes_one_attempt_and_returns_the_reply(receiver: CallbackReceiver) -> None:
    receiver.reply("/ctl", ReceiverReply(status=500, body="no"))

    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        delivery, reply = await dispatcher.fetch(
            OutboundRequest("test", "GET", receiver.url("/ctl"), "c", "fetch", params=(("a", "1"),))
        )
        await scheduler.advance(600, dispatcher.settle)
        return delivery, reply

    delivery, reply = run(body)
    assert (reply.status, reply.text) == (500, "no")
    assert len(delivery.attempts) == 1
    assert receiver.requests("/ctl")[0].query == {"a": "1"}


def test_deliveries_are_kept_in_order_with_their_request(receiver: CallbackReceiver) -> None:
    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        for n in range(20):
            dispatcher.submit(OutboundRequest("test", "POST", receiver.url(f"/h{n}"), f"c{n}", body=b"x"))
        await dispatcher.settle()
        return list(dispatcher)

    deliveries = run(body, timeout=30)  # generous: a loaded CI machine must not turn this into a timeout
    assert [d.seq for d in deliveries] == list(range(1, 21))
    assert all(d.delivered for d in deliveries)
    assert len(receiver.requests()) == 20
    row = deliveries[0].to_json()
    assert row["url"] == receiver.url("/h0")
    assert row["body"] == "x"
    assert row["attempts"][0]["at"] == "2026-01-01T09:00:00Z"


def test_rewrite_makes_each_attempt_its_own_request(receiver: CallbackReceiver) -> None:
    receiver.reply("/hook", ReceiverReply(status=500), ReceiverReply(status=200))

    def numbered(request: OutboundRequest, attempt: int) -> OutboundRequest:
        return OutboundRequest(
            request.provider, request.method, request.url, request.call_id, body=f"try={attempt}".encode()
        )

    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        delivery = dispatcher.submit(post(receiver.url("/hook")), POLICY, rewrite=numbered)
        await scheduler.advance(60, dispatcher.settle)
        return delivery

    delivery = run(body)
    assert [r.body for r in receiver.requests("/hook")] == [b"try=1", b"try=2"]
    assert delivery.to_json()["body"] == "try=2"


def test_fetch_takes_its_own_timeout(receiver: CallbackReceiver) -> None:
    receiver.reply("/slow", ReceiverReply(delay=0.5))

    async def body(dispatcher: Dispatcher, scheduler: Scheduler) -> Any:
        return await dispatcher.fetch(post(receiver.url("/slow")), reply_timeout=0.1)

    delivery, reply = run(body, timeout=30)
    assert reply is None
    assert [a.error for a in delivery.attempts] == ["timeout"]
