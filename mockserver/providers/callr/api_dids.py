"""Numbers: the DID store (``did/areacode.*``, ``did/store.*``: quote → reserve → buy) and assigning a
DID to an app (``apps.assign_did/remove_did/get_dids``), callr.md §4.4 and §4.7, seed "DID*".

A reservation holds its numbers until ``expire`` on the mock's clock (checked whenever it is used, so a
restored snapshot expires on time too).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mockserver.providers.callr import params, store
from mockserver.providers.callr.cdr import cents
from mockserver.providers.callr.errors import Code, RpcError, invalid, not_found
from mockserver.providers.callr.models import App, Charge, Did, Reservation
from mockserver.providers.callr.params import Arg, Kind
from mockserver.providers.callr.render import datetime_text, did_json, search_results, store_item_json
from mockserver.providers.callr.rpc import Invocation, Method, method
from mockserver.providers.callr.vocabulary import PACKAGE_TYPE

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

TOKEN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def cost_json(klass: str, quantity: int) -> dict[str, Any]:
    """DID.Store.Cost (every DID is paid for: no free DIDs in a mock contract)."""
    unit = store.MONTHLY_PRICE[klass]
    total = unit * quantity
    return {
        "amount_per_month": cents(total),
        "amount_prepaid_debit": cents(total),
        "amount_unit": cents(unit),
        "discount_percent": 0,
        "quantity": quantity,
        "quantity_paying": quantity,
    }


def contract_json(now: datetime) -> dict[str, Any]:
    """DID.Store.Contract: prepaid, one month (mock's choice)."""
    end = now.replace(year=now.year + 1, month=1) if now.month == 12 else now.replace(month=now.month + 1)
    return {
        "billing_mode": "PREPAID",
        "duration_month": store.CONTRACT_MONTHS,
        "end_date": datetime_text(end),
    }


def methods(api: Callr) -> list[Method]:
    state = api.state
    ids = api.ctx.ids

    # -- stock -----------------------------------------------------------------------------------
    def live_reservations() -> list[Reservation]:
        now = api.ctx.now()
        return [r for r in state.reservations.values() if r.expire > now]

    def taken(area_id: int, klass: str) -> int:
        bought = sum(1 for d in state.dids.values() if d.area_code_id == area_id and d.klass == klass)
        held = sum(len(r.items) for r in live_reservations() if (r.area_code_id, r.klass) == (area_id, klass))
        return bought + held

    def available(area_id: int) -> dict[str, int]:
        return {k: store.STOCK[k] - taken(area_id, k) for k in store.CLASSES}

    def availability(codes: list[store.AreaCode]) -> dict[str, int]:
        counts = [available(c.id) for c in codes]
        return {k: sum(c[k] for c in counts) for k in store.CLASSES}

    def country(code: str) -> list[store.AreaCode]:
        codes = [a for a in store.AREA_CODES if a.country_code == code.upper()]
        if not codes:
            raise invalid("country_code", f"no DIDs for country {code!r} (the mock sells FR, GB, US)")
        return codes

    def area(area_id: int) -> store.AreaCode:
        code = store.area_code(area_id)
        if code is None:
            raise not_found("area_code_id", area_id)
        return code

    def klass_of(value: str) -> str:
        if value not in store.CLASSES:
            raise invalid("class", "class must be CLASSIC or GOLD")
        return value

    def quantity_of(value: int) -> int:
        if not 1 <= value <= store.MAX_QUANTITY:
            raise invalid("quantity", f"quantity must be between 1 and {store.MAX_QUANTITY}")
        return value

    def numbers_in_use() -> set[str]:
        held = {d.intl_number for r in live_reservations() for d in r.items}
        return held | {d.intl_number for d in state.dids.values()}

    def make_up(code: store.AreaCode, klass: str, login: str, also: set[str]) -> Did:
        used = numbers_in_use() | also
        while True:
            intl, local, formatted = store.national(code, ids.token(store.rest_length(code), "0123456789"))
            if intl not in used:
                break
        return Did(
            api.new_hash(), login, intl, local, formatted, code.country_code, code.type, klass, code.id
        )

    # -- area codes ------------------------------------------------------------------------------
    @method("did/areacode.countries")
    def countries(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        return [
            {"available": availability(country(code)), "code": code, "label": label}
            for code, label in store.COUNTRY_LABELS.items()
        ]

    @method(
        "did/areacode.get_list",
        Arg("country_code", Kind.STRING),
        Arg("type", Kind.STRING, nullable=True, optional=True),
    )
    def get_list(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        codes = country(args[0])
        if args[1] is not None and args[1] not in store.DID_TYPES:
            raise invalid("type", f"type must be one of {', '.join(store.DID_TYPES)}")
        return [
            {
                "available": available(c.id),
                "country_code": c.country_code,
                "id": c.id,
                "intl_prefix": c.intl_prefix,
                "label": c.label,
                "local_prefix": c.local_prefix,
                "type": c.type,
            }
            for c in codes
            if args[1] in (None, c.type)
        ]

    @method("did/areacode.types", Arg("country_code", Kind.STRING))
    def types(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        codes = country(args[0])
        kinds = sorted({c.type for c in codes})
        return [
            {
                "available": availability([c for c in codes if c.type == kind]),
                "code": kind,
                "label": store.DID_TYPES[kind],
            }
            for kind in kinds
        ]

    # -- quote → reserve → buy -------------------------------------------------------------------
    @method(
        "did/store.get_quote",
        Arg("area_code_id", Kind.INT),
        Arg("class", Kind.STRING),
        Arg("quantity", Kind.INT),
    )
    def get_quote(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        code, klass, quantity = area(args[0]), klass_of(args[1]), quantity_of(args[2])
        return {
            "available": min(quantity, max(0, available(code.id)[klass])),
            "contract": contract_json(api.ctx.now()),
            "cost": cost_json(klass, quantity),
        }

    def reservation_json(reservation: Reservation) -> dict[str, Any]:
        return {
            "contract": contract_json(reservation.created),
            "cost": cost_json(reservation.klass, len(reservation.items)),
            "expire": datetime_text(reservation.expire),
            "items": [store_item_json(d) for d in reservation.items],
            "token": reservation.token,
        }

    @method(
        "did/store.reserve",
        Arg("area_code_id", Kind.INT),
        Arg("class", Kind.STRING),
        Arg("quantity", Kind.INT),
        Arg("mode", Kind.STRING),
    )
    def reserve(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        code, klass, quantity = area(args[0]), klass_of(args[1]), quantity_of(args[2])
        if args[3] not in store.MODES:
            raise invalid("mode", "mode must be RANDOM")
        left = available(code.id)[klass]
        if quantity > left:
            raise invalid("quantity", f"only {max(left, 0)} {klass} numbers left in {code.label}")
        login = inv.caller.account.login
        items: list[Did] = []
        for _ in range(quantity):
            items.append(make_up(code, klass, login, {d.intl_number for d in items}))
        now = api.ctx.now()
        reservation = Reservation(
            ids.token(40, TOKEN_ALPHABET),
            login,
            code.id,
            klass,
            tuple(items),
            now,
            now + store.RESERVATION_TTL,
        )
        state.reservations[reservation.token] = reservation
        return reservation_json(reservation)

    def order(inv: Invocation, token: str) -> Reservation:
        reservation = state.reservations.get(token)
        if reservation is None or reservation.login != inv.caller.account.login:
            raise not_found("token", token)
        if reservation.expire <= api.ctx.now():
            del state.reservations[token]
            raise invalid("token", f"the reservation expired at {datetime_text(reservation.expire)}")
        return reservation

    @method("did/store.view_order", Arg("token", Kind.STRING))
    def view_order(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        return reservation_json(order(inv, args[0]))

    @method("did/store.buy_order", Arg("token", Kind.STRING))
    def buy_order(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        reservation = order(inv, args[0])
        del state.reservations[reservation.token]
        for did in reservation.items:
            state.dids[did.hash] = did
            # D-WH: "did.assigned: A DID was assigned to your account" — buying it, not routing it.
            api.webhooks.emit(did.login, "did.assigned", did_json(did))
        cost = cost_json(reservation.klass, len(reservation.items))
        debit = Decimal(cost["amount_prepaid_debit"])
        with api.billing.transaction(reservation.login):
            state.charges.append(Charge(reservation.login, debit, api.ctx.now(), "did/store.buy_order"))
        return {
            "contract": contract_json(api.ctx.now()),
            "cost": cost,
            "errors": [],
            "success": [store_item_json(d) for d in reservation.items],
        }

    @method("did/store.cancel_order", Arg("token", Kind.STRING))
    def cancel_order(inv: Invocation, args: list[Any]) -> bool:
        del state.reservations[order(inv, args[0]).token]
        return True

    def own_did(inv: Invocation, hash_: str) -> Did:
        did = state.dids.get(hash_)
        if did is None or did.login != inv.caller.account.login:
            raise not_found("did", hash_)
        return did

    @method("did/store.cancel_subscription", Arg("did", Kind.STRING))
    def cancel_subscription(inv: Invocation, args: list[Any]) -> bool:
        did = own_did(inv, args[0])
        del state.dids[did.hash]
        # D-WH: "did.unassigned: A DID was removed from your account"; the DID as it stood (mock's choice)
        api.webhooks.emit(did.login, "did.unassigned", did_json(did))
        return True

    @method("did/store.get_quota_status")
    def get_quota_status(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        login = inv.caller.account.login
        mine = [d for d in state.dids.values() if d.login == login]
        return {
            "assigned_count": sum(1 for d in mine if d.app is not None),
            "assigned_max": -1,
            "quota_current_count": len(mine),
            "quota_current_remaining": max(0, store.QUOTA_MAX_OVER_PERIOD - len(mine)),
            "quota_max_over_period": store.QUOTA_MAX_OVER_PERIOD,
            "quota_period_days": store.QUOTA_PERIOD_DAYS,
        }

    # -- apps and their numbers ------------------------------------------------------------------
    def own_app(inv: Invocation, hash_: str) -> App:
        app = state.apps.get(hash_)
        if app is None or app.login != inv.caller.account.login:
            raise not_found("app", hash_)
        return app

    @method("apps.assign_did", Arg("app", Kind.STRING), Arg("did", Kind.STRING))
    def assign_did(inv: Invocation, args: list[Any]) -> bool:
        app, did = own_app(inv, args[0]), own_did(inv, args[1])
        if not PACKAGE_TYPE[app.package][1]:
            raise RpcError(
                Code.APP_CANNOT_HAVE_DID, f"a {app.package} app cannot be assigned a DID", property="app"
            )
        # Routing a number to an app is not "assigned to your account" (D-WH): no webhook.
        state.dids[did.hash] = replace(did, app=app.hash)
        return True

    @method("apps.remove_did", Arg("did", Kind.STRING))
    def remove_did(inv: Invocation, args: list[Any]) -> bool:
        did = own_did(inv, args[0])
        state.dids[did.hash] = replace(did, app=None)  # the number stays on the account: no webhook
        return True

    @method("apps.get_dids", Arg("only_available", Kind.BOOL, nullable=True, optional=True))
    def get_dids(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        login = inv.caller.account.login
        return [
            did_json(d)
            for d in state.dids.values()
            if d.login == login and not (args[0] and d.app is not None)
        ]

    @method(
        "did.search",
        Arg("filters", Kind.OBJECT, nullable=True),
        Arg("options", Kind.OBJECT, nullable=True, optional=True),
    )
    def search(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        """Search.Results of the account's DIDs; ``KEYWORDS`` is matched against the number's digits
        (international or national, mock's choice), the other filters exactly."""
        filters = params.options(args[0], params.DID_SEARCH_FILTERS, "filters")
        paging = params.options(args[1], params.SEARCH_OPTIONS)
        keywords = "".join(c for c in filters.get("KEYWORDS") or "" if c.isdigit())
        login = inv.caller.account.login
        hits = [
            did_json(d)
            for d in state.dids.values()
            if d.login == login
            and filters.get("class") in (None, d.klass)
            and filters.get("hash") in (None, d.hash)
            and filters.get("type") in (None, d.type)
            and (keywords in d.intl_number or keywords in d.local_number)
        ]
        return search_results(hits, paging)

    return [
        search,
        countries,
        get_list,
        types,
        get_quote,
        reserve,
        view_order,
        buy_order,
        cancel_order,
        cancel_subscription,
        get_quota_status,
        assign_did,
        remove_did,
        get_dids,
    ]
