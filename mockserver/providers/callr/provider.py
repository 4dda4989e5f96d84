"""CALLR (JSON-RPC v1.1): the provider object the app builds, tying the method table, state and loops."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from mockserver.core.backend import CallUpdate, PlaceCall, UpdateKind
from mockserver.core.calls import Call, CallState, Direction
from mockserver.core.errors import Conflict, InvalidParameter, MockError, NotFound
from mockserver.core.plan import UnknownScenario
from mockserver.providers.base import Probe, Provider, ProviderContext
from mockserver.providers.callr.api_media import arm
from mockserver.providers.callr.billing import Billing
from mockserver.providers.callr.broadcast import Broadcasts
from mockserver.providers.callr.cdr import cdr_of, write_cdr
from mockserver.providers.callr.clicktocall import ClickToCallRunner
from mockserver.providers.callr.errors import RpcError, invalid, render_error
from mockserver.providers.callr.models import STARTING_CREDIT, Account, App, CallInfo, CallrState, Target
from mockserver.providers.callr.realtime import RealTime
from mockserver.providers.callr.recordings import Recorder
from mockserver.providers.callr.rpc import MethodTable, decode
from mockserver.providers.callr.sms import SmsCenter, sms_json
from mockserver.providers.callr.snapshot import SnapshotError, load_state, state_json
from mockserver.providers.callr.webhooks import WebhookSender

HASH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Callr(Provider):
    name = "callr"
    title = "CALLR JSON-RPC v1.1"
    credential_keys = frozenset({"login", "password", "name", "cli", "credit"})
    path_prefixes = ("/json-rpc/",)
    hosts = ("api.callr.com",)

    async def rpc_method(self, request: Request) -> str | None:
        """The JSON-RPC method of a request, so fault rules can match ``rpc_method``."""
        if request.method != "POST":
            return None
        try:
            document = decode(await request.body())
        except RpcError:  # a body the RPC layer will reject on its own, in its own words
            return None
        name = document.get("method") if isinstance(document, dict) else None
        return name if isinstance(name, str) else None

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        self.state = CallrState()
        self.realtime = RealTime(self)
        self.webhooks = WebhookSender(self)
        self.broadcasts = Broadcasts(self)
        self.clicktocall = ClickToCallRunner(self)
        self.sms = SmsCenter(self)
        self.billing = Billing(self)
        self.recorder = Recorder(self)
        self.methods = self.build_methods()
        for entry in ctx.credentials or ({},):
            self.add_credentials(entry)

    def build_methods(self) -> MethodTable:
        from mockserver.providers.callr import (
            api_account,
            api_apps,
            api_calls,
            api_clicktocall,
            api_dids,
            api_lists,
            api_media,
            api_recordings,
            api_sms,
            api_webhooks,
        )

        return MethodTable(
            [
                *api_account.methods(self),
                *api_apps.methods(self),
                *api_calls.methods(self),
                *api_clicktocall.methods(self),
                *api_dids.methods(self),
                *api_lists.methods(self),
                *api_media.methods(self),
                *api_recordings.methods(self),
                *api_sms.methods(self),
                *api_webhooks.methods(self),
            ]
        )

    def routes(self) -> list[BaseRoute]:
        from mockserver.providers.callr.routes import build_routes

        return build_routes(self)

    def render_error(self, error: MockError) -> Response:
        return render_error(error)

    # -- ids -------------------------------------------------------------------------------------
    def new_hash(self) -> str:
        """An object id: 8 characters ``[0-9A-Z]`` (``8242D945``, callr.md §8)."""
        return self.ctx.ids.token(8, HASH_ALPHABET)

    def claims(self, probe: Probe) -> bool:
        """A login (Basic), an Api-Key or a Session token of this provider (auth.py)."""
        accounts = self.state.accounts
        login = probe.basic_user()
        if login is not None:
            return login in accounts
        key = probe.scheme_value("api-key")
        if key is not None:
            return key in self.state.api_keys
        session = probe.scheme_value("session")
        return session is not None and session in self.state.sessions

    # -- credentials -----------------------------------------------------------------------------
    def credentials(self) -> list[dict[str, Any]]:
        return [
            {"login": a.login, "password": a.password, "hash": a.hash, "name": a.name, "cli": a.cli}
            for a in self.state.accounts.values()
        ]

    def add_credentials(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Add an account; every field is optional (made up, deterministically with a seed)."""
        self.check_credential_keys(body)
        ids = self.ctx.credential_ids
        login = _text(body, "login") or self.ctx.faker.user_name() + str(ids.number(10, 99))
        if login in self.state.accounts:
            raise InvalidParameter(f"account {login} exists already", field="login")
        cli = _text(body, "cli") or "+3319" + ids.token(7, "0123456789")
        account = Account(
            login=login,
            password=_text(body, "password") or ids.token(16, "abcdefghijkmnpqrstuvwxyz23456789"),
            hash=ids.token(8, HASH_ALPHABET),
            name=_text(body, "name") or self.ctx.faker.company(),
            cli=cli,
            credit=_credit(body),
        )
        self.state.accounts[login] = account
        return self.credentials()[-1]

    def reset(self) -> None:
        self.state.reset()
        self.realtime.reset()

    def forget_call(self, call: Call) -> None:
        """The call's CALLR facts, its request hash and its CDR go with it; what the CDR took off the
        credit stays taken (folded into the account's starting credit). Media-library recordings stay:
        they are the account's files, not the call's."""
        info = self.state.calls.pop(call.id, None)
        self.realtime.sessions.pop(call.id, None)
        if info is None:
            return
        if info.request_hash is not None and self.state.requests.get(info.request_hash) == call.id:
            del self.state.requests[info.request_hash]
        self.state.forget_cdr(info.login, info.callid)

    # -- snapshots -------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """Accounts, keys, sessions, apps, DIDs, calls' CALLR facts, CDRs, SMS, media, webhooks and
        the id counters. Real-Time loops in flight are not kept (docs/providers/callr.md)."""
        return state_json(self.state)

    def restore(self, data: Mapping[str, Any]) -> None:
        try:
            load_state(self.state, data)
        except (SnapshotError, TypeError, KeyError, ValueError) as exc:
            raise InvalidParameter(f"not a CALLR snapshot: {exc}", field="providers.callr") from None
        # What runs on the provider's own timers picks up where it was.
        for sms in self.state.sms.values():
            self.sms.send(sms)
        for media in self.state.media.values():
            arm(self, media)
        for recording in self.state.media_recordings.values():
            self.recorder.arm(recording)
        for c2c in self.state.clicktocalls.values():
            if c2c.started is None:
                self.clicktocall.schedule(c2c)

    # -- calls -----------------------------------------------------------------------------------
    def place_call(
        self,
        *,
        login: str,
        app: App | None,
        target: Target,
        cli: str,
        cdr_field: str,
        parent: Call | None = None,
        scenario: str | None = None,
        request_hash: str | None = None,
    ) -> CallInfo:
        """An outbound call (or a dialout leg of ``parent``), registered with its CALLR facts."""
        callid = self.state.callids.take()
        try:
            call = self.ctx.backend.place(
                PlaceCall(
                    provider=self.name,
                    account=login,
                    from_=cli,
                    to=target.number,
                    provider_call_id=str(callid),
                    scenario=scenario,
                    parent_id=parent.id if parent else None,
                    ring_timeout=float(target.timeout),
                )
            )
        except UnknownScenario as exc:
            raise invalid("X-Mock-Scenario", str(exc)) from None
        info = CallInfo(
            call_id=call.id,
            callid=callid,
            login=login,
            app=app,
            cli=cli,
            cdr_field=cdr_field,
            request_hash=request_hash,
            parent_call_id=parent.id if parent else None,
        )
        self.state.calls[call.id] = info
        if request_hash is not None:
            self.state.requests[request_hash] = call.id
        return info

    def on_update(self, update: CallUpdate) -> None:
        if update.kind is not UpdateKind.STATE or update.transition is None:
            return
        call = update.call
        info = self.state.calls.get(call.id)
        if info is None:  # the creating method registers the call right after placing it
            return
        state = update.transition.state
        way = "inbound" if info.inbound else "outbound"
        if state is CallState.ANSWERED:
            self.webhooks.emit(info.login, f"call.{way}_start", cdr_of(call, info, self.ctx.now()), call.id)
            self.realtime.on_answered(call, info)
            self.broadcasts.on_answered(call, info)
        elif state.terminal:
            self.recorder.stop_call(call.id)
            cdr = write_cdr(call, info)
            with self.billing.transaction(info.login):
                self.state.cdrs.append(cdr)
            self.webhooks.emit(info.login, f"call.{way}_hangup", cdr.record, call.id)
            self.realtime.on_ended(call, info)
        if info.parent_call_id is not None:
            self.tell_parent(info.parent_call_id, call)
        if info.c2c_hash is not None:
            self.clicktocall.on_leg(call, info)

    # -- inbound calls (POST /_mock/inbound) -----------------------------------------------------
    def start_inbound(self, from_: str, to: str, scenario: str | None) -> Call:
        """A call to one of the account's DIDs (bought through ``did/store.*``) reaches the app it is
        assigned to: a REALTIME10 app gets an ``INCOMING_CALL`` request once the call is picked up."""
        did = self.state.did_by_number(to)
        if did is None:
            raise NotFound(f"no CALLR account owns {to}: buy it with did/store.buy_order")
        app = self.state.apps.get(did.app or "")
        if app is None:
            raise Conflict(f"DID {did.intl_number} is not assigned to an app (apps.assign_did)")
        callid = self.state.callids.take()
        call = self.ctx.backend.place(
            PlaceCall(
                provider=self.name,
                account=did.login,
                from_=from_,
                to=did.intl_number,
                provider_call_id=str(callid),
                direction=Direction.INBOUND,
                scenario=scenario,
            )
        )
        info = CallInfo(
            call_id=call.id, callid=callid, login=did.login, app=app, cli=from_, cdr_field="", did=did
        )
        self.state.calls[call.id] = info
        return call

    # -- inbound SMS (to be wired as POST /_mock/inbound-sms) ------------------------------------
    def receive_sms(self, from_: str, to: str, text: str) -> dict[str, Any]:
        """An SMS from ``from_`` to one of the accounts' DIDs (or, as a reply, to the shared short
        code): stored as ``type: IN``, pushed as ``sms.mo``; returns the ``SMS`` object. An unknown
        number is NotFound, a bad argument InvalidParameter (``field`` from/to/text)."""
        return sms_json(self.sms.receive(from_, to, text))

    def tell_parent(self, parent_id: str, leg: Call) -> None:
        async def tell() -> None:
            await self.realtime.on_leg(leg)

        self.ctx.backend.schedule(parent_id, 0, tell)


def _credit(body: Mapping[str, Any]) -> Decimal:
    """``credit``: the account's prepaid credit in cents (``"1000.00"`` when left out)."""
    value = body.get("credit")
    if value is None:
        return STARTING_CREDIT
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise InvalidOperation
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidParameter('credit must be an amount in cents, like "1000.00"', field="credit") from None
    if not amount.is_finite() or not Decimal("0") <= amount <= Decimal("1e9"):
        raise InvalidParameter("credit must be between 0 and 1000000000 cents", field="credit")
    return amount.quantize(Decimal("0.01"))


def _text(body: Mapping[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameter(f"{name} must be a non-empty string", field=name)
    return value
