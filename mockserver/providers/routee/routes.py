"""Routee's paths. Each handler: authenticate → parse → one backend call → render.

``/oauth/token`` is on auth.routee.net and ``/voice/...``, ``/recordings/...`` on connect.routee.net;
the mock answers both on one host. ``DELETE /voice/conversation/{trackingId}`` and
``GET /voice/recordings/{file}`` are the mock's own (Routee's documented hang-up is
``PUT /voice/conversation/{messageId}``; its recordings download from ``/recordings/my/downloads/{id}``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mockserver.core.backend import PlaceCall
from mockserver.core.calls import Call, Party
from mockserver.core.plan import UnknownScenario
from mockserver.providers.base import RenderCache
from mockserver.providers.routee import params, search
from mockserver.providers.routee.audio import silence
from mockserver.providers.routee.auth import authenticate, basic_application, issue_token, token_parameters
from mockserver.providers.routee.errors import Codes, RouteeError, invalid, not_found
from mockserver.providers.routee.models import Conversation, Leg, Token
from mockserver.providers.routee.provider import Routee
from mockserver.providers.routee.ratelimit import take_turn
from mockserver.providers.routee.render import (
    conversation_json,
    iso,
    leg_json,
    message_json,
    page_json,
    recording_json,
    token_json,
)

SCENARIO_HEADER = "x-mock-scenario"


def build_routes(api: Routee) -> list[BaseRoute]:
    state = api.state
    backend = api.ctx.backend

    origins: dict[tuple[str, bytes | None], str] = {}  # scheme + Host header → base URL, as request.url

    def origin(request: Request) -> str:
        """``scheme://netloc`` of the request, worked out once per scheme and Host header (building
        ``request.url`` costs more than the rest of a tracking read; clients send one Host)."""
        scope = request.scope
        host = next((value for key, value in scope["headers"] if key == b"host"), None)
        key = (scope.get("scheme", "http"), host)
        found = origins.get(key)
        if found is None or host is None:
            found = f"{request.url.scheme}://{request.url.netloc}"
            if host is not None and len(origins) < 64:
                origins[key] = found
        return found

    def auth(request: Request) -> Token:
        api.base_url = origin(request)
        return authenticate(request, state, api.ctx.now())

    def own_conversation(token: Token, tracking_id: str) -> Conversation:
        conversation = state.conversations.get(tracking_id)
        if conversation is None or conversation.application_id != token.application_id:
            raise not_found(f"Conversation {tracking_id} not found")
        return conversation

    def legs(conversation: Conversation) -> list[tuple[Call, Leg]]:
        return [(backend.get(leg.call_id), leg) for leg in state.legs_of(conversation.tracking_id)]

    # -- auth.routee.net -------------------------------------------------------------------------
    async def token(request: Request) -> Response:
        api.base_url = f"{request.url.scheme}://{request.url.netloc}"
        app = basic_application(request, state.applications)
        issued = issue_token(
            state, app, await token_parameters(request), api.ctx.now(), api.ctx.credential_ids
        )
        return JSONResponse(token_json(issued, api.ctx.now()))

    # -- conversations ---------------------------------------------------------------------------
    async def create_conversation(request: Request) -> Response:
        token_ = auth(request)
        wanted = params.conversation(await params.json_body(request))
        app = state.applications[token_.application_id]
        take_turn(state, app, api.ctx.now())
        tracking_id, message_id = api.ctx.ids.uuid(), api.ctx.ids.uuid()
        try:
            call = backend.place(
                PlaceCall(
                    provider=api.name,
                    account=app.id,
                    from_=wanted.from_,
                    to=wanted.to.dialled,
                    provider_call_id=tracking_id,
                    scenario=request.headers.get(SCENARIO_HEADER),
                    ring_timeout=float(wanted.hangup_delay),
                )
            )
        except UnknownScenario as exc:
            state.last_placed.pop(app.id, None)  # nothing was placed: the turn is not used up
            raise invalid(Codes.INVALID_REQUEST, "X-Mock-Scenario", f"X-Mock-Scenario: {exc}") from None
        conversation = Conversation(
            tracking_id=tracking_id,
            application_id=app.id,
            request=wanted,
            created_at=call.created_at,
            call_id=call.id,
            base_url=api.base_url,
        )
        state.conversations[tracking_id] = conversation
        leg = Leg(
            call_id=call.id,
            message_id=message_id,
            conversation_id=tracking_id,
            to=wanted.to,
            from_=wanted.from_,
            callback=wanted.callback,
            machine_detection=wanted.machine_detection,
            max_duration=wanted.max_duration,
        )
        api.register(call, leg)
        return JSONResponse(conversation_json(conversation))

    async def get_conversation(request: Request) -> Response:
        conversation = own_conversation(auth(request), request.path_params["id"])
        recordings = [recording_json(r) for _, leg in legs(conversation) for r in leg.recordings]
        return JSONResponse({**conversation_json(conversation), "recordings": recordings})

    async def end_conversation(request: Request) -> Response:
        """Mock only: end a conversation through the API (Routee documents no such endpoint)."""
        conversation = own_conversation(auth(request), request.path_params["id"])
        call = backend.get(conversation.call_id)
        if not call.live:
            raise RouteeError(409, f"Conversation {conversation.tracking_id} has ended ({call.state})")
        backend.hangup(call.id, Party.API, "DELETE /voice/conversation")
        return JSONResponse(conversation_json(conversation))

    # -- tracking --------------------------------------------------------------------------------
    tracking_bodies = RenderCache()  # a client polls a conversation far more often than it changes

    async def conversation_tracking(request: Request) -> Response:
        conversation = own_conversation(auth(request), request.path_params["id"])
        page, size = (0, 20) if not request.scope.get("query_string") else params.page(request)
        found = legs(conversation)
        # Every input of leg_json by value: each call (frozen, replaced on change) and the leg's fields
        # (a Leg is mutable: tones and recordings are added in place); the page asked for.
        key = (
            page,
            size,
            tuple(
                (
                    call,
                    leg.message_id,
                    leg.conversation_id,
                    leg.to.value,
                    leg.to.kind,
                    leg.from_,
                    leg.direction,
                    leg.collected_tones,
                    tuple(leg.recordings),
                )
                for call, leg in found
            ),
        )

        def render() -> bytes:
            rows = [leg_json(call, leg) for call, leg in found]
            return bytes(JSONResponse(page_json(rows, page, size)).body)

        body = tracking_bodies.body(conversation.tracking_id, key, render)
        return Response(body, media_type="application/json")

    async def message_tracking(request: Request) -> Response:
        token_ = auth(request)
        message_id = request.path_params["id"]
        leg = state.leg_by_message(message_id)
        conversation = None if leg is None else state.conversations.get(leg.conversation_id)
        if leg is None or conversation is None or conversation.application_id != token_.application_id:
            raise not_found(f"Voice message {message_id} not found")
        app = state.applications[conversation.application_id]
        return JSONResponse(message_json(backend.get(leg.call_id), leg, conversation, app.name))

    async def search_tracking(request: Request) -> Response:
        token_ = auth(request)
        page, size = params.page(request)
        wanted = search.query(dict(request.query_params), await params.json_value(request))
        app = state.applications[token_.application_id]
        found: list[tuple[Any, dict[str, Any]]] = []
        for conversation in state.conversations.values():
            if conversation.application_id != token_.application_id:
                continue
            if wanted.tracking_id is not None and conversation.tracking_id != wanted.tracking_id:
                continue
            for call, leg in legs(conversation):
                if (wanted.start and call.created_at < wanted.start) or (
                    wanted.end and call.created_at > wanted.end
                ):
                    continue
                row = message_json(call, leg, conversation, app.name)
                if all(f.matches(row) for f in wanted.filters):
                    found.append((call.created_at, row))
        if wanted.sort is not None:
            name, descending = wanted.sort
            found.sort(key=search.sort_key(name), reverse=descending)
        return JSONResponse(page_json([row for _, row in found], page, size))

    # -- live-call control [API reference: "Hangup/reject an active call" and the pages after it] --
    def own_message(token_: Token, message_id: str) -> tuple[Call, Leg]:
        leg = state.leg_by_message(message_id)
        conversation = None if leg is None else state.conversations.get(leg.conversation_id)
        if leg is None or conversation is None or conversation.application_id != token_.application_id:
            raise not_found(f"Voice message {message_id} not found")
        return backend.get(leg.call_id), leg

    def done(leg: Leg, what: str) -> Response:
        """Mock's choice of body (the fields a public catalogue of these endpoints lists)."""
        return JSONResponse({"messageId": leg.message_id, "message": what, "createdAt": iso(api.ctx.now())})

    async def change_call(request: Request) -> Response:
        call, leg = own_message(auth(request), request.path_params["id"])
        body = await params.json_body(request)
        api.live.hangup_or_reject(call, body)
        return done(leg, f"{body['action']} done")

    async def start_talk(request: Request) -> Response:
        call, leg = own_message(auth(request), request.path_params["id"])
        api.live.talk(call, await params.json_body(request))
        return done(leg, "talk started")

    async def stop_talk(request: Request) -> Response:
        call, leg = own_message(auth(request), request.path_params["id"])
        api.live.stop_playing(call, "talk")
        return done(leg, "talk stopped")

    async def start_file(request: Request) -> Response:
        call, leg = own_message(auth(request), request.path_params["id"])
        api.live.file(call, await params.json_body(request))
        return done(leg, "file started")

    async def stop_file(request: Request) -> Response:
        call, leg = own_message(auth(request), request.path_params["id"])
        api.live.stop_playing(call, "file")
        return done(leg, "file stopped")

    async def start_record(request: Request) -> Response:
        call, leg = own_message(auth(request), request.path_params["id"])
        api.live.record(call, leg, await params.json_body(request, empty_ok=True))
        return done(leg, "recording started")

    async def stop_record(request: Request) -> Response:
        call, leg = own_message(auth(request), request.path_params["id"])
        api.live.stop_recording(call, leg)
        return done(leg, "recording stopped")

    async def send_dtmf(request: Request) -> Response:
        call, leg = own_message(auth(request), request.path_params["id"])
        api.live.dtmf(call, await params.json_body(request))
        return done(leg, "dtmf sent")

    async def transfer(request: Request) -> Response:
        call, leg = own_message(auth(request), request.path_params["id"])
        new_leg = api.live.transfer(call, leg, await params.json_body(request))
        return done(new_leg, "transfer started")

    # -- recordings ------------------------------------------------------------------------------
    async def download_recording(request: Request) -> Response:
        """``GET /recordings/my/downloads/{recordingTrackingId}`` (API reference "Retrieve a
        conversation recording"): the file, for the application that owns it."""
        token_ = auth(request)
        rec_id = request.path_params["id"]
        for leg in state.legs.values():
            conversation = state.conversations.get(leg.conversation_id)
            if conversation is None or conversation.application_id != token_.application_id:
                continue
            for recording in leg.recordings:
                if recording.tracking_id == rec_id:
                    return audio(recording.format, recording.duration)
        raise not_found(f"Recording {rec_id} not found")

    async def get_recording(request: Request) -> Response:
        """Mock only, kept for URLs handed out before: the same file by ``{trackingId}.{format}``."""
        name = request.path_params["file"]
        for leg in state.legs.values():
            for recording in leg.recordings:
                if name == f"{recording.tracking_id}.{recording.format}":
                    return audio(recording.format, recording.duration)
        raise not_found(f"Recording {name} not found")

    e = api.endpoint
    return [
        Route("/oauth/token", e(token), methods=["POST"]),
        Route("/voice/conversation", e(create_conversation), methods=["POST"]),
        Route("/voice/conversation/{id}", e(get_conversation), methods=["GET"]),
        Route("/voice/conversation/{id}", e(change_call), methods=["PUT"]),
        Route("/voice/conversation/{id}", e(end_conversation), methods=["DELETE"]),
        Route("/voice/conversation/{id}/talk", e(start_talk), methods=["POST"]),
        Route("/voice/conversation/{id}/talk", e(stop_talk), methods=["DELETE"]),
        Route("/voice/conversation/{id}/file", e(start_file), methods=["POST"]),
        Route("/voice/conversation/{id}/file", e(stop_file), methods=["DELETE"]),
        Route("/voice/conversation/{id}/record", e(start_record), methods=["POST"]),
        Route("/voice/conversation/{id}/record", e(stop_record), methods=["DELETE"]),
        Route("/voice/conversation/{id}/dtmf", e(send_dtmf), methods=["POST"]),
        Route("/voice/conversation/{id}/transfer", e(transfer), methods=["POST"]),
        Route("/voice/tracking/conversation/{id}", e(conversation_tracking), methods=["GET"]),
        Route("/voice/tracking", e(search_tracking), methods=["POST"]),
        Route("/voice/tracking/{id}", e(message_tracking), methods=["GET"]),
        Route("/voice/recordings/{file}", e(get_recording), methods=["GET"]),
        Route("/recordings/my/downloads/{id}", e(download_recording), methods=["GET"]),
    ]


def audio(fmt: str, seconds: int) -> Response:
    return Response(silence(fmt, seconds), media_type="audio/wav" if fmt == "wav" else "audio/mpeg")
