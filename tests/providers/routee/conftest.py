"""Routee as a client sees it: a token from /oauth/token, then /voice with the bearer token; the
receiver plays the client's callback and eventUrl servers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from mockserver.testing.receiver import CallbackReceiver, Reply

FROM = "+306940000000"
LONG_CALL = "+15550000007"  # answered at 6 s, stays up an hour
IVR = "+15550000006"  # answered at 6 s; presses "1" 2 s into the first prompt, "1234#" 3 s into the next
VOICEMAIL = "+15550000005"  # a machine answers at 11 s and hangs up 20 s later
BUSY = "+15550000001"
NO_ANSWER = "+15550000002"
ANSWERED = "+442079460123"  # the default: answered at 7 s by a human, who hangs up 30 s later


def say(text: str = "Hello", **extra: Any) -> dict[str, Any]:
    return {"type": "SAY", "message": {"text": text, "language": "en-US", "gender": "female"}, **extra}


def pause(seconds: int) -> dict[str, Any]:
    return {"type": "PAUSE", "duration": seconds}


def plan(*verbs: dict[str, Any]) -> dict[str, Any]:
    return {"verbs": list(verbs)}


class Dialplans:
    """Building dialplans [routee.md §6] and the receiver's replies that carry one."""

    say = staticmethod(say)
    pause = staticmethod(pause)
    plan = staticmethod(plan)

    @staticmethod
    def play(url: str = "https://audio.example/hello.wav", **extra: Any) -> dict[str, Any]:
        return {"type": "PLAY", "fileURL": url, **extra}

    @staticmethod
    def collect(event_url: str, **extra: Any) -> dict[str, Any]:
        return {"type": "COLLECT", "eventUrl": event_url, **extra}

    @staticmethod
    def dial(to: str, **extra: Any) -> dict[str, Any]:
        return {"type": "DIAL", "from": FROM, "to": {"phone": to}, **extra}

    @staticmethod
    def reply(*verbs: dict[str, Any]) -> Reply:
        return Reply(body=json.dumps(plan(*verbs)), content_type="application/json")


@pytest.fixture
def dp() -> type[Dialplans]:
    return Dialplans


class RouteeClient:
    """One application's client: a bearer token, conversations, tracking."""

    def __init__(self, http: httpx.Client, app: dict[str, Any]) -> None:
        self.http = http
        self.app = app
        self.token = self.new_token()

    def token_response(self, **form: str) -> httpx.Response:
        return self.http.post(
            "/oauth/token",
            auth=(self.app["applicationId"], self.app["applicationSecret"]),
            data={"grant_type": "client_credentials", **form},
        )

    def new_token(self, **form: str) -> str:
        response = self.token_response(**form)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def request(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token or self.token}", **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def post_conversation(self, body: Any, **kwargs: Any) -> httpx.Response:
        return self.request("POST", "/voice/conversation", json=body, **kwargs)

    def place(self, to: str, *verbs: dict[str, Any], scenario: str | None = None, **fields: Any) -> str:
        body: dict[str, Any] = {"from": FROM, "to": {"phone": to}, **fields}
        if "dialPlanUrl" not in fields:
            body["dialPlan"] = plan(*(verbs or (pause(3600),)))
        headers = {"X-Mock-Scenario": scenario} if scenario else {}
        response = self.post_conversation(body, headers=headers)
        assert response.status_code == 200, response.text
        return str(response.json()["trackingId"])

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.request("GET", path, params=params)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def legs(self, tracking_id: str) -> list[dict[str, Any]]:
        return list(self.get(f"/voice/tracking/conversation/{tracking_id}")["content"])

    def status(self, tracking_id: str) -> str:
        return str(self.legs(tracking_id)[0]["status"]["status"])


@pytest.fixture(scope="session")
def http(mock_server: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock_server.base_url, timeout=10) as client:
        yield client


def add_application(control: Any, **fields: Any) -> dict[str, Any]:
    response = control.http.post("/_mock/credentials/routee", json=fields)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def routee(http: httpx.Client, control: Any) -> Iterator[RouteeClient]:
    """The default application with its rate limit switched off (tests that place several calls in one
    instant); the rate-limit tests use an application of their own."""
    app = control.credentials("routee")[0]
    add_application(control, applicationId=app["applicationId"], rate_limit=False)
    yield RouteeClient(http, app)
    add_application(control, applicationId=app["applicationId"], rate_limit=True)


@pytest.fixture
def limited(http: httpx.Client, control: Any) -> RouteeClient:
    """A fresh application with Routee's rate limit on (the default)."""
    return RouteeClient(http, add_application(control))


@pytest.fixture
def new_client(http: httpx.Client, control: Any) -> Callable[..., RouteeClient]:
    """A client of a new application added through the control API with ``fields``."""

    def make(**fields: Any) -> RouteeClient:
        return RouteeClient(http, add_application(control, **fields))

    return make


@pytest.fixture
def conversation_body() -> dict[str, Any]:
    """A valid POST /voice/conversation body to vary."""
    return {"from": FROM, "to": {"phone": ANSWERED}, "dialPlan": plan(say())}


class Client:
    """The client's servers (the receiver): JSON bodies it got, and the mock's flow errors."""

    def __init__(self, receiver: CallbackReceiver, control: Any) -> None:
        self.receiver = receiver
        self.control = control

    def url(self, path: str) -> str:
        return self.receiver.url(path)

    def bodies(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(r.body) for r in self.receiver.requests(path)]

    def statuses(self, path: str = "/status") -> list[str]:
        return [b["status"]["name"] for b in self.bodies(path)]

    def flow_errors(self) -> list[str]:
        entries = self.control.http.get("/_mock/journal").json()["entries"]
        return [str(e["detail"]) for e in entries if e["kind"] == "flow_error"]


@pytest.fixture
def client(receiver: CallbackReceiver, control: Any) -> Client:
    return Client(receiver, control)
