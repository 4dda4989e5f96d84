"""The callback dispatcher: every request the server makes to a client, with retries on the clock.

Each receiver origin (scheme, host and port) has its own queue and its own places in flight, so a slow,
stuck or dead receiver holds only its own places: no delivery waits for a place another origin holds.
Retries are scheduled on the mock's clock (a virtual clock retries only when advanced). Every delivery
is a :class:`Delivery` record from the moment it is submitted (queued, in flight, waiting for its next
attempt, done), indexed by id and by call; finished ones are kept up to a retention cap.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter, OrderedDict, deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from mockserver.callbacks.model import (
    NO_RETRY,
    RESPONSE_SNIPPET,
    Attempt,
    Delivery,
    DeliveryState,
    OutboundRequest,
    Reply,
    RetryPolicy,
)
from mockserver.callbacks.transport import (
    HttpClient,
    HttpxTransport,
    Sending,
    StreamTransport,
    Transport,
    TransportError,
)
from mockserver.core.clock import Scheduler
from mockserver.core.faults import FaultBook
from mockserver.core.ids import IdFactory

OnReply = Callable[[Reply], Awaitable[None]]
#: Makes the request for attempt ``n`` (1-based) from the first one: e.g. a webhook whose body counts its
#: tries, or whose signature covers a fresh timestamp.
Rewrite = Callable[[OutboundRequest, int], OutboundRequest]

#: Places in flight per receiver origin. 4 capped deliveries during load near 200/s (issue 14). A place is
#: held from the write to the turn of the event loop that reads the reply; with the loop busy serving
#: creates a turn is ~10 ms, so 2,500 webhooks/s held 64-80 places at once and 64 queued them (p99
#: 200+ ms in bench_webhooks). 256 leave room for that while a stuck receiver holds no more than 256
#: sockets (of the 512 over all origins).
DEFAULT_PER_ORIGIN = 256
#: Places in flight over all origins (file descriptors are the shared resource). An origin with nothing
#: in flight may always start one, and each busy origin may hold at least its fair share of these.
DEFAULT_CONCURRENCY = 512
#: Finished deliveries kept; beyond that the oldest finished are dropped (counted in ``evicted``).
DEFAULT_RETENTION = 100_000


class ResendError(Exception):
    """A delivery that cannot be sent again now (``code`` is the control API's error code)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _loop_time() -> float:
    """The event loop's clock, which the attempts' timeouts run on. uvloop's is cached once per turn of
    the loop, in milliseconds: measured with time.monotonic(), a job queued behind an attempt could count
    as queued for less than the timeout that attempt had just run out of, and be sent to an origin left
    unanswered (tests/callbacks/test_isolation.py failed so, now and then, on a loaded machine)."""
    try:
        return asyncio.get_running_loop().time()
    except RuntimeError:  # built outside the loop (a test of the dataclass): the same clock asyncio uses
        return time.monotonic()


@dataclass(eq=False)
class _Job:
    """One attempt to make: what to send, and what to do with the outcome."""

    delivery: Delivery
    policy: RetryPolicy = NO_RETRY
    on_reply: OnReply | None = None
    reply_timeout: float | None = None
    resend: bool = False
    done: asyncio.Future[Reply | None] | None = None  # set for whoever awaits the outcome (fetch, resend)
    queued_at: float = field(default_factory=_loop_time)
    #: The attempt, begun when it took its place (see ``_begin``): when, and the request on its way.
    begun: tuple[datetime, float, Sending] | None = None


@dataclass(eq=False)
class _Origin:
    key: str
    queue: deque[_Job] = field(default_factory=deque)
    in_flight: int = 0
    #: The last attempt got no answer within its timeout: deliveries that have queued behind it for a
    #: whole timeout are recorded as timed out instead of waiting another one (see ``_run``).
    stalled: bool = False


class Dispatcher:
    def __init__(
        self,
        scheduler: Scheduler,
        client: HttpClient,
        ids: IdFactory,
        *,
        timeout: float = 10.0,
        concurrency: int = DEFAULT_CONCURRENCY,
        per_origin: int = DEFAULT_PER_ORIGIN,
        retention: int = DEFAULT_RETENTION,
        user_agent: str = "mockserver",
        transport: Transport | None = None,
    ) -> None:
        """``transport`` carries every request if given; else plain http:// goes through a lean
        :class:`StreamTransport` and the rest through ``client``."""
        self.scheduler = scheduler
        self.client = client
        self._plain: Transport = transport or StreamTransport(per_origin, user_agent)
        self._other: Transport = transport or HttpxTransport(client)
        self.ids = ids
        self.timeout = timeout
        self.user_agent = user_agent
        self.concurrency = max(1, concurrency)
        self.per_origin = max(1, per_origin)
        self.retention = max(0, retention)
        self.faults: FaultBook | None = None
        self.attempt_listeners: list[Callable[[Delivery, Attempt], None]] = []
        self.handler_errors: list[BaseException] = []
        self._changed = asyncio.Event()
        self._reset_state()

    def _reset_state(self) -> None:
        self._deliveries: dict[str, Delivery] = {}  # by id, in submission order
        self._by_call: dict[str, dict[str, Delivery]] = {}
        self._pending: dict[str, Delivery] = {}  # not done yet
        # done, oldest first: what retention drops (keyed, so a call's go in O(1) when it is evicted).
        # An OrderedDict, not a dict: a dict taken from the front keeps the taken slots ahead of its
        # first entry until it is resized, and next(iter()) walks them all; at the 100,000 retained
        # that was ~54 µs an eviction, against ~1 µs for popitem(last=False) (issue 14).
        self._finished: OrderedDict[str, Delivery] = OrderedDict()
        self._rewrites: dict[str, Rewrite | None] = {}
        self._origins: dict[str, _Origin] = {}  # only origins with work queued or in flight
        self._blocked: dict[str, None] = {}  # origins waiting for a global place (an ordered set)
        self._in_flight = 0
        self._tasks: dict[asyncio.Task[None], _Job] = {}  # attempts in flight
        self._seq = itertools.count(1)
        self.evicted = 0

    # -- sending ---------------------------------------------------------------------------------
    def submit(
        self,
        request: OutboundRequest,
        policy: RetryPolicy = NO_RETRY,
        on_reply: OnReply | None = None,
        rewrite: Rewrite | None = None,
    ) -> Delivery:
        """Queue ``request``; ``on_reply`` runs with the first 2xx reply. Returns its record at once."""
        delivery = self._new(request, policy)
        if rewrite is not None:
            self._rewrites[delivery.id] = rewrite
        rules = self.faults.outbound(request.provider, request.url) if self.faults else []
        if not rules:
            self._enqueue(_Job(delivery, policy, on_reply))
            return delivery
        assert self.faults is not None
        wait = sum((r.delay or 0.0) + (self.faults.shuffle_delay(r) if r.reorder else 0.0) for r in rules)
        delivery.fault = ", ".join(r.id for r in rules)
        self._start_after(_Job(delivery, policy, on_reply), wait)
        if any(r.duplicate for r in rules):
            copy = self._new(request, policy, own_id=False)
            copy.fault = f"duplicate of {delivery.id} ({delivery.fault})"
            if rewrite is not None:
                self._rewrites[copy.id] = rewrite
            self._start_after(_Job(copy, policy), wait)
        return delivery

    async def fetch(
        self, request: OutboundRequest, reply_timeout: float | None = None
    ) -> tuple[Delivery, Reply | None]:
        """Make ``request`` once and wait for it (for flows that need the answer to go on).

        ``reply_timeout`` overrides the server's callback timeout, for providers that document their own
        (e.g. "a reply within 3 s").
        """
        delivery = self._new(request, NO_RETRY)
        job = _Job(delivery, reply_timeout=reply_timeout, done=asyncio.get_running_loop().create_future())
        self._enqueue(job)
        assert job.done is not None
        return delivery, await job.done

    async def resend(self, delivery_id: str) -> Delivery:
        """Send a finished delivery's last request once more, recorded as an attempt marked ``resend``.

        Its reply is recorded but drives nothing (no flow goes on from it) and it is not retried.
        """
        delivery = self._deliveries.get(delivery_id)
        if delivery is None:
            raise KeyError(delivery_id)
        if delivery.state is not DeliveryState.DONE:
            raise ResendError(
                "delivery_pending", f"delivery {delivery_id} is {delivery.state}; resend it once done"
            )
        if delivery.request.kind == "fetch":
            raise ResendError(
                "not_resendable", "a controller fetch is part of a call's flow; only events resend"
            )
        if delivery.body_truncated:
            raise ResendError(
                "body_not_kept", "the log kept only the start of this body; it cannot be resent"
            )
        job = _Job(delivery, resend=True, done=asyncio.get_running_loop().create_future())
        self._enqueue(job)
        assert job.done is not None
        await job.done
        return delivery

    def _new(self, request: OutboundRequest, policy: RetryPolicy, own_id: bool = True) -> Delivery:
        made = self.ids.uuid()  # drawn either way: a provider naming its deliveries changes no other id
        given = request.delivery_id if own_id else None
        delivery = Delivery(
            id=given if given and given not in self._deliveries else made,
            seq=next(self._seq),
            request=request,
            created_at=self.scheduler.clock.now(),
            state=DeliveryState.QUEUED,
            retry_schedule=policy.backoff,
        )
        self._deliveries[delivery.id] = delivery
        self._pending[delivery.id] = delivery
        if request.call_id is not None:
            self._by_call.setdefault(request.call_id, {})[delivery.id] = delivery
        return delivery

    def _start_after(self, job: _Job, wait: float) -> None:
        """Queue ``job`` after ``wait`` seconds on the clock (at once if 0)."""
        if wait <= 0:
            self._enqueue(job)
            return

        async def due() -> None:
            job.queued_at = _loop_time()
            self._enqueue(job)

        job.delivery.state = DeliveryState.WAITING
        job.delivery.next_attempt_at = self.scheduler.call_later(wait, due).at

    # -- the queues --------------------------------------------------------------------------------
    def _enqueue(self, job: _Job) -> None:
        delivery = job.delivery
        delivery.next_attempt_at = None
        delivery.state = DeliveryState.QUEUED
        self._pending[delivery.id] = delivery
        key = _origin_of(delivery.request.url)
        origin = self._origins.get(key)
        if origin is None:
            origin = self._origins[key] = _Origin(key)
        origin.queue.append(job)
        self._pump(origin)

    def _room(self, origin: _Origin) -> bool:
        """May ``origin`` start one more attempt now? (If only the global cap says no, it is queued
        for a global place.)"""
        share = max(1, self.concurrency // max(1, len(self._origins)))
        if origin.in_flight >= min(self.per_origin, share):
            return False
        if origin.in_flight == 0 or self._in_flight < self.concurrency:
            return True
        self._blocked[origin.key] = None
        return False

    def _pump(self, origin: _Origin) -> None:
        while origin.queue and self._room(origin):
            job = origin.queue.popleft()
            job.delivery.state = DeliveryState.IN_FLIGHT  # it holds a place; its attempt starts next
            origin.in_flight += 1
            self._in_flight += 1
            self._begin(origin, job)
            task = asyncio.create_task(self._run(origin, job))
            self._tasks[task] = job
            task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.pop(task, None)

    def _begin(self, origin: _Origin, job: _Job) -> None:
        """Write the attempt's request now if that needs no waiting: a plain http:// delivery on the
        dispatcher's own StreamTransport with a kept-alive connection idle, sent as it is (no rewrite).
        Its task would first run a turn of the event loop later, and with the loop busy serving requests
        a turn is ~10 ms (bench_webhooks, issue 14); the task then only waits for the reply. Anything
        else (a stalled origin, a rewrite, https, a guarded transport) is done by the task, as before."""
        delivery = job.delivery
        request = delivery.request
        if not isinstance(self._plain, StreamTransport) or request.url[:7].lower() != "http://":
            return
        if origin.stalled or (not job.resend and self._rewrites.get(delivery.id) is not None):
            return
        at, started = self.scheduler.clock.now(), time.perf_counter()
        headers = {"User-Agent": self.user_agent, **dict(request.headers)}
        sending = self._plain.start(request.method, request.url, request.params, headers, request.body)
        if sending.written:
            job.begun = (at, started, sending)

    def _release(self, origin: _Origin) -> None:
        if self._origins.get(origin.key) is not origin:
            return  # from before a reset
        origin.in_flight -= 1
        self._in_flight -= 1
        self._pump(origin)
        if not origin.queue and not origin.in_flight:
            del self._origins[origin.key]
        while self._blocked and self._in_flight < self.concurrency:
            key = next(iter(self._blocked))
            del self._blocked[key]
            if (waiting := self._origins.get(key)) is not None:
                self._pump(waiting)

    async def _run(self, origin: _Origin, job: _Job) -> None:
        delivery = job.delivery
        reply: Reply | None = None
        try:
            timeout = self.timeout if job.reply_timeout is None else job.reply_timeout
            queued = _loop_time() - job.queued_at
            if job.begun is not None:
                reply = await self._attempt(delivery, timeout, job.resend, job.begun)
                origin.stalled = reply is None and delivery.attempts[-1].error == "timeout"
            elif origin.stalled and queued >= timeout:
                # The origin has left requests unanswered for a whole timeout and this one has waited as
                # long behind them: record the timeout it would get rather than wait for another one.
                note = (
                    f"timeout: not sent, queued {queued:.1f} s behind requests {origin.key} left unanswered"
                )
                self._recorded(delivery, Attempt(self.scheduler.clock.now(), error=note, resend=job.resend))
            else:
                rewrite = None if job.resend else self._rewrites.get(delivery.id)
                if rewrite is not None:
                    delivery.request = rewrite(delivery.request, len(delivery.attempts) + 1)
                reply = await self._attempt(delivery, timeout, job.resend)
                origin.stalled = reply is None and delivery.attempts[-1].error == "timeout"
        except asyncio.CancelledError:
            if job.done is not None:
                job.done.cancel()  # a reset: whoever waits for this attempt is cancelled too
            raise
        finally:
            self._release(origin)
        await self._outcome(job, reply)
        if job.done is not None and not job.done.done():
            job.done.set_result(reply)

    async def _outcome(self, job: _Job, reply: Reply | None) -> None:
        delivery = job.delivery
        if job.resend:  # counted as finished already: only its state changes back
            delivery.state = DeliveryState.DONE
            self._pending.pop(delivery.id, None)
            return
        if reply is not None and reply.ok:
            if job.on_reply is not None:
                try:
                    await job.on_reply(reply)
                except Exception as exc:  # a provider bug must not lose the record
                    self.handler_errors.append(exc)
            self._finish(delivery)
            return
        tried = len(delivery.attempts)
        policy = job.policy
        if tried < policy.max_attempts and policy.retryable(delivery.attempts[-1]):
            retry = _Job(delivery, policy, job.on_reply)
            self._start_after(retry, policy.backoff[tried - 1])
        else:
            self._finish(delivery)

    def _finish(self, delivery: Delivery) -> None:
        delivery.state = DeliveryState.DONE
        delivery.next_attempt_at = None
        self._pending.pop(delivery.id, None)
        self._rewrites.pop(delivery.id, None)
        delivery.trim_body()
        self._finished.pop(delivery.id, None)
        self._finished[delivery.id] = delivery
        self._evict()

    def _evict(self) -> None:
        """Drop the oldest finished deliveries beyond the retention cap."""
        while len(self._finished) > self.retention:
            _, delivery = self._finished.popitem(last=False)
            if delivery.state is not DeliveryState.DONE:  # being resent: keep it, drop the next one
                self._finished[delivery.id] = delivery
                if all(d.state is not DeliveryState.DONE for d in self._finished.values()):
                    return
                continue
            self._forget(delivery)
            self.evicted += 1

    def _forget(self, delivery: Delivery) -> None:
        self._deliveries.pop(delivery.id, None)
        call_id = delivery.request.call_id
        if call_id is not None and (of_call := self._by_call.get(call_id)) is not None:
            of_call.pop(delivery.id, None)
            if not of_call:
                del self._by_call[call_id]

    def forget_call(self, call_id: str) -> int:
        """Drop the finished deliveries of a call (for a retention policy on calls); how many went."""
        mine = self._by_call.get(call_id)
        if mine is None:  # most evicted calls had no callback URL
            return 0
        gone = [d for d in mine.values() if d.state is DeliveryState.DONE]
        for delivery in gone:
            self._forget(delivery)
            self._finished.pop(delivery.id, None)
        return len(gone)

    def _recorded(self, delivery: Delivery, attempt: Attempt) -> None:
        delivery.attempts.append(attempt)
        for listener in self.attempt_listeners:
            listener(delivery, attempt)
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def changed(self, within: float) -> bool:
        """Wait up to ``within`` seconds (wall clock) for the next attempt to be recorded."""
        try:
            await asyncio.wait_for(self._changed.wait(), within)
        except TimeoutError:
            return False
        return True

    async def _attempt(
        self,
        delivery: Delivery,
        timeout: float,  # noqa: ASYNC109
        resend: bool,
        begun: tuple[datetime, float, Sending] | None = None,
    ) -> Reply | None:
        request = delivery.request
        try:
            if begun is not None:
                at, started, sending = begun
                reply = await sending.reply(timeout)
            else:
                at, started = self.scheduler.clock.now(), time.perf_counter()
                headers = {"User-Agent": self.user_agent, **dict(request.headers)}
                transport = self._plain if request.url[:7].lower() == "http://" else self._other
                reply = await transport.send(
                    request.method, request.url, request.params, headers, request.body, timeout
                )
        except TransportError as exc:
            self._recorded(delivery, Attempt(at, error=str(exc), elapsed_ms=_ms(started), resend=resend))
            return None
        attempt = Attempt(
            at,
            status=reply.status,
            elapsed_ms=_ms(started),
            response_body=reply.text[:RESPONSE_SNIPPET],
            resend=resend,
        )
        self._recorded(delivery, attempt)
        return reply

    # -- waiting and reading ---------------------------------------------------------------------
    async def settle(self) -> None:
        """Wait until every queued attempt has been made (and its reply handled)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def __iter__(self) -> Iterator[Delivery]:
        return iter(list(self._deliveries.values()))

    def __len__(self) -> int:
        return len(self._deliveries)

    def get(self, delivery_id: str) -> Delivery | None:
        return self._deliveries.get(delivery_id)

    def of_call(self, call_id: str) -> list[Delivery]:
        """The deliveries of one call, in order, without looking at the others."""
        return list(self._by_call.get(call_id, {}).values())

    @property
    def pending(self) -> int:
        """Deliveries not done: queued, in flight, or waiting for their next attempt."""
        return len(self._pending)

    def counts(self) -> dict[str, int]:
        """Deliveries by state (every state named, zeros too)."""
        seen = Counter(d.state.value for d in self._pending.values())
        seen[DeliveryState.DONE.value] = len(self._deliveries) - len(self._pending)
        return {state.value: seen[state.value] for state in DeliveryState}

    async def aclose(self) -> None:
        """Close kept-alive connections (the httpx client belongs to whoever made it)."""
        await self._plain.aclose()
        await self._other.aclose()

    def clear(self) -> None:
        for origin in self._origins.values():
            for job in origin.queue:
                if job.done is not None:
                    job.done.cancel()
        for task, job in self._tasks.items():
            task.cancel()
            if job.begun is not None:  # a task cancelled before it ran never reads its reply
                job.begun[2].abandon()
        self._reset_state()

    def load(self, deliveries: list[Delivery]) -> None:
        """Put back deliveries from a snapshot, as records only: none is attempted or retried again."""
        self.clear()
        for delivery in deliveries:
            delivery.state = DeliveryState.DONE
            delivery.next_attempt_at = None
            self._deliveries[delivery.id] = delivery
            if delivery.request.call_id is not None:
                self._by_call.setdefault(delivery.request.call_id, {})[delivery.id] = delivery
            self._finished[delivery.id] = delivery
        self._evict()
        self._seq = itertools.count(max((d.seq for d in deliveries), default=0) + 1)


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme.lower()}://{rest.split('/', 1)[0].split('?', 1)[0].lower()}"


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
