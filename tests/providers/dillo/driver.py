"""Dillo's driver for the provider contract test (tests/providers/test_contract.py).

Dillo has no public hang-up, so ``hangup`` uses the provider's documented mock-only route
``POST /api/sendaction/voice/{id}/mock-hangup`` (docs/providers/dillo.md), which ends the call as the
API (``ended_by: api``).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

#: Neutral state → Status.StatusCode (the mock's code table, docs/providers/dillo.md).
STATUS = {
    "queued": "100.0",
    "initiated": "102.0",
    "ringing": "102.180",
    "answered": "102.183",
    "completed": "200.200",
    "busy": "200.486",
    "no_answer": "200.480",
    "rejected": "200.603",
    "failed": "200.500",
    "canceled": "200.487",
}
#: A flow that keeps the line open an hour: the scenario (or the API) ends the call.
HOLD = {"ChannelBehaviorNodes": {"0": {"ActionType": "Silence", "ChannelBehaviorAction": {"Duration": 3600}}}}


class Driver:
    name = "dillo"

    def __init__(self, base_url: str, control: httpx.Client) -> None:
        cred = control.get("/_mock/credentials").json()["dillo"][0]
        headers = {"ApiKey": cred["ApiKey"], "CustomerCode": cred["CustomerCode"]}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=10)

    def place(self, to: str) -> str:
        payload = {"Sender": "+393391003110", "TelephoneNumber": "+" + to, "ChannelBehavior": HOLD}
        body = {"SendActionType": "Voice", "MessagePayload": json.dumps(payload)}
        response = self.http.post("/api/sendaction", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    def status(self, ref: str) -> Any:
        return self.http.get(f"/api/sendaction/voice/{ref}").json()["Status"]["StatusCode"]

    def expected_status(self, state: str) -> Any:
        return STATUS[state]

    def hangup(self, ref: str) -> None:
        response = self.http.post(f"/api/sendaction/voice/{ref}/mock-hangup")
        assert response.status_code == 200, response.text

    def read(self, ref: str) -> httpx.Response:
        """The raw status read of a call (tests/providers/test_retention.py)."""
        return self.http.get(f"/api/sendaction/voice/{ref}")

    def unknown(self) -> httpx.Response:
        return self.http.get("/api/sendaction/voice/00000000-0000-4000-8000-000000000000")

    def unauthenticated(self) -> httpx.Response:
        return self.http.get(
            "/api/sendaction/voice/00000000-0000-4000-8000-000000000000", headers={"ApiKey": "0" * 64}
        )

    def is_not_found(self, response: httpx.Response) -> bool:
        return response.status_code == 404 and response.json()["IsSuccess"] is False

    def is_unauthorized(self, response: httpx.Response) -> bool:
        return response.status_code == 401 and response.json()["IsSuccess"] is False

    def close(self) -> None:
        self.http.close()
