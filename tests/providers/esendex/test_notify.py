"""Queuing calls: business errors as NotifyReturn codes, the lifecycle, retries, schedules, cancels."""

from __future__ import annotations

from typing import Any

import pytest

from tests.providers.esendex.conftest import ANSWERED_TO, CALLER_ID, PhoneNotify, at, fields, parse


@pytest.mark.parametrize(
    ("change", "code", "text"),
    [
        ({"PhoneNumberToDial": "555-0199"}, "3", "Invalid Phone Number"),
        ({"PhoneNumberToDial": "44 20 7946 0123"}, "3", "Invalid Phone Number"),
        ({"CallerID": "12345"}, "4", "Invalid CallerID"),
        ({"VoiceID": 9}, "5", "Invalid VoiceID"),
        ({"CallerID": ANSWERED_TO}, "13", "CallerID and PhoneNumber To Dial cannot match."),
        (
            {"LicenseKey": "00000000-0000-0000-0000-000000000000"},
            "14",
            "Key Invalid.  IP Address has been suspended.",
        ),
        ({"TextToSay": "~^nosuchsound~"}, "23", "Sound File Not Found"),
    ],
)
def test_a_refused_request_is_http_200_with_its_response_code(
    notify: PhoneNotify, control: Any, change: dict[str, Any], code: str, text: str
) -> None:
    reply = notify.basic(ANSWERED_TO, **change)
    assert (reply["ResponseCode"], reply["ResponseText"], reply["QueueID"]) == (code, text, "0")
    assert reply["CallComplete"] == "true"
    assert control.calls() == []


def test_a_schedule_that_is_not_utc_is_code_16(notify: PhoneNotify) -> None:
    reply = notify.advanced(
        f"<PhoneNumberToDial>{ANSWERED_TO}</PhoneNumberToDial><TextToSay>hi</TextToSay>"
        "<UTCScheduledDateTime>2026-01-01T10:00:00</UTCScheduledDateTime>"
    )
    assert (reply["ResponseCode"], reply["ResponseText"]) == ("16", "Scheduled Time is not a UTC date/time")


def test_the_demo_key_0_works_for_basic_only(notify: PhoneNotify) -> None:
    assert notify.basic(ANSWERED_TO, LicenseKey="0")["Demo"] == "true"
    demo = notify.post(
        "NotifyPhoneBasicWithTryCount",
        PhoneNumberToDial=ANSWERED_TO,
        TextToSay="x",
        CallerID=CALLER_ID,
        CallerIDname="",
        VoiceID=0,
        TryCount=2,
        LicenseKey="0",
    )
    assert fields(parse(demo))["ResponseCode"] == "11"


def test_an_answered_call_goes_queued_dialing_ringing_in_call_answered(
    notify: PhoneNotify, control: Any
) -> None:
    queue_id = notify.basic(ANSWERED_TO, text=r"Hello ~\PlaySilence(20)~")["QueueID"]
    seen = []
    for second in (1, 2, 4, 20.4):
        control.advance(second)
        seen.append(notify.status(queue_id)["ResponseCode"])
    assert seen == ["12", "18", "21", "1"]  # answered at 7 s, script ends at 7 + 0.4 + 20
    final = notify.status(queue_id)
    assert final["CallAnswered"] == "true"
    assert final["CallComplete"] == "true"
    assert (final["StartTime"], final["EndTime"], final["Duration"]) == (at(7), at(27.4), "20")
    assert (final["MachineDetection"], final["TryCount"], final["MinuteRate"]) == ("HUMAN", "1", "0.0098")
    call = control.call(queue_id)
    assert (call["ended_by"], call["to"], call["from"]) == ("caller", ANSWERED_TO, CALLER_ID)


def test_the_callee_hanging_up_first_ends_the_script(notify: PhoneNotify, control: Any) -> None:
    queue_id = notify.basic(ANSWERED_TO, text=r"~\PlaySilence(300)~")["QueueID"]
    control.advance(60)
    assert notify.status(queue_id)["Duration"] == "30"  # the "answered" callee hangs up after 30 s
    assert control.call(queue_id)["ended_by"] == "callee"


@pytest.mark.parametrize(
    ("to", "code", "machine"),
    [("5550000001", "8", "UNKNOWN"), ("5550000002", "2", "UNKNOWN"), ("5550000005", "1", "MACHINE")],
)
def test_each_outcome_has_its_code(
    notify: PhoneNotify, control: Any, to: str, code: str, machine: str
) -> None:
    queue_id = notify.basic(to)["QueueID"]
    control.advance(300)
    status = notify.status(queue_id)
    assert (status["ResponseCode"], status["MachineDetection"], status["CallComplete"]) == (
        code,
        machine,
        "true",
    )


