"""The dialplan executor [routee.md §5.2-5.4, §6] on the virtual clock.

Scenario timings (seconds after the request): long-call and ivr answer at 6; the ivr callee presses "1"
2 s into the first prompt and "1234#" 3 s into the second; voicemail is answered by a machine at 11;
the default scenario answers at 7 and hangs up 30 s later. The mock speaks SAY text at 15 characters a
second (at least 1 s) and plays a PLAY file in 5 s; COLLECT takes no time (it arms a collector).
"""

from __future__ import annotations

from mockserver.testing.receiver import Reply

LONG_CALL = "+15550000007"
IVR = "+15550000006"
VOICEMAIL = "+15550000005"
BUSY = "+15550000001"
NO_ANSWER = "+15550000002"
ANSWERED = "+442079460123"


def ended(control, tracking_id: str) -> tuple[str, str, int]:
    call = control.call(tracking_id)
    return call["state"], call["ended_by"], call["duration"]


# -- SAY, PLAY, PAUSE ----------------------------------------------------------------------------


def test_say_play_and_pause_take_their_time_and_the_end_of_the_dialplan_hangs_up(routee, control, dp) -> None:
    tracking_id = routee.place(LONG_CALL, dp.say("Hello"), dp.play(repeat=2), dp.pause(3))
    control.advance(6 + 1 + 10 + 2)
    assert routee.status(tracking_id) == "InProgress"

    control.advance(1)

    assert routee.status(tracking_id) == "Completed"
    assert ended(control, tracking_id) == ("completed", "caller", 14)


def test_maxduration_ends_a_long_conversation(routee, control, dp) -> None:
    tracking_id = routee.place(LONG_CALL, dp.pause(3600), maxDuration=30)

    control.advance(36)

    assert ended(control, tracking_id) == ("completed", "system", 30)


def test_hangupdelay_is_how_long_the_call_may_ring(routee, control, dp) -> None:
    tracking_id = routee.place(NO_ANSWER, hangupDelay=10)

    control.advance(10)

    assert routee.status(tracking_id) == "NoAnswer"


# -- COLLECT -------------------------------------------------------------------------------------


def press(control, tracking_id: str, digits: str) -> None:
    keyed = control.http.post(f"/_mock/calls/{tracking_id}/events", json={"type": "digits", "digits": digits})
    assert keyed.status_code == 200, keyed.text


def test_collect_does_not_block_the_verbs_after_it(routee, control, dp, client) -> None:
    tracking_id = routee.place(LONG_CALL, dp.collect(client.url("/tones")), dp.pause(4))

    control.advance(6 + 4)

    assert ended(control, tracking_id) == ("completed", "caller", 4)
    assert [b["collectedTones"] for b in client.bodies("/tones")] == [""]  # once, as the call ended


def test_scenario_input_arrives_while_the_following_verbs_play(routee, control, dp, client) -> None:
    client.receiver.reply(
        "/menu",
        dp.reply(dp.say("Enter your PIN"), dp.collect(client.url("/pin"), submitOnHash=True), dp.pause(10)),
    )
    tracking_id = routee.place(
        IVR,
        dp.say("Press 1"),
        dp.collect(client.url("/menu"), maxDigits=1),
        dp.pause(5),
        dp.say("Not reached"),
    )

    control.advance(8)
    assert client.bodies("/menu") == []
    control.advance(1)  # "1" comes 2 s into the COLLECT, while the PAUSE runs
    assert [b["collectedTones"] for b in client.bodies("/menu")] == ["1"]
    control.advance(4)  # the reply's SAY (1 s), its COLLECT; "1234#" 3 s later

    (menu,) = client.bodies("/menu")
    legs = routee.legs(tracking_id)
    assert menu == {
        "messageId": legs[0]["messageId"],
        "conversationTrackingId": tracking_id,
        "from": "+306940000000",
        "to": IVR,
        "collectedTones": "1",
    }
    assert [b["collectedTones"] for b in client.bodies("/pin")] == ["1234"]
    assert legs[0]["collectedTones"] == "11234"
    control.advance(7)
    assert ended(control, tracking_id) == ("completed", "caller", 14)


