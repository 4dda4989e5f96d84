"""Esendex's driver for the provider contract test (tests/providers/test_contract.py).

Esendex dials North-American numbers only, so the driver dials the last 10 digits of the contract's
destination (the magic suffixes still match). The script waits silently for ten minutes, so a call
stays up until its scenario ends it. Esendex has no API that ends a call in progress (CancelNotify
only cancels calls not yet dialed); the driver uses the mock-only ``MockHangUp`` method.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx

NS = "{http://ws.cdyne.com/NotifyWS/}"
SERVICE = "/notifyws/phonenotify.asmx"
STATUS = {
    "queued": 0,
    "initiated": 12,
    "ringing": 18,
    "answered": 21,
    "completed": 1,
    "busy": 8,
    "no_answer": 2,
    "rejected": 8,
    "failed": 43,
    "canceled": 22,
}


def reply(response: httpx.Response) -> dict[str, str]:
    root = ET.fromstring(response.content)
    return {child.tag.removeprefix(NS): child.text or "" for child in root}


class Driver:
    name = "esendex"

    def __init__(self, base_url: str, control: httpx.Client) -> None:
        self.key = control.get("/_mock/credentials").json()["esendex"][0]["license_key"]
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def call(self, method: str, **params: str) -> httpx.Response:
        return self.http.post(f"{SERVICE}/{method}", data={"LicenseKey": self.key, **params})

    def place(self, to: str) -> str:
        fields = {"PhoneNumberToDial": to[-10:], "TextToSay": r"~\PlaySilence(600)~", "VoiceID": "0"}
        response = self.call("NotifyPhoneBasic", CallerID="7575550000", CallerIDname="", **fields)
        assert response.status_code == 200, response.text
        return reply(response)["QueueID"]

    def status(self, ref: str) -> Any:
        """As real clients poll: the QueueID alone, no LicenseKey."""
        response = self.http.get(f"{SERVICE}/GetQueueIDStatus", params={"QueueID": ref})
        return int(reply(response)["ResponseCode"])

    def expected_status(self, state: str) -> Any:
        return STATUS[state]

    def hangup(self, ref: str) -> None:
        response = self.call("MockHangUp", QueueID=ref)
        assert response.status_code == 200, response.text
        assert "true" in response.text, response.text

    def read(self, ref: str) -> httpx.Response:
        """The raw status read of a call (tests/providers/test_retention.py)."""
        return self.http.get(f"{SERVICE}/GetQueueIDStatus", params={"QueueID": ref})

    def unknown(self) -> httpx.Response:
        return self.http.get(f"{SERVICE}/GetQueueIDStatus", params={"QueueID": "1"})

    def unauthenticated(self) -> httpx.Response:
        """GetQueueIDStatus takes no key; its AdvancedInfo sibling does."""
        return self.http.post(
            f"{SERVICE}/GetQueueIDStatusWithAdvancedInfo",
            data={"QueueID": "1", "LicenseKey": "not-a-license-key"},
        )

    def is_not_found(self, response: httpx.Response) -> bool:
        return response.status_code == 200 and reply(response)["ResponseCode"] == "9"

    def is_unauthorized(self, response: httpx.Response) -> bool:
        return response.status_code == 200 and reply(response)["ResponseCode"] == "14"

    def close(self) -> None:
        self.http.close()
