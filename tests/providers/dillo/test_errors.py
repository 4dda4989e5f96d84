"""Errors: 401 for missing or wrong headers, 404 for unknown or another customer's id, 400 naming the
field or node for every bad payload — always ``{"IsSuccess": false, "ErrorMessage": ...}`` (mock's
choice, dillo.md §9.1-9.3), never a 5xx."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

UNKNOWN = "00000000-0000-4000-8000-000000000000"
SAY = {"ActionType": "Say", "ChannelBehaviorAction": {"Text": "hello"}}


def assert_error(response: httpx.Response, status: int, mentions: str = "") -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"IsSuccess", "ErrorMessage"}
    assert body["IsSuccess"] is False
    assert mentions in body["ErrorMessage"], body["ErrorMessage"]


# -- auth --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="none"),
        pytest.param({"ApiKey": "A" * 64}, id="no-customer-code"),
        pytest.param({"CustomerCode": UNKNOWN}, id="no-api-key"),
        pytest.param({"ApiKey": "", "CustomerCode": ""}, id="empty"),
    ],
)
def test_missing_headers_are_unauthorized(http, dillo, headers) -> None:
    response = http.post("/api/sendaction", json={}, headers=headers)

    assert_error(response, 401, "ApiKey and CustomerCode headers are required")


def test_a_wrong_api_key_is_unauthorized(http, dillo) -> None:
    response = http.get(
        f"/api/sendaction/voice/{UNKNOWN}", headers={"ApiKey": "B" * 64, "CustomerCode": dillo.customer_code}
    )

    assert_error(response, 401, "Invalid ApiKey or CustomerCode")


def test_an_unknown_customer_is_unauthorized(http, dillo) -> None:
    response = http.get(
        f"/api/sendaction/voice/{UNKNOWN}", headers={"ApiKey": dillo.api_key, "CustomerCode": UNKNOWN}
    )

    assert_error(response, 401, "Invalid ApiKey or CustomerCode")


def test_header_names_are_case_insensitive(http, dillo) -> None:
    headers = {"apikey": dillo.api_key, "CUSTOMERCODE": dillo.customer_code.upper()}

    response = http.post("/api/sendaction", json=dillo.envelope({"Text": "hi"}, "Sms"), headers=headers)

    assert response.status_code == 200, response.text


def test_the_routes_also_answer_under_the_provider_prefix(http, dillo) -> None:
    response = http.get(f"/dillo/api/sendaction/voice/{UNKNOWN}", headers=dillo.headers)

    assert_error(response, 404, "Voice request not found")


# -- ids ---------------------------------------------------------------------------------------------


def test_an_unknown_id_is_not_found(dillo) -> None:
    assert_error(dillo.get(UNKNOWN), 404, "Voice request not found")


def test_another_customers_request_is_not_found(dillo, other_customer) -> None:
    theirs = other_customer.call("+15550000007", SAY)
    assert other_customer.get(theirs).status_code == 200

    assert_error(dillo.get(theirs), 404, "Voice request not found")
    assert_error(dillo.hangup(theirs), 404, "Voice request not found")


def test_an_id_that_is_not_a_guid_is_a_bad_request(dillo) -> None:
    assert_error(dillo.get("12345"), 400, "not a GUID")


def test_an_upper_case_id_finds_the_request(dillo) -> None:
    request_id = dillo.call("+15550000007", SAY)

    assert dillo.get(request_id.upper()).status_code == 200


def test_an_unknown_path_under_api_is_a_dillo_404(http, dillo) -> None:
    assert_error(http.get("/api/nothing", headers=dillo.headers), 404)


def test_a_wrong_method_is_a_dillo_405(http, dillo) -> None:
    assert_error(http.get("/api/sendaction", headers=dillo.headers), 405)


# -- the envelope ------------------------------------------------------------------------------------


def raw_post(dillo: Any, content: bytes) -> httpx.Response:
    headers = {**dillo.headers, "Content-Type": "application/json"}
    return dillo.http.post("/api/sendaction", content=content, headers=headers)


@pytest.mark.parametrize(
    ("content", "mentions"),
    [
        pytest.param(b"{not json", "the request body is not valid JSON", id="malformed"),
        pytest.param(b"[]", "must be a JSON object", id="array"),
        pytest.param(b'{"SendActionType": NaN}', "the request body is not valid JSON", id="nan"),
        pytest.param(
            b'{"SendActionType": "Sms", "MessagePayload": "{\\"a\\": ' + b"[" * 40 + b"]" * 40 + b'}"}',
            "MessagePayload is nested deeper than 32 levels",
            id="too-deep",
        ),
        pytest.param(b'{"MessagePayload": "{}"}', "SendActionType is required", id="no-type"),
        pytest.param(
            b'{"SendActionType": "Fax", "MessagePayload": "{}"}', "SendActionType 'Fax'", id="bad-type"
        ),
        pytest.param(b'{"SendActionType": "Voice"}', "MessagePayload is required", id="no-payload"),
        pytest.param(
            b'{"SendActionType": "Voice", "MessagePayload": {"Sender": "+393391003110"}}',
            "MessagePayload must be a JSON string (the serialized request), not a JSON object",
            id="payload-not-a-string",
        ),
        pytest.param(
            b'{"SendActionType": "Voice", "MessagePayload": "{oops"}',
            "MessagePayload is not valid JSON",
            id="payload-malformed",
        ),
        pytest.param(
            b'{"SendActionType": "Sms", "MessagePayload": "[1]"}',
            "MessagePayload must serialize a JSON object",
            id="payload-array",
        ),
    ],
)
def test_a_bad_envelope_is_a_bad_request(dillo, content, mentions) -> None:
    assert_error(raw_post(dillo, content), 400, mentions)


# -- the voice payload -------------------------------------------------------------------------------

NODES = "ChannelBehavior.ChannelBehaviorNodes"


def payload(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "Sender": "+393391003110",
        "TelephoneNumber": "+393703188051",
        "ChannelBehavior": {"ChannelBehaviorNodes": {"0": {**SAY, "NextNode": 1}, "1": SAY}},
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def with_nodes(**nodes: Any) -> dict[str, Any]:
    return payload(ChannelBehavior={"ChannelBehaviorNodes": {k.lstrip("n"): v for k, v in nodes.items()}})


def menu(**action: Any) -> dict[str, Any]:
    return {"ActionType": "Menu", "ChannelBehaviorAction": action}


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        pytest.param(payload(Sender=None), "Sender is required", id="no-sender"),
        pytest.param(
            payload(TelephoneNumber="393703188051"),
            "TelephoneNumber must be a phone number in E.164",
            id="no-plus",
        ),
        pytest.param(
            payload(TelephoneNumber=393703188051), "TelephoneNumber must be a string", id="number-type"
        ),
        pytest.param(payload(ChannelBehavior=None), "ChannelBehavior is required", id="no-behavior"),
        pytest.param(payload(ChannelBehavior=[]), "ChannelBehavior must be an object", id="behavior-array"),
        pytest.param(payload(ChannelBehavior={}), f"{NODES} is required", id="no-nodes"),
        pytest.param(
            payload(ChannelBehavior={"ChannelBehaviorNodes": {}}),
            f"{NODES} must be a non-empty object",
            id="empty",
        ),
        pytest.param(with_nodes(n1=SAY), 'the flow starts at node "0", which is missing', id="no-node-0"),
        pytest.param(with_nodes(n0=SAY, nx=SAY), "node key 'x' is not a whole number", id="bad-key"),
        pytest.param(
            with_nodes(n0={**SAY, "NextNode": 7}), f"{NODES}.0.NextNode: node 7 does not exist", id="dangling"
        ),
        pytest.param(
            with_nodes(n0={**SAY, "NextNode": "1"}, n1=SAY),
            f"{NODES}.0.NextNode must be a node key",
            id="next-node-string",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Dance"}),
            f"{NODES}.0.ActionType 'Dance' is unknown",
            id="unknown-action",
        ),
        pytest.param(
            with_nodes(n0={"NextNode": 0}), f"{NODES}.0.ActionType is required", id="no-action-type"
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Conference"}),
            f"{NODES}.0.ChannelBehaviorAction.RoomName is required",
            id="conference-no-room",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "AgentPhone", "ChannelBehaviorAction": {"AgentName": 7}}),
            f"{NODES}.0.ChannelBehaviorAction.AgentName must be a string",
            id="agent-name",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Storage", "ChannelBehaviorAction": {"Value": "Now"}}),
            f"{NODES}.0.ChannelBehaviorAction.Key is required",
            id="storage-no-key",
        ),
        pytest.param(
            with_nodes(n0=menu(Voices={"yes": {"NextNode": 4}})),
            f"{NODES}.0.ChannelBehaviorAction.Voices.yes.NextNode: node 4 does not exist",
            id="dangling-word",
        ),
        pytest.param(
            with_nodes(n0=menu(Voices={"yes": {}}, DefaultWord="no")),
            "DefaultWord 'no' is not one of the Voices",
            id="menu-default-word",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Say", "ChannelBehaviorAction": {}}),
            f"{NODES}.0.ChannelBehaviorAction.Text is required",
            id="say-no-text",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Play", "ChannelBehaviorAction": {"Url": "ftp://x"}}),
            f"{NODES}.0.ChannelBehaviorAction.Url must be an http(s) URL",
            id="play-url",
        ),
        pytest.param(
            with_nodes(n0=menu(Digits={"1": {"NextNode": 5}})),
            f"{NODES}.0.ChannelBehaviorAction.Digits.1.NextNode: node 5 does not exist",
            id="dangling-digit",
        ),
        pytest.param(
            with_nodes(n0=menu(Digits={})),
            "Digits (or Voices) must be a non-empty object",
            id="menu-no-digits",
        ),
        pytest.param(with_nodes(n0=menu(Digits={"12": {}})), "'12' is not an option", id="menu-bad-digit"),
        pytest.param(
            with_nodes(n0=menu(Digits={"1": {}}, Timeout=0)),
            f"{NODES}.0.ChannelBehaviorAction.Timeout must be a number of seconds from 1 to 600",
            id="menu-timeout",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Collect", "ChannelBehaviorAction": {"FinishOnKey": "##"}}),
            "FinishOnKey must be one key",
            id="collect-finish-key",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Collect", "ChannelBehaviorAction": {"NumberOfDigits": True}}),
            "NumberOfDigits must be a whole number",
            id="collect-bool",
        ),
        pytest.param(
            with_nodes(
                n0={"ActionType": "Record", "ChannelBehaviorAction": {"RecordingStoragePeriodCode": "9-Y"}}
            ),
            "RecordingStoragePeriodCode must be one of 3-M, 6-M, 1-Y, 2-Y, 3-Y",
            id="record-period",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Dial", "ChannelBehaviorAction": {"TelephoneNumber": "123"}}),
            "TelephoneNumber must be a phone number in E.164",
            id="dial-number",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Dial", "ChannelBehaviorAction": {"Destination": "+15550000001"}}),
            "a Dial's number is ChannelBehavior.ChannelBehaviorNodes.0.ChannelBehaviorAction.TelephoneNumber",
            id="dial-destination-is-not-a-dial-field",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Redirect", "ChannelBehaviorAction": {"Node": 3}}),
            f"{NODES}.0.ChannelBehaviorAction.Node: node 3 does not exist",
            id="redirect-dangling",
        ),
        pytest.param(
            payload(ExternalActions=[{"SendActionType": "Fax", "Label": "a"}]),
            "ExternalActions[0].SendActionType must be one of Sms, Email",
            id="external-type",
        ),
        pytest.param(
            payload(
                ExternalActions=[
                    {"SendActionType": "Sms", "Label": "a"},
                    {"SendActionType": "Sms", "Label": "a"},
                ]
            ),
            "ExternalActions: Label 'a' is used twice",
            id="external-label-twice",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Collect", "ChannelBehaviorAction": {"ExternalActionLabel": "x"}}),
            f"{NODES}.0.ChannelBehaviorAction.ExternalActionLabel: 'x' is not the Label",
            id="external-label-unknown",
        ),
        pytest.param(
            with_nodes(n0={**SAY, "ExternalActions": [{"SendActionType": "Sms", "Label": "a"}]}),
            f"{NODES}.0.ExternalActions: external actions belong to the request",
            id="external-actions-on-a-node",
        ),
        pytest.param(
            with_nodes(n0={"ActionType": "Redirect", "ChannelBehaviorAction": {"MethodType": "PUT"}}),
            f"{NODES}.0.ChannelBehaviorAction.Url is required",
            id="redirect-nowhere",
        ),
        pytest.param(payload(Record="yes"), "Record must be true or false", id="record-flag"),
        pytest.param(
            payload(StatusCallbackUrl="nowhere"),
            "StatusCallbackUrl must be an http(s) URL",
            id="callback-url",
        ),
        pytest.param(
            payload(StatusCallbackUrl="http://x", StatusCallbackMethod="PUT"),
            "StatusCallbackMethod must be GET or POST",
            id="callback-method",
        ),
        pytest.param(
            payload(RingingTimeout=0), "RingingTimeout must be a number of seconds from 1 to 600", id="ring"
        ),
        pytest.param(
            payload(EventCallbackUrl="ftp://x"), "EventCallbackUrl must be an http(s) URL", id="event-url"
        ),
        pytest.param(
            with_nodes(n0={**SAY, "ChannelBehaviorAction": {"Text": "a", "CallbackUrl": "x"}}),
            f"{NODES}.0.ChannelBehaviorAction.CallbackUrl must be an http(s) URL",
            id="node-callback-url",
        ),
        pytest.param(
            with_nodes(
                n0={
                    **SAY,
                    "ChannelBehaviorAction": {
                        "Text": "a",
                        "CallbackUrl": "http://x",
                        "CallbackMethod": "POST",
                        "CallbackUrlMethod": "GET",
                    },
                }
            ),
            "CallbackUrlMethod must be GET or POST (and agree with CallbackMethod)",
            id="node-callback-methods-disagree",
        ),
        pytest.param(
            with_nodes(n0={**SAY, "ChannelBehaviorAction": {"Text": "a", "CallbackPlayMusicOnHold": 1}}),
            "CallbackPlayMusicOnHold must be true or false",
            id="music-on-hold",
        ),
    ],
)
def test_a_bad_voice_payload_is_a_bad_request_naming_the_field(dillo, control, body, mentions) -> None:
    assert_error(dillo.post(dillo.envelope(body)), 400, mentions)
    assert control.calls() == []


def test_an_unknown_scenario_header_is_a_bad_request(dillo) -> None:
    response = dillo.post(dillo.envelope(payload()), **{"X-Mock-Scenario": "nope"})

    assert_error(response, 400, "X-Mock-Scenario: unknown scenario 'nope'")


def test_a_sender_the_customer_does_not_own_is_a_bad_request(http, control) -> None:
    created = control.http.post("/_mock/credentials/dillo", json={"senders": ["+390000000001"]}).json()
    headers = {"ApiKey": created["ApiKey"], "CustomerCode": created["CustomerCode"]}
    body = {"SendActionType": "Voice", "MessagePayload": json.dumps(payload())}

    response = http.post("/api/sendaction", json=body, headers=headers)

    assert_error(response, 400, "Sender +393391003110 is not a voice sender of this customer")


# -- nothing is a 5xx --------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
node_like = st.fixed_dictionaries(
    {},
    optional={
        "ActionType": st.sampled_from(
            [
                "Say",
                "Play",
                "Silence",
                "Menu",
                "Collect",
                "Record",
                "Dial",
                "Redirect",
                "Conference",
                "AgentConference",
                "AgentPhone",
                "Storage",
            ]
        )
        | st.text(max_size=6),
        "ChannelBehaviorAction": st.dictionaries(
            st.sampled_from(
                [
                    "Text",
                    "Url",
                    "Duration",
                    "Digits",
                    "Voices",
                    "Timeout",
                    "NumberOfDigits",
                    "Node",
                    "TelephoneNumber",
                    "RoomName",
                    "AgentName",
                    "Key",
                    "Value",
                ]
            ),
            json_values,
            max_size=4,
        ),
        "NextNode": json_values | st.integers(0, 3),
        "ExternalActions": json_values,
    },
)
voice_like = st.fixed_dictionaries(
    {},
    optional={
        "Sender": st.sampled_from(["+393391003110", "", "abc"]) | json_values,
        "TelephoneNumber": st.sampled_from(["+15550000007", "15550000007"]) | json_values,
        "ChannelBehavior": st.fixed_dictionaries(
            {},
            optional={
                "ChannelBehaviorNodes": st.dictionaries(
                    st.sampled_from(["0", "1", "2", "x", "-1"]), node_like
                )
            },
        )
        | json_values,
        "Record": json_values,
        "RingingTimeout": json_values,
        "StatusCallbackUrl": json_values,
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(["Voice", "Sms", "Email"]) | json_values,
    inner=voice_like | json_values,
    encode=st.booleans(),
)
def test_no_send_action_body_is_a_server_error(dillo, kind, inner, encode) -> None:
    body = {"SendActionType": kind, "MessagePayload": json.dumps(inner) if encode else inner}

    response = dillo.post(body)

    assert response.status_code in (200, 400), response.text
    assert set(response.json()) <= {"id", "IsSuccess", "ErrorMessage"}
    if response.status_code == 200 and kind == "Voice":
        assert dillo.get(response.json()["id"]).status_code == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=64))
def test_no_raw_body_is_a_server_error(dillo, content) -> None:
    assert raw_post(dillo, content).status_code == 400
