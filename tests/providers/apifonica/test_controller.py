"""The XML controller loop [apifonica.md §6]: the mock fetches the controller when the call is answered,
runs the commands on the virtual clock, submits keyed-in digits and places <makeCall> legs.

Scenario timings (seconds after the API request): long-call (…0007) and ivr (…0006) answer at 6; the
ivr callee presses "1" 2 s into the first prompt and "1234#" 3 s into the second. A <playAudio> loop
lasts 5 s in the mock (it does not download the file).
"""

from __future__ import annotations

import pytest

from mockserver.server import free_port
from mockserver.testing.receiver import Reply

LONG_CALL = "5550000007"
IVR = "5550000006"
BUSY = "5550000001"
ANSWERED_TO = "442079460123"  # the default "answered" scenario: rings 7 s, talks 30 s
AUDIO = "https://audio.example/prompt.mp3"
ANSWER_AT = 6  # long-call and ivr


def start_call(api, controller, to: str, *documents: str, **fields: object) -> str:
    """Place a call whose application's controller answers with ``documents``, in turn."""
    app_sid = api.create_application(controller.serve("/flow", *documents))
    return str(api.place_call(to, app_sid, **fields))


def flow_errors(control) -> list[dict[str, object]]:
    entries = control.http.get("/_mock/journal").json()["entries"]
    return [e for e in entries if e["kind"] == "flow_error"]


# -- playAudio, wait, endCall ------------------------------------------------------------------------


def test_play_audio_and_wait_take_their_time_on_the_virtual_clock(api, control, controller) -> None:
    call_sid = start_call(
        api, controller, LONG_CALL, f'<playAudio loops="2">{AUDIO}</playAudio><wait time="3"/><endCall/>'
    )
    control.advance(ANSWER_AT + 12)
    assert api.call(call_sid)["status"] == "answered"

    control.advance(1)

    call = api.call(call_sid)
    assert (call["status"], call["duration"]) == ("completed", 13)
    assert control.call(call_sid)["ended_by"] == "caller"


def test_end_call_ends_the_call_at_once(api, control, controller) -> None:
    call_sid = start_call(api, controller, LONG_CALL, "<endCall/>", events="completed")

    control.advance(ANSWER_AT)

    call = api.call(call_sid)
    assert (call["status"], call["duration"], call["price"]) == ("completed", 0, 0.0)
    assert [r.form["status"] for r in controller.requests("/flow")] == ["answered", "completed"]


def test_xml_served_as_text_plain_is_run(api, control, receiver) -> None:
    # Apifonica's own PHP sample serves its controller XML as text/plain [S16].
    body = '<?xml version="1.0" encoding="UTF-8"?><response><endCall/></response>'
    receiver.reply("/flow", Reply(body=body, content_type="text/plain"))
    call_sid = api.place_call(LONG_CALL, api.create_application(receiver.url("/flow")))

    control.advance(ANSWER_AT)

    assert api.call(call_sid)["status"] == "completed"


def test_the_end_of_the_document_hangs_up(api, control, controller) -> None:
    call_sid = start_call(api, controller, LONG_CALL, '<wait time="4"/>')

    control.advance(ANSWER_AT + 4)

    assert api.call(call_sid)["status"] == "completed"
    assert control.call(call_sid)["history"][-1]["cause"] == "end of controller XML"


def test_an_empty_controller_reply_lets_the_scenario_run_on(api, control, receiver) -> None:
    app_sid = api.create_application(receiver.url("/flow"))  # the receiver answers an empty 200
    call_sid = api.place_call(ANSWERED_TO, app_sid)

    control.advance(36)
    assert api.call(call_sid)["status"] == "answered"
    control.advance(1)

    assert api.call(call_sid)["status"] == "completed"
    assert control.call(call_sid)["ended_by"] == "callee"


# -- getInput ----------------------------------------------------------------------------------------


