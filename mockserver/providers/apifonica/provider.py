"""Apifonica (REST v2): the provider object the app builds, tying routes, state and callbacks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from mockserver.callbacks.model import RetryPolicy
from mockserver.core.backend import CallUpdate, PlaceCall, UpdateKind
from mockserver.core.calls import Call, CallState
from mockserver.core.errors import InvalidParameter, MockError
from mockserver.core.serialize import random_from_data, random_to_data
from mockserver.providers.apifonica import openapi
from mockserver.providers.apifonica.controller import FlowRunner, request_for
from mockserver.providers.apifonica.errors import render_error
from mockserver.providers.apifonica.models import (
    Account,
    ApifonicaState,
    CallInfo,
    state_from_data,
    state_to_data,
)
from mockserver.providers.apifonica.render import event_fields
from mockserver.providers.apifonica.xml import MakeCall
from mockserver.providers.base import Probe, Provider, ProviderContext

#: Apifonica documents no retry policy for controller events; the mock retries connection errors,
#: timeouts and 5xx answers after 5 s, 30 s and 120 s (mock's choice, docs/providers/apifonica.md).
EVENT_RETRY = RetryPolicy(backoff=(5.0, 30.0, 120.0))


class Apifonica(Provider):
    name = "apifonica"
    title = "Apifonica REST v2"
    credential_keys = frozenset({"account_sid", "auth_token", "name", "numbers"})
    path_prefixes = ("/v2/",)
    api_description = openapi.DESCRIPTION
    hosts = ("api.apifonica.com",)

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        self.state = ApifonicaState()
        self.flows = FlowRunner(self)
        self.retry_policy = EVENT_RETRY
        for entry in ctx.credentials or ({},):
            self.add_credentials(entry)

    def routes(self) -> list[BaseRoute]:
        from mockserver.providers.apifonica.routes import build_routes

        return build_routes(self)

    def render_error(self, error: MockError) -> Response:
        return render_error(error)

    def claims(self, probe: Probe) -> bool:
        return probe.basic_user() in self.state.accounts  # accountSID:authToken (auth.py)

    # -- credentials -----------------------------------------------------------------------------
    def credentials(self) -> list[dict[str, Any]]:
        return [
            {
                "account_sid": a.sid,
                "auth_token": a.token,
                "name": a.name,
                "numbers": list(a.numbers),
            }
            for a in self.state.accounts.values()
        ]

    def add_credentials(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Add an account; every field is optional (made up, deterministically with a seed)."""
        self.check_credential_keys(body)
        ids = self.ctx.credential_ids
        sid = _text(body, "account_sid") or "acc" + ids.uuid()
        token = _text(body, "auth_token") or "aut" + ids.uuid()
        numbers = body.get("numbers", [])
        if not isinstance(numbers, list) or not all(isinstance(n, str) and n.isdigit() for n in numbers):
            raise InvalidParameter("numbers must be a list of digit strings", field="numbers")
        if sid in self.state.accounts:
            raise InvalidParameter(f"account {sid} exists already", field="account_sid")
        account = Account(
            sid=sid,
            token=token,
            name=_text(body, "name") or self.ctx.faker.company(),
            created=self.ctx.now(),
            numbers=tuple(numbers),
        )
        self.state.accounts[sid] = account
        return {"account_sid": sid, "auth_token": token, "name": account.name, "numbers": numbers}

    def reset(self) -> None:
        self.state.reset()
        self.flows.reset()

    def forget_call(self, call: Call) -> None:
        self.state.calls.pop(call.id, None)
        self.flows.flows.pop(call.id, None)
        self.flows.legs.pop(call.id, None)

    # -- snapshots -------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            **state_to_data(self.state),
            "credential_ids": random_to_data(self.ctx.credential_ids.getstate()),
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Accounts (when the data has some), applications, calls and messages; the routes hold on to
        ``self.state``, so it is filled in place. A <makeCall> leg still up will end with its A leg
        again; a running XML flow does not resume."""
        loaded = state_from_data(data)
        ids = data.get("credential_ids")
        if ids is not None:
            self.ctx.credential_ids.setstate(random_from_data(ids, "providers.apifonica.credential_ids"))
        if loaded.accounts:
            self.state.accounts.clear()
            self.state.accounts.update(loaded.accounts)
        self.state.applications.update(loaded.applications)
        self.state.calls.update(loaded.calls)
        self.state.messages.update(loaded.messages)
        for info in loaded.calls.values():
            leg = self.ctx.backend.store.get(info.call_id)
            if info.parent_call_id is not None and leg is not None and leg.live:
                self.flows.legs.setdefault(info.parent_call_id, set()).add(leg.id)

    # -- calls -----------------------------------------------------------------------------------
    def parent_of(self, call: Call) -> Call | None:
        return None if call.parent_id is None else self.ctx.backend.store.get(call.parent_id)

    def place_leg(self, parent: Call, info: CallInfo, command: MakeCall, to: str, kind: str) -> Call:
        """A second leg from <makeCall>: its own call, lifecycle and scenario, with a parent."""
        leg = self.ctx.backend.place(
            PlaceCall(
                provider=self.name,
                account=parent.account,
                from_=command.from_ or parent.from_,
                to=to,
                provider_call_id="cal" + self.ctx.ids.uuid(),
                parent_id=parent.id,
                ring_timeout=command.timeout,
            )
        )
        self.state.calls[leg.id] = CallInfo(
            call_id=leg.id,
            account_sid=info.account_sid,
            number_sid=info.number_sid,
            controller=command.controller,
            method=command.method,
            events=frozenset(),
            timeout=command.timeout,
            tag=None,
            channel="number" if kind == "number" else "sip",
            app_sid=None,
            parent_call_id=parent.id,
        )
        if "queued" in info.events:  # the leg was queued before its info existed
            self.send_leg_event(leg, self.state.calls[leg.id], info)
        return leg

    def on_update(self, update: CallUpdate) -> None:
        if update.kind is not UpdateKind.STATE or update.transition is None:
            return
        call = update.call
        info = self.state.calls.get(call.id)
        if info is None:  # the creating request registers the call right after placing it
            return
        if info.parent_call_id is not None:
            self._on_leg(call, info)
            return
        state = update.transition.state
        if state is CallState.ANSWERED:
            self.flows.on_answered(call, info)
        elif state.value in info.events:
            self.send_event(call, info)
        if state.terminal:
            self.flows.on_ended(call)

    def _on_leg(self, leg: Call, info: CallInfo) -> None:
        a_leg = self.state.calls.get(info.parent_call_id or "")
        if a_leg is not None and leg.state.value in a_leg.events:
            self.send_leg_event(leg, info, a_leg)

        async def tell_flow() -> None:
            await self.flows.on_leg_update(leg)

        parent = leg.parent_id or ""
        self.ctx.backend.schedule(parent, 0, tell_flow)

    def send_event(self, call: Call, info: CallInfo) -> None:
        """A status event to the controller; an XML reply to it replaces the flow (the call is then
        ``modified``), if the call is still in progress."""
        if info.controller is None:
            return
        fields = event_fields(call, info, self.parent_of(call))
        request = request_for(self.name, call.id, info.controller, info.method, fields, "event")
        controller, method = info.controller, info.method
        about = call.state

        async def on_reply(reply: Any) -> None:
            # Only a reply to an event about the call in progress steers it: a retry of an older
            # event (ringing, say) that lands after the answer must not replace the running flow.
            now = self.ctx.backend.get(call.id).state
            if about is CallState.ANSWERED and now is CallState.ANSWERED and reply.body.strip():
                info.modified = True
                await self.flows.run_reply(call.id, reply, controller, method)

        self.ctx.dispatcher.submit(request, self.retry_policy, on_reply)

    def send_leg_event(self, leg: Call, info: CallInfo, parent: CallInfo) -> None:
        """A <makeCall> leg's status, to the A leg's controller: "Call controllers allow you to be
        informed of the current call statuses on each leg of the call" (Apifonica "Call progress
        events"). The leg takes the A leg's ``events``; ``parent_call_sid`` tells the legs apart. A
        reply to a leg event does not steer anything (mock's choice: the docs do not say which leg
        it would modify)."""
        if parent.controller is None:
            return
        fields = event_fields(leg, info, self.parent_of(leg))
        request = request_for(self.name, leg.id, parent.controller, parent.method, fields, "event")
        self.ctx.dispatcher.submit(request, self.retry_policy)

    def register(self, call: Call, info: CallInfo) -> None:
        """Remember the Apifonica side of a just-placed call; it was queued before this ran."""
        self.state.calls[call.id] = info
        if "queued" in info.events:
            self.send_event(call, info)


def _text(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameter(f"{name} must be a non-empty string", field=name)
    return value
