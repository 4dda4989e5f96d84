"""Reading Routee request bodies: ``POST /voice/conversation`` [routee.md §3.1] and tracking filters."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request

from mockserver.providers.routee import fields
from mockserver.providers.routee.dialplan import DEFAULT_HANGUP_DELAY, parse_dialplan
from mockserver.providers.routee.errors import Codes, RouteeError, invalid
from mockserver.providers.routee.models import ConversationRequest

MAX_DURATION = 86_400  # mock's choice: Routee documents only the minimum (1)
MAX_PAGE_SIZE = 1000
WHOLE = re.compile(r"[0-9]{1,9}")


async def json_value(request: Request) -> Any:
    """Any JSON value in the body; no body at all reads as None."""
    raw = await request.body()
    if not raw.strip():
        return None
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise RouteeError(415, "send the body as JSON with Content-Type: application/json", module="000")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise invalid(Codes.INVALID_REQUEST, "body", "the body is not valid JSON") from None


async def json_body(request: Request, empty_ok: bool = False) -> dict[str, Any]:
    """The JSON object in the body (``empty_ok``: no body at all reads as ``{}``)."""
    if empty_ok and not (await request.body()).strip():
        return {}
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise RouteeError(415, "send the body as JSON with Content-Type: application/json", module="000")
    body = await json_value(request)
    if not isinstance(body, dict):
        raise invalid(Codes.INVALID_REQUEST, "body", "the body must be a JSON object")
    return body


def conversation(body: dict[str, Any]) -> ConversationRequest:
    to = fields.destination(body.get("to"), "to", Codes.TO)
    if body.get("from") is None:
        raise invalid(Codes.FROM, "from", "from is required")
    from_ = fields.text(body.get("from"), "from", Codes.FROM, 64)
    plan, plan_url = body.get("dialPlan"), body.get("dialPlanUrl")
    if (plan is None) == (plan_url is None):
        raise invalid(Codes.DIALPLAN, "dialPlan", "give exactly one of dialPlan and dialPlanUrl")
    dialplan = None if plan is None else parse_dialplan(plan)
    dialplan_url = None if plan_url is None else fields.url(plan_url, "dialPlanUrl", Codes.DIALPLAN)
    callback = None if body.get("callback") is None else fields.callback(body["callback"], "callback")
    hangup_delay = body.get("hangupDelay")
    hangup_delay = (
        DEFAULT_HANGUP_DELAY
        if hangup_delay is None
        else fields.integer(hangup_delay, "hangupDelay", Codes.RANGE, 1, 60)
    )
    max_duration = body.get("maxDuration")
    if max_duration is not None:
        max_duration = fields.integer(max_duration, "maxDuration", Codes.RANGE, 1, MAX_DURATION)
    machine = body.get("machineDetection")
    machine_detection = None if machine is None else fields.machine_detection(machine, "machineDetection")
    echo: dict[str, Any] = {"from": from_, "to": to.json()}
    if dialplan_url is not None:
        echo["dialPlanUrl"] = dialplan_url
    if plan is not None:
        echo["dialPlan"] = plan
    if callback is not None:
        echo["callback"] = {"url": callback.url, "strategy": callback.strategy.value}
    echo["hangupDelay"] = hangup_delay
    if max_duration is not None:
        echo["maxDuration"] = max_duration
    if machine_detection is not None:
        echo["machineDetection"] = {"strategy": machine_detection.strategy.value}
        if machine_detection.event_url is not None:
            echo["machineDetection"]["eventUrl"] = machine_detection.event_url
    return ConversationRequest(
        to=to,
        from_=from_,
        dialplan=dialplan,
        dialplan_url=dialplan_url,
        callback=callback,
        hangup_delay=hangup_delay,
        max_duration=max_duration,
        machine_detection=machine_detection,
        echo=echo,
    )


def page(request: Request) -> tuple[int, int]:
    """Spring-style ``page`` (from 0) and ``size`` (default 20) query parameters (mock's choice)."""
    query = request.query_params
    raw_page, raw_size = query.get("page", "0"), query.get("size", "20")
    if not WHOLE.fullmatch(raw_page):
        raise invalid(Codes.INVALID_REQUEST, "page", "page must be a whole number from 0")
    if not WHOLE.fullmatch(raw_size) or not 1 <= int(raw_size) <= MAX_PAGE_SIZE:
        raise invalid(Codes.INVALID_REQUEST, "size", f"size must be a whole number from 1 to {MAX_PAGE_SIZE}")
    return int(raw_page), int(raw_size)