def test_get_input_submits_the_ivr_digits_and_strips_the_finish_key(api, control, controller) -> None:
    menu = controller.url("/menu")
    pin = controller.serve("/pin", "<endCall/>")
    controller.serve("/menu", f'<getInput controller="{pin}"/><endCall/>')
    call_sid = start_call(
        api, controller, IVR, f'<getInput controller="{menu}"><playAudio>{AUDIO}</playAudio></getInput>'
    )

    control.advance(ANSWER_AT + 10)

    [first] = controller.requests("/menu")
    [second] = controller.requests("/pin")
    assert first.method == "POST"
    assert first.form == {
        "call_sid": call_sid,
        "account_sid": api.account_sid,
        "from": api.from_number,
        "to": IVR,
        "direction": "outbound",
        "status": "answered",
        "channel": "number",
        "created": "Thu, 01 Jan 2026 09:00:00 +0000",
        "digits": "1",
    }
    assert second.form["digits"] == "1234"
    # "1" (no finish key) is submitted after the 5 s key timeout, at 13; "1234#" at once, at 16.
    call = api.call(call_sid)
    assert (call["status"], call["duration"]) == ("completed", 10)


def test_get_input_submits_with_the_method_it_names(api, control, controller) -> None:
    digits = controller.url("/digits")
    start_call(api, controller, IVR, f'<getInput controller="{digits}" method="GET" maxSymbols="1"/>')

    control.advance(ANSWER_AT + 2)

    [submitted] = controller.requests("/digits")
    assert (submitted.method, submitted.query["digits"], submitted.body) == ("GET", "1", b"")


def test_get_input_without_controller_submits_to_the_current_one(api, control, controller) -> None:
    start_call(api, controller, IVR, '<getInput maxSymbols="1"/><wait time="60"/>', "<endCall/>")

    control.advance(ANSWER_AT + 2)

    assert [r.form.get("digits") for r in controller.requests("/flow")] == [None, "1"]


def test_an_xml_reply_to_the_submission_replaces_the_flow(api, control, controller) -> None:
    menu = controller.serve("/menu", '<wait time="10"/><endCall/>')
    call_sid = start_call(
        api, controller, IVR, f'<getInput controller="{menu}" maxSymbols="1"/><wait time="30"/><endCall/>'
    )

    control.advance(ANSWER_AT + 2 + 9)
    assert api.call(call_sid)["status"] == "answered"  # the first document's <wait> was cut short
    control.advance(1)

    assert api.call(call_sid)["duration"] == 12


def test_commands_after_get_input_that_take_no_time_run_before_the_reply_takes_over(
    api, control, controller
) -> None:
    # "any commands after the <getInput> command will start executing immediately and stop after new
    # XML is received" (Apifonica "<getInput>"): an <endCall/> right after it hangs up at once, even
    # though the controller answers with XML. Code that relies on the reply taking over first would
    # hang up in production.
    menu = controller.serve("/menu", '<wait time="10"/><endCall/>')
    call_sid = start_call(
        api,
        controller,
        IVR,
        f'<getInput controller="{menu}" maxSymbols="1"/><sendMessage text="Bye"/><endCall/>',
    )

    control.advance(ANSWER_AT + 2)

    [submitted] = controller.requests("/menu")
    assert submitted.form["digits"] == "1"  # the digits were still submitted
    call = api.call(call_sid)
    assert (call["status"], call["duration"]) == ("completed", 2)
    assert control.call(call_sid)["history"][-1]["cause"] == "<endCall>"
    assert [m["text"] for m in api.get("/messages").json()["messages"]] == ["Bye"]


def test_an_empty_reply_to_the_submission_goes_on_with_the_document(api, control, controller) -> None:
    menu = controller.url("/menu")  # the receiver answers an empty 200
    call_sid = start_call(
        api, controller, IVR, f'<getInput controller="{menu}" maxSymbols="1"/><wait time="3"/><endCall/>'
    )

    control.advance(ANSWER_AT + 2 + 3)

    assert len(controller.requests("/menu")) == 1
    assert api.call(call_sid)["duration"] == 5


