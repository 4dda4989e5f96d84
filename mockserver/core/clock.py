"""The clock every call runs on, and the one scheduler that drives them.

Four modes: ``real`` (wall time), ``scaled`` (wall time sped up by a factor), ``virtual`` (time moves only
when :meth:`Scheduler.advance` is called) and ``auto`` (virtual time that jumps to the next due event by
itself whenever the server is idle). Nothing else in the project sleeps: code that wants something to
happen later schedules it here.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from mockserver.core.values import value

#: What the scheduler runs: a coroutine function, or a plain function whose work is done when it returns
#: (a call's scheduled steps: no coroutine to make and run for each of them, ~5 % of an advance).
Action = Callable[[], Awaitable[None] | None]


class ClockMode(StrEnum):
    REAL = "real"
    SCALED = "scaled"
    VIRTUAL = "virtual"
    AUTO = "auto"


class Clock(Protocol):
    mode: ClockMode
    speed: float

    def now(self) -> datetime: ...


class ClockError(Exception):
    """Raised when a clock is asked for something its mode cannot do (e.g. advance a real clock)."""


class WallClock:
    """Real time, optionally sped up: ``now = start + (monotonic elapsed) * speed``."""

    def __init__(self, speed: float = 1.0, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.mode = ClockMode.REAL if speed == 1.0 and start is None else ClockMode.SCALED
        self.speed = speed
        self._start = start or datetime.now(UTC)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.monotonic() - self._t0) * self.speed)

    def wall_seconds(self, clock_seconds: float) -> float:
        return clock_seconds / self.speed


class VirtualClock:
    """Time that moves only when told to; starts at a fixed instant so runs are reproducible."""

    mode = ClockMode.VIRTUAL
    speed = 0.0

    def __init__(self, start: datetime) -> None:
        self.start = start
        self._now = start

    def reset(self) -> None:
        self._now = self.start

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        if at < self._now:
            raise ClockError("a virtual clock never goes backwards")
        self._now = at

    def restore(self, at: datetime) -> None:
        """Put the clock at ``at``, backwards too: restoring a snapshot, with nothing scheduled."""
        self._now = at


class AutoClock(VirtualClock):
    """Virtual time that the scheduler moves by itself: whenever nothing is being handled and nothing is
    due now, it jumps to the next due event (see :meth:`Scheduler.run`). It can still be advanced."""

    mode = ClockMode.AUTO


class Activity:
    """Work in flight that an auto-advancing clock waits for: requests being handled. ``generation``
    changes on every start and end, so a waiter can tell that something happened while it waited."""

    def __init__(self) -> None:
        self.busy = 0
        self.generation = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def enter(self) -> None:
        self.busy += 1
        self.generation += 1
        self._idle.clear()

    def leave(self) -> None:
        self.busy -= 1
        self.generation += 1
        if self.busy == 0:
            self._idle.set()

    async def idle(self) -> None:
        await self._idle.wait()


def make_clock(mode: str, speed: float = 1.0, start: datetime | None = None) -> WallClock | VirtualClock:
    match ClockMode(mode):
        case ClockMode.REAL:
            return WallClock()
        case ClockMode.SCALED:
            return WallClock(speed=speed, start=start)
        case ClockMode.VIRTUAL:
            return VirtualClock(start or DEFAULT_VIRTUAL_START)
        case ClockMode.AUTO:
            return AutoClock(start or DEFAULT_VIRTUAL_START)


DEFAULT_VIRTUAL_START = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)


class _Entry:
    """One scheduled action, kept in the bucket of its instant (see :class:`Scheduler`). Entries of one
    instant share its bucket's ``at`` (72 bytes an entry less: a live call holds six entries); the
    bucket also has the instant as a float, its ``stamp``. ``link`` chains the pending entries of one
    group, newest first (see :attr:`Scheduler._groups`).

    Six slots, 80 bytes: one slot more (88) made a 100,000-call Dillo advance's peak RSS ~0.24 KB a
    call higher although the objects were 8 bytes bigger (bench_engine_dillo, issue 14)."""

    __slots__ = ("action", "at", "cancelled", "done", "group", "link")

    def __init__(self, at: datetime, action: Action, group: str | None) -> None:
        self.at = at
        self.action = action
        self.group = group
        self.link: _Entry | None = None  # the group's next older entry still pending
        self.cancelled = False
        self.done = False  # taken out of its bucket (run or dropped)


class _Bucket(list[_Entry]):
    """The entries due at one instant, first scheduled first, with the instant they share. A list read
    from ``head`` on, not a deque: a deque is 760 bytes with one entry, a list 112, and on a wall clock
    nearly every entry has an instant of its own."""

    __slots__ = ("at", "head", "stamp")

    def __init__(self, at: datetime, stamp: float) -> None:
        super().__init__()
        self.at = at
        self.stamp = stamp
        self.head = 0  # the entries before it have been taken out


#: What a bucket holds where an entry was taken out: a run of 100,000 calls at one instant would
#: otherwise keep every entry of the instant, and its action, until the last one had run.
_TAKEN = _Entry(DEFAULT_VIRTUAL_START, lambda: None, None)
_TAKEN.done = True


async def _cancelled() -> None:
    """What a cancelled or taken entry holds instead of its action, so the action's closure goes at
    once (a kept :class:`Timer` would otherwise keep it alive)."""


#: Cancelled entries stay in their buckets until due or until they are more than half of all entries (and
#: at least this many): then the buckets are rebuilt without them, in O(entries), which makes each cancel
#: O(1) amortised.
COMPACT_AT = 1024

#: The most delays :meth:`Scheduler.call_later` remembers for one instant (then it starts again).
LATER_CACHE = 64


@value
class Timer:
    """A handle on a scheduled action, to cancel it."""

    _entry: _Entry
    _scheduler: Scheduler

    @property
    def at(self) -> datetime:
        return self._entry.at

    def cancel(self) -> None:
        self._scheduler._cancel(self._entry)


Settle = Callable[[], Awaitable[None]]


class Scheduler:
    """A priority queue of due actions on a clock.

    Entries due at the same instant share a bucket, first in first out, and a heap orders the instants:
    the order is by time, then by scheduling order, as a heap of ``(time, seq)`` would give, but a run
    of 100,000 calls has a few dozen instants, not 500,000 entries to sift (heappop was ~2.5 µs an
    entry there, taking a bucket's next entry a few tens of ns; bench_engine, issue 14).

    With a virtual clock, :meth:`advance` runs every due action in time order, one after the other,
    with the clock set to each action's own time; after each instant it awaits ``settle`` (the callback
    dispatcher's "every first attempt made"), so what an action caused is done before time moves on.
    With a wall clock, :meth:`run` (a background task) starts each action when it falls due. With an
    auto clock, :meth:`run` advances to the next due instant whenever ``activity`` is idle (after
    ``auto_grace`` wall seconds of idleness, so a client that polls still sees each state).
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._instants: list[float] = []  # a heap of the stamps that have a bucket
        self._buckets: dict[float, _Bucket] = {}
        # The entries not yet run nor cancelled under each key, so that ending a call cancels its
        # timers in O(its timers): the newest entry, which links to the next older (``_Entry.link``).
        # A chain, not a list per key: a list was ~130 bytes more a live call (bench_engine_dillo,
        # issue 14). An entry leaves its chain when taken: 100,000 calls at one instant otherwise
        # keep every taken entry, and its action, until their calls end.
        self._groups: dict[str, _Entry] = {}
        self._stored = 0  # entries in the buckets, cancelled ones included
        self._live = 0  # entries in the buckets, not cancelled
        self._wakeup = asyncio.Event()
        self._woken = False  # whether _wakeup is set: cleared only through _sleepy()
        self._later: dict[float, tuple[datetime, float]] = {}  # see call_later
        self._later_now: datetime | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._advancing = asyncio.Lock()
        self.errors: list[BaseException] = []
        self.activity = Activity()
        self.auto_grace = 0.0
        self.settle: Settle | None = None  # what auto advances await between instants

    @property
    def advancing(self) -> asyncio.Lock:
        """Held while :meth:`advance` runs: hold it to read or replace the state between instants."""
        return self._advancing

    def call_at(self, at: datetime, action: Action, group: str | None = None) -> Timer:
        now = self.clock.now()
        if at < now:
            at = now
        return self._add(at, at.timestamp(), action, group)

    def call_later(self, seconds: float, action: Action, group: str | None = None) -> Timer:
        # What ``now + seconds`` is, and its stamp, are worked out once per instant and delay: on a
        # virtual clock every call of a burst schedules the same few delays from the same instant,
        # and a timedelta from a float (~0.9 us), the sum and its timestamp were most of a timer's
        # cost (call_later 3.3 -> 0.75 us; issue 14).
        now = self.clock.now()
        later = self._later
        if now is not self._later_now:  # the clock moved (a wall clock: on every call)
            self._later_now = now
            later.clear()
        found = later.get(seconds)
        if found is None:
            if len(later) >= LATER_CACHE:
                later.clear()
            at = now + timedelta(seconds=max(seconds, 0.0))
            found = later[seconds] = (at, at.timestamp())
        return self._add(found[0], found[1], action, group)

    def _add(self, at: datetime, stamp: float, action: Action, group: str | None) -> Timer:
        bucket = self._buckets.get(stamp)
        if bucket is None:
            bucket = self._buckets[stamp] = _Bucket(at, stamp)
            heapq.heappush(self._instants, stamp)
        entry = _Entry(bucket.at, action, group)
        bucket.append(entry)
        self._stored += 1
        self._live += 1
        if group is not None:
            groups = self._groups
            entry.link = groups.get(group)
            groups[group] = entry
        if not self._woken:  # only the wall and auto clocks' run loops wait for it; set() is a call
            self._woken = True
            self._wakeup.set()
        return Timer(entry, self)

    def _cancel(self, entry: _Entry) -> None:
        if entry.cancelled or entry.done:
            return
        entry.cancelled = True
        entry.action = _cancelled
        self._live -= 1
        self._forget(entry)
        dead = self._stored - self._live
        if dead >= COMPACT_AT and dead * 2 > self._stored:
            self._compact()

    def _compact(self) -> None:
        buckets: dict[float, _Bucket] = {}
        for stamp, bucket in self._buckets.items():
            kept = _Bucket(bucket.at, bucket.stamp)
            for entry in bucket[bucket.head :]:
                if entry.cancelled:
                    entry.done = True
                else:
                    kept.append(entry)
            if kept:
                buckets[stamp] = kept
        self._buckets = buckets
        self._instants = list(buckets)
        heapq.heapify(self._instants)
        self._stored = self._live

    def _forget(self, entry: _Entry) -> None:
        """``entry`` is taken or cancelled: it leaves its group (a call's few, the first usually)."""
        group = entry.group
        if group is None:
            return
        newest = self._groups.get(group)
        if newest is entry:
            if entry.link is None:
                del self._groups[group]
                if not self._groups:
                    self._groups.clear()  # a dict keeps its table when emptied: a burst's goes with it
            else:
                self._groups[group] = entry.link
        else:
            before = newest
            while before is not None and before.link is not entry:
                before = before.link
            if before is not None:
                before.link = entry.link
        entry.link = None  # a Timer that keeps it must not keep the rest of its group

    def cancel_group(self, group: str) -> None:
        groups = self._groups
        entry = groups.pop(group, None)
        if not groups:
            groups.clear()  # as in _forget
        while entry is not None:
            older, entry.link = entry.link, None
            entry.group = None  # its group is gone already
            self._cancel(entry)
            entry = older

    def pending(self) -> int:
        return self._live

    def next_due(self) -> datetime | None:
        stamp = self._next_stamp()
        return None if stamp is None else self._buckets[stamp].at

    def clear(self) -> None:
        for bucket in self._buckets.values():
            for entry in bucket[bucket.head :]:
                entry.cancelled = True
                entry.done = True
                entry.link = None
        self._buckets.clear()
        self._instants.clear()
        self._groups.clear()
        self._stored = 0
        self._live = 0

    def _next_stamp(self) -> float | None:
        """The instant of the first entry not cancelled (None: nothing is scheduled); the cancelled
        entries before it are dropped on the way."""
        instants, buckets = self._instants, self._buckets
        while instants:
            stamp = instants[0]
            bucket = buckets[stamp]
            head, end = bucket.head, len(bucket)
            while head < end:
                entry = bucket[head]
                if not entry.cancelled:
                    bucket.head = head
                    return stamp
                entry.done = True
                head += 1
                self._stored -= 1
            heapq.heappop(instants)
            del buckets[stamp]
        return None

    def _pop_due(self, limit: datetime) -> _Entry | None:
        return self._pop_due_at(limit.timestamp())

    def _pop_due_at(self, limit: float) -> _Entry | None:
        stamp = self._next_stamp()
        if stamp is None or stamp > limit:
            return None
        return self._take(stamp)

    def _take(self, stamp: float) -> _Entry:
        """Take out the first entry of ``stamp``'s bucket (which :meth:`_next_stamp` has just found)."""
        bucket = self._buckets[stamp]
        head = bucket.head
        entry = bucket[head]
        bucket[head] = _TAKEN  # the bucket no longer keeps it (nor its action) alive
        bucket.head = head + 1
        if bucket.head == len(bucket):
            heapq.heappop(self._instants)
            del self._buckets[stamp]
        entry.done = True
        self._stored -= 1
        self._live -= 1
        if entry.group is not None:
            self._forget(entry)
        return entry

    async def _run_entry(self, entry: _Entry) -> None:
        action, entry.action = entry.action, _cancelled
        try:
            pending = action()
            if pending is not None:
                await pending
        except Exception as exc:  # an action's bug must not stop the clock; it is kept for /_mock/health
            self.errors.append(exc)

    async def advance(self, seconds: float, settle: Settle) -> datetime:
        """Move a virtual clock forward, running everything due on the way (see class doc)."""
        clock = self.clock
        if not isinstance(clock, VirtualClock):
            raise ClockError(f"the clock is {clock.mode}; only a virtual clock can be advanced")
        if seconds < 0:
            raise ClockError("seconds must not be negative")
        return await self._advance_to(clock, clock.now() + timedelta(seconds=seconds), settle)

    async def _advance_to(self, clock: VirtualClock, target: datetime, settle: Settle) -> datetime:
        async with self._advancing:
            target = max(target, clock.now())
            limit = target.timestamp()
            await settle()
            errors = self.errors
            following = self._next_stamp()  # found once per entry: it is also the next one to take
            while following is not None and following <= limit:
                stamp = following
                entry = self._take(stamp)
                clock.set(entry.at)
                action, entry.action = entry.action, _cancelled
                try:  # _run_entry, inline: one coroutine less per entry
                    pending = action()
                    if pending is not None:
                        await pending
                except Exception as exc:
                    errors.append(exc)
                following = self._next_stamp()
                if following is None or following > stamp:
                    await settle()
                    following = self._next_stamp()  # what settle scheduled or cancelled counts
            clock.set(target)
            return target

    def _sleepy(self) -> None:
        """A run loop is about to look for work, then wait: the next timer added wakes it."""
        self._woken = False
        self._wakeup.clear()

    async def run(self) -> None:
        """Background loop for wall clocks (start each action as its own task when due) and for the auto
        clock (jump to the next due instant when idle). A virtual clock needs none."""
        if isinstance(self.clock, AutoClock):
            await self._run_auto(self.clock)
            return
        if not isinstance(self.clock, WallClock):
            return
        clock = self.clock
        while True:
            self._sleepy()
            entry = self._pop_due(clock.now())
            if entry is not None:
                task = asyncio.create_task(self._run_entry(entry))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                continue
            due = self.next_due()
            timeout = None if due is None else clock.wall_seconds((due - clock.now()).total_seconds())
            # Not asyncio.wait_for: before 3.12 it waits in a task of its own, so a call_at woke this
            # loop three turns of the event loop later instead of one, and each turn of a loop busy
            # serving creates is ~10 ms (bench_webhooks, issue 14).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wakeup.wait()

    async def _run_auto(self, clock: AutoClock) -> None:
        activity = self.activity
        while True:
            self._sleepy()
            due = self.next_due()
            if due is None:
                await self._wakeup.wait()
                continue
            await activity.idle()
            seen = activity.generation
            # The grace is wall time by design: how long the server must stay idle before time jumps.
            await asyncio.sleep(self.auto_grace)
            if activity.busy or activity.generation != seen:
                continue  # a request came (and maybe went) meanwhile: wait for quiet again
            settle = self.settle or _settled
            await settle()
            if activity.busy or activity.generation != seen:
                continue
            due = self.next_due()
            if due is not None:
                await self._advance_to(clock, due, settle)


async def _settled() -> None:
    """The settle of a scheduler with no dispatcher: nothing to wait for."""
