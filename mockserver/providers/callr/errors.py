"""Every error the CALLR mock answers, in one table, and the one renderer of the JSON-RPC error envelope.

CALLR documents the envelope (JSON-RPC 2.0 ``{"jsonrpc", "id", "error": {"code", "message", "data"}}``)
but not its codes; the codes are the mock's choice (docs/providers/callr.md, "Errors"): standard JSON-RPC
codes for protocol errors, application codes for the rest, and authentication refused at the HTTP level
(401), as the SDKs expect. The *messages* follow what production answered to the official .NET SDK's
own tests (THECALLR/sdk-dotnet ``CallrApiTest/*``): ``PROPERTY_VALUE_ERROR [app]`` for an unknown app,
``INVALID_PARAM_FORMAT [params]`` for a param of the wrong type, ``TO_BEFORE_FROM``, ``BAD_APP_TYPE``.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from starlette.responses import Response

from mockserver.core.errors import (
    Conflict,
    Forbidden,
    InvalidParameter,
    MethodNotAllowed,
    MissingParameter,
    MockError,
    NotFound,
    Unauthorized,
)

CONTENT_TYPE = "application/json-rpc; charset=utf-8"


class Code(Enum):
    """(HTTP status, JSON-RPC code, message) of each kind of error."""

    AUTH_FAILED = (401, 22, "AUTH_FAILED")
    LOGIN_AS_FORBIDDEN = (403, 100, "LOGIN_AS_FORBIDDEN")
    PARSE_ERROR = (200, -32700, "Parse error")
    INVALID_REQUEST = (200, -32600, "Invalid Request")
    METHOD_NOT_FOUND = (200, -32601, "Method not found")
    INVALID_PARAMS = (200, -32602, "Invalid params")
    PROPERTY_TYPE_ERROR = (200, -32602, "PROPERTY_TYPE_ERROR")
    INTERNAL_ERROR = (500, -32603, "Internal error")
    FEATURE_NOT_ALLOWED = (200, 100, "FEATURE_NOT_ALLOWED")
    INSUFFICIENT_CREDIT = (200, 101, "INSUFFICIENT_CREDIT")
    NOT_FOUND = (200, 110, "PROPERTY_VALUE_ERROR")  # an unknown id is a wrong value of its param
    MISSING_PROPERTY = (200, 150, "MISSING_PROPERTY")
    INVALID_PROPERTY_VALUE = (200, 151, "PROPERTY_VALUE_ERROR")
    TO_BEFORE_FROM = (200, 151, "TO_BEFORE_FROM")
    BAD_APP_TYPE = (200, 151, "BAD_APP_TYPE")
    APP_CANNOT_HAVE_DID = (200, 205, "APP_CANNOT_HAVE_DID")
    # Transport errors outside the JSON-RPC endpoint (router 404/405 under /json-rpc/).
    NO_SUCH_PATH = (404, -32600, "Invalid Request")
    HTTP_METHOD_NOT_ALLOWED = (405, -32600, "Invalid Request")

    @property
    def http_status(self) -> int:
        return self.value[0]

    @property
    def rpc_code(self) -> int:
        return self.value[1]

    @property
    def message(self) -> str:
        return self.value[2]


class RpcError(MockError):
    """An error of the CALLR API: its :class:`Code`, a human ``detail`` and the offending property."""

    def __init__(self, code: Code, detail: str, *, property: str | None = None) -> None:
        super().__init__(detail, field=property)
        self.code = code
        self.status = code.http_status


def invalid_params(detail: str, param: str | None = None) -> RpcError:
    """-32602: the wrong number of params, or ``param`` of the wrong JSON type."""
    return RpcError(Code.INVALID_PARAMS, detail, property=param)


def missing(property: str, detail: str | None = None) -> RpcError:
    return RpcError(Code.MISSING_PROPERTY, detail or f"{property} is required", property=property)


def invalid(property: str, detail: str) -> RpcError:
    return RpcError(Code.INVALID_PROPERTY_VALUE, detail, property=property)


def not_found(kind: str, ref: object) -> RpcError:
    return RpcError(Code.NOT_FOUND, f"{kind} {ref!r} not found", property=kind)


def bad_app_type(app: Any, wanted: object) -> RpcError:
    """A method for one package called with another's app (sdk-dotnet ClickToCallServiceTest)."""
    return RpcError(Code.BAD_APP_TYPE, f"app {app.hash} is a {app.package} app, not {wanted}", property="app")


#: Neutral errors (raised by the core or the router) → CALLR codes.
NEUTRAL: list[tuple[type[MockError], Code]] = [
    (Unauthorized, Code.AUTH_FAILED),
    (Forbidden, Code.LOGIN_AS_FORBIDDEN),
    (MissingParameter, Code.MISSING_PROPERTY),
    (InvalidParameter, Code.INVALID_PROPERTY_VALUE),
    (Conflict, Code.INVALID_PROPERTY_VALUE),
    (MethodNotAllowed, Code.HTTP_METHOD_NOT_ALLOWED),
    (NotFound, Code.NO_SUCH_PATH),
]


def code_of(error: MockError) -> Code:
    if isinstance(error, RpcError):
        return error.code
    if error.status >= 500:
        return Code.INTERNAL_ERROR
    return next((code for kind, code in NEUTRAL if isinstance(error, kind)), Code.INVALID_REQUEST)


#: Errors whose message names the offending param or property, ``KIND [path]`` (sdk-dotnet tests).
LABELLED = {
    Code.NOT_FOUND: "PROPERTY_VALUE_ERROR",
    Code.INVALID_PROPERTY_VALUE: "PROPERTY_VALUE_ERROR",
    Code.INVALID_PARAMS: "INVALID_PARAM_FORMAT",
    Code.PROPERTY_TYPE_ERROR: "PROPERTY_TYPE_ERROR",
    Code.MISSING_PROPERTY: "MISSING_PROPERTY",
}


def message_of(code: Code, property: str | None) -> str:
    label = LABELLED.get(code)
    return code.message if label is None or property is None else f"{label} [{property}]"


def error_body(code: Code, detail: str, property: str | None, rpc_id: int | str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"detail": detail}
    if property is not None:
        data["property"] = property
    return {
        "jsonrpc": "2.0",
        "id": rpc_id,
        "error": {"code": code.rpc_code, "message": message_of(code, property), "data": data},
    }


def rpc_response(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    content = json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
    return Response(content, status, headers=headers, media_type=CONTENT_TYPE)


def render_error(error: MockError, rpc_id: int | str | None = None) -> Response:
    code = code_of(error)
    headers = {"WWW-Authenticate": 'Basic realm="CALLR"'} if code is Code.AUTH_FAILED else None
    # A plain MockError is an injected fault or a bug: it keeps the HTTP status it was given.
    status = error.status if type(error) is MockError else code.http_status
    return rpc_response(error_body(code, error.message, error.field, rpc_id), status, headers)
