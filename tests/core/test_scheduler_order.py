"""The scheduler's order against a plain model: whatever is scheduled, cancelled (one timer or a group)
and compacted, an advance runs exactly the live entries due by its target, ordered by time and then by
scheduling order, as a sorted list of ``(time, seq)`` would (the scheduler keeps buckets per instant)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.core import clock as clock_module
from mockserver.core.clock import Scheduler, Timer, VirtualClock

T0 = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)

#: (op, instant, group, target) — op 0: schedule, 1: cancel one timer, 2: cancel a group, 3: advance
ops = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.sampled_from([0.0, 0.5, 1.0, 1.000001, 2.0, 3.0, 7.25]),
        st.sampled_from([None, "a", "b"]),
        st.integers(0, 40),
    ),
    max_size=60,
)


@pytest.fixture(autouse=True)
def small_compaction(monkeypatch: pytest.MonkeyPatch) -> None:
    """Compact after a couple of dead entries, so the examples go through compaction too."""
    monkeypatch.setattr(clock_module, "COMPACT_AT", 2)


@settings(max_examples=300, deadline=None)
@given(ops)
def test_runs_match_a_sorted_model(steps: list[tuple[int, float, str | None, int]]) -> None:
    clock = VirtualClock(T0)
    scheduler = Scheduler(clock)
    ran: list[int] = []
    model: list[list[object]] = []  # [stamp, seq, group, alive]
    timers: list[Timer] = []
    wrong: list[int] = []

    def schedule(seconds: float, group: str | None, chain: bool) -> None:
        seq = len(model)
        due = max(T0 + timedelta(seconds=seconds), clock.now())
        entry: list[object] = [due, seq, group, True]
        model.append(entry)

        async def action() -> None:
            if not entry[3]:
                wrong.append(seq)
            ran.append(seq)
            entry[3] = False
            if chain:  # an action that schedules another for its own instant and one for later
                schedule(0.0, group, False)
                schedule(seconds + 1.0, None, False)

        timers.append(scheduler.call_at(due, action, group))

    async def run() -> None:
        for op, seconds, group, pick in steps:
            if op == 0:
                schedule(seconds, group, chain=pick % 3 == 0)
            elif op == 1 and timers:
                index = pick % len(timers)
                timers[index].cancel()
                model[index][3] = False
            elif op == 2 and group is not None:
                scheduler.cancel_group(group)
                for entry in model:
                    if entry[2] == group:
                        entry[3] = False
            elif op == 3:
                target = clock.now() + timedelta(seconds=pick / 10)
                before = len(ran)
                await scheduler.advance(pick / 10, _settle)
                got = ran[before:]
                keys = [(model[seq][0], seq) for seq in got]
                assert keys == sorted(keys)
                assert not [e for e in model if e[3] and e[0] <= target]  # type: ignore[operator]
                assert scheduler.pending() == sum(1 for e in model if e[3])
        assert not wrong, f"cancelled entries ran: {wrong}"

    asyncio.run(run())


async def _settle() -> None:
    return None