def test_get_input_with_nothing_pressed_moves_on(api, control, controller) -> None:
    digits = controller.url("/digits")
    call_sid = start_call(
        api,
        controller,
        LONG_CALL,
        f'<getInput controller="{digits}" timeoutGeneral="4"><playAudio>{AUDIO}</playAudio></getInput>'
        '<wait time="2"/><endCall/>',
    )

    control.advance(ANSWER_AT + 5 + 4 + 2)  # the prompt, the wait for a first key, then <wait>

    assert controller.requests("/digits") == []
    assert api.call(call_sid)["duration"] == 11


def test_get_input_tries_loops_times_before_moving_on(api, control, controller) -> None:
    call_sid = start_call(api, controller, LONG_CALL, '<getInput loops="3" timeoutGeneral="4"/><endCall/>')

    control.advance(ANSWER_AT + 11)
    assert api.call(call_sid)["status"] == "answered"
    control.advance(1)

    assert api.call(call_sid)["duration"] == 12


def test_get_input_retries_after_too_short_an_entry(api, control, controller) -> None:
    pin = controller.url("/pin")
    call_sid = start_call(
        api, controller, IVR, f'<getInput controller="{pin}" minSymbols="2" loops="2"/><endCall/>'
    )

    control.advance(ANSWER_AT + 2 + 3)  # "1" is too short; "1234#" answers the second try

    assert [r.form["digits"] for r in controller.requests("/pin")] == ["1234"]
    assert api.call(call_sid)["duration"] == 5


# -- makeCall ----------------------------------------------------------------------------------------


def test_make_call_places_a_second_leg_with_its_own_lifecycle(api, control, controller) -> None:
    a_sid = start_call(
        api,
        controller,
        LONG_CALL,
        f"<makeCall><number>{ANSWERED_TO}</number></makeCall><playAudio>{AUDIO}</playAudio>",
    )
    control.advance(ANSWER_AT + 7)  # the B leg rings 7 s, then answers

    [b_leg] = api.calls(to=ANSWERED_TO)
    assert b_leg["parent_call_sid"] == a_sid
    assert (b_leg["status"], b_leg["from"], b_leg["direction"]) == ("answered", api.from_number, "outbound")
    assert api.call(a_sid)["status"] == "answered"

    control.advance(30)  # the B leg's callee hangs up; A goes on with <playAudio>
    b_leg = api.call(b_leg["call_sid"])
    assert (b_leg["status"], b_leg["duration"], b_leg["parent_call_sid"]) == ("completed", 30, a_sid)
    assert api.call(a_sid)["status"] == "answered"

    control.advance(5)
    a_leg = api.call(a_sid)
    assert (a_leg["status"], a_leg["duration"], a_leg["parent_call_sid"]) == ("completed", 42, None)


def test_the_second_legs_statuses_go_to_the_call_controller_too(api, control, controller) -> None:
    # "Call controllers allow you to be informed of the current call statuses on each leg of the call"
    # (Apifonica "Call progress events"): the B leg reports with the A leg's `events`, to its
    # controller, and `parent_call_sid` tells the legs apart.
    a_sid = start_call(
        api,
        controller,
        LONG_CALL,
        f"<makeCall><number>{ANSWERED_TO}</number></makeCall><endCall/>",
        events="all",
    )

    control.advance(ANSWER_AT + 7 + 30)

    [b_leg] = api.calls(to=ANSWERED_TO)
    requests = controller.requests("/flow")
    by_leg = {
        sid: [
            (r.form.get("parent_call_sid"), r.form["status"]) for r in requests if r.form["call_sid"] == sid
        ]
        for sid in (a_sid, b_leg["call_sid"])
    }
    assert len(requests) == 10  # nothing else
    assert by_leg[a_sid] == [
        (None, "queued"),
        (None, "initiated"),
        (None, "ringing"),
        (None, "answered"),  # the fetch of the document
        (None, "completed"),  # <endCall/> once the bridged leg ended
    ]
    assert by_leg[b_leg["call_sid"]] == [
        (a_sid, "queued"),
        (a_sid, "initiated"),
        (a_sid, "ringing"),
        (a_sid, "answered"),
        (a_sid, "completed"),
    ]
    [leg_completed] = [
        r.form for r in requests if r.form.get("parent_call_sid") and r.form["status"] == "completed"
    ]
    assert (leg_completed["from"], leg_completed["to"], leg_completed["duration"]) == (
        api.from_number,
        ANSWERED_TO,
        "30",
    )


