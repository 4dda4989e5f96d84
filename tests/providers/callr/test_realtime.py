"""Real-Time: the mock POSTs RT.Request to the REALTIME10 app and runs the RT.Response it answers."""

from __future__ import annotations

import base64
from typing import Any

from tests.providers.callr.conftest import RealTimeApp, Rpc, command

IVR = "+15550000006"  # answered at 6 s; presses 1 at the first prompt, 1234# at the second
BUSY = "+15550000001"
NO_ANSWER = "+15550000002"
ANSWERED = "+447700900123"  # answered at 7 s, the callee hangs up 30 s later
LONG_CALL = "+15550000007"


def place(rpc: Rpc, app: str, number: str, **options: str) -> str:
    return str(rpc("calls.realtime", app, {"number": number, "timeout": 30}, options or None))


def steps(rt_app: RealTimeApp) -> list[tuple[str, str, str, str]]:
    return [
        (r["call_status"], r["command"], r["command_result"], r["command_error"]) for r in rt_app.requests()
    ]


def ivr_controller(transfer_to: str) -> Any:
    """A small IVR: ask for one digit, transfer on 1, hang up after the transfer (or on anything else)."""

    def decide(rt: dict[str, Any]) -> dict[str, Any] | None:
        if rt["call_status"] != "UP":
            return None
        if rt["command"] == "":
            prompt = "TTS|TTS_EN-GB_SERENA|Press 1 for sales"
            return command(
                "read", "menu", {"caller": rt["number"]}, media_id=prompt, max_digits=1, timeout_ms=3000
            )
        if rt["command"] == "read" and rt["command_result"] == "1":
            return command("dialout", 2, rt["variables"], targets=[{"number": transfer_to, "timeout": 20}])
        return command("hangup", 3, rt["variables"])

    return decide


