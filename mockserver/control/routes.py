"""The control API under ``/_mock``: inspect and steer calls, time, scenarios, credentials.

Its JSON is a public contract, documented in docs/control-api.md. Errors answer
``{"error": {"code", "message"}}`` with a 4xx. The handlers live in control/handlers/, one module per
resource; this module only assembles them, in the order the router tries them.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from mockserver.control.dashboard import dashboard_routes
from mockserver.control.handlers import (
    callbacks,
    calls,
    clock,
    credentials,
    faults,
    health,
    inbound,
    journal,
    scenarios,
    sinks,
    snapshots,
    tenants,
    timeline,
    verify,
)
from mockserver.control.handlers.common import guarded


def control_routes() -> list[BaseRoute]:
    g = guarded
    return [
        Route("/health", g(health.health), methods=["GET"]),
        Route("/reset", g(health.reset), methods=["POST"]),
        Route("/clock", g(clock.get_clock), methods=["GET"]),
        Route("/clock/advance", g(clock.advance_clock), methods=["POST"]),
        Route("/calls", g(calls.list_calls), methods=["GET"]),
        Route("/calls/{id}", g(calls.get_call), methods=["GET"]),
        Route("/calls/{id}/events", g(calls.call_event), methods=["POST"]),
        Route("/inbound", g(inbound.inbound_call), methods=["POST"]),
        Route("/inbound-sms", g(inbound.inbound_sms), methods=["POST"]),
        Route("/requests", g(journal.list_requests), methods=["GET"]),
        Route("/journal", g(journal.journal), methods=["GET"]),
        Route("/callbacks", g(callbacks.list_callbacks), methods=["GET"]),
        Route("/callbacks/{id}", g(callbacks.get_callback), methods=["GET"]),
        Route("/callbacks/{id}/resend", g(callbacks.resend_callback), methods=["POST"]),
        Route("/scenarios", g(scenarios.list_scenarios), methods=["GET"]),
        Route("/scenarios/{name}", g(scenarios.get_scenario), methods=["GET"]),
        Route("/scenarios/{name}", g(scenarios.put_scenario), methods=["PUT"]),
        Route("/credentials", g(credentials.list_credentials), methods=["GET"]),
        Route("/credentials/{provider}", g(credentials.add_credentials), methods=["POST"]),
        Route("/tenants", g(tenants.list_tenants), methods=["GET"]),
        Route("/tenants", g(tenants.create_tenant), methods=["POST"]),
        Route("/tenants/{id}", g(tenants.get_tenant), methods=["GET"]),
        Route("/tenants/{id}", g(tenants.delete_tenant), methods=["DELETE"]),
        Route("/timeline", g(timeline.timeline), methods=["GET"]),
        Route("/verify", g(verify.verify_traffic), methods=["POST"]),
        Route("/snapshot", g(snapshots.take_snapshot), methods=["POST"]),
        Route("/restore", g(snapshots.restore_snapshot), methods=["POST"]),
        Route("/faults", g(faults.list_faults), methods=["GET"]),
        Route("/faults", g(faults.add_fault), methods=["POST"]),
        Route("/faults", g(faults.clear_faults), methods=["DELETE"]),
        Route("/faults/{id}", g(faults.delete_fault), methods=["DELETE"]),
        Route("/forced-scenario", g(scenarios.get_forced_scenario), methods=["GET"]),
        Route("/forced-scenario", g(scenarios.put_forced_scenario), methods=["PUT"]),
        Route("/forced-scenario", g(scenarios.delete_forced_scenario), methods=["DELETE"]),
        Route("/sink/{name}/requests", g(sinks.sink_requests), methods=["GET"]),
        Route("/sink/{name}/reply", g(sinks.sink_set_reply), methods=["PUT"]),
        Route("/sink/{name}", g(sinks.sink_receive), methods=sinks.ANY_METHOD),
        Route("/sink/{name}/{rest:path}", g(sinks.sink_receive), methods=sinks.ANY_METHOD),
        *dashboard_routes(),
    ]
