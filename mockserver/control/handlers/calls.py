"""``/_mock/calls``: list and read calls, and inject what the callee does."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.handlers.common import ControlError, find_call, json_object, state_of
from mockserver.control.schemas import call_json
from mockserver.core.calls import AnsweredBy, CallState, Party
from mockserver.core.machine import IllegalTransition, can_move


async def list_calls(request: Request) -> Response:
    state = state_of(request)
    query = request.query_params
    wanted = query.get("state")
    if wanted is not None and wanted not in {s.value for s in CallState}:
        raise ControlError(400, "invalid_state", f"unknown state {wanted!r}")
    calls = state.backend.calls(provider=query.get("provider"), state=wanted, to=query.get("to"))
    return JSONResponse({"calls": [call_json(c) for c in calls]})


async def get_call(request: Request) -> Response:
    return JSONResponse(call_json(find_call(state_of(request), request.path_params["id"])))


async def call_event(request: Request) -> Response:
    """Inject what the callee does: answer, hang up, key in digits, say words (or be busy / reject /
    fail)."""
    state = state_of(request)
    call = find_call(state, request.path_params["id"])
    body = await json_object(request)
    kind = body.get("type")
    backend = state.backend
    try:
        match kind:
            case "answer":
                by = body.get("by", "human")
                if by not in ("human", "machine"):
                    raise ControlError(400, "invalid_event", "by must be human or machine")
                for step in (CallState.INITIATED, CallState.RINGING):
                    if can_move(backend.get(call.id).state, step):
                        backend.move(call.id, step, "control API")
                backend.move(call.id, CallState.ANSWERED, "control API", answered_by=AnsweredBy(by))
            case "hangup":
                backend.hangup(call.id, Party.CALLEE, "control API: callee hung up")
            case "digits":
                digits = body.get("digits")
                if not isinstance(digits, str) or not digits or any(c not in "0123456789*#" for c in digits):
                    raise ControlError(400, "invalid_event", "digits must be a string of 0-9 * #")
                await backend.press(call.id, digits)
            case "words":
                words = body.get("words")
                if not isinstance(words, str) or not words.strip() or len(words) > 1000:
                    raise ControlError(400, "invalid_event", "words must be a non-empty string")
                await backend.speak(call.id, words.strip())
            case "busy" | "reject" | "fail":
                target = {
                    "busy": CallState.BUSY,
                    "reject": CallState.REJECTED,
                    "fail": CallState.FAILED,
                }[kind]
                backend.move(call.id, target, f"control API: {kind}", ended_by=Party.CALLEE)
            case _:
                raise ControlError(
                    400,
                    "invalid_event",
                    "type must be answer, hangup, digits, words, busy, reject or fail",
                )
    except IllegalTransition as exc:
        raise ControlError(409, "illegal_transition", str(exc)) from None
    await state.dispatcher.settle()
    return JSONResponse(call_json(backend.get(call.id)))
