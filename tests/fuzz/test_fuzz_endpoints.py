"""Hypothesis fuzzing of every provider endpoint and every ``/_mock`` endpoint, over real HTTP.

Every answer must be below 500 and, when it is an error, in the error format of whoever owns the path
(the provider's envelope; the control API's ``{"error": {"code", "message"}}``). The fast profile runs in
the suite; ``FUZZ_EXAMPLES=1600`` (see bench/fuzz.py) makes it about 100,000 requests, and
``FUZZ_REPORT=file`` appends one JSON line of counts per endpoint.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Mount, Route

from mockserver.app import create_app
from mockserver.core.errors import MockError
from mockserver.server import MockServer
from mockserver.settings import Settings

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
REPORT = os.environ.get("FUZZ_REPORT")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
CONTENT_TYPES = [
    None,
    "application/json",
    "application/x-www-form-urlencoded",
    "text/xml; charset=utf-8",
    "application/soap+xml",
    "application/json-rpc",
    "text/plain",
    "multipart/form-data; boundary=x",
    "application/octet-stream",
]


def _owner_routes() -> list[tuple[str, str, tuple[str, ...]]]:
    app = create_app(Settings(clock="virtual"))
    out: list[tuple[str, str, tuple[str, ...]]] = []
    for name, provider in app.state.mock.providers.items():
        for route in provider.routes():
            if isinstance(route, Route):
                out.append((name, route.path, tuple(sorted(route.methods or METHODS))))
    for route in app.routes:
        if isinstance(route, Mount) and route.path == "/_mock":
            for sub in route.routes:
                if isinstance(sub, Route):
                    out.append(("control", "/_mock" + sub.path, tuple(sorted(sub.methods or METHODS))))
    return out


# The dashboard's event stream never ends by design: it is fuzzed with every method but GET.
ENDPOINTS = [
    (o, t, ("DELETE", "PATCH", "POST", "PUT")) if t == "/_mock/ui/stream" else (o, t, ms)
    for o, t, ms in _owner_routes()
]
segment = st.text(st.sampled_from("abcXYZ019-_.~%@+"), min_size=1, max_size=24)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=25,
)
keys = st.sampled_from(
    [
        "to",
        "from",
        "From",
        "To",
        "call_app_sid",
        "seconds",
        "type",
        "name",
        "status",
        "provider",
        "url",
        "method",
        "events",
        "digits",
        "text",
        "LicenseKey",
        "Recipients",
        "applicationId",
        "id",
        "params",
    ]
) | st.text(max_size=10)
bodies = st.one_of(
    st.none(),
    json_value.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(keys, json_value, max_size=8).map(lambda v: json.dumps(v).encode()),
    st.dictionaries(keys, st.text(max_size=30), max_size=8).map(
        lambda v: "&".join(f"{k}={x}" for k, x in v.items()).encode()
    ),
    st.binary(max_size=200),
    st.text(max_size=60).map(
        lambda t: f"<?xml version='1.0'?><Envelope><Body>{t}</Body></Envelope>".encode()
    ),
)
queries = st.dictionaries(keys.filter(lambda k: k not in ("wait",)), st.text(max_size=20), max_size=4)


def fill(template: str, values: list[str]) -> str:
    parts = iter(values)
    return re.sub(r"\{[^}]+\}", lambda _: next(parts), template)


@pytest.fixture(scope="session")
def fuzz_server() -> Iterator[MockServer]:
    with MockServer(Settings(clock="virtual", port=0, seed=11, callback_timeout=0.5)) as server:
        yield server


@pytest.fixture(scope="session")
def references(fuzz_server: MockServer) -> dict[str, set[str]]:
    """Each provider's error envelope: the keys of its JSON error (empty: not JSON)."""
    out = {}
    for name, provider in fuzz_server.state.providers.items():
        body = provider.render_error(MockError("x")).body
        try:
            out[name] = set(json.loads(body))
        except ValueError:
            out[name] = set()
    return out


