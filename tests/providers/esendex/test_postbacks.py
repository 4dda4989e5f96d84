"""Postbacks to StatusChangePostUrl: every OutgoingPostback field, exact casing, form-encoded [S-seed]."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from mockserver.testing.receiver import CallbackReceiver, Received
from tests.providers.esendex.conftest import ANSWERED_TO, CALLER_ID, PhoneNotify, at

OUTGOING_POSTBACK = [
    "QueueID",
    "ResponseCode",
    "StartTime",
    "EndTime",
    "Duration",
    "isWireless",
    "telcoLATA",
    "telcoOCN",
    "telcoCarrierName",
    "telcoCarrierType",
    "telcoLRN",
    "telcoSwitchName",
    "digitsdialed",
    "incallringcount",
    "qasoundid",
    "callerid",
    "extension",
    "phonenumber",
    "transfercalleridname",
    "lastrecordlength",
    "qarecord",
    "transfercallerid",
    "calleridname",
    "machinedetection",
]


def form(post: Received) -> dict[str, str]:
    """Every field, the empty ones too (the receiver's ``form`` drops those)."""
    return dict(parse_qsl(post.body.decode(), keep_blank_values=True))


def codes(posts: list[Received]) -> list[str]:
    return [post.form["ResponseCode"] for post in posts]


def test_an_answered_call_posts_its_result_with_every_field(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    url = receiver.url("/postback")
    reply = notify.advanced(
        f"<PhoneNumberToDial>{ANSWERED_TO}x42</PhoneNumberToDial>"
        "<TextToSay>Your order has shipped</TextToSay>"
        f"<CallerIDNumber>{CALLER_ID}</CallerIDNumber><CallerIDName>Esendex Services</CallerIDName>"
        f"<StatusChangePostUrl>{url}</StatusChangePostUrl>"
    )
    control.advance(60)
    posts = receiver.wait_for(4, "/postback")
    assert codes(posts) == ["12", "18", "21", "1"]  # placed, status changes, finished
    post = posts[-1]
    assert post.method == "POST"
    assert post.headers["content-type"] == "application/x-www-form-urlencoded"
    result = form(post)
    assert list(result) == [*OUTGOING_POSTBACK, "AC"]
    assert result["ResponseCode"] == "1"
    assert result == result | {
        "QueueID": reply["QueueID"],
        "StartTime": at(7),
        "EndTime": at(8.6),
        "Duration": "1",
        "incallringcount": "1",  # rang 3 s..7 s: one ring cycle
        "callerid": CALLER_ID,
        "calleridname": "Esendex Services",
        "extension": "42",
        "phonenumber": ANSWERED_TO,
        "machinedetection": "HUMAN",
        "qarecord": "False",
        "digitsdialed": "",
    }
    assert result["isWireless"] in ("True", "False")
    assert result["telcoCarrierName"]
    assert len(result["telcoLRN"]) == 10
    assert result["telcoSwitchName"].isupper()


def test_telco_fields_are_the_same_with_the_same_seed(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    runs = []
    for _ in range(2):
        control.reset()
        receiver.clear()
        notify.basic(ANSWERED_TO, text=rf"~\StatusChangePostURL({receiver.url('/seeded')})~ hi")
        control.advance(60)
        runs.append([form(post) for post in receiver.wait_for(4, "/seeded")])
    assert runs[0] == runs[1]


def test_a_busy_call_posts_its_result_without_a_ring_count(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    notify.basic("5550000001", text=rf"~\StatusChangePostURL({receiver.url('/busy')})~ hi")
    control.advance(60)
    posts = receiver.wait_for(2, "/busy")
    assert codes(posts) == ["12", "8"]  # busy before it rang: placed, then finished
    post = posts[-1]
    assert "incallringcount" not in post.form
    assert (post.form["StartTime"], post.form["EndTime"], post.form["machinedetection"]) == (
        at(1),
        at(3),
        "UNKNOWN",
    )


def test_script_variables_are_posted_lower_cased(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    script = (
        rf"~\StatusChangePostURL({receiver.url('/ivr')})~ ~\ActOnDigitPress(false)~"
        r" ~\SetVar(Campaign|Spring)~ Enter your PIN ~\GetDigits(PIN|10|4)~ ~\EndCall()~"
    )
    notify.basic("5550000006", text=script)  # ivr: keys in 1, then 1234#
    control.advance(60)
    result = form(receiver.wait_for(4, "/ivr")[-1])
    assert (result["campaign"], result["pin"], result["digitsdialed"]) == ("Spring", "1", "1")


def test_every_postback_is_recorded_at_the_control_api(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    reply = notify.basic(ANSWERED_TO, text=rf"~\StatusChangePostURL({receiver.url('/rec')})~ hi")
    control.advance(60)
    deliveries = control.callbacks(provider="esendex", call_id=reply["QueueID"])
    assert len(deliveries) == 4
    assert all(d["delivered"] for d in deliveries)


def test_a_recording_is_a_sound_file_later_scripts_can_play(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    script = (
        rf"~\StatusChangePostURL({receiver.url('/record')})~ Say your name ~\RecordAndSaveAs(name)~ Thanks"
    )
    notify.basic(ANSWERED_TO, text=script)
    control.advance(60)
    post = receiver.wait_for(4, "/record")[-1]
    assert (post.form["qasoundid"], post.form["lastrecordlength"]) == ("name", "10")
    assert "<string>name</string>" in notify.post("ReturnSoundFileIDs").text

    replay = notify.basic(ANSWERED_TO, text="~^name~")  # not 23 Sound File Not Found
    assert replay["ResponseCode"] == "0"
    control.advance(60)
    call = control.call(replay["QueueID"])
    assert call["ended_at"] == "2026-01-01T09:01:17Z"  # dialed at 60 s, answered at 67 s, a 10 s sound


def test_a_recording_with_a_unique_id_is_saved_under_that_id(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    notify.basic(
        ANSWERED_TO, text=rf"~\StatusChangePostURL({receiver.url('/unique')})~ ~\RecordWithUniqueID()~"
    )
    control.advance(60)
    post = receiver.wait_for(4, "/unique")[-1]
    assert len(post.form["qasoundid"]) == 36  # a GUID
    assert f"<string>{post.form['qasoundid']}</string>" in notify.post("ReturnSoundFileIDs").text
