"""Apifonica's own state: accounts, applications, the Apifonica side of each call, messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from mockserver.core.serialize import Fields, SnapshotError, time_to_data
from mockserver.core.values import frozen


@frozen
class Account:
    sid: str  # "acc" + uuid
    token: str  # "aut" + uuid
    name: str
    created: datetime
    numbers: tuple[str, ...] = ()  # owned numbers; empty = any digits-only `from` is accepted
    type: str = "master"


@frozen
class Application:
    sid: str  # "app" + uuid
    account_sid: str
    name: str
    controller: str
    method: str
    events: str
    created: datetime


@dataclass
class CallInfo:
    """What Apifonica knows of a call beyond the neutral model (set at creation or by the flow)."""

    call_id: str  # the neutral id
    account_sid: str
    number_sid: str
    controller: str | None
    method: str
    events: frozenset[str]
    timeout: int
    tag: str | None
    channel: str
    app_sid: str | None
    modified: bool = False
    parent_call_id: str | None = None  # neutral id of the A leg, for <makeCall> legs


@frozen
class Message:
    sid: str
    account_sid: str
    from_: str
    to: str
    text: str
    created: datetime
    status: str = "sent"
    channel: str = "sms"
    tag: str | None = None
    call_sid: str | None = None


@dataclass
class ApifonicaState:
    accounts: dict[str, Account] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    calls: dict[str, CallInfo] = field(default_factory=dict)  # by neutral call id
    messages: dict[str, Message] = field(default_factory=dict)

    def reset(self) -> None:
        self.applications.clear()
        self.calls.clear()
        self.messages.clear()


# -- snapshots ---------------------------------------------------------------------------------------
def state_to_data(state: ApifonicaState) -> dict[str, Any]:
    return {
        "accounts": [
            {
                "sid": a.sid,
                "token": a.token,
                "name": a.name,
                "created": time_to_data(a.created),
                "numbers": list(a.numbers),
                "type": a.type,
            }
            for a in state.accounts.values()
        ],
        "applications": [
            {
                "sid": a.sid,
                "account_sid": a.account_sid,
                "name": a.name,
                "controller": a.controller,
                "method": a.method,
                "events": a.events,
                "created": time_to_data(a.created),
            }
            for a in state.applications.values()
        ],
        "calls": [{**asdict(info), "events": sorted(info.events)} for info in state.calls.values()],
        "messages": [
            {
                "sid": m.sid,
                "account_sid": m.account_sid,
                "from": m.from_,
                "to": m.to,
                "text": m.text,
                "created": time_to_data(m.created),
                "status": m.status,
                "channel": m.channel,
                "tag": m.tag,
                "call_sid": m.call_sid,
            }
            for m in state.messages.values()
        ],
    }


def state_from_data(data: Mapping[str, Any]) -> ApifonicaState:
    """What :func:`state_to_data` made (raises SnapshotError naming the bad field); ``accounts`` is
    empty when the data has none."""
    f = Fields(dict(data), "providers.apifonica")
    state = ApifonicaState()
    for a in f.objects("accounts", []):
        account = Account(
            sid=a.text("sid"),
            token=a.text("token"),
            name=a.text("name"),
            created=a.time("created"),
            numbers=tuple(text for _, text in _texts(a, "numbers")),
            type=a.text("type", "master"),
        )
        state.accounts[account.sid] = account
    for a in f.objects("applications", []):
        app = Application(
            sid=a.text("sid"),
            account_sid=a.text("account_sid"),
            name=a.text("name"),
            controller=a.text("controller"),
            method=a.text("method"),
            events=a.text("events"),
            created=a.time("created"),
        )
        state.applications[app.sid] = app
    for c in f.objects("calls", []):
        info = CallInfo(
            call_id=c.text("call_id"),
            account_sid=c.text("account_sid"),
            number_sid=c.text("number_sid"),
            controller=c.optional_text("controller"),
            method=c.text("method"),
            events=frozenset(text for _, text in _texts(c, "events")),
            timeout=c.integer("timeout"),
            tag=c.optional_text("tag"),
            channel=c.text("channel"),
            app_sid=c.optional_text("app_sid"),
            modified=c.flag("modified", False),
            parent_call_id=c.optional_text("parent_call_id"),
        )
        state.calls[info.call_id] = info
    for m in f.objects("messages", []):
        message = Message(
            sid=m.text("sid"),
            account_sid=m.text("account_sid"),
            from_=m.text("from"),
            to=m.text("to"),
            text=m.text("text"),
            created=m.time("created"),
            status=m.text("status", "sent"),
            channel=m.text("channel", "sms"),
            tag=m.optional_text("tag"),
            call_sid=m.optional_text("call_sid"),
        )
        state.messages[message.sid] = message
    return state


def _texts(f: Fields, key: str) -> list[tuple[str, str]]:
    items = list(f.items(key, []))
    for where, item in items:
        if not isinstance(item, str):
            raise SnapshotError(f"{where}: expected a string")
    return items
