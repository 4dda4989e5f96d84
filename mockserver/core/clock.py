"""The clock every call runs on, and the one scheduler that drives them.

Three modes: ``real`` (wall time), ``scaled`` (wall time sped up by a factor) and ``virtual`` (time moves
only when :meth:`Scheduler.advance` is called). Nothing else in the project sleeps: code that wants
something to happen later schedules it here.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

Action = Callable[[], Awaitable[None]]


class ClockMode(StrEnum):
    REAL = "real"
    SCALED = "scaled"
    VIRTUAL = "virtual"


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


def make_clock(mode: str, speed: float = 1.0, start: datetime | None = None) -> WallClock | VirtualClock:
    match ClockMode(mode):
        case ClockMode.REAL:
            return WallClock()
        case ClockMode.SCALED:
            return WallClock(speed=speed, start=start)
        case ClockMode.VIRTUAL:
            return VirtualClock(start or DEFAULT_VIRTUAL_START)


DEFAULT_VIRTUAL_START = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)


@dataclass(order=True)
class _Entry:
    at: datetime
    seq: int
    action: Action = field(compare=False)
    group: str | None = field(compare=False, default=None)
    cancelled: bool = field(compare=False, default=False)


@dataclass(frozen=True)
class Timer:
    """A handle on a scheduled action, to cancel it."""

    _entry: _Entry

    @property
    def at(self) -> datetime:
        return self._entry.at

    def cancel(self) -> None:
        self._entry.cancelled = True


Settle = Callable[[], Awaitable[None]]


class Scheduler:
    """A priority queue of due actions on a clock.

    With a virtual clock, :meth:`advance` runs every due action in time order, one after the other,
    with the clock set to each action's own time; after each instant it awaits ``settle`` (the callback
    dispatcher's "every first attempt made"), so what an action caused is done before time moves on.
    With a wall clock, :meth:`run` (a background task) starts each action when it falls due.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._heap: list[_Entry] = []
        self._seq = itertools.count()
        self._wakeup = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._advancing = asyncio.Lock()
        self.errors: list[BaseException] = []

    def call_at(self, at: datetime, action: Action, group: str | None = None) -> Timer:
        entry = _Entry(at=max(at, self.clock.now()), seq=next(self._seq), action=action, group=group)
        heapq.heappush(self._heap, entry)
        self._wakeup.set()
        return Timer(entry)

    def call_later(self, seconds: float, action: Action, group: str | None = None) -> Timer:
        return self.call_at(self.clock.now() + timedelta(seconds=max(seconds, 0.0)), action, group)

    def cancel_group(self, group: str) -> None:
        for entry in self._heap:
            if entry.group == group:
                entry.cancelled = True

    def pending(self) -> int:
        return sum(1 for e in self._heap if not e.cancelled)

    def next_due(self) -> datetime | None:
        self._drop_cancelled()
        return self._heap[0].at if self._heap else None

    def clear(self) -> None:
        for entry in self._heap:
            entry.cancelled = True
        self._heap.clear()

    def _drop_cancelled(self) -> None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)

    def _pop_due(self, limit: datetime) -> _Entry | None:
        self._drop_cancelled()
        if self._heap and self._heap[0].at <= limit:
            return heapq.heappop(self._heap)
        return None

    async def _run_entry(self, entry: _Entry) -> None:
        try:
            await entry.action()
        except Exception as exc:  # an action's bug must not stop the clock; it is kept for /_mock/health
            self.errors.append(exc)

    async def advance(self, seconds: float, settle: Settle) -> datetime:
        """Move a virtual clock forward, running everything due on the way (see class doc)."""
        clock = self.clock
        if not isinstance(clock, VirtualClock):
            raise ClockError(f"the clock is {clock.mode}; only a virtual clock can be advanced")
        if seconds < 0:
            raise ClockError("seconds must not be negative")
        async with self._advancing:
            target = clock.now() + timedelta(seconds=seconds)
            await settle()
            while (entry := self._pop_due(target)) is not None:
                clock.set(entry.at)
                await self._run_entry(entry)
                upcoming = self.next_due()
                if upcoming is None or upcoming > entry.at:
                    await settle()
            clock.set(target)
            return target

    async def run(self) -> None:
        """Background loop for wall clocks: start each action as its own task when due."""
        if not isinstance(self.clock, WallClock):
            return
        clock = self.clock
        while True:
            self._wakeup.clear()
            entry = self._pop_due(clock.now())
            if entry is not None:
                task = asyncio.create_task(self._run_entry(entry))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                continue
            due = self.next_due()
            timeout = None if due is None else clock.wall_seconds((due - clock.now()).total_seconds())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=timeout)
