"""CDRs: every finished call writes a CDR.Out (seed fields, dates YYYY-MM-DD HH:MM:SS UTC); cdr.get."""

from __future__ import annotations

from typing import Any

from tests.providers.callr.conftest import RealTimeApp, Rpc, command

DAY = ("2026-01-01 00:00:00", "2026-01-01 23:59:59")
CDR_OUT_FIELDS = {
    "answer", "billing_customer_cost_label", "billing_customer_credit_eur", "billing_customer_debit_eur",
    "callid", "callid_in", "cli_name", "cli_number", "cli_pres", "customer_field", "dialstatus", "duration",
    "duration_answered", "duration_billed", "hangup", "hangupcause", "hangupsource", "number",
    "number_country_code", "number_type", "package_name", "scenario_hash", "scenario_name", "start",
}  # fmt: skip


def test_an_answered_call_writes_a_cdr_out(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any, account: dict[str, Any]
) -> None:
    rt_app.run(lambda rt: command("wait", wait=30))
    rpc("calls.realtime", realtime_app, {"number": "+33612345678", "timeout": 30}, {"cdr_field": "abc"})

    control.advance(60)  # answered at 7 s, the callee hangs up at 37 s

    [cdr] = rpc("cdr.get", "OUT", *DAY)
    assert set(cdr) == CDR_OUT_FIELDS
    assert cdr["start"] == "2026-01-01 09:00:00"
    assert (cdr["answer"], cdr["hangup"]) == ("2026-01-01 09:00:07", "2026-01-01 09:00:37")
    assert (cdr["duration"], cdr["duration_answered"], cdr["duration_billed"]) == (37, 30, 30)
    assert (cdr["dialstatus"], cdr["hangupcause"], cdr["hangupsource"]) == ("ANSWER", 16, "CALLEE")
    assert (cdr["number"], cdr["number_country_code"], cdr["number_type"]) == ("+33612345678", "FR", "MOBILE")
    assert cdr["billing_customer_debit_eur"] == "0.49"  # 30 s at 0.0098 per minute, in cents
    assert cdr["billing_customer_credit_eur"] == "0.00"
    assert (cdr["cli_number"], cdr["cli_pres"]) == (account["cli"], "allowed_passed_screen")
    assert (cdr["package_name"], cdr["scenario_hash"], cdr["scenario_name"]) == (
        "REALTIME10",
        realtime_app,
        "controller",
    )
    assert cdr["customer_field"] == "abc"
    assert rpc("billing.get_prepaid_credit") == "999.51"


def test_unanswered_calls_say_why_in_dialstatus_and_hangupcause(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    for number in ("+15550000001", "+15550000002", "+15550000003", "+15550000004"):
        rpc("calls.realtime", realtime_app, {"number": number, "timeout": 20}, None)

    control.advance(60)

    cdrs = rpc("cdr.get", "OUT", *DAY)
    assert [(c["dialstatus"], c["hangupcause"]) for c in cdrs] == [
        ("BUSY", 17),
        ("NOANSWER", 19),
        ("CONGESTION", 21),
        ("CHANUNAVAIL", 38),
    ]
    assert {c["answer"] for c in cdrs} == {"0000-00-00 00:00:00"}
    assert cdrs[1]["hangupsource"] == "GATEWAY"  # the ring timeout
    assert cdrs[1]["duration"] == 20


def test_cdr_get_filters_by_dates_type_and_app(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    rt_app.run(lambda rt: command("hangup"))
    rpc("calls.realtime", realtime_app, {"number": "+15550000001"}, None)
    control.advance(3600)
    rpc("calls.realtime", realtime_app, {"number": "+15550000001"}, None)
    control.advance(60)

    assert len(rpc("cdr.get", "OUT", "2026-01-01 10:00:00", "2026-01-01 10:00:00")) == 1
    assert len(rpc("cdr.get", "OUT", *DAY, realtime_app)) == 2
    assert rpc.error("cdr.get", "OUT", *DAY, "ZZZZZZZZ")["message"] == "PROPERTY_VALUE_ERROR [app]"
    assert rpc("cdr.get", "IN", *DAY) == []
    assert rpc.error("cdr.get", "OUT", "yesterday", DAY[1])["data"]["property"] == "from"
    assert rpc.error("cdr.get", "BOTH", *DAY)["data"]["property"] == "type"
