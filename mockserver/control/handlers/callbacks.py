"""``/_mock/callbacks``: the deliveries, long-polled; one delivery; resending one."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.callbacks.dispatcher import ResendError
from mockserver.callbacks.model import Delivery, DeliveryState
from mockserver.control.handlers.common import ControlError, find_call, state_of

MAX_WAIT = 60.0


async def list_callbacks(request: Request) -> Response:
    """Deliveries matching the filters. With ``wait=SECONDS`` (at most 60), long-poll until at least
    ``count`` (default 1) matching deliveries have been attempted, or the time is up — then answer what
    there is. Tests wait on this instead of sleeping."""
    state = state_of(request)
    dispatcher = state.dispatcher
    query = request.query_params
    call_ref = query.get("call_id")
    call_id = None if call_ref is None else find_call(state, call_ref).id
    wait = _number(query.get("wait", "0"), "wait", 0, MAX_WAIT)
    count = int(_number(query.get("count", "1"), "count", 1, 1_000_000))
    delivered = query.get("delivered")
    if delivered not in (None, "true", "false"):
        raise ControlError(400, "invalid_filter", "delivered must be true or false")
    wanted_state = query.get("state")
    if wanted_state is not None and wanted_state not in {s.value for s in DeliveryState}:
        names = ", ".join(s.value for s in DeliveryState)
        raise ControlError(400, "invalid_filter", f"state must be one of {names}")

    def matching() -> list[Delivery]:
        return [
            d
            for d in (dispatcher if call_id is None else dispatcher.of_call(call_id))
            if query.get("provider") in (None, d.request.provider)
            and query.get("url") in (None, d.request.url)
            and query.get("kind") in (None, d.request.kind)
            and (delivered is None or d.delivered == (delivered == "true"))
            and wanted_state in (None, d.state.value)
        ]

    deadline = time.monotonic() + wait
    rows = matching()
    while sum(1 for d in rows if d.attempts) < count and (left := deadline - time.monotonic()) > 0:
        await dispatcher.changed(left)
        rows = matching()
    return JSONResponse(
        {
            "callbacks": [d.to_json() for d in rows],
            "pending": dispatcher.pending,
            "states": dispatcher.counts(),
            "evicted": dispatcher.evicted,
        }
    )


async def get_callback(request: Request) -> Response:
    delivery = state_of(request).dispatcher.get(request.path_params["id"])
    if delivery is None:
        raise ControlError(404, "not_found", f"no delivery {request.path_params['id']!r}")
    return JSONResponse(delivery.to_json())


async def resend_callback(request: Request) -> Response:
    """Send a finished delivery again; answers it with the new attempt (marked ``resend``) recorded."""
    delivery_id = request.path_params["id"]
    try:
        delivery = await state_of(request).dispatcher.resend(delivery_id)
    except KeyError:
        raise ControlError(404, "not_found", f"no delivery {delivery_id!r}") from None
    except ResendError as exc:
        raise ControlError(409, exc.code, str(exc)) from None
    return JSONResponse(delivery.to_json())


def _number(raw: str, name: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ControlError(400, "invalid_filter", f"{name} must be a number") from None
    if not low <= value <= high:
        raise ControlError(400, "invalid_filter", f"{name} must be between {low:g} and {high:g}")
    return value
