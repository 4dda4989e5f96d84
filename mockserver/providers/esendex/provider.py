"""Esendex Voice Broadcast (formerly CDYNE Phone Notify!): the provider object the app builds."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response
from starlette.routing import BaseRoute

from mockserver.callbacks.model import NO_RETRY
from mockserver.core.backend import CallUpdate, UpdateKind
from mockserver.core.calls import Call, CallState
from mockserver.core.errors import InvalidParameter, MockError
from mockserver.core.serialize import SnapshotError, random_from_data, random_to_data
from mockserver.providers.base import Probe, Provider, ProviderContext, RenderCache
from mockserver.providers.esendex import snapshot
from mockserver.providers.esendex.dialer import Dialer
from mockserver.providers.esendex.errors import render_error
from mockserver.providers.esendex.inbound import incoming_numbers, take_call
from mockserver.providers.esendex.models import FIRST_QUEUE_ID, Account, EsendexState, Notify
from mockserver.providers.esendex.postback import is_postable, postback_request
from mockserver.providers.esendex.runner import ScriptRunner
from mockserver.providers.esendex.script import parse
from mockserver.providers.esendex.status import NotifyStatus, notify_status, refused
from mockserver.providers.esendex.telco import lookup
from mockserver.providers.esendex.validation import Refused, notify_request

#: A QueueID in a lower-cased query, form, SOAP or JSON body (``queueid=1``, ``<queueid>1<``...).
QUEUE_ID = re.compile(r"queueid[^0-9a-z]{0,4}(\d+)")
#: Each tenant's QueueIDs start this far from the previous one's, so a QueueID names one tenant.
TENANT_QUEUE_SPAN = 1_000_000_000


class Esendex(Provider):
    name = "esendex"
    title = "Esendex Voice Broadcast (Phone Notify!)"
    credential_keys = frozenset({"license_key", "name", "incoming_numbers"})
    path_prefixes = ("/notifyws/",)
    hosts = ("ws.esendex.us", "ws.cdyne.com")

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        first = FIRST_QUEUE_ID + ctx.tenant_number * TENANT_QUEUE_SPAN
        self.state = EsendexState(next_queue_id=first, first_queue_id=first)
        self.dialer = Dialer(self)
        self.runner = ScriptRunner(self)
        self.bodies = RenderCache()  # status replies by value (routes.py)
        for entry in ctx.credentials or ({},):
            self.add_credentials(entry)

    def routes(self) -> list[BaseRoute]:
        from mockserver.providers.esendex.routes import build_routes

        return build_routes(self)

    def render_error(self, error: MockError) -> Response:
        return render_error(error)

    def claims(self, probe: Probe) -> bool:
        """A LicenseKey of this provider anywhere in the query or the body (SOAP, form or query: the
        key is a GUID, so a plain search cannot match anything else), else a QueueID it handed out
        (``GetQueueIDStatus`` carries no LicenseKey; tenants' QueueIDs do not overlap)."""
        text = probe.text
        if "licensekey" in text and any(key.lower() in text for key in self.state.accounts):
            return True
        return any(int(found) in self.state.notifies for found in QUEUE_ID.findall(text))

    # -- credentials: LicenseKeys ----------------------------------------------------------------
    def credentials(self) -> list[dict[str, Any]]:
        return [_listing(a) for a in self.state.accounts.values()]

    def add_credentials(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Add a LicenseKey (a GUID made up from the seed unless given), a display name and its
        incoming numbers. For a LicenseKey that exists, ``incoming_numbers`` adds numbers to it (or
        replaces the script and URL of a number it has)."""
        self.check_credential_keys(body)
        numbers = {n.number: n for n in incoming_numbers(body.get("incoming_numbers"))}
        key = body.get("license_key") or self.ctx.credential_ids.uuid()
        if not isinstance(key, str) or not key.strip() or key.strip() == "0":
            raise InvalidParameter("license_key must be a non-empty string other than 0", field="license_key")
        theirs = {n.number for a in self.state.accounts.values() if a.license_key != key for n in a.incoming}
        clash = sorted(set(numbers) & theirs)
        if clash:
            raise InvalidParameter(
                f"{clash[0]} is an incoming number of another license key", field="incoming_numbers"
            )
        existing = self.state.accounts.get(key)
        if existing is not None:
            if not numbers or "name" in body:
                raise InvalidParameter(f"license key {key} exists already", field="license_key")
            merged = {n.number: n for n in existing.incoming} | numbers
            account = Account(key, existing.name, tuple(merged.values()))
        else:
            name = body.get("name") or self.ctx.faker.company()
            if not isinstance(name, str):
                raise InvalidParameter("name must be a string", field="name")
            account = Account(key, name, tuple(numbers.values()))
        self.state.accounts[key] = account
        return _listing(account)

    def known_key(self, key: str) -> bool:
        return key in self.state.accounts

    def sound_ids(self, key: str) -> set[str]:
        return {sound for owner, sound in self.state.sounds if owner == key}

    def sound_lengths(self, key: str) -> dict[str, int]:
        return {sound: seconds for (owner, sound), seconds in self.state.sounds.items() if owner == key}

    # -- notifies --------------------------------------------------------------------------------
    def submit(
        self,
        fields: Mapping[str, Any],
        delay: float = 0.0,
        *,
        demo_allowed: bool = False,
        caller_id_required: bool = False,
    ) -> NotifyStatus:
        """Validate one call request and queue it to dial ``delay`` seconds after its schedule."""
        text = fields.get("TextToSay")
        script, errors = parse(text if isinstance(text, str) else "")
        try:
            request = notify_request(
                fields,
                self.known_key,
                script,
                self.sound_ids,
                demo_allowed=demo_allowed,
                caller_id_required=caller_id_required,
            )
        except Refused as refusal:
            return refused(refusal.code)
        from_script = next((c.args[0].strip() for c in script.commands("StatusChangePostURL")), "")
        notify = Notify(
            queue_id=self.state.new_queue_id(),
            request=request,
            script=script,
            created_at=self.ctx.now(),
            telco=lookup(self.ctx.faker, request.phone),
            status_url=request.status_url or from_script,
        )
        self.state.notifies[notify.queue_id] = notify
        for error in errors:
            self.flow_error(str(notify.queue_id), str(error))
        self.dialer.queue(notify, delay)
        return self.status(notify)

    def notify_for(self, queue_id: int, key: str) -> Notify | None:
        notify = self.state.notifies.get(queue_id)
        return notify if notify is not None and notify.request.license_key == key else None

    def status(self, notify: Notify) -> NotifyStatus:
        last = notify.last_call_id
        call = None if last is None else self.ctx.backend.store.get(last)  # None: evicted, retry to come
        return notify_status(notify, call, self.ctx.now())

    def cancel(self, notify: Notify) -> bool:
        if not self.dialer.cancel(notify):
            return False
        self.post(notify)
        return True

    # -- the core's news -------------------------------------------------------------------------
    def on_update(self, update: CallUpdate) -> None:
        queue_id = self.state.by_call.get(update.call.id)
        notify = None if queue_id is None else self.state.notifies.get(queue_id)
        if notify is None:  # the dialer registers the call right after placing it
            return
        if update.kind is UpdateKind.DIGITS:
            self.runner.on_digits(update.call.id, update.digits)
            return
        if update.kind is not UpdateKind.STATE or update.transition is None:
            return
        state = update.transition.state
        if state is CallState.ANSWERED:
            call = update.call

            async def start() -> None:  # after every subscriber has heard of the answer
                self.runner.start(self.ctx.backend.get(call.id), notify)

            self.ctx.backend.schedule(call.id, 0, start)
        if state.terminal:
            self.runner.stop(update.call.id)
            self.dialer.attempt_ended(notify, update.call)
            self.post(notify)
        else:
            self.post(notify, only_if_changed=True)

    def post(self, notify: Notify, *, only_if_changed: bool = False) -> None:
        """Post the notify's status now: when a try is placed (12 Dialing), whenever its ResponseCode
        changes (18 Ringing, 21 In Call) and when the try ends or the notify is cancelled [B-post][B-pb].
        The end of a try always posts, even with the code of the try before it."""
        if not is_postable(notify.status_url):
            return
        last = notify.last_call_id
        call = None if last is None else self.ctx.backend.store.get(last)  # None: evicted, retry to come
        status = notify_status(notify, call, self.ctx.now())
        if only_if_changed and status.code == notify.posted_code:
            return
        notify.posted_code = status.code
        self.ctx.dispatcher.submit(postback_request(self.name, notify, call, status), NO_RETRY)

    def reset(self) -> None:
        self.state.reset()
        self.bodies.clear()
        self.runner.reset()
        self.dialer.reset()

    def forget_call(self, call: Call) -> None:
        """The QueueID goes with its last attempt, unless a retry of it is still to be dialled."""
        queue_id = self.state.by_call.pop(call.id, None)
        notify = None if queue_id is None else self.state.notifies.get(queue_id)
        if notify is None or notify.pending or any(a in self.state.by_call for a in notify.attempts):
            return
        del self.state.notifies[notify.queue_id]

    # -- inbound calls ---------------------------------------------------------------------------
    def start_inbound(self, from_: str, to: str, scenario: str | None) -> Call:
        """A call to one of a LicenseKey's ``incoming_numbers`` (inbound.py)."""
        return take_call(self, from_, to, scenario)

    # -- snapshots -------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            **snapshot.dump(self.state),
            "credential_ids": random_to_data(self.ctx.credential_ids.getstate()),
        }

    def restore(self, data: Mapping[str, Any]) -> None:
        """Keys (when the data has some), sound files, notifies; a dial still to come is scheduled
        again (at once if its time has passed). A script that was playing does not resume: its call
        goes on as its scenario says."""
        loaded = snapshot.load(data, self.state.first_queue_id)
        missing = [c for c in loaded.by_call if self.ctx.backend.store.get(c) is None]
        if missing:
            raise SnapshotError(f"providers.esendex.notifies: no call {missing[0]} in the snapshot's calls")
        ids = data.get("credential_ids")
        if ids is not None:
            self.ctx.credential_ids.setstate(random_from_data(ids, "providers.esendex.credential_ids"))
        if loaded.accounts:
            self.state.accounts = loaded.accounts
        self.state.notifies = loaded.notifies
        self.state.by_call = loaded.by_call
        self.state.sounds = loaded.sounds
        self.state.next_queue_id = loaded.next_queue_id
        for notify in self.state.notifies.values():
            if notify.pending and notify.dial_at is not None and not notify.cancelled:
                self.dialer.dial_at(notify, notify.dial_at)


def _listing(account: Account) -> dict[str, Any]:
    return {
        "license_key": account.license_key,
        "name": account.name,
        "incoming_numbers": [n.number for n in account.incoming],
    }
