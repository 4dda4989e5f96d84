"""create_app: the one place that wires clock, store, scenarios, dispatcher, providers and routes."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.datastructures import URLPath
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Mount, NoMatchFound, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from mockserver import __version__, requestlog, snapshot
from mockserver.activity import ActivityMiddleware
from mockserver.callbacks.dispatcher import Dispatcher
from mockserver.callbacks.transport import HttpClient, HttpxTransport, LazyClient, StreamTransport, Transport
from mockserver.control.front import front_routes, to_dashboard
from mockserver.control.openapi import openapi_routes
from mockserver.control.responses import ControlJSON
from mockserver.control.routes import control_routes
from mockserver.control.schemas import error_json
from mockserver.core.backend import CallBackend
from mockserver.core.calls import Call
from mockserver.core.clock import Clock, ClockMode, Scheduler, make_clock
from mockserver.core.errors import MethodNotAllowed, MockError, NotFound
from mockserver.core.faults import FaultBook, FaultError
from mockserver.core.ids import IdFactory
from mockserver.core.journal import Journal
from mockserver.gate import PrefixGate
from mockserver.layers import Layers, Spec
from mockserver.providers import REGISTRY, load
from mockserver.providers.base import Provider, ProviderContext
from mockserver.records.timeline import Timeline
from mockserver.scenario.book import ScenarioBook
from mockserver.scenario.model import Scenario
from mockserver.security.guard import ControlGuard, is_loopback
from mockserver.security.limits import BodyLimit, Owner
from mockserver.security.targets import GuardedTransport, PolicyError, TargetPolicy
from mockserver.settings import Settings
from mockserver.shortcut import MockApp
from mockserver.state import AppState
from mockserver.tenants.dispatch import TenantDispatch
from mockserver.tenants.registry import TenantRegistry

if TYPE_CHECKING:  # httpx and cryptography are imported where used: start-up skips them (issue 14)
    import httpx

    from mockserver.tls import ServerTLS

SHIPPED_SCENARIOS = Path(__file__).parent / "scenarios"
#: The faker providers the mock draws from (company, user_name, sentence, city, and the base
#: provider's random_element and random_int, which every Faker has), named by their en_US modules, the
#: locale a plain ``Faker()`` picks. A full ``Faker()`` loads all 25 providers at start (~12 ms more),
#: and naming a provider's package rather than its en_US module makes Faker list every locale folder of
#: it first (~7 ms for the five). The draws are the same either way: each method consumes the one
#: seeded random stream alike, and tests/test_faker_providers.py checks that against a full Faker.
FAKER_PROVIDERS = (
    "faker.providers.address.en_US",
    "faker.providers.company.en_US",
    "faker.providers.internet.en_US",
    "faker.providers.lorem.en_US",
    "faker.providers.person.en_US",
)
log = logging.getLogger("mockserver")


class ConfigError(Exception):
    """The server cannot start with these settings (bad scenario folder, credentials file...)."""


def load_scenarios(settings: Settings) -> ScenarioBook:
    """The shipped scenarios, read on first use (each file is named after its one scenario, so their
    names are known without YAML, ~20 ms of start-up), then a user's folder, read now: a mistake in it
    stops the start."""
    book = ScenarioBook(
        default=settings.default_scenario, seed=settings.seed, later=(shipped_names(), shipped_scenarios)
    )
    if settings.scenarios:
        for scenario in _read_scenarios(settings.scenarios):
            book.add(scenario)  # a user's scenario replaces a shipped one of the same name
        missing = [f"{s.source}: mix {s.name!r} names no scenario {name!r}" for s, name in book.missing()]
        if missing:  # the shipped scenarios' own mixes are whole (tests/scenario/test_shipped_deferred.py)
            raise ConfigError("\n".join(missing))
    if settings.default_scenario not in book:
        raise ConfigError(f"the default scenario {settings.default_scenario!r} is not loaded")
    return book


@functools.cache
def shipped_names() -> frozenset[str]:
    """The shipped scenarios' names: their files' names (a test holds each file to its scenario's)."""
    return frozenset(path.stem for path in SHIPPED_SCENARIOS.glob("*.yaml"))


@functools.cache
def shipped_scenarios() -> tuple[Scenario, ...]:
    """The scenarios shipped in the package, read once a process: they are values, and every app
    (each tenant is one, made per test by the pytest plugin's ``telephony_tenant``) starts from them.
    A user's folder is read again each time: its files may have changed."""
    return _read_scenarios(SHIPPED_SCENARIOS)


def _read_scenarios(folder: Path) -> tuple[Scenario, ...]:
    from mockserver.scenario.loader import load_directory  # imports YAML (~15 ms), not needed at start

    scenarios, errors = load_directory(folder)
    if errors:
        raise ConfigError("\n".join(str(e) for e in errors))
    return tuple(scenarios)


def load_credentials(path: Path | None) -> Mapping[str, list[Mapping[str, Any]]]:
    if path is None:
        return {}
    import yaml  # ~15 ms: only for a credentials file

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read credentials: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected {{provider: [ {{...}}, ... ]}}, not a {type(data).__name__}")
    for key, entries in data.items():
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise ConfigError(f"{path}: {key}: expected a list of credential entries ({{key: value}} each)")
    unknown = sorted(set(data) - set(REGISTRY))
    if unknown:
        raise ConfigError(f"{path}: unknown provider {unknown[0]!r}")
    return data


def load_fault_file(path: Path | None) -> list[Mapping[str, Any]]:
    """Fault rules to load at start: a YAML list of rules (or ``{faults: [...]}``)."""
    if path is None:
        return []
    import yaml  # ~15 ms: only for a fault file

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read faults: {exc}") from None
    if isinstance(data, dict):
        data = data.get("faults", [])
    if not isinstance(data, list) or not all(isinstance(rule, dict) for rule in data):
        raise ConfigError(f"{path}: expected a list of fault rules")
    return data


def load_state_file(state: AppState, path: Path) -> None:
    """Start from ``--state-file`` if it exists; one that cannot be loaded stops the start."""
    if not path.parent.is_dir():
        raise ConfigError(f"{path}: the folder of the state file does not exist")
    for stale in snapshot.remove_stale_temporaries(path):
        log.warning("removed %s, left by a write of the state file that did not finish", stale)
    try:
        data = snapshot.read_file(path)
        if data is not None:
            state.restore(data)
    except snapshot.SnapshotError as exc:
        raise ConfigError(f"{path}: cannot load the state file: {exc}") from None


def save_state_file(state: AppState, path: Path) -> None:
    """Write the state on shutdown; a failure is logged (the server is stopping anyway)."""
    try:
        snapshot.write_file(path, snapshot.dumps(state.snapshot()))
    except OSError as exc:
        log.error("cannot write the state file %s: %s", path, exc)


async def autosave(state: AppState, path: Path, every: float) -> None:
    """Write the state file every ``every`` seconds of wall-clock time (``--autosave``), so a crash
    loses at most that much; the snapshot is taken on the loop, encoded and written in a thread."""
    while True:
        await asyncio.sleep(every)  # wall-clock by design: it guards against a real crash
        async with state.scheduler.advancing:
            data = state.snapshot()
        try:
            await asyncio.to_thread(_write_state, path, data)
        except OSError as exc:
            log.error("cannot write the state file %s: %s", path, exc)


def _write_state(path: Path, data: dict[str, Any]) -> None:
    snapshot.write_file(path, snapshot.dumps(data))


def callback_transport(settings: Settings, client: HttpClient, owns_client: bool) -> Transport | None:
    """What carries callbacks: the dispatcher's own choice, unless an injected client must see every
    request or ``--callback-allow`` limits where they may go."""
    if not settings.callback_allow:
        return None if owns_client else HttpxTransport(client)
    try:
        policy = TargetPolicy.parse(settings.callback_allow)
    except PolicyError as exc:
        raise ConfigError(f"--callback-allow: {exc}") from None
    plain: Transport = (
        StreamTransport(settings.callback_per_origin, f"mockserver/{__version__}")
        if owns_client
        else HttpxTransport(client)
    )
    return GuardedTransport(policy, plain, HttpxTransport(client))


def request_owner(state: AppState, path: str) -> Owner:
    """Whose body limit and error format a path has: its provider's, else the control API's."""
    settings = state.settings
    if path == "/_mock" or path.startswith("/_mock/"):
        return Owner(settings.max_control_body, _control_error)
    provider = provider_of(state, path)
    if provider is None:
        return Owner(settings.max_body, _control_error)
    return Owner(settings.max_body, provider.render_error, provider.journal_request)


def _control_error(error: MockError) -> Response:
    return JSONResponse(error_json("body_too_large", error.message), error.status)


def exposure_warning(settings: Settings) -> str | None:
    """The loud warning for a server reachable from other machines with an open control API."""
    if settings.control_token or is_loopback(settings.host):
        return None
    return (
        f"WARNING: listening on {settings.host} with no control token: anyone who can reach this port "
        "can read every account's secrets and steer the server through /_mock. Set --control-token "
        "(MOCKSERVER_CONTROL_TOKEN), or publish the port on loopback only (docker run -p "
        "127.0.0.1:8080:8080)."
    )


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> Starlette:
    settings = settings or Settings()
    clock = clock or make_clock(settings.clock, settings.speed, settings.start)
    scheduler = Scheduler(clock)
    ids = IdFactory(settings.seed, stream=_stream("ids", settings.tenant))
    from faker import Faker  # ~60 ms to import; `mockserver --help`, `ca` and drift commands skip it

    faker = Faker(providers=list(FAKER_PROVIDERS))
    faker.seed_instance(settings.seed)
    scenarios = load_scenarios(settings)
    backend = CallBackend(scheduler, ids, scenarios, recording_delay=settings.recording_delay)
    backend.store.max_finished = settings.max_calls
    owns_client = http_client is None
    client: HttpClient = http_client or LazyClient()  # its SSL context is built on the first https callback
    dispatcher = Dispatcher(
        scheduler,
        client,
        ids,
        timeout=settings.callback_timeout,
        concurrency=settings.callback_concurrency,
        per_origin=settings.callback_per_origin,
        retention=settings.callback_retention,
        user_agent=f"mockserver/{__version__}",
        transport=callback_transport(settings, client, owns_client),
    )
    journal = Journal(settings.journal_size)
    names = settings.providers or tuple(REGISTRY)
    faults = FaultBook(seed=settings.seed, providers=names)
    try:
        faults.load(load_fault_file(settings.faults))
    except FaultError as exc:
        raise ConfigError(f"{settings.faults}: {exc}") from None
    dispatcher.faults = faults
    scheduler.settle = (
        dispatcher.settle
    )  # an auto clock waits for callbacks between instants, as advance does
    scheduler.auto_grace = settings.auto_grace
    state = AppState(settings, scheduler, ids, faker, scenarios, backend, dispatcher, journal, faults)
    warning = exposure_warning(settings)
    if warning is not None:
        log.warning(warning)

    timeline = Timeline(clock.now)
    state.timeline = timeline
    journal.listeners.append(timeline.on_journal)
    dispatcher.attempt_listeners.append(timeline.on_attempt)
    backend.subscribe(timeline.on_call)

    credentials = load_credentials(settings.credentials)
    for name in names:
        ctx = ProviderContext(
            backend=backend,
            dispatcher=dispatcher,
            journal=journal,
            ids=ids,
            faults=faults,
            credential_ids=IdFactory(settings.seed, stream=_stream(f"credentials:{name}", settings.tenant)),
            faker=faker,
            credentials=tuple(credentials.get(name, ())),
            tenant_number=settings.tenant_number,
        )
        try:
            provider = load(name)(ctx)
        except MockError as exc:  # a credentials entry the provider refuses (a wrong key or value)
            raise ConfigError(f"{settings.credentials}: {name}: {exc}") from None
        state.providers[name] = provider
        backend.subscribe(provider.on_update, name)
    backend.store.evicted_listeners.append(lambda call: _forget(state, call))

    if settings.state_file is not None:
        load_state_file(state, settings.state_file)
    if not settings.tenant:  # the default tenant keeps the others; tenants do not nest
        state.tenants = TenantRegistry(settings, lambda tenant: create_app(tenant, http_client=http_client))

    tls = _server_tls(settings, state)
    mock_routes = [
        Route("/ca.pem", _ca_pem(tls), methods=["GET"]),
        Route("/", to_dashboard, methods=["GET"]),
        *openapi_routes(),
        *control_routes(),
    ]
    # A request to a provider's production host name reaches that provider only; any other host
    # (127.0.0.1, localhost, the container's name) sees every provider at its real paths and under
    # /<provider>/. Provider routes come first: they carry the traffic benchmarks and users care about.
    hosts = ProviderHosts()
    provider_tables: list[BaseRoute] = []
    for name, provider in state.providers.items():
        provider_routes = provider.routes()
        provider_tables.extend(provider_routes)
        provider_tables.append(Mount(f"/{name}", routes=[PrefixGate(provider_routes)]))
        hosts.add(name, provider.hosts, Router([*provider_routes, Mount("/_mock", routes=mock_routes)]))
    # every provider's table and mount behind one look-up of the path's first segment (gate.py)
    gate = PrefixGate(provider_tables)
    routes: list[BaseRoute] = [hosts, gate]
    routes.append(Mount("/_mock", routes=mock_routes))
    routes.extend(front_routes(settings.control_token, settings.host))  # `/` and `/_mock`: no provider's

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runner = asyncio.create_task(scheduler.run())
        saver = None
        if settings.state_file is not None and settings.autosave:
            saver = asyncio.create_task(autosave(state, settings.state_file, settings.autosave))
        try:
            yield
        finally:
            for task in (runner, saver):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if state.tenants is not None:
                await state.tenants.aclose()
            if settings.state_file is not None:
                save_state_file(state, settings.state_file)
            await dispatcher.aclose()
            if owns_client:
                await client.aclose()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        response, provider = render_http_error(state, request.url.path, exc, request.scope.get(HOST_PROVIDER))
        if provider is not None:
            await provider.journal_request(request, response)
        return response

    layers: list[Spec] = [
        (ControlJSON, {}),  # outermost: the guard's refusals end with a newline too
        (ControlGuard, {"token": settings.control_token, "host": settings.host}),
        (BodyLimit, {"owner_of": lambda path: request_owner(state, path), "floor": settings.max_body}),
    ]
    if clock.mode is ClockMode.AUTO:  # only the auto clock pays for counting requests in flight
        layers.append((ActivityMiddleware, {"activity": scheduler.activity}))
    if state.tenants is not None:  # innermost: the guard and the body limit have run for every tenant
        layers.append((TenantDispatch, {"registry": state.tenants}))
    if settings.request_log:  # outermost, so its milliseconds include the guard and the body limit
        layers.insert(0, (requestlog.RequestLog, {"now": clock.now}))
        journal.listeners.append(requestlog.on_journal)
        dispatcher.attempt_listeners.append(requestlog.on_attempt)
    app = MockApp(  # a provider request no layer has work for goes straight to its endpoint
        hosts=hosts,
        gate=gate,
        routes=routes,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
        middleware=[Middleware(Layers, layers=layers)],  # each request enters at its first busy layer
    )
    app.state.mock = state
    app.state.tls = tls
    return app


HOST_PROVIDER = "mockserver.host_provider"  # the scope key: the provider whose host name was asked for


class ProviderHosts(BaseRoute):
    """Routes a request by its ``Host`` (a provider's production host name) to that provider's router:
    one dictionary look-up, so requests to any other host pay next to nothing."""

    def __init__(self) -> None:
        self.apps: dict[str, tuple[str, ASGIApp]] = {}

    def add(self, provider: str, names: tuple[str, ...], app: ASGIApp) -> None:
        for host in names:
            self.apps[host] = (provider, app)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] in ("http", "websocket") and self.apps:
            found = self.apps.get(_host_name(scope))
            if found is not None:
                return Match.FULL, {HOST_PROVIDER: found[0]}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.apps[_host_name(scope)][1](scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        raise NoMatchFound(name, path_params)  # names are found in the routes that follow


def _host_name(scope: Scope) -> str:
    """The ``Host`` header without its port, lower case (HTTP/2's ``:authority`` arrives as Host)."""
    for key, value in scope["headers"]:
        if key == b"host":
            name = _HOST_NAMES.get(value)
            if name is None:
                host: str = value.decode("latin-1").lower()
                name = (host.rpartition(":")[0] if ":" in host and not host.endswith("]") else host).rstrip(
                    "."
                )
                if len(_HOST_NAMES) >= 256:  # bounded: a client sending random Host headers gains nothing
                    _HOST_NAMES.clear()
                _HOST_NAMES[value] = name
            return name
    return ""


#: ``Host`` header bytes -> host name: clients send the same few on every request.
_HOST_NAMES: dict[bytes, str] = {}


def _server_tls(settings: Settings, state: AppState) -> ServerTLS | None:
    if not settings.tls:
        return None
    from mockserver.tls import CAError, ServerTLS  # cryptography: only with --tls

    try:
        return ServerTLS.build(settings.ca_dir, [h for p in state.providers.values() for h in p.hosts])
    except CAError as exc:
        raise ConfigError(str(exc)) from None


def _ca_pem(tls: ServerTLS | None) -> Callable[[Request], Awaitable[Response]]:
    async def ca_pem(request: Request) -> Response:
        if tls is None:
            return JSONResponse(
                error_json("tls_off", "TLS is off: start the server with --tls (MOCKSERVER_TLS=1)"), 404
            )
        return Response(tls.ca_pem, media_type="application/x-pem-file")

    return ca_pem


def render_http_error(
    state: AppState, path: str, exc: HTTPException, host_provider: str | None = None
) -> tuple[Response, Provider | None]:
    """A 404 or 405 from the router, in the error format of whoever owns the path (or the host)."""
    if host_provider is not None:
        return _provider_error(state.providers[host_provider], path, exc), state.providers[host_provider]
    provider = provider_of(state, path)
    if provider is not None:
        return _provider_error(provider, path, exc), provider
    code = "method_not_allowed" if exc.status_code == 405 else "not_found"
    return JSONResponse(error_json(code, f"{exc.detail}: {path}"), exc.status_code, headers=exc.headers), None


def _stream(name: str, tenant: str) -> str:
    """An id stream of its own per tenant (the default tenant's names are those of before tenants)."""
    return f"{name}:tenant:{tenant}" if tenant else name


def _forget(state: AppState, call: Call) -> None:
    """An evicted call takes its finished deliveries and its provider's records with it."""
    state.dispatcher.forget_call(call.id)
    provider = state.providers.get(call.provider)
    if provider is not None:
        provider.forget_call(call)


def provider_of(state: AppState, path: str) -> Provider | None:
    """The provider whose routes a path is under (``/{name}/...`` or one of its own prefixes)."""
    for name, provider in state.providers.items():
        own = f"/{name}"
        local = path[len(own) :] if path == own or path.startswith(own + "/") else path
        if any(local.startswith(prefix) for prefix in provider.path_prefixes):
            return provider
    return None


def _provider_error(provider: Provider, path: str, exc: HTTPException) -> Response:
    kind = MethodNotAllowed if exc.status_code == 405 else NotFound
    error = kind(f"{exc.detail}: {path}")
    error.status = exc.status_code
    return provider.render_error(error)


def state_of(app: Starlette) -> AppState:
    state: AppState = app.state.mock
    return state
