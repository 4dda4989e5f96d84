"""Snapshots: POST /_mock/snapshot, /_mock/reset, POST /_mock/restore → every CALLR read answers the same,
and what runs on CALLR's own timers (SMS delivery, TTS processing, scheduled click-to-call) goes on."""

from __future__ import annotations

from typing import Any

from tests.providers.callr.conftest import Rpc

DAY = ("2026-01-01 00:00:00", "2026-01-01 23:59:59")


def reads(rpc: Rpc, refs: dict[str, Any]) -> dict[str, Any]:
    return {
        "apps": rpc("apps.get_list", True),
        "dids": rpc("apps.get_dids", False),
        "cdr": rpc("cdr.get", "OUT", *DAY),
        "credit": rpc("billing.get_prepaid_credit"),
        "hooks": rpc("webhooks.get_list"),
        "keys": rpc("api-key.all"),
        "order": rpc("did/store.view_order", refs["order"]),
        "c2c": rpc("clicktocall/calls.get_status", refs["c2c"]),
        "sms": rpc("sms.get", refs["sms"]),
        "media": rpc("media/library.get", refs["media"]),
        "broadcast": rpc("calls.get_status_1", refs["broadcast"]),
    }


def test_a_restored_snapshot_answers_every_read_the_same(rpc: Rpc, control: Any) -> None:
    rt = rpc("apps.create", "REALTIME10", "line", {"url": "https://example.com/rt"})["hash"]
    c2c_app = rpc("apps.create", "CLICKTOCALL10", "callback", None)["hash"]
    bought = rpc("did/store.buy_order", rpc("did/store.reserve", 1, "CLASSIC", 1, "RANDOM")["token"])
    rpc("apps.assign_did", rt, bought["success"][0]["hash"])
    rpc("webhooks.subscribe", "sms.mo", "https://example.com/hooks", {"hmac_secret": "0123456789"})
    key = rpc("api-key.create", "ci")
    refs = {
        "order": rpc("did/store.reserve", 5, "GOLD", 1, "RANDOM")["token"],
        "broadcast": rpc("calls.broadcast_1", {"number": "+447700900123"}, ["TTS|TTS_EN-GB_SERENA|Hi"]),
        "c2c": rpc(
            "clicktocall/calls.start_2",
            c2c_app,
            [{"number": "+447700900123"}],
            [{"number": "+33612345678"}],
            {"schedule": "2026-01-01 09:10:00"},
        ),
        "sms": rpc("sms.send", "SMS", "+33612345678", "hello", None),
        "media": rpc("media/library.create", "welcome"),
    }
    rpc("media/tts.set_content", refs["media"], "Welcome", "TTS_EN-GB_SERENA")
    control.advance(40)  # the broadcast is over, the SMS received; the click-to-call still waits
    rpc("sms.send", "SMS", "+33612345678", "second", None)
    rpc("media/tts.set_content", refs["media"], "Welcome back", "TTS_FR-FR_AUDREY")
    before = reads(rpc, refs)

    snapshot = control.http.post("/_mock/snapshot").json()
    control.http.post("/_mock/reset")
    assert rpc("apps.get_list", True) == []
    restored = control.http.post("/_mock/restore", json=snapshot)

    assert restored.status_code == 200, restored.text
    assert reads(rpc, refs) == before
    assert rpc("system.get_timestamp", auth=None, headers={"Authorization": f"Api-Key {key['token']}"})
    control.advance(600)
    second = rpc("sms.get_list", "OUT", *DAY)[1]
    assert second["status"] == "RECEIVED"
    assert rpc("media/library.get", refs["media"])["status"] == "READY"
    assert rpc("clicktocall/calls.get_status", refs["c2c"])["date_started"] == "2026-01-01 09:10:00"
    # ids go on where they were: a new object does not reuse a restored one's id
    assert rpc("media/library.create", "next") == refs["media"] + 1


def test_a_broken_callr_part_is_refused(control: Any) -> None:
    snapshot = control.http.post("/_mock/snapshot").json()
    snapshot["providers"]["callr"]["apps"] = {"X": {"$": "NoSuchThing"}}

    assert control.http.post("/_mock/restore", json=snapshot).status_code == 400
