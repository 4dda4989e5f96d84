"""Click-to-call: A targets first (attempts, retry pause on the mock clock), then B, bridged; statuses in
CLICKTOCALL.Call; schedule in virtual time; cancel of a scheduled call."""

from __future__ import annotations

from typing import Any

import pytest

from tests.providers.callr.conftest import INVALID_VALUE, NOT_FOUND, Rpc

ANSWERED = "+447700900123"  # answered at 7 s, the callee hangs up 30 s later
NO_ANSWER = "+15550000002"
BUSY = "+15550000001"
VOICEMAIL = "+15550000005"
DAY = ("2026-01-01 00:00:00", "2026-01-01 23:59:59")


def app(rpc: Rpc, options: dict[str, Any] | None = None) -> str:
    return str(rpc("apps.create", "CLICKTOCALL10", "web callback", {"options": options or {}})["hash"])


def target(number: str, timeout: int = 20) -> dict[str, Any]:
    return {"number": number, "timeout": timeout}


def statuses(call: dict[str, Any]) -> tuple[Any, Any]:
    return (call["a_status"].get("status"), call["b_status"].get("status"))


def test_a_answers_then_b_is_dialled_and_bridged(rpc: Rpc, control: Any) -> None:
    c2c = rpc(
        "clicktocall/calls.start_2",
        app(rpc),
        [target(ANSWERED)],
        [target("+33612345678")],
        {"cdr_field": "lead42"},
    )

    control.advance(1)
    dialing = rpc("clicktocall/calls.get_status", c2c)
    control.advance(7)
    ringing_b = rpc("clicktocall/calls.get_status", c2c)
    control.advance(10)
    bridged = rpc("clicktocall/calls.get_status", c2c)
    control.advance(60)
    done = rpc("clicktocall/calls.get_status", c2c)

    assert dialing["a_status"]["status"] == "DIALING"
    assert dialing["b_status"] == {}
    assert dialing["date_started"] == "2026-01-01 09:00:00"
    assert statuses(ringing_b) == ("ANSWER", "DIALING")
    assert statuses(bridged) == ("ANSWER", "ANSWER")
    assert statuses(done) == ("HANGUP", "HANGUP")
    assert done["a_status"]["number"] == ANSWERED
    assert done["a_status"]["try"] == 1
    assert done["cdr_field"] == "lead42"
    assert done["app"]["package"]["name"] == "CLICKTOCALL10"
    a_leg, b_leg = control.calls(provider="callr")
    assert (a_leg["to"], b_leg["to"], b_leg["from"]) == (ANSWERED, "+33612345678", ANSWERED)
    assert done["a_status"]["callid"] != done["b_status"]["callid"] > 0
    cdrs = rpc("cdr.get", "OUT", *DAY)
    assert {c["customer_field"] for c in cdrs} == {"lead42"}


def test_a_is_retried_after_the_pause_then_noanswer(rpc: Rpc, control: Any) -> None:
    c2c = rpc(
        "clicktocall/calls.start_2",
        app(rpc, {"A_attempts": 2, "A_retrypause": 60}),
        [target(NO_ANSWER, 10)],
        [target(ANSWERED)],
        None,
    )

    control.advance(11)
    pausing = rpc("clicktocall/calls.get_status", c2c)
    control.advance(60)
    second = rpc("clicktocall/calls.get_status", c2c)
    control.advance(20)
    final = rpc("clicktocall/calls.get_status", c2c)

    assert (pausing["a_status"]["status"], pausing["a_status"]["try"]) == ("NOANSWER", 1)
    assert (second["a_status"]["status"], second["a_status"]["try"]) == ("DIALING", 2)
    assert (final["a_status"]["status"], final["a_status"]["try"], final["b_status"]) == ("NOANSWER", 2, {})
    assert [c["to"] for c in control.calls(provider="callr")] == [NO_ANSWER, NO_ANSWER]


def test_the_next_a_target_is_tried_in_the_same_attempt(rpc: Rpc, control: Any) -> None:
    c2c = rpc(
        "clicktocall/calls.start_2", app(rpc), [target(BUSY), target(ANSWERED)], [target(ANSWERED)], None
    )

    control.advance(20)

    call = rpc("clicktocall/calls.get_status", c2c)
    assert (call["a_status"]["number"], call["a_status"]["status"]) == (ANSWERED, "ANSWER")


