"""Which requests go straight to a provider's endpoint (mockserver/shortcut.py), on a real socket.

A spy in place of the app's middleware chain counts the requests that enter it: a provider route that
matches in full skips it; the control API, a wrong method, a mounted ``/<provider>/`` path, a
production host name and a request a layer has work for take it, and all are answered as before.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from mockserver.shortcut import MockApp


class Chain:
    """Counts the requests that enter the app's middleware chain, and passes them on."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.paths: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.paths.append(scope["path"])
        await self.app(scope, receive, send)


@pytest.fixture
def apifonica(control: Any) -> tuple[str, str]:
    cred = control.credentials("apifonica")[0]
    return cred["account_sid"], cred["auth_token"]


@pytest.fixture
def chain(control: Any, apifonica: tuple[str, str]) -> Iterator[Chain]:
    """Installed once the credentials are read: every request after it is the test's."""
    app = control.server.app
    assert isinstance(app, MockApp)
    assert app.middleware_stack is not None
    spy = Chain(app.middleware_stack)
    app.middleware_stack = spy
    try:
        yield spy
    finally:
        app.middleware_stack = spy.app


def test_a_provider_read_skips_the_chain_and_is_journaled(
    control: Any, apifonica: tuple[str, str], chain: Chain
) -> None:
    acc = apifonica[0]
    with httpx.Client(base_url=control.server.base_url, auth=apifonica) as http:
        unknown = f"/v2/accounts/{acc}/calls/cal00000000-0000-4000-8000-000000000000"
        answer = http.get(unknown)
        assert answer.status_code == 404
        assert answer.json()["status_code"] == 404
        assert http.get(f"/v2/accounts/{acc}").status_code == 200
    assert chain.paths == []
    journal = control.http.get("/_mock/requests", params={"provider": "apifonica"}).json()
    assert [(e["path"], e["status"]) for e in journal["requests"]][-2:] == [
        (unknown, 404),
        (f"/v2/accounts/{acc}", 200),
    ]


def test_what_a_layer_the_router_or_a_mount_decides_takes_the_chain(
    control: Any, apifonica: tuple[str, str], chain: Chain
) -> None:
    acc = apifonica[0]
    with httpx.Client(base_url=control.server.base_url, auth=apifonica) as http:
        assert http.get("/_mock/health").status_code == 200  # the control API
        assert http.put(f"/v2/accounts/{acc}").status_code == 405  # a wrong method
        assert http.get(f"/apifonica/v2/accounts/{acc}").status_code == 200  # under its mount
        assert http.get(f"/v2/accounts/{acc}", headers={"Host": "api.apifonica.com"}).status_code == 200
        tenant = {"X-Mock-Tenant": "default"}
        assert http.get(f"/v2/accounts/{acc}", headers=tenant).status_code == 200
    assert chain.paths == ["/_mock/health", *[f"{p}/v2/accounts/{acc}" for p in ("", "/apifonica", "", "")]]
