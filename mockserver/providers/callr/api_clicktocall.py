"""Click-to-call methods: ``clicktocall/calls.start_2/get_status/cancel/get_list`` (callr.md §4.5, §5.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.providers.callr import params
from mockserver.providers.callr.errors import RpcError, bad_app_type, invalid, invalid_params, not_found
from mockserver.providers.callr.models import ClickToCall, LegStatus, Target
from mockserver.providers.callr.params import Arg, Kind
from mockserver.providers.callr.render import app_json, datetime_text
from mockserver.providers.callr.rpc import Invocation, Method, method
from mockserver.providers.callr.vocabulary import Package

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

MAX_TARGETS = 10  # per side (mock's choice)


def status_json(status: LegStatus) -> dict[str, Any]:
    """CLICKTOCALL.Call.Status; ``{}`` while the side has not been dialled (the seed's sample)."""
    if not status.status:
        return {}
    return {"callid": status.callid, "number": status.number, "status": status.status, "try": status.tried}


def targets(value: list[Any] | None, path: str) -> tuple[Target, ...]:
    if value is None:  # checked after the app, as production does (sdk-dotnet ClickToCallServiceTest)
        raise invalid_params(f"{path} must be an array of Target", path)
    if not value:
        raise invalid(path, f"{path} must hold at least one Target")
    if len(value) > MAX_TARGETS:
        raise invalid(path, f"{path} holds at most {MAX_TARGETS} Targets")
    try:
        checked = [params.target(item, f"{path}[{i}]") for i, item in enumerate(value)]
    except RpcError as exc:  # production names the list: PROPERTY_VALUE_ERROR [a_targets] (sdk-dotnet)
        raise RpcError(exc.code, exc.message, property=path) from None
    return tuple(Target(t["number"], t["timeout"]) for t in checked)


def methods(api: Callr) -> list[Method]:
    state = api.state

    def call_json(c2c: ClickToCall) -> dict[str, Any]:
        app = state.apps.get(c2c.app)
        dids = [d for d in state.dids.values() if d.app == c2c.app]
        return {
            "a_status": status_json(c2c.a),
            "a_targets": [{"number": t.number, "timeout": t.timeout} for t in c2c.a_targets],
            "app": app_json(app, dids) if app else {},
            "b_status": status_json(c2c.b),
            "b_targets": [{"number": t.number, "timeout": t.timeout} for t in c2c.b_targets],
            "cdr_field": c2c.cdr_field,
            "cli": c2c.cli,
            "date_creation": datetime_text(c2c.created),
            "date_scheduled": datetime_text(c2c.scheduled),
            "date_started": datetime_text(c2c.started),
            "date_update": datetime_text(c2c.updated),
            "hash": c2c.hash,
        }

    def own(inv: Invocation, hash_: str) -> ClickToCall:
        c2c = state.clicktocalls.get(hash_)
        if c2c is None or c2c.login != inv.caller.account.login:
            raise not_found("call", hash_)  # sdk-dotnet tests: PROPERTY_VALUE_ERROR [call]
        return c2c

    def own_app(inv: Invocation, hash_: str) -> str:
        app = state.apps.get(hash_)
        if app is None or app.login != inv.caller.account.login:
            raise not_found("app", hash_)
        if app.package is not Package.CLICKTOCALL10:
            raise bad_app_type(app, Package.CLICKTOCALL10)
        return app.hash

    @method(
        "clicktocall/calls.start_2",
        Arg("app", Kind.STRING),
        Arg("a_targets", Kind.ARRAY, nullable=True),
        Arg("b_targets", Kind.ARRAY, nullable=True),
        Arg("options", Kind.OBJECT, nullable=True, optional=True),
    )
    def start(inv: Invocation, args: list[Any]) -> str:
        app = own_app(inv, args[0])
        a_targets, b_targets = targets(args[1], "a_targets"), targets(args[2], "b_targets")
        options = params.options(args[3], params.CLICKTOCALL_START_OPTIONS)
        api.billing.check(inv.caller.account.login)
        now = api.ctx.now()
        scheduled = now
        if options.get("schedule"):
            scheduled = max(now, params.datetime_value(options["schedule"], "options.schedule"))
        account = inv.caller.account
        c2c = ClickToCall(
            hash=api.new_hash(),
            login=account.login,
            app=app,
            a_targets=a_targets,
            b_targets=b_targets,
            cli=options.get("cli") or account.cli,
            cdr_field=options.get("cdr_field") or "",
            created=now,
            scheduled=scheduled,
            updated=now,
        )
        state.clicktocalls[c2c.hash] = c2c
        api.clicktocall.schedule(c2c)
        return c2c.hash

    @method("clicktocall/calls.get_status", Arg("hash", Kind.STRING))
    def get_status(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        return call_json(own(inv, args[0]))

    @method("clicktocall/calls.cancel", Arg("hash", Kind.STRING))
    def cancel(inv: Invocation, args: list[Any]) -> bool:
        """Only a call that has not started yet can be cancelled; it is then forgotten."""
        c2c = own(inv, args[0])
        if c2c.started is not None:
            raise invalid("hash", f"click-to-call {c2c.hash} has already started")
        api.clicktocall.cancel(c2c)
        del state.clicktocalls[c2c.hash]
        return True

    @method(
        "clicktocall/calls.get_list",
        Arg("app", Kind.STRING),
        Arg("from", Kind.STRING),
        Arg("to", Kind.STRING),
    )
    def get_list(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        """Calls of the app created between ``from`` and ``to`` (inclusive), oldest first."""
        app = own_app(inv, args[0])
        start, end = params.period(args[1], args[2])
        return [
            call_json(c)
            for c in state.clicktocalls.values()
            if c.app == app and start <= c.created.replace(microsecond=0) <= end
        ]

    return [start, get_status, cancel, get_list]
