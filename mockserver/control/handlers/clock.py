"""``/_mock/clock``: read the mock clock and advance it."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.collector import frozen_heap
from mockserver.control.handlers.common import ControlError, json_object, state_of
from mockserver.control.schemas import iso
from mockserver.core.clock import ClockError
from mockserver.state import AppState

MAX_ADVANCE = 366 * 86_400


def clock_json(state: AppState) -> dict[str, Any]:
    clock = state.clock
    return {"mode": clock.mode.value, "now": iso(clock.now()), "speed": clock.speed}


async def get_clock(request: Request) -> Response:
    return JSONResponse(clock_json(state_of(request)))


async def advance_clock(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ControlError(400, "invalid_seconds", 'give {"seconds": N} with N a number')
    if not 0 <= seconds <= MAX_ADVANCE:
        raise ControlError(400, "invalid_seconds", f"seconds must be between 0 and {MAX_ADVANCE}")
    try:
        with frozen_heap():  # what the advance finds is not what it leaves as garbage (collector.py)
            now = await state.scheduler.advance(float(seconds), state.dispatcher.settle)
    except ClockError as exc:
        raise ControlError(409, "clock_not_virtual", str(exc)) from None
    return JSONResponse({"now": iso(now), "clock": clock_json(state)})
