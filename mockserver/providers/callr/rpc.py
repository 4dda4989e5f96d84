"""The JSON-RPC 2.0 envelope CALLR speaks, and the table of methods behind it.

CALLR takes one request per POST with positional params; it supports no batches, no notifications (no
``id``) and no named params (D-RPC, callr.md §2.1), so those are Invalid Request (-32600).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from mockserver.core.values import frozen
from mockserver.providers.callr.auth import Caller
from mockserver.providers.callr.errors import Code, RpcError
from mockserver.providers.callr.params import Arg, check_args


@frozen
class Envelope:
    id: int | str
    method: str
    params: list[Any]


@frozen
class Invocation:
    """Who calls, and the mock-only steering that came with the request."""

    caller: Caller
    scenario: str | None = None  # X-Mock-Scenario


Handler = Callable[[Invocation, list[Any]], Any]


@frozen
class Method:
    name: str
    args: tuple[Arg, ...]
    handler: Handler


def method(name: str, *args: Arg) -> Callable[[Handler], Method]:
    """Declare a method: ``@method("apps.get", Arg("hash", Kind.STRING))``."""

    def declare(handler: Handler) -> Method:
        return Method(name, args, handler)

    return declare


def decode(body: bytes) -> Any:
    """The JSON document of a request body; -32700 Parse error when it is not UTF-8 JSON."""
    try:
        document = json.loads(body.decode("utf-8"))
        if b"\\u" in body:  # "\ud800" escapes decode to lone surrogates, which are not Unicode text
            json.dumps(document, ensure_ascii=False).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError):
        raise RpcError(Code.PARSE_ERROR, "the body is not UTF-8 JSON") from None
    return document


def valid_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def peek_id(document: Any) -> int | str | None:
    """The request's id if it has a usable one, for the error answer."""
    if isinstance(document, dict) and valid_id(document.get("id")):
        rpc_id: int | str = document["id"]
        return rpc_id
    return None


def envelope(document: Any) -> Envelope:
    if isinstance(document, list):
        raise RpcError(Code.INVALID_REQUEST, "batch requests are not supported")
    if not isinstance(document, dict):
        raise RpcError(Code.INVALID_REQUEST, "the request must be a JSON object")
    if document.get("jsonrpc") != "2.0":
        raise RpcError(Code.INVALID_REQUEST, 'jsonrpc must be "2.0"')
    if "id" not in document or document["id"] is None:
        raise RpcError(Code.INVALID_REQUEST, "notifications (requests without an id) are not supported")
    if not valid_id(document["id"]):
        raise RpcError(Code.INVALID_REQUEST, "id must be an integer or a string")
    name = document.get("method")
    if not isinstance(name, str) or not name:
        raise RpcError(Code.INVALID_REQUEST, "method must be a non-empty string")
    params = document.get("params", [])
    if isinstance(params, dict):
        raise RpcError(Code.INVALID_REQUEST, "named params are not supported: params must be an array")
    if not isinstance(params, list):
        raise RpcError(Code.INVALID_REQUEST, "params must be an array")
    return Envelope(document["id"], name, params)


class MethodTable:
    def __init__(self, methods: Iterable[Method]) -> None:
        self.methods = {m.name: m for m in methods}

    def __contains__(self, name: str) -> bool:
        return name in self.methods

    def names(self) -> Sequence[str]:
        return sorted(self.methods)

    def call(self, invocation: Invocation, request: Envelope) -> Any:
        entry, args = self.checked(request)
        return entry.handler(invocation, args)

    def checked(self, request: Envelope) -> tuple[Method, list[Any]]:
        """The method a request calls and its params, checked (what ``call`` hands the handler)."""
        entry = self.methods.get(request.method)
        if entry is None:
            raise RpcError(Code.METHOD_NOT_FOUND, f"unknown method {request.method!r}")
        return entry, check_args(entry.name, entry.args, request.params)
