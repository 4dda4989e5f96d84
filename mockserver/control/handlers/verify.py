"""``/_mock/verify``: did the traffic match a pattern (the matching is mockserver/control/verify.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control import verify
from mockserver.control.handlers.common import ControlError, json_object, state_of


async def verify_traffic(request: Request) -> Response:
    """``POST /_mock/verify``: a pattern and an expected count → whether it held, and near misses."""
    state = state_of(request)
    pattern = await json_object(request)
    try:
        if verify.check_pattern(pattern) == "callback":
            calls = state.backend.store
            candidates: list[tuple[verify.Candidate, tuple[str | None, ...]]] = []
            for d in state.dispatcher:
                call = calls.get(d.request.call_id) if d.request.call_id else None
                provider_id = call.provider_call_id if call is not None else None
                candidates.append((verify.from_delivery(d, provider_id), (provider_id,)))
        else:
            candidates = [(verify.from_request(e), ()) for e in state.journal if e.kind == "request"]
        return JSONResponse(verify.verify(pattern, candidates))
    except verify.PatternError as exc:
        raise ControlError(400, "invalid_pattern", str(exc)) from None