def test_b_not_answering_ends_a(rpc: Rpc, control: Any) -> None:
    c2c = rpc("clicktocall/calls.start_2", app(rpc), [target(ANSWERED)], [target(BUSY)], None)

    control.advance(20)

    assert statuses(rpc("clicktocall/calls.get_status", c2c)) == ("HANGUP", "NOANSWER")


def test_b_still_ringing_when_a_hangs_up_is_aborted(rpc: Rpc, control: Any) -> None:
    c2c = rpc("clicktocall/calls.start_2", app(rpc), [target(ANSWERED)], [target(NO_ANSWER, 60)], None)
    control.advance(10)
    a_leg = control.calls(provider="callr")[0]

    control.http.post(f"/_mock/calls/{a_leg['id']}/events", json={"type": "hangup"})
    control.advance(1)

    assert statuses(rpc("clicktocall/calls.get_status", c2c)) == ("HANGUP", "ABORTED")


def test_a_machine_on_a_is_voicemail_detected_when_detection_is_on(rpc: Rpc, control: Any) -> None:
    detecting = app(rpc, {"A_vms_detect": {"active": True, "method": "SILENCE"}})
    c2c = rpc("clicktocall/calls.start_2", detecting, [target(VOICEMAIL)], [target(ANSWERED)], None)

    control.advance(30)

    assert statuses(rpc("clicktocall/calls.get_status", c2c)) == ("VOICEMAIL_DETECTED", None)


def test_a_scheduled_call_starts_on_time_and_can_be_cancelled_before(rpc: Rpc, control: Any) -> None:
    c2c_app = app(rpc)
    later = {"schedule": "2026-01-01 10:00:00"}
    kept = rpc("clicktocall/calls.start_2", c2c_app, [target(ANSWERED)], [target(ANSWERED)], later)
    dropped = rpc("clicktocall/calls.start_2", c2c_app, [target(ANSWERED)], [target(ANSWERED)], later)

    assert rpc("clicktocall/calls.cancel", dropped) is True
    control.advance(3599)
    waiting = rpc("clicktocall/calls.get_status", kept)
    control.advance(2)
    started = rpc("clicktocall/calls.get_status", kept)

    assert (waiting["date_scheduled"], waiting["date_started"], waiting["a_status"]) == (
        "2026-01-01 10:00:00",
        "0000-00-00 00:00:00",
        {},
    )
    assert (started["date_started"], started["a_status"]["status"]) == ("2026-01-01 10:00:00", "DIALING")
    assert rpc.error("clicktocall/calls.cancel", kept)["code"] == INVALID_VALUE
    assert rpc.error("clicktocall/calls.get_status", dropped)["code"] == NOT_FOUND
    assert [c["hash"] for c in rpc("clicktocall/calls.get_list", c2c_app, *DAY)] == [kept]


@pytest.mark.parametrize(
    ("a_targets", "options", "property"),
    [
        ([], None, "a_targets"),
        ([{"number": "0612"}], None, "a_targets"),  # production names the list (sdk-dotnet tests)
        ([{"number": ANSWERED, "timeout": 3}], None, "a_targets"),
        ([target(ANSWERED)], {"schedule": "tomorrow"}, "options.schedule"),
        ([target(ANSWERED)], {"cli": "12"}, "options.cli"),
    ],
)
def test_bad_start_params_name_the_property(
    rpc: Rpc, a_targets: list[Any], options: Any, property: str
) -> None:
    error = rpc.error("clicktocall/calls.start_2", app(rpc), a_targets, [target(ANSWERED)], options)

    assert (error["code"], error["data"]["property"]) == (INVALID_VALUE, property)


def test_start_needs_a_click_to_call_app(rpc: Rpc) -> None:
    realtime = rpc("apps.create", "REALTIME10", "rt", {"url": "https://example.com/rt"})["hash"]

    error = rpc.error("clicktocall/calls.start_2", realtime, [target(ANSWERED)], [target(ANSWERED)])

    assert (error["code"], error["data"]["property"]) == (INVALID_VALUE, "app")
