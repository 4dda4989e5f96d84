"""Routee voice: the provider object the app builds, tying routes, state, callbacks and the executor."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from mockserver.callbacks.model import NO_RETRY, OutboundRequest
from mockserver.core.backend import CallUpdate, UpdateKind
from mockserver.core.calls import Call, CallState
from mockserver.core.errors import InvalidParameter, MockError
from mockserver.providers.base import Provider, ProviderContext
from mockserver.providers.routee.auth import ALL_SCOPES
from mockserver.providers.routee.errors import RouteeError, render_error
from mockserver.providers.routee.executor import JSON, Executor
from mockserver.providers.routee.models import (
    DEFAULT_EXPIRES_IN,
    Application,
    Leg,
    RecordingInfo,
    RouteeState,
)
from mockserver.providers.routee.render import recording_json, status_callback
from mockserver.providers.routee.vocabulary import Strategy, to_status

SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#: Routee documents no retries for status callbacks: one attempt (routee.md §10.5).
CALLBACK_RETRY = NO_RETRY


class Routee(Provider):
    name = "routee"
    title = "Routee Voice (connect.routee.net + auth.routee.net)"
    path_prefixes = ("/oauth/", "/voice/")

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        self.state = RouteeState()
        self.executor = Executor(self)
        for entry in ctx.credentials or ({},):
            self.add_credentials(entry)

    def routes(self) -> list[BaseRoute]:
        from mockserver.providers.routee.routes import build_routes

        return build_routes(self)

    def render_error(self, error: MockError) -> Response:
        return render_error(error)

    # -- credentials: applications ---------------------------------------------------------------
    def credentials(self) -> list[dict[str, Any]]:
        return [application_json(a) for a in self.state.applications.values()]

    def add_credentials(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Add an application, or change one: naming an existing ``applicationId`` updates the fields
        given (e.g. ``{"applicationId": "...", "rate_limit": false}``). Every field is optional."""
        app_id = _text(body, "applicationId")
        existing = self.state.applications.get(app_id or "")
        ids = self.ctx.credential_ids
        if existing is None:
            existing = Application(
                id=app_id or ids.hex(24),
                secret=ids.token(10, SECRET_ALPHABET),
                name=self.ctx.faker.company(),
                scopes=ALL_SCOPES,
            )
        app = Application(
            id=existing.id,
            secret=_text(body, "applicationSecret") or existing.secret,
            name=_text(body, "name") or existing.name,
            scopes=_scopes(body) or existing.scopes,
            expires_in=_whole(body, "expires_in", existing.expires_in),
            rate_limit=_flag(body, "rate_limit", existing.rate_limit),
        )
        self.state.applications[app.id] = app
        return application_json(app)

    def reset(self) -> None:
        self.state.reset()
        self.executor.reset()

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
            url=f"{conversation.base_url}/voice/recordings/{rec_id}.{extension}",
        )
        leg.recordings.append(recording)
        if dial.recording_callback_url:
            body = json.dumps(recording_json(recording)).encode()
            request = OutboundRequest(
                self.name, "POST", dial.recording_callback_url, call.id, "event", headers=JSON, body=body
            )
            self.ctx.dispatcher.submit(request, CALLBACK_RETRY)


def application_json(app: Application) -> dict[str, Any]:
    return {
        "applicationId": app.id,
        "applicationSecret": app.secret,
        "name": app.name,
        "scopes": list(app.scopes),
        "expires_in": app.expires_in,
        "rate_limit": app.rate_limit,
    }


def _text(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameter(f"{name} must be a non-empty string", field=name)
    if name == "applicationId" and ":" in value:  # Basic auth splits id:secret at the first ':'
        raise InvalidParameter("applicationId must not contain ':'", field=name)
    return value


def _scopes(body: Mapping[str, Any]) -> tuple[str, ...] | None:
    value = body.get("scopes")
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(v in ALL_SCOPES for v in value):
        raise InvalidParameter(f"scopes must be a non-empty list of: {' '.join(ALL_SCOPES)}", field="scopes")
    return tuple(dict.fromkeys(value))


def _whole(body: Mapping[str, Any], name: str, default: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameter(f"{name} must be a whole number of seconds from 1", field=name)
    return value


def _flag(body: Mapping[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise InvalidParameter(f"{name} must be true or false", field=name)
    return value


__all__ = ["DEFAULT_EXPIRES_IN", "Routee", "RouteeError"]