def test_submit_on_hash_posts_nothing_until_the_hash(routee, control, dp, client) -> None:
    tracking_id = routee.place(LONG_CALL, dp.collect(client.url("/tones"), submitOnHash=True), dp.pause(60))
    control.advance(8)
    press(control, tracking_id, "1")

    control.advance(20)
    assert client.bodies("/tones") == []
    press(control, tracking_id, "2#")

    assert [b["collectedTones"] for b in client.bodies("/tones")] == ["12"]
    control.advance(60)
    assert len(client.bodies("/tones")) == 1  # the COLLECT has done its work: no second post at the end


def test_submit_on_hash_without_the_hash_posts_empty_tones_once_when_the_call_ends(
    routee, control, dp, client
) -> None:
    tracking_id = routee.place(
        LONG_CALL, dp.collect(client.url("/tones"), submitOnHash=True), dp.pause(7), dp.play()
    )
    control.advance(8)
    press(control, tracking_id, "1")

    control.advance(9)
    assert client.bodies("/tones") == []
    control.advance(1)

    assert ended(control, tracking_id) == ("completed", "caller", 12)
    assert [b["collectedTones"] for b in client.bodies("/tones")] == [""]
    assert routee.legs(tracking_id)[0]["collectedTones"] == "1"


def test_without_submit_on_hash_tones_go_at_max_digits(routee, control, dp, client) -> None:
    tracking_id = routee.place(LONG_CALL, dp.collect(client.url("/tones"), maxDigits=3), dp.pause(60))
    control.advance(8)
    press(control, tracking_id, "12")
    control.advance(30)
    assert client.bodies("/tones") == []  # no silence timeout: Routee documents none

    press(control, tracking_id, "3#4")

    assert [b["collectedTones"] for b in client.bodies("/tones")] == ["123"]


def test_without_submit_on_hash_or_max_digits_the_tones_go_when_the_call_ends(
    routee, control, dp, client
) -> None:
    tracking_id = routee.place(LONG_CALL, dp.collect(client.url("/tones")), dp.pause(20), dp.say("Thanks"))
    control.advance(8)
    press(control, tracking_id, "42#")

    control.advance(18)
    assert client.bodies("/tones") == []
    control.advance(1)

    assert ended(control, tracking_id) == ("completed", "caller", 21)
    assert [b["collectedTones"] for b in client.bodies("/tones")] == ["42#"]


def test_barge_in_cuts_a_say_short_and_sends_the_tones_at_once(routee, control, dp, client) -> None:
    long_text = "Welcome. " * 20  # 180 characters: 12 s of speech
    tracking_id = routee.place(
        IVR, dp.say(long_text, bargeIn=True), dp.collect(client.url("/tones"), maxDigits=5), dp.say("Bye")
    )

    control.advance(8)

    assert [b["collectedTones"] for b in client.bodies("/tones")] == ["1"]
    control.advance(1)
    assert ended(control, tracking_id) == ("completed", "caller", 3)
    assert len(client.bodies("/tones")) == 1


def test_barge_in_after_an_armed_collect_sends_its_tones_at_once(routee, control, dp, client) -> None:
    long_text = "Welcome. " * 20
    tracking_id = routee.place(
        IVR, dp.collect(client.url("/tones"), maxDigits=5), dp.say(long_text, bargeIn=True), dp.say("Bye")
    )

    control.advance(8)

    assert [b["collectedTones"] for b in client.bodies("/tones")] == ["1"]
    control.advance(1)
    assert ended(control, tracking_id) == ("completed", "caller", 3)


def test_an_invalid_reply_is_journaled_and_the_dialplan_goes_on(routee, control, dp, client) -> None:
    client.receiver.reply(
        "/tones", Reply(body='{"verbs": [{"type": "SING"}]}', content_type="application/json")
    )
    tracking_id = routee.place(IVR, dp.collect(client.url("/tones"), maxDigits=1), dp.pause(5))

    control.advance(6 + 5)

    assert ended(control, tracking_id) == ("completed", "caller", 5)
    assert any("invalid dialplan" in e for e in client.flow_errors())


