"""CALLR objects as JSON (seed 004), and its three date formats."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from mockserver.providers.callr.models import ApiKey, App, Did, UserSession, Webhook
from mockserver.providers.callr.vocabulary import PACKAGE_TYPE

#: How CALLR writes "no date" (callr.md §8).
ZERO_DATE = "0000-00-00 00:00:00"


def datetime_text(at: datetime | None) -> str:
    """``datetime``: ``YYYY-MM-DD HH:MM:SS`` in UTC."""
    return ZERO_DATE if at is None else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def datetime_ms(at: datetime) -> str:
    """``datetime_ms``: ``YYYY-MM-DD HH:MM:SS.sss`` in UTC (Webhook object)."""
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%d %H:%M:%S.") + f"{at.microsecond // 1000:03d}"


def datetime_ms_iso(at: datetime) -> str:
    """``datetime_ms_iso``: ``YYYY-MM-DDTHH:MM:SS.sssZ`` (Webhook.Event ``event_at``)."""
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def parse_datetime(text: str) -> datetime:
    """A ``datetime`` param; raises ValueError when it is not one."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)


def app_json(app: App, dids: Iterable[Did] = ()) -> dict[str, Any]:
    kind, has_did = PACKAGE_TYPE[app.package]
    return {
        "date_creation": datetime_text(app.created),
        "date_update": datetime_text(app.updated),
        "did": [did_json(d) for d in dids],
        "hash": app.hash,
        "name": app.name,
        "p": app.params,
        "package": {"has_did": has_did, "name": app.package.value, "type": kind},
    }


def webhook_json(hook: Webhook) -> dict[str, Any]:
    return {
        "created_at": datetime_ms(hook.created_at),
        "endpoint": hook.endpoint,
        "hash": hook.hash,
        "options": hook.options,
        "status": hook.status,
        "type": hook.type,
        "updated_at": datetime_ms(hook.created_at),
    }


def session_json(session: UserSession) -> dict[str, Any]:
    """Authentication.Session. The seed gives its two dates no format; the official Java SDK's own test
    (sdk-java UserSessionKeyTest) reads ``valid_until`` into a ``java.util.Date`` with a plain
    ``new Gson()``, which takes ISO 8601 with a zone and refuses ``YYYY-MM-DD HH:MM:SS``. So both
    are written as CALLR's ``datetime_ms_iso`` (mock's choice among the forms Gson reads)."""
    return {
        "refresh_token": session.refresh_token,
        "refreshable_until": datetime_ms_iso(session.refreshable_until),
        "token": session.token,
        "valid_until": datetime_ms_iso(session.valid_until),
    }


def api_key_json(key: ApiKey, last_used: datetime | None, with_token: bool) -> dict[str, Any]:
    """Authentication.ApiKey, plus its ``id`` (and ``token``, shown once, at creation)."""
    data: dict[str, Any] = {
        "created_at": datetime_text(key.created_at),
        "id": key.id,
        "last_used_at": datetime_text(last_used),
        "name": key.name,
        "updated_at": datetime_text(key.created_at),
    }
    if with_token:
        data["token"] = key.token
    return data


def did_json(did: Did) -> dict[str, Any]:
    """DID (seed): ``app`` is null while the number is not assigned."""
    return {
        "app": did.app,
        "class": did.klass,
        "country_code": did.country_code,
        "hash": did.hash,
        "intl_number": did.intl_number,
        "local_number": did.local_number,
        "local_number_f": did.local_number_f,
        "type": did.type,
    }


def store_item_json(did: Did) -> dict[str, Any]:
    """DID.Store.Item."""
    return {"hash": did.hash, "intl_number": did.intl_number, "local_number": did.local_number}


def search_results(hits: list[dict[str, Any]], paging: dict[str, Any]) -> dict[str, Any]:
    """Search.Results: one page of ``hits`` (``Search.Options`` ``offset``, ``quantity`` 50 by default)."""
    offset, quantity = paging.get("offset") or 0, paging.get("quantity") or 50
    page = hits[offset : offset + quantity]
    return {"has_more": offset + len(page) < len(hits), "hits": page, "offset": offset, "total": len(hits)}
