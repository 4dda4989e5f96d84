"""``/_mock/timeline``: everything in order, as JSON or JSON Lines."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from mockserver.control.handlers.common import find_call, state_of


async def timeline(request: Request) -> Response:
    """Everything in order; ``?format=jsonl`` (or ``Accept: application/x-ndjson``) for JSON Lines."""
    state = state_of(request)
    assert state.timeline is not None
    call_ref = request.query_params.get("call_id")
    call_id = None if call_ref is None else find_call(state, call_ref).id
    wants_lines = request.query_params.get("format") == "jsonl" or "application/x-ndjson" in (
        request.headers.get("accept", "")
    )
    if wants_lines:
        return StreamingResponse(state.timeline.json_lines(call_id), media_type="application/x-ndjson")
    return JSONResponse({"timeline": state.timeline.entries(call_id), "dropped": state.timeline.dropped})
