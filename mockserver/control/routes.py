"""The control API under ``/_mock``: inspect and steer calls, time, scenarios, credentials.

Its JSON is a public contract, documented in docs/control-api.md. Errors answer
``{"error": {"code", "message"}}`` with a 4xx.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from mockserver import snapshot
from mockserver.callbacks.dispatcher import ResendError
from mockserver.callbacks.model import Delivery, DeliveryState
from mockserver.control import sink, verify
from mockserver.control.dashboard import dashboard_routes
from mockserver.control.schemas import call_json, error_json, iso
from mockserver.core.calls import AnsweredBy, Call, CallState, Party
from mockserver.core.clock import ClockError
from mockserver.core.errors import MockError
from mockserver.core.faults import FaultError
from mockserver.core.machine import IllegalTransition, can_move
from mockserver.core.serialize import loads_strict
from mockserver.scenario.loader import parse_scenarios
from mockserver.scenario.model import ScenarioError
from mockserver.security.masking import mask_entry
from mockserver.state import AppState

Handler = Callable[[Request], Awaitable[Response]]
MAX_ADVANCE = 366 * 86_400
MAX_WAIT = 60.0
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class ControlError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def state_of(request: Request) -> AppState:
    state: AppState = request.app.state.mock
    return state


def guarded(handler: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ControlError as exc:
            return JSONResponse(error_json(exc.code, exc.message), exc.status)
        except MockError as exc:
            code = re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()  # Conflict → conflict
            return JSONResponse(error_json(code, exc.message), exc.status)
        except RecursionError:  # input nested deeper than Python recurses, wherever it was walked
            return JSONResponse(error_json("too_deep", "the input is nested too deeply"), 400)

    return endpoint


async def json_object(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = loads_strict(raw)
    except ValueError:
        raise ControlError(400, "invalid_json", "the body is not valid JSON") from None
    except RecursionError:
        raise ControlError(400, "invalid_json", "the body is nested too deeply") from None
    if not isinstance(body, dict):
        raise ControlError(400, "invalid_json", "the body must be a JSON object")
    return body


def find_call(state: AppState, ref: str) -> Call:
    """A call by its neutral id, or by its provider's id."""
    call = state.backend.store.by_ref(ref)
    if call is None:
        raise ControlError(404, "not_found", f"no call {ref!r}")
    return call


# -- health, reset, clock ----------------------------------------------------------------------
def clock_json(state: AppState) -> dict[str, Any]:
    clock = state.clock
    return {"mode": clock.mode.value, "now": iso(clock.now()), "speed": clock.speed}


async def health(request: Request) -> Response:
    state = state_of(request)
    return JSONResponse(
        {
            "status": "ok",
            "providers": list(state.providers),
            "hosts": {name: list(provider.hosts) for name, provider in state.providers.items()},
            "clock": clock_json(state),
            "calls": len(state.backend.store),
            "evicted_calls": state.backend.store.evicted,
            "pending_events": state.scheduler.pending(),
            "internal_errors": [repr(e) for e in (*state.scheduler.errors, *state.dispatcher.handler_errors)][
                -20:
            ],
        }
    )


async def reset(request: Request) -> Response:
    state = state_of(request)
    state.reset()
    return JSONResponse({"status": "ok", "clock": clock_json(state)})


async def get_clock(request: Request) -> Response:
    return JSONResponse(clock_json(state_of(request)))


async def advance_clock(request: Request) -> Response:
    state = state_of(request)
    body = await json_object(request)
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ControlError(400, "invalid_seconds", 'give {"seconds": N} with N a number')
    if not 0 <= seconds <= MAX_ADVANCE:
        raise ControlError(400, "invalid_seconds", f"seconds must be between 0 and {MAX_ADVANCE}")
    try:
        now = await state.scheduler.advance(float(seconds), state.dispatcher.settle)
    except ClockError as exc:
        raise ControlError(409, "clock_not_virtual", str(exc)) from None
    return JSONResponse({"now": iso(now), "clock": clock_json(state)})


# -- calls -------------------------------------------------------------------------------------
async def list_calls(request: Request) -> Response:
    state = state_of(request)
    query = request.query_params
    wanted = query.get("state")
    if wanted is not None and wanted not in {s.value for s in CallState}:
        raise ControlError(400, "invalid_state", f"unknown state {wanted!r}")
    calls = state.backend.calls(provider=query.get("provider"), state=wanted, to=query.get("to"))
    return JSONResponse({"calls": [call_json(c) for c in calls]})


