"""Every /_mock JSON answer ends with a newline and takes ?pretty=1; provider answers are untouched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.settings import Settings

TOKEN = "front-door-token"


@pytest.fixture(scope="module")
def guarded_server() -> Iterator[MockServer]:
    with MockServer(Settings(clock="virtual", port=0, control_token=TOKEN)) as server:
        yield server


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/_mock/health"),
        ("GET", "/_mock/clock"),
        ("GET", "/_mock/calls"),
        ("GET", "/_mock/calls/no-such-call"),  # a handler's error
        ("GET", "/_mock/no-such-route"),  # the router's 404, rendered by the app
        ("POST", "/_mock/clock/advance"),  # a 400 for a missing body
        ("GET", "/_mock/ui/resources"),  # the dashboard's own JSON
        ("GET", "/_mock/openapi.json"),
        ("POST", "/_mock/snapshot"),  # a raw Response of JSON text
    ],
)
def test_every_control_json_answer_ends_with_a_newline(control: Any, method: str, path: str) -> None:
    response = control.http.request(method, path)
    assert response.headers["content-type"].startswith("application/json")
    assert response.content.endswith(b"\n")
    assert not response.content.endswith(b"\n\n")
    assert int(response.headers["content-length"]) == len(response.content)
    json.loads(response.content)


def test_pretty_indents_the_same_json(control: Any) -> None:
    plain = control.http.get("/_mock/health")
    pretty = control.http.get("/_mock/health", params={"pretty": "1"})
    assert pretty.json() == plain.json()
    assert pretty.text == json.dumps(plain.json(), indent=2, ensure_ascii=False) + "\n"
    assert "\n" not in plain.text.rstrip("\n")  # compact unless asked


def test_pretty_applies_to_errors_too(control: Any) -> None:
    response = control.http.get("/_mock/calls/nope", params={"pretty": "true"})
    assert response.status_code == 404
    assert response.text.startswith('{\n  "error": {\n    "code": "not_found"')
    assert response.text.endswith("}\n")


def test_a_head_answer_says_the_length_of_the_get(control: Any) -> None:
    get = control.http.get("/_mock/clock")
    head = control.http.head("/_mock/clock")
    assert head.status_code == 200
    assert int(head.headers["content-length"]) == len(get.content)


def test_the_guards_refusal_ends_with_a_newline(guarded_server: MockServer) -> None:
    response = httpx.get(f"{guarded_server.base_url}/_mock/health", params={"pretty": "1"})
    assert response.status_code == 401
    assert response.text.startswith('{\n  "error"')
    assert response.content.endswith(b"}\n")


def test_other_media_types_are_untouched(control: Any) -> None:
    page = control.http.get("/_mock/ui")
    assert page.headers["content-type"].startswith("text/html")
    lines = control.http.get("/_mock/timeline", params={"format": "jsonl", "pretty": "1"})
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    assert lines.content == b""  # an empty timeline is no lines at all, not a newline


def test_provider_answers_stay_byte_for_byte(control: Any) -> None:
    """The same provider request, at its real path, under /<provider>/ and with ?pretty=1, answers the
    very same bytes: exactly what the provider rendered, with no newline added."""
    cred = control.credentials("apifonica")[0]
    auth = (cred["account_sid"], cred["auth_token"])
    path = f"/v2/accounts/{cred['account_sid']}"
    root = control.http.get(path, auth=auth)
    mounted = control.http.get(f"/apifonica{path}", auth=auth)
    pretty = control.http.get(path, auth=auth, params={"pretty": "1"})
    assert root.status_code == 200
    assert root.content == mounted.content == pretty.content
    assert not root.content.endswith(b"\n")
    assert json.dumps(root.json(), separators=(",", ":"), ensure_ascii=False).encode() == root.content
    error = control.http.get("/v2/accounts/nope/calls", auth=("nope", "nope"), params={"pretty": "1"})
    assert error.status_code == 401
    assert not error.content.endswith(b"\n")
