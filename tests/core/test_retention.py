"""The retention cap (``--max-calls``) when many calls finish at once with something still to come."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from decimal import Decimal

from mockserver.core.calls import AnsweredBy, Call, CallState, Direction, Party, Transition
from mockserver.core.plan import CallPlan, Step
from mockserver.core.store import CallStore
from tests.core.test_backend import Line

S = CallState
T0 = datetime(2026, 1, 1, 9, 0, 0, tzinfo=UTC)

RECORDED = CallPlan(
    scenario="recorded",
    steps=(
        Step(1, S.INITIATED),
        Step(2, S.RINGING),
        Step(4, S.ANSWERED, answered_by=AnsweredBy.HUMAN),
        Step(30, S.COMPLETED, ended_by=Party.CALLEE),
    ),
    price_per_minute=Decimal("0"),
    recording_seconds=20,
)


def _finished(n: int) -> Call:
    return Call(
        id=f"c{n}",
        provider="p",
        provider_call_id=f"P{n}",
        account="a",
        from_="1",
        to="2",
        direction=Direction.OUTBOUND,
        scenario="s",
        created_at=T0,
        history=(Transition(S.QUEUED, T0, "placed"), Transition(S.COMPLETED, T0, "done")),
    )


def test_calls_that_finish_together_keep_their_recordings_past_the_cap() -> None:
    line = Line(RECORDED)
    line.backend.store.max_finished = 3
    calls = [line.place("recorded", to=f"1555000{n:04d}") for n in range(20)]
    line.advance_to(40)  # all 20 complete at 37 s; their recordings are due at 42 s (no errors so far)
    assert len(line.backend.store) == 20  # none evicted: each still has its recording to come
    line.advance_to(60)  # every recording is made (advance_to checks the scheduler raised nothing)
    kept = list(line.backend.store)
    assert len(kept) == 3
    assert all(call.recording is not None and call.recording.seconds == 20 for call in kept)
    assert line.backend.store.evicted == 17
    assert {c.id for c in kept} <= {c.id for c in calls}


def test_calls_still_needed_are_not_asked_again_at_every_eviction() -> None:
    asked: list[str] = []
    needed: set[str] = {f"c{n}" for n in range(2_000)}

    def keep(call_id: str) -> bool:
        asked.append(call_id)
        return call_id in needed

    store = CallStore(max_finished=10, keep=keep)
    for n in range(2_000):
        store.put(_finished(n))  # every one still needed: set aside once, not re-asked 2,000 times
    assert len(store) == 2_000
    assert len(asked) <= 2 * 2_000
    needed.clear()
    for n in range(2_000):
        store.put(_finished(n))  # put again once no longer needed: each waits its turn, then goes
    assert len(store) == 10
    assert store.evicted == 1_990
    assert len(asked) <= 4 * 2_000


def _with(call_id: str, provider: str, provider_call_id: str) -> Call:
    call = _finished(0)
    return Call(
        id=call_id,
        provider=provider,
        provider_call_id=provider_call_id,
        account=call.account,
        from_=call.from_,
        to=call.to,
        direction=call.direction,
        scenario=call.scenario,
        created_at=call.created_at,
        history=call.history[:1],
    )


def test_a_provider_id_is_looked_up_per_provider_and_the_latest_call_with_it_wins() -> None:
    store = CallStore(max_finished=0)
    first, other, again = _with("c1", "a", "X"), _with("c2", "b", "X"), _with("c3", "a", "X")
    store.put(first)
    assert store.by_provider_id("a", "X") is first
    assert store.by_provider_id("b", "X") is None  # another provider's id, not this one's
    store.put(other)
    store.put(again)
    assert store.by_provider_id("a", "X") is again  # the latest call of "a" with that id
    assert store.by_provider_id("b", "X") is other
    assert store.by_ref("X") is first  # by id alone: the first call that had it
    store._remove(again)
    assert store.by_provider_id("a", "X") is first
    store._remove(first)
    assert store.by_provider_id("a", "X") is None
    assert store.by_provider_id("b", "X") is other
    assert store.by_provider_id("b", "Y") is None


def test_a_cap_set_on_a_store_that_had_none_evicts_the_calls_finished_before_it() -> None:
    store = CallStore(max_finished=0)
    for n in range(5):
        store.put(_finished(n))
    store.put(_with("live", "p", "L"))  # a call still queued is never evicted
    assert len(store) == 6
    store.max_finished = 2  # evicts from the next finish on, oldest placed first
    assert len(store) == 6
    store.put(_finished(5))
    assert sorted(c.id for c in store) == ["c4", "c5", "live"]
    assert store.evicted == 4
    store.max_finished = 0  # no cap again: nothing more goes
    for n in range(6, 9):
        store.put(_finished(n))
    assert len(store) == 6


def test_recordings_to_come_are_kept_and_a_burst_leaves_no_table_behind() -> None:
    line = Line(RECORDED)
    for n in range(2_000):
        line.place("recorded", to=f"1555000{n:04d}")
    line.advance_to(40)  # all complete at 37 s: each waits for its recording (due at 42 s)
    assert all(line.backend.pending(c.id).recording_due is not None for c in line.backend.store)
    line.advance_to(60)
    assert all(c.recording is not None for c in line.backend.store)
    # A dict keeps its table when emptied: the per-call tables of a burst of 2,000 calls are given
    # back with its last call (~40 bytes a call each at 100,000 calls, bench_engine_dillo, issue 14).
    empty = sys.getsizeof({})
    assert sys.getsizeof(line.backend._recordings) == empty
    assert sys.getsizeof(line.backend.scheduler._groups) == empty
