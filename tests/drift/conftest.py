"""Fake upstreams for the drift tests: the mock itself (another seed, so ids and secrets differ),
optionally behind a middleware that plants known differences in its answers; the recorder in front of
it; and a driver per provider that plays a short client session through the recorder."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.app import create_app
from mockserver.drift.recorder import Recorder, write_header
from mockserver.drift.redact import Redactor
from mockserver.drift.upstreams import Upstream
from mockserver.server import free_port
from mockserver.settings import Settings
from mockserver.testing.receiver import CallbackReceiver

Rewrite = Callable[[str, str, bytes], tuple[int | None, bytes]]  # (method, path, body) → (status, body)


class ThreadServer:
    """Any ASGI app on a free loopback port, in a thread."""

    def __init__(self, app: ASGIApp) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ThreadServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.005)  # wall-clock ok: waiting for a thread to bind its socket
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)


class Planting:
    """Rewrites the upstream's answers: the differences a test expects drift to find."""

    def __init__(self, app: ASGIApp, rewrite: Rewrite) -> None:
        self.app, self.rewrite = app, rewrite

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_mock"):
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            status, body = self.rewrite(scope["method"], scope["path"], b"".join(chunks))
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send(
                {"type": "http.response.start", "status": status or start["status"], "headers": headers}
            )
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


@dataclass
class Session:
    """A recorded session: where the cassette is, and what the upstream's secrets were."""

    cassette: Path
    secrets: list[str]
    upstream: str
    user_receiver: CallbackReceiver


def secrets_of(credentials: dict[str, list[dict[str, Any]]], provider: str) -> list[str]:
    keys = {"auth_token", "ApiKey", "applicationSecret", "license_key", "password"}
    return [str(v) for c in credentials[provider] for k, v in c.items() if k in keys]


def relay(recorder: str, receiver: CallbackReceiver, path: str) -> str:
    return f"{recorder}/_relay?to={quote(receiver.url(path), safe='')}"


def basic(user: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()}


# -- one short client session per provider ---------------------------------------------------------
def drive_apifonica(http: httpx.Client, cred: dict[str, Any], hook: Callable[[str], str]) -> None:
    acc, auth = cred["account_sid"], basic(cred["account_sid"], cred["auth_token"])
    app = http.post(
        f"/v2/accounts/{acc}/applications", headers=auth, json={"controller": hook("/ctl"), "method": "POST"}
    )
    assert app.status_code == 201, app.text
    app_sid = app.json()["uri"].rsplit("/", 1)[1]
    body = {"from": "442071234567", "to": "15550000001", "call_app_sid": app_sid, "events": "all"}
    call = http.post(f"/v2/accounts/{acc}/calls", headers=auth, json=body)
    assert call.status_code < 300, call.text
    sid = call.json()["uri"].rsplit("/", 1)[1]
    assert http.get(f"/v2/accounts/{acc}/calls/{sid}", headers=auth).status_code == 200
    http.get(f"/v2/accounts/{acc}/calls/cal0000-unknown", headers=auth)


def drive_dillo(http: httpx.Client, cred: dict[str, Any], hook: Callable[[str], str]) -> None:
    auth = {"ApiKey": cred["ApiKey"], "CustomerCode": cred["CustomerCode"]}
    payload = {
        "TelephoneNumber": "+15550000001",
        "Sender": "+442071234567",
        "StatusCallbackUrl": hook("/status"),
        "ChannelBehavior": {
            "ChannelBehaviorNodes": {
                "0": {
                    "ActionType": "Say",
                    "ChannelBehaviorAction": {"Text": "Hello", "LanguageCode": "en-US"},
                }
            }
        },
    }
    body = {"SendActionType": "Voice", "MessagePayload": json.dumps(payload)}
    sent = http.post("/api/sendaction", headers=auth, json=body)
    assert sent.status_code == 200, sent.text
    assert http.get(f"/api/sendaction/voice/{sent.json()['id']}", headers=auth).status_code == 200
    http.post("/api/sendaction", headers=auth, json={"SendActionType": "Voice"})  # an error


def drive_routee(http: httpx.Client, cred: dict[str, Any], hook: Callable[[str], str]) -> None:
    auth = basic(cred["applicationId"], cred["applicationSecret"])
    token = http.post("/oauth/token", headers=auth, data={"grant_type": "client_credentials"})
    assert token.status_code == 200, token.text
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    body = {
        "from": "+306940000000",
        "to": {"phone": "+15550000001"},
        "dialPlan": {"verbs": [{"type": "SAY", "message": {"text": "Hello", "language": "en-US"}}]},
        "callback": {"url": hook("/status"), "strategy": "OnChange"},
    }
    conversation = http.post("/voice/conversation", headers=bearer, json=body)
    assert conversation.status_code == 200, conversation.text
    http.post("/voice/conversation", headers=bearer, json={"from": "x"})  # an error


