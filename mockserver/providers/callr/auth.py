"""Who a request is made as: ``Authorization: Basic | Api-Key | Session`` and ``CALLR-Login-As``.

callr.md §2.3: Basic is ``login:password``; an API key comes from ``api-key.create``; a session token from
``session.create`` (valid until its ``valid_until`` on the mock's clock). Refusals are HTTP 401 (the SDKs
only look at the status; callr.md §9.1).
"""

from __future__ import annotations

import base64
import binascii
import functools
from datetime import datetime

from starlette.datastructures import Headers

from mockserver.core.values import frozen
from mockserver.providers.callr.errors import Code, RpcError
from mockserver.providers.callr.models import Account, CallrState

LOGIN_AS_TYPES = ("user.login", "account.hash", "user.id", "account.id")


@frozen
class Caller:
    """The account a request acts on, and how it got in."""

    account: Account
    scheme: str  # "basic" | "api-key" | "session"
    token: str | None = None  # the API key or session token used


def refused(detail: str) -> RpcError:
    return RpcError(Code.AUTH_FAILED, detail)


def authenticate(headers: Headers, state: CallrState, now: datetime) -> Caller:
    scheme, _, credentials = headers.get("authorization", "").strip().partition(" ")
    credentials = credentials.strip()
    match scheme.lower():
        case "basic":
            caller = Caller(basic(credentials, state), "basic")
        case "api-key":
            key = state.api_keys.get(credentials)
            if key is None or key.login not in state.accounts:
                raise refused("unknown Api-Key")
            state.api_keys_used[key.id] = now
            caller = Caller(state.accounts[key.login], "api-key", credentials)
        case "session":
            session = state.sessions.get(credentials)
            if session is None or session.login not in state.accounts:
                raise refused("unknown Session token")
            if session.valid_until <= now:
                raise refused("the Session token has expired (session.refresh gives a new one)")
            caller = Caller(state.accounts[session.login], "session", credentials)
        case _:
            raise refused("authentication required: Authorization: Basic, Api-Key or Session")
    login_as = headers.get("callr-login-as")
    return caller if login_as is None else act_as(caller, login_as, state)


@functools.lru_cache(maxsize=256)
def decode_basic(credentials: str) -> tuple[str, str, str] | None:
    """``base64(login:password)`` → its three parts (None when malformed); cached, as a client sends
    the same header on every request."""
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return decoded.partition(":")


def basic(credentials: str, state: CallrState) -> Account:
    parts = decode_basic(credentials)
    if parts is None:
        raise refused("malformed Basic credentials")
    login, sep, password = parts
    account = state.accounts.get(login)
    if not sep or account is None or account.password != password:
        raise refused("invalid login or password")
    return account


def act_as(caller: Caller, header: str, state: CallrState) -> Caller:
    """``CALLR-Login-As: <type> <target>``; the type is matched case-insensitively (SDKs differ).

    Sub-accounts are not emulated: the target may be any configured account (mock's choice).
    """
    kind, _, target = header.strip().partition(" ")
    kind, target = kind.lower(), target.strip()
    if kind not in LOGIN_AS_TYPES:
        raise RpcError(Code.LOGIN_AS_FORBIDDEN, f"CALLR-Login-As: unknown type {kind!r}")
    for account in state.accounts.values():
        if target in (account.login, account.hash):
            return Caller(account, caller.scheme, caller.token)
    raise RpcError(Code.LOGIN_AS_FORBIDDEN, f"CALLR-Login-As: no account {target!r} to act as")