def in_owner_format(owner: str, response: httpx.Response, references: dict[str, set[str]]) -> bool:
    content_type = response.headers.get("content-type", "")
    if owner == "control":
        try:
            error = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            return False
        return isinstance(error, dict) and {"code", "message"} <= set(error)
    expected = references[owner]
    if not expected:  # a text or XML envelope (Esendex: plain text over HTTP, a SOAP fault over SOAP)
        return content_type.startswith(("text/plain", "text/xml", "application/soap+xml", "application/xml"))
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and bool(set(body) & expected)


def _is_client_soap_fault(owner: str, response: httpx.Response) -> bool:
    """An Esendex SOAP 1.1 fault blaming the caller (``soap:Client``) is the provider's own answer to bad
    input, on HTTP 500 by the SOAP 1.1 spec; a fault that is the mock's bug says ``soap:Server``."""
    return (
        owner == "esendex"
        and response.status_code == 500
        and "<faultcode>soap:Client</faultcode>" in response.text
    )


def _is_sink(path: str) -> bool:
    return path.startswith("/_mock/sink/") and not path.endswith(("/requests", "/reply"))


@pytest.mark.parametrize(
    ("owner", "template", "methods"), ENDPOINTS, ids=[f"{m[0]}:{m[1]}" for m in ENDPOINTS]
)
def test_fuzzed_requests_get_no_5xx_and_errors_in_the_owners_format(
    fuzz_server: MockServer,
    references: dict[str, set[str]],
    owner: str,
    template: str,
    methods: tuple[str, ...],
) -> None:
    counts = {"requests": 0, "server_errors": 0, "wrong_format": 0}
    client = httpx.Client(base_url=fuzz_server.base_url, timeout=30)
    slots = template.count("{")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        method=st.sampled_from([m for m in methods if m != "HEAD"] or METHODS)
        | st.sampled_from([m for m in METHODS if m != "GET" or "GET" in methods]),
        values=st.lists(segment, min_size=slots, max_size=slots),
        body=bodies,
        content_type=st.sampled_from(CONTENT_TYPES),
        query=queries,
        scenario=st.sampled_from([None, "answered", "busy", "no-such"]),
    )
    def run(
        method: str,
        values: list[str],
        body: bytes | None,
        content_type: str | None,
        query: dict[str, str],
        scenario: str | None,
    ) -> None:
        path = fill(template, values)
        headers = {"Content-Type": content_type} if content_type else {}
        if scenario:
            headers["X-Mock-Scenario"] = scenario
        response = client.request(method, path, content=body, headers=headers, params=query)
        counts["requests"] += 1
        if path.startswith("/_mock/faults") and response.status_code == 201:
            client.delete("/_mock/faults")  # an added rule would fail later requests on purpose
        if _is_sink(path):
            return  # the sink answers what it was told to (PUT .../reply), 5xx included
        if _is_client_soap_fault(owner, response):
            return  # SOAP 1.1 puts the caller's fault on HTTP 500 (SOAP 1.1 §6.2; what ASMX does)
        if response.status_code >= 500:
            counts["server_errors"] += 1
        elif response.status_code >= 400 and not in_owner_format(owner, response, references):
            counts["wrong_format"] += 1
        assert response.status_code < 500, f"{method} {path}: {response.status_code} {response.text[:300]}"
        assert response.status_code < 400 or in_owner_format(owner, response, references), (
            f"{method} {path}: {response.status_code} not in {owner}'s format: {response.text[:300]}"
        )

    try:
        run()
    finally:
        client.delete("/_mock/faults")
        client.put("/_mock/sink/fuzz/reply", json={})
        client.close()
        if REPORT:
            with open(REPORT, "a", encoding="utf-8") as out:
                out.write(json.dumps({"endpoint": f"{owner}:{template}", **counts}) + "\n")
