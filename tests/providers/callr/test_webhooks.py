"""Webhooks: subscriptions, the Webhook.Event envelope, the HMAC signature, retries that count ``try``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any

import pytest

from mockserver.testing.receiver import CallbackReceiver, Received, Reply
from tests.providers.callr.conftest import NOT_FOUND, RealTimeApp, Rpc, command

SECRET = "a-long-enough-secret"


def verified(received: Received, secret: str, digest: Any = hashlib.sha256) -> bool:
    """What a client does: recompute the HMAC over the raw body and compare in constant time."""
    expected = base64.b64encode(hmac.new(secret.encode(), received.body, digest).digest()).decode()
    return hmac.compare_digest(expected, received.headers["x-callr-hmacsignature"])


def test_subscriptions_are_listed_and_removed(rpc: Rpc, receiver: CallbackReceiver) -> None:
    hook = rpc("webhooks.subscribe", "call.outbound_hangup", receiver.url("/hooks"), {"hmac_secret": SECRET})

    assert re.fullmatch(r"[0-9A-Z]{8}", hook["hash"])
    assert (hook["status"], hook["type"], hook["created_at"]) == (
        "ENABLED",
        "call.outbound_hangup",
        "2026-01-01 09:00:00.000",
    )
    assert hook["options"] == {"format": "JSON", "hmac_algo": "SHA256", "hmac_secret": SECRET}
    assert rpc("webhooks.get_list") == [hook]
    assert rpc("webhooks.unsubscribe", hook["hash"]) is True
    assert rpc("webhooks.get_list") == []
    assert rpc.error("webhooks.unsubscribe", hook["hash"])["code"] == NOT_FOUND


@pytest.mark.parametrize(
    ("args", "property"),
    [
        (("call.teleport", "https://example.com/h", None), "type"),
        (("sms.mo", "not a url", None), "endpoint"),
        (("sms.mo", "https://example.com/h", {"hmac_secret": "short"}), "options.hmac_secret"),
        (("sms.mo", "https://example.com/h", {"hmac_algo": "SHA3"}), "options.hmac_algo"),
    ],
)
def test_a_bad_subscription_names_the_property(rpc: Rpc, args: tuple[Any, ...], property: str) -> None:
    assert rpc.error("webhooks.subscribe", *args)["data"]["property"] == property


def test_a_finished_call_is_pushed_signed_with_its_cdr(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, receiver: CallbackReceiver, control: Any
) -> None:
    rt_app.run(lambda rt: command("hangup"))
    hook = rpc("webhooks.subscribe", "call.outbound_hangup", receiver.url("/hooks"), {"hmac_secret": SECRET})
    rpc("calls.realtime", realtime_app, {"number": "+447700900123"}, None)

    control.advance(30)

    [pushed] = receiver.requests("/hooks")
    event = json.loads(pushed.body)
    assert set(event) == {"data", "event_at", "event_id", "hook_hash", "try", "type"}
    assert (event["type"], event["hook_hash"], event["try"]) == ("call.outbound_hangup", hook["hash"], 0)
    assert event["event_at"] == "2026-01-01T09:00:07.000Z"
    assert re.fullmatch(r"[0-9]{19}[A-Za-z]{13}", event["event_id"])
    assert pushed.headers["x-callr-eventid"] == event["event_id"]
    assert pushed.headers["content-type"] == "application/json"
    assert event["data"] == rpc("cdr.get", "OUT", "2026-01-01 00:00:00", "2026-01-01 23:59:59")[0]
    assert verified(pushed, SECRET)


def test_each_hmac_algo_signs_and_no_secret_means_no_signature(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, receiver: CallbackReceiver, control: Any
) -> None:
    rt_app.run(lambda rt: command("hangup"))
    digests = {"MD5": hashlib.md5, "SHA1": hashlib.sha1, "SHA512": hashlib.sha512}
    for algo in digests:
        options = {"hmac_secret": SECRET, "hmac_algo": algo}
        rpc("webhooks.subscribe", "call.outbound_start", receiver.url(f"/{algo}"), options)
    rpc("webhooks.subscribe", "call.outbound_start", receiver.url("/plain"), None)
    rpc("calls.realtime", realtime_app, {"number": "+447700900123"}, None)

    control.advance(30)

    for algo, digest in digests.items():
        assert verified(receiver.requests(f"/{algo}")[0], SECRET, digest)
    assert "x-callr-hmacsignature" not in receiver.requests("/plain")[0].headers


def test_failed_pushes_are_retried_with_try_counting_up_and_the_same_event_id(
    rpc: Rpc, rt_app: RealTimeApp, realtime_app: str, receiver: CallbackReceiver, control: Any
) -> None:
    rt_app.run(lambda rt: command("hangup"))
    receiver.reply("/flaky", Reply(status=404), Reply(status=500), Reply(status=200))
    rpc("webhooks.subscribe", "call.outbound_hangup", receiver.url("/flaky"), {"hmac_secret": SECRET})
    rpc("calls.realtime", realtime_app, {"number": "+447700900123"}, None)

    control.advance(7 + 10 + 20)  # pushed at 7 s; retried 10 s, then 20 s later

    pushes = receiver.requests("/flaky")
    events = [json.loads(p.body) for p in pushes]
    assert [e["try"] for e in events] == [0, 1, 2]
    assert len({e["event_id"] for e in events}) == 1
    assert all(verified(p, SECRET) for p in pushes)
    [delivery] = control.callbacks(url=receiver.url("/flaky"))
    assert delivery["delivered"] is True
    assert delivery["id"] == events[0]["event_id"]  # the delivery is named by CALLR's own event id
