"""What every ``/_mock`` handler shares: the error it raises, the guard that renders it, the state
and JSON body of a request, and a call found by either of its ids."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.schemas import error_json
from mockserver.core.calls import Call
from mockserver.core.errors import MockError
from mockserver.core.serialize import loads_strict
from mockserver.state import AppState

Handler = Callable[[Request], Awaitable[Response]]


class ControlError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def state_of(request: Request) -> AppState:
    state: AppState = request.app.state.mock
    return state


def guarded(handler: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ControlError as exc:
            return JSONResponse(error_json(exc.code, exc.message), exc.status)
        except MockError as exc:
            code = re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()  # Conflict → conflict
            return JSONResponse(error_json(code, exc.message), exc.status)
        except RecursionError:  # input nested deeper than Python recurses, wherever it was walked
            return JSONResponse(error_json("too_deep", "the input is nested too deeply"), 400)

    return endpoint


async def json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = loads_strict(raw)
    except ValueError:
        raise ControlError(400, "invalid_json", "the body is not valid JSON") from None
    except RecursionError:
        raise ControlError(400, "invalid_json", "the body is nested too deeply") from None
    if not isinstance(body, dict):
        raise ControlError(400, "invalid_json", "the body must be a JSON object")
    return body


def find_call(state: AppState, ref: str) -> Call:
    """A call by its neutral id, or by its provider's id."""
    call = state.backend.store.by_ref(ref)
    if call is None:
        raise ControlError(404, "not_found", f"no call {ref!r}")
    return call
