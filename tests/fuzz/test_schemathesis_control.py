"""Schemathesis against the control API's own OpenAPI document (issue #13, "Keep and extend the evidence").

Schemathesis reads ``/_mock/openapi.json`` from a real server on a free port and generates requests
for every operation from its schemas — valid ones and, from the schemas' edges, the nearly valid — then
checks that no answer is a server error. The fast profile (12 examples per operation) runs in the suite;
``SCHEMATHESIS_EXAMPLES`` (or bench/fuzz.py's ``FUZZ_EXAMPLES``) raises it for a longer run by hand.

Left out: the dashboard's event stream (it never ends) and deliveries to the built-in sink, which
answer whatever status they were told to (5xx included) — their ``/requests`` and ``/reply`` are in.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from mockserver.control.handlers.callbacks import MAX_WAIT
from mockserver.server import MockServer
from mockserver.settings import Settings

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES") or os.environ.get("FUZZ_EXAMPLES") or "12")


@pytest.fixture(scope="module")
def control_server() -> Iterator[MockServer]:
    with MockServer(Settings(clock="virtual", port=0, seed=3, callback_timeout=0.5)) as server:
        yield server


def test_no_control_request_gets_a_server_error(control_server: MockServer) -> None:
    base = control_server.base_url
    schema = schemathesis.openapi.from_url(f"{base}/_mock/openapi.json")
    schema = schema.exclude(path="/_mock/ui/stream").exclude(path_regex=r"^/_mock/sink/\{name\}(/\{rest\})?$")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40  # the document describes the whole control API (test_openapi.py checks it)
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def run(case: Any) -> None:
            # a long poll of /_mock/callbacks may rightly wait up to MAX_WAIT seconds before it answers
            case.call_and_validate(base_url=base, checks=[not_a_server_error], timeout=MAX_WAIT + 15)

        try:
            run()
        except Exception as exc:
            raise AssertionError(f"{operation.label}: {exc}") from exc
