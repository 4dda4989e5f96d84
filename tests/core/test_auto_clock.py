"""The auto clock: virtual time that jumps to the next due event whenever nothing is in flight."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from mockserver.core.clock import AutoClock, ClockMode, Scheduler, make_clock

T0 = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)


def test_auto_is_a_virtual_clock_that_says_auto() -> None:
    clock = make_clock("auto", start=T0)

    assert isinstance(clock, AutoClock)
    assert (clock.mode, clock.now()) == (ClockMode.AUTO, T0)


async def _run_until(scheduler: Scheduler, done: asyncio.Event) -> None:
    runner = asyncio.create_task(scheduler.run())
    try:
        await asyncio.wait_for(done.wait(), timeout=5)
    finally:
        runner.cancel()


def test_when_idle_time_jumps_from_event_to_event_in_order() -> None:
    async def scenario() -> list[tuple[str, datetime]]:
        clock = AutoClock(T0)
        scheduler = Scheduler(clock)
        log: list[tuple[str, datetime]] = []
        done = asyncio.Event()

        def note(name: str, last: bool = False):  # type: ignore[no-untyped-def]
            async def action() -> None:
                log.append((name, clock.now()))
                if last:
                    done.set()

            return action

        scheduler.call_later(30, note("c", last=True))
        scheduler.call_later(10, note("a"))
        scheduler.call_later(10, note("b"))  # same instant: in scheduling order
        await _run_until(scheduler, done)
        return log

    log = asyncio.run(scenario())

    assert log == [
        ("a", T0 + timedelta(seconds=10)),
        ("b", T0 + timedelta(seconds=10)),
        ("c", T0 + timedelta(seconds=30)),
    ]


def test_time_does_not_move_while_a_request_is_in_flight() -> None:
    async def scenario() -> tuple[datetime, datetime]:
        clock = AutoClock(T0)
        scheduler = Scheduler(clock)
        done = asyncio.Event()

        async def fire() -> None:
            done.set()

        scheduler.call_later(60, fire)
        scheduler.activity.enter()  # a request is being handled
        runner = asyncio.create_task(scheduler.run())
        for _ in range(50):
            await asyncio.sleep(0)  # the loop gets every chance to run, and must not jump
        held = clock.now()
        scheduler.activity.leave()
        await asyncio.wait_for(done.wait(), timeout=5)
        runner.cancel()
        return held, clock.now()

    held, after = asyncio.run(scenario())

    assert held == T0
    assert after == T0 + timedelta(seconds=60)


def test_an_explicit_advance_still_works_on_an_auto_clock() -> None:
    async def scenario() -> datetime:
        scheduler = Scheduler(AutoClock(T0))

        async def settle() -> None:
            return None

        return await scheduler.advance(5, settle)

    assert asyncio.run(scenario()) == T0 + timedelta(seconds=5)
