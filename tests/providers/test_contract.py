"""Every registered provider, through the same behaviours, over its own wire format.

Each provider ships ``tests/providers/<name>/driver.py`` with a ``Driver`` class (see the Apifonica one):
place a call, read its status, hang up, and the provider's own 404 and 401.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.providers import REGISTRY

HERE = Path(__file__).parent


def load_driver(name: str) -> Any:
    path = HERE / name / "driver.py"
    spec = importlib.util.spec_from_file_location(f"contract_driver_{name}", path)
    assert spec is not None, f"{name} has no {path}"
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Driver


@pytest.fixture(params=sorted(REGISTRY))
def driver(request: pytest.FixtureRequest, control: Any) -> Iterator[Any]:
    instance = load_driver(request.param)(control.server.base_url, control.http)
    yield instance
    instance.close()


@pytest.mark.parametrize(
    ("to", "final"),
    [
        ("442079460001", "completed"),
        ("15550000001", "busy"),
        ("15550000002", "no_answer"),
        ("15550000003", "rejected"),
        ("15550000004", "failed"),
        ("15550000005", "completed"),
    ],
)
def test_a_call_ends_as_its_scenario_says(driver: Any, control: Any, to: str, final: str) -> None:
    ref = driver.place(to)
    control.advance(600)
    assert driver.status(ref) == driver.expected_status(final)


def test_a_live_call_is_hung_up_through_the_api(driver: Any, control: Any) -> None:
    ref = driver.place("15550000007")  # long-call: answered, stays up an hour
    control.advance(30)
    assert driver.status(ref) == driver.expected_status("answered")
    driver.hangup(ref)
    control.advance(1)
    assert driver.status(ref) == driver.expected_status("completed")
    assert control.calls()[0]["ended_by"] == "api"


def test_an_unknown_call_is_the_providers_404(driver: Any) -> None:
    assert driver.is_not_found(driver.unknown())


def test_bad_credentials_are_the_providers_401(driver: Any) -> None:
    assert driver.is_unauthorized(driver.unauthenticated())


def test_a_read_answers_the_same_straight_to_its_endpoint_and_through_the_whole_chain(
    driver: Any, control: Any
) -> None:
    """A provider request no layer has work for skips Starlette's middleware and router
    (mockserver/shortcut.py); a tenant header sends the same request through all of it."""
    ref = driver.place("15550000007")
    control.advance(30)
    for ask in (lambda: driver.read(ref), driver.unknown, driver.unauthenticated):
        direct = ask()
        driver.http.headers["X-Mock-Tenant"] = "default"  # the tenant dispatch has work: the whole chain
        try:
            chained = ask()
        finally:
            del driver.http.headers["X-Mock-Tenant"]
        assert chained.status_code == direct.status_code
        assert chained.content == direct.content
        assert _without_date(chained.headers) == _without_date(direct.headers)


def _without_date(headers: Any) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers.multi_items() if k != "date"]
