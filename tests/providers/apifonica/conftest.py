"""Apifonica as a client sees it: REST v2 with Basic auth, and an XML controller played by the receiver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from mockserver.testing.receiver import CallbackReceiver, Received, Reply

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
FROM = "442079460000"


def document(commands: str) -> str:
    """An Apifonica XML document holding ``commands`` [apifonica.md §6]."""
    return f"{DECLARATION}<response>{commands}</response>"


class ApifonicaClient:
    """An account's REST client: ``/v2/accounts/{acc}/…`` with HTTP Basic ``accountSID:authToken``."""

    from_number = FROM

    def __init__(self, http: httpx.Client, account_sid: str, auth_token: str) -> None:
        self.http = http
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.base_url = str(http.base_url).rstrip("/")

    def path(self, tail: str = "") -> str:
        return f"/v2/accounts/{self.account_sid}{tail}"

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Any request (``url`` relative to the server, or absolute) with this account's Basic auth."""
        return self.http.request(method, url, auth=(self.account_sid, self.auth_token), **kwargs)

    def get(self, tail: str, **params: str | int) -> httpx.Response:
        return self.request("GET", self.path(tail), params=params)

    def post(self, tail: str, body: Any, **kwargs: Any) -> httpx.Response:
        return self.request("POST", self.path(tail), json=body, **kwargs)

    def create_application(self, controller: str, method: str = "POST", **fields: str) -> str:
        response = self.post("/applications", {"controller": controller, "method": method, **fields})
        assert response.status_code == 201, response.text
        return str(response.json()["uri"]).rsplit("/", 1)[1]

    def place_call(self, to: str, app_sid: str, scenario: str | None = None, **fields: Any) -> str:
        body = {"from": FROM, "to": to, "call_app_sid": app_sid, **fields}
        headers = {"X-Mock-Scenario": scenario} if scenario else {}
        response = self.post("/calls", body, headers=headers)
        assert response.status_code == 201, response.text
        return str(response.json()["uri"]).rsplit("/", 1)[1]

    def call(self, call_sid: str) -> dict[str, Any]:
        response = self.get(f"/calls/{call_sid}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def calls(self, **filters: str | int) -> list[dict[str, Any]]:
        response = self.get("/calls", **filters)
        assert response.status_code == 200, response.text
        return list(response.json()["calls"])

    def modify(self, call_sid: str, body: Any) -> httpx.Response:
        return self.post(f"/calls/{call_sid}", body)


class Controller:
    """The client's XML controller: the receiver answering each path with Apifonica XML."""

    def __init__(self, receiver: CallbackReceiver) -> None:
        self.receiver = receiver

    def url(self, path: str) -> str:
        return self.receiver.url(path)

    def serve(self, path: str, *commands: str) -> str:
        """Answer ``path`` with one document per request, in turn (the last repeats); its URL."""
        replies = [Reply(body=document(c), content_type="application/xml") for c in commands]
        self.receiver.reply(path, *replies)
        return self.url(path)

    def requests(self, path: str) -> list[Received]:
        return self.receiver.requests(path)


@pytest.fixture(scope="session")
def http(mock_server: Any) -> Iterator[httpx.Client]:
    """One connection pool for the whole session (a client per test costs tens of milliseconds)."""
    with httpx.Client(base_url=mock_server.base_url, timeout=10) as client:
        yield client


@pytest.fixture
def api(http: httpx.Client, control: Any) -> ApifonicaClient:
    """The first configured account, after the per-test reset."""
    account = control.credentials("apifonica")[0]
    return ApifonicaClient(http, account["account_sid"], account["auth_token"])


@pytest.fixture
def other_account(http: httpx.Client, control: Any) -> ApifonicaClient:
    """A second account, added through the control API (credentials survive resets, so a new one)."""
    response = control.http.post("/_mock/credentials/apifonica", json={})
    assert response.status_code == 201, response.text
    account = response.json()
    return ApifonicaClient(http, account["account_sid"], account["auth_token"])


@pytest.fixture
def controller(receiver: CallbackReceiver) -> Controller:
    return Controller(receiver)