def test_busy_calls_are_tried_again_after_next_try_in_seconds(notify: PhoneNotify, control: Any) -> None:
    queue_id = notify.advanced(
        "<PhoneNumberToDial>(555) 000-0001</PhoneNumberToDial><TextToSay>hi</TextToSay>"
        "<TryCount>5</TryCount><NextTryInSeconds>120</NextTryInSeconds>"
    )["QueueID"]
    control.advance(10)
    first = notify.status(queue_id)
    assert (first["ResponseCode"], first["TryCount"], first["CallComplete"]) == ("8", "1", "false")
    control.advance(600)
    last = notify.status(queue_id)
    assert (last["ResponseCode"], last["TryCount"], last["CallComplete"]) == ("8", "3", "true")  # max 3
    created = [c["created_at"] for c in control.calls()]
    assert created == ["2026-01-01T09:00:00Z", "2026-01-01T09:02:03Z", "2026-01-01T09:04:06Z"]
    assert [c["provider_call_id"] for c in control.calls()] == [queue_id, f"{queue_id}-2", f"{queue_id}-3"]


def test_a_scheduled_call_waits_in_virtual_time_and_can_be_cancelled(
    notify: PhoneNotify, control: Any
) -> None:
    body = f"<PhoneNumberToDial>{ANSWERED_TO}</PhoneNumberToDial><TextToSay>hi</TextToSay>"
    later = notify.advanced(body + "<UTCScheduledDateTime>2026-01-01T10:00:00Z</UTCScheduledDateTime>")
    cancelled = notify.advanced(
        body + "<UTCScheduledDateTime>2026-01-01T10:00:00.000Z</UTCScheduledDateTime>"
    )
    control.advance(3599)
    assert notify.status(later["QueueID"])["ResponseCode"] == "0"
    assert control.calls() == []
    cancel = notify.post("CancelNotify", QueueID=cancelled["QueueID"])
    assert parse(cancel).text == "true"
    control.advance(2)
    assert notify.status(later["QueueID"])["ResponseCode"] == "12"
    assert notify.status(cancelled["QueueID"])["ResponseCode"] == "22"
    assert [c["created_at"] for c in control.calls()] == ["2026-01-01T10:00:00Z"]


def test_cancel_notify_is_false_once_the_call_is_dialing(notify: PhoneNotify, control: Any) -> None:
    queue_id = notify.basic(ANSWERED_TO)["QueueID"]
    control.advance(1)
    assert parse(notify.post("CancelNotify", QueueID=queue_id)).text == "false"
    assert parse(notify.post("CancelNotify", QueueID=999)).text == "false"


def test_a_broadcast_dials_at_calls_per_minute_and_cancels_by_reference(
    notify: PhoneNotify, control: Any
) -> None:
    numbers = ";".join(f"20255501{i:02d}" for i in range(6))
    reply = parse(
        notify.post(
            "NotifyMultiplePhoneBasicWithCPMandReferenceID",
            PhoneNumbersToDial=numbers + ";bad",
            TextToSay="hi",
            CallerID=CALLER_ID,
            CallerIDname="",
            VoiceID=0,
            CallsPerMinute=2,
            ReferenceID="notify1",
        )
    )
    results = [fields(r) for r in reply]
    assert [r["ResponseCode"] for r in results] == ["0"] * 6 + ["3"]
    control.advance(59)  # 2 a minute: at 0 s and 30 s
    assert [c["created_at"][-3:] for c in control.calls()] == ["00Z", "30Z"]
    assert parse(notify.post("CancelNotifyByReferenceID", ReferenceID="notify1")).text == "4"
    control.advance(600)
    assert len(control.calls()) == 2


def test_multiple_status_and_statuses_by_phone_number(notify: PhoneNotify, control: Any) -> None:
    first = notify.basic(ANSWERED_TO)["QueueID"]
    second = notify.basic(ANSWERED_TO)["QueueID"]
    many = parse(notify.post("GetMultipleQueueIdStatus", QueueIDs=f"{first};{second};42"))
    assert [fields(r)["ResponseCode"] for r in many] == ["0", "0", "9"]
    by_phone = parse(notify.post("GetQueueIDStatusesByPhoneNumber", PhoneNumber="1-202-555-0123"))
    assert [fields(r)["QueueID"] for r in by_phone] == [second, first]


def test_another_keys_queue_id_is_unknown_where_a_key_is_asked(notify: PhoneNotify, control: Any) -> None:
    """GetQueueIDStatus takes no key, so it reads any QueueID; the methods that take one do not."""
    queue_id = notify.basic(ANSWERED_TO)["QueueID"]
    other = control.http.post("/_mock/credentials/esendex", json={"name": "Other"}).json()["license_key"]
    assert PhoneNotify(notify.http, other).status(queue_id)["ResponseCode"] == "0"
    advanced = PhoneNotify(notify.http, other).post("GetQueueIDStatusWithAdvancedInfo", QueueID=queue_id)
    assert (fields(parse(advanced))["ResponseCode"], fields(parse(advanced))["QueueID"]) == ("9", queue_id)
