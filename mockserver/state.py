"""AppState: the one mutable root of a running server. Two apps in one process share nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mockserver import snapshot
from mockserver.callbacks.dispatcher import Dispatcher
from mockserver.core.backend import CallBackend
from mockserver.core.clock import Scheduler, VirtualClock
from mockserver.core.faults import FaultBook
from mockserver.core.ids import IdFactory
from mockserver.core.journal import Journal
from mockserver.providers.base import Provider
from mockserver.records.sink import Sinks
from mockserver.records.timeline import Timeline
from mockserver.scenario.book import ScenarioBook
from mockserver.settings import Settings

if TYPE_CHECKING:
    from faker import Faker  # ~60 ms to import: create_app imports it (issue 14)

    from mockserver.tenants.registry import TenantRegistry


@dataclass
class AppState:
    settings: Settings
    scheduler: Scheduler
    ids: IdFactory
    faker: Faker
    scenarios: ScenarioBook
    backend: CallBackend
    dispatcher: Dispatcher
    journal: Journal
    faults: FaultBook
    providers: dict[str, Provider] = field(default_factory=dict)
    sinks: Sinks = field(default_factory=Sinks)
    timeline: Timeline | None = None
    #: The other tenants of the server (None inside a tenant: tenants do not nest).
    tenants: TenantRegistry | None = None
    #: Told when the state is replaced wholesale (reset, restore): views such as the dashboard start over.
    replaced_listeners: list[Callable[[], None]] = field(default_factory=list)

    @property
    def clock(self) -> Any:
        return self.scheduler.clock

    def reset(self) -> None:
        """Forget calls, journal, deliveries and provider data; keep scenarios and credentials.

        A virtual clock goes back to its start and the id generator to its seed, so every test that
        starts with a reset sees the same ids and times whatever ran before it.
        """
        self.backend.reset()
        self.dispatcher.clear()
        self.journal.clear()
        self.faults.reset()
        self.sinks.clear()
        if self.timeline is not None:
            self.timeline.clear()
        for provider in self.providers.values():
            provider.reset()
        if isinstance(self.scheduler.clock, VirtualClock):
            self.scheduler.clock.reset()
        self.ids.reset()
        self.scenarios.reset_random()
        self.scenarios.forced = None
        self.faker.seed_instance(self.settings.seed)
        self._replaced()

    def _replaced(self) -> None:
        for listener in self.replaced_listeners:
            listener()

    def snapshot(self) -> dict[str, Any]:
        """The whole state as JSON-ready data (see mockserver/snapshot.py)."""
        return snapshot.take(self)

    def restore(self, data: Any) -> None:
        """Reset, then load a snapshot; raises SnapshotError (changing nothing) if it cannot be loaded."""
        snapshot.restore(self, data)
        self._replaced()

    async def restore_async(self, data: Any) -> None:
        """As :meth:`restore`, with the reading and checking (scenario YAML and all) in a thread, so a
        big snapshot does not hold up every other request; only the loading runs on the event loop."""
        known = frozenset(s.name for s in self.scenarios)
        loaded = await asyncio.to_thread(snapshot.check, self, data, known)
        snapshot.load(self, loaded)
        self._replaced()

    def credentials(self) -> Mapping[str, list[dict[str, Any]]]:
        return {name: provider.credentials() for name, provider in self.providers.items()}
