"""OAuth2 client credentials [routee.md §2]: Basic ``applicationId:secret`` at ``POST /oauth/token`` gets
a bearer token; every ``/voice`` request sends it. Tokens expire on the mock's clock and carry the
permissions of their scopes; a token without ``MT_ROLE_VOICE`` is refused with 403 on ``/voice``.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

from starlette.requests import Request

from mockserver.core.ids import IdFactory
from mockserver.providers.routee.errors import GENERIC, RouteeError
from mockserver.providers.routee.models import Application, RouteeState, Token
from mockserver.providers.routee.vocabulary import VOICE_PERMISSION, permissions_of


def _oauth(status: int, error: str, message: str, field: str | None = None) -> RouteeError:
    return RouteeError(status, message, module=GENERIC, oauth_error=error, field=field)


def basic_application(request: Request, applications: dict[str, Application]) -> Application:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        raise _oauth(401, "unauthorized", "Full authentication is required: Basic applicationId:secret")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _oauth(401, "unauthorized", "Malformed Basic credentials") from None
    app_id, sep, secret = decoded.partition(":")
    app = applications.get(app_id) if sep else None
    if app is None or app.secret != secret:
        raise _oauth(401, "unauthorized", "Bad credentials")
    return app


async def token_parameters(request: Request) -> dict[str, str]:
    """The form body (and, as Spring's token endpoint allows, the query string)."""
    params = dict(request.query_params)
    body = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body.strip() and content_type not in ("", "application/x-www-form-urlencoded"):
        raise _oauth(400, "invalid_request", "send the body as application/x-www-form-urlencoded")
    try:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        raise _oauth(400, "invalid_request", "the body is not a valid form") from None
    return params


def granted_scopes(app: Application, requested: str | None) -> tuple[str, ...]:
    """No ``scope``: everything the application may have. Otherwise a space-separated subset."""
    if requested is None or not requested.strip():
        return app.scopes
    wanted = tuple(dict.fromkeys(requested.replace(",", " ").split()))
    refused = [s for s in wanted if s not in app.scopes]
    if refused:
        raise _oauth(400, "invalid_scope", f"Invalid scope: {refused[0]}", field="scope")
    return wanted


def issue_token(
    state: RouteeState, app: Application, params: dict[str, str], now: datetime, ids: IdFactory
) -> Token:
    grant = params.get("grant_type")
    if grant is None:
        raise _oauth(400, "invalid_request", "Missing grant type", field="grant_type")
    if grant != "client_credentials":
        raise _oauth(400, "unsupported_grant_type", f"Unsupported grant type: {grant}", field="grant_type")
    scopes = granted_scopes(app, params.get("scope"))
    for token in state.tokens.values():  # a live token for the same scopes is handed out again
        if token.application_id == app.id and token.scopes == scopes and token.expires_at > now:
            return token
    token = Token(
        value=ids.uuid(),
        application_id=app.id,
        scopes=scopes,
        permissions=permissions_of(scopes),
        expires_at=now + timedelta(seconds=app.expires_in),
    )
    state.tokens[token.value] = token
    return token


def authenticate(request: Request, state: RouteeState, now: datetime) -> Token:
    """The bearer token of a ``/voice`` request: 401 if missing, unknown or expired, 403 without voice."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise RouteeError(401, "Not authenticated: send Authorization: Bearer <access_token>", module=GENERIC)
    token = state.tokens.get(value.strip())
    if token is None:
        raise RouteeError(401, "Not authenticated: invalid access token", module=GENERIC)
    if token.expires_at <= now:
        raise RouteeError(401, "Not authenticated: access token expired", module=GENERIC)
    if VOICE_PERMISSION not in token.permissions:
        raise RouteeError(403, "Access denied: the token has no voice permission", module=GENERIC)
    return token
