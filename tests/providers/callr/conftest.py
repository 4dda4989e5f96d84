"""CALLR as a client sees it: JSON-RPC 2.0 over POST /json-rpc/v1.1/, and a Real-Time app on the receiver."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import callr
import httpx
import pytest

from mockserver.testing.receiver import CallbackReceiver, Received, Reply

PATH = "/json-rpc/v1.1/"
NOT_FOUND, MISSING_PROPERTY, INVALID_VALUE = 110, 150, 151  # mock's table (docs/providers/callr.md)


class Rpc:
    """Raw JSON-RPC: one POST per call, positional params, Basic ``login:password`` by default."""

    def __init__(self, http: httpx.Client, login: str, password: str) -> None:
        self.http = http
        self.auth = (login, password)
        self.login = login

    def post(self, body: Any, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", self.auth)
        return self.http.post(PATH, json=body, **kwargs)

    def send(self, method: str, *params: Any, **kwargs: Any) -> httpx.Response:
        return self.post({"jsonrpc": "2.0", "id": 42, "method": method, "params": list(params)}, **kwargs)

    def __call__(self, method: str, *params: Any, **kwargs: Any) -> Any:
        response = self.send(method, *params, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "result" in body, body
        return body["result"]

    def error(self, method: str, *params: Any, **kwargs: Any) -> dict[str, Any]:
        response = self.send(method, *params, **kwargs)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"jsonrpc", "id", "error"}, body
        return dict(body["error"])


class RealTimeApp:
    """The client's Real-Time controller: a path on the receiver whose replies are computed from each
    RT.Request by ``decide`` (a real controller's logic, in Python)."""

    def __init__(self, receiver: CallbackReceiver, path: str = "/rt") -> None:
        self.receiver = receiver
        self.path = path

    @property
    def url(self) -> str:
        return self.receiver.url(self.path)

    def run(self, decide: Callable[[dict[str, Any]], dict[str, Any] | None]) -> None:
        def reply(received: Received) -> str:
            answer = decide(json.loads(received.body))
            return "" if answer is None else json.dumps(answer)

        self.receiver.reply(self.path, Reply(body=reply, content_type="application/json"))

    def requests(self) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.receiver.requests(self.path)]

    def received(self) -> list[Received]:
        return self.receiver.requests(self.path)


def command(name: str, command_id: Any = 0, variables: Any = None, **params: Any) -> dict[str, Any]:
    """An RT.Response (seed 004)."""
    return {"command": name, "command_id": command_id, "params": params, "variables": variables or {}}


@pytest.fixture(scope="session")
def http(mock_server: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_server.base_url, timeout=15) as client:
        yield client


@pytest.fixture
def account(control: Any) -> dict[str, Any]:
    return dict(control.credentials("callr")[0])


@pytest.fixture
def rpc(http: httpx.Client, account: dict[str, Any]) -> Rpc:
    return Rpc(http, account["login"], account["password"])


@pytest.fixture
def rt_app(receiver: CallbackReceiver) -> RealTimeApp:
    return RealTimeApp(receiver)


@pytest.fixture
def realtime_app(rpc: Rpc, rt_app: RealTimeApp) -> str:
    """A REALTIME10 app pointing at the receiver; its hash."""
    return str(rpc("apps.create", "REALTIME10", "controller", {"url": rt_app.url})["hash"])


@pytest.fixture
def api(mock_server: Any, account: dict[str, Any]) -> callr.Api:
    """The official Python SDK (``callr`` 2.1.0), unchanged but for its URL."""
    api = callr.Api(account["login"], account["password"])
    api.set_api_url(f"{mock_server.base_url}/json-rpc/v1.1/")
    return api