def test_second_legs_report_only_the_events_the_call_asked_for(api, control, controller) -> None:
    start_call(
        api,
        controller,
        LONG_CALL,
        f"<makeCall><number>{ANSWERED_TO}</number></makeCall><endCall/>",
        events="completed",
    )

    control.advance(ANSWER_AT + 7 + 30)

    statuses = [
        (r.form.get("parent_call_sid") is not None, r.form["status"]) for r in controller.requests("/flow")
    ]
    assert statuses == [(False, "answered"), (True, "completed"), (False, "completed")]


def test_a_busy_second_leg_lets_the_first_go_on(api, control, controller) -> None:
    a_sid = start_call(
        api, controller, LONG_CALL, f"<makeCall><number>{BUSY}</number></makeCall><wait time='2'/><endCall/>"
    )

    control.advance(ANSWER_AT + 3 + 2)

    [b_leg] = api.calls(to=BUSY)
    assert (b_leg["status"], b_leg["parent_call_sid"]) == ("busy", a_sid)
    a_leg = api.call(a_sid)
    assert (a_leg["status"], a_leg["duration"]) == ("completed", 5)


def test_make_call_with_a_controller_hands_the_call_to_it(api, control, controller) -> None:
    bridged = controller.serve("/bridged", "<endCall/>")
    a_sid = start_call(
        api,
        controller,
        LONG_CALL,
        f'<makeCall controller="{bridged}"><number>{ANSWERED_TO}</number></makeCall><wait time="60"/>',
    )

    control.advance(ANSWER_AT + 7)

    [fetch] = controller.requests("/bridged")
    [b_leg] = api.calls(to=ANSWERED_TO)
    assert (fetch.form["call_sid"], fetch.form["leg_sid"]) == (a_sid, b_leg["call_sid"])
    assert api.call(a_sid)["status"] == "completed"  # the commands after <makeCall> never ran
    assert api.call(b_leg["call_sid"])["status"] == "completed"  # ending A hangs up B


# -- sendMessage -------------------------------------------------------------------------------------


def test_send_message_hands_control_to_the_xml_its_controller_returns(api, control, controller) -> None:
    # "Apifonica will expect to receive a new Apifonica XML file to which flow control will be
    # transferred. In this case any command after the <sendMessage> command is unreachable."
    sms = controller.serve("/sms", '<wait time="2"/><endCall/>')
    call_sid = start_call(
        api,
        controller,
        LONG_CALL,
        f'<sendMessage to="447700900123" text="Your code is 1234" controller_url="{sms}"/>'
        f'<playAudio loops="0">{AUDIO}</playAudio>',  # unreachable: it would play until the end
    )

    control.advance(ANSWER_AT + 2)

    call = api.call(call_sid)
    assert (call["status"], call["duration"]) == ("completed", 2)
    assert control.call(call_sid)["history"][-1]["cause"] == "<endCall>"
    [event] = controller.requests("/sms")
    message_sid = event.form["message_sid"]
    assert event.method == "POST"
    assert event.form == {
        "message_sid": message_sid,
        "account_sid": api.account_sid,
        "direction": "outbound",
        "from": api.from_number,
        "to": "447700900123",
        "status": "sent",
        "text": "Your code is 1234",
        "sms_count": "1",
    }
    response = api.get(f"/messages/{message_sid}")
    assert response.status_code == 200
    assert response.json() == {
        "message_sid": message_sid,
        "account_sid": api.account_sid,
        "number_sid": None,
        "text": "Your code is 1234",
        "created": "Thu, 01 Jan 2026 09:00:06 +0000",
        "direction": "outbound",
        "from": api.from_number,
        "to": "447700900123",
        "price": "0.0010",  # a string in EUR [S5]
        "status": "sent",
        "segment_count": 1,
        "channel": "sms",
        "tag": None,
    }
    assert [m["message_sid"] for m in api.get("/messages").json()["messages"]] == [message_sid]