async def get_call(request: Request) -> Response:
    return JSONResponse(call_json(find_call(state_of(request), request.path_params["id"])))


async def call_event(request: Request) -> Response:
    """Inject what the callee does: answer, hang up, key in digits, say words (or be busy / reject /
    fail)."""
    state = state_of(request)
    call = find_call(state, request.path_params["id"])
    body = await json_object(request)
    kind = body.get("type")
    backend = state.backend
    try:
        match kind:
            case "answer":
                by = body.get("by", "human")
                if by not in ("human", "machine"):
                    raise ControlError(400, "invalid_event", "by must be human or machine")
                for step in (CallState.INITIATED, CallState.RINGING):
                    if can_move(backend.get(call.id).state, step):
                        backend.move(call.id, step, "control API")
                backend.move(call.id, CallState.ANSWERED, "control API", answered_by=AnsweredBy(by))
            case "hangup":
                backend.hangup(call.id, Party.CALLEE, "control API: callee hung up")
            case "digits":
                digits = body.get("digits")
                if not isinstance(digits, str) or not digits or any(c not in "0123456789*#" for c in digits):
                    raise ControlError(400, "invalid_event", "digits must be a string of 0-9 * #")
                await backend.press(call.id, digits)
            case "words":
                words = body.get("words")
                if not isinstance(words, str) or not words.strip() or len(words) > 1000:
                    raise ControlError(400, "invalid_event", "words must be a non-empty string")
                await backend.speak(call.id, words.strip())
            case "busy" | "reject" | "fail":
                target = {
                    "busy": CallState.BUSY,
                    "reject": CallState.REJECTED,
                    "fail": CallState.FAILED,
                }[kind]
                backend.move(call.id, target, f"control API: {kind}", ended_by=Party.CALLEE)
            case _:
                raise ControlError(
                    400,
                    "invalid_event",
                    "type must be answer, hangup, digits, words, busy, reject or fail",
                )
    except IllegalTransition as exc:
        raise ControlError(409, "illegal_transition", str(exc)) from None
    await state.dispatcher.settle()
    return JSONResponse(call_json(backend.get(call.id)))


async def inbound_call(request: Request) -> Response:
    """A call comes in to one of a provider's numbers: ``{"provider", "from", "to", "scenario"?}``."""
    state = state_of(request)
    body = await json_object(request)
    provider = state.providers.get(str(body.get("provider")))
    if provider is None:
        raise ControlError(400, "invalid_inbound", f"provider must be one of {', '.join(state.providers)}")
    from_, to, scenario = body.get("from"), body.get("to"), body.get("scenario")
    if not isinstance(from_, str) or not isinstance(to, str) or not from_ or not to:
        raise ControlError(400, "invalid_inbound", "from and to must be phone numbers")
    if scenario is not None and (not isinstance(scenario, str) or scenario not in state.scenarios):
        raise ControlError(400, "invalid_inbound", f"no scenario {scenario!r}")
    call = provider.start_inbound(from_, to, scenario)
    await state.dispatcher.settle()
    return JSONResponse(call_json(state.backend.get(call.id)), 201)


async def inbound_sms(request: Request) -> Response:
    """An SMS comes in to one of a provider's numbers: ``{"provider", "from", "to", "text"}``."""
    state = state_of(request)
    body = await json_object(request)
    provider = state.providers.get(str(body.get("provider")))
    if provider is None:
        raise ControlError(400, "invalid_inbound", f"provider must be one of {', '.join(state.providers)}")
    from_, to, text = body.get("from"), body.get("to"), body.get("text")
    if (
        not isinstance(from_, str)
        or not isinstance(to, str)
        or not from_
        or not to
        or not isinstance(text, str)
    ):
        raise ControlError(400, "invalid_inbound", "from and to must be phone numbers and text a string")
    result = provider.receive_sms(from_, to, text)
    await state.dispatcher.settle()
    return JSONResponse(dict(result), 201)


# -- journal and callbacks ---------------------------------------------------------------------
async def list_requests(request: Request) -> Response:
    state = state_of(request)
    provider = request.query_params.get("provider")
    shown = journal_view(request)
    entries = [
        shown(e.to_json())
        for e in state.journal
        if e.kind == "request" and (provider is None or e.provider == provider)
    ]
    return JSONResponse({"requests": entries, "dropped": state.journal.dropped})


async def journal(request: Request) -> Response:
    state = state_of(request)
    shown = journal_view(request)
    return JSONResponse(
        {"entries": [shown(e.to_json()) for e in state.journal], "dropped": state.journal.dropped}
    )


