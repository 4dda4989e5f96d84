"""Broadcast calls (calls.broadcast_1 + calls.get_status_1), SMS (sms.send/get/get_list with part counting,
sender rules and the DLR lifecycle), the media library and reference lists."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockserver.testing.receiver import CallbackReceiver
from tests.providers.callr.conftest import INVALID_VALUE, NOT_FOUND, Rpc

ANSWERED = "+447700900123"  # answered at 7 s
MOBILE = "+33612345678"
DAY = ("2026-01-01 00:00:00", "2026-01-01 23:59:59")


# -- broadcast -------------------------------------------------------------------------------------
def test_a_broadcast_plays_its_messages_in_a_loop_then_hangs_up(rpc: Rpc, control: Any) -> None:
    media = rpc("media/library.create", "promo")
    messages = [media, "TTS|TTS_EN-GB_SERENA|Your parcel arrives today"]
    request = rpc(
        "calls.broadcast_1", {"number": ANSWERED, "timeout": 30}, messages, {"loop": 2, "cdr_field": "b1"}
    )

    control.advance(2)
    dialing = rpc("calls.get_status_1", request)
    control.advance(6)
    playing = rpc("calls.get_status_1", request)
    control.advance(20)

    assert (dialing, playing, rpc("calls.get_status_1", request)) == ("DIALING", "UP", "ANSWER")
    cdr = rpc("cdr.get", "OUT", *DAY)[0]
    assert (cdr["duration_answered"], cdr["hangupsource"], cdr["customer_field"]) == (20, "CALLER", "b1")


def test_direct_to_voicemail_reaches_a_machine(rpc: Rpc, control: Any) -> None:
    rpc(
        "calls.broadcast_1",
        {"number": MOBILE},
        ["TTS|TTS_FR-FR_AUDREY|Bonjour"],
        {"direct_to_voicemail": True},
    )

    control.advance(20)

    assert control.calls(provider="callr")[0]["answered_by"] == "machine"


@pytest.mark.parametrize(
    ("messages", "options", "property"),
    [
        ([], None, "messages"),
        ([12345], None, "messages[0]"),
        (["TTS|TTS_XX_NOBODY|hi"], None, "messages[0]"),
        (["hello"], None, "messages[0]"),
        (["TTS|TTS_EN-GB_SERENA|hi"], {"loop": 11}, "options.loop"),
    ],
)
def test_bad_broadcasts_name_the_property(rpc: Rpc, messages: list[Any], options: Any, property: str) -> None:
    error = rpc.error("calls.broadcast_1", {"number": MOBILE}, messages, options)

    assert (error["code"], error["data"]["property"]) == (INVALID_VALUE, property)


# -- SMS -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "encoding", "parts"),
    [
        ("a" * 160, "GSM", 1),
        ("a" * 161, "GSM", 2),
        ("a" * 306, "GSM", 2),
        ("a" * 307, "GSM", 3),
        ("€" * 80, "GSM", 1),  # two septets each
        ("€" * 81, "GSM", 2),
        ("é" * 160, "GSM", 1),  # in the GSM basic set
        ("ç" * 70, "UNICODE", 1),  # not in it
        ("ç" * 71, "UNICODE", 2),
        ("😀" * 35, "UNICODE", 1),  # two UTF-16 units each
        ("😀" * 36, "UNICODE", 2),
    ],
)
def test_parts_are_counted_by_encoding(rpc: Rpc, body: str, encoding: str, parts: int) -> None:
    sms = rpc("sms.get", rpc("sms.send", "SMS", MOBILE, body, None))

    assert (sms["encoding"], sms["parts"]) == (encoding, parts)
    assert sms["b_customer_debit"] == f"{6.5 * parts:.2f}"


def test_an_sms_is_delivered_on_the_mock_clock_with_dlr_webhooks(
    rpc: Rpc, receiver: CallbackReceiver, control: Any
) -> None:
    rpc("webhooks.subscribe", "sms.mt.status_update", receiver.url("/dlr"), None)
    own_hook = {"endpoint": receiver.url("/mine"), "options": {"hmac_secret": "sms-secret-1"}}
    options = {"nature": "MARKETING", "user_data": "order42", "webhook": own_hook}
    sms_hash = rpc("sms.send", "Shop", MOBILE, "Your order shipped", options)

    created = rpc("sms.get", sms_hash)
    control.advance(5)
    delivered = rpc("sms.get", sms_hash)

    assert (created["status"], created["date_sent"], created["type"]) == (
        "CREATED",
        "0000-00-00 00:00:00",
        "OUT",
    )
    assert (created["from"], created["to"], created["user_data"], created["nature"]) == (
        "Shop",
        MOBILE,
        "order42",
        "MARKETING",
    )
    assert (delivered["status"], delivered["date_sent"], delivered["date_received"]) == (
        "RECEIVED",
        "2026-01-01 09:00:02",
        "2026-01-01 09:00:05",
    )
    receiver.wait_for(4, "/dlr")
    receiver.wait_for(4, "/mine")
    subscribed = [json.loads(r.body) for r in receiver.requests("/dlr")]
    dynamic = [json.loads(r.body) for r in receiver.requests("/mine")]
    assert [e["data"]["status"] for e in subscribed] == ["PENDING", "SENT", "REMOTE_QUEUED", "RECEIVED"]
    assert [e["data"]["status"] for e in dynamic] == ["PENDING", "SENT", "REMOTE_QUEUED", "RECEIVED"]
    assert dynamic[0]["hook_hash"] is None  # a dynamic webhook has no hash
    assert subscribed[0]["hook_hash"] is not None
    assert "x-callr-hmacsignature" in receiver.requests("/mine")[0].headers
    assert [s["hash"] for s in rpc("sms.get_list", "OUT", *DAY)] == [sms_hash]
    assert rpc("sms.get_list", "IN", *DAY) == []


@pytest.mark.parametrize(
    ("scenario", "final"), [("rejected", "ERROR"), ("failed", "FAILED"), ("no-answer", "EXPIRED")]
)
def test_the_scenario_decides_how_an_sms_ends(rpc: Rpc, control: Any, scenario: str, final: str) -> None:
    sms_hash = rpc("sms.send", "SMS", MOBILE, "hello", None, headers={"X-Mock-Scenario": scenario})

    control.advance(120)

    sms = rpc("sms.get", sms_hash)
    assert sms["status"] == final
    assert (sms["status_error"] != "") == (final == "ERROR")


def test_an_sms_is_billed_and_an_error_is_not(rpc: Rpc, control: Any) -> None:
    rpc("sms.send", "SMS", MOBILE, "a" * 200, None)
    rpc("sms.send", "SMS", MOBILE, "x", None, headers={"X-Mock-Scenario": "rejected"})
    control.advance(10)

    assert rpc("billing.get_prepaid_credit") == "987.00"


@pytest.mark.parametrize(
    ("sender", "to", "body", "options", "property"),
    [
        ("TooLongSender", MOBILE, "hi", None, "from"),
        ("12345", MOBILE, "hi", None, "from"),
        ("+33699999999", MOBILE, "hi", None, "from"),
        ("SMS", "0612345678", "hi", None, "to"),
        ("SMS", MOBILE, "", None, "body"),
        ("SMS", MOBILE, "hi", {"force_encoding": "ASCII"}, "options.force_encoding"),
        ("SMS", MOBILE, "hi", {"user_data": "not alnum!"}, "options.user_data"),
        ("SMS", MOBILE, "hi", {"webhook": {"endpoint": "nope"}}, "options.webhook.endpoint"),
    ],
)
def test_bad_sms_params_name_the_property(
    rpc: Rpc, sender: str, to: str, body: str, options: Any, property: str
) -> None:
    error = rpc.error("sms.send", sender, to, body, options)

    assert (error["code"], error["data"]["property"]) == (INVALID_VALUE, property)


def test_the_shared_short_code_and_the_accounts_cli_are_senders(rpc: Rpc, account: dict[str, Any]) -> None:
    assert rpc("sms.get", rpc("sms.send", "", MOBILE, "hi", None))["from"] == "38100"
    assert rpc("sms.get", rpc("sms.send", account["cli"], MOBILE, "hi", None))["from"] == account["cli"]
    assert rpc.error("sms.get", "ZZZZZZZZ")["code"] == NOT_FOUND


# -- media library ---------------------------------------------------------------------------------
def test_tts_content_is_processing_then_ready(rpc: Rpc, receiver: CallbackReceiver, control: Any) -> None:
    rpc("webhooks.subscribe", "media.library.status_update", receiver.url("/media"), None)
    media = rpc("media/library.create", "welcome")

    assert rpc("media/library.get", media)["status"] == "PENDING_CONTENT"
    assert (
        rpc("media/tts.set_content", media, "Welcome to the shop", "TTS_EN-GB_SERENA", {"rate": 50}) is True
    )
    processing = rpc("media/library.get", media)
    control.advance(2)
    ready = rpc("media/library.get", media)

    assert (processing["status"], processing["voice"], processing["content"]) == (
        "PROCESSING",
        "TTS_EN-GB_SERENA",
        "Welcome to the shop",
    )
    assert (ready["status"], ready["duration"], ready["id"]) == ("READY", 2, media)
    receiver.wait_for(1, "/media")
    assert json.loads(receiver.requests("/media")[0].body)["data"]["status"] == "READY"
    assert rpc("media/library.set_name", media, "hello") is True
    assert rpc("media/library.set_tags", media, {"lang": ["en"]}) is True
    assert rpc("media/library.get_list", None) == {str(media): rpc("media/library.get", media)}
    assert rpc("media/library.delete", media) is True
    assert rpc.error("media/library.get", media)["code"] == NOT_FOUND
    assert rpc.error("media/tts.set_content", 1, "x", "TTS_EN-GB_SERENA")["code"] == NOT_FOUND


def test_bad_tts_params_name_the_property(rpc: Rpc) -> None:
    media = rpc("media/library.create", "m")

    assert rpc.error("media/tts.set_content", media, "hi", "ROBOT")["data"]["property"] == "voice"
    assert (
        rpc.error("media/tts.set_content", media, "hi", "TTS_FR-FR_AUDREY", {"rate": 0})["data"]["property"]
        == "rate"
    )  # production names the option alone (sdk-dotnet MediaServiceTest)


# -- lists -----------------------------------------------------------------------------------------
def test_countries_and_number_infos(rpc: Rpc) -> None:
    countries = rpc("list.countries")
    infos = rpc("list.number_infos", "+33612345678")

    assert sorted(countries) == ["DE", "ES", "FR", "GB", "IT", "US"]
    assert (countries["FR"]["country_dialcode"], countries["FR"]["country_en_label"]) == ("33", "FRANCE")
    assert infos == {
        "country_code": "FR",
        "intl_code": "33",
        "intl_number": "+33612345678",
        "is_valid": True,
        "local_number": "0612345678",
        "local_prefix": "0",
        "location": "France",
        "type": "MOBILE",
    }
    assert rpc("list.number_infos", "hello")["is_valid"] is False
