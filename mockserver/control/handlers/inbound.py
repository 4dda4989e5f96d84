"""``/_mock/inbound`` and ``/_mock/inbound-sms``: a call or an SMS comes in to a provider's number."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.handlers.common import ControlError, json_object, state_of
from mockserver.control.schemas import call_json


async def inbound_call(request: Request) -> Response:
    """A call comes in to one of a provider's numbers: ``{"provider", "from", "to", "scenario"?}``."""
    state = state_of(request)
    body = await json_object(request)
    provider = state.providers.get(str(body.get("provider")))
    if provider is None:
        raise ControlError(400, "invalid_inbound", f"provider must be one of {', '.join(state.providers)}")
    from_, to, scenario = body.get("from"), body.get("to"), body.get("scenario")
    if not isinstance(from_, str) or not isinstance(to, str) or not from_ or not to:
        raise ControlError(400, "invalid_inbound", "from and to must be phone numbers")
    if scenario is not None and (not isinstance(scenario, str) or scenario not in state.scenarios):
        raise ControlError(400, "invalid_inbound", f"no scenario {scenario!r}")
    call = provider.start_inbound(from_, to, scenario)
    await state.dispatcher.settle()
    return JSONResponse(call_json(state.backend.get(call.id)), 201)


async def inbound_sms(request: Request) -> Response:
    """An SMS comes in to one of a provider's numbers: ``{"provider", "from", "to", "text"}``."""
    state = state_of(request)
    body = await json_object(request)
    provider = state.providers.get(str(body.get("provider")))
    if provider is None:
        raise ControlError(400, "invalid_inbound", f"provider must be one of {', '.join(state.providers)}")
    from_, to, text = body.get("from"), body.get("to"), body.get("text")
    if (
        not isinstance(from_, str)
        or not isinstance(to, str)
        or not from_
        or not to
        or not isinstance(text, str)
    ):
        raise ControlError(400, "invalid_inbound", "from and to must be phone numbers and text a string")
    result = provider.receive_sms(from_, to, text)
    await state.dispatcher.settle()
    return JSONResponse(dict(result), 201)
