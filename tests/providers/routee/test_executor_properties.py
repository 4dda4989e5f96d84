"""Hypothesis: whatever valid dialplan a client sends (and whatever its eventUrls answer), the executor
runs it to an end without an internal error, and every conversation ends."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockserver.testing.receiver import Reply

NUMBERS = ["+15550000005", "+15550000006", "+15550000007", "+442079460123", "+15550000001"]
LANGUAGES = ["en-US", "el-GR", "ru-RU"]
flags = st.sampled_from([True, False, "true", "false"])


def verbs(event_url: str) -> st.SearchStrategy[dict[str, Any]]:
    say = st.fixed_dictionaries(
        {
            "type": st.just("SAY"),
            "message": st.fixed_dictionaries(
                {
                    "text": st.text(min_size=1, max_size=40).filter(str.strip).filter(str.isprintable),
                    "language": st.sampled_from(LANGUAGES),
                }
            ),
        },
        optional={"bargeIn": flags, "repeat": st.integers(0, 3)},
    )
    play = st.fixed_dictionaries(
        {"type": st.just("PLAY"), "fileURL": st.just("https://audio.example/a.wav")},
        optional={"bargeIn": flags, "repeat": st.integers(0, 3)},
    )
    pause = st.fixed_dictionaries({"type": st.just("PAUSE")}, optional={"duration": st.integers(0, 30)})
    collect = st.fixed_dictionaries(
        {"type": st.just("COLLECT")},
        optional={"eventUrl": st.just(event_url), "maxDigits": st.integers(1, 6), "submitOnHash": flags},
    )
    dial = st.fixed_dictionaries(
        {
            "type": st.just("DIAL"),
            "from": st.just("+306940000000"),
            "to": st.fixed_dictionaries({"phone": st.sampled_from(NUMBERS)}),
        },
        optional={
            "hangupDelay": st.integers(1, 60),
            "maxDuration": st.integers(1, 60),
            "record": flags,
            "machineDetection": st.just({"strategy": "Continue", "eventUrl": event_url})
            | st.just({"strategy": "Hangup"}),
        },
    )
    return st.one_of(say, play, pause, collect, dial)


def dialplans(event_url: str) -> st.SearchStrategy[dict[str, Any]]:
    others = verbs(event_url).filter(lambda v: v["type"] != "DIAL")
    return st.tuples(
        st.lists(others, min_size=0, max_size=5),
        st.lists(verbs(event_url).filter(lambda v: v["type"] == "DIAL"), max_size=1),
    ).flatmap(
        lambda parts: st.permutations(parts[0] + parts[1]).filter(bool).map(lambda vs: {"verbs": list(vs)})
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
        HealthCheck.too_slow,
    ],
)
@given(data=st.data())
def test_generated_dialplans_never_crash_the_executor(routee, control, client, data) -> None:
    event_url = client.url("/event")
    reply = data.draw(
        st.one_of(
            dialplans(event_url).map(json.dumps), st.sampled_from(["", "{}", "not json", '{"verbs": []}'])
        )
    )
    client.receiver.reply("/event", Reply(body=reply, content_type="application/json"))
    plan = data.draw(dialplans(event_url))
    to = data.draw(st.sampled_from(NUMBERS))
    machine = data.draw(st.none() | st.just({"strategy": "Continue", "eventUrl": event_url}))
    body: dict[str, Any] = {
        "from": "+306940000000",
        "to": {"phone": to},
        "dialPlan": plan,
        "maxDuration": 300,
    }
    if machine:
        body["machineDetection"] = machine
    placed = routee.post_conversation(body)
    assert placed.status_code == 200, placed.text

    control.advance(700)

    assert control.http.get("/_mock/health").json()["internal_errors"] == []
    assert all(
        call["state"] not in ("queued", "initiated", "ringing", "answered") for call in control.calls()
    )
    control.reset()  # hypothesis runs every example in one test: start each from a clean server
    routee.token = routee.new_token()
