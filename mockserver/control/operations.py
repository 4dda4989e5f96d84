"""What each ``/_mock`` route takes and answers: one :class:`Operation` per method and path, the data
``/_mock/openapi.json`` is generated from (``control/openapi.py`` walks the app's route table and looks
each route up here; a test fails for a route that has no entry, and for an example its schema refuses).

Schemas are JSON Schema 2020-12, the dialect of OpenAPI 3.1. Where a handler checks a value against a
vocabulary or a limit, the schema is built from the same constant (call states, clock modes, delivery
states, event types, fault fields, ``MAX_ADVANCE``), so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from mockserver.callbacks.model import DeliveryState
from mockserver.control.handlers.callbacks import MAX_WAIT
from mockserver.control.handlers.clock import MAX_ADVANCE
from mockserver.control.handlers.sinks import ANY_METHOD
from mockserver.core.calls import AnsweredBy, CallState, Direction, Party
from mockserver.core.clock import ClockMode
from mockserver.core.faults import CALLBACK_FIELDS, INBOUND_FIELDS
from mockserver.core.values import frozen
from mockserver.tenants.registry import TENANT_CLOCKS, TENANT_ID

Schema = dict[str, Any]


@frozen
class Param:
    name: str
    description: str
    schema: Schema = field(default_factory=lambda: {"type": "string"})
    where: str = "query"


@frozen
class Operation:
    tag: str
    summary: str
    response: Schema
    example: Any
    status: int = 200
    request: Schema | None = None
    request_example: Any = None
    request_media: str = "application/json"
    media: str = "application/json"
    params: tuple[Param, ...] = ()
    errors: tuple[int, ...] = ()
    token: bool = True  # needs the control token, when one is set


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None, **more: Any) -> Schema:
    return {
        "type": "object",
        "required": list(required),
        "properties": {**required, **(optional or {})},
        **more,
    }


def arr(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def enum(values: Any) -> Schema:
    return {"type": "string", "enum": [v.value if hasattr(v, "value") else v for v in values]}


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
ANY_OBJ: Schema = {"type": "object"}
TIME: Schema = {"type": "string", "format": "date-time"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


T0 = "2026-01-01T09:00:00Z"
CALL_ID = "8d8e423d-47c4-4c67-869f-bc3b50931b51"
DELIVERY_ID = "ddc6f069-db07-4759-abc2-4452910a65ab"
CLOCK_EXAMPLE = {"mode": "virtual", "now": T0, "speed": 0.0}
TENANT_EXAMPLE = {
    "id": "ci-job-17",
    "number": 1,
    "clock": CLOCK_EXAMPLE,
    "calls": 0,
    "links": {"control": "/_mock/tenants/ci-job-17", "reset": "/_mock/tenants/ci-job-17/reset"},
}
CALL_EXAMPLE = {
    "id": CALL_ID,
    "provider": "apifonica",
    "provider_call_id": "calad8a88d1-dd09-4558-a5b2-86f7eb77ef78",
    "account": "acc89333a05-3ed2-4e96-9497-53a2c8e8d225",
    "from": "15550009999",
    "to": "4420000001",
    "direction": "outbound",
    "state": "completed",
    "scenario": "answered",
    "parent_id": None,
    "created_at": T0,
    "answered_at": "2026-01-01T09:00:07Z",
    "ended_at": "2026-01-01T09:00:37Z",
    "answered_by": "human",
    "ended_by": "callee",
    "duration": 30,
    "price": "0.004900",
    "digits": "",
    "recording": {
        "id": "a976bd30-ddf2-412f-87f2-40ee7243d497",
        "seconds": 30,
        "created_at": "2026-01-01T09:00:42Z",
    },
    "history": [
        {"state": "queued", "at": T0, "cause": "placed"},
        {"state": "answered", "at": "2026-01-01T09:00:07Z", "cause": "scenario answered"},
        {"state": "completed", "at": "2026-01-01T09:00:37Z", "cause": "scenario answered"},
    ],
}
ATTEMPT_EXAMPLE = {"at": "2026-01-01T09:00:37Z", "elapsed_ms": 1.0, "status": 200, "response_body": ""}
DELIVERY_EXAMPLE: dict[str, Any] = {
    "id": DELIVERY_ID,
    "seq": 1,
    "provider": "apifonica",
    "call_id": CALL_ID,
    "kind": "status",
    "url": "http://127.0.0.1:9000/status",
    "method": "POST",
    "headers": {"Content-Type": "application/x-www-form-urlencoded"},
    "params": {},
    "body": "call_sid=calad8a88d1-dd09-4558-a5b2-86f7eb77ef78&status=completed",
    "created_at": "2026-01-01T09:00:37Z",
    "state": "done",
    "attempts": [ATTEMPT_EXAMPLE],
    "delivered": True,
    "next_attempt_at": None,
    "retry_schedule": [],
    "fault": None,
}
ENTRY_EXAMPLE = {
    "seq": 2,
    "kind": "request",
    "at": T0,
    "provider": "apifonica",
    "method": "POST",
    "path": "/v2/accounts/acc89333a05-3ed2-4e96-9497-53a2c8e8d225/calls",
    "query": "",
    "status": 201,
    "call_id": None,
    "detail": None,
    "headers": {"content-type": "application/json", "authorization": "Basic ***"},
    "body": '{"from":"15550009999","to":"4420000001"}',
}
SCENARIO_EXAMPLE = {
    "name": "busy",
    "description": "The line is busy.",
    "numbers": ["5550000001"],
    "source": "mockserver/scenarios/busy.yaml",
    "steps": [{"after": 1.0, "state": "initiated", "by": None}, {"after": 2.0, "state": "busy", "by": None}],
    "input": [],
    "price_per_minute": "0",
    "recording": None,
}
FAULT_EXAMPLE = {"id": "fault-1", "target": "inbound", "provider": "apifonica", "status": 503, "hits": 0}
SINK_EXAMPLE = {
    "name": "hooks",
    "reply": {"status": 200, "body": "", "content_type": "text/plain"},
    "requests": [
        {
            "at": T0,
            "method": "POST",
            "path": "/_mock/sink/hooks",
            "query": {},
            "headers": {"content-type": "application/json"},
            "body": '{"x":1}',
            "form": None,
        }
    ],
}
CREDENTIALS_EXAMPLE = {
    "apifonica": [{"account_sid": "acc96df…", "auth_token": "aut5b1…", "name": "Smith LLC", "numbers": []}]
}

SCHEMAS: dict[str, Schema] = {
    "Error": obj({"error": obj({"code": STR, "message": STR})}),
    "Clock": obj({"mode": enum(ClockMode), "now": nullable(TIME), "speed": NUM}),
    "Transition": obj({"state": enum(CallState), "at": TIME, "cause": nullable(STR)}),
    "Call": obj(
        {
            "id": STR,
            "provider": STR,
            "provider_call_id": nullable(STR),
            "account": nullable(STR),
            "from": STR,
            "to": STR,
            "direction": enum(Direction),
            "state": enum(CallState),
            "scenario": nullable(STR),
            "parent_id": nullable(STR),
            "created_at": TIME,
            "answered_at": nullable(TIME),
            "ended_at": nullable(TIME),
            "answered_by": nullable(enum(AnsweredBy)),
            "ended_by": nullable(enum(Party)),
            "duration": NUM,
            "price": {"type": "string", "pattern": r"^-?\d+\.\d{6}$"},
            "digits": STR,
            "recording": nullable(obj({"id": STR, "seconds": NUM, "created_at": nullable(TIME)})),
            "history": arr(ref("Transition")),
        }
    ),
    "Attempt": obj(
        {"at": TIME, "elapsed_ms": NUM},
        {"status": INT, "response_body": STR, "error": STR, "resend": BOOL},
    ),
    "Delivery": obj(
        {
            "id": STR,
            "seq": INT,
            "provider": STR,
            "call_id": nullable(STR),
            "kind": STR,
            "url": STR,
            "method": STR,
            "headers": {"type": "object", "additionalProperties": STR},
            "params": ANY_OBJ,
            "body": STR,
            "created_at": TIME,
            "state": enum(DeliveryState),
            "attempts": arr(ref("Attempt")),
            "delivered": BOOL,
            "next_attempt_at": nullable(TIME),
            "retry_schedule": arr(NUM),
            "fault": nullable(STR),
        },
        {"body_truncated": BOOL, "body_size": INT},
    ),
    "JournalEntry": obj(
        {
            "seq": INT,
            "kind": enum(["request", "flow_error"]),
            "at": TIME,
            "provider": nullable(STR),
            "method": nullable(STR),
            "path": nullable(STR),
            "query": STR,
            "status": nullable(INT),
            "call_id": nullable(STR),
            "detail": nullable(STR),
            "headers": nullable(ANY_OBJ),
            "body": nullable(STR),
        }
    ),
    "Scenario": obj(
        {"name": STR, "description": STR, "numbers": arr(STR)},
        {
            "steps": arr(ANY_OBJ),  # a scenario of steps; a mix has "mix" instead
            "mix": arr(ANY_OBJ),
            "source": nullable(STR),
            "input": arr(ANY_OBJ),
            "price_per_minute": STR,
            "recording": nullable(ANY_OBJ),
        },
    ),
    "Fault": obj(
        {"id": STR, "target": enum(["inbound", "callback"]), "hits": INT}, {"provider": nullable(STR)}
    ),
    "Sink": obj(
        {
            "name": STR,
            "reply": obj({"status": INT, "body": STR, "content_type": STR}),
            "requests": arr(ANY_OBJ),
        }
    ),
    "Credentials": {"type": "object", "additionalProperties": arr(ANY_OBJ)},
    "ForcedScenario": obj({"name": nullable(STR)}),
    "Tenant": obj(
        {"id": STR, "number": INT, "clock": ref("Clock"), "calls": INT, "links": {"type": "object"}},
        {"credentials": ref("Credentials")},
    ),
}

CALL_REF = Param("id", "the call's neutral id or its provider's id", where="path")
PROVIDER_FILTER = Param("provider", "only this provider's (e.g. apifonica)")
REVEAL = Param("reveal", "show secrets as sent (default: masked)", enum(["true", "false", "1", "0"]))
PRETTY = Param("pretty", "indent the JSON answer (every /_mock JSON answer takes it)", enum(["1", "true"]))
HEALTH = obj(
    {
        "status": enum(["ok"]),
        "providers": arr(STR),
        "clock": ref("Clock"),
        "calls": INT,
        "evicted_calls": INT,
        "pending_events": INT,
        "internal_errors": arr(STR),
    },
    {
        "hosts": {"type": "object", "additionalProperties": arr(STR)},
        "tenant": STR,
        "tenants": nullable(INT),
    },
)
FAULT_REQUEST = {
    "type": "object",
    "properties": {
        "target": enum(["inbound", "callback"]),
        "id": STR,
        **{name: {} for name in sorted((INBOUND_FIELDS | CALLBACK_FIELDS) - {"target", "id"})},
    },
    "additionalProperties": False,
}
EVENT_REQUEST = {
    "type": "object",
    "required": ["type"],
    "properties": {
        "type": enum(["answer", "hangup", "digits", "words", "busy", "reject", "fail"]),
        "by": enum(AnsweredBy),
        "digits": {"type": "string", "pattern": "^[0-9*#]+$"},
        "words": {"type": "string", "minLength": 1, "maxLength": 1000},
    },
}
CALLBACKS_LIST = obj(
    {"callbacks": arr(ref("Delivery"))},
    {"pending": INT, "states": {"type": "object", "additionalProperties": INT}, "evicted": INT},
)
INBOUND = obj(
    {"provider": STR, "from": {"type": "string", "minLength": 1}, "to": {"type": "string", "minLength": 1}}
)
SINK_ANY = Operation(
    "sink",
    "The built-in callback receiver: takes any request (no control token needed) and answers its reply",
    {"description": "the reply set with PUT /_mock/sink/{name}/reply (default 200, empty)"},
    "",
    media="text/plain",
    params=(Param("name", "the sink's name", where="path"),),
    token=False,
)

#: ``(method, path under /_mock)`` → what it does. ``"*"`` stands for every method of an any-method route.
OPERATIONS: dict[tuple[str, str], Operation] = {
    ("GET", ""): Operation("meta", "Leads to the dashboard (307)", {}, None, status=307, media=""),
    ("GET", "/"): Operation("meta", "Leads to the dashboard (307)", {}, None, status=307, media=""),
    ("GET", "/openapi.json"): Operation("meta", "This document", {"type": "object"}, {"openapi": "3.1.0"}),
    ("GET", "/openapi/{provider}.json"): Operation(
        "meta",
        "An OpenAPI 3.1 document of one emulated REST surface (apifonica, dillo, routee)",
        {"type": "object"},
        {"openapi": "3.1.0"},
        params=(Param("provider", "apifonica, dillo or routee", where="path"),),
        errors=(404,),
    ),
    ("GET", "/health"): Operation(
        "server",
        "Liveness, providers, clock, counts and the last internal errors",
        HEALTH,
        {
            "status": "ok",
            "providers": ["apifonica", "dillo", "routee", "esendex", "callr"],
            "clock": CLOCK_EXAMPLE,
            "calls": 1,
            "evicted_calls": 0,
            "pending_events": 0,
            "internal_errors": [],
        },
    ),
    ("POST", "/reset"): Operation(
        "server",
        "Forget calls, callbacks, the journal and faults; keep scenarios and credentials",
        obj({"status": enum(["ok"]), "clock": ref("Clock")}),
        {"status": "ok", "clock": CLOCK_EXAMPLE},
    ),
    ("GET", "/ca.pem"): Operation(
        "server",
        "The local CA certificate (with --tls), to trust in clients that call provider host names",
        {"type": "string"},
        "-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----\n",
        media="application/x-pem-file",
        errors=(404,),
    ),
    ("GET", "/clock"): Operation("clock", "The clock", ref("Clock"), CLOCK_EXAMPLE),
    ("POST", "/clock/advance"): Operation(
        "clock",
        "Advance a virtual clock, running every action that falls due (and waiting for its callbacks)",
        obj({"now": TIME, "clock": ref("Clock")}),
        {"now": "2026-01-01T09:00:30Z", "clock": {**CLOCK_EXAMPLE, "now": "2026-01-01T09:00:30Z"}},
        request=obj({"seconds": {"type": "number", "minimum": 0, "maximum": MAX_ADVANCE}}),
        request_example={"seconds": 30},
        errors=(400, 409),
    ),
    ("GET", "/calls"): Operation(
        "calls",
        "Calls, filtered",
        obj({"calls": arr(ref("Call"))}),
        {"calls": [CALL_EXAMPLE]},
        params=(
            PROVIDER_FILTER,
            Param("state", "only calls in this state", enum(CallState)),
            Param("to", "the number called"),
        ),
        errors=(400,),
    ),
    ("GET", "/calls/{id}"): Operation(
        "calls", "One call", ref("Call"), CALL_EXAMPLE, params=(CALL_REF,), errors=(404,)
    ),
    ("POST", "/calls/{id}/events"): Operation(
        "calls",
        "Inject what the callee does: answer, hang up, key in digits, say words, be busy / reject / fail",
        ref("Call"),
        CALL_EXAMPLE,
        request=EVENT_REQUEST,
        request_example={"type": "digits", "digits": "1234#"},
        params=(CALL_REF,),
        errors=(400, 404, 409),
    ),
    ("POST", "/inbound"): Operation(
        "calls",
        "A call comes in to one of a provider's numbers",
        ref("Call"),
        {**CALL_EXAMPLE, "direction": "inbound", "state": "queued"},
        status=201,
        request=obj({"provider": STR, "from": STR, "to": STR}, {"scenario": STR}),
        request_example={"provider": "callr", "from": "+33612345678", "to": "+33187654321"},
        errors=(400, 404, 422),
    ),
    ("POST", "/inbound-sms"): Operation(
        "calls",
        "An SMS comes in to one of a provider's numbers; answers what the provider recorded",
        ANY_OBJ,
        {"id": "msg-1"},
        status=201,
        request={
            **INBOUND,
            "required": [*INBOUND["required"], "text"],
            "properties": {**INBOUND["properties"], "text": STR},
        },
        request_example={"provider": "apifonica", "from": "15550001111", "to": "15550002222", "text": "hi"},
        errors=(400, 404, 422),
    ),
    ("GET", "/requests"): Operation(
        "journal",
        "Requests the providers received, oldest first (secrets masked)",
        obj({"requests": arr(ref("JournalEntry")), "dropped": INT}),
        {"requests": [ENTRY_EXAMPLE], "dropped": 0},
        params=(PROVIDER_FILTER, REVEAL),
        errors=(400,),
    ),
    ("GET", "/journal"): Operation(
        "journal",
        "Requests and flow errors, oldest first (secrets masked)",
        obj({"entries": arr(ref("JournalEntry")), "dropped": INT}),
        {"entries": [ENTRY_EXAMPLE], "dropped": 0},
        params=(REVEAL,),
        errors=(400,),
    ),
    ("GET", "/timeline"): Operation(
        "journal",
        "Requests, transitions and callback attempts in one order (?format=jsonl for JSON Lines)",
        obj({"timeline": arr(ANY_OBJ), "dropped": INT}),
        {
            "timeline": [{"seq": 1, "at": T0, "kind": "request", "provider": "apifonica", "method": "POST"}],
            "dropped": 0,
        },
        params=(
            Param("call_id", "only this call's"),
            Param("format", "jsonl for JSON Lines", enum(["jsonl"])),
        ),
        errors=(404,),
    ),
    ("POST", "/verify"): Operation(
        "journal",
        "Check a pattern matched an expected number of requests (or callbacks); near misses explained",
        obj(
            {"ok": BOOL, "expected": STR, "matched": INT, "matches": arr(ANY_OBJ)},
            {"near_misses": arr(ANY_OBJ)},
        ),
        {"ok": True, "expected": "exactly 1", "matched": 1, "matches": [{"seq": 2, "method": "POST"}]},
        request=ANY_OBJ,
        request_example={"method": "POST", "path": "/v2/accounts/*/calls", "count": 1},
        errors=(400,),
    ),
    ("GET", "/callbacks"): Operation(
        "callbacks",
        "Deliveries (callbacks and controller fetches) with every attempt; ?wait= long-polls",
        CALLBACKS_LIST,
        {"callbacks": [DELIVERY_EXAMPLE], "pending": 0, "states": {"done": 1}, "evicted": 0},
        params=(
            PROVIDER_FILTER,
            Param("call_id", "only this call's (neutral or provider id)"),
            Param("url", "only those sent to this URL"),
            Param("kind", "only this kind (e.g. status, fetch)"),
            Param("delivered", "true or false", enum(["true", "false"])),
            Param("state", "only deliveries in this state", enum(DeliveryState)),
            Param("wait", f"seconds to wait for `count` attempted deliveries (at most {MAX_WAIT:g})", NUM),
            Param("count", "how many to wait for (default 1)", INT),
        ),
        errors=(400, 404),
    ),
    ("GET", "/callbacks/{id}"): Operation(
        "callbacks",
        "One delivery",
        ref("Delivery"),
        DELIVERY_EXAMPLE,
        params=(Param("id", "the delivery id", where="path"),),
        errors=(404,),
    ),
    ("POST", "/callbacks/{id}/resend"): Operation(
        "callbacks",
        "Send a finished event delivery again (its new attempt is marked resend)",
        ref("Delivery"),
        {
            **DELIVERY_EXAMPLE,
            "attempts": [ATTEMPT_EXAMPLE, {**ATTEMPT_EXAMPLE, "resend": True}],
        },
        params=(Param("id", "the delivery id", where="path"),),
        errors=(404, 409),
    ),
    ("GET", "/scenarios"): Operation(
        "scenarios",
        "Loaded scenarios and the default",
        obj({"default": STR, "scenarios": arr(ref("Scenario"))}),
        {"default": "answered", "scenarios": [SCENARIO_EXAMPLE]},
    ),
    ("GET", "/scenarios/{name}"): Operation(
        "scenarios",
        "One scenario",
        ref("Scenario"),
        SCENARIO_EXAMPLE,
        params=(Param("name", "the scenario's name", where="path"),),
        errors=(404,),
    ),
    ("PUT", "/scenarios/{name}"): Operation(
        "scenarios",
        "Add or replace a scenario (YAML body, one scenario of that name)",
        ref("Scenario"),
        SCENARIO_EXAMPLE,
        request={"type": "string"},
        request_example="name: busy\nsteps:\n  - {after: 1, state: initiated}\n  - {after: 2, state: busy}\n",
        request_media="application/yaml",
        params=(Param("name", "the scenario's name", where="path"),),
        errors=(400,),
    ),
    ("GET", "/forced-scenario"): Operation(
        "scenarios", "The scenario every new call gets, or null", ref("ForcedScenario"), {"name": None}
    ),
    ("PUT", "/forced-scenario"): Operation(
        "scenarios",
        "Every new call gets this scenario (unless it names one) until reset or DELETE",
        ref("ForcedScenario"),
        {"name": "busy"},
        request=obj({"name": STR}),
        request_example={"name": "busy"},
        errors=(400,),
    ),
    ("DELETE", "/forced-scenario"): Operation(
        "scenarios", "Stop forcing a scenario", ref("ForcedScenario"), {"name": None}
    ),
    ("GET", "/credentials"): Operation(
        "credentials",
        "The credentials each provider accepts now (secrets in the clear)",
        ref("Credentials"),
        CREDENTIALS_EXAMPLE,
    ),
    ("POST", "/credentials/{provider}"): Operation(
        "credentials",
        "Add a set of credentials to a provider (every field optional); answers it",
        ANY_OBJ,
        CREDENTIALS_EXAMPLE["apifonica"][0],
        status=201,
        request=ANY_OBJ,
        request_example={"name": "Second account", "numbers": ["442071234567"]},
        params=(Param("provider", "the provider's name", where="path"),),
        errors=(400, 404),
    ),
    ("POST", "/snapshot"): Operation(
        "snapshots",
        "The whole state as JSON (also written to --state-file)",
        obj({"version": INT}, additionalProperties=True),
        {"version": 1, "clock": CLOCK_EXAMPLE, "calls": []},
        errors=(500,),
    ),
    ("POST", "/restore"): Operation(
        "snapshots",
        "Reset, then load a snapshot",
        obj({"status": enum(["ok"]), "clock": ref("Clock"), "calls": INT}),
        {"status": "ok", "clock": CLOCK_EXAMPLE, "calls": 0},
        request=obj({"version": INT}, additionalProperties=True),
        request_example={"version": 1, "clock": CLOCK_EXAMPLE, "calls": []},
        errors=(400,),
    ),
    ("GET", "/faults"): Operation(
        "faults", "Fault rules", obj({"faults": arr(ref("Fault"))}), {"faults": [FAULT_EXAMPLE]}
    ),
    ("POST", "/faults"): Operation(
        "faults",
        "Add a fault rule: inbound (answer a provider request with an error, latency, a drop) or callback",
        ref("Fault"),
        FAULT_EXAMPLE,
        status=201,
        request=FAULT_REQUEST,
        request_example={"provider": "apifonica", "status": 503, "times": 1},
        errors=(400,),
    ),
    ("DELETE", "/faults"): Operation(
        "faults", "Remove every fault rule", obj({"faults": arr(ref("Fault"))}), {"faults": []}
    ),
    ("DELETE", "/faults/{id}"): Operation(
        "faults",
        "Remove one fault rule",
        obj({"deleted": STR}),
        {"deleted": "fault-1"},
        params=(Param("id", "the rule's id", where="path"),),
        errors=(404,),
    ),
    ("GET", "/tenants"): Operation(
        "tenants",
        "The tenants besides the default one (docs/tenants.md), without their credentials",
        obj({"tenants": arr(ref("Tenant")), "limit": INT}),
        {"tenants": [TENANT_EXAMPLE], "limit": 32},
        errors=(404,),
    ),
    ("POST", "/tenants"): Operation(
        "tenants",
        "Make an isolated tenant: its own clock, calls, callbacks and fresh credentials for every provider"
        " (its control API is then /_mock/tenants/{id}/...)",
        ref("Tenant"),
        {**TENANT_EXAMPLE, "credentials": {"apifonica": [{"account_sid": "acc…", "auth_token": "…"}]}},
        status=201,
        request={
            "type": "object",
            "properties": {
                "id": {"type": "string", "pattern": f"^{TENANT_ID.pattern}$"},
                "clock": enum(TENANT_CLOCKS),
                "start": TIME,
                "seed": INT,
                "auto_grace": {"type": "number", "minimum": 0, "maximum": 60},
            },
            "additionalProperties": False,
        },
        request_example={"id": "ci-job-17", "clock": "virtual"},
        errors=(400, 404, 409),
    ),
    ("GET", "/tenants/{id}"): Operation(
        "tenants",
        "One tenant, with its credentials",
        ref("Tenant"),
        TENANT_EXAMPLE,
        params=(Param("id", "the tenant's id", where="path"),),
        errors=(404,),
    ),
    ("DELETE", "/tenants/{id}"): Operation(
        "tenants",
        "Drop a tenant with everything in it",
        {},
        None,
        status=204,
        media="",
        params=(Param("id", "the tenant's id", where="path"),),
        errors=(404,),
    ),
    ("GET", "/sink/{name}/requests"): Operation(
        "sink",
        "What a sink received, and its reply",
        ref("Sink"),
        SINK_EXAMPLE,
        params=(Param("name", "the sink's name", where="path"),),
    ),
    ("PUT", "/sink/{name}/reply"): Operation(
        "sink",
        "What a sink answers from now on",
        ref("Sink"),
        SINK_EXAMPLE,
        request={
            "type": "object",
            "properties": {
                "status": {"type": "integer", "minimum": 100, "maximum": 599},
                "body": STR,
                "content_type": STR,
            },
        },
        request_example={"status": 500, "body": "down"},
        params=(Param("name", "the sink's name", where="path"),),
        errors=(400,),
    ),
    ("*", "/sink/{name}"): SINK_ANY,
    ("*", "/sink/{name}/{rest}"): SINK_ANY,
    ("GET", "/ui"): Operation(
        "dashboard", "The dashboard (HTML)", {"type": "string"}, "<!doctype html>…", media="text/html"
    ),
    ("GET", "/ui/stream"): Operation(
        "dashboard",
        "The dashboard's event stream",
        {"type": "string"},
        "event: call\ndata: {}\n\n",
        media="text/event-stream",
    ),
    ("GET", "/ui/calls/{id}"): Operation(
        "dashboard",
        "One call with its callbacks, requests and flow errors",
        obj(
            {
                "call": ref("Call"),
                "callbacks": arr(ref("Delivery")),
                "requests": arr(ref("JournalEntry")),
                "flow_errors": arr(ANY_OBJ),
            }
        ),
        {"call": CALL_EXAMPLE, "callbacks": [DELIVERY_EXAMPLE], "requests": [], "flow_errors": []},
        params=(CALL_REF,),
        errors=(404,),
    ),
    ("GET", "/ui/resources"): Operation(
        "dashboard",
        "Each provider's records (applications, tokens, numbers...), secrets masked",
        obj({"providers": arr(obj({"name": STR, "title": STR, "collections": ANY_OBJ}))}),
        {"providers": [{"name": "dillo", "title": "Dillo send-action voice API", "collections": {}}]},
    ),
    ("GET", "/ui/static/{path}"): Operation(
        "dashboard",
        "The dashboard's script and style sheet",
        {"type": "string"},
        "",
        media="text/plain",
        params=(Param("path", "dashboard.js or dashboard.css", where="path"),),
        errors=(404,),
    ),
}

#: The methods an any-method route answers, as documented.
ANY_METHODS = tuple(m for m in ANY_METHOD if m != "HEAD")
