"""Errors: 401/403 for auth [S17], 4xx with the JSON error body {status_code, status_message,
error_code, error_text} (mock's choice, apifonica.md §9.3) for every refused request, never a 5xx."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ANSWERED_TO = "442079460123"
ERROR_KEYS = {"status_code", "status_message", "error_code", "error_text"}
MISSING, INVALID, MEDIA_TYPE = 2001, 2002, 2003  # mock-defined error codes (§9.3)
ABSENT = object()


def assert_error(response: httpx.Response, status: int, code: int, mentions: str = "") -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == ERROR_KEYS
    reasons = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND"}
    reasons |= {405: "METHOD_NOT_ALLOWED", 415: "UNSUPPORTED_MEDIA_TYPE"}
    assert (body["status_code"], body["status_message"], body["error_code"]) == (
        status,
        reasons[status],
        code,
    )
    assert isinstance(body["error_text"], str)
    assert mentions in body["error_text"]


@pytest.fixture
def app_sid(api, receiver) -> str:
    return str(api.create_application(receiver.url("/events")))


# -- auth --------------------------------------------------------------------------------------------


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_no_credentials_is_unauthorized(api, http) -> None:
    response = http.get(api.path("/calls"))

    assert_error(response, 401, 1001)
    assert response.headers["www-authenticate"] == 'Basic realm="Apifonica"'


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(lambda api: basic(api.account_sid, "aut-wrong"), id="wrong-token"),
        pytest.param(lambda api: basic("acc-unknown", api.auth_token), id="unknown-account"),
        pytest.param(lambda api: "Bearer " + api.auth_token, id="not-basic"),
        pytest.param(lambda api: "Basic !!!not-base64", id="bad-base64"),
        pytest.param(lambda api: "Basic " + base64.b64encode(b"no-colon").decode(), id="no-colon"),
    ],
)
def test_wrong_credentials_are_unauthorized(api, http, authorization) -> None:
    response = http.get(api.path("/calls"), headers={"Authorization": authorization(api)})

    assert_error(response, 401, 1001)


def test_another_accounts_sid_in_the_path_is_forbidden(api, other_account) -> None:
    response = api.request("GET", other_account.path("/calls"))

    assert_error(response, 403, 1002)


def test_another_accounts_call_is_not_found(api, other_account, receiver) -> None:
    their_app = other_account.create_application(receiver.url("/events"))
    their_call = other_account.place_call(ANSWERED_TO, their_app)
    assert other_account.get(f"/calls/{their_call}").status_code == 200

    assert_error(api.get(f"/calls/{their_call}"), 404, 3001)
    assert_error(api.modify(their_call, {"status": "completed"}), 404, 3001)
    assert_error(api.get(f"/applications/{their_app}"), 404, 3001)


def test_another_accounts_application_cannot_place_a_call(api, other_account, receiver) -> None:
    their_app = other_account.create_application(receiver.url("/events"))

    response = api.post("/calls", {"from": api.from_number, "to": ANSWERED_TO, "call_app_sid": their_app})

    assert_error(response, 400, INVALID, "call_app_sid")


# -- create call -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("from", ABSENT, MISSING),
        ("to", ABSENT, MISSING),
        ("call_app_sid", ABSENT, MISSING),
        ("from", "", MISSING),
        ("from", "+442079460000", INVALID),  # digits only, no + [S0]
        ("to", "44 20 7946 0123", INVALID),
        ("to", "call-me", INVALID),
        ("to", "12", INVALID),
        ("to", "4420794601231234", INVALID),  # more than 15 digits
        ("to", "442079460123\n", INVALID),
        ("from", ["442079460000"], INVALID),
        ("from", True, INVALID),
        ("call_app_sid", "app00000000-0000-4000-8000-000000000000", INVALID),
        ("call_app_sid", 7, INVALID),
        ("events", "answered|hungup", INVALID),
        ("events", "sometimes", INVALID),
        ("events", 1, INVALID),
        ("method", "PUT", INVALID),
        ("method", None, INVALID),
        ("timeout", 0, INVALID),
        ("timeout", 601, INVALID),
        ("timeout", "soon", INVALID),
        ("timeout", "²", INVALID),
        ("timeout", "9" * 5000, INVALID),
        ("timeout", 2.5, INVALID),
        ("timeout", True, INVALID),
        ("channel", "fax", INVALID),
        ("tag", 5, INVALID),
        ("controller", "ftp://client.example/flow", INVALID),
        ("controller", "https://client.example/flow\n", INVALID),
    ],
)
def test_create_call_refuses_a_bad_field(api, control, app_sid, field, value, code) -> None:
    body: dict[str, Any] = {"from": api.from_number, "to": ANSWERED_TO, "call_app_sid": app_sid}
    if value is ABSENT:
        del body[field]
    else:
        body[field] = value

    assert_error(api.post("/calls", body), 400, code, field)
    assert control.calls() == []


def test_create_call_accepts_a_controller_instead_of_an_application(api, receiver) -> None:
    body = {"from": api.from_number, "to": ANSWERED_TO, "controller": receiver.url("/flow")}

    assert api.post("/calls", body).status_code == 201


@pytest.mark.parametrize("path", ["/calls", "/applications", "/messages"])
@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b'{"from": ', "application/json", 400, INVALID),
        (b"", "application/json", 400, INVALID),
        (b"[1, 2]", "application/json", 400, INVALID),
        (b'"text"', "application/json", 400, INVALID),
        (b"[" * 100_000, "application/json", 400, INVALID),  # nested too deep for the JSON parser
        (b'{"from": "\xff"}', "application/json", 400, INVALID),  # not UTF-8
        (b"{}", "application/json; charset=no-such-charset", 400, INVALID),
        (b"from=442079460000", "application/x-www-form-urlencoded", 415, MEDIA_TYPE),
        (b"{}", "text/plain", 415, MEDIA_TYPE),
        (b"{}", None, 415, MEDIA_TYPE),
    ],
    ids=[
        "truncated",
        "empty",
        "array",
        "string",
        "deep",
        "not-utf8",
        "bad-charset",
        "form",
        "text",
        "no-content-type",
    ],
)
def test_create_refuses_a_body_that_is_not_a_json_object(
    api, path, content, content_type, status, code
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}

    response = api.request("POST", api.path(path), content=content, headers=headers)

    assert_error(response, status, code)


def test_a_json_body_in_another_charset_is_accepted(api, app_sid) -> None:
    # One official sample sends "application/json; charset=iso-8859-15" [S18].
    body = (
        f'{{"from": "{api.from_number}", "to": "{ANSWERED_TO}", "call_app_sid": "{app_sid}", "tag": "café"}}'
    )
    response = api.request(
        "POST",
        api.path("/calls"),
        content=body.encode("iso-8859-15"),
        headers={"Content-Type": "application/json; charset=iso-8859-15"},
    )

    assert response.status_code == 201
    assert api.calls(tag="café") != []


# -- create application ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("controller", ABSENT, MISSING),
        ("controller", "client.example/flow", INVALID),
        ("controller", 42, INVALID),
        ("method", ABSENT, MISSING),
        ("method", "PATCH", INVALID),
        ("method", ["GET"], INVALID),
        ("events", "answered|hungup", INVALID),
        ("events", False, INVALID),
        ("name", 5, INVALID),
    ],
)
def test_create_application_refuses_a_bad_field(api, field, value, code) -> None:
    body: dict[str, Any] = {"controller": "https://client.example/flow", "method": "POST"}
    if value is ABSENT:
        del body[field]
    else:
        body[field] = value

    assert_error(api.post("/applications", body), 400, code, field)
    assert api.get("/applications").json()["applications"] == []


# -- modify live call --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code", "mentions"),
    [
        ({"status": "hungup"}, INVALID, "status"),
        ({"status": 1}, INVALID, "status"),
        ({}, MISSING, "controller"),
        ({"controller": "not-a-url"}, INVALID, "controller"),
        ({"controller": "https://client.example/flow", "method": "DELETE"}, INVALID, "method"),
        ({"call_app_sid": "app00000000-0000-4000-8000-000000000000"}, INVALID, "call_app_sid"),
    ],
)
def test_modify_refuses_a_bad_body(api, control, app_sid, body, code, mentions) -> None:
    call_sid = api.place_call("5550000007", app_sid)
    control.advance(10)

    assert_error(api.modify(call_sid, body), 400, code, mentions)
    assert api.call(call_sid)["status"] == "answered"


def test_modify_refuses_a_body_that_is_not_json(api, app_sid) -> None:
    call_sid = api.place_call("5550000007", app_sid)
    url = api.path(f"/calls/{call_sid}")

    assert_error(api.request("POST", url, content=b"status=completed"), 415, MEDIA_TYPE)
    assert_error(
        api.request("POST", url, content=b"[]", headers={"Content-Type": "application/json"}), 400, INVALID
    )


# -- the router --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("DELETE", "/calls/cal00000000-0000-4000-8000-000000000000"),
        ("PUT", "/calls"),
        ("DELETE", "/applications"),
        ("POST", "/recordings"),
        ("PATCH", ""),
    ],
)
def test_a_wrong_method_is_method_not_allowed_in_the_error_shape(api, method, tail) -> None:
    response = api.request(method, api.path(tail))

    assert_error(response, 405, 4001)


def test_an_unknown_path_is_not_found_in_the_error_shape(api) -> None:
    assert_error(api.get("/numbers-of-the-beast"), 404, 3001)


# -- any body at all ---------------------------------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
NUMBERS = st.from_regex(r"\+?[0-9 ]{0,17}", fullmatch=True)
WORDS = st.sampled_from(["all", "none", "answered|completed", "busy|no_answer", "", "ALL", "answered|"])
METHODS = st.sampled_from(["GET", "POST", "get", "PUT", ""])
# Only the discard port of this host: calls placed with these must not reach out to the network.
URLS = st.sampled_from(["http://127.0.0.1:9/flow", "https://127.0.0.1:9/x", "ftp://x", "http://", "x"])


def bodies(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Any JSON value, or an object with the operation's real field names and random values."""
    named = st.fixed_dictionaries({}, optional={name: JSON | values for name, values in fields.items()})
    return JSON | named | st.dictionaries(st.sampled_from(sorted(fields)), JSON)


FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_not_a_server_error(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()) == ERROR_KEYS
        assert response.json()["status_code"] == response.status_code


@FUZZ
@given(data=st.data())
def test_create_call_never_answers_a_server_error(api, app_sid, data) -> None:
    body = data.draw(
        bodies(
            {
                "from": NUMBERS,
                "to": NUMBERS,
                "call_app_sid": st.sampled_from([app_sid, "app-unknown"]),
                "events": WORDS,
                "method": METHODS,
                "timeout": st.integers(-5, 700) | st.text(max_size=5),
                "controller": URLS,
                "tag": st.text(max_size=10),
                "channel": st.sampled_from(["number", "viber", "sip"]),
            }
        )
    )

    assert_not_a_server_error(api.post("/calls", body))


@FUZZ
@given(body=bodies({"controller": URLS, "method": METHODS, "name": st.text(max_size=10), "events": WORDS}))
def test_create_application_never_answers_a_server_error(api, body) -> None:
    assert_not_a_server_error(api.post("/applications", body))


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(["limit", "next", "prev", "offset", "status", "to", "from", "tag", "direction"]),
        st.text(max_size=6) | st.integers(-30, 30).map(str),
    )
)
def test_list_calls_never_answers_a_server_error(api, query) -> None:
    assert_not_a_server_error(api.get("/calls", **query))