def test_send_message_to_an_application_uses_its_controller(api, control, controller) -> None:
    sms_app = api.create_application(controller.serve("/sms-app", "<endCall/>"), method="GET")
    call_sid = start_call(
        api,
        controller,
        LONG_CALL,
        f'<sendMessage text="Hi" controller_app="{sms_app}" method="GET"/><wait time="30"/>',
    )

    control.advance(ANSWER_AT)

    [event] = controller.requests("/sms-app")
    assert (event.method, event.query["text"], event.query["to"]) == ("GET", "Hi", LONG_CALL)
    call = api.call(call_sid)
    assert (call["status"], call["duration"]) == ("completed", 0)  # the <wait> never ran


def test_an_empty_answer_from_the_send_message_controller_leaves_nothing_to_run(
    api, control, controller, receiver
) -> None:
    receiver.reply("/sms", Reply(status=200))
    call_sid = start_call(
        api,
        controller,
        LONG_CALL,
        f'<sendMessage text="Hi" controller_url="{receiver.url("/sms")}"/><endCall/>',
    )

    control.advance(ANSWER_AT + 10)

    assert api.call(call_sid)["status"] == "answered"  # <endCall> is unreachable; the callee talks on
    assert flow_errors(control) == []


def test_send_message_without_a_controller_goes_on_with_the_document(api, control, controller) -> None:
    call_sid = start_call(api, controller, LONG_CALL, '<sendMessage text="Hi"/><wait time="3"/><endCall/>')

    control.advance(ANSWER_AT + 3)

    call = api.call(call_sid)
    assert (call["status"], call["duration"]) == ("completed", 3)
    [message] = api.get("/messages").json()["messages"]
    assert (message["from"], message["to"], message["text"]) == (api.from_number, LONG_CALL, "Hi")
    assert len(controller.requests("/flow")) == 1  # only the answer fetch: no message parameters sent


def test_a_send_message_controller_answering_500_ends_the_call(api, control, controller, receiver) -> None:
    receiver.reply("/sms", Reply(status=500))
    sms = receiver.url("/sms")
    call_sid = start_call(api, controller, LONG_CALL, f'<sendMessage text="Hi" controller_url="{sms}"/>')

    control.advance(ANSWER_AT)

    assert (api.call(call_sid)["status"], control.call(call_sid)["ended_by"]) == ("completed", "system")
    [error] = flow_errors(control)
    assert error["detail"] == f"<sendMessage> controller {sms} failed (HTTP 500)"
    assert len(api.get("/messages").json()["messages"]) == 1  # the message itself was sent


def test_send_message_to_an_unknown_application_ends_the_call(api, control, controller) -> None:
    unknown = "app00000000-0000-4000-8000-000000000000"
    call_sid = start_call(api, controller, LONG_CALL, f'<sendMessage text="Hi" controller_app="{unknown}"/>')

    control.advance(ANSWER_AT)

    assert control.call(call_sid)["ended_by"] == "system"
    [error] = flow_errors(control)
    assert error["detail"] == f"<sendMessage controller_app> {unknown}: no such application"