def drive_esendex(http: httpx.Client, cred: dict[str, Any], hook: Callable[[str], str]) -> None:
    params = {
        "PhoneNumberToDial": "7575559999",
        "TextToSay": f"~\\StatusChangePostURL({hook('/postback')})~Your order has shipped",
        "CallerID": "7575550000",
        "CallerIDname": "Esendex",
        "VoiceID": "0",
        "LicenseKey": cred["license_key"],
    }
    basic_call = http.get("/notifyws/phonenotify.asmx/NotifyPhoneBasic", params=params)
    assert basic_call.status_code == 200, basic_call.text
    envelope = (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        '<soap:Body><NotifyPhoneBasic xmlns="http://ws.cdyne.com/NotifyWS/">'
        "<PhoneNumberToDial>7575559998</PhoneNumberToDial><TextToSay>Hi</TextToSay>"
        "<CallerID>7575550000</CallerID><CallerIDname>Esendex</CallerIDname><VoiceID>0</VoiceID>"
        f"<LicenseKey>{cred['license_key']}</LicenseKey></NotifyPhoneBasic></soap:Body></soap:Envelope>"
    )
    soap = http.post(
        "/notifyws/phonenotify.asmx",
        content=envelope,
        headers={
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": '"http://ws.cdyne.com/NotifyWS/NotifyPhoneBasic"',
        },
    )
    assert soap.status_code == 200, soap.text


def drive_callr(http: httpx.Client, cred: dict[str, Any], hook: Callable[[str], str]) -> None:
    auth = basic(cred["login"], cred["password"])

    def rpc(method: str, params: list[Any]) -> dict[str, Any]:
        body = {"jsonrpc": "2.0", "id": 7, "method": method, "params": params}
        answer = http.post(
            "/json-rpc/v1.1/", headers=auth | {"Content-Type": "application/json-rpc"}, json=body
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    assert "result" in rpc("apps.create", ["REALTIME10", "IVR", {"url": hook("/rt")}])
    assert "result" in rpc("webhooks.subscribe", ["call.outbound_hangup", hook("/hooks"), None])
    message = ["TTS|TTS_EN-GB_SERENA|Your parcel arrives today"]
    request = rpc("calls.broadcast_1", [{"number": "+33612345678", "timeout": 30}, message, {"loop": 1}])
    assert "result" in rpc("calls.get_status_1", [request["result"]])
    assert "error" in rpc("no.such.method", [])


DRIVERS = {
    "apifonica": drive_apifonica,
    "dillo": drive_dillo,
    "routee": drive_routee,
    "esendex": drive_esendex,
    "callr": drive_callr,
}


def record_session(
    provider: str, folder: Path, *, rewrite: Rewrite | None = None, mask_numbers: bool = False, seed: int = 7
) -> Session:
    """Play the provider's driver through a recorder in front of a fake upstream; advance the
    upstream's clock so calls end and call back (through the relay) before the recorder stops."""
    upstream_app: ASGIApp = create_app(Settings(clock="virtual", port=0, seed=seed))
    if rewrite is not None:
        upstream_app = Planting(upstream_app, rewrite)
    out = folder / f"{provider}.jsonl"
    with ThreadServer(upstream_app) as upstream, CallbackReceiver() as receiver:
        credentials = httpx.get(upstream.url + "/_mock/credentials").json()
        redactor = Redactor(mask_numbers=mask_numbers)
        target = Upstream(upstream.url, "")
        with out.open("w", encoding="utf-8") as handle:
            write_header(handle, provider, target, redactor)
            recorder = Recorder(provider, target, handle, redactor)
            with ThreadServer(recorder.app()) as proxy, httpx.Client(base_url=proxy.url, timeout=30) as http:
                DRIVERS[provider](
                    http, credentials[provider][0], lambda path: relay(proxy.url, receiver, path)
                )
                httpx.post(upstream.url + "/_mock/clock/advance", json={"seconds": 3600}, timeout=60)
        return Session(out, secrets_of(credentials, provider), upstream.url, receiver)


@pytest.fixture
def record(tmp_path: Path) -> Iterator[Callable[..., Session]]:
    return lambda provider, **kw: record_session(provider, tmp_path, **kw)


def rename_json_key(old: str, new: str) -> Callable[[bytes], bytes]:
    return lambda body: re.sub(rf'"{re.escape(old)}"\s*:', f'"{new}":', body.decode()).encode()
