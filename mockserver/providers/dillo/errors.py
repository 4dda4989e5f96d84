"""The one renderer of Dillo's error body (mock's choice, dillo.md §9.1-9.3).

Dillo documents no server error shape; its SDK surfaces ``IsSuccess`` and ``ErrorMessage`` [SDK], so
every error is ``{"IsSuccess": false, "ErrorMessage": "..."}`` with the HTTP status of the error kind.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from mockserver.core.errors import MockError


def error_body(message: str) -> dict[str, Any]:
    return {"IsSuccess": False, "ErrorMessage": message}


def render_error(error: MockError) -> Response:
    return JSONResponse(error_body(error.message), error.status)
