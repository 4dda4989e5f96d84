"""Routee's driver for the provider contract test (tests/providers/test_contract.py).

It gets a token first, and switches the rate limit off for the default application (through the
control API) so that the contract can place calls without advancing the clock between them. ``hangup``
uses the mock's own ``DELETE /voice/conversation/{trackingId}``, which ends a call in any live state
(Routee's documented ``PUT /voice/conversation/{messageId}`` hangs up InProgress calls and rejects
Ringing/Initiated ones; tests/providers/routee/test_live_control.py covers it).
"""

from __future__ import annotations

from typing import Any

import httpx

STATUS = {
    "queued": "Queued",
    "initiated": "Initiated",
    "ringing": "Ringing",
    "answered": "InProgress",
    "completed": "Completed",
    "busy": "Busy",
    "no_answer": "NoAnswer",
    "rejected": "NoAnswer",
    "failed": "Failed",
    "canceled": "NoAnswer",
}
DIALPLAN = {"verbs": [{"type": "PAUSE", "duration": 3600}]}


class Driver:
    name = "routee"

    def __init__(self, base_url: str, control: httpx.Client) -> None:
        app = control.get("/_mock/credentials").json()["routee"][0]
        switched = control.post(
            "/_mock/credentials/routee", json={"applicationId": app["applicationId"], "rate_limit": False}
        )
        assert switched.status_code == 201, switched.text
        self.http = httpx.Client(base_url=base_url, timeout=10)
        token = self.http.post(
            "/oauth/token",
            auth=(app["applicationId"], app["applicationSecret"]),
            data={"grant_type": "client_credentials"},
        )
        assert token.status_code == 200, token.text
        self.http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        self.control = control
        self.app = app

    def close(self) -> None:
        self.control.post(
            "/_mock/credentials/routee", json={"applicationId": self.app["applicationId"], "rate_limit": True}
        )
        self.http.close()

    def place(self, to: str) -> str:
        body = {"from": "+306940000000", "to": {"phone": f"+{to}"}, "dialPlan": DIALPLAN}
        response = self.http.post("/voice/conversation", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["trackingId"])

    def status(self, ref: str) -> Any:
        page = self.http.get(f"/voice/tracking/conversation/{ref}").json()
        return page["content"][0]["status"]["status"]

    def expected_status(self, state: str) -> Any:
        return STATUS[state]

    def hangup(self, ref: str) -> None:
        response = self.http.delete(f"/voice/conversation/{ref}")
        assert response.status_code == 200, response.text

    def read(self, ref: str) -> httpx.Response:
        """The raw status read of a call (tests/providers/test_retention.py)."""
        return self.http.get(f"/voice/tracking/conversation/{ref}")

    def unknown(self) -> httpx.Response:
        return self.http.get("/voice/conversation/00000000-0000-4000-8000-000000000000")

    def unauthenticated(self) -> httpx.Response:
        return self.http.get(
            "/voice/conversation/00000000-0000-4000-8000-000000000000",
            headers={"Authorization": "Bearer not-a-token"},
        )

    def is_not_found(self, response: httpx.Response) -> bool:
        return response.status_code == 404 and response.json()["code"] == "404013000"

    def is_unauthorized(self, response: httpx.Response) -> bool:
        return response.status_code == 401 and response.json()["code"] == "401000000"
