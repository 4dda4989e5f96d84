"""Any valid ChannelBehavior graph — cycles included — runs without a crash and ends on its own: node
executions are capped (10 per node), Menu repeats by ``MaxRetries``, and every wait is bounded. (A
Conference is left out: it holds a call up to an hour per run, longer than one example may take.)

Each example runs on the real server under a scenario whose callee never hangs up first (it keys in
the generated ``input``), so the call can only end through the flow itself (``caller``) or the
execution limit (``system``).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCENARIO = "dillo-fuzz"
TO = "+15550009999"
LEG_NUMBERS = ["+442079460123", "+15550000001", "+15550000002", "+15550000004"]  # legs that end on their own
KEYS = "0123456789*#"


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, Any]:
    size = draw(st.integers(1, 7))
    target = st.none() | st.integers(0, size - 1)
    nodes = {}
    for key in range(size):
        kind = draw(
            st.sampled_from(
                [
                    *("Say", "Play", "Silence", "Menu", "Collect", "Record", "Dial", "Redirect", "Hangup"),
                    *("AgentConference", "AgentPhone", "Storage"),
                ]
            )
        )
        action: dict[str, Any] = {}
        if kind == "Say":
            action = {"Text": draw(st.text("ab ", min_size=1, max_size=30))}
        elif kind == "Play":
            action = {"Url": "https://cdn.example/a.wav"}
        elif kind == "Silence":
            action = {"Duration": draw(st.integers(0, 20))}
        elif kind == "Menu":
            digits = draw(
                st.dictionaries(st.sampled_from([*"0129#", "NoDigit", "WrongDigit"]), target, min_size=1)
            )
            words = draw(st.dictionaries(st.sampled_from(["yes", "no", "NoWord", "WrongWord"]), target))
            action = {
                "Digits": {k: ({} if t is None else {"NextNode": t}) for k, t in digits.items()},
                "Voices": {k: ({} if t is None else {"NextNode": t}) for k, t in words.items()},
                "VoicesExactMatch": draw(st.booleans()),
                "RepeatOnNoWord": draw(st.booleans()),
                "Timeout": draw(st.integers(1, 10)),
                "RepeatOnNoDigit": draw(st.booleans()),
                "RepeatOnWrongDigit": draw(st.booleans()),
                "MaxRetries": draw(st.integers(0, 3)),
                "RetryDelay": draw(st.integers(0, 3)),
            }
        elif kind == "Collect":
            action = {"Timeout": draw(st.integers(1, 10)), "FinishOnKey": draw(st.sampled_from(["#", "*"]))}
        elif kind == "Record":
            action = {"MaxLength": draw(st.integers(1, 20)), "Transcribe": draw(st.booleans())}
            if draw(st.booleans()):
                action["StopOnKey"] = "#"
        elif kind == "Dial":
            action = {
                "TelephoneNumber": draw(st.sampled_from(LEG_NUMBERS)),
                "Timeout": draw(st.integers(1, 30)),
            }
        elif kind in ("AgentConference", "AgentPhone"):
            action = {"AgentName": "desk " + draw(st.sampled_from(LEG_NUMBERS))[1:]}
        elif kind == "Storage":
            action = {"Key": "k", "Value": draw(st.sampled_from(["UserInput", "Now", "Id", "x"]))}
        elif kind == "Redirect":
            action = {"Node": draw(st.integers(0, size - 1))}
        node: dict[str, Any] = {"ActionType": kind, "ChannelBehaviorAction": action}
        for field in ("NextNode", "OnFailureNextNode"):
            value = draw(target)
            if value is not None:
                node[field] = value
        nodes[str(key)] = node
    return {"ChannelBehaviorNodes": nodes}


inputs = st.lists(
    st.tuples(st.integers(0, 12), st.text(KEYS, max_size=3) | st.sampled_from(["~yes", "~no please"])),
    max_size=6,
)


def scenario_yaml(presses: list[tuple[int, str]]) -> str:
    lines = [
        f"name: {SCENARIO}",
        "steps:",
        "  - {after: 1, state: initiated}",
        "  - {after: 1, state: ringing}",
        "  - {after: 1, state: answered, by: human}",
        "  - {after: 80000, state: completed, by: callee}",
    ]
    if presses:
        lines.append("input:")
        lines += [
            f'  - {{after: {after}, words: "{said[1:]}"}}'
            if said.startswith("~")
            else f'  - {{after: {after}, digits: "{said}"}}'
            for after, said in presses
        ]
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flow=graphs(), presses=inputs)
def test_any_graph_runs_without_a_crash_and_ends_on_its_own(dillo, control, flow, presses) -> None:
    control.reset()
    put = control.http.put(f"/_mock/scenarios/{SCENARIO}", content=scenario_yaml(presses))
    assert put.status_code in (200, 201), put.text
    request_id = dillo.send(dillo.voice(TO, flow), scenario=SCENARIO)

    control.advance(20_000)

    call = control.call(request_id)
    assert call["state"] == "completed"
    assert call["ended_by"] in ("caller", "system"), call["history"][-1]
    assert control.http.get("/_mock/health").json()["internal_errors"] == []
    status = dillo.status(request_id)
    assert status["Status"]["PrimaryStatus"]["Code"] == 200
    nodes = json.loads(status["ChannelBehavior"])["ChannelBehaviorNodes"]
    assert all(0 <= n["ExecutionCount"] <= 10 for n in nodes.values())
    assert nodes["0"]["IsProcessed"] is True
