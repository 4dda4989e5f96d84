"""Inbound SMS (``sms.mo``): ``Callr.receive_sms`` — the provider side of the control API's
``POST /_mock/inbound-sms`` — driven in-process until that route exists."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from mockserver.app import create_app
from mockserver.core.errors import InvalidParameter, NotFound
from mockserver.providers.callr.provider import Callr
from mockserver.settings import Settings
from mockserver.testing.receiver import CallbackReceiver, Received
from tests.providers.callr.conftest import PATH

ALL_DAY = ("2026-01-01 00:00:00", "2026-01-01 23:59:59")
CALLER = "+447700900123"


class Mock:
    """The app in-process (its lifespan entered, JSON-RPC through an ASGI transport), on this loop."""

    def __init__(self, client: httpx.AsyncClient, callr: Callr) -> None:
        self.client, self.callr = client, callr
        account = callr.credentials()[0]
        self.auth = (account["login"], account["password"])

    async def rpc(self, method: str, *params: Any) -> Any:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
        response = await self.client.post(PATH, json=body, auth=self.auth)
        assert "result" in response.json(), response.text
        return response.json()["result"]

    async def advance(self, seconds: float) -> None:
        response = await self.client.post("/_mock/clock/advance", json={"seconds": seconds})
        assert response.status_code == 200, response.text

    async def did(self) -> str:
        order = await self.rpc("did/store.reserve", 1, "CLASSIC", 1, "RANDOM")
        return str((await self.rpc("did/store.buy_order", order["token"]))["success"][0]["intl_number"])


def in_process(test: Callable[[Mock], Awaitable[None]]) -> None:
    """Run ``test`` against ``create_app(Settings(clock="virtual"))`` and its CALLR provider object."""

    async def main() -> None:
        app = create_app(Settings(clock="virtual", callback_timeout=2.0))
        callr = app.state.mock.providers["callr"]
        assert isinstance(callr, Callr)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
                await test(Mock(client, callr))
            # pushes still in flight would keep their connection open past the loop's end
            await callr.ctx.dispatcher.settle()
        await asyncio.sleep(0)  # let the closed connections' transports go

    asyncio.run(main())


async def arrived(receiver: CallbackReceiver, count: int, path: str) -> list[Received]:
    """Wait for pushes without blocking the loop that makes them."""
    return await asyncio.to_thread(receiver.wait_for, count, path)


def test_an_sms_to_a_did_is_stored_as_in_and_pushed_as_sms_mo(receiver: CallbackReceiver) -> None:
    async def test(mock: Mock) -> None:
        number = await mock.did()
        await mock.rpc("webhooks.subscribe", "sms.mo", receiver.url("/mo"), None)

        sms = mock.callr.receive_sms(CALLER, number, "Yes, 3 pm suits me 👍")

        [pushed] = await arrived(receiver, 1, "/mo")
        event = json.loads(pushed.body)
        assert (event["type"], event["data"]) == ("sms.mo", sms)
        assert sms == {
            "b_customer_debit": "0.00",
            "b_customer_mode": "PREPAID",
            "date_creation": "2026-01-01 09:00:00",
            "date_received": "2026-01-01 09:00:00",
            "date_sent": "2026-01-01 09:00:00",
            "date_update": "2026-01-01 09:00:00",
            "encoding": "UNICODE",
            "from": CALLER,
            "hash": sms["hash"],
            "nature": "ALERTING",
            "options": {},
            "parts": 1,
            "status": "RECEIVED",
            "status_error": "",
            "text": "Yes, 3 pm suits me 👍",
            "to": number,
            "type": "IN",
            "user_data": "",
        }
        assert await mock.rpc("sms.get", sms["hash"]) == sms
        assert await mock.rpc("sms.get_list", "IN", *ALL_DAY) == [sms]
        assert await mock.rpc("sms.get_list", "OUT", *ALL_DAY) == []
        await mock.advance(60)  # an inbound message has no lifecycle
        assert (await mock.rpc("sms.get", sms["hash"]))["status"] == "RECEIVED"

    in_process(test)


def test_a_reply_also_reaches_the_webhook_of_the_sms_it_answers(receiver: CallbackReceiver) -> None:
    async def test(mock: Mock) -> None:
        hook = {"endpoint": receiver.url("/replies"), "options": {"hmac_secret": "a-long-secret"}}
        await mock.rpc("sms.send", "", CALLER, "Confirm with YES", {"webhook": hook})
        await mock.advance(10)  # its status updates: PENDING, SENT, REMOTE_QUEUED, RECEIVED
        await arrived(receiver, 4, "/replies")

        reply = mock.callr.receive_sms(CALLER.lstrip("+"), "38100", "YES")  # to the shared short code

        pushed = [json.loads(r.body) for r in await arrived(receiver, 5, "/replies")]
        mo = [e for e in pushed if e["type"] == "sms.mo"]
        assert [(e["hook_hash"], e["data"]) for e in mo] == [(None, reply)]
        assert (reply["from"], reply["to"], reply["encoding"]) == (CALLER, "38100", "GSM")

    in_process(test)


def test_unknown_numbers_and_bad_arguments_are_refused() -> None:
    async def test(mock: Mock) -> None:
        number = await mock.did()
        with pytest.raises(NotFound):
            mock.callr.receive_sms(CALLER, "+33100000000", "hi")
        with pytest.raises(NotFound):  # nobody texted CALLER from the short code
            mock.callr.receive_sms(CALLER, "38100", "hi")
        bad: list[tuple[Any, Any, Any, str]] = [
            ("not a number", number, "hi", "from"),
            (CALLER, number, "", "text"),
            (CALLER, None, "hi", "to"),
        ]
        for from_, to, text, field in bad:
            with pytest.raises(InvalidParameter) as refused:
                mock.callr.receive_sms(from_, to, text)
            assert refused.value.field == field
        assert await mock.rpc("sms.get_list", "IN", *ALL_DAY) == []

    in_process(test)


def test_inbound_sms_survive_a_snapshot() -> None:
    async def test(mock: Mock) -> None:
        number = await mock.did()
        sms = mock.callr.receive_sms(CALLER, number, "kept")
        snapshot = (await mock.client.post("/_mock/snapshot")).json()

        await mock.client.post("/_mock/reset")
        assert (await mock.client.post("/_mock/restore", json=snapshot)).status_code == 200
        await mock.advance(60)

        assert await mock.rpc("sms.get_list", "IN", *ALL_DAY) == [sms]

    in_process(test)