def test_a_controller_drives_read_then_dialout_then_hangup(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    rt_app.run(ivr_controller(transfer_to=BUSY))
    request_hash = place(rpc, realtime_app, IVR, cdr_field="ticket7")

    control.advance(60)

    assert steps(rt_app) == [
        ("UP", "", "", ""),
        ("UP", "read", "1", ""),
        ("UP", "dialout", "BUSY", ""),
        ("HANGUP", "hangup", "", ""),
    ]
    first, after_read, after_dialout, final = rt_app.requests()
    assert first["request_hash"] == request_hash
    assert first["app"] == realtime_app
    assert first["number"] == IVR
    assert first["cdr_field"] == "ticket7"
    assert first["date_started"] == "2026-01-01 09:00:00"
    assert (first["command_id"], first["variables"]) == (0, {})
    assert (after_read["command_id"], after_read["variables"]) == ("menu", {"caller": IVR})
    assert (after_dialout["command_id"], final["command_id"]) == (2, 3)
    assert final["variables"] == {"caller": IVR}
    assert {r["callid"] for r in rt_app.requests()} == {first["callid"]}
    assert rt_app.received()[0].headers["content-type"] == "application/json"
    a_leg, b_leg = control.calls(provider="callr")
    assert (a_leg["state"], a_leg["ended_by"]) == ("completed", "caller")
    assert (b_leg["parent_id"], b_leg["to"], b_leg["state"]) == (a_leg["id"], BUSY, "busy")


def test_a_bridged_dialout_ends_both_legs_when_one_hangs_up(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    rt_app.run(ivr_controller(transfer_to=ANSWERED))
    place(rpc, realtime_app, IVR)

    control.advance(120)

    assert steps(rt_app)[-1] == ("HANGUP", "dialout", "ANSWER", "")
    a_leg, b_leg = control.calls(provider="callr")
    assert b_leg["ended_by"] == "callee"
    assert a_leg["state"] == "completed"
    assert a_leg["ended_at"] == b_leg["ended_at"]


def test_read_digits_follow_max_digits_and_the_hash_key(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    def decide(rt: dict[str, Any]) -> dict[str, Any] | None:
        reads = {"": 1, "read": 6}
        if rt["call_status"] == "UP" and rt["command"] in reads and rt["command_id"] < 2:
            return command("read", rt["command_id"] + 1, media_id=11, max_digits=reads[rt["command"]])
        return command("hangup")

    rt_app.run(decide)
    place(rpc, realtime_app, IVR)

    control.advance(60)

    assert [s[2] for s in steps(rt_app)[1:3]] == ["1", "1234"]


def test_a_read_nobody_answers_ends_with_a_timeout_after_its_attempts(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    rt_app.run(
        lambda rt: (
            command("read", 1, media_id=5, attempts=2, timeout_ms=2000)
            if rt["command"] == ""
            else command("hangup")
        )
    )
    place(rpc, realtime_app, LONG_CALL)  # answered at 6 s, keys nothing in

    control.advance(6 + 2 * (5 + 2) - 1)
    assert len(rt_app.requests()) == 1
    control.advance(1)

    assert steps(rt_app)[1] == ("UP", "read", "", "TIMEOUT")


def test_commands_take_mock_time(rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any) -> None:
    plan = {"": command("wait", 1, wait=10), "wait": command("send_dtmf", 2, digits="12#")}
    rt_app.run(lambda rt: plan.get(rt["command"], command("hangup")))
    place(rpc, realtime_app, LONG_CALL)

    control.advance(6 + 10 - 1)
    assert len(rt_app.requests()) == 1
    control.advance(1 + 3)  # three digits of 500 ms on, 500 ms off

    assert steps(rt_app)[1:] == [
        ("UP", "wait", "OK", ""),
        ("UP", "send_dtmf", "OK", ""),
        ("HANGUP", "hangup", "", ""),
    ]


def test_an_unanswered_call_gets_one_request_with_its_status(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    rt_app.run(lambda rt: command("hangup"))
    place(rpc, realtime_app, BUSY)
    place(rpc, realtime_app, NO_ANSWER)

    control.advance(60)

    assert sorted(r["call_status"] for r in rt_app.requests()) == ["BUSY", "NOANSWER"]


def test_app_credentials_are_sent_as_basic_auth(rpc: Rpc, rt_app: RealTimeApp, control: Any) -> None:
    rt_app.run(lambda rt: command("hangup"))
    app = rpc(
        "apps.create", "REALTIME10", "guarded", {"url": rt_app.url, "login": "rt", "password": "s3cret"}
    )
    place(rpc, app["hash"], LONG_CALL)

    control.advance(10)

    expected = "Basic " + base64.b64encode(b"rt:s3cret").decode()
    assert {r.headers["authorization"] for r in rt_app.received()} == {expected}


def test_calls_hangup_ends_a_live_call_and_the_app_hears_hangup(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    rt_app.run(lambda rt: command("wait", "w", wait=30))
    place(rpc, realtime_app, LONG_CALL)
    control.advance(10)
    callid = rt_app.requests()[0]["callid"]

    assert rpc("calls.hangup", callid) is True
    control.advance(1)

    assert steps(rt_app)[-1] == ("HANGUP", "wait", "", "")
    assert control.calls(provider="callr")[0]["ended_by"] == "api"
    assert rpc("calls.hangup", callid) is False
    assert rpc.error("calls.hangup", 999)["code"] == 110


def test_a_reply_that_is_not_json_ends_the_call_and_says_why(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    rt_app.run(lambda rt: None)  # an empty body
    place(rpc, realtime_app, LONG_CALL)

    control.advance(10)

    assert steps(rt_app) == [("UP", "", "", ""), ("HANGUP", "", "", "INVALID_RESPONSE")]
    assert control.calls(provider="callr")[0]["ended_by"] == "system"
    errors = [e for e in control.http.get("/_mock/journal").json()["entries"] if e["kind"] == "flow_error"]
    assert "not UTF-8 JSON" in errors[0]["detail"]


def test_unknown_commands_and_bad_params_end_the_call(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    replies = iter([command("dance"), command("read", media_id=1, max_digits=21)])
    rt_app.run(lambda rt: next(replies) if rt["call_status"] == "UP" else None)
    place(rpc, realtime_app, LONG_CALL)
    place(rpc, realtime_app, LONG_CALL)

    control.advance(10)

    finals = [s[3] for s in steps(rt_app) if s[0] == "HANGUP"]
    assert sorted(finals) == ["INVALID_PARAMS", "UNKNOWN_COMMAND"]


def test_calls_realtime_needs_a_realtime10_app_and_a_valid_target(rpc: Rpc, realtime_app: str) -> None:
    c2c = rpc("apps.create", "CLICKTOCALL10", "c2c", None)["hash"]

    assert rpc.error("calls.realtime", c2c, {"number": LONG_CALL}, None)["code"] == 151
    assert rpc.error("calls.realtime", "ZZZZZZZZ", {"number": LONG_CALL}, None)["code"] == 110
    assert rpc.error("calls.realtime", realtime_app, {"number": "0612345678"}, None)["data"]["property"] == (
        "target.number"
    )
    assert rpc.error("calls.realtime", realtime_app, {"number": LONG_CALL, "timeout": 4}, None)["code"] == 151
    assert rpc.error("calls.realtime", realtime_app, {"timeout": 30}, None)["code"] == 150
    bad_field = rpc.error("calls.realtime", realtime_app, {"number": LONG_CALL}, {"cdr_field": "not alnum!"})
    assert bad_field["data"]["property"] == "options.cdr_field"
    unknown = rpc.error(
        "calls.realtime", realtime_app, {"number": LONG_CALL}, None, headers={"X-Mock-Scenario": "nope"}
    )
    assert unknown["data"]["property"] == "X-Mock-Scenario"


def test_record_names_a_file_and_conference_rooms_let_the_last_one_go(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, control: Any
) -> None:
    def decide(rt: dict[str, Any]) -> dict[str, Any] | None:
        if rt["call_status"] != "UP":
            return None
        if rt["command"] == "":
            return command("record", 1, max_duration=10)
        if rt["command"] == "record":
            return command("conference", 2, id="room-1", auto_leave_when_alone=True)
        return command("hangup", 3)

    rt_app.run(decide)
    place(rpc, realtime_app, LONG_CALL)  # stays up for an hour
    place(rpc, realtime_app, "+447700900123")  # the callee hangs up 30 s after answering

    control.advance(60)

    by_call: dict[int, list[tuple[str, str, str, str]]] = {}
    for request in rt_app.requests():
        row = (
            request["call_status"],
            request["command"],
            request["command_result"],
            request["command_error"],
        )
        by_call.setdefault(request["callid"], []).append(row)
    stays, leaves = by_call.values()
    assert stays[1] == ("UP", "record", f"record_{min(by_call)}_1.wav", "")
    assert stays[2:] == [("UP", "conference", "ALONE", ""), ("HANGUP", "hangup", "", "")]
    assert leaves[-1] == ("HANGUP", "conference", "", "")
