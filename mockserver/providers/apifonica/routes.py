"""Apifonica's REST paths. Each handler: authenticate → parse → one backend call → render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mockserver.core.backend import PlaceCall
from mockserver.core.calls import Call, CallState, Party
from mockserver.core.errors import InvalidParameter, MissingParameter, NotFound
from mockserver.core.plan import UnknownScenario
from mockserver.providers.apifonica import params
from mockserver.providers.apifonica.auth import authenticate
from mockserver.providers.apifonica.models import Account, Application, CallInfo, Message
from mockserver.providers.apifonica.provider import Apifonica
from mockserver.providers.apifonica.render import (
    account_json,
    accounts_page,
    application_json,
    call_json,
    created,
    message_json,
    recording_json,
    silent_mp3,
    silent_wav,
)
from mockserver.providers.apifonica.vocabulary import STATUS, parse_events
from mockserver.providers.base import RenderCache

SCENARIO_HEADER = "x-mock-scenario"
PAGING = frozenset({"limit", "next", "prev", "offset"})
FILTERS = ("status", "direction", "from", "to", "tag")  # GET calls query filters (mock's choice, §9.8)


def build_routes(api: Apifonica) -> list[BaseRoute]:
    state = api.state
    backend = api.ctx.backend

    def auth(request: Request) -> Account:
        return authenticate(request, state.accounts)

    def prefix(request: Request) -> str:
        return str(request.scope.get("root_path", "")).rstrip("/")

    def base_url(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def own_call(account: Account, call_sid: str) -> tuple[Call, CallInfo]:
        call = backend.find(api.name, call_sid)
        info = None if call is None else state.calls.get(call.id)
        if call is None or info is None or info.account_sid != account.sid:
            raise NotFound(f"call {call_sid} not found")
        return call, info

    def render_call(call: Call, info: CallInfo) -> dict[str, Any]:
        return call_json(call, info, api.parent_of(call))

    bodies = RenderCache()  # GET call bodies by value: a client polls a call far more often than it changes

    def call_body(call: Call, info: CallInfo) -> bytes:
        """The call GET's JSON bytes, rendered again only when one of :func:`call_json`'s inputs changed:
        the call (frozen, replaced on each change), its parent, and the CallInfo's fields by value (a
        CallInfo is mutable: ``modified`` and the controller change in place)."""
        parent = api.parent_of(call)
        key = (
            call,
            parent,
            info.account_sid,
            info.number_sid,
            info.controller,
            info.method,
            info.timeout,
            info.tag,
            info.channel,
            info.modified,
        )
        return bodies.body(call.id, key, lambda: bytes(JSONResponse(call_json(call, info, parent)).body))

    def page_link(request: Request, limit: int, cursor: str, offset: int) -> str:
        """A link to another page that keeps the request's filters (only the paging changes)."""
        kept = [(k, v) for k, v in request.query_params.multi_items() if k not in PAGING]
        query = urlencode([*kept, ("limit", str(limit)), (cursor, str(offset))])
        return f"{base_url(request)}{request.url.path}?{query}"

    def page_json(
        request: Request,
        key: str,
        items: list[dict[str, Any]],
        limit: int,
        offset: int,
        cursors: tuple[str, str] = ("prev", "next"),
    ) -> dict[str, Any]:
        prev, next_ = cursors
        more = offset + limit < len(items)
        return {
            "limit": limit,
            "prev": page_link(request, limit, prev, max(offset - limit, 0)) if offset > 0 else None,
            "next": page_link(request, limit, next_, offset + limit) if more else None,
            key: items[offset : offset + limit],
        }

    # -- account ---------------------------------------------------------------------------------
    async def get_account(request: Request) -> Response:
        return JSONResponse(account_json(auth(request)))

    async def list_accounts(request: Request) -> Response:
        """Get subaccounts list: every account the credentials reach, the master first. A mock
        account has no subaccounts, so the list is the authenticated account (if the filters keep
        it). Credential checkers call this to verify a SID/token pair (a 2xx means valid)."""
        account = auth(request)
        query = request.query_params
        limit, _ = params.page(request)
        page = params.whole_number(query.get("page", "0"), "page")
        for name, words in (("type", ("master", "slave")), ("status", ("active", "blocked"))):
            if query.get(name) is not None and query[name] not in words:
                raise InvalidParameter(f"{name} must be {' or '.join(words)}", field=name)
        facts = {"type": account.type, "status": "active"}
        rows = [account] if all(query.get(k) in (None, v) for k, v in facts.items()) else []

        def link(number: int) -> str:
            kept = [(k, v) for k, v in query.multi_items() if k not in ("limit", "page")]
            tail = urlencode([*kept, ("limit", str(limit)), ("page", str(number))])
            return f"{base_url(request)}{request.url.path}?{tail}"

        return JSONResponse(accounts_page(rows, page, limit, link))

    # -- applications ----------------------------------------------------------------------------
    async def create_application(request: Request) -> Response:
        account = auth(request)
        body = await params.json_body(request)
        controller = params.url(body, "controller")
        if controller is None:
            raise MissingParameter("controller is required", field="controller")
        events = params.optional_text(body, "events") or "none"
        try:
            parse_events(events)
        except ValueError as exc:
            raise InvalidParameter(f"events: {exc}", field="events") from None
        if "method" not in body:
            raise MissingParameter("method is required (GET or POST)", field="method")
        app = Application(
            sid="app" + api.ctx.ids.uuid(),
            account_sid=account.sid,
            name=params.optional_text(body, "name") or account.sid,
            controller=controller,
            method=params.method(body),
            events=events,
            created=api.ctx.now(),
        )
        state.applications[app.sid] = app
        uri = f"{prefix(request)}/v2/accounts/{account.sid}/applications/{app.sid}"
        return JSONResponse(created(uri), 201)

    def own_app(account: Account, app_sid: str) -> Application:
        app = state.applications.get(app_sid)
        if app is None or app.account_sid != account.sid:
            raise NotFound(f"application {app_sid} not found")
        return app

    def app_in_body(account: Account, app_sid: str) -> Application:
        """A ``call_app_sid`` named in a request body: an unknown one is a bad request, not a 404."""
        app = state.applications.get(app_sid)
        if app is None or app.account_sid != account.sid:
            raise InvalidParameter(
                f"call_app_sid {app_sid} is not an application of this account", field="call_app_sid"
            )
        return app

    async def get_application(request: Request) -> Response:
        account = auth(request)
        return JSONResponse(application_json(own_app(account, request.path_params["app"])))

    async def list_applications(request: Request) -> Response:
        account = auth(request)
        limit, offset = params.page(request)
        apps = [application_json(a) for a in state.applications.values() if a.account_sid == account.sid]
        return JSONResponse(page_json(request, "applications", apps, limit, offset))

    # -- calls -----------------------------------------------------------------------------------
    async def create_call(request: Request) -> Response:
        account = auth(request)
        body = await params.json_body(request)
        from_ = params.number(body, "from")
        to = params.number(body, "to")
        if account.numbers and from_ not in account.numbers:
            raise InvalidParameter(f"from {from_} is not a number of this account", field="from")
        app_sid = params.optional_text(body, "call_app_sid")
        app = None if app_sid is None else app_in_body(account, app_sid)
        controller = params.url(body, "controller") or (app.controller if app else None)
        if controller is None:
            raise MissingParameter("call_app_sid (or controller) is required", field="call_app_sid")
        default_method = app.method if app and "controller" not in body else "POST"
        # Outbound calls take `events` from the request; the application's `events` is for inbound calls
        # (Apifonica "Call progress events"; "Create application").
        events_text = params.optional_text(body, "events") or "none"
        try:
            events = parse_events(events_text)
        except ValueError as exc:
            raise InvalidParameter(f"events: {exc}", field="events") from None
        info_fields = {
            "method": params.method(body, default=default_method),
            "timeout": params.integer(body, "timeout", 30, 1, 600),
            "tag": params.optional_text(body, "tag"),
            "channel": params.choice(body, "channel", ("number", "viber"), "number"),
        }
        try:
            call = backend.place(
                PlaceCall(
                    provider=api.name,
                    account=account.sid,
                    from_=from_,
                    to=to,
                    provider_call_id="cal" + api.ctx.ids.uuid(),
                    scenario=request.headers.get(SCENARIO_HEADER),
                    ring_timeout=float(info_fields["timeout"]),  # type: ignore[arg-type]
                )
            )
        except UnknownScenario as exc:
            raise InvalidParameter(f"X-Mock-Scenario: {exc}", field="X-Mock-Scenario") from None
        info = CallInfo(
            call_id=call.id,
            account_sid=account.sid,
            number_sid="num" + api.ctx.ids.uuid(),
            controller=controller,
            events=events,
            app_sid=app_sid,
            **info_fields,  # type: ignore[arg-type]
        )
        api.register(call, info)
        uri = f"{prefix(request)}/v2/accounts/{account.sid}/calls/{call.provider_call_id}"
        return JSONResponse(created(uri), 201)

    async def get_call(request: Request) -> Response:
        account = auth(request)
        call, info = own_call(account, request.path_params["call"])
        return Response(call_body(call, info), media_type="application/json")

    async def list_calls(request: Request) -> Response:
        account = auth(request)
        limit, offset = params.page(request)
        query = request.query_params
        status = query.get("status")
        if status is not None and status not in {*STATUS.values(), "modified"}:
            raise InvalidParameter(f"unknown status {status!r}", field="status")
        rows = []
        for call in reversed(list(backend.calls(provider=api.name))):
            info = state.calls.get(call.id)
            if info is None or info.account_sid != account.sid:
                continue
            row = render_call(call, info)
            facts = {**row, "tag": info.tag}  # a queued call shows tag null, but it has one
            if all(query.get(key) in (None, facts[key]) for key in FILTERS):
                rows.append(row)
        return JSONResponse(page_json(request, "calls", rows, limit, offset))

    async def modify_call(request: Request) -> Response:
        """Modify live call (mock's choice of body): hang up, or hand the call to another controller."""
        account = auth(request)
        call, info = own_call(account, request.path_params["call"])
        body = await params.json_body(request)
        if not call.live:
            raise InvalidParameter(f"call {call.provider_call_id} has ended ({call.state})", field="status")
        status = body.get("status")
        if status is not None:
            if status not in ("completed", "canceled"):
                raise InvalidParameter("status must be completed or canceled", field="status")
            if status == "completed" and call.state is not CallState.ANSWERED:
                status = "canceled"
            backend.hangup(call.id, Party.API, f"Modify live call: status {status}")
        else:
            controller, method = redirect_target(account, body, info)
            info.controller, info.method, info.modified = controller, method, True
            if call.state is CallState.ANSWERED:
                # Fetched on the call's clock, not inside this request: the API answers at once, as
                # Apifonica's does, and a slow controller never holds up the client.
                async def redirect() -> None:
                    await api.flows.redirect(call.id, controller, method)

                backend.schedule(call.id, 0, redirect)
        # 201 and the CREATED envelope, like every other POST of the API: the public client of the
        # npm package `apifonica` (0.0.2, index.js) posts {call_app_sid} here and checks
        # `status_code == 201`; no copy of the "Modify live call" page says otherwise.
        uri = f"{prefix(request)}/v2/accounts/{account.sid}/calls/{call.provider_call_id}"
        return JSONResponse(created(uri), 201)

    def redirect_target(account: Account, body: dict[str, Any], info: CallInfo) -> tuple[str, str]:
        app_sid = params.optional_text(body, "call_app_sid")
        if app_sid is not None:
            app = app_in_body(account, app_sid)
            return app.controller, params.method(body, default=app.method)
        controller = params.url(body, "controller")
        if controller is None:
            raise MissingParameter("give status, call_app_sid or controller", field="controller")
        return controller, params.method(body, default=info.method)

    # -- recordings ------------------------------------------------------------------------------
    def recorded_calls(account: Account) -> list[tuple[Call, CallInfo]]:
        rows = []
        for call in reversed(list(backend.calls(provider=api.name))):
            info = state.calls.get(call.id)
            if call.recording is not None and info is not None and info.account_sid == account.sid:
                rows.append((call, info))
        return rows

    async def list_recordings(request: Request) -> Response:
        account = auth(request)
        limit, offset = params.page(request)
        rows = [recording_json(c, i, base_url(request)) for c, i in recorded_calls(account)]
        return JSONResponse(page_json(request, "recordings", rows, limit, offset))

    async def get_recording(request: Request) -> Response:
        account = auth(request)
        sid = request.path_params["rec"]
        fmt = request.query_params.get("format", "wav")
        if fmt not in ("wav", "mp3"):
            raise InvalidParameter("format must be wav or mp3", field="format")
        sid, dot, extension = sid.partition(".")
        for call, info in recorded_calls(account):
            if call.recording is not None and "rec" + call.recording.id == sid:
                if not dot:
                    return JSONResponse(recording_json(call, info, base_url(request), fmt))
                if extension == "wav":
                    return Response(silent_wav(call.recording.seconds), media_type="audio/wav")
                if extension == "mp3":
                    return Response(silent_mp3(call.recording.seconds), media_type="audio/mpeg")
                raise NotFound(f"recordings are served as .wav or .mp3, not .{extension}")
        raise NotFound(f"recording {sid} not found")

    # -- messages --------------------------------------------------------------------------------
    async def create_message(request: Request) -> Response:
        account = auth(request)
        body = await params.json_body(request)
        message = Message(
            sid="msg" + api.ctx.ids.uuid(),
            account_sid=account.sid,
            from_=params.number(body, "from"),
            to=params.number(body, "to"),
            text=params.required_text(body, "text", params.MAX_TEXT),
            created=api.ctx.now(),
            channel=params.choice(body, "channel", ("sms", "telegram", "viber"), "sms"),
            tag=params.optional_text(body, "tag"),
        )
        state.messages[message.sid] = message
        uri = f"{prefix(request)}/v2/accounts/{account.sid}/messages/{message.sid}"
        return JSONResponse(created(uri), 201)

    async def get_message(request: Request) -> Response:
        account = auth(request)
        message = state.messages.get(request.path_params["msg"])
        if message is None or message.account_sid != account.sid:
            raise NotFound(f"message {request.path_params['msg']} not found")
        return JSONResponse(message_json(message))

    async def list_messages(request: Request) -> Response:
        account = auth(request)
        limit, offset = params.page(request)
        rows = [
            message_json(m) for m in reversed(list(state.messages.values())) if m.account_sid == account.sid
        ]
        # Messages page with limit/offset (S5: "/v2/accounts/{accountSID}/messages?limit=20&offset=20").
        return JSONResponse(page_json(request, "messages", rows, limit, offset, ("offset", "offset")))

    e = api.endpoint
    acc = "/v2/accounts/{acc}"
    # Hottest first: clients poll a call far more than anything else (routing tries them in order).
    return [
        Route(f"{acc}/calls/{{call}}", e(get_call), methods=["GET"]),
        Route(f"{acc}/calls/{{call}}", e(modify_call), methods=["POST"]),
        Route(acc, e(get_account), methods=["GET"]),
        Route("/v2/accounts", e(list_accounts), methods=["GET"]),
        Route(f"{acc}/applications", e(create_application), methods=["POST"]),
        Route(f"{acc}/applications", e(list_applications), methods=["GET"]),
        Route(f"{acc}/applications/{{app}}", e(get_application), methods=["GET"]),
        Route(f"{acc}/calls", e(create_call), methods=["POST"]),
        Route(f"{acc}/calls", e(list_calls), methods=["GET"]),
        Route(f"{acc}/recordings", e(list_recordings), methods=["GET"]),
        Route(f"{acc}/recordings/{{rec}}", e(get_recording), methods=["GET"]),
        Route(f"{acc}/messages", e(create_message), methods=["POST"]),
        Route(f"{acc}/messages", e(list_messages), methods=["GET"]),
        Route(f"{acc}/messages/{{msg}}", e(get_message), methods=["GET"]),
    ]
