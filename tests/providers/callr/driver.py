"""CALLR's driver for the provider contract test (tests/providers/test_contract.py).

A call is a ``calls.realtime`` call of a REALTIME10 app whose URL is the mock's own sink, answering every
RT.Request with ``wait 30`` so an answered call stays up; its status is ``calls.get_status_1`` (the mock
also answers it for Real-Time request hashes); hanging up is ``calls.hangup(callid)``.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

STATUS = {
    "queued": "PENDING",
    "initiated": "DIALING",
    "ringing": "DIALING",
    "answered": "UP",
    "completed": "ANSWER",
    "busy": "BUSY",
    "no_answer": "NOANSWER",
    "rejected": "CONGESTION",
    "failed": "CHANUNAVAIL",
    "canceled": "CANCEL",
}
WAIT = {"command": "wait", "command_id": 1, "params": {"wait": 30}, "variables": {}}


class Driver:
    name = "callr"

    def __init__(self, base_url: str, control: httpx.Client) -> None:
        cred = control.get("/_mock/credentials").json()["callr"][0]
        self.control = control
        self.http = httpx.Client(base_url=base_url, auth=(cred["login"], cred["password"]), timeout=10)
        control.put("/_mock/sink/callr-contract/reply", json={"body": json.dumps(WAIT)})
        url = f"{base_url}/_mock/sink/callr-contract"
        self.app = self.result("apps.create", "REALTIME10", "contract", {"url": url})["hash"]

    def rpc(self, method: str, *params: Any, **kwargs: Any) -> httpx.Response:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
        return self.http.post("/json-rpc/v1.1/", json=body, **kwargs)

    def result(self, method: str, *params: Any) -> Any:
        response = self.rpc(method, *params)
        assert response.status_code == 200, response.text
        assert "result" in response.json(), response.text
        return response.json()["result"]

    def place(self, to: str) -> str:
        return str(self.result("calls.realtime", self.app, {"number": f"+{to}", "timeout": 30}, None))

    def status(self, ref: str) -> Any:
        return self.result("calls.get_status_1", ref)

    def expected_status(self, state: str) -> Any:
        return STATUS[state]

    def hangup(self, ref: str) -> None:
        # The client learns the callid from the RT.Request; here, from the control API.
        callid = int(
            self.control.get("/_mock/calls", params={"provider": "callr"}).json()["calls"][0][
                "provider_call_id"
            ]
        )
        assert self.result("calls.hangup", callid) is True

    def read(self, ref: str) -> httpx.Response:
        """The raw status read of a call (tests/providers/test_retention.py)."""
        return self.rpc("calls.get_status_1", ref)

    def unknown(self) -> httpx.Response:
        return self.rpc("calls.get_status_1", "ZZZZZZZZ")

    def unauthenticated(self) -> httpx.Response:
        return self.rpc("system.get_timestamp", auth=("nobody", "wrong"))

    def is_not_found(self, response: httpx.Response) -> bool:
        return response.status_code == 200 and response.json()["error"]["code"] == 110

    def is_unauthorized(self, response: httpx.Response) -> bool:
        return response.status_code == 401 and response.json()["error"]["code"] == 22

    def close(self) -> None:
        self.http.close()
