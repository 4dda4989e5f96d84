"""Apifonica's driver for the provider contract test (tests/providers/test_contract.py)."""

from __future__ import annotations

from typing import Any

import httpx

STATUS = {
    "queued": "queued",
    "initiated": "initiated",
    "ringing": "ringing",
    "answered": "answered",
    "completed": "completed",
    "busy": "busy",
    "no_answer": "no_answer",
    "rejected": "rejected",
    "failed": "failed",
    "canceled": "canceled",
}


class Driver:
    name = "apifonica"

    def __init__(self, base_url: str, control: httpx.Client) -> None:
        cred = control.get("/_mock/credentials").json()["apifonica"][0]
        self.acc = cred["account_sid"]
        self.http = httpx.Client(base_url=base_url, auth=(self.acc, cred["auth_token"]), timeout=10)
        app = self.http.post(
            f"/v2/accounts/{self.acc}/applications",
            json={"controller": f"{base_url}/_mock/sink/contract", "method": "POST"},
        )
        self.app = app.json()["uri"].rsplit("/", 1)[1]

    def place(self, to: str) -> str:
        body = {"from": "442071234567", "to": to, "call_app_sid": self.app}
        response = self.http.post(f"/v2/accounts/{self.acc}/calls", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["uri"].rsplit("/", 1)[1])

    def status(self, ref: str) -> Any:
        return self.http.get(f"/v2/accounts/{self.acc}/calls/{ref}").json()["status"]

    def expected_status(self, state: str) -> Any:
        return STATUS[state]

    def hangup(self, ref: str) -> None:
        response = self.http.post(f"/v2/accounts/{self.acc}/calls/{ref}", json={"status": "completed"})
        assert response.status_code == 201, response.text

    def read(self, ref: str) -> httpx.Response:
        """The raw status read of a call (tests/providers/test_retention.py)."""
        return self.http.get(f"/v2/accounts/{self.acc}/calls/{ref}")

    def unknown(self) -> httpx.Response:
        return self.http.get(f"/v2/accounts/{self.acc}/calls/cal00000000-0000-4000-8000-000000000000")

    def unauthenticated(self) -> httpx.Response:
        return self.http.get(f"/v2/accounts/{self.acc}/calls", auth=(self.acc, "wrong"))

    def is_not_found(self, response: httpx.Response) -> bool:
        return response.status_code == 404 and response.json()["status_message"] == "NOT_FOUND"

    def is_unauthorized(self, response: httpx.Response) -> bool:
        return response.status_code == 401 and response.json()["status_message"] == "UNAUTHORIZED"

    def close(self) -> None:
        self.http.close()