# -- a controller that fails -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('<?xml version="1.0" encoding="UTF-8"?><response><playAudio>', "malformed XML"),
        ("<response><endCall/></response>", "declaration"),
        (
            '<?xml version="1.0" encoding="UTF-8"?><response><say>Hello</say></response>',
            "unknown command <say>",
        ),
        ('<?xml version="1.0" encoding="UTF-8"?><response><record/></response>', "unknown command <record>"),
    ],
    ids=["malformed", "no-declaration", "say", "record"],
)
def test_a_bad_document_ends_the_call_and_is_journaled(api, control, receiver, body, reason) -> None:
    receiver.reply("/flow", Reply(body=body, content_type="application/xml"))
    app_sid = api.create_application(receiver.url("/flow"))
    call_sid = api.place_call(LONG_CALL, app_sid)

    control.advance(ANSWER_AT)

    assert api.call(call_sid)["status"] == "completed"
    assert control.call(call_sid)["ended_by"] == "system"
    [error] = flow_errors(control)
    assert error["call_id"] == control.call(call_sid)["id"]
    assert error["provider"] == "apifonica"
    assert f"invalid controller XML from {receiver.url('/flow')}" in error["detail"]
    assert reason in error["detail"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_a_document_in_another_encoding_with_a_dtd_is_refused_cleanly(api, control, receiver, codec) -> None:
    # Apifonica accepts UTF-8 only [S15]; a billion-laughs document in UTF-16/32 must neither be
    # parsed nor hurt the server: the call ends with a flow error, and the API answers as usual.
    body = (
        f'<?xml version="1.0" encoding="{codec.upper()}"?>'
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        "<response><sendMessage>&lol2;</sendMessage></response>"
    ).encode(codec)
    receiver.reply("/flow", Reply(body=body, content_type=f"application/xml; charset={codec}"))
    call_sid = api.place_call(LONG_CALL, api.create_application(receiver.url("/flow")))

    control.advance(ANSWER_AT)

    assert (api.call(call_sid)["status"], control.call(call_sid)["ended_by"]) == ("completed", "system")
    [error] = flow_errors(control)
    assert error["detail"] == (
        f"invalid controller XML from {receiver.url('/flow')}: "
        f"only UTF-8 is accepted; the document is {codec[:6].upper()}"
    )
    assert api.get("/messages").json()["messages"] == []  # nothing of the document ran


def test_a_dtd_in_a_utf8_document_is_refused_by_the_parser(api, control, receiver) -> None:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE response SYSTEM "file:///etc/passwd">'
        "<response><endCall/></response>"
    )
    receiver.reply("/flow", Reply(body=body, content_type="application/xml"))
    call_sid = api.place_call(LONG_CALL, api.create_application(receiver.url("/flow")))

    control.advance(ANSWER_AT)

    assert control.call(call_sid)["ended_by"] == "system"  # not the <endCall>: nothing ran
    [error] = flow_errors(control)
    assert error["detail"].endswith("DTDs are not accepted (<!DOCTYPE>)")


def test_a_controller_answering_500_ends_the_call(api, control, receiver) -> None:
    receiver.reply("/flow", Reply(status=500))
    app_sid = api.create_application(receiver.url("/flow"))
    call_sid = api.place_call(LONG_CALL, app_sid)

    control.advance(ANSWER_AT)

    assert api.call(call_sid)["status"] == "completed"
    [error] = flow_errors(control)
    assert error["detail"] == f"controller {receiver.url('/flow')} failed (HTTP 500)"


def test_an_unreachable_controller_ends_the_call(api, control) -> None:
    unreachable = f"http://127.0.0.1:{free_port()}/flow"
    app_sid = api.create_application(unreachable)
    call_sid = api.place_call(LONG_CALL, app_sid)

    control.advance(ANSWER_AT)

    assert api.call(call_sid)["status"] == "completed"
    [error] = flow_errors(control)
    assert error["detail"].startswith(f"controller {unreachable} failed (ConnectError")


def test_a_get_input_controller_answering_500_ends_the_call(api, control, controller, receiver) -> None:
    receiver.reply("/digits", Reply(status=500))
    digits = controller.url("/digits")
    call_sid = start_call(
        api, controller, IVR, f'<getInput controller="{digits}" maxSymbols="1"/><wait time="60"/>'
    )

    control.advance(ANSWER_AT + 2)

    assert api.call(call_sid)["status"] == "completed"
    [error] = flow_errors(control)
    assert error["detail"] == f"<getInput> controller {digits} failed (HTTP 500)"
