"""A 5,000-number broadcast with an outcome mix, in virtual time [issue 6, "Broadcasts at scale"]."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mockserver.testing.receiver import CallbackReceiver
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
    notify: PhoneNotify, control: Any, receiver: CallbackReceiver
) -> None:
    assert control.http.put("/_mock/scenarios/esendex-broadcast-mix", content=MIX).status_code in (200, 201)
    numbers = [f"{2000 + i:04d}990100" for i in range(SIZE)]
    script = rf"~\StatusChangePostURL({receiver.url('/broadcast')})~ Your appointment is tomorrow"
    reply = parse(
        notify.post(
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

    for _ in range(11):  # in steps, so that no single request waits on thousands of postbacks
        control.advance(9)  # 3000 a minute: the last 50 dial at 99 s
    calls = control.calls(provider="esendex")
    assert len(calls) == SIZE
    assert calls[-1]["created_at"] == "2026-01-01T09:01:39Z"
    for _ in range(6):
        control.advance(20)

    results = [
        fields(r) for r in parse(notify.post("GetMultipleQueueIdStatus", QueueIDs=";".join(queue_ids)))
    ]
    assert all(r["CallComplete"] == "true" for r in results)
    codes = Counter(r["ResponseCode"] for r in results)
    for code, share in EXPECTED.items():
        assert abs(codes[code] / SIZE - share) < 0.02, codes
    machines = sum(r["MachineDetection"] == "MACHINE" for r in results)
    assert abs(machines / SIZE - 0.15) < 0.02

    deliveries = control.callbacks(provider="esendex")
    assert len(deliveries) == SIZE  # one result per call (each tried once)
    assert all(d["delivered"] for d in deliveries)
    assert len(receiver.requests("/broadcast")) == len(deliveries)
