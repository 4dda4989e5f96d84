"""Account methods: ``system.*``, ``billing.*``, ``api-key.*`` and ``session.*`` (callr.md §4.1-4.2)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from mockserver.providers.callr.cdr import cents
from mockserver.providers.callr.errors import invalid, not_found
from mockserver.providers.callr.models import ApiKey, UserSession
from mockserver.providers.callr.params import Arg, Kind
from mockserver.providers.callr.render import api_key_json, session_json
from mockserver.providers.callr.rpc import Invocation, Method, method

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

HEX = "0123456789abcdef"
#: How long a session token works, and how long it can be refreshed (mock's choice).
SESSION_VALID = timedelta(hours=1)
SESSION_REFRESHABLE = timedelta(days=1)


def methods(api: Callr) -> list[Method]:
    state = api.state
    ids = api.ctx.ids

    @method("system.get_timestamp")
    def get_timestamp(inv: Invocation, args: list[Any]) -> int:
        return int(api.ctx.now().timestamp())

    @method("billing.get_prepaid_credit")
    def get_prepaid_credit(inv: Invocation, args: list[Any]) -> str:
        return cents(state.credit(inv.caller.account.login))

    # -- API keys ------------------------------------------------------------------------------
    @method("api-key.create", Arg("name", Kind.STRING))
    def create_key(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        name = args[0].strip()
        if not name or len(name) > 64:
            raise invalid("name", "name must be 1 to 64 characters")
        key = ApiKey(
            state.api_key_ids.take(), name, ids.token(100, HEX), inv.caller.account.login, api.ctx.now()
        )
        state.api_keys[key.token] = key
        return api_key_json(key, None, with_token=True)

    @method("api-key.all")
    def all_keys(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        login = inv.caller.account.login
        return [
            api_key_json(k, state.api_keys_used.get(k.id), with_token=False)
            for k in state.api_keys.values()
            if k.login == login
        ]

    @method("api-key.delete", Arg("id", Kind.INT))
    def delete_key(inv: Invocation, args: list[Any]) -> bool:
        login = inv.caller.account.login
        key = next((k for k in state.api_keys.values() if k.id == args[0] and k.login == login), None)
        if key is None:
            raise not_found("id", args[0])
        del state.api_keys[key.token]
        return True

    # -- sessions ------------------------------------------------------------------------------
    def new_session(login: str) -> UserSession:
        now = api.ctx.now()
        session = UserSession(
            token=ids.token(40, HEX),
            refresh_token=ids.token(40, HEX),
            login=login,
            valid_until=now + SESSION_VALID,
            refreshable_until=now + SESSION_REFRESHABLE,
        )
        state.sessions[session.token] = session
        return session

    @method("session.create")
    def create_session(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        return session_json(new_session(inv.caller.account.login))

    @method("session.all")
    def all_sessions(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        login = inv.caller.account.login
        return [session_json(s) for s in state.sessions.values() if s.login == login]

    @method("session.refresh", Arg("refresh_token", Kind.STRING))
    def refresh_session(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        login = inv.caller.account.login
        old = next(
            (s for s in state.sessions.values() if s.refresh_token == args[0] and s.login == login), None
        )
        if old is None:
            raise not_found("refresh_token", args[0])
        if old.refreshable_until <= api.ctx.now():
            raise invalid("refresh_token", "the session can no longer be refreshed")
        del state.sessions[old.token]
        return session_json(new_session(login))

    @method("session.delete")
    def delete_session(inv: Invocation, args: list[Any]) -> bool:
        """Ends the session the request is made with (callr.md §2.3)."""
        if inv.caller.scheme != "session" or inv.caller.token is None:
            raise invalid("Authorization", "session.delete needs a request made with a Session token")
        state.sessions.pop(inv.caller.token, None)
        return True

    return [
        get_timestamp,
        get_prepaid_credit,
        create_key,
        all_keys,
        delete_key,
        create_session,
        all_sessions,
        refresh_session,
        delete_session,
    ]