def journal_view(request: Request) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Journal entries with their secrets masked, unless ``?reveal=true`` or ``--reveal-secrets``."""
    reveal = request.query_params.get("reveal", "").lower()
    if reveal not in ("", "true", "false", "1", "0"):
        raise ControlError(400, "invalid_filter", "reveal must be true or false")
    if reveal in ("true", "1") or state_of(request).settings.reveal_secrets:
        return lambda entry: entry
    return mask_entry


async def list_callbacks(request: Request) -> Response:
    """Deliveries matching the filters. With ``wait=SECONDS`` (at most 60), long-poll until at least
    ``count`` (default 1) matching deliveries have been attempted, or the time is up — then answer what
    there is. Tests wait on this instead of sleeping."""
    state = state_of(request)
    dispatcher = state.dispatcher
    query = request.query_params
    call_ref = query.get("call_id")
    call_id = None if call_ref is None else find_call(state, call_ref).id
    wait = _number(query.get("wait", "0"), "wait", 0, MAX_WAIT)
    count = int(_number(query.get("count", "1"), "count", 1, 1_000_000))
    delivered = query.get("delivered")
    if delivered not in (None, "true", "false"):
        raise ControlError(400, "invalid_filter", "delivered must be true or false")
    wanted_state = query.get("state")
    if wanted_state is not None and wanted_state not in {s.value for s in DeliveryState}:
        names = ", ".join(s.value for s in DeliveryState)
        raise ControlError(400, "invalid_filter", f"state must be one of {names}")

    def matching() -> list[Delivery]:
        return [
            d
            for d in (dispatcher if call_id is None else dispatcher.of_call(call_id))
            if query.get("provider") in (None, d.request.provider)
            and query.get("url") in (None, d.request.url)
            and query.get("kind") in (None, d.request.kind)
            and (delivered is None or d.delivered == (delivered == "true"))
            and wanted_state in (None, d.state.value)
        ]

    deadline = time.monotonic() + wait
    rows = matching()
    while sum(1 for d in rows if d.attempts) < count and (left := deadline - time.monotonic()) > 0:
        await dispatcher.changed(left)
        rows = matching()
    return JSONResponse(
        {
            "callbacks": [d.to_json() for d in rows],
            "pending": dispatcher.pending,
            "states": dispatcher.counts(),
            "evicted": dispatcher.evicted,
        }
    )


async def get_callback(request: Request) -> Response:
    delivery = state_of(request).dispatcher.get(request.path_params["id"])
    if delivery is None:
        raise ControlError(404, "not_found", f"no delivery {request.path_params['id']!r}")
    return JSONResponse(delivery.to_json())


async def resend_callback(request: Request) -> Response:
    """Send a finished delivery again; answers it with the new attempt (marked ``resend``) recorded."""
    delivery_id = request.path_params["id"]
    try:
        delivery = await state_of(request).dispatcher.resend(delivery_id)
    except KeyError:
        raise ControlError(404, "not_found", f"no delivery {delivery_id!r}") from None
    except ResendError as exc:
        raise ControlError(409, exc.code, str(exc)) from None
    return JSONResponse(delivery.to_json())


def _number(raw: str, name: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ControlError(400, "invalid_filter", f"{name} must be a number") from None
    if not low <= value <= high:
        raise ControlError(400, "invalid_filter", f"{name} must be between {low:g} and {high:g}")
    return value


# -- scenarios ---------------------------------------------------------------------------------
async def list_scenarios(request: Request) -> Response:
    book = state_of(request).scenarios
    return JSONResponse({"default": book.default, "scenarios": [s.to_json() for s in book]})


async def get_scenario(request: Request) -> Response:
    book = state_of(request).scenarios
    name = request.path_params["name"]
    if name not in book:
        raise ControlError(404, "not_found", f"no scenario {name!r}")
    return JSONResponse(book.get(name).to_json())


async def put_scenario(request: Request) -> Response:
    name = request.path_params["name"]
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
        # a big document takes a while to parse: not on the event loop, which serves everyone else
        scenarios = await asyncio.to_thread(parse_scenarios, text, source=f"PUT /_mock/scenarios/{name}")
    except UnicodeDecodeError:
        raise ControlError(400, "invalid_scenario", "the body must be UTF-8 YAML") from None
    except ScenarioError as exc:
        raise ControlError(400, "invalid_scenario", str(exc)) from None
    except RecursionError:
        raise ControlError(400, "invalid_scenario", "the scenario is nested too deeply") from None
    if len(scenarios) != 1 or scenarios[0].name != name:
        raise ControlError(
            400, "invalid_scenario", f"the body must hold exactly one scenario, named {name!r}"
        )
    book = state_of(request).scenarios
    unknown = [entry for entry, _ in scenarios[0].mix if entry not in book]
    if unknown:
        raise ControlError(400, "invalid_scenario", f"the mix names no scenario {unknown[0]!r}")
    book.add(scenarios[0])
    return JSONResponse(scenarios[0].to_json())


# -- the callback sink -------------------------------------------------------------------------
async def sink_receive(request: Request) -> Response:
    state = state_of(request)
    entry = await sink.received(request, state.clock.now(), state.settings.sink_body_kept)
    return sink.reply_response(state.sinks.record(request.path_params["name"], entry))


async def sink_requests(request: Request) -> Response:
    name = request.path_params["name"]
    return sink.sink_listing(name, state_of(request).sinks.get(name))


async def sink_set_reply(request: Request) -> Response:
    name = request.path_params["name"]
    target = state_of(request).sinks.get(name)
    try:
        target.reply = sink.parse_reply(await json_object(request))
    except ValueError as exc:
        raise ControlError(400, "invalid_reply", str(exc)) from None
    return sink.sink_listing(name, target)


# -- timeline ----------------------------------------------------------------------------------
async def timeline(request: Request) -> Response:
    """Everything in order; ``?format=jsonl`` (or ``Accept: application/x-ndjson``) for JSON Lines."""
    state = state_of(request)
    assert state.timeline is not None
    call_ref = request.query_params.get("call_id")
    call_id = None if call_ref is None else find_call(state, call_ref).id
    wants_lines = request.query_params.get("format") == "jsonl" or "application/x-ndjson" in (
        request.headers.get("accept", "")
    )
    if wants_lines:
        return StreamingResponse(state.timeline.json_lines(call_id), media_type="application/x-ndjson")
    return JSONResponse({"timeline": state.timeline.entries(call_id), "dropped": state.timeline.dropped})


# -- faults ------------------------------------------------------------------------------------
async def list_faults(request: Request) -> Response:
    return JSONResponse({"faults": state_of(request).faults.listing()})


async def add_fault(request: Request) -> Response:
    faults = state_of(request).faults
    try:
        rule = faults.add(await json_object(request))
    except FaultError as exc:
        raise ControlError(400, "invalid_fault", str(exc)) from None
    return JSONResponse(rule.to_json(0), 201)


async def clear_faults(request: Request) -> Response:
    state_of(request).faults.clear()
    return JSONResponse({"faults": []})


async def delete_fault(request: Request) -> Response:
    rule_id = request.path_params["id"]
    if not state_of(request).faults.remove(rule_id):
        raise ControlError(404, "not_found", f"no fault {rule_id!r}")
    return JSONResponse({"deleted": rule_id})


# -- forced scenario ---------------------------------------------------------------------------
async def get_forced_scenario(request: Request) -> Response:
    return JSONResponse({"name": state_of(request).scenarios.forced})


async def put_forced_scenario(request: Request) -> Response:
    """Every new call gets this scenario (unless it names one itself) until reset or DELETE."""
    book = state_of(request).scenarios
    name = (await json_object(request)).get("name")
    if not isinstance(name, str) or name not in book:
        raise ControlError(400, "invalid_scenario", f"no scenario {name!r}")
    book.forced = name
    return JSONResponse({"name": name})


async def delete_forced_scenario(request: Request) -> Response:
    state_of(request).scenarios.forced = None
    return JSONResponse({"name": None})


# -- snapshots ---------------------------------------------------------------------------------
async def take_snapshot(request: Request) -> Response:
    """The whole state as JSON (also written to --state-file, if the server has one)."""
    state = state_of(request)
    async with state.scheduler.advancing:
        await state.dispatcher.settle()
        data = state.snapshot()
    text = await asyncio.to_thread(snapshot.dumps, data)  # the data is fresh: no one else holds it
    path = state.settings.state_file
    if path is not None:
        try:
            await asyncio.to_thread(snapshot.write_file, path, text)
        except OSError as exc:
            raise ControlError(
                500, "state_file_error", f"cannot write the state file {path}: {exc}"
            ) from None
    return Response(text, media_type="application/json")


async def restore_snapshot(request: Request) -> Response:
    """Reset, then load a snapshot; one that cannot be loaded answers 400 and changes nothing."""
    state = state_of(request)
    try:
        data = await asyncio.to_thread(loads_strict, await request.body())
    except (ValueError, RecursionError):
        raise ControlError(400, "invalid_json", "the body is not valid JSON") from None
    async with state.scheduler.advancing:
        try:
            await state.restore_async(data)
        except snapshot.SnapshotError as exc:
            raise ControlError(400, "invalid_snapshot", str(exc)) from None
    return JSONResponse({"status": "ok", "clock": clock_json(state), "calls": len(state.backend.store)})


# -- credentials -------------------------------------------------------------------------------
async def list_credentials(request: Request) -> Response:
    return JSONResponse(dict(state_of(request).credentials()))


async def add_credentials(request: Request) -> Response:
    state = state_of(request)
    name = request.path_params["provider"]
    provider = state.providers.get(name)
    if provider is None:
        raise ControlError(404, "not_found", f"no provider {name!r} (have: {', '.join(state.providers)})")
    body = await json_object(request)
    return JSONResponse(provider.add_credentials(body), 201)


async def verify_traffic(request: Request) -> Response:
    """``POST /_mock/verify``: a pattern and an expected count → whether it held, and near misses."""
    state = state_of(request)
    pattern = await json_object(request)
    try:
        if verify.check_pattern(pattern) == "callback":
            calls = state.backend.store
            candidates: list[tuple[verify.Candidate, tuple[str | None, ...]]] = []
            for d in state.dispatcher:
                call = calls.get(d.request.call_id) if d.request.call_id else None
                provider_id = call.provider_call_id if call is not None else None
                candidates.append((verify.from_delivery(d, provider_id), (provider_id,)))
        else:
            candidates = [(verify.from_request(e), ()) for e in state.journal if e.kind == "request"]
        return JSONResponse(verify.verify(pattern, candidates))
    except verify.PatternError as exc:
        raise ControlError(400, "invalid_pattern", str(exc)) from None


def control_routes() -> list[BaseRoute]:
    g = guarded
    return [
        Route("/health", g(health), methods=["GET"]),
        Route("/reset", g(reset), methods=["POST"]),
        Route("/clock", g(get_clock), methods=["GET"]),
        Route("/clock/advance", g(advance_clock), methods=["POST"]),
        Route("/calls", g(list_calls), methods=["GET"]),
        Route("/calls/{id}", g(get_call), methods=["GET"]),
        Route("/calls/{id}/events", g(call_event), methods=["POST"]),
        Route("/inbound", g(inbound_call), methods=["POST"]),
        Route("/inbound-sms", g(inbound_sms), methods=["POST"]),
        Route("/requests", g(list_requests), methods=["GET"]),
        Route("/journal", g(journal), methods=["GET"]),
        Route("/callbacks", g(list_callbacks), methods=["GET"]),
        Route("/callbacks/{id}", g(get_callback), methods=["GET"]),
        Route("/callbacks/{id}/resend", g(resend_callback), methods=["POST"]),
        Route("/scenarios", g(list_scenarios), methods=["GET"]),
        Route("/scenarios/{name}", g(get_scenario), methods=["GET"]),
        Route("/scenarios/{name}", g(put_scenario), methods=["PUT"]),
        Route("/credentials", g(list_credentials), methods=["GET"]),
        Route("/credentials/{provider}", g(add_credentials), methods=["POST"]),
        Route("/timeline", g(timeline), methods=["GET"]),
        Route("/verify", g(verify_traffic), methods=["POST"]),
        Route("/snapshot", g(take_snapshot), methods=["POST"]),
        Route("/restore", g(restore_snapshot), methods=["POST"]),
        Route("/faults", g(list_faults), methods=["GET"]),
        Route("/faults", g(add_fault), methods=["POST"]),
        Route("/faults", g(clear_faults), methods=["DELETE"]),
        Route("/faults/{id}", g(delete_fault), methods=["DELETE"]),
        Route("/forced-scenario", g(get_forced_scenario), methods=["GET"]),
        Route("/forced-scenario", g(put_forced_scenario), methods=["PUT"]),
        Route("/forced-scenario", g(delete_forced_scenario), methods=["DELETE"]),
        Route("/sink/{name}/requests", g(sink_requests), methods=["GET"]),
        Route("/sink/{name}/reply", g(sink_set_reply), methods=["PUT"]),
        Route("/sink/{name}", g(sink_receive), methods=ANY_METHOD),
        Route("/sink/{name}/{rest:path}", g(sink_receive), methods=ANY_METHOD),
        *dashboard_routes(),
    ]
