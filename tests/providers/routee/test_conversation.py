"""POST /voice/conversation [routee.md §3.1-3.3]: the echo, every validation rule, the rate limit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FROM = "+306940000000"
JSON = {"Content-Type": "application/json"}
SAY = {"type": "SAY", "message": {"text": "Hi", "language": "en-US"}}


def test_the_response_echoes_the_request_with_id_direction_and_creation_time(routee) -> None:
    body = {
        "from": FROM,
        "to": {"phone": "+306948530000"},
        "dialPlan": {"verbs": [SAY]},
        "callback": {"url": "https://client.example/status", "strategy": "OnCompletion"},
        "maxDuration": 120,
        "machineDetection": {"strategy": "Continue", "eventUrl": "https://client.example/amd"},
    }

    response = routee.post_conversation(body)

    assert response.status_code == 200
    got = response.json()
    assert got == {
        **body,
        "trackingId": got["trackingId"],
        "direction": "Outbound",
        "hangupDelay": 20,
        "createdAt": "2026-01-01T09:00:00.000Z",
    }


def test_a_conversation_is_read_back_with_its_recordings(routee) -> None:
    placed = routee.post_conversation(
        {"from": FROM, "to": {"sip": "alice@sip.example:55080"}, "dialPlan": {"verbs": [SAY]}}
    )

    got = routee.get(f"/voice/conversation/{placed.json()['trackingId']}")

    assert got == {**placed.json(), "recordings": []}


def test_booleans_written_as_strings_are_accepted(routee, dp) -> None:
    verbs = [
        dp.say("Press", bargeIn="true"),
        dp.collect("https://client.example/tones", submitOnHash="false"),
        dp.dial("+306948530001", record="true", callback="https://client.example/dial"),
    ]
    response = routee.post_conversation(
        {"from": FROM, "to": {"viber": "306971234567"}, "dialPlan": dp.plan(*verbs)}
    )

    assert response.status_code == 200, response.text


def verb(**fields: Any) -> dict[str, Any]:
    """A body change: the dialplan holds this one verb."""
    return {"dialPlan": {"verbs": [fields]}}


DIAL = {"type": "DIAL", "from": FROM, "to": {"phone": "+306948530001"}}
V0 = "dialPlan.verbs[0]"
INVALID: list[tuple[str, dict[str, Any], str, str]] = [
    ("no to", {"to": None}, "400013001", "to"),
    ("two destinations", {"to": {"phone": "+306948530000", "sip": "a@b"}}, "400013001", "to"),
    ("phone without +", {"to": {"phone": "306948530000"}}, "400013001", "to.phone"),
    ("bad sip", {"to": {"sip": "no-at-sign"}}, "400013001", "to.sip"),
    ("no from", {"from": None}, "400013002", "from"),
    ("from not a string", {"from": 42}, "400013002", "from"),
    ("neither dialPlan nor dialPlanUrl", {"dialPlan": None}, "400013003", "dialPlan"),
    ("both dialPlan and dialPlanUrl", {"dialPlanUrl": "https://x.example/p"}, "400013003", "dialPlan"),
    ("empty verbs", {"dialPlan": {"verbs": []}}, "400013003", "dialPlan.verbs"),
    ("dialPlanUrl not a URL", {"dialPlan": None, "dialPlanUrl": "ftp://x"}, "400013003", "dialPlanUrl"),
    ("two DIALs", {"dialPlan": {"verbs": [DIAL, DIAL]}}, "400013004", "dialPlan.verbs"),
    ("hangupDelay 0", {"hangupDelay": 0}, "400013005", "hangupDelay"),
    ("hangupDelay 61", {"hangupDelay": 61}, "400013005", "hangupDelay"),
    ("maxDuration 0", {"maxDuration": 0}, "400013005", "maxDuration"),
    ("unknown verb", verb(type="SING"), "400013006", f"{V0}.type"),
    (
        "unknown language",
        verb(type="SAY", message={"text": "x", "language": "xx"}),
        "400013006",
        f"{V0}.message.language",
    ),
    (
        "bad gender",
        verb(type="SAY", message={"text": "x", "language": "el-GR", "gender": "robot"}),
        "400013006",
        f"{V0}.message.gender",
    ),
    ("PLAY without fileURL", verb(type="PLAY"), "400013006", f"{V0}.fileURL"),
    ("bargeIn not a boolean", verb(**SAY, bargeIn="yes"), "400013006", f"{V0}.bargeIn"),
    ("negative PAUSE", verb(type="PAUSE", duration=-1), "400013006", f"{V0}.duration"),
    ("COLLECT maxDigits 0", verb(type="COLLECT", maxDigits=0), "400013006", f"{V0}.maxDigits"),
    ("DIAL without to", verb(type="DIAL", **{"from": FROM}), "400013006", f"{V0}.to"),
    ("DIAL recordingFormat OGG", verb(**DIAL, recordingFormat="OGG"), "400013006", f"{V0}.recordingFormat"),
    ("DIAL hangupDelay 0", verb(**DIAL, hangupDelay=0), "400013005", f"{V0}.hangupDelay"),
    (
        "callback strategy",
        {"callback": {"url": "https://x.example", "strategy": "Always"}},
        "400013007",
        "callback.strategy",
    ),
    ("callback without url", {"callback": {"strategy": "OnChange"}}, "400013007", "callback.url"),
    (
        "machineDetection strategy",
        {"machineDetection": {"strategy": "Ignore"}},
        "400013008",
        "machineDetection.strategy",
    ),
    (
        "Continue without eventUrl",
        {"machineDetection": {"strategy": "Continue"}},
        "400013008",
        "machineDetection.eventUrl",
    ),
]


@pytest.mark.parametrize(("change", "code", "field"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_an_invalid_body_is_a_400_naming_the_field(routee, conversation_body, change, code, field) -> None:
    body = {k: v for k, v in {**conversation_body, **change}.items() if v is not None}

    response = routee.post_conversation(body)

    assert response.status_code == 400, response.text
    assert response.json()["code"] == code
    assert list(response.json()["properties"]) == [field]


def test_a_body_that_is_not_json_is_a_400_or_415(routee) -> None:
    not_json = routee.request("POST", "/voice/conversation", content=b"{", headers=JSON)
    form = routee.request("POST", "/voice/conversation", data={"from": FROM})

    assert (not_json.status_code, not_json.json()["code"]) == (400, "400013000")
    assert (form.status_code, form.json()["code"]) == (415, "415000000")


def test_an_unknown_scenario_header_is_a_400(routee, conversation_body) -> None:
    response = routee.post_conversation(conversation_body, headers={"X-Mock-Scenario": "nope"})

    assert (response.status_code, response.json()["code"]) == (400, "400013000")


def test_unknown_conversations_and_paths_are_routee_404s(routee) -> None:
    unknown = routee.request("GET", "/voice/conversation/00000000-0000-4000-8000-000000000000")
    path = routee.request("GET", "/voice/nothing-here")

    assert (unknown.status_code, unknown.json()["code"]) == (404, "404013000")
    assert (path.status_code, path.json()["code"]) == (404, "404000000")
    wrong_method = routee.request("PUT", "/voice/conversation")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "405000000")


def test_another_applications_conversation_is_not_found(routee, new_client, conversation_body) -> None:
    tracking_id = routee.post_conversation(conversation_body).json()["trackingId"]

    response = new_client().request("GET", f"/voice/conversation/{tracking_id}")

    assert response.status_code == 404


# -- the rate limit: 1 request per second per application [routee.md §9] ---------------------------


def test_a_second_conversation_in_the_same_second_is_a_429(limited, control, conversation_body) -> None:
    assert limited.post_conversation(conversation_body).status_code == 200

    again = limited.post_conversation(conversation_body)
    control.advance(0.5)
    still = limited.post_conversation(conversation_body)
    control.advance(0.5)
    later = limited.post_conversation(conversation_body)

    assert (again.status_code, again.json()["code"]) == (429, "429013000")
    assert still.status_code == 429
    assert later.status_code == 200


def test_the_rate_limit_is_per_application(limited, new_client, conversation_body) -> None:
    assert limited.post_conversation(conversation_body).status_code == 200
    assert new_client().post_conversation(conversation_body).status_code == 200


def test_rejected_bodies_do_not_use_up_the_second(limited, conversation_body) -> None:
    assert limited.post_conversation({**conversation_body, "hangupDelay": 0}).status_code == 400
    assert limited.post_conversation(conversation_body).status_code == 200


def test_the_rate_limit_can_be_switched_off_per_application(new_client, conversation_body) -> None:
    client = new_client(rate_limit=False)

    statuses = [client.post_conversation(conversation_body).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]


# -- no body makes a 5xx -------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
KEYS = ["to", "from", "dialPlan", "dialPlanUrl", "callback", "hangupDelay", "maxDuration", "machineDetection"]
bodies = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8) | json_values


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_no_body_makes_the_server_fail(routee, body) -> None:
    raw = json.dumps(body).encode()
    response = routee.request("POST", "/voice/conversation", content=raw, headers=JSON)

    assert response.status_code in (200, 400), response.text
    assert response.status_code == 200 or response.json()["code"].startswith("400013")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/voice/tracking", "/oauth/token"]), raw=st.binary(max_size=60))
def test_no_raw_body_on_the_other_posts_makes_the_server_fail(routee, path, raw) -> None:
    response = routee.request("POST", path, content=raw, headers=JSON)

    assert response.status_code < 500  # an empty /voice/tracking body is no filter: 200
