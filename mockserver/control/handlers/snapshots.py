"""``/_mock/snapshot`` and ``/_mock/restore``: the whole state out and back in."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver import snapshot
from mockserver.control.handlers.clock import clock_json
from mockserver.control.handlers.common import ControlError, state_of
from mockserver.core.serialize import loads_strict


async def take_snapshot(request: Request) -> Response:
    """The whole state as JSON (also written to --state-file, if the server has one)."""
    state = state_of(request)
    async with state.scheduler.advancing:
        await state.dispatcher.settle()
        data = state.snapshot()
    text = await asyncio.to_thread(snapshot.dumps, data)  # the data is fresh: no one else holds it
    path = state.settings.state_file
    if path is not None:
        try:
            await asyncio.to_thread(snapshot.write_file, path, text)
        except OSError as exc:
            raise ControlError(
                500, "state_file_error", f"cannot write the state file {path}: {exc}"
            ) from None
    return Response(text, media_type="application/json")


async def restore_snapshot(request: Request) -> Response:
    """Reset, then load a snapshot; one that cannot be loaded answers 400 and changes nothing."""
    state = state_of(request)
    try:
        data = await asyncio.to_thread(loads_strict, await request.body())
    except (ValueError, RecursionError):
        raise ControlError(400, "invalid_json", "the body is not valid JSON") from None
    async with state.scheduler.advancing:
        try:
            await state.restore_async(data)
        except snapshot.SnapshotError as exc:
            raise ControlError(400, "invalid_snapshot", str(exc)) from None
    return JSONResponse({"status": "ok", "clock": clock_json(state), "calls": len(state.backend.store)})
