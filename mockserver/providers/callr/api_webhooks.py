"""Webhook subscriptions: ``webhooks.subscribe/unsubscribe/get/get_list/get_event_types`` (callr.md §4.9)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mockserver.providers.callr import params
from mockserver.providers.callr.errors import invalid, not_found
from mockserver.providers.callr.models import Webhook
from mockserver.providers.callr.params import Arg, Kind
from mockserver.providers.callr.render import webhook_json
from mockserver.providers.callr.rpc import Invocation, Method, method
from mockserver.providers.callr.vocabulary import WEBHOOK_TYPES

if TYPE_CHECKING:
    from mockserver.providers.callr.provider import Callr


def methods(api: Callr) -> list[Method]:
    state = api.state

    def own(inv: Invocation, hash_: str) -> Webhook:
        hook = state.webhooks.get(hash_)
        if hook is None or hook.login != inv.caller.account.login:
            raise not_found("hash", hash_)
        return hook

    @method(
        "webhooks.subscribe",
        Arg("type", Kind.STRING),
        Arg("endpoint", Kind.STRING),
        Arg("options", Kind.OBJECT, nullable=True, optional=True),
    )
    def subscribe(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        kind, endpoint, raw = args
        if kind not in WEBHOOK_TYPES:
            raise invalid("type", f"unknown webhook type {kind!r} (webhooks.get_event_types lists them)")
        params.check_value(endpoint, params.URL, "endpoint")
        options = {"format": "JSON", "hmac_algo": "SHA256", "hmac_secret": None}
        options |= {k: v for k, v in params.options(raw, params.WEBHOOK_OPTIONS).items() if v is not None}
        hook = Webhook(api.new_hash(), inv.caller.account.login, kind, endpoint, options, api.ctx.now())
        state.webhooks[hook.hash] = hook
        return webhook_json(hook)

    @method("webhooks.unsubscribe", Arg("hash", Kind.STRING))
    def unsubscribe(inv: Invocation, args: list[Any]) -> bool:
        del state.webhooks[own(inv, args[0]).hash]
        return True

    @method("webhooks.get", Arg("hash", Kind.STRING))
    def get(inv: Invocation, args: list[Any]) -> dict[str, Any]:
        return webhook_json(own(inv, args[0]))

    @method("webhooks.get_list")
    def get_list(inv: Invocation, args: list[Any]) -> list[dict[str, Any]]:
        login = inv.caller.account.login
        return [webhook_json(h) for h in state.webhooks.values() if h.login == login]

    @method("webhooks.get_event_types")
    def get_event_types(inv: Invocation, args: list[Any]) -> list[str]:
        return list(WEBHOOK_TYPES)

    return [subscribe, unsubscribe, get, get_list, get_event_types]
