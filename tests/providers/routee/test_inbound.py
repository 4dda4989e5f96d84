"""Inbound calls [routee.md §5.4]: a number of an application with a Dialplan URL (configured through
the control API's credentials) takes calls started with ``POST /_mock/inbound``; once the call is
answered, Routee POSTs ``{messageId, conversationTrackingId, from, to}`` to the Dialplan URL and runs the
dialplan it answers within 3 s. The number's callback gets the status callbacks, direction ``Inbound``.

The ivr scenario answers at 6 s and presses "1" 2 s into the first prompt.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mockserver.testing.receiver import Reply

NUMBER = "+306912345678"
CALLER = "+306977777777"


@pytest.fixture
def inbound(routee, control, client) -> Iterator[dict[str, Any]]:
    """The default application with NUMBER (its Dialplan URL and callback on the receiver); removed after
    the test, since credentials outlive a reset."""
    app_id = routee.app["applicationId"]
    number = {"number": NUMBER, "dialPlanUrl": client.url("/inbound"), "callback": client.url("/status")}
    response = control.http.post(
        "/_mock/credentials/routee", json={"applicationId": app_id, "numbers": [number]}
    )
    assert response.status_code == 201, response.text
    yield number
    control.http.post("/_mock/credentials/routee", json={"applicationId": app_id, "numbers": []})


def call_in(control: Any, to: str = NUMBER, scenario: str | None = "ivr") -> Any:
    body = {"provider": "routee", "from": CALLER, "to": to}
    if scenario:
        body["scenario"] = scenario
    return control.http.post("/_mock/inbound", json=body)


def test_an_inbound_call_fetches_its_dialplan_when_answered_and_runs_it(
    inbound, routee, control, client, receiver, dp
) -> None:
    receiver.reply(
        "/inbound", dp.reply(dp.say("Press one"), dp.collect(client.url("/menu"), maxDigits=1), dp.pause(5))
    )

    response = call_in(control)
    assert response.status_code == 201, response.text
    call = response.json()
    assert (call["direction"], call["from"], call["to"], call["scenario"]) == (
        "inbound",
        CALLER,
        NUMBER,
        "ivr",
    )
    tracking_id = call["provider_call_id"]
    control.advance(5)
    assert client.bodies("/inbound") == []  # not before the answer

    control.advance(1 + 1 + 2 + 10)

    [leg] = routee.legs(tracking_id)
    assert client.bodies("/inbound") == [
        {"messageId": leg["messageId"], "conversationTrackingId": tracking_id, "from": CALLER, "to": NUMBER}
    ]
    assert [b["collectedTones"] for b in client.bodies("/menu")] == ["1"]
    assert (leg["direction"], leg["from"], leg["to"], leg["collectedTones"]) == (
        "Inbound",
        CALLER,
        NUMBER,
        "1",
    )
    assert leg["status"]["status"] == "Completed"
    conversation = routee.get(f"/voice/conversation/{tracking_id}")
    assert conversation["direction"] == "Inbound"
    assert (conversation["from"], conversation["to"]) == (CALLER, {"phone": NUMBER})
    assert conversation["dialPlanUrl"] == inbound["dialPlanUrl"]
    statuses = client.bodies("/status")
    assert [s["status"]["name"] for s in statuses] == [
        "Queued",
        "Initiated",
        "Ringing",
        "InProgress",
        "Completed",
    ]
    assert {s["direction"] for s in statuses} == {"Inbound"}


def test_an_invalid_dialplan_reply_drops_the_inbound_call(inbound, control, client, receiver) -> None:
    receiver.reply("/inbound", Reply(200, '{"verbs": []}', "application/json"))
    tracking_id = call_in(control).json()["provider_call_id"]

    control.advance(7)

    call = control.call(tracking_id)
    assert (call["state"], call["ended_by"]) == ("completed", "system")
    assert any("dialPlanUrl" in e for e in client.flow_errors())


def test_a_number_no_application_has_is_a_404(inbound, control) -> None:
    response = call_in(control, to="+306900000000")

    assert response.status_code == 404
    assert control.calls() == []


def test_a_number_belongs_to_one_application(inbound, control, client) -> None:
    number = {"number": NUMBER, "dialPlanUrl": client.url("/other")}

    response = control.http.post("/_mock/credentials/routee", json={"numbers": [number]})

    assert response.status_code == 400
    assert NUMBER in response.text


@pytest.mark.parametrize(
    "numbers",
    [
        pytest.param("+306912345678", id="not-a-list"),
        pytest.param([{"number": "306912345678", "dialPlanUrl": "https://x.example"}], id="no-plus"),
        pytest.param([{"number": "+306912345678"}], id="no-dialplan-url"),
        pytest.param([{"number": "+306912345678", "dialPlanUrl": "https://x", "callback": 3}], id="callback"),
    ],
)
def test_a_bad_number_setup_is_a_400(control, numbers) -> None:
    response = control.http.post("/_mock/credentials/routee", json={"numbers": numbers})

    assert response.status_code == 400