def test_a_reply_later_than_three_seconds_is_ignored(routee, control, dp, client) -> None:
    slow = dp.reply(dp.pause(600))
    slow.delay = 3.3  # wall-clock seconds: Routee waits 3 s
    client.receiver.reply("/tones", slow)
    tracking_id = routee.place(IVR, dp.collect(client.url("/tones"), maxDigits=1), dp.pause(5))

    control.advance(11)

    assert ended(control, tracking_id) == ("completed", "caller", 5)
    assert any("timeout" in e for e in client.flow_errors())


# -- repeat: -1 ----------------------------------------------------------------------------------


def test_an_endless_say_loops_until_max_duration(routee, control, dp) -> None:
    tracking_id = routee.place(LONG_CALL, dp.say("Please hold", repeat=-1), maxDuration=300)

    control.advance(6 + 299)
    assert routee.status(tracking_id) == "InProgress"
    control.advance(1)

    assert ended(control, tracking_id) == ("completed", "system", 300)


def test_an_endless_say_loops_until_the_callee_hangs_up(routee, control, dp) -> None:
    tracking_id = routee.place(ANSWERED, dp.say("Please hold", repeat="-1"))

    control.advance(7 + 30)

    assert ended(control, tracking_id) == ("completed", "callee", 30)


def test_an_endless_play_stops_when_a_reply_replaces_the_dialplan(routee, control, dp, client) -> None:
    client.receiver.reply("/menu", dp.reply(dp.say("Bye")))
    tracking_id = routee.place(IVR, dp.collect(client.url("/menu"), maxDigits=1), dp.play(repeat=-1))

    control.advance(8)
    assert [b["collectedTones"] for b in client.bodies("/menu")] == ["1"]
    control.advance(1)

    assert ended(control, tracking_id) == ("completed", "caller", 3)


# -- dialPlanUrl ---------------------------------------------------------------------------------


def test_the_dialplan_url_is_fetched_when_the_call_is_answered(routee, control, dp, client) -> None:
    client.receiver.reply("/plan", dp.reply(dp.say("Hi"), dp.pause(2)))
    tracking_id = routee.place(LONG_CALL, dialPlanUrl=client.url("/plan"))
    control.advance(5)
    assert client.bodies("/plan") == []

    control.advance(4)

    (fetch,) = client.bodies("/plan")
    assert fetch == {
        "messageId": routee.legs(tracking_id)[0]["messageId"],
        "conversationTrackingId": tracking_id,
        "from": "+306940000000",
        "to": LONG_CALL,
    }
    assert ended(control, tracking_id) == ("completed", "caller", 3)


def test_a_dialplan_url_without_a_dialplan_ends_the_call(routee, control, client) -> None:
    client.receiver.reply("/plan", Reply(status=500))
    tracking_id = routee.place(LONG_CALL, dialPlanUrl=client.url("/plan"))

    control.advance(6)

    assert ended(control, tracking_id) == ("completed", "system", 0)
    assert any("dialPlanUrl" in e for e in client.flow_errors())


# -- machine detection ---------------------------------------------------------------------------


def test_a_machine_with_hangup_ends_the_call_answered_by_machine(routee, control, dp) -> None:
    tracking_id = routee.place(VOICEMAIL, dp.say("Hello"), machineDetection={"strategy": "Hangup"})

    control.advance(11)

    (leg,) = routee.legs(tracking_id)
    assert (leg["status"]["status"], leg["answeredBy"], leg["duration"]) == ("Completed", "MACHINE", 0)
    assert ended(control, tracking_id)[:2] == ("completed", "system")


def test_a_machine_with_continue_runs_the_dialplan_the_event_url_answers(routee, control, dp, client) -> None:
    client.receiver.reply("/amd", dp.reply(dp.say("Leave a message"), dp.pause(4)))
    amd = {"strategy": "Continue", "eventUrl": client.url("/amd")}
    tracking_id = routee.place(VOICEMAIL, dp.say("Hello human"), machineDetection=amd)

    control.advance(16)

    (event,) = client.bodies("/amd")
    assert event["answeredBy"] == "MACHINE"
    assert event["conversationTrackingId"] == tracking_id
    assert ended(control, tracking_id) == ("completed", "caller", 5)


def test_a_human_is_not_affected_by_machine_detection(routee, control, dp, client) -> None:
    amd = {"strategy": "Continue", "eventUrl": client.url("/amd")}
    tracking_id = routee.place(LONG_CALL, dp.pause(2), machineDetection=amd)

    control.advance(8)

    assert client.bodies("/amd") == []
    assert routee.legs(tracking_id)[0]["answeredBy"] == "HUMAN"
    assert ended(control, tracking_id) == ("completed", "caller", 2)


