"""Routee's JSON: tokens, conversations, voice-message tracking, status callbacks, pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mockserver.core.calls import Call
from mockserver.providers.routee.models import Conversation, Leg, RecordingInfo, Token
from mockserver.providers.routee.vocabulary import answered_by_word, to_status

#: E.164 country code → ISO 3166-1 alpha-2, for ``country`` (mock's choice: a short table, longest
#: prefix first; other numbers and SIP URIs get null).
COUNTRIES = {
    "1": "US", "7": "RU", "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES", "36": "HU",
    "39": "IT", "40": "RO", "41": "CH", "43": "AT", "44": "GB", "45": "DK", "46": "SE", "47": "NO",
    "48": "PL", "49": "DE", "55": "BR", "61": "AU", "91": "IN", "351": "PT", "353": "IE", "357": "CY",
    "359": "BG",
}  # fmt: skip
ORIGINATING_SERVICE = "Voice"
CHARGE_INTERVAL = 1  # billed per second [routee.md §1]


def iso(at: datetime) -> str:
    """ISO-8601 UTC with milliseconds and Z (mock's choice, routee.md §10.3)."""
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def token_json(token: Token, now: datetime) -> dict[str, Any]:
    return {
        "access_token": token.value,
        "token_type": "bearer",
        "expires_in": max(int((token.expires_at - now).total_seconds()), 0),
        "scope": " ".join(token.scopes),
        "permissions": list(token.permissions),
    }


def conversation_json(conversation: Conversation) -> dict[str, Any]:
    return {
        "trackingId": conversation.tracking_id,
        "direction": conversation.direction.value,
        **conversation.request.echo,
        "createdAt": iso(conversation.created_at),
    }


def recording_json(recording: RecordingInfo) -> dict[str, Any]:
    return {
        "trackingId": recording.tracking_id,
        "start": iso(recording.start),
        "end": iso(recording.end),
        "from": recording.from_,
        "to": recording.to,
        "url": recording.url,
        "voiceTrackingIds": list(recording.message_ids),
        "conversationTrackingId": recording.conversation_tracking_id,
        "duration": recording.duration,
    }


def country(number: str) -> str | None:
    digits = number.removeprefix("+")
    if not digits.isdigit():
        return None
    return next((COUNTRIES[digits[:n]] for n in (3, 2, 1) if digits[:n] in COUNTRIES), None)


def price(call: Call) -> float:
    """Per second at the scenario's rate; unanswered calls are free [routee.md §1]."""
    return round(float(call.price), 6)


def leg_json(call: Call, leg: Leg) -> dict[str, Any]:
    """One voice message, as ``GET /voice/tracking/conversation/{id}`` lists it [routee.md §3.4]."""
    return {
        "messageId": leg.message_id,
        "conversationTrackingId": leg.conversation_id,
        "to": leg.to.value,
        "from": leg.from_,
        "country": country(leg.to.value) if leg.to.kind != "sip" else None,
        "status": {"status": to_status(call.state).value, "date": iso(call.updated_at)},
        "originatingService": ORIGINATING_SERVICE,
        "direction": leg.direction.value,
        "duration": call.talk_seconds,
        "price": price(call),
        "chargeInterval": CHARGE_INTERVAL,
        "collectedTones": leg.collected_tones,
        "recordings": [recording_json(r) for r in leg.recordings],
        "answeredBy": answered_by_word(call.answered_by).value,
    }


def message_json(call: Call, leg: Leg, conversation: Conversation, app_name: str) -> dict[str, Any]:
    """One voice message in full, as ``GET /voice/tracking/{messageId}`` answers [routee.md §3.4]."""
    plan = conversation.request.dialplan
    say = plan.first_message if plan is not None else None
    return {
        **leg_json(call, leg),
        "groups": [],
        "campaign": None,
        "applicationName": app_name,
        "fileURL": plan.first_file if plan is not None else None,
        "message": None
        if say is None
        else {"gender": say.gender.value, "language": say.language, "text": say.text},
    }


def status_callback(call: Call, leg: Leg) -> dict[str, Any]:
    """The body POSTed to ``callback.url`` [routee.md §5.1]."""
    return {
        "messageId": leg.message_id,
        "conversationTrackingId": leg.conversation_id,
        "to": leg.to.value,
        "from": leg.from_,
        "status": {"name": to_status(call.state).value, "updatedDate": iso(call.updated_at)},
        "direction": leg.direction.value,
        "originatingService": ORIGINATING_SERVICE,
        "respectQuietHours": False,
        "duration": call.talk_seconds,
        "price": price(call),
    }


def flow_event(leg: Leg, **extra: Any) -> dict[str, Any]:
    """The body POSTed to a COLLECT / machine-detection eventUrl or a dialPlanUrl (mock's choice,
    routee.md §10.6, §10.7, §10.14)."""
    return {
        "messageId": leg.message_id,
        "conversationTrackingId": leg.conversation_id,
        "from": leg.from_,
        "to": leg.to.value,
        **extra,
    }


def page_json(items: list[dict[str, Any]], page: int, size: int) -> dict[str, Any]:
    """A Spring Data page (mock's choice: only ``content`` and ``last`` are documented)."""
    chunk = items[page * size : (page + 1) * size]
    pages = (len(items) + size - 1) // size
    return {
        "content": chunk,
        "totalElements": len(items),
        "totalPages": pages,
        "last": page >= pages - 1,
        "first": page == 0,
        "size": size,
        "number": page,
        "numberOfElements": len(chunk),
    }
