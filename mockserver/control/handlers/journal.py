"""``/_mock/requests`` and ``/_mock/journal``: what the providers were sent, secrets masked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.handlers.common import ControlError, state_of
from mockserver.security.masking import mask_entry


async def list_requests(request: Request) -> Response:
    state = state_of(request)
    provider = request.query_params.get("provider")
    shown = journal_view(request)
    entries = [
        shown(e.to_json())
        for e in state.journal
        if e.kind == "request" and (provider is None or e.provider == provider)
    ]
    return JSONResponse({"requests": entries, "dropped": state.journal.dropped})


async def journal(request: Request) -> Response:
    state = state_of(request)
    shown = journal_view(request)
    return JSONResponse(
        {"entries": [shown(e.to_json()) for e in state.journal], "dropped": state.journal.dropped}
    )


def journal_view(request: Request) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Journal entries with their secrets masked, unless ``?reveal=true`` or ``--reveal-secrets``."""
    reveal = request.query_params.get("reveal", "").lower()
    if reveal not in ("", "true", "false", "1", "0"):
        raise ControlError(400, "invalid_filter", "reveal must be true or false")
    if reveal in ("true", "1") or state_of(request).settings.reveal_secrets:
        return lambda entry: entry
    return mask_entry