# -- DIAL ----------------------------------------------------------------------------------------


def test_dial_bridges_a_second_leg_with_its_own_status_and_recording(routee, control, dp, client) -> None:
    dial = dp.dial(
        ANSWERED,
        callback={"url": client.url("/leg"), "strategy": "OnChange"},
        record=True,
        recordingCallbackUrl=client.url("/rec"),
    )
    tracking_id = routee.place(LONG_CALL, dp.say("Hi"), dial, dp.say("Bye"))

    control.advance(7 + 37 + 1)

    main, leg = routee.legs(tracking_id)
    assert client.statuses("/leg") == ["Queued", "Initiated", "Ringing", "InProgress", "Completed"]
    assert (leg["status"]["status"], leg["to"], leg["duration"]) == ("Completed", ANSWERED, 30)
    assert leg["conversationTrackingId"] == tracking_id != leg["messageId"]
    assert ended(control, tracking_id) == ("completed", "caller", 39)
    (recording,) = routee.get(f"/voice/conversation/{tracking_id}")["recordings"]
    assert client.bodies("/rec") == [recording]
    assert (recording["duration"], recording["voiceTrackingIds"]) == (
        30,
        [main["messageId"], leg["messageId"]],
    )
    assert (recording["start"], recording["end"]) == ("2026-01-01T09:00:14.000Z", "2026-01-01T09:00:44.000Z")
    audio = routee.request("GET", recording["url"])
    assert (audio.status_code, audio.headers["content-type"]) == (200, "audio/mpeg")


def test_a_busy_dial_leg_lets_the_dialplan_go_on(routee, control, dp) -> None:
    tracking_id = routee.place(LONG_CALL, dp.dial(BUSY), dp.pause(5))

    control.advance(6 + 3 + 5)

    assert [leg["status"]["status"] for leg in routee.legs(tracking_id)] == ["Completed", "Busy"]
    assert ended(control, tracking_id) == ("completed", "caller", 8)


def test_a_dial_leg_answered_by_a_machine_is_hung_up_with_hangup(routee, control, dp) -> None:
    tracking_id = routee.place(
        LONG_CALL, dp.dial(VOICEMAIL, machineDetection={"strategy": "Hangup"}), dp.pause(1)
    )

    control.advance(6 + 11 + 1)

    main, leg = routee.legs(tracking_id)
    assert (leg["status"]["status"], leg["answeredBy"], leg["duration"]) == ("Completed", "MACHINE", 0)
    assert main["status"]["status"] == "Completed"


def test_dial_maxduration_and_hangupdelay_apply_to_the_leg(routee, control, dp) -> None:
    tracking_id = routee.place(LONG_CALL, dp.dial(LONG_CALL, maxDuration=10), dp.pause(1))

    control.advance(6 + 6 + 10 + 1)

    leg = routee.legs(tracking_id)[1]
    assert (leg["status"]["status"], leg["duration"]) == ("Completed", 10)


def test_ending_the_conversation_ends_its_dial_leg(routee, control, dp) -> None:
    tracking_id = routee.place(LONG_CALL, dp.dial(LONG_CALL))
    control.advance(6 + 6)

    routee.request("DELETE", f"/voice/conversation/{tracking_id}")
    control.advance(1)

    assert [leg["status"]["status"] for leg in routee.legs(tracking_id)] == ["Completed", "Completed"]
    assert [c["ended_by"] for c in control.calls()] == ["api", "caller"]


def test_a_dial_may_wait_longer_than_a_minute(routee, control, dp) -> None:
    # DIAL verb page: hangupDelay "Min value: 1" and no maximum (the conversation's own is 1-60)
    tracking_id = routee.place(LONG_CALL, dp.dial(NO_ANSWER, hangupDelay=90), dp.pause(1))

    control.advance(6 + 89)
    assert routee.legs(tracking_id)[1]["status"]["status"] == "Ringing"
    control.advance(1)

    assert routee.legs(tracking_id)[1]["status"]["status"] == "NoAnswer"
