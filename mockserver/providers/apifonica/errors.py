"""The one renderer of Apifonica's error body (mock's choice; see docs/providers/apifonica.md).

Apifonica documents success envelopes (``status_code``, ``status_message``) but not errors; its own
samples read ``status_code`` and ``error_text``, so errors carry those plus a numeric ``error_code``.
"""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from mockserver.core.errors import (
    Forbidden,
    InvalidParameter,
    MethodNotAllowed,
    MissingParameter,
    MockError,
    NotFound,
    Unauthorized,
    UnsupportedMediaType,
)

REASONS = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}

#: error kind → error_code (mock-defined numbers, stable, documented)
ERROR_CODES: list[tuple[type[MockError], int]] = [
    (Unauthorized, 1001),
    (Forbidden, 1002),
    (MissingParameter, 2001),
    (InvalidParameter, 2002),
    (UnsupportedMediaType, 2003),
    (NotFound, 3001),
    (MethodNotAllowed, 4001),
]


def error_body(status: int, code: int, text: str) -> dict[str, object]:
    return {
        "status_code": status,
        "status_message": REASONS.get(status, "ERROR"),
        "error_code": code,
        "error_text": text,
    }


def render_error(error: MockError) -> Response:
    code = next((code for kind, code in ERROR_CODES if isinstance(error, kind)), 5000 + error.status)
    headers = {"WWW-Authenticate": 'Basic realm="Apifonica"'} if error.status == 401 else None
    return JSONResponse(error_body(error.status, code, error.message), error.status, headers=headers)
