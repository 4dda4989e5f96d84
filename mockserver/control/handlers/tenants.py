"""``/_mock/tenants``: make, list, read and drop isolated tenants (docs/tenants.md).

Everything else of a tenant — its clock, calls, reset, snapshot — is its own control API, reached at
``/_mock/tenants/{id}/...`` (or with ``X-Mock-Tenant``) by tenants/dispatch.py before these routes.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mockserver.control.handlers.clock import clock_json
from mockserver.control.handlers.common import ControlError, json_object, state_of
from mockserver.tenants.registry import Tenant, TenantError, TenantRegistry, TenantSpec


def _registry(request: Request) -> TenantRegistry:
    registry = state_of(request).tenants
    if registry is None:
        raise ControlError(404, "not_found", "tenants are made on the default tenant, not inside one")
    return registry


def tenant_json(tenant: Tenant, *, credentials: bool = False) -> dict[str, Any]:
    state = tenant.state
    base = f"/_mock/tenants/{tenant.id}"
    data: dict[str, Any] = {
        "id": tenant.id,
        "number": tenant.number,
        "clock": clock_json(state),
        "calls": len(state.backend.store),
        "links": {
            "control": base,
            "reset": f"{base}/reset",
            "clock": f"{base}/clock",
            "sink": f"{base}/sink/",
        },
    }
    if credentials:
        data["credentials"] = dict(state.credentials())
    return data


async def create_tenant(request: Request) -> Response:
    registry = _registry(request)
    try:
        tenant = await registry.create(TenantSpec.parse(await json_object(request)))
    except TenantError as exc:
        raise ControlError(exc.status, exc.code, exc.message) from None
    return JSONResponse(tenant_json(tenant, credentials=True), 201)


async def list_tenants(request: Request) -> Response:
    registry = _registry(request)
    return JSONResponse(
        {"tenants": [tenant_json(t) for t in registry], "limit": registry.settings.max_tenants}
    )


async def get_tenant(request: Request) -> Response:
    try:
        tenant = _registry(request).get(request.path_params["id"])
    except TenantError as exc:
        raise ControlError(exc.status, exc.code, exc.message) from None
    return JSONResponse(tenant_json(tenant, credentials=True))


async def delete_tenant(request: Request) -> Response:
    try:
        await _registry(request).drop(request.path_params["id"])
    except TenantError as exc:
        raise ControlError(exc.status, exc.code, exc.message) from None
    return Response(status_code=204)
