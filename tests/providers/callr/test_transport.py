"""Transport: JSON-RPC 2.0 on POST /json-rpc/v1.1/, Basic / Api-Key / Session auth, the error table."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.providers.callr.conftest import PATH, Rpc

VIRTUAL_START = 1767258000  # 2026-01-01T09:00:00Z


def test_a_call_answers_the_result_with_the_request_id(rpc: Rpc) -> None:
    response = rpc.post({"jsonrpc": "2.0", "id": 421, "method": "system.get_timestamp", "params": []})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json-rpc; charset=utf-8"
    assert response.json() == {"jsonrpc": "2.0", "id": 421, "result": VIRTUAL_START}


def test_the_timestamp_follows_the_mock_clock(rpc: Rpc, control: Any) -> None:
    control.advance(90)

    assert rpc("system.get_timestamp") == VIRTUAL_START + 90


def test_the_path_without_its_trailing_slash_works_too(rpc: Rpc) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "system.get_timestamp", "params": []}
    assert rpc.http.post("/json-rpc/v1.1", json=body, auth=rpc.auth).json()["result"] == VIRTUAL_START


# -- authentication ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="none"),
        pytest.param({"Authorization": "Basic bm9ib2R5Ondyb25n"}, id="unknown-login"),
        pytest.param({"Authorization": "Basic !!!"}, id="malformed-basic"),
        pytest.param({"Authorization": "Api-Key " + "0" * 100}, id="unknown-api-key"),
        pytest.param({"Authorization": "Session " + "0" * 40}, id="unknown-session"),
        pytest.param({"Authorization": "Bearer abc"}, id="other-scheme"),
    ],
)
def test_bad_credentials_are_http_401_with_code_22(rpc: Rpc, headers: dict[str, str]) -> None:
    body = {"jsonrpc": "2.0", "id": 7, "method": "system.get_timestamp", "params": []}
    response = rpc.http.post(PATH, json=body, headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="CALLR"'
    assert response.json()["id"] == 7
    assert response.json()["error"]["code"] == 22
    assert response.json()["error"]["message"] == "AUTH_FAILED"


def test_a_wrong_password_is_refused(rpc: Rpc) -> None:
    assert rpc.send("system.get_timestamp", auth=(rpc.login, "wrong")).status_code == 401


def test_an_api_key_authenticates_until_it_is_deleted(rpc: Rpc) -> None:
    key = rpc("api-key.create", "ci")
    assert len(key["token"]) == 100
    assert set(key["token"]) <= set("0123456789abcdef")
    headers = {"Authorization": f"Api-Key {key['token']}"}

    assert rpc("system.get_timestamp", auth=None, headers=headers) == VIRTUAL_START
    assert [k["name"] for k in rpc("api-key.all")] == ["ci"]
    assert "token" not in rpc("api-key.all")[0]
    assert rpc("api-key.delete", key["id"]) is True
    assert rpc.send("system.get_timestamp", auth=None, headers=headers).status_code == 401


def test_a_session_token_works_until_it_expires_and_refreshes(rpc: Rpc, control: Any) -> None:
    session = rpc("session.create")
    assert len(session["token"]) == 40
    assert session["valid_until"] == "2026-01-01T10:00:00.000Z"
    headers = {"Authorization": f"Session {session['token']}"}
    assert rpc("system.get_timestamp", auth=None, headers=headers) == VIRTUAL_START

    control.advance(3600)

    assert rpc.send("system.get_timestamp", auth=None, headers=headers).status_code == 401
    fresh = rpc("session.refresh", session["refresh_token"])
    assert rpc("system.get_timestamp", auth=None, headers={"Authorization": f"Session {fresh['token']}"})


def test_session_delete_ends_the_session_it_is_made_with(rpc: Rpc) -> None:
    headers = {"Authorization": f"Session {rpc('session.create')['token']}"}

    assert rpc("session.delete", auth=None, headers=headers) is True
    assert rpc.send("system.get_timestamp", auth=None, headers=headers).status_code == 401


def test_login_as_acts_on_another_account(rpc: Rpc, control: Any) -> None:
    other = control.http.post("/_mock/credentials/callr", json={"login": "subuser"}).json()
    rpc("apps.create", "REALTIME10", "mine", {"url": "http://127.0.0.1:9/rt"})

    as_other = rpc("apps.get_list", headers={"CALLR-Login-As": f"User.Login {other['login']}"})

    assert as_other == []
    assert rpc.send("apps.get_list", headers={"CALLR-Login-As": "user.login ghost"}).status_code == 403


# -- the error table ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(b"{not json", -32700, id="parse-error"),
        pytest.param(b"\xff\xfe", -32700, id="not-utf8"),
        pytest.param(
            b'{"jsonrpc":"2.0","id":1,"method":"api-key.create","params":["\\ud800"]}',
            -32700,
            id="lone-surrogate",
        ),
        pytest.param(b"[]", -32600, id="batch"),
        pytest.param(
            b'[{"jsonrpc":"2.0","id":1,"method":"system.get_timestamp","params":[]}]', -32600, id="batch1"
        ),
        pytest.param(
            b'{"jsonrpc":"2.0","method":"system.get_timestamp","params":[]}', -32600, id="notification"
        ),
        pytest.param(
            b'{"jsonrpc":"2.0","id":1,"method":"apps.get","params":{"hash":"X"}}', -32600, id="named"
        ),
        pytest.param(
            b'{"jsonrpc":"1.0","id":1,"method":"system.get_timestamp","params":[]}', -32600, id="v1"
        ),
        pytest.param(b'{"jsonrpc":"2.0","id":1.5,"method":"system.get_timestamp"}', -32600, id="float-id"),
        pytest.param(b'{"jsonrpc":"2.0","id":1,"method":"no.such","params":[]}', -32601, id="unknown"),
        pytest.param(b'{"jsonrpc":"2.0","id":1,"method":"apps.get","params":[]}', -32602, id="too-few"),
        pytest.param(
            b'{"jsonrpc":"2.0","id":1,"method":"apps.get","params":["A","B"]}', -32602, id="too-many"
        ),
        pytest.param(b'{"jsonrpc":"2.0","id":1,"method":"apps.get","params":[12]}', -32602, id="wrong-type"),
    ],
)
def test_protocol_errors_are_json_rpc_errors_with_http_200(rpc: Rpc, body: bytes, code: int) -> None:
    response = rpc.http.post(PATH, content=body, auth=rpc.auth)

    assert response.status_code == 200
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert isinstance(error["data"]["detail"], str)


def test_a_params_object_is_refused_as_named_params(rpc: Rpc) -> None:
    response = rpc.post({"jsonrpc": "2.0", "id": 3, "method": "apps.get", "params": {"hash": "X"}})

    assert response.json()["id"] == 3
    assert "named params" in response.json()["error"]["data"]["detail"]


def test_an_unknown_hash_is_code_110(rpc: Rpc) -> None:
    error = rpc.error("apps.get", "ZZZZZZZZ")

    assert (error["code"], error["message"]) == (110, "PROPERTY_VALUE_ERROR [app]")


def test_get_is_405_and_another_path_404_in_the_same_envelope(rpc: Rpc) -> None:
    got = rpc.http.get(PATH, auth=rpc.auth)
    elsewhere = rpc.http.post("/json-rpc/v2/", json={}, auth=rpc.auth)

    assert got.status_code == 405
    assert elsewhere.status_code == 404
    for response in (got, elsewhere):
        assert set(response.json()) == {"jsonrpc", "id", "error"}


# -- fuzzing -----------------------------------------------------------------------------------------
METHODS = [
    "system.get_timestamp",
    "apps.create",
    "apps.edit",
    "apps.get",
    "apps.search",
    "calls.realtime",
    "calls.hangup",
    "calls.get_status_1",
    "cdr.get",
    "webhooks.subscribe",
    "api-key.create",
    "session.refresh",
    "apps.assign_did",
    "apps.remove_did",
    "apps.get_dids",
    "did/areacode.get_list",
    "did/areacode.types",
    "did/store.get_quote",
    "did/store.reserve",
    "did/store.buy_order",
    "clicktocall/calls.start_2",
    "clicktocall/calls.get_list",
    "clicktocall/calls.cancel",
    "calls.broadcast_1",
    "sms.send",
    "sms.get_list",
    "media/library.create",
    "media/library.set_tags",
    "media/library.set_content",
    "media/tts.set_content",
    "list.number_infos",
    "did.search",
    "apps.get_authorized_clis",
    "media/recording.get",
    "media/recording.search",
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
#: Values the methods above take, so fuzzed params get past the arity and type checks more often.
PLAUSIBLE = st.sampled_from(
    [
        *(1, 5, 10000001, "", "CLASSIC", "RANDOM", "FR", "IN", "OUT", "SMS", "ZZZZZZZZ", "aGk="),
        *("+33612345678", "TTS|TTS_EN-GB_SERENA|x", "TTS_EN-GB_SERENA"),
        *("2026-01-01 00:00:00", "2026-13-01 00:00:00", "CALL", "GOLD", "RECORDING"),
    ]
)
OBJECTS = st.dictionaries(
    st.sampled_from(
        [
            *("number", "timeout", "schedule", "cli", "loop", "webhook", "endpoint", "rate", "x"),
            *("KEYWORDS", "class", "type", "hash", "date_from", "read_at_to", "duration_min", "offset"),
        ]
    ),
    JSON | PLAUSIBLE,
    max_size=3,
)
PARAMS = st.lists(JSON | PLAUSIBLE | OBJECTS | st.lists(OBJECTS | PLAUSIBLE, max_size=3), max_size=5) | JSON
ENVELOPE = st.fixed_dictionaries(
    {"jsonrpc": st.sampled_from(["2.0", "1.0"]), "method": st.sampled_from(METHODS) | st.text(max_size=15)},
    optional={"id": JSON, "params": PARAMS},
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=ENVELOPE)
def test_fuzzed_json_rpc_requests_never_answer_5xx(rpc: Rpc, body: dict[str, Any]) -> None:
    response = rpc.http.post(PATH, content=json.dumps(body).encode(), auth=rpc.auth)

    assert response.status_code < 500, response.text
    assert response.json()["jsonrpc"] == "2.0"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=64))
def test_fuzzed_bytes_never_answer_5xx(rpc: Rpc, body: bytes) -> None:
    response = rpc.http.post(PATH, content=body, auth=rpc.auth)

    assert response.status_code < 500, response.text
