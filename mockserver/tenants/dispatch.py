"""Which tenant a request is for, decided before the default app's router sees it.

In this order: ``/_mock/tenants/{id}/...`` is that tenant's ``/_mock/...`` (its control API, its
sinks); an ``X-Mock-Tenant: {id}`` header sends any request to that tenant (``default``: the server's
own); a provider request whose credentials one tenant's provider knows goes to that tenant (the path
users' unchanged code takes); anything else is the default tenant's, exactly as without tenants.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mockserver.control.schemas import error_json
from mockserver.providers.base import BODYLESS, Probe
from mockserver.tenants.registry import DEFAULT, Tenant, TenantError, TenantRegistry

HEADER = b"x-mock-tenant"
PREFIX = "/_mock/tenants/"


class TenantDispatch:
    def __init__(self, app: ASGIApp, registry: TenantRegistry) -> None:
        self.app = app
        self.registry = registry

    def idle(self, scope: Scope) -> bool:
        """The default tenant's for sure: no tenant's path or header, and no tenant to claim it (or a
        path no tenant claims: the front door, the control API)."""
        if scope["type"] != "http":
            return True
        path: str = scope["path"]
        if path.startswith(PREFIX) or _named(scope) is not None:
            return False
        return not self.registry.tenants or path == "/" or path == "/_mock" or path.startswith("/_mock/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.idle(scope):
            await self.app(scope, receive, send)
            return
        try:
            await self._dispatch(scope, receive, send)
        except TenantError as exc:
            await JSONResponse(error_json(exc.code, exc.message), exc.status)(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        if path.startswith(PREFIX):
            tenant_id, slash, rest = path[len(PREFIX) :].partition("/")
            if slash:  # /_mock/tenants/{id}/... ; /_mock/tenants/{id} itself is the router's
                await self._forward(
                    self.registry.get(tenant_id), _rebased(scope, "/_mock/" + rest), receive, send
                )
                return
        named = _named(scope)
        if named is not None:
            if named == DEFAULT:
                await self.app(scope, receive, send)
            else:
                await self._forward(self.registry.get(named), scope, receive, send)
            return
        if not self.registry.tenants or path == "/" or path == "/_mock" or path.startswith("/_mock/"):
            await self.app(scope, receive, send)
            return
        body = b""
        if self.registry.reads_bodies and scope["method"] not in BODYLESS:
            body, receive = await _read_body(receive)
        probe = Probe(Headers(scope=scope), scope.get("query_string", b"").decode("latin-1"), body)
        tenant = self.registry.claim(probe)
        if tenant is None:
            await self.app(scope, receive, send)
        else:
            await self._forward(tenant, scope, receive, send)

    async def _forward(self, tenant: Tenant, scope: Scope, receive: Receive, send: Send) -> None:
        await tenant.app(dict(scope), receive, send)


def _named(scope: Scope) -> str | None:
    for key, value in scope["headers"]:
        if key == HEADER:
            name: str = value.decode("latin-1").strip()
            return name or None
    return None


def _rebased(scope: Scope, path: str) -> Scope:
    return {**scope, "path": path, "raw_path": path.encode("utf-8")}


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body (already bounded by the body limit, which runs first), and a receive that
    hands it on as if it had not been read."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"", receive  # the client went away: let the app see that
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
