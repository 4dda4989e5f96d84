"""Dillo: the provider object the app builds, tying routes, customers, flows and callbacks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from mockserver.callbacks.model import RetryPolicy
from mockserver.core.backend import CallUpdate, PlaceCall, UpdateKind
from mockserver.core.calls import Call, CallState
from mockserver.core.errors import InvalidParameter, MockError
from mockserver.providers.base import Probe, Provider, ProviderContext, RenderCache
from mockserver.providers.dillo import callbacks, openapi, snapshot
from mockserver.providers.dillo.behavior import ChannelRunner
from mockserver.providers.dillo.envelope import SendActionType
from mockserver.providers.dillo.errors import render_error
from mockserver.providers.dillo.fields import E164, GUID, Hook
from mockserver.providers.dillo.graph import ExternalActionSpec, Node
from mockserver.providers.dillo.models import (
    Customer,
    DilloState,
    ExternalAction,
    NodeRun,
    SendAction,
    VoiceRecording,
    VoiceRequest,
)
from mockserver.providers.dillo.render import date, recording_json, render_key, voice_request_json

HEX = "0123456789ABCDEF"


class Dillo(Provider):
    name = "dillo"
    title = "Dillo send-action voice API"
    credential_keys = frozenset({"CustomerCode", "ApiKey", "name", "senders"})
    path_prefixes = ("/api/",)
    api_description = openapi.DESCRIPTION
    hosts = ("api.dillo.cloud",)

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        self.state = DilloState()
        self.runner = ChannelRunner(self)
        self.retry_policy: RetryPolicy = callbacks.RETRY
        self.bodies = RenderCache()
        for entry in ctx.credentials or ({},):
            self.add_credentials(entry)

    def routes(self) -> list[BaseRoute]:
        from mockserver.providers.dillo.routes import build_routes

        return build_routes(self)

    def render_error(self, error: MockError) -> Response:
        return render_error(error)

    def claims(self, probe: Probe) -> bool:
        return probe.headers.get("customercode", "").strip().lower() in self.state.customers  # auth.py

    # -- customers -------------------------------------------------------------------------------
    def credentials(self) -> list[dict[str, Any]]:
        return [
            {"CustomerCode": c.code, "ApiKey": c.api_key, "name": c.name, "senders": list(c.senders)}
            for c in self.state.customers.values()
        ]

    def add_credentials(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Add a customer; every field is optional (made up, deterministically with a seed)."""
        self.check_credential_keys(body)
        ids = self.ctx.credential_ids
        code = (_text(body, "CustomerCode") or ids.uuid()).lower()
        if not GUID.fullmatch(code):  # Dillo's customer codes are GUIDs (docs/providers/dillo.md)
            raise InvalidParameter(f"CustomerCode must be a GUID, not {code!r}", field="CustomerCode")
        api_key = _text(body, "ApiKey") or ids.token(64, HEX)
        senders = body.get("senders", [])
        if not isinstance(senders, list) or not all(
            isinstance(s, str) and E164.fullmatch(s) for s in senders
        ):
            raise InvalidParameter("senders must be a list of E.164 numbers (+...)", field="senders")
        if code in self.state.customers:
            raise InvalidParameter(f"customer {code} exists already", field="CustomerCode")
        customer = Customer(code, api_key, _text(body, "name") or self.ctx.faker.company(), tuple(senders))
        self.state.customers[code] = customer
        return {"CustomerCode": code, "ApiKey": api_key, "name": customer.name, "senders": senders}

    def reset(self) -> None:
        self.state.reset()
        self.bodies.clear()
        self.runner.reset()

    def forget_call(self, call: Call) -> None:
        """The voice request (its nodes, recordings, digits) and the send actions its nodes fired go
        with the call; a Dial leg's link to its A leg too."""
        request = self.state.requests.pop(call.id, None)
        if request is not None:
            for external in request.external:
                self.state.send_actions.pop(external.send_action_id, None)
        self.state.legs.pop(call.id, None)
        self.bodies.forget(call.id)

    # -- snapshots -------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return snapshot.dump(self.state)

    def restore(self, data: Mapping[str, Any]) -> None:
        """Load a snapshot (after reset()); running flows are not resumed (docs/providers/dillo.md)."""
        snapshot.load(self.state, data)

    # -- requests --------------------------------------------------------------------------------
    def register(self, call: Call, request: VoiceRequest) -> None:
        """Remember the Dillo side of a just-placed call (it was queued before this ran)."""
        self.state.requests[call.id] = request

    def render(self, call: Call) -> dict[str, Any]:
        return voice_request_json(call, self.state.requests[call.id])

    def render_body(self, call: Call) -> bytes:
        """The GET's JSON bytes, rendered again only when the call or its request changed (a client
        polls the same call many times between two changes)."""
        request = self.state.requests[call.id]
        return self.bodies.body(
            call.id,
            render_key(call, request),
            lambda: bytes(JSONResponse(voice_request_json(call, request)).body),
        )

    def create_send_action(
        self,
        kind: SendActionType,
        customer_code: str,
        payload: Mapping[str, Any],
        voice_request_id: str | None = None,
    ) -> SendAction:
        """An SMS or e-mail send action: recorded (the mock delivers nothing) and given an id."""
        action = SendAction(
            self.ctx.ids.uuid(), kind, customer_code, payload, self.ctx.now(), voice_request_id
        )
        self.state.send_actions[action.id] = action
        return action

    def fire_external_action(self, request: VoiceRequest, node: int, spec: ExternalActionSpec) -> None:
        action = self.create_send_action(spec.type, request.customer_code, spec.payload, request.id)
        request.external += (ExternalAction(spec.label, node, action.id),)

    def place_leg(self, request: VoiceRequest, to: str, sender: str | None, timeout: float) -> Call:
        """A Dial (or agent) node's second leg: its own call, lifecycle and scenario, with the A leg
        as parent."""
        leg = self.ctx.backend.place(
            PlaceCall(
                provider=self.name,
                account=request.customer_code,
                from_=sender or request.payload.sender,
                to=to,
                provider_call_id=self.ctx.ids.uuid(),
                parent_id=request.call_id,
                ring_timeout=timeout,
            )
        )
        self.state.legs[leg.id] = request.call_id
        return leg

    def add_recording(
        self,
        request: VoiceRequest,
        recording: VoiceRecording,
        record_hook: Hook | None,
        transcribe_hook: Hook | None,
    ) -> None:
        request.recordings += (recording,)
        request.touch(recording.created_at)
        body = callbacks.recording_payload(request.id, recording.node, recording_json(request, recording))
        if record_hook is not None:
            self.send(request, record_hook, body)
        if transcribe_hook is not None and recording.transcription is not None:
            self.send(request, transcribe_hook, body)

    # -- the core's news -------------------------------------------------------------------------
    def on_update(self, update: CallUpdate) -> None:
        if update.kind is not _STATE or update.transition is None:
            return
        call = update.call
        parent = self.state.legs.get(call.id)
        if parent is not None:
            self._on_leg(call, parent)
            return
        request = self.state.requests.get(call.id)
        if request is None:  # the creating request registers the call right after placing it
            return
        state = call.state
        if state is _ANSWERED:
            self.runner.start(request)
        if state.terminal:
            self.runner.stop(call)
            self._record_whole_call(self.ctx.backend.get(call.id), request)
        hook = request.payload.status_callback
        if hook is not None:
            self.send(request, hook, self.render(self.ctx.backend.get(call.id)))

    def _on_leg(self, leg: Call, parent: str) -> None:
        async def tell_flow() -> None:
            await self.runner.on_leg(leg, parent)

        self.ctx.backend.schedule(parent, 0, tell_flow)

    def _record_whole_call(self, call: Call, request: VoiceRequest) -> None:
        """``Record: true`` records the whole call; ready when the call ends (mock's choice)."""
        payload = request.payload
        if not payload.record:  # first: every call ends here, few record
            return
        answered, ended = call.answered_at, call.ended_at
        duration = (ended - answered).total_seconds() if answered and ended else 0
        if duration <= 0:
            return
        recording = VoiceRecording(
            file_name=f"{request.id}.wav",
            seconds=round(duration, 3),
            storage_period=payload.storage_period,
            created_at=self.ctx.now(),
            node=None,
            transcription=self.ctx.faker.sentence() if payload.transcribe else None,
        )
        self.add_recording(request, recording, payload.record_callback, payload.transcribe_callback)

    # -- callbacks -------------------------------------------------------------------------------
    def send(self, request: VoiceRequest, hook: Hook, body: Mapping[str, Any]) -> None:
        outbound = callbacks.request_for(self.name, request.call_id, hook, body)
        self.ctx.dispatcher.submit(outbound, self.retry_policy)

    def node_event(self, request: VoiceRequest, node: Node, run: NodeRun) -> None:
        """``EventCallbackUrl``: the flow ran ``node`` (mock's choice of payload)."""
        hook = request.payload.event_callback
        if hook is not None:
            body = callbacks.event_payload(
                request.id, node.key, node.type.value, run.execution_count, run.route, date(run.processed_at)
            )
            self.send(request, hook, body)

    async def ask_action_callback(self, request: VoiceRequest, node: Node, digits: str | None) -> int | None:
        """A node's own ``CallbackUrl``, asked once its action is done; the flow waits for the answer
        (the server's callback timeout). The node an answer ``{"NextNode": n}`` names, else None."""
        assert node.callback is not None
        body = callbacks.action_payload(request.id, node.key, node.type.value, digits, date(self.ctx.now()))
        outbound = callbacks.request_for(self.name, request.call_id, node.callback, body, kind="fetch")
        delivery, reply = await self.ctx.dispatcher.fetch(outbound)
        where = f"node {node.key} CallbackUrl {node.callback.url}"
        if reply is None or not reply.ok:
            error = delivery.attempts[-1].error if delivery.attempts else None
            why = f"HTTP {reply.status}" if reply is not None else (error or "no answer")
            self.flow_error(request.call_id, f"{where} failed ({why}); the flow goes on")
            return None
        try:
            target = callbacks.next_node(reply.body)
        except (UnicodeDecodeError, ValueError, RecursionError):
            self.flow_error(request.call_id, f"{where} answered something that is not JSON; ignored")
            return None
        if target is not None and target not in request.payload.nodes:
            self.flow_error(request.call_id, f"{where} answered NextNode {target}, which does not exist")
            return None
        return target

    def send_option(
        self,
        request: VoiceRequest,
        node: int,
        digits: str | None,
        at: datetime,
        hook: Hook | None,
        words: str | None = None,
    ) -> None:
        if hook is not None:
            self.send(request, hook, callbacks.option_payload(request.id, node, digits, date(at), words))

    def flow_note(self, call_id: str, detail: str) -> None:
        """Record what the flow did that no Dillo resource shows (a conference joined, a value
        stored): ``kind: "flow"`` in ``/_mock/journal``."""
        self.ctx.journal.record("flow", self.ctx.now(), self.name, call_id=call_id, detail=detail)


def _text(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameter(f"{name} must be a non-empty string", field=name)
    return value


# read on every transition of every call: module globals, not enum members through their class (~70 ns)
_STATE = UpdateKind.STATE
_ANSWERED = CallState.ANSWERED
