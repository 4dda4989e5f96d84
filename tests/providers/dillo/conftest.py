"""Dillo as a client sees it: ``ApiKey`` + ``CustomerCode`` headers, one send-action endpoint with a
double-encoded ``MessagePayload``, and a voice-status GET to poll."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

SENDER = "+393391003110"
LONG_CALL = "+15550000007"  # answered at 6 s, stays up an hour
IVR = "+15550000006"  # answered at 6 s; presses "1" 2 s into the first prompt, "1234#" 3 s into the next
ANSWERED = "+442079460123"  # the default scenario: answered at 7 s, the callee hangs up at 37 s
ANSWER_AT = 6  # long-call and ivr


def node(action_type: str, next_node: int | None = None, **action: Any) -> dict[str, Any]:
    """One ChannelBehavior node [dillo.md §6.1]."""
    raw: dict[str, Any] = {"ActionType": action_type, "ChannelBehaviorAction": action}
    if next_node is not None:
        raw["NextNode"] = next_node
    return raw


def behavior(*nodes: dict[str, Any]) -> dict[str, Any]:
    """Nodes keyed "0", "1", ... in order."""
    return {"ChannelBehaviorNodes": {str(i): n for i, n in enumerate(nodes)}}


def voice(to: str, flow: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Sender": SENDER, "TelephoneNumber": to, "ChannelBehavior": flow, **fields}


def envelope(payload: Any, kind: str = "Voice") -> dict[str, Any]:
    """The POST body: the payload serialized into a JSON string, as the real API wants [dillo.md §3]."""
    return {"SendActionType": kind, "MessagePayload": json.dumps(payload)}


class DilloClient:
    """A customer's client. The payload builders ride along, since test modules cannot import this
    conftest (pytest's importlib mode)."""

    node = staticmethod(node)
    behavior = staticmethod(behavior)
    voice = staticmethod(voice)
    envelope = staticmethod(envelope)

    def __init__(self, http: httpx.Client, customer_code: str, api_key: str) -> None:
        self.http = http
        self.customer_code = customer_code
        self.api_key = api_key

    @property
    def headers(self) -> dict[str, str]:
        return {"ApiKey": self.api_key, "CustomerCode": self.customer_code}

    def post(self, body: Any, **headers: str) -> httpx.Response:
        return self.http.post("/api/sendaction", json=body, headers={**self.headers, **headers})

    def send(self, payload: dict[str, Any], scenario: str | None = None) -> str:
        """Send a voice request; its id."""
        extra = {"X-Mock-Scenario": scenario} if scenario else {}
        response = self.post(envelope(payload), **extra)
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    def call(self, to: str, *nodes: dict[str, Any], **fields: Any) -> str:
        return self.send(voice(to, behavior(*nodes), **fields))

    def get(self, request_id: str) -> httpx.Response:
        return self.http.get(f"/api/sendaction/voice/{request_id}", headers=self.headers)

    def status(self, request_id: str) -> dict[str, Any]:
        response = self.get(request_id)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def nodes(self, request_id: str) -> dict[str, dict[str, Any]]:
        """The ChannelBehavior nodes of the GET (which returns the behavior as a JSON string)."""
        nodes: dict[str, dict[str, Any]] = json.loads(self.status(request_id)["ChannelBehavior"])[
            "ChannelBehaviorNodes"
        ]
        return nodes

    def hangup(self, request_id: str) -> httpx.Response:
        return self.http.post(f"/api/sendaction/voice/{request_id}/mock-hangup", headers=self.headers)


@pytest.fixture(scope="session")
def http(mock_server: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_server.base_url, timeout=10) as client:
        yield client


@pytest.fixture
def dillo(http: httpx.Client, control: Any) -> DilloClient:
    """The default customer, after the per-test reset."""
    customer = control.credentials("dillo")[0]
    return DilloClient(http, customer["CustomerCode"], customer["ApiKey"])


@pytest.fixture
def other_customer(http: httpx.Client, control: Any) -> DilloClient:
    response = control.http.post("/_mock/credentials/dillo", json={})
    assert response.status_code == 201, response.text
    customer = response.json()
    return DilloClient(http, customer["CustomerCode"], customer["ApiKey"])
