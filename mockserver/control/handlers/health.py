"""``/_mock/health`` and ``/_mock/reset``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.handlers.clock import clock_json
from mockserver.control.handlers.common import state_of


async def health(request: Request) -> Response:
    state = state_of(request)
    return JSONResponse(
        {
            "status": "ok",
            "providers": list(state.providers),
            "hosts": {name: list(provider.hosts) for name, provider in state.providers.items()},
            "clock": clock_json(state),
            "calls": len(state.backend.store),
            "evicted_calls": state.backend.store.evicted,
            "pending_events": state.scheduler.pending(),
            "tenant": state.settings.tenant or "default",
            "tenants": None if state.tenants is None else len(state.tenants),
            "internal_errors": [repr(e) for e in (*state.scheduler.errors, *state.dispatcher.handler_errors)][
                -20:
            ],
        }
    )


async def reset(request: Request) -> Response:
    state = state_of(request)
    state.reset()
    return JSONResponse({"status": "ok", "clock": clock_json(state)})
