"""Routee voice: the provider object the app builds, tying routes, state, callbacks and the executor."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from mockserver.callbacks.model import NO_RETRY, OutboundRequest
from mockserver.core.backend import CallUpdate, PlaceCall, UpdateKind
from mockserver.core.calls import Call, CallState, Direction
from mockserver.core.errors import InvalidParameter, MockError, NotFound
from mockserver.providers.base import Probe, Provider, ProviderContext
from mockserver.providers.routee import applications, fields, openapi, snapshot
from mockserver.providers.routee.applications import ALL_SCOPES
from mockserver.providers.routee.dialplan import DEFAULT_HANGUP_DELAY
from mockserver.providers.routee.errors import Codes, RouteeError, render_error
from mockserver.providers.routee.executor import JSON, Executor
from mockserver.providers.routee.fields import Destination
from mockserver.providers.routee.live import LiveCalls
from mockserver.providers.routee.models import (
    DEFAULT_EXPIRES_IN,
    Application,
    Conversation,
    ConversationRequest,
    InboundNumber,
    Leg,
    RecordingInfo,
    RouteeState,
)
from mockserver.providers.routee.render import recording_json, status_callback
from mockserver.providers.routee.vocabulary import Direction as RouteeDirection
from mockserver.providers.routee.vocabulary import Strategy, to_status

DEFAULT_BASE_URL = "http://127.0.0.1:8080"  # until a request tells where the server is reached
SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#: Routee documents no retries for status callbacks: one attempt (routee.md §10.5).
CALLBACK_RETRY = NO_RETRY


class Routee(Provider):
    name = "routee"
    title = "Routee Voice (connect.routee.net + auth.routee.net)"
    credential_keys = frozenset(
        {"applicationId", "applicationSecret", "name", "scopes", "expires_in", "rate_limit", "numbers"}
    )
    path_prefixes = ("/oauth/", "/voice/", "/recordings/")
    api_description = openapi.DESCRIPTION
    hosts = ("auth.routee.net", "connect.routee.net")

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        self.state = RouteeState()
        self.executor = Executor(self)
        self.live = LiveCalls(self)
        #: where the server was last reached (routes keep it): an inbound call's recordings are served there
        self.base_url = DEFAULT_BASE_URL
        for entry in ctx.credentials or ({},):
            self.add_credentials(entry)

    def routes(self) -> list[BaseRoute]:
        from mockserver.providers.routee.routes import build_routes

        return build_routes(self)

    def render_error(self, error: MockError) -> Response:
        return render_error(error)

    def claims(self, probe: Probe) -> bool:
        """An application id (Basic, on ``/oauth/token``) or a token it issued (Bearer, on ``/voice``)."""
        token = probe.bearer()
        if token is not None:
            return token in self.state.tokens
        return probe.basic_user() in self.state.applications

    # -- credentials: applications ---------------------------------------------------------------
    def credentials(self) -> list[dict[str, Any]]:
        return [applications.application_json(a) for a in self.state.applications.values()]

    def add_credentials(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Add an application, or change one: naming an existing ``applicationId`` updates the fields
        given (e.g. ``{"applicationId": "...", "rate_limit": false}``). Every field is optional."""
        self.check_credential_keys(body)
        app_id = applications.text(body, "applicationId")
        existing = self.state.applications.get(app_id or "")
        ids = self.ctx.credential_ids
        if existing is None:
            existing = Application(
                id=app_id or ids.hex(24),
                secret=ids.token(10, SECRET_ALPHABET),
                name=self.ctx.faker.company(),
                scopes=ALL_SCOPES,
            )
        app = applications.updated(existing, body)
        for number in app.numbers:
            owner = self.state.owner_of(number.number)
            if owner is not None and owner[0].id != app.id:
                raise InvalidParameter(
                    f"{number.number} is a number of application {owner[0].id} already", field="numbers"
                )
        self.state.applications[app.id] = app
        return applications.application_json(app)

    def reset(self) -> None:
        self.state.reset()
        self.executor.reset()
        self.live.reset()

    def forget_call(self, call: Call) -> None:
        """The leg goes with its call; the conversation with its last leg."""
        leg = self.state.legs.pop(call.id, None)
        if leg is not None and not self.state.legs_of(leg.conversation_id):
            self.state.conversations.pop(leg.conversation_id, None)

    # -- snapshots -------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return snapshot.dump(self.state)

    def restore(self, data: Mapping[str, Any]) -> None:
        """Load a snapshot (after reset()); dialplans that were running are not resumed."""
        snapshot.load(self.state, data)

    # -- inbound calls ---------------------------------------------------------------------------
    def start_inbound(self, from_: str, to: str, scenario: str | None) -> Call:
        """A call to one of an application's numbers [routee.md §5.4]: an inbound conversation whose
        dialplan is fetched from the number's Dialplan URL once the call is answered."""
        owner = self.state.owner_of(to)
        if owner is None:
            raise NotFound(f"{to} is not an inbound number of any Routee application")
        app, number = owner
        caller = fields.text(from_, "from", Codes.FROM, 64)
        tracking_id, message_id = self.ctx.ids.uuid(), self.ctx.ids.uuid()
        call = self.ctx.backend.place(
            PlaceCall(
                provider=self.name,
                account=app.id,
                from_=caller,
                to=to,
                provider_call_id=tracking_id,
                direction=Direction.INBOUND,
                scenario=scenario,
            )
        )
        request = inbound_request(caller, number)
        self.state.conversations[tracking_id] = Conversation(
            tracking_id=tracking_id,
            application_id=app.id,
            request=request,
            created_at=call.created_at,
            call_id=call.id,
            base_url=self.base_url,
            direction=RouteeDirection.INBOUND,
        )
        leg = Leg(
            call_id=call.id,
            message_id=message_id,
            conversation_id=tracking_id,
            to=request.to,
            from_=caller,
            callback=number.callback,
            machine_detection=None,
            max_duration=None,
            direction=RouteeDirection.INBOUND,
        )
        self.register(call, leg)
        return call

    # -- calls -----------------------------------------------------------------------------------

    def register(self, call: Call, leg: Leg) -> None:
        """Remember the Routee side of a just-placed leg; it was queued before this ran."""
        self.state.legs[call.id] = leg
        self.send_status(call, leg)

    def on_update(self, update: CallUpdate) -> None:
        if update.kind is not UpdateKind.STATE or update.transition is None:
            return
        call = update.call
        leg = self.state.legs.get(call.id)
        if leg is None:  # the creating request registers the leg right after placing it
            return
        self.send_status(call, leg)
        if call.state.terminal:
            self.live.on_ended(call, leg)
        if leg.is_dial:
            self._on_dial_leg(call, leg)
        elif call.state is CallState.ANSWERED:
            self.executor.on_answered(call, leg)
        elif call.state.terminal:
            self.executor.on_ended(call)

    def _on_dial_leg(self, call: Call, leg: Leg) -> None:
        if call.state.terminal:
            self.record(call, leg)

        async def tell_executor() -> None:
            await self.executor.on_leg_update(call, leg)

        self.ctx.backend.schedule(call.parent_id or "", 0, tell_executor)

    def send_status(self, call: Call, leg: Leg) -> None:
        """OnChange: every status; OnCompletion: the final one only [routee.md §5.1]."""
        callback = leg.callback
        if callback is None:
            return
        if callback.strategy is Strategy.ON_COMPLETION and not to_status(call.state).final:
            return
        body = json.dumps(status_callback(call, leg)).encode()
        request = OutboundRequest(self.name, "POST", callback.url, call.id, "event", headers=JSON, body=body)
        self.ctx.dispatcher.submit(request, CALLBACK_RETRY)

    def record(self, call: Call, leg: Leg) -> None:
        """A DIAL with ``record`` that was answered leaves a recording of the bridged talk."""
        dial = leg.dial
        answered = call.answered_at
        if dial is None or not dial.record or answered is None or call.talk_seconds <= 0:
            return
        conversation = self.state.conversations[leg.conversation_id]
        rec_id = self.ctx.ids.uuid()
        extension = dial.recording_format.value.lower()
        parent = self.state.legs.get(call.parent_id or "")
        recording = RecordingInfo(
            tracking_id=rec_id,
            start=answered,
            end=answered + timedelta(seconds=call.talk_seconds),
            from_=leg.from_,
            to=leg.to.value,
            message_ids=tuple(m for m in (parent.message_id if parent else None, leg.message_id) if m),
            conversation_tracking_id=leg.conversation_id,
            duration=call.talk_seconds,
            format=extension,
            url=f"{conversation.base_url}/recordings/my/downloads/{rec_id}",
        )
        leg.recordings.append(recording)
        if dial.recording_callback_url:
            body = json.dumps(recording_json(recording)).encode()
            request = OutboundRequest(
                self.name, "POST", dial.recording_callback_url, call.id, "event", headers=JSON, body=body
            )
            self.ctx.dispatcher.submit(request, CALLBACK_RETRY)


def inbound_request(caller: str, number: InboundNumber) -> ConversationRequest:
    """What an inbound conversation shows: the caller, the number, its Dialplan URL and callback."""
    echo: dict[str, Any] = {
        "from": caller,
        "to": {"phone": number.number},
        "dialPlanUrl": number.dialplan_url,
    }
    if number.callback is not None:
        echo["callback"] = {"url": number.callback.url, "strategy": number.callback.strategy.value}
    return ConversationRequest(
        to=Destination("phone", number.number),
        from_=caller,
        dialplan=None,
        dialplan_url=number.dialplan_url,
        callback=number.callback,
        hangup_delay=DEFAULT_HANGUP_DELAY,
        max_duration=None,
        machine_detection=None,
        echo=echo,
    )


__all__ = ["DEFAULT_EXPIRES_IN", "Routee", "RouteeError"]
