"""Recordings (Media.Recording, ``media.recording.*`` events, ``media/recording.get/search``) and the
prepaid credit's events (``billing.credit``, ``_warning``, ``_shutdown``) and floor (INSUFFICIENT_CREDIT)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from mockserver.testing.receiver import CallbackReceiver
from tests.providers.callr.conftest import NOT_FOUND, RealTimeApp, Rpc, command

INSUFFICIENT_CREDIT = 101  # mock's code (docs/providers/callr.md)
ALL_DAY = ("2026-01-01 00:00:00", "2026-01-01 23:59:59")


def events(receiver: CallbackReceiver, path: str, count: int) -> list[dict[str, Any]]:
    """The pushed events' envelopes, in the order they happened."""
    pushed = [json.loads(r.body) for r in receiver.wait_for(count, path)]
    return sorted(pushed, key=lambda e: e["event_at"])


def test_record_and_call_recording_make_recordings_pushed_as_they_progress(
    rpc: Rpc,
    rt_app: RealTimeApp,
    realtime_app: str,
    receiver: CallbackReceiver,
    control: Any,
    account: dict[str, Any],
) -> None:
    def decide(rt: dict[str, Any]) -> dict[str, Any] | None:
        if rt["call_status"] != "UP":
            return None
        follows = {
            "": command("record", 1, max_duration=10),
            "record": command("start_call_recording", 2),
            "start_call_recording": command("wait", 3, wait=5),
        }
        return follows.get(rt["command"], command("hangup", 4))

    rt_app.run(decide)
    for kind in ("media.recording.new", "media.recording.status_update"):
        rpc("webhooks.subscribe", kind, receiver.url("/recordings"), None)
    rpc("calls.realtime", realtime_app, {"number": "+15550000007"}, None)  # long call: the app hangs up

    control.advance(60)

    pushed = events(receiver, "/recordings", 6)
    seen = [(e["type"], e["data"]["type"], e["data"]["status"], e["data"]["duration"]) for e in pushed]
    assert sorted(seen) == sorted(
        [
            ("media.recording.new", "RECORDING", "RECORDING", 0),  # answered at 6 s
            ("media.recording.status_update", "RECORDING", "PROCESSING", 10),  # record ends at 16 s
            ("media.recording.new", "CALL", "RECORDING", 0),  # 16 s
            ("media.recording.status_update", "RECORDING", "READY", 10),  # 18 s
            ("media.recording.status_update", "CALL", "PROCESSING", 5),  # the hangup at 21 s stops it
            ("media.recording.status_update", "CALL", "READY", 5),  # 23 s
        ]
    )
    found = rpc("media/recording.search", None, None)
    assert found["total_items"] == 2
    record, call = found["items"]
    callid = rpc("cdr.get", "OUT", *ALL_DAY)[0]["callid"]
    assert record == {
        "app_hash": realtime_app,
        "app_name": "controller",
        "callid": callid,
        "cli_name": "",
        "cli_number": account["cli"],
        "date": "2026-01-01 09:00:06",
        "date_read": "0000-00-00 00:00:00",
        "did_hash": "",
        "did_intl_number": "",
        "did_local_number": "",
        "duration": 10,
        "file_size_total": 160000,
        "hash": record["hash"],
        "options": {},
        "read": False,
        "status": "READY",
        "type": "RECORDING",
        "url": f"https://media.callr.com/recording/{record['hash']}",
        "url_exts": ["mp3"],
        "url_mp3": f"https://media.callr.com/recording/{record['hash']}.mp3",
    }
    assert (call["type"], call["date"], call["duration"]) == ("CALL", "2026-01-01 09:00:16", 5)
    assert rpc("media/recording.get", call["hash"]) == call
    assert [e["data"] for e in pushed if e["data"]["status"] == "READY" and e["data"]["type"] == "CALL"] == [
        call
    ]
    assert rpc("media/recording.search", {"type": "CALL"}, None)["items"] == [call]
    assert rpc("media/recording.search", {"duration_min": 6}, None)["items"] == [record]
    assert rpc("media/recording.search", {"date_from": "2026-01-01 09:00:10"}, None)["items"] == [call]
    assert rpc("media/recording.search", None, {"offset": 1, "quantity": 1}) == {
        "items": [call],
        "total_items": 2,
    }
    assert rpc.error("media/recording.get", "ZZZZZZZZ")["code"] == NOT_FOUND
    assert (
        rpc.error("media/recording.search", {"status": "GONE"}, None)["data"]["property"] == "filters.status"
    )


