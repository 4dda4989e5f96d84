"""Numbers: the DID store (quote → reserve → buy, tokens expiring on the mock clock), assigning a DID to
an app, and inbound calls on it (POST /_mock/inbound): INCOMING_CALL, CDR.In, call.inbound_* webhooks."""

from __future__ import annotations

import json
import re
from typing import Any

from mockserver.testing.receiver import CallbackReceiver
from tests.providers.callr.conftest import INVALID_VALUE, NOT_FOUND, RealTimeApp, Rpc, command

PARIS = 1  # area code ids of the mock's catalogue (docs/providers/callr.md)
LONDON = 5


def buy(rpc: Rpc, area: int = PARIS, quantity: int = 1) -> list[dict[str, Any]]:
    order = rpc("did/store.reserve", area, "CLASSIC", quantity, "RANDOM")
    return list(rpc("did/store.buy_order", order["token"])["success"])


def test_the_store_lists_countries_area_codes_and_types(rpc: Rpc) -> None:
    countries = rpc("did/areacode.countries")
    paris = rpc("did/areacode.get_list", "FR", None)[0]

    assert [c["code"] for c in countries] == ["FR", "GB", "US"]
    assert countries[0]["available"] == {"CLASSIC": 400, "GOLD": 20}
    assert paris == {
        "available": {"CLASSIC": 100, "GOLD": 5},
        "country_code": "FR",
        "id": PARIS,
        "intl_prefix": "+331",
        "label": "Paris",
        "local_prefix": "01",
        "type": "GEOGRAPHIC",
    }
    assert [t["code"] for t in rpc("did/areacode.types", "FR")] == ["GEOGRAPHIC", "MOBILE", "TOLLFREE"]
    assert [a["label"] for a in rpc("did/areacode.get_list", "FR", "MOBILE")] == ["Mobile"]


def test_quote_reserve_and_buy_give_the_account_a_number(rpc: Rpc) -> None:
    quote = rpc("did/store.get_quote", PARIS, "CLASSIC", 2)
    order = rpc("did/store.reserve", PARIS, "CLASSIC", 2, "RANDOM")
    bought = rpc("did/store.buy_order", order["token"])

    assert quote["available"] == 2
    assert quote["cost"] == {
        "amount_per_month": "200.00",
        "amount_prepaid_debit": "200.00",
        "amount_unit": "100.00",
        "discount_percent": 0,
        "quantity": 2,
        "quantity_paying": 2,
    }
    assert re.fullmatch(r"[0-9A-Za-z]{40}", order["token"])
    assert order["expire"] == "2026-01-01 09:30:00"
    assert [i["intl_number"][:4] for i in order["items"]] == ["+331", "+331"]
    assert bought["success"] == order["items"]
    assert bought["errors"] == []
    dids = rpc("apps.get_dids", False)
    assert [d["hash"] for d in dids] == [i["hash"] for i in order["items"]]
    assert dids[0]["app"] is None
    assert dids[0]["local_number"] == "0" + dids[0]["intl_number"][3:]
    assert rpc("billing.get_prepaid_credit") == "800.00"
    assert rpc("did/store.get_quota_status")["quota_current_count"] == 2


def test_a_reservation_expires_on_the_mock_clock(rpc: Rpc, control: Any) -> None:
    order = rpc("did/store.reserve", LONDON, "GOLD", 5, "RANDOM")
    assert rpc("did/store.get_quote", LONDON, "GOLD", 1)["available"] == 0

    control.advance(30 * 60)

    assert rpc.error("did/store.buy_order", order["token"])["code"] == INVALID_VALUE
    assert rpc("did/store.get_quote", LONDON, "GOLD", 1)["available"] == 1
    assert rpc.error("did/store.view_order", order["token"])["code"] == NOT_FOUND


def test_a_cancelled_order_cannot_be_bought(rpc: Rpc) -> None:
    order = rpc("did/store.reserve", PARIS, "CLASSIC", 1, "RANDOM")

    assert rpc("did/store.view_order", order["token"]) == order
    assert rpc("did/store.cancel_order", order["token"]) is True
    assert rpc.error("did/store.buy_order", order["token"])["code"] == NOT_FOUND


def test_a_did_is_assigned_to_an_app_and_removed(rpc: Rpc) -> None:
    app = rpc("apps.create", "REALTIME10", "line", {"url": "https://example.com/rt"})["hash"]
    did = buy(rpc)[0]

    assert rpc("apps.assign_did", app, did["hash"]) is True
    assert [d["hash"] for d in rpc("apps.get", app)["did"]] == [did["hash"]]
    assert rpc("apps.get_dids", True) == []
    assert rpc("apps.remove_did", did["hash"]) is True
    assert rpc("apps.get", app)["did"] == []
    assert [d["hash"] for d in rpc("apps.get_dids", True)] == [did["hash"]]


def test_a_click_to_call_app_cannot_take_a_did(rpc: Rpc) -> None:
    app = rpc("apps.create", "CLICKTOCALL10", "c2c", None)["hash"]
    did = buy(rpc)[0]

    assert rpc.error("apps.assign_did", app, did["hash"])["code"] == 205


