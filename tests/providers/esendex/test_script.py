"""TextToSay: the parser, the interpreter's guarantees (hypothesis), and scripts run on real calls."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mockserver.providers.esendex.interpreter import MAX_STEPS, Hangup, Interpreter, Listen, Speak, Transfer
from mockserver.providers.esendex.script import COMMANDS, Command, Sound, Text, parse
from tests.providers.esendex.conftest import ANSWERED_TO, PhoneNotify


def test_parse_reads_text_sounds_and_commands_in_every_spelling() -> None:
    script, errors = parse(r"Hi ~^intro~ ~\GetDigits(Pin|5|4)~ ~\\EndCall()~ ~ClearDTMF()~")
    assert errors == []
    assert script.tokens == (
        Text("Hi ", 0),
        Sound("intro", 3),
        Command("GetDigits", ("Pin", "5", "4"), 12),
        Command("EndCall", (), 34),
        Command("ClearDTMF", (), 48),
    )


def test_parse_reports_problems_with_their_position() -> None:
    _, errors = parse(r"ok ~\Frobnicate(1)~ ~\SetVar(a)~ ~\Goto(nowhere)~ tail ~ open")
    assert [(e.pos, e.message) for e in errors] == [
        (3, "unknown command Frobnicate"),
        (20, "SetVar takes 2 argument(s), got 1"),
        (55, "'~' is never closed; the rest is read as text"),
        (33, "Goto: no Label(nowhere)"),
    ]


def run(source: str, presses: list[str | None]) -> tuple[list[Any], Interpreter]:
    """Drive the interpreter: each Speak/Listen gets the next press (None = nothing pressed)."""
    interpreter = Interpreter(parse(source)[0], transfer_number="7575551000")
    actions: list[Any] = []
    feed = iter(presses)
    while True:
        action = interpreter.next()
        actions.append(action)
        if isinstance(action, Hangup | Transfer):
            return actions, interpreter
        digits = next(feed, None)
        if digits is None:
            interpreter.elapsed()
        else:
            interpreter.pressed(digits)


def test_digit_1_repeats_and_0_transfers_by_default() -> None:
    actions, _ = run("Hello there", ["1", None])
    assert actions == [Speak(0.8, True), Speak(0.8, True), Hangup("end of TextToSay")]
    actions, _ = run("Hello there", ["0"])
    assert actions[-1] == Transfer("7575551000")


def test_assigned_digits_jump_and_get_digits_fills_variables() -> None:
    script = (
        r"~\ClearDTMF()~ ~\AssignDTMF(*|Ack)~ Press star ~\WaitForDTMF(5)~ ~\EndCall()~ ~\Label(Ack)~"
        r" ~\GetDigits(n|5|2)~ ~\GotoIf(n|42|Done)~ ~\EndCall()~ ~\Label(Done)~ ~\SetVar(OK|yes)~"
    )
    actions, interpreter = run(script, [None, "*", "429#"])
    assert actions[1] == Listen(5.0, None, 1)
    assert actions[2] == Listen(5.0, "n", 2)
    assert interpreter.variables == {"n": "42", "ok": "yes"}
    assert actions[-1] == Hangup("end of TextToSay")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"~\\^()|abc 0123#*", *COMMANDS]), max_size=60).map("".join))
def test_the_parser_never_crashes(source: str) -> None:
    script, errors = parse(source)
    assert all(0 <= e.pos <= len(source) for e in errors)
    assert all(isinstance(t, Text | Sound | Command) for t in script.tokens)


LOOPING = st.sampled_from(
    [r"~\Label(a)~", r"~\Goto(a)~", r"~\Label(b)~", r"~\GotoIf(v|1|b)~", r"~\IncreaseVariable(v|1)~",
     r"~\AssignDTMF(2|a)~", r"~\ClearDTMF()~", r"~\ActOnDigitPress(false)~", r"~\WaitForDTMF(2)~",
     r"~\GetDigits(v|3|1)~", "words", r"~\PlaySilence(0)~", r"~\SetVar(v|0)~", r"~\EndCall()~"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(LOOPING, max_size=12), presses=st.lists(st.sampled_from(["1", "2", "0", "#", None])))
def test_every_script_ends_whatever_the_callee_presses(parts: list[str], presses: list[str | None]) -> None:
    cycle = presses or [None]
    interpreter = Interpreter(parse(" ".join(parts))[0], transfer_number="7575551000", max_steps=500)
    for turn in range(2_000):
        action = interpreter.next()
        if isinstance(action, Hangup | Transfer):
            break
        digits = cycle[turn % len(cycle)]
        interpreter.pressed(digits) if digits is not None else interpreter.elapsed()
    else:
        raise AssertionError("the script did not end")
    assert interpreter.steps <= 500 + 1
    assert MAX_STEPS >= 500


def test_a_transfer_on_a_real_call_reports_transferred(notify: PhoneNotify, control: Any) -> None:
    queue_id = notify.basic(ANSWERED_TO, text=r"Connecting you ~\TransferTo(7575551000)~")["QueueID"]
    control.advance(60)
    assert notify.status(queue_id)["ResponseCode"] == "24"


def test_digits_injected_during_speech_interrupt_it(notify: PhoneNotify, control: Any) -> None:
    script = r"~\AssignDTMF(2|Two)~ ~\PlaySilence(20)~ ~\EndCall()~ ~\Label(Two)~ ~\SetVar(chose|two)~"
    queue_id = notify.basic(ANSWERED_TO, text=script)["QueueID"]
    control.advance(8)  # answered at 7 s
    response = control.http.post(f"/_mock/calls/{queue_id}/events", json={"type": "digits", "digits": "2"})
    assert response.status_code == 200, response.text
    control.advance(1)
    status = notify.status(queue_id)
    assert (status["ResponseCode"], status["DigitsPressed"], status["Duration"]) == ("1", "2", "1")
    advanced = notify.post("GetQueueIDStatusWithAdvancedInfo", QueueID=queue_id)
    assert "<Variable><VariableName>chose</VariableName><VariableValue>two</VariableValue></Variable>" in (
        advanced.text
    )


def test_script_problems_are_journaled_with_their_position(notify: PhoneNotify, control: Any) -> None:
    queue_id = notify.basic(ANSWERED_TO, text=r"Hi ~\Nope()~")["QueueID"]
    entries = control.http.get("/_mock/journal").json()["entries"]
    errors = [e for e in entries if e["kind"] == "flow_error"]
    assert [(e["call_id"], e["detail"]) for e in errors] == [
        (queue_id, "TextToSay at 3: unknown command Nope")
    ]
