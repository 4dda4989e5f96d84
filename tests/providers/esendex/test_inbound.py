"""Calls to a LicenseKey's incoming numbers (``POST /_mock/inbound``) post IncomingPostbacks [E-in]."""

from __future__ import annotations

from typing import Any

from mockserver.testing.receiver import CallbackReceiver
from tests.providers.esendex.conftest import PhoneNotify, at
from tests.providers.esendex.test_postbacks import form

INCOMING = "8005551234"
INCOMING_POSTBACK = [
    "QueueID",
    "ResponseCode",
    "StartTime",
    "EndTime",
    "Duration",
    "transfercallerid",
    "machinedetection",
    "digitsdialed",
    "extension",
    "lastrecordlength",
    "callerid",
    "phonenumber",
    "incoming",
    "AC",
]


def incoming_number(control: Any, key: str, text: str, url: str = "", number: str = INCOMING) -> None:
    """Give ``key`` the incoming ``number`` (or replace its script and URL)."""
    entry = {"number": number, "text_to_say": text, "status_change_post_url": url}
    response = control.http.post(
        "/_mock/credentials/esendex", json={"license_key": key, "incoming_numbers": [entry]}
    )
    assert response.status_code in (200, 201), response.text


def call_in(control: Any, to: str = INCOMING, scenario: str | None = None) -> Any:
    body = {"provider": "esendex", "from": "+1 (757) 555-0100", "to": to}
    return control.http.post("/_mock/inbound", json=body | ({"scenario": scenario} if scenario else {}))


def test_an_incoming_call_posts_when_it_arrives_and_when_it_ends(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    script = r"Thanks for calling. ~\GetDigits(choice|5|1)~ ~\SetVar(team|sales)~ Goodbye"
    incoming_number(control, notify.key, script, receiver.url("/incoming"))

    response = call_in(control, "1-800-555-1234", scenario="ivr")
    assert response.status_code == 201, response.text
    call = response.json()
    assert (call["direction"], call["to"], call["from"]) == ("inbound", INCOMING, "+1 (757) 555-0100")
    [arrived] = receiver.wait_for(1, "/incoming")
    first = form(arrived)
    assert list(first) == INCOMING_POSTBACK
    assert first["ResponseCode"] == "29"  # Incoming Call
    assert first["incoming"] == "True"
    assert (first["callerid"], first["phonenumber"]) == ("7575550100", INCOMING)
    queue_id = first["QueueID"]
    assert control.call(queue_id)["id"] == call["id"]

    control.advance(60)
    _, ended = receiver.wait_for(2, "/incoming")
    last = form(ended)
    assert list(last) == [*INCOMING_POSTBACK, "choice", "team"]
    assert last["ResponseCode"] == "30"  # Incoming Call Complete
    assert (last["digitsdialed"], last["choice"], last["team"]) == ("1", "1", "sales")
    assert last["machinedetection"] == "HUMAN"
    assert last["StartTime"] == at(6)  # answered 6 s after it came in
    status = notify.status(queue_id)
    assert (status["ResponseCode"], status["ResponseText"]) == ("30", "Incoming Call Complete")
    assert status["CallComplete"] == "true"


def test_the_script_can_set_where_an_incoming_call_posts(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    script = rf"~\StatusChangePostURL({receiver.url('/from-script')})~ Hello ~\TransferTo(7575551000)~"
    incoming_number(control, notify.key, script)
    assert call_in(control).status_code == 201
    control.advance(40)  # the default scenario answers; the transfer stays up until the callee hangs up
    posts = [form(p) for p in receiver.wait_for(2, "/from-script")]
    assert [p["ResponseCode"] for p in posts] == ["29", "31"]  # Incoming Call Transferred


def test_an_incoming_call_the_caller_gives_up_on_is_unanswered(
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    incoming_number(control, notify.key, "Hello", receiver.url("/gave-up"))
    assert call_in(control, scenario="no-answer").status_code == 201
    control.advance(120)
    assert [form(p)["ResponseCode"] for p in receiver.wait_for(2, "/gave-up")] == ["29", "2"]


def test_a_number_no_license_key_has_is_not_found(control: Any) -> None:
    response = call_in(control, "8005559999")
    assert response.status_code == 404, response.text
    assert "8005559999" in response.text


def test_incoming_numbers_are_listed_and_belong_to_one_key(notify: PhoneNotify, control: Any) -> None:
    incoming_number(control, notify.key, "Hi", number="8005550042")
    mine = next(c for c in control.credentials("esendex") if c["license_key"] == notify.key)
    assert "8005550042" in mine["incoming_numbers"]
    taken = control.http.post(
        "/_mock/credentials/esendex", json={"name": "Other", "incoming_numbers": ["800-555-0042"]}
    )
    assert taken.status_code == 400
    assert "another license key" in taken.text
    for bad in (["12"], "8005550043", [{"number": "8005550043", "post_url": "x"}], [{"number": 1}]):
        response = control.http.post("/_mock/credentials/esendex", json={"incoming_numbers": bad})
        assert response.status_code == 400, bad
