"""A ``calls.get_status_1`` body already parsed and checked is not parsed again (routes.py), and its
reply bytes are kept per (id, status word): the same request bytes must still follow the call through
every state, be authenticated every time, and echo their own id."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from tests.providers.callr.driver import Driver

PATH = "/json-rpc/v1.1/"


def test_a_polled_status_follows_the_call(control: Any) -> None:
    driver = Driver(control.server.base_url, control.http)
    try:
        ref = driver.place("15550000007")  # rings, is answered and stays up
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "calls.get_status_1", "params": [ref]})

        def poll() -> Any:
            response = driver.http.post(PATH, content=body.encode())
            return response.status_code, response.headers["content-type"], response.json()

        seen = []
        for step in (0, 4, 26):
            control.advance(step)
            first, second = poll(), poll()
            assert first == second
            assert first[:2] == (200, "application/json-rpc; charset=utf-8")
            seen.append(first[2]["result"])
        driver.hangup(ref)
        seen.append(poll()[2]["result"])
        assert seen == ["PENDING", "DIALING", "UP", "ANSWER"]

        # The same bytes with wrong credentials: refused, not answered from what was remembered.
        wrong = "Basic " + base64.b64encode(b"nobody:wrong").decode()
        refused = httpx.post(
            control.server.base_url + PATH, content=body.encode(), headers={"Authorization": wrong}
        )
        assert (refused.status_code, refused.json()["id"], "result" in refused.json()) == (401, 1, False)
        # Another id is another reply.
        again = driver.http.post(PATH, content=body.replace('"id": 1', '"id": "x7"').encode())
        assert again.json() == {"jsonrpc": "2.0", "id": "x7", "result": "ANSWER"}
    finally:
        driver.close()
