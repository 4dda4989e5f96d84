"""A small integrator app and its tests against mockserver (docs/pytest.md shows this file as it is).

The app places reminder calls through Apifonica and follows them through status callbacks. Run it with
``pytest docs/examples/test_example_app.py``: installing ``telephony-mockserver`` brings the
``telephony_mock`` fixture.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mockserver.testing.handle import TelephonyMock

# -- the app (in real life this lives in your package) -------------------------------------------

REMINDER_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    "<response><playAudio>https://example.com/reminder.mp3</playAudio></response>"
)


@dataclass(frozen=True)
class ApifonicaAccount:
    api_url: str  # https://api.apifonica.com in production
    account_sid: str
    auth_token: str


@dataclass
class Reminders:
    """What the app knows about each reminder call: the statuses Apifonica reported, in order."""

    statuses: dict[str, list[str]] = field(default_factory=dict)

    def record(self, call_sid: str, status: str) -> None:
        seen = self.statuses.setdefault(call_sid, [])
        if status not in seen:  # webhooks can arrive twice: handle them once
            seen.append(status)

    def outcome(self, call_sid: str) -> str:
        seen = self.statuses.get(call_sid, [])
        if "answered" in seen:
            return "reached"
        return seen[-1] if seen else "unknown"


def place_reminder_call(account: ApifonicaAccount, to: str, webhook_url: str) -> str:
    """Ask Apifonica to call ``to``; returns the call's SID."""
    response = httpx.post(
        f"{account.api_url}/v2/accounts/{account.account_sid}/calls",
        auth=(account.account_sid, account.auth_token),
        json={"from": "442071234567", "to": to, "controller": webhook_url, "method": "POST", "events": "all"},
    )
    response.raise_for_status()
    return str(response.json()["uri"].rsplit("/", 1)[1])


def create_webhook_app(reminders: Reminders) -> Starlette:
    async def apifonica_webhook(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))  # or request.form() with python-multipart
        call_sid, status = form["call_sid"], form["status"]
        reminders.record(call_sid, status)
        if status == "answered":  # the controller request: tell Apifonica what to play
            return Response(REMINDER_XML, media_type="text/xml")
        return Response("")  # a status event: acknowledge, carry on

    return Starlette(routes=[Route("/webhooks/apifonica", apifonica_webhook, methods=["POST"])])


# -- the tests -----------------------------------------------------------------------------------


@pytest.fixture
def reminders() -> Reminders:
    return Reminders()


@pytest.fixture
def webhook_url(reminders: Reminders) -> Iterator[str]:
    """The app's webhook on a real socket, so the mock server can call it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()  # connections queue from now on: no need to wait for the thread below
    server = uvicorn.Server(
        uvicorn.Config(create_webhook_app(reminders), lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    host, port = sock.getsockname()
    yield f"http://{host}:{port}/webhooks/apifonica"
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture
def account(telephony_mock: TelephonyMock) -> ApifonicaAccount:
    cred = telephony_mock.credentials("apifonica")
    return ApifonicaAccount(telephony_mock.base_url, cred["account_sid"], cred["auth_token"])


def test_an_answered_reminder_is_played_and_reached(
    telephony_mock: TelephonyMock, account: ApifonicaAccount, reminders: Reminders, webhook_url: str
) -> None:
    call_sid = place_reminder_call(account, "442079460001", webhook_url)

    telephony_mock.advance(60)  # a virtual minute; every callback has reached the app when it returns

    assert reminders.statuses[call_sid] == ["queued", "initiated", "ringing", "answered", "completed"]
    assert reminders.outcome(call_sid) == "reached"
    call = telephony_mock.call(call_sid)
    assert call["ended_by"] == "caller"  # our XML ran out after the message, so we hung up
    assert call["duration"] == 5  # the mock plays audio for 5 s


def test_a_busy_line_is_reported_busy(
    telephony_mock: TelephonyMock, account: ApifonicaAccount, reminders: Reminders, webhook_url: str
) -> None:
    telephony_mock.use_scenario("busy")  # every new call: rings, then busy

    call_sid = place_reminder_call(account, "442079460001", webhook_url)
    telephony_mock.advance(60)

    assert reminders.outcome(call_sid) == "busy"


def test_a_duplicated_webhook_is_handled_once(
    telephony_mock: TelephonyMock, account: ApifonicaAccount, reminders: Reminders, webhook_url: str
) -> None:
    telephony_mock.callback_fault(url=webhook_url, duplicate=True)  # every status event arrives twice

    call_sid = place_reminder_call(account, "442079460001", webhook_url)
    telephony_mock.advance(60)

    events = telephony_mock.callbacks(call_id=call_sid, kind="event", delivered=True)
    assert len(events) > len(set(e["body"] for e in events))  # the mock did send duplicates
    assert reminders.statuses[call_sid] == ["queued", "initiated", "ringing", "answered", "completed"]


def test_an_api_outage_reaches_the_caller_as_an_error(
    telephony_mock: TelephonyMock, account: ApifonicaAccount, webhook_url: str
) -> None:
    telephony_mock.fault(
        provider="apifonica", method="POST", path="/v2/accounts/*/calls", status=503, times=1
    )

    with pytest.raises(httpx.HTTPStatusError, match="503"):
        place_reminder_call(account, "442079460001", webhook_url)
    assert place_reminder_call(account, "442079460001", webhook_url)  # the fault was for one request only
