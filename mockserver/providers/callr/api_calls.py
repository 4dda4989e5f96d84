"""Calls and their records: ``calls.realtime``, ``calls.hangup``, ``calls.get_status_1``, ``cdr.get``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.core.calls import Party
from mockserver.providers.callr import params
from mockserver.providers.callr.errors import bad_app_type, invalid, not_found
from mockserver.providers.callr.models import Target
from mockserver.providers.callr.params import Arg, Kind
from mockserver.providers.callr.rpc import Invocation, Method, method
from mockserver.providers.callr.vocabulary import Package, call_status_word

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

MAX_MESSAGES = 10  # per broadcast (mock's choice)


def methods(api: Callr) -> list[Method]:
    state = api.state
    backend = api.ctx.backend

    @method(
        "calls.realtime",
        Arg("app", Kind.STRING),
        Arg("target", Kind.OBJECT),
        Arg("options", Kind.OBJECT, nullable=True, optional=True),
    )
    def realtime(inv: Invocation, args: list[Any]) -> str:
        """Places the call; returns the request hash every RT.Request of it carries (callr.md §9.5)."""
        app = state.apps.get(args[0])
        account = inv.caller.account
        if app is None or app.login != account.login:
            raise not_found("app", args[0])
        if app.package is not Package.REALTIME10:
            raise bad_app_type(app, Package.REALTIME10)
        target = params.target(args[1])
        options = params.options(args[2], params.REALTIME_CALL_OPTIONS)
        api.billing.check(account.login)
        request_hash = api.new_hash()
        api.place_call(
            login=account.login,
            app=app,
            target=Target(target["number"], target["timeout"]),
            cli=options.get("cli") or account.cli,
            cdr_field=options.get("cdr_field") or "",
            scenario=inv.scenario,
            request_hash=request_hash,
        )
        return request_hash

    @method(
        "calls.broadcast_1",
        Arg("target", Kind.OBJECT),
        Arg("messages", Kind.ARRAY),
        Arg("options", Kind.OBJECT, nullable=True, optional=True),
    )
    def broadcast(inv: Invocation, args: list[Any]) -> str:
        """Calls ``target`` and plays ``messages`` (media ids or ``TTS|voice|text``) ``loop`` times once
        answered; returns the request id ``calls.get_status_1`` takes. ``direct_to_voicemail`` makes
        the call go to the ``voicemail`` scenario unless X-Mock-Scenario says otherwise (mock's choice)."""
        account = inv.caller.account
        target = params.target(args[0])
        if not args[1] or len(args[1]) > MAX_MESSAGES:
            raise invalid("messages", f"messages must hold 1 to {MAX_MESSAGES} medias")
        mine = {m.id for m in state.media.values() if m.login == account.login}
        messages = tuple(params.media(m, f"messages[{i}]", mine.__contains__) for i, m in enumerate(args[1]))
        options = params.options(args[2], params.BROADCAST_OPTIONS)
        api.billing.check(account.login)
        scenario = inv.scenario or ("voicemail" if options.get("direct_to_voicemail") else None)
        request_hash = api.new_hash()
        info = api.place_call(
            login=account.login,
            app=None,
            target=Target(target["number"], target["timeout"]),
            cli=options.get("cli") or account.cli,
            cdr_field=options.get("cdr_field") or "",
            scenario=scenario,
            request_hash=request_hash,
        )
        info.messages, info.loop = messages, options.get("loop") or 1
        return request_hash

    @method("calls.hangup", Arg("callid", Kind.INT), Arg("options", Kind.ANY, optional=True))
    def hangup(inv: Invocation, args: list[Any]) -> bool:
        """Ends a live call; ``false`` for a call that has already ended."""
        info = state.by_callid(args[0])
        if info is None or info.login != inv.caller.account.login:
            raise not_found("callid", args[0])
        if not backend.get(info.call_id).live:
            return False
        backend.hangup(info.call_id, Party.API, "calls.hangup")
        return True

    @method("calls.get_status_1", Arg("request_id", Kind.STRING))
    def get_status(inv: Invocation, args: list[Any]) -> str:
        call_id = state.requests.get(args[0])
        info = state.calls.get(call_id or "")
        if info is None or info.login != inv.caller.account.login:
            raise not_found("request_id", args[0])
        return call_status_word(backend.get(info.call_id).state)

    @method(
        "cdr.get",
        Arg("type", Kind.STRING),
        Arg("from", Kind.STRING),
        Arg("to", Kind.STRING),
        Arg("app", Kind.STRING, nullable=True, optional=True),
        Arg("did", Kind.STRING, nullable=True, optional=True),
    )
    def cdr_get(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        """CDRs of calls that *started* between ``from`` and ``to`` (inclusive), by start and callid."""
        kind, start, end, app, did = args
        if kind not in ("IN", "OUT"):
            raise invalid("type", "type must be IN or OUT")
        bounds = params.period(start, end)
        login = inv.caller.account.login
        # An unknown filter is an error, not an empty list (sdk-dotnet CdrServiceTest: [app]).
        if app is not None and (state.apps.get(app) is None or state.apps[app].login != login):
            raise not_found("app", app)
        if did is not None and (state.dids.get(did) is None or state.dids[did].login != login):
            raise not_found("did", did)
        rows = [
            cdr
            for cdr in state.cdrs
            if cdr.login == login
            and cdr.type == kind
            and bounds[0] <= cdr.start.replace(microsecond=0) <= bounds[1]
            and app in (None, cdr.app_hash)
            and did in (None, cdr.did_hash)  # outbound CDRs have no DID: a DID filter skips them
        ]
        return [cdr.record for cdr in sorted(rows, key=lambda c: (c.start, c.record["callid"]))]

    return [realtime, broadcast, hangup, get_status, cdr_get]
