"""The dashboard's hub: hears every call update and fans it out to the open event streams.

Besides calls, each stream tells the page when anything else it shows may have changed (an ``activity``
event: requests journaled, deliveries made and attempted, fault rules and their hits), so the page
re-reads the view it has open — the journal, the callbacks, the resources, the faults — only then.

One hub per app, kept on ``app.state`` (created on first use), so two apps in one process share nothing.
Each stream keeps only the *latest* value of each changed call until it is sent, and at most
:data:`PENDING_LIMIT` of them: a client that falls further behind gets a fresh snapshot instead, so a
stalled browser costs a bounded amount of memory however busy the server is.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

from starlette.applications import Starlette

from mockserver.callbacks.model import Attempt, Delivery
from mockserver.control.schemas import iso
from mockserver.core.backend import CallUpdate
from mockserver.core.calls import Call
from mockserver.core.journal import JournalEntry
from mockserver.state import AppState

#: Calls per snapshot event. The first event holds the newest calls, so the page fills its first screen
#: at once while older calls follow; between events the server serves other requests.
SNAPSHOT_CHUNK = 1_000
#: Changed calls a stream may hold back before it drops them and sends a snapshot instead.
PENDING_LIMIT = 2_000
#: How often (wall seconds) an idle stream looks for a reset and a moved clock.
TICK = 0.5
#: An SSE comment this often keeps proxies and the browser from timing out an idle stream.
KEEPALIVE = 15.0
#: The browser reconnects this soon (ms) after losing the stream; the new stream starts with a snapshot.
RETRY_MS = 1_000


def call_row(call: Call) -> dict[str, Any]:
    """What the table shows of a call (the full call is one click away)."""
    return {
        "id": call.id,
        "provider": call.provider,
        "provider_call_id": call.provider_call_id,
        "from": call.from_,
        "to": call.to,
        "state": call.state.value,
        "scenario": call.scenario,
        "created_at": iso(call.created_at),
    }


def sse(event: str, data: Any) -> str:
    """One server-sent event; JSON without newlines fits a single ``data:`` line."""
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


class Stream:
    """One open event stream: the calls changed since its last send, or a flag to start over."""

    def __init__(self) -> None:
        self.pending: dict[str, Call] = {}
        self.needs_snapshot = True
        self.ended = False
        self.wake = asyncio.Event()
        self.seen: tuple[int, datetime] | None = None  # (calls in the store, clock) at its last look
        self.activity_sent: dict[str, Any] | None = None

    def push(self, call: Call) -> None:
        if not self.needs_snapshot:
            self.pending[call.id] = call
            if len(self.pending) > PENDING_LIMIT:
                self.start_over()
        self.wake.set()

    def look(self, seen: tuple[int, datetime]) -> None:
        """A reset empties the store and sends a virtual clock back to its start, but tells no one:
        a stream that sees the store shrink or the clock go back starts over."""
        if self.seen is not None and (seen[0] < self.seen[0] or seen[1] < self.seen[1]):
            self.start_over()
        self.seen = seen

    def start_over(self) -> None:
        self.pending.clear()
        self.needs_snapshot = True
        self.wake.set()

    def end(self) -> None:
        self.ended = True
        self.wake.set()

    def take(self) -> list[Call]:
        calls = list(self.pending.values())
        self.pending.clear()
        return calls


class DashboardHub:
    def __init__(self, state: AppState) -> None:
        self.state = state
        self.streams: set[Stream] = set()
        self.loop = asyncio.get_running_loop()
        self.requests_seen = 0
        self.attempts_seen = 0
        state.backend.subscribe(self._on_update)
        state.replaced_listeners.append(self.start_over)
        state.journal.listeners.append(self._on_journal)
        state.dispatcher.attempt_listeners.append(self._on_attempt)

    def _on_journal(self, entry: JournalEntry) -> None:
        self.requests_seen += 1

    def _on_attempt(self, delivery: Delivery, attempt: Attempt) -> None:
        self.attempts_seen += 1

    def activity_json(self) -> dict[str, Any]:
        """Counters that move whenever a view other than the calls may have changed. They only grow
        (a reset sends a snapshot instead), so the page compares them, never reads them as totals."""
        faults = self.state.faults.listing()
        activity: dict[str, Any] = {
            "journal": self.requests_seen,
            "callbacks": len(self.state.dispatcher),
            "attempts": self.attempts_seen,
            "faults": [len(faults), sum(int(f["hits"]) for f in faults)],
        }
        if self.state.tenants is not None:  # the default tenant's page: tenants come, go and fill up
            activity["tenants"] = [[t.id, len(t.state.backend.store)] for t in self.state.tenants]
        return activity

    def start_over(self) -> None:
        """The state was reset or restored: every open page gets a fresh snapshot."""
        for stream in self.streams:
            stream.start_over()

    def _on_update(self, update: CallUpdate) -> None:
        seen = self.seen()
        for stream in self.streams:
            stream.look(seen)
            stream.push(update.call)

    def seen(self) -> tuple[int, datetime]:
        return len(self.state.backend.store), self.state.clock.now()

    def end_streams(self) -> None:
        """End every open stream (its response completes), so a server that is stopping need not wait
        for browsers to go away; a browser that is still there reconnects to whatever runs next."""
        for stream in self.streams:
            stream.end()

    def clock_json(self) -> dict[str, Any]:
        clock = self.state.clock
        return {"mode": clock.mode.value, "now": iso(clock.now()), "speed": clock.speed}

    def snapshot(self, stream: Stream) -> Iterator[str]:
        """Every call as it is now: a ``snapshot`` event with the newest :data:`SNAPSHOT_CHUNK`, then
        ``older`` events going back in time (each in creation order), until none remain or the stream
        has to start over. A chunk is read from the store when it is sent, so it is never stale."""
        stream.seen = self.seen()
        ids = [call.id for call in self.state.backend.store]
        end = max(0, len(ids) - SNAPSHOT_CHUNK)
        stream.activity_sent = self.activity_json()
        first = {
            "clock": self.clock_json(),
            "activity": stream.activity_sent,
            "calls": self._rows(ids[end:]),
            "remaining": end,
        }
        yield sse("snapshot", first)
        while end > 0 and not (stream.needs_snapshot or stream.ended):
            start = max(0, end - SNAPSHOT_CHUNK)
            yield sse("older", {"calls": self._rows(ids[start:end]), "remaining": start})
            end = start

    def _rows(self, ids: list[str]) -> list[dict[str, Any]]:
        store = self.state.backend.store
        return [call_row(call) for call_id in ids if (call := store.get(call_id)) is not None]

    async def events(self) -> AsyncIterator[str]:
        """The event stream of one client: a snapshot, then batches of changed calls, clock moves and
        keep-alive comments, until the client goes away."""
        stream = Stream()
        self.streams.add(stream)
        try:
            yield f"retry: {RETRY_MS}\n\n"
            clock_sent: datetime | None = None
            quiet = 0.0
            while not stream.ended:
                if stream.needs_snapshot:
                    stream.needs_snapshot = False
                    stream.pending.clear()
                    clock_sent = self.state.clock.now()
                    for event in self.snapshot(stream):
                        yield event
                        await asyncio.sleep(0)  # let other requests in between chunks
                elif stream.pending:
                    clock_sent = self.state.clock.now()
                    rows = [call_row(c) for c in stream.take()]
                    stream.activity_sent = self.activity_json()
                    update = {"clock": self.clock_json(), "activity": stream.activity_sent, "calls": rows}
                    yield sse("calls", update)
                elif await _woken(stream.wake, TICK):
                    quiet = 0.0
                else:
                    stream.look(self.seen())
                    if stream.needs_snapshot:
                        continue
                    quiet += TICK
                    activity = self.activity_json()
                    if activity != stream.activity_sent:
                        stream.activity_sent = activity
                        quiet = 0.0
                        yield sse("activity", activity)
                    if self.state.clock.now() != clock_sent:
                        clock_sent = self.state.clock.now()
                        yield sse("clock", self.clock_json())
                    elif quiet >= KEEPALIVE:
                        quiet = 0.0
                        yield ": keep-alive\n\n"
        finally:
            self.streams.discard(stream)


async def _woken(event: asyncio.Event, within: float) -> bool:
    try:
        await asyncio.wait_for(event.wait(), within)
    except TimeoutError:
        return False
    event.clear()
    return True


def hub_of(app: Starlette) -> DashboardHub:
    """The app's hub, made (and subscribed to the backend) on first use, in the app's event loop."""
    hub: DashboardHub | None = getattr(app.state, "dashboard", None)
    if hub is None:
        hub = DashboardHub(app.state.mock)
        app.state.dashboard = hub
    return hub


def end_streams(app: Starlette) -> None:
    """End the app's open event streams; safe to call from any thread, and when no stream was ever
    opened. uvicorn waits for open responses before it stops, and an event stream never ends by itself:
    a server calls this as it starts shutting down."""
    hub: DashboardHub | None = getattr(app.state, "dashboard", None)
    if hub is not None and not hub.loop.is_closed():
        hub.loop.call_soon_threadsafe(hub.end_streams)
