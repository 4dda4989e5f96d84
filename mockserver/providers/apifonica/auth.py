"""HTTP Basic auth: ``accountSID:authToken`` on every request (Apifonica REST docs, "Authentication")."""

from __future__ import annotations

import base64
import binascii
import functools

from starlette.requests import Request

from mockserver.core.errors import Forbidden, Unauthorized
from mockserver.providers.apifonica.models import Account


@functools.lru_cache(maxsize=256)
def decode_basic(header: str) -> tuple[str, str]:
    """``Basic base64(sid:token)`` → (sid, token); cached, as clients send the same header each time."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise Unauthorized("authentication required: HTTP Basic with accountSID:authToken")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized("malformed Basic credentials") from None
    sid, sep, token = decoded.partition(":")
    if not sep:
        raise Unauthorized("malformed Basic credentials: expected accountSID:authToken")
    return sid, token


def basic_credentials(request: Request) -> tuple[str, str]:
    return decode_basic(request.headers.get("authorization", ""))


def authenticate(request: Request, accounts: dict[str, Account]) -> Account:
    """The account the request is made as; 401 on bad credentials, 403 for another account's path."""
    sid, token = basic_credentials(request)
    account = accounts.get(sid)
    if account is None or account.token != token:
        raise Unauthorized("invalid account SID or auth token")
    if request.path_params.get("acc", sid) != sid:
        raise Forbidden("the credentials do not give access to this account")
    return account
