"""The callback dispatcher: every request the server makes to a client, with retries on the clock.

A delivery runs in its own task behind a concurrency limit, so a slow or dead receiver costs one task and
never blocks an API handler. Retries are scheduled on the mock's clock (a virtual clock retries only
when advanced). Every attempt is recorded on the :class:`Delivery`, which is kept until reset.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable, Iterator

import httpx

from mockserver.callbacks.model import (
    NO_RETRY,
    Attempt,
    Delivery,
    OutboundRequest,
    Reply,
    RetryPolicy,
)
from mockserver.callbacks.transport import HttpxTransport, StreamTransport, Transport, TransportError
from mockserver.core.clock import Scheduler
from mockserver.core.faults import FaultBook
from mockserver.core.ids import IdFactory

OnReply = Callable[[Reply], Awaitable[None]]
#: Makes the request for attempt ``n`` (1-based) from the first one: e.g. a webhook whose body counts its
#: tries, or whose signature covers a fresh timestamp.
Rewrite = Callable[[OutboundRequest, int], OutboundRequest]
RESPONSE_SNIPPET = 2000


class Dispatcher:
    def __init__(
        self,
        scheduler: Scheduler,
        client: httpx.AsyncClient,
        ids: IdFactory,
        *,
        timeout: float = 10.0,
        concurrency: int = 64,
        per_origin: int = 4,
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
        self._limit = asyncio.Semaphore(concurrency)
        # Few requests in flight per receiver: httpcore's pool does work per pooled connection on every
        # request, so 64 at once to one receiver delivered ~300/s where 4-8 delivered ~750-900/s; and a
        # slow receiver only ever holds its own origin's places.
        self._per_origin = per_origin
        self._origin_limits: dict[str, asyncio.Semaphore] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._deliveries: list[Delivery] = []
        self._seq = itertools.count(1)
        self.handler_errors: list[BaseException] = []
        self._rewrites: dict[str, Rewrite | None] = {}
        self._changed = asyncio.Event()
        self.faults: FaultBook | None = None
        self.attempt_listeners: list[Callable[[Delivery, Attempt], None]] = []

    # -- sending ---------------------------------------------------------------------------------
    def submit(
        self,
        request: OutboundRequest,
        policy: RetryPolicy = NO_RETRY,
        on_reply: OnReply | None = None,
        rewrite: Rewrite | None = None,
    ) -> Delivery:
        """Queue ``request``; ``on_reply`` runs with the first 2xx reply. Returns its record at once."""
        delivery = self._new(request)
        self._rewrites[delivery.id] = rewrite
        rules = self.faults.outbound(request.provider, request.url) if self.faults else []
        if not rules:
            self._spawn(delivery, policy, on_reply)
            return delivery
        assert self.faults is not None
        wait = sum((r.delay or 0.0) + (self.faults.shuffle_delay(r) if r.reorder else 0.0) for r in rules)
        delivery.fault = ", ".join(r.id for r in rules)
        self._spawn_after(delivery, wait, policy, on_reply)
        if any(r.duplicate for r in rules):
            copy = self._new(request)
            copy.fault = f"duplicate of {delivery.id} ({delivery.fault})"
            self._rewrites[copy.id] = rewrite
            self._spawn_after(copy, wait, policy, None)
        return delivery

    def _spawn_after(
        self, delivery: Delivery, wait: float, policy: RetryPolicy, on_reply: OnReply | None
    ) -> None:
        if wait <= 0:
            self._spawn(delivery, policy, on_reply)
            return

        async def start() -> None:
            self._spawn(delivery, policy, on_reply)

        delivery.next_attempt_at = self.scheduler.call_later(wait, start).at

    async def fetch(
        self, request: OutboundRequest, reply_timeout: float | None = None
    ) -> tuple[Delivery, Reply | None]:
        """Make ``request`` once and wait for it (for flows that need the answer to go on).

        ``reply_timeout`` overrides the server's callback timeout, for providers that document their own
        (e.g. "a reply within 3 s").
        """
        delivery = self._new(request)
        reply = await self._attempt(delivery, reply_timeout)
        return delivery, reply

    def _new(self, request: OutboundRequest) -> Delivery:
        delivery = Delivery(
            id=self.ids.uuid(),
            seq=next(self._seq),
            request=request,
            created_at=self.scheduler.clock.now(),
        )
        self._deliveries.append(delivery)
        return delivery

    def _spawn(self, delivery: Delivery, policy: RetryPolicy, on_reply: OnReply | None) -> None:
        task = asyncio.create_task(self._run(delivery, policy, on_reply))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, delivery: Delivery, policy: RetryPolicy, on_reply: OnReply | None) -> None:
        delivery.next_attempt_at = None
        rewrite = self._rewrites.get(delivery.id)
        if rewrite is not None:
            delivery.request = rewrite(delivery.request, len(delivery.attempts) + 1)
        reply = await self._attempt(delivery)
        if reply is not None and reply.ok:
            if on_reply is not None:
                try:
                    await on_reply(reply)
                except Exception as exc:  # a provider bug must not lose the record
                    self.handler_errors.append(exc)
            self._rewrites.pop(delivery.id, None)
            return
        tried = len(delivery.attempts)
        if tried < policy.max_attempts and policy.retryable(delivery.attempts[-1]):
            wait = policy.backoff[tried - 1]

            async def retry() -> None:
                self._spawn(delivery, policy, on_reply)

            timer = self.scheduler.call_later(wait, retry)
            delivery.next_attempt_at = timer.at
        else:
            self._rewrites.pop(delivery.id, None)

    def _origin_limit(self, url: str) -> asyncio.Semaphore:
        scheme, _, rest = url.partition("://")
        origin = f"{scheme}://{rest.split('/', 1)[0]}"
        limit = self._origin_limits.get(origin)
        if limit is None:
            limit = self._origin_limits[origin] = asyncio.Semaphore(self._per_origin)
        return limit

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

    async def _attempt(self, delivery: Delivery, reply_timeout: float | None = None) -> Reply | None:
        request = delivery.request
        at = self.scheduler.clock.now()
        started = time.perf_counter()
        headers = {"User-Agent": self.user_agent, **dict(request.headers)}
        transport = self._plain if request.url[:7].lower() == "http://" else self._other
        async with self._limit, self._origin_limit(request.url):
            try:
                reply = await transport.send(
                    request.method,
                    request.url,
                    request.params,
                    headers,
                    request.body,
                    self.timeout if reply_timeout is None else reply_timeout,
                )
            except TransportError as exc:
                self._recorded(delivery, Attempt(at, error=str(exc), elapsed_ms=_ms(started)))
                return None
        self._recorded(
            delivery,
            Attempt(
                at,
                status=reply.status,
                elapsed_ms=_ms(started),
                response_body=reply.text[:RESPONSE_SNIPPET],
            ),
        )
        return reply

    # -- waiting and reading ---------------------------------------------------------------------
    async def settle(self) -> None:
        """Wait until every queued attempt has been made (and its reply handled)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def __iter__(self) -> Iterator[Delivery]:
        return iter(list(self._deliveries))

    def __len__(self) -> int:
        return len(self._deliveries)

    async def aclose(self) -> None:
        """Close kept-alive connections (the httpx client belongs to whoever made it)."""
        await self._plain.aclose()
        await self._other.aclose()

    def clear(self) -> None:
        for task in self._tasks:
            task.cancel()
        self._deliveries.clear()
        self._rewrites.clear()
        self._seq = itertools.count(1)

    def load(self, deliveries: list[Delivery]) -> None:
        """Put back deliveries from a snapshot, as records only: none is attempted or retried again."""
        self.clear()
        self._deliveries.extend(deliveries)
        self._seq = itertools.count(max((d.seq for d in deliveries), default=0) + 1)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
