"""Webhook delivery: the ``Webhook.Event`` envelope, its HMAC signature, and retries that count ``try``.

D-WH / seed "Webhook.Event": POST JSON ``{data, event_at, event_id, hook_hash, try, type}`` with headers
``X-CALLR-EventId`` and, when the hook has an ``hmac_secret``, ``X-CALLR-HmacSignature`` = base64 of the
HMAC (``hmac_algo``, default SHA256) over the exact bytes sent. ``try`` starts at 0 and grows on each
retry (no reply in time, or a non-2xx answer), up to 9 (seed "Webhook.Log.Search.Filters").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mockserver.callbacks.model import Attempt, OutboundRequest, RetryPolicy
from mockserver.providers.callr.models import Webhook
from mockserver.providers.callr.render import datetime_ms_iso

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr

USER_AGENT = "CALLR/API 0.9942"  # the docs' sample
DIGESTS = {"MD5": hashlib.md5, "SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}


class AnyFailureRetry(RetryPolicy):
    """CALLR retries any answer outside 2xx, not only 5xx (seed "Webhook.Event.try")."""

    @staticmethod
    def retryable(attempt: Attempt) -> bool:
        return attempt.status is None or not 200 <= attempt.status < 300


#: 10 tries (``try`` 0..9), doubling from 10 s (mock's choice; CALLR says "exponential backoff").
WEBHOOK_RETRY = AnyFailureRetry(backoff=tuple(10.0 * 2**i for i in range(9)))


def sign(body: bytes, secret: str, algo: str) -> str:
    digest = DIGESTS.get(algo, hashlib.sha256)
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, digest).digest()).decode("ascii")


def envelope_bytes(
    data: Any, event_at: datetime, event_id: str, hook_hash: str | None, tried: int, kind: str
) -> bytes:
    event = {
        "data": data,
        "event_at": datetime_ms_iso(event_at),
        "event_id": event_id,
        "hook_hash": hook_hash,
        "try": tried,
        "type": kind,
    }
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class WebhookSender:
    def __init__(self, api: Callr) -> None:
        self.api = api

    def emit(self, login: str, kind: str, data: Any, call_id: str | None = None) -> None:
        """Push an event to every enabled hook of ``login`` subscribed to ``kind``."""
        for hook in list(self.api.state.webhooks.values()):
            if hook.login == login and hook.type == kind and hook.status == "ENABLED":
                self.deliver(hook, kind, data, call_id)

    def new_event_id(self) -> str:
        """19 digits and 13 letters, like the docs' ``9422146236497234056PGNSmlw2sOrjq``."""
        ids = self.api.ctx.ids
        letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
        return ids.token(19, "0123456789") + ids.token(13, letters)

    def deliver(self, hook: Webhook, kind: str, data: Any, call_id: str | None) -> None:
        event_id = self.new_event_id()
        event_at = self.api.ctx.now()
        secret = hook.options.get("hmac_secret")
        algo = hook.options.get("hmac_algo") or "SHA256"

        def attempt(number: int) -> OutboundRequest:
            # a dynamic webhook (SMS.Options.webhook) has no hash: hook_hash is null (seed)
            body = envelope_bytes(data, event_at, event_id, hook.hash or None, number - 1, kind)
            headers = [
                ("Content-Type", "application/json"),
                ("User-Agent", USER_AGENT),
                ("X-CALLR-EventId", event_id),
            ]
            if secret:
                headers.append(("X-CALLR-HmacSignature", sign(body, secret, algo)))
            # the delivery is named by CALLR's own event id, so /_mock/callbacks/{event_id} finds what
            # the receiver saw in event_id / X-CALLR-EventId (issue #16 item 3)
            return OutboundRequest(
                self.api.name,
                "POST",
                hook.endpoint,
                call_id,
                "event",
                tuple(headers),
                body=body,
                delivery_id=event_id,
            )

        self.api.ctx.dispatcher.submit(
            attempt(1), WEBHOOK_RETRY, rewrite=lambda _request, number: attempt(number)
        )
