"""Shared fixtures: the real server on a free port with a virtual clock, and a real receiver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.server import MockServer
from mockserver.settings import Settings
from mockserver.testing.receiver import CallbackReceiver


class Control:
    """A thin client of the control API, so tests read as what they do."""

    def __init__(self, server: MockServer) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.base_url, timeout=30)

    def advance(self, seconds: float) -> dict[str, Any]:
        response = self.http.post("/_mock/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def call(self, ref: str) -> dict[str, Any]:
        response = self.http.get(f"/_mock/calls/{ref}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def calls(self, **filters: str) -> list[dict[str, Any]]:
        return list(self.http.get("/_mock/calls", params=filters).json()["calls"])

    def callbacks(self, **filters: str) -> list[dict[str, Any]]:
        return list(self.http.get("/_mock/callbacks", params=filters).json()["callbacks"])

    def credentials(self, provider: str) -> list[dict[str, Any]]:
        return list(self.http.get("/_mock/credentials").json()[provider])

    def reset(self) -> None:
        assert self.http.post("/_mock/reset").status_code == 200


@pytest.fixture(scope="session")
def mock_server() -> Iterator[MockServer]:
    with MockServer(Settings(clock="virtual", port=0, seed=7, callback_timeout=2.0)) as server:
        yield server


@pytest.fixture
def control(mock_server: MockServer) -> Iterator[Control]:
    control = Control(mock_server)
    control.reset()
    yield control
    control.http.close()


@pytest.fixture(scope="session")
def session_receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver() as receiver:
        yield receiver


@pytest.fixture
def receiver(session_receiver: CallbackReceiver) -> CallbackReceiver:
    session_receiver.clear()
    return session_receiver
