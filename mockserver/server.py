"""Running the app: ``run()`` for the CLI, :class:`MockServer` (uvicorn in a thread) for tests."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette

from mockserver.app import ConfigError, create_app
from mockserver.collector import tune_collector
from mockserver.control.dashboard import end_streams
from mockserver.security.connections import server_options
from mockserver.settings import Settings
from mockserver.state import AppState

log = logging.getLogger("mockserver")


def banner(state: AppState, base_url: str, https_url: str | None = None) -> str:
    lines = [f"mockserver ready on {base_url} (clock: {state.clock.mode.value})"]
    if https_url is not None:
        hosts = ", ".join(h for provider in state.providers.values() for h in provider.hosts)
        lines.append(f"  HTTPS on {https_url} for {hosts}, localhost, 127.0.0.1")
        lines.append(f"  its CA: {base_url}/_mock/ca.pem (or `mockserver ca`; docs/zero-change.md)")
    for provider, creds in state.credentials().items():
        for cred in creds:
            shown = ", ".join(f"{k}={_short(v)}" for k, v in cred.items() if v not in (None, [], ""))
            lines.append(f"  {provider}: {shown}")
    if state.settings.state_file is not None:
        lines.append(f"  state file: {state.settings.state_file} ({len(state.backend.store)} calls loaded)")
    lines.append(f"  control API: {base_url}/_mock/health")
    return "\n".join(lines)


def _short(value: object) -> str:
    """Lists of more than three items are summarised (e.g. Routee's 17 scopes)."""
    if isinstance(value, list | tuple) and len(value) > 3:
        return f"[{', '.join(map(str, value[:3]))}, … {len(value)} in all]"
    return str(value)


def port_in_use(host: str, port: int) -> bool:
    """Whether binding ``host:port`` fails because something listens there (checked before start-up,
    so the user gets one line rather than a start and a shutdown); other failures are left to uvicorn."""
    if port == 0:
        return False
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror:
        return False
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def run(settings: Settings) -> None:
    """Serve until interrupted (the CLI's ``serve``)."""
    logging.basicConfig(level=settings.log_level.upper(), format="%(message)s")
    logging.getLogger("faker").setLevel(logging.WARNING)  # its locale look-ups are not ours to show
    for port, flag in (
        (settings.port, "--port"),
        (settings.https_port if settings.tls else 0, "--https-port"),
    ):
        if port_in_use(settings.host, port):
            raise ConfigError(
                f"port {port} on {settings.host} is in use (another mockserver?): stop it, or pick another "
                f"with {flag} (0: a free one)"
            )
    app = create_app(settings)
    tune_collector()
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        lifespan="on",
        access_log=False,
        **server_options(settings.head_timeout, settings.max_connections),
    )
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host

    def text(port: int, https_port: int | None) -> str:
        https_url = None if https_port is None else f"https://{host}:{https_port}"
        return banner(app.state.mock, f"http://{host}:{port}", https_url)

    server = _AnnouncingServer(config, text)
    server.https_port = settings.https_port if settings.tls else None
    server.run()
    if server.https_failed:
        raise SystemExit(1)


class _Server(uvicorn.Server):
    """uvicorn waits for open responses before it stops; dashboard event streams never end by
    themselves, so they are ended first.

    With ``https_port`` set, the same app is also served over TLS (``app.state.tls``) on that port by
    the same event loop: one lifespan, one state, two listeners."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.https_port: int | None = None
        self.https_failed = False
        self.ready = False  # both listeners tried (``started`` is set before the HTTPS one)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self.https_port is not None:
            await self._listen_https(self.https_port)
        self.ready = self.started

    async def _listen_https(self, port: int) -> None:
        config = self.config
        assert isinstance(config.app, Starlette)
        tls = config.app.state.tls
        assert tls is not None

        def protocol() -> asyncio.Protocol:
            made: asyncio.Protocol = config.http_protocol_class(  # type: ignore[call-arg]
                config=config, server_state=self.server_state, app_state=self.lifespan.state
            )
            return made

        loop = asyncio.get_running_loop()
        try:
            server = await loop.create_server(
                protocol,
                host=config.host,
                port=port,
                ssl=tls.context,
                backlog=config.backlog,
            )
        except OSError as exc:
            log.error("cannot serve HTTPS on %s port %s: %s", config.host, port, exc)
            self.https_failed = self.should_exit = True  # uvicorn then shuts down what did start
            return
        self.servers.append(server)

    def bound_https_port(self) -> int | None:
        """The HTTPS port really bound (the last listener), or None without one."""
        if self.https_port is None or len(self.servers) < 2:
            return None
        port: int = self.servers[-1].sockets[0].getsockname()[1]
        return port

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if isinstance(self.config.app, Starlette):
            end_streams(self.config.app)
        await super().shutdown(sockets)


class _AnnouncingServer(_Server):
    """Prints the banner (base URL, credentials) once the socket is bound, with the port really bound
    (``--port 0`` asks the system for a free one)."""

    def __init__(self, config: uvicorn.Config, text: Callable[[int, int | None], str]) -> None:
        super().__init__(config)
        self._text = text

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            print(self._text(self.bound_port(), self.bound_https_port()), flush=True)

    def bound_port(self) -> int:
        for server in self.servers:
            for sock in server.sockets:
                port: int = sock.getsockname()[1]
                return port
        return self.config.port


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class MockServer:
    """The real server on a real socket, in a background thread: for tests and the pytest plugin.

    >>> with MockServer(Settings(clock="virtual")) as server:
    ...     server.base_url
    """

    def __init__(self, settings: Settings | None = None, **create_kwargs: Any) -> None:
        settings = settings or Settings(clock="virtual")
        self.port = free_port(settings.host) if settings.port == 0 else settings.port
        self.https_port: int | None = None
        if settings.tls:
            self.https_port = free_port(settings.host) if settings.https_port == 0 else settings.https_port
        self.settings = settings
        self.app: Starlette = create_app(settings, **create_kwargs)
        config = uvicorn.Config(
            self.app,
            host=settings.host,
            port=self.port,
            log_level="warning",
            lifespan="on",
            access_log=False,
            **server_options(settings.head_timeout, settings.max_connections),
        )
        self._server = _Server(config)
        self._server.https_port = self.https_port
        self._thread = threading.Thread(target=self._server.run, name="mockserver", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    @property
    def https_url(self) -> str | None:
        """``https://<host>:<https_port>`` when TLS is on (``Settings(tls=True)``)."""
        return None if self.https_port is None else f"https://{self.settings.host}:{self.https_port}"

    @property
    def ca_pem(self) -> bytes | None:
        """The local CA's certificate (PEM) when TLS is on."""
        tls = self.app.state.tls
        return None if tls is None else bytes(tls.ca_pem)

    @property
    def state(self) -> AppState:
        state: AppState = self.app.state.mock
        return state

    def start(self, timeout: float = 10.0) -> MockServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.ready:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("mockserver did not start")
            time.sleep(0.005)
        if self._server.https_failed:
            self.stop()
            raise RuntimeError(f"mockserver could not serve HTTPS on port {self.https_port}")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
