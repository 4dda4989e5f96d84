"""Voice apps: ``apps.create/edit/get/delete/get_list/search`` (callr.md §4.4, seed "App")."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mockserver.providers.callr import params
from mockserver.providers.callr.errors import invalid, not_found
from mockserver.providers.callr.models import App, Did
from mockserver.providers.callr.params import Arg, Kind, Schema
from mockserver.providers.callr.render import app_json, search_results
from mockserver.providers.callr.rpc import Invocation, Method, method
from mockserver.providers.callr.vocabulary import Package

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

#: The params object each package takes (seed: REALTIME10, CLICKTOCALL10, CALLTRACKING10, ACTIONS10).
PACKAGE_PARAMS: dict[Package, Schema] = {
    Package.REALTIME10: params.REALTIME10,
    Package.CLICKTOCALL10: params.CLICKTOCALL10,
    Package.CALLTRACKING10: params.CALLTRACKING10,
    Package.ACTIONS10: params.ACTIONS10,
}
#: Packages whose params may be null (callr.md §5.3: click-to-call "params may be null").
NULLABLE_PARAMS = frozenset({Package.CLICKTOCALL10, Package.CALLTRACKING10})


def package_of(name: str) -> Package:
    try:
        return Package(name)
    except ValueError:
        choices = ", ".join(p.value for p in Package)
        raise invalid("package", f"unknown package {name!r} (use {choices})") from None


def check_params(package: Package, value: Any) -> dict[str, Any]:
    if value is None and package in NULLABLE_PARAMS:
        return {}
    checked = params.check_object(value, PACKAGE_PARAMS[package], "params")
    if package is Package.REALTIME10:
        checked.setdefault("data_format", "JSON")
    if package is Package.ACTIONS10:
        checked.setdefault("format", "YAML")
    return checked


def check_name(name: str) -> str:
    if not name.strip() or len(name) > 128:
        raise invalid("name", "name must be 1 to 128 characters")
    return name


def methods(api: Callr) -> list[Method]:
    state = api.state

    def dids(app: App) -> list[Did]:
        return [d for d in state.dids.values() if d.app == app.hash]

    def own(inv: Invocation, hash_: str) -> App:
        app = state.apps.get(hash_)
        if app is None or app.login != inv.caller.account.login:
            raise not_found("app", hash_)
        return app

    @method(
        "apps.create",
        Arg("package", Kind.STRING),
        Arg("name", Kind.STRING),
        Arg("params", Kind.OBJECT, nullable=True, optional=True),
    )
    def create(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        package = package_of(args[0])
        name = check_name(args[1])
        checked = check_params(package, args[2])
        now = api.ctx.now()
        app = App(api.new_hash(), inv.caller.account.login, package, name, checked, now, now)
        state.apps[app.hash] = app
        return app_json(app)

    @method(
        "apps.edit",
        Arg("hash", Kind.STRING),
        Arg("name", Kind.STRING, nullable=True),
        Arg("params", Kind.OBJECT, nullable=True, optional=True),
    )
    def edit(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        app = own(inv, args[0])
        name = app.name if args[1] is None else check_name(args[1])
        checked = app.params if args[2] is None else check_params(app.package, args[2])
        app = replace(app, name=name, params=checked, updated=api.ctx.now())
        state.apps[app.hash] = app
        return app_json(app, dids(app))

    @method("apps.get", Arg("hash", Kind.STRING))
    def get(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        app = own(inv, args[0])
        return app_json(app, dids(app))

    @method("apps.delete", Arg("hash", Kind.STRING))
    def delete(inv: Invocation, args: list[Any]) -> bool:
        """Deletes the app; its DIDs stay on the account, unassigned."""
        app = own(inv, args[0])
        for did in dids(app):
            state.dids[did.hash] = replace(did, app=None)  # still the account's: no did.unassigned
        del state.apps[app.hash]
        return True

    def listing(inv: Invocation) -> list[App]:
        return [a for a in state.apps.values() if a.login == inv.caller.account.login]

    @method("apps.get_list", Arg("with_dids", Kind.BOOL, nullable=True, optional=True))
    def get_list(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        return [app_json(a, dids(a) if args[0] else ()) for a in listing(inv)]

    @method(
        "apps.search",
        Arg("filters", Kind.OBJECT, nullable=True),
        Arg("options", Kind.OBJECT, nullable=True, optional=True),
    )
    def search(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        filters = params.options(args[0], params.APP_SEARCH_FILTERS, "filters")
        paging = params.options(args[1], params.SEARCH_OPTIONS)
        wanted = (filters.get("name") or "").lower()
        hits = [app_json(a, dids(a)) for a in listing(inv) if wanted in a.name.lower()]
        return search_results(hits, paging)

    @method("apps.get_authorized_clis", Arg("type", Kind.STRING))
    def get_authorized_clis(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        """Customer.CLI for ``CALL`` or ``SMS``: the account's own CLI, the one number CALLR has
        authorised on a mock account (mock's choice; its DIDs are allowed without being listed)."""
        if args[0] not in ("CALL", "SMS"):
            raise invalid("type", "type must be CALL or SMS")
        return [{"cli": inv.caller.account.cli, "comment": "", "label": "Account CLI"}]

    return [create, edit, get, delete, get_list, search, get_authorized_clis]
