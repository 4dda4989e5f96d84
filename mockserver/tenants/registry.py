"""The tenants of one server: isolated worlds, each a whole app built by the same factory.

A tenant is not a filter over shared state: it is another :class:`~mockserver.state.AppState` with its
own clock, ids, calls, journal, callbacks, scenarios, faults and provider records, built by
``create_app`` from the server's settings (virtual or auto clock, no state file). Nothing is shared,
so nothing can leak; the price is one world's memory per tenant, bounded by ``--max-tenants``.
Requests reach a tenant by path, header or credentials (dispatch.py).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette

from mockserver.core.clock import ClockMode
from mockserver.core.serialize import YEARS
from mockserver.core.values import frozen
from mockserver.providers.base import Probe
from mockserver.settings import Settings
from mockserver.state import AppState

#: What a tenant id may be: it goes in paths and headers as it is.
TENANT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
#: The name of the tenant everything reaches when nothing names another (``X-Mock-Tenant: default``).
DEFAULT = "default"
#: The clocks a tenant may have: a real clock would make it a second, unsynchronised wall clock.
TENANT_CLOCKS = (ClockMode.VIRTUAL.value, ClockMode.AUTO.value)

Build = Callable[[Settings], Starlette]


class TenantError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@frozen
class TenantSpec:
    """What ``POST /_mock/tenants`` asks for, checked."""

    id: str | None = None
    clock: str = ClockMode.VIRTUAL.value
    start: datetime | None = None
    seed: int | None = None
    auto_grace: float | None = None

    @staticmethod
    def parse(body: Mapping[str, Any]) -> TenantSpec:
        unknown = sorted(set(body) - {"id", "clock", "start", "seed", "auto_grace"})
        if unknown:
            raise TenantError(400, "invalid_parameter", f"unknown field {unknown[0]!r}")
        tenant_id = body.get("id")
        if tenant_id is not None and (not isinstance(tenant_id, str) or not TENANT_ID.fullmatch(tenant_id)):
            raise TenantError(
                400, "invalid_parameter", "id must be 1-63 letters, digits, '.', '_' or '-', not first"
            )
        if tenant_id == DEFAULT:
            raise TenantError(409, "conflict", "'default' is the default tenant's name")
        clock = body.get("clock", ClockMode.VIRTUAL.value)
        if clock not in TENANT_CLOCKS:
            raise TenantError(400, "invalid_parameter", "clock must be 'virtual' or 'auto'")
        start = body.get("start")
        if start is not None:
            start = _instant(start)
        seed = body.get("seed")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TenantError(400, "invalid_parameter", "seed must be an integer")
        grace = body.get("auto_grace")
        if grace is not None and (
            isinstance(grace, bool) or not isinstance(grace, int | float) or not 0 <= grace <= 60
        ):
            raise TenantError(400, "invalid_parameter", "auto_grace must be a number of seconds, 0 to 60")
        return TenantSpec(tenant_id, clock, start, seed, None if grace is None else float(grace))


def _instant(value: Any) -> datetime:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                if moment.year not in YEARS or moment.astimezone(UTC).year not in YEARS:
                    # as snapshots' times: a clock near year 1 or 9999 overflows (year 1 at +01:00 is
                    # year 0 in UTC, which datetime cannot hold)
                    raise TenantError(
                        400, "invalid_parameter", "start must be between the years 1900 and 9000"
                    )
                return moment.astimezone(UTC)
    raise TenantError(400, "invalid_parameter", "start must be an ISO 8601 time with its offset")


@dataclass
class Tenant:
    id: str
    number: int
    app: Starlette
    exits: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    @property
    def state(self) -> AppState:
        state: AppState = self.app.state.mock
        return state

    def __post_init__(self) -> None:
        self.claimers = tuple(provider.claims for provider in self.state.providers.values())

    def claims(self, probe: Probe) -> bool:
        for claims in self.claimers:  # noqa: SIM110 (a loop, not any(): no generator per tenant per request)
            if claims(probe):
                return True
        return False


class TenantRegistry:
    """The tenants of a server (not the default one, which is the server's own state)."""

    def __init__(self, settings: Settings, build: Build) -> None:
        self.settings = settings
        self.build = build
        self.tenants: dict[str, Tenant] = {}
        self.made = 0  # tenants made so far: numbers and default ids (t1, t2, ...) count on from here
        #: Whether some tenant claims requests by their body (Esendex's LicenseKey): read it only then.
        self.reads_bodies = False

    def __len__(self) -> int:
        return len(self.tenants)

    def __iter__(self) -> Iterator[Tenant]:
        return iter(self.tenants.values())

    def get(self, tenant_id: str) -> Tenant:
        tenant = self.tenants.get(tenant_id)
        if tenant is None:
            raise TenantError(404, "not_found", f"no tenant {tenant_id!r}")
        return tenant

    async def create(self, spec: TenantSpec) -> Tenant:
        limit = self.settings.max_tenants
        if len(self.tenants) >= limit:
            raise TenantError(
                409, "too_many_tenants", f"{limit} tenants exist (--max-tenants): delete one first"
            )
        number = self.made + 1
        tenant_id = spec.id or f"t{number}"
        if tenant_id in self.tenants:
            raise TenantError(409, "conflict", f"tenant {tenant_id!r} exists already")
        base = self.settings
        settings = replace(
            base,
            clock=spec.clock,
            start=spec.start or base.start,
            seed=base.seed if spec.seed is None else spec.seed,
            auto_grace=base.auto_grace if spec.auto_grace is None else spec.auto_grace,
            credentials=None,  # its own made-up credentials, never the server's
            faults=None,
            state_file=None,
            autosave=None,
            request_log=False,  # the server's console line covers its requests already
            tls=False,
            tenant=tenant_id,
            tenant_number=number,
        )
        app = self.build(settings)
        tenant = Tenant(tenant_id, number, app)
        await tenant.exits.enter_async_context(app.router.lifespan_context(app))
        self.made = number
        self.tenants[tenant_id] = tenant
        self.reads_bodies = self.reads_bodies or "esendex" in tenant.state.providers
        return tenant

    async def drop(self, tenant_id: str) -> None:
        tenant = self.get(tenant_id)
        del self.tenants[tenant_id]
        await tenant.exits.aclose()

    def claim(self, probe: Probe) -> Tenant | None:
        for tenant in self.tenants.values():
            if tenant.claims(probe):
                return tenant
        return None

    async def aclose(self) -> None:
        for tenant_id in list(self.tenants):
            await self.drop(tenant_id)
