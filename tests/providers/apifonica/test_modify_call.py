"""Modify live call: POST /v2/accounts/{acc}/calls/{callSID} hangs up, or hands the call to another
controller (mock's choice of body, apifonica.md §9.2). Status ``modified`` [seed 001]."""

from __future__ import annotations

LONG_CALL = "5550000007"  # rings from 3 s, answered at 6 s, stays up for an hour
AUDIO = "https://audio.example/music.mp3"


def long_call(api, controller, *documents: str) -> str:
    app_sid = api.create_application(controller.serve("/flow", *documents))
    return str(api.place_call(LONG_CALL, app_sid))


def test_hangup_of_an_answered_call_completes_it(api, control, controller) -> None:
    call_sid = long_call(api, controller, f'<playAudio loops="0">{AUDIO}</playAudio>')
    control.advance(10)

    response = api.modify(call_sid, {"status": "completed"})

    # 201 with the CREATED envelope: what the npm `apifonica` client (0.0.2) checks for here.
    assert response.status_code == 201
    assert response.json() == {
        "status_code": 201,
        "status_message": "CREATED",
        "uri": f"/v2/accounts/{api.account_sid}/calls/{call_sid}",
    }
    call = api.call(call_sid)
    assert (call["status"], call["duration"], call["ended"]) == (
        "completed",
        4,
        "Thu, 01 Jan 2026 09:00:10 +0000",
    )
    assert control.call(call_sid)["ended_by"] == "api"


def test_hangup_while_ringing_ends_canceled(api, control, controller) -> None:
    call_sid = long_call(api, controller, "<endCall/>")
    control.advance(4)

    response = api.modify(call_sid, {"status": "completed"})

    assert response.status_code == 201
    call = api.call(call_sid)
    assert (call["status"], call["started"], call["duration"]) == ("canceled", None, 0)
    assert control.call(call_sid)["ended_by"] == "api"
    control.advance(10)
    assert controller.requests("/flow") == []  # never answered, so the controller was never fetched


def test_redirect_marks_the_call_modified_and_runs_the_new_xml(api, control, controller) -> None:
    call_sid = long_call(api, controller, f'<playAudio loops="0">{AUDIO}</playAudio>')
    new_flow = controller.serve("/new", '<wait time="2"/><endCall/>')
    control.advance(10)

    response = api.modify(call_sid, {"controller": new_flow, "method": "GET"})

    assert response.status_code == 201
    call = api.call(call_sid)
    assert (call["status"], call["controller"], call["method"]) == ("modified", new_flow, "GET")
    assert controller.requests("/new") == []  # fetched on the call's clock, not inside the request
    control.advance(0)
    [fetch] = controller.requests("/new")
    assert (fetch.method, fetch.query["call_sid"], fetch.query["status"]) == ("GET", call_sid, "modified")
    control.advance(2)
    call = api.call(call_sid)
    assert (call["status"], call["duration"]) == ("completed", 6)


def test_redirect_to_an_application_uses_its_controller(api, control, controller) -> None:
    call_sid = long_call(api, controller, f'<playAudio loops="0">{AUDIO}</playAudio>')
    other_app = api.create_application(controller.serve("/other", "<endCall/>"), "POST")
    control.advance(10)

    response = api.modify(call_sid, {"call_app_sid": other_app})

    assert response.status_code == 201
    control.advance(0)
    assert [r.form["status"] for r in controller.requests("/other")] == ["modified"]
    assert api.call(call_sid)["status"] == "completed"


def test_redirect_while_ringing_takes_effect_on_answer(api, control, controller) -> None:
    call_sid = long_call(api, controller, "<endCall/>")
    new_flow = controller.serve("/new", '<wait time="3"/><endCall/>')
    control.advance(4)

    assert api.modify(call_sid, {"controller": new_flow}).status_code == 201
    assert api.call(call_sid)["status"] == "ringing"
    control.advance(2 + 3)

    assert controller.requests("/flow") == []
    assert len(controller.requests("/new")) == 1
    assert api.call(call_sid)["duration"] == 3


def test_modifying_a_finished_call_is_a_bad_request(api, control, controller) -> None:
    call_sid = long_call(api, controller, "<endCall/>")
    control.advance(6)
    assert api.call(call_sid)["status"] == "completed"

    response = api.modify(call_sid, {"status": "completed"})

    assert response.status_code == 400
    body = response.json()
    assert (body["status_code"], body["status_message"], body["error_code"]) == (400, "BAD_REQUEST", 2002)
    assert "ended" in body["error_text"]


def test_modifying_an_unknown_call_is_not_found(api) -> None:
    response = api.modify("cal00000000-0000-4000-8000-000000000000", {"status": "completed"})

    assert response.status_code == 404
    assert response.json()["error_code"] == 3001