def test_store_params_are_checked(rpc: Rpc) -> None:
    assert rpc.error("did/store.reserve", 999, "CLASSIC", 1, "RANDOM")["code"] == NOT_FOUND
    assert rpc.error("did/store.reserve", PARIS, "SILVER", 1, "RANDOM")["data"]["property"] == "class"
    assert rpc.error("did/store.reserve", PARIS, "CLASSIC", 0, "RANDOM")["data"]["property"] == "quantity"
    assert rpc.error("did/store.reserve", PARIS, "CLASSIC", 1, "FIRST")["data"]["property"] == "mode"
    assert rpc.error("did/areacode.get_list", "ZZ", None)["data"]["property"] == "country_code"
    assert rpc.error("apps.assign_did", "ZZZZZZZZ", "ZZZZZZZZ")["code"] == NOT_FOUND


# -- inbound calls ---------------------------------------------------------------------------------
def inbound(control: Any, to: str, **extra: Any) -> Any:
    return control.http.post(
        "/_mock/inbound", json={"provider": "callr", "from": "+33612345678", "to": to, **extra}
    )


def test_an_inbound_call_starts_the_realtime_app_with_incoming_call(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, receiver: CallbackReceiver, control: Any
) -> None:
    rt_app.run(lambda rt: command("hangup", 1) if rt["call_status"] == "INCOMING_CALL" else None)
    for kind in ("call.inbound_start", "call.inbound_hangup"):
        rpc("webhooks.subscribe", kind, receiver.url("/hooks"), None)
    did = buy(rpc)[0]
    rpc("apps.assign_did", realtime_app, did["hash"])

    started = inbound(control, did["intl_number"])
    control.advance(30)

    assert started.status_code == 201, started.text
    assert (started.json()["direction"], started.json()["to"]) == ("inbound", did["intl_number"])
    first, final = rt_app.requests()
    assert (first["call_status"], first["command"], first["request_hash"]) == ("INCOMING_CALL", "", None)
    assert (first["number"], first["cli_number"], first["app"]) == (
        did["intl_number"],
        "+33612345678",
        realtime_app,
    )
    assert (final["call_status"], final["command"]) == ("HANGUP", "hangup")
    cdr = rpc("cdr.get", "IN", "2026-01-01 00:00:00", "2026-01-01 23:59:59", None, did["hash"])[0]
    assert (cdr["did_hash"], cdr["did_intl_number"], cdr["cli_number"]) == (
        did["hash"],
        did["intl_number"],
        "+33612345678",
    )
    assert (cdr["cli_country_code"], cdr["cli_number_type"], cdr["hangupsource"]) == (
        "FR",
        "MOBILE",
        "CALLEE",
    )
    assert (cdr["answer"], cdr["hangup"], cdr["hangupcause"]) == (
        "2026-01-01 09:00:07",
        "2026-01-01 09:00:07",
        16,
    )
    assert "dialstatus" not in cdr
    assert rpc("cdr.get", "OUT", "2026-01-01 00:00:00", "2026-01-01 23:59:59") == []
    receiver.wait_for(2, "/hooks")
    kinds = sorted(json.loads(r.body)["type"] for r in receiver.requests("/hooks"))
    assert kinds == ["call.inbound_hangup", "call.inbound_start"]  # same instant: any order


def test_an_unknown_number_is_404_and_an_unassigned_did_409(rpc: Rpc, control: Any) -> None:
    did = buy(rpc)[0]

    assert inbound(control, "+33100000000").status_code == 404
    assert inbound(control, did["intl_number"]).status_code == 409


def test_did_search_filters_the_account_numbers(rpc: Rpc) -> None:
    paris = buy(rpc, PARIS, 2)
    london = buy(rpc, LONDON)
    digits = london[0]["intl_number"][-6:]

    everything = rpc("did.search", None, None)
    by_keywords = rpc("did.search", {"KEYWORDS": digits}, None)

    assert (everything["total"], everything["has_more"], everything["offset"]) == (3, False, 0)
    assert [d["intl_number"] for d in everything["hits"]] == [d["intl_number"] for d in [*paris, *london]]
    assert [d["hash"] for d in by_keywords["hits"]] == [london[0]["hash"]]
    assert rpc("did.search", {"hash": paris[1]["hash"], "class": "CLASSIC"}, None)["total"] == 1
    assert rpc("did.search", {"class": "GOLD"}, None)["hits"] == []
    assert rpc("did.search", {"type": "TOLLFREE"}, None)["total"] == 0
    page = rpc("did.search", {"type": "GEOGRAPHIC"}, {"offset": 1, "quantity": 1})
    assert (page["total"], page["has_more"], len(page["hits"])) == (3, True, 1)
    assert rpc.error("did.search", {"type": "SATELLITE"}, None)["data"]["property"] == "filters.type"
    assert rpc.error("did.search", {"colour": "red"}, None)["code"] == INVALID_VALUE


def test_authorized_clis_are_the_account_cli(rpc: Rpc, account: dict[str, Any]) -> None:
    expected = [{"cli": account["cli"], "comment": "", "label": "Account CLI"}]

    assert rpc("apps.get_authorized_clis", "CALL") == expected
    assert rpc("apps.get_authorized_clis", "SMS") == expected
    assert rpc.error("apps.get_authorized_clis", "FAX")["data"]["property"] == "type"
