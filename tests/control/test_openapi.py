"""GET /_mock/openapi.json describes every /_mock route the app has, and every example holds; the REST
providers' documents describe their route tables. Validated with jsonschema (Draft 2020-12, OpenAPI
3.1's dialect) and openapi-spec-validator (the OpenAPI 3.1 meta-schema)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from starlette.routing import Mount, Route

from mockserver.app import create_app
from mockserver.control.openapi import control_table, route_table, undescribed
from mockserver.control.operations import ANY_METHODS, OPERATIONS
from mockserver.settings import Settings
from mockserver.testing.receiver import CallbackReceiver

REST = ("apifonica", "dillo", "routee")


@pytest.fixture(scope="module")
def document(mock_server: Any) -> dict[str, Any]:
    response = httpx.get(f"{mock_server.base_url}/_mock/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def validator(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for ``schema`` whose ``#/components/...`` references resolve in the document."""
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", "allOf": [schema]}
    root["components"] = document["components"]
    Draft202012Validator.check_schema(root)
    return Draft202012Validator(root)


def test_every_control_route_of_the_app_is_described() -> None:
    app = create_app(Settings(clock="virtual", tls=False))
    table = control_table(app.routes)
    # the walk finds what the route table holds, mounted routes and apps included
    assert ("GET", "/health") in table
    assert ("POST", "/callbacks/{id}/resend") in table
    assert ("GET", "/ui/static/{path}") in table
    assert ("*", "/sink/{name}/{rest}") in table
    assert ("GET", "") in table  # the bare /_mock
    assert ("GET", "/ca.pem") in table
    assert undescribed(app.routes) == []
    assert set(OPERATIONS) == set(table), "described routes the app does not have"


def test_the_walk_sees_every_route_under_the_control_mount() -> None:
    """The coverage test above is only as good as the walk: check it against the mount, route by route."""
    app = create_app(Settings(clock="virtual"))
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/_mock")
    table = set(control_table(app.routes))
    for route in mount.routes:
        if isinstance(route, Mount):
            assert ("GET", f"{route.path}/{{path}}") in table
            continue
        assert isinstance(route, Route)
        path = route.path.replace("{rest:path}", "{rest}")
        for method in set(route.methods or ()) - {"HEAD"}:
            assert (method, path) in table or ("*", path) in table, f"{method} {path}"


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    validate_openapi(document)


def test_the_served_document_has_every_route(document: dict[str, Any], mock_server: Any) -> None:
    app = create_app(Settings(clock="virtual"))
    for method, path in control_table(app.routes):
        methods = ANY_METHODS if method == "*" else (method,)
        for m in methods:
            operation = document["paths"][f"/_mock{path}"][m.lower()]
            assert operation["summary"] != "(undescribed)"
    assert document["servers"] == [{"url": mock_server.base_url}]


def test_every_example_validates_against_its_schema(document: dict[str, Any]) -> None:
    checked = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            bodies = [r.get("content", {}) for r in operation["responses"].values()]
            if "requestBody" in operation:
                bodies.append(operation["requestBody"]["content"])
            for content in bodies:
                for media, described in content.items():
                    if "example" not in described:
                        continue
                    errors = list(validator(document, described["schema"]).iter_errors(described["example"]))
                    assert not errors, f"{method.upper()} {path} {media}: {errors[0].message}"
                    checked += 1
    assert checked > 50