def test_a_record_cut_short_by_the_callee_keeps_what_was_recorded(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    rt_app.run(lambda rt: command("record", 1, max_duration=300) if rt["call_status"] == "UP" else None)
    rpc("calls.realtime", realtime_app, {"number": "+447700900123"}, None)  # the callee hangs up after 30 s

    control.advance(60)

    [recording] = rpc("media/recording.search", {"type": "RECORDING"}, None)["items"]
    assert (recording["status"], recording["duration"]) == ("READY", 30)


def test_every_debit_pushes_the_credit_and_a_call_costs_its_cdr(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, receiver: CallbackReceiver, control: Any
) -> None:
    rt_app.run(lambda rt: command("wait", 1, wait=30) if rt["command"] == "" else None)
    rpc("webhooks.subscribe", "billing.credit", receiver.url("/credit"), None)
    rpc("calls.realtime", realtime_app, {"number": "+447700900123"}, None)

    control.advance(60)

    [event] = events(receiver, "/credit", 1)
    cdr = rpc("cdr.get", "OUT", *ALL_DAY)[0]
    assert event["type"] == "billing.credit"
    assert event["event_at"] == "2026-01-01T09:00:37.000Z"
    assert event["data"] == {
        "balance": rpc("billing.get_prepaid_credit"),
        "currency_code": "EUR",
        "last_transaction_amount": "-" + cdr["billing_customer_debit_eur"],
        "shutdown_limit": "0.00",
        "warning_limit": "100.00",
    }


def low_credit_account(http: httpx.Client, control: Any, credit: str) -> Rpc:
    made = control.http.post("/_mock/credentials/callr", json={"credit": credit})
    assert made.status_code == 201, made.text
    return Rpc(http, made.json()["login"], made.json()["password"])


def test_falling_under_the_limits_warns_then_shuts_the_account_down(
    http: httpx.Client, control: Any, receiver: CallbackReceiver, rt_app: RealTimeApp
) -> None:
    rpc = low_credit_account(http, control, "150.00")
    for kind in ("billing.credit", "billing.credit_warning", "billing.credit_shutdown"):
        rpc("webhooks.subscribe", kind, receiver.url(f"/{kind}"), None)
    app = rpc("apps.create", "REALTIME10", "low", {"url": rt_app.url})["hash"]
    order = rpc("did/store.reserve", 1, "CLASSIC", 1, "RANDOM")

    rpc("did/store.buy_order", order["token"])  # 100.00: 150.00 → 50.00
    rpc("sms.send", "SMS", "+447700900123", "hello", None)  # 6.50: → 43.50
    order = rpc("did/store.reserve", 1, "CLASSIC", 1, "RANDOM")
    rpc("did/store.buy_order", order["token"])  # → -56.50

    # The three debits share one event_at and the receiver may get them in any order (several
    # deliveries to one origin are in flight at once), so they are put back in order by balance.
    balances = [e["data"]["balance"] for e in events(receiver, "/billing.credit", 3)]
    assert sorted(balances, key=float, reverse=True) == ["50.00", "43.50", "-56.50"]
    [warning] = events(receiver, "/billing.credit_warning", 1)
    assert warning["data"]["balance"] == "50.00"
    [shutdown] = events(receiver, "/billing.credit_shutdown", 1)
    assert (shutdown["data"]["balance"], shutdown["data"]["last_transaction_amount"]) == ("-56.50", "-100.00")
    refused = [
        rpc.error("calls.realtime", app, {"number": "+447700900123"}, None),
        rpc.error("sms.send", "SMS", "+447700900123", "hello", None),
        rpc.error("calls.broadcast_1", {"number": "+447700900123"}, ["TTS|TTS_EN-GB_SERENA|hi"], None),
    ]
    assert {(e["code"], e["message"]) for e in refused} == {(INSUFFICIENT_CREDIT, "INSUFFICIENT_CREDIT")}
    assert control.calls() == []


def test_a_refused_sms_gives_its_price_back(
    http: httpx.Client, control: Any, receiver: CallbackReceiver
) -> None:
    rpc = low_credit_account(http, control, "10.00")
    rpc("webhooks.subscribe", "billing.credit", receiver.url("/credit"), None)
    rpc("sms.send", "SMS", "+15550000003", "hello", None)  # the rejected scenario: ERROR at 1 s

    control.advance(2)

    amounts = [e["data"]["last_transaction_amount"] for e in events(receiver, "/credit", 2)]
    assert amounts == ["-6.50", "6.50"]
    assert rpc("billing.get_prepaid_credit") == "10.00"


def test_an_account_credit_must_be_an_amount(control: Any) -> None:
    for bad in ("ten", -1, True, "NaN"):
        response = control.http.post("/_mock/credentials/callr", json={"credit": bad})
        assert response.status_code == 400, (bad, response.text)


def test_a_recording_still_processing_gets_ready_after_a_snapshot_is_restored(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    rt_app.run(lambda rt: command("record", 1, max_duration=10) if rt["command"] == "" else None)
    rpc("calls.realtime", realtime_app, {"number": "+15550000007"}, None)
    control.advance(6 + 10 + 1)  # answered at 6 s, recorded 10 s: PROCESSING until 18 s
    [processing] = rpc("media/recording.search", None, None)["items"]
    snapshot = control.http.post("/_mock/snapshot").json()

    control.http.post("/_mock/reset")
    assert control.http.post("/_mock/restore", json=snapshot).status_code == 200
    assert rpc("media/recording.get", processing["hash"]) == processing
    control.advance(2)

    assert processing["status"] == "PROCESSING"
    assert rpc("media/recording.get", processing["hash"])["status"] == "READY"
