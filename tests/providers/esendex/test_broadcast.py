"""A 5,000-number broadcast with an outcome mix, in virtual time [issue 6, "Broadcasts at scale"]."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import parse_qsl

import httpx

from mockserver.server import MockServer
from tests.providers.esendex.conftest import PhoneNotify, fields, parse

MIX = """\
name: esendex-broadcast-mix
description: a realistic blend for the Esendex broadcast test
numbers: ["990100"]
mix:
  - {scenario: answered, weight: 70}
  - {scenario: voicemail, weight: 15}
  - {scenario: no-answer, weight: 10}
  - {scenario: busy, weight: 5}
"""
SIZE = 5_000
EXPECTED = {"1": 0.85, "2": 0.10, "8": 0.05}  # answered (human + machine), unanswered, busy


def test_five_thousand_numbers_dial_at_3000_a_minute_with_the_mix(
    notify: PhoneNotify, control: Any, mock_server: MockServer
) -> None:
    # One advance drives thousands of calls and postbacks: a client that waits longer than 30 s.
    with httpx.Client(base_url=mock_server.base_url, timeout=300) as http:
        broadcast = PhoneNotify(http, notify.key)
        assert http.put("/_mock/scenarios/esendex-broadcast-mix", content=MIX).status_code in (200, 201)
        numbers = [f"{2000 + i:04d}990100" for i in range(SIZE)]
        # Postbacks go to the server's own sink, so this process does not compete for receiving them.
        sink = f"{mock_server.base_url}/_mock/sink/broadcast"
        script = rf"~\StatusChangePostURL({sink})~ Your appointment is tomorrow"
        reply = parse(
            broadcast.post(
                "NotifyMultiplePhoneBasic",
                PhoneNumbersToDial=";".join(numbers),
                TextToSay=script,
                CallerID="7575550000",
                CallerIDName="Clinic",
                VoiceID=0,
            )
        )
        queue_ids = [fields(r)["QueueID"] for r in reply]
        assert len(set(queue_ids)) == SIZE

        advance(http, 100)  # 3000 a minute: the last 50 dial at 99 s
        calls = control.calls(provider="esendex")
        assert len(calls) == SIZE
        assert calls[-1]["created_at"] == "2026-01-01T09:01:39Z"
        advance(http, 100)

        statuses = broadcast.post("GetMultipleQueueIdStatus", QueueIDs=";".join(queue_ids))
        results = [fields(r) for r in parse(statuses)]
        assert all(r["CallComplete"] == "true" for r in results)
        codes = Counter(r["ResponseCode"] for r in results)
        for code, share in EXPECTED.items():
            assert abs(codes[code] / SIZE - share) < 0.02, codes
        machines = sum(r["MachineDetection"] == "MACHINE" for r in results)
        assert abs(machines / SIZE - 0.15) < 0.02

        deliveries = http.get("/_mock/callbacks", params={"provider": "esendex"}).json()["callbacks"]
        assert all(d["delivered"] for d in deliveries)
        assert len(deliveries) > SIZE  # placed, each change of status, finished
        posted = [dict(parse_qsl(d["body"])) for d in sorted(deliveries, key=lambda d: d["seq"])]
        last = {form["QueueID"]: form["ResponseCode"] for form in posted}
        assert last == {r["QueueID"]: r["ResponseCode"] for r in results}  # each ends with its result
        received = http.get("/_mock/sink/broadcast/requests").json()["requests"]
        assert len(received) == min(len(deliveries), 10_000)  # the sink keeps the last 10,000


def advance(http: httpx.Client, seconds: float) -> None:
    response = http.post("/_mock/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text