def test_a_broken_example_is_caught(document: dict[str, Any]) -> None:
    """The check above can fail: a call with a state the machine does not have is refused."""
    schema = document["paths"]["/_mock/calls/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    bad = {**schema["example"], "state": "exploded"}
    assert list(validator(document, schema["schema"]).iter_errors(bad))


def test_real_answers_validate_against_the_documented_schemas(
    document: dict[str, Any], control: Any, receiver: CallbackReceiver
) -> None:
    """What the server really answers matches what the document says it answers."""
    cred = control.credentials("apifonica")[0]
    acc = f"/v2/accounts/{cred['account_sid']}"
    auth = (cred["account_sid"], cred["auth_token"])
    with httpx.Client(base_url=control.server.base_url, auth=auth) as api:
        app = api.post(f"{acc}/applications", json={"controller": receiver.url("/c"), "method": "POST"})
        assert app.status_code == 201, app.text
        app_sid = app.json()["uri"].rsplit("/", 1)[1]
        call = {"from": "15550009999", "to": "4420000001", "call_app_sid": app_sid}
        placed = api.post(f"{acc}/calls", json=call)
        assert placed.status_code == 201, placed.text
        call_sid = placed.json()["uri"].rsplit("/", 1)[1]
    control.advance(60)
    delivery = control.callbacks()[0]["id"]
    http = control.http
    # A mix answers without "steps": put one, so that the listing below has one whatever ran before
    mix = "name: openapi-mix\ndescription: a blend\nmix:\n  - {scenario: answered, weight: 1}\n"
    put_mix = http.put("/_mock/scenarios/openapi-mix", content=mix)
    http.post("/_mock/faults", json={"provider": "apifonica", "status": 503, "times": 0})
    answers = {
        ("put", "/_mock/scenarios/{name}"): put_mix,
        ("get", "/_mock/health"): http.get("/_mock/health"),
        ("get", "/_mock/clock"): http.get("/_mock/clock"),
        ("post", "/_mock/clock/advance"): http.post("/_mock/clock/advance", json={"seconds": 1}),
        ("get", "/_mock/calls"): http.get("/_mock/calls"),
        ("get", "/_mock/calls/{id}"): http.get(f"/_mock/calls/{call_sid}"),
        ("get", "/_mock/requests"): http.get("/_mock/requests"),
        ("get", "/_mock/journal"): http.get("/_mock/journal"),
        ("get", "/_mock/timeline"): http.get("/_mock/timeline"),
        ("get", "/_mock/callbacks"): http.get("/_mock/callbacks"),
        ("get", "/_mock/callbacks/{id}"): http.get(f"/_mock/callbacks/{delivery}"),
        ("get", "/_mock/scenarios"): http.get("/_mock/scenarios"),
        ("get", "/_mock/scenarios/{name}"): http.get("/_mock/scenarios/busy"),
        ("get", "/_mock/credentials"): http.get("/_mock/credentials"),
        ("get", "/_mock/faults"): http.get("/_mock/faults"),
        ("get", "/_mock/forced-scenario"): http.get("/_mock/forced-scenario"),
        ("put", "/_mock/forced-scenario"): http.put("/_mock/forced-scenario", json={"name": "busy"}),
        ("post", "/_mock/verify"): http.post("/_mock/verify", json={"method": "POST", "count": 2}),
        ("get", "/_mock/ui/calls/{id}"): http.get(f"/_mock/ui/calls/{call_sid}"),
        ("get", "/_mock/ui/resources"): http.get("/_mock/ui/resources"),
        ("post", "/_mock/snapshot"): http.post("/_mock/snapshot"),
        ("get", "/_mock/calls/{id}#404"): http.get("/_mock/calls/nope"),
        ("post", "/_mock/clock/advance#400"): http.post("/_mock/clock/advance", json={"seconds": -1}),
    }
    http.delete("/_mock/forced-scenario")
    http.delete("/_mock/faults")
    for (method, key), response in answers.items():
        path = key.split("#")[0]
        described = document["paths"][path][method]["responses"][str(response.status_code)]
        schema = described["content"]["application/json"]["schema"]
        errors = list(validator(document, schema).iter_errors(response.json()))
        assert not errors, f"{method.upper()} {key}: {errors[0].message} at {list(errors[0].absolute_path)}"


@pytest.mark.parametrize("name", REST)
def test_each_rest_provider_has_a_valid_document_of_its_routes(mock_server: Any, name: str) -> None:
    response = httpx.get(f"{mock_server.base_url}/_mock/openapi/{name}.json")
    assert response.status_code == 200
    document = response.json()
    validate_openapi(document)
    provider = create_app(Settings(clock="virtual")).state.mock.providers[name]
    for method, path in route_table(provider.routes()):
        operation = document["paths"][path][method.lower()]
        assert operation["summary"] != "(undescribed)", f"{method} {path}"
    described = provider.api_description["operations"]
    assert set(described) == {f"{m} {p}" for m, p in route_table(provider.routes())}
    servers = [s["url"] for s in document["servers"]]
    assert servers[:2] == [mock_server.base_url, f"{mock_server.base_url}/{name}"]


def test_a_provider_without_a_rest_document_is_a_404(control: Any) -> None:
    response = control.http.get("/_mock/openapi/callr.json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "apifonica, dillo, routee" in response.json()["error"]["message"]
