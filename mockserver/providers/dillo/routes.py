"""Dillo's paths (dillo.md §3). Each handler: authenticate → parse → one backend call → render.

``POST /api/sendaction/voice/{id}/mock-hangup`` is **mock-only**: Dillo has no public hang-up, and
tests need a way for "the API" to end a live call (docs/providers/dillo.md).
"""

from __future__ import annotations

import sys

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from mockserver.core.backend import PlaceCall
from mockserver.core.calls import Call, Party
from mockserver.core.errors import Conflict, InvalidParameter, NotFound
from mockserver.core.plan import UnknownScenario
from mockserver.providers.dillo import audio
from mockserver.providers.dillo.auth import authenticate
from mockserver.providers.dillo.envelope import SendActionType, parse_envelope
from mockserver.providers.dillo.fields import GUID
from mockserver.providers.dillo.models import Customer, VoiceRequest
from mockserver.providers.dillo.payload import parse_voice
from mockserver.providers.dillo.provider import Dillo

SCENARIO_HEADER = "x-mock-scenario"
NOT_FOUND = "Voice request not found"


def build_routes(api: Dillo) -> list[BaseRoute]:
    state = api.state
    backend = api.ctx.backend

    def auth(request: Request) -> Customer:
        return authenticate(request, state.customers)

    def own_request(customer: Customer, raw_id: str) -> tuple[Call, VoiceRequest]:
        """The customer's voice request; another customer's id is a 404 too (existence never leaks)."""
        if not GUID.fullmatch(raw_id):
            raise InvalidParameter(f"The id {raw_id!r} is not a GUID", field="id")
        call = backend.find(api.name, raw_id.lower())
        voice = None if call is None else state.requests.get(call.id)
        if call is None or voice is None or voice.customer_code != customer.code:
            raise NotFound(NOT_FOUND)
        return call, voice

    async def send_action(request: Request) -> Response:
        customer = auth(request)
        envelope = parse_envelope(await request.body())
        if envelope.type is not SendActionType.VOICE:
            action = api.create_send_action(envelope.type, customer.code, envelope.payload)
            return JSONResponse({"id": action.id, "IsSuccess": True})
        payload = parse_voice(envelope.payload)
        if customer.senders and payload.sender not in customer.senders:
            raise InvalidParameter(
                f"Sender {payload.sender} is not a voice sender of this customer", field="Sender"
            )
        request_id = api.ctx.ids.uuid()
        try:
            call = backend.place(
                PlaceCall(
                    provider=api.name,
                    account=customer.code,
                    from_=payload.sender,
                    to=payload.telephone_number,
                    provider_call_id=request_id,
                    scenario=request.headers.get(SCENARIO_HEADER),
                    ring_timeout=payload.ringing_timeout,
                )
            )
        except UnknownScenario as exc:
            raise InvalidParameter(f"X-Mock-Scenario: {exc}", field="X-Mock-Scenario") from None
        now = api.ctx.now()
        base_url = sys.intern(f"{request.url.scheme}://{request.url.netloc}")  # one copy for every call
        voice = VoiceRequest(request_id, call.id, customer.code, payload, now, now, base_url=base_url)
        api.register(call, voice)
        return JSONResponse({"id": request_id, "IsSuccess": True})

    async def get_voice(request: Request) -> Response:
        customer = auth(request)
        call, _ = own_request(customer, request.path_params["id"])
        return Response(api.render_body(call), media_type="application/json")

    async def mock_hangup(request: Request) -> Response:
        """Mock-only: end a live call as if through the API (``ended_by: api``)."""
        customer = auth(request)
        call, voice = own_request(customer, request.path_params["id"])
        if not call.live:
            raise Conflict(f"Voice request {voice.id} has already ended")
        backend.hangup(call.id, Party.API, "mock-hangup (mock-only route)")
        return JSONResponse(api.render(backend.get(call.id)))

    async def recording(request: Request) -> Response:
        """Mock-only: a recording as a silent WAV. No headers needed (mock's choice: a recording URL is
        handed to players and browsers; the request's GUID in the path is the secret)."""
        raw_id, name = request.path_params["id"], request.path_params["file"]
        if not GUID.fullmatch(raw_id):
            raise InvalidParameter(f"The id {raw_id!r} is not a GUID", field="id")
        call = backend.find(api.name, raw_id.lower())
        voice = None if call is None else state.requests.get(call.id)
        found = None if voice is None else next((r for r in voice.recordings if r.file_name == name), None)
        if found is None:
            raise NotFound("Recording not found")
        return StreamingResponse(
            audio.wav(found.seconds),
            media_type="audio/wav",
            headers={
                "Content-Length": str(audio.file_size(found.seconds)),
                "Content-Disposition": f'attachment; filename="{found.file_name}"',
            },
        )

    e = api.endpoint
    return [
        Route("/api/sendaction", e(send_action), methods=["POST"]),
        Route("/api/sendaction/voice/{id}", e(get_voice), methods=["GET"]),
        Route("/api/sendaction/voice/{id}/mock-hangup", e(mock_hangup), methods=["POST"]),
        Route("/api/sendaction/voice/{id}/recordings/{file}", e(recording), methods=["GET"]),
    ]
