"""``/_mock/faults``: the fault rules."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.handlers.common import ControlError, json_object, state_of
from mockserver.core.faults import FaultError


async def list_faults(request: Request) -> Response:
    return JSONResponse({"faults": state_of(request).faults.listing()})


async def add_fault(request: Request) -> Response:
    faults = state_of(request).faults
    try:
        rule = faults.add(await json_object(request))
    except FaultError as exc:
        raise ControlError(400, "invalid_fault", str(exc)) from None
    return JSONResponse(rule.to_json(0), 201)


async def clear_faults(request: Request) -> Response:
    state_of(request).faults.clear()
    return JSONResponse({"faults": []})


async def delete_fault(request: Request) -> Response:
    rule_id = request.path_params["id"]
    if not state_of(request).faults.remove(rule_id):
        raise ControlError(404, "not_found", f"no fault {rule_id!r}")
    return JSONResponse({"deleted": rule_id})
