"""Running the app: ``run()`` for the CLI, :class:`MockServer` (uvicorn in a thread) for tests."""

from __future__ import annotations

import gc
import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette

from mockserver.app import create_app
from mockserver.control.dashboard import end_streams
from mockserver.security.connections import server_options
from mockserver.settings import Settings
from mockserver.state import AppState

log = logging.getLogger("mockserver")


def banner(state: AppState, base_url: str) -> str:
    lines = [f"mockserver ready on {base_url} (clock: {state.clock.mode.value})"]
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


def run(settings: Settings) -> None:
    """Serve until interrupted (the CLI's ``serve``)."""
    logging.basicConfig(level=settings.log_level.upper(), format="%(message)s")
    app = create_app(settings)
    # Everything built at start-up (imports, faker's locales, providers) lives for the whole run: move
    # it out of the collector's way, so full collections only walk what requests create.
    gc.collect()
    gc.freeze()
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
    _AnnouncingServer(config, lambda port: banner(app.state.mock, f"http://{host}:{port}")).run()


class _Server(uvicorn.Server):
    """uvicorn waits for open responses before it stops; dashboard event streams never end by
    themselves, so they are ended first."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if isinstance(self.config.app, Starlette):
            end_streams(self.config.app)
        await super().shutdown(sockets)


class _AnnouncingServer(_Server):
    """Prints the banner (base URL, credentials) once the socket is bound, with the port really bound
    (``--port 0`` asks the system for a free one)."""

    def __init__(self, config: uvicorn.Config, text: Callable[[int], str]) -> None:
        super().__init__(config)
        self._text = text

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            print(self._text(self.bound_port()), flush=True)

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
        self._thread = threading.Thread(target=self._server.run, name="mockserver", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.host}:{self.port}"

    @property
    def state(self) -> AppState:
        state: AppState = self.app.state.mock
        return state

    def start(self, timeout: float = 10.0) -> MockServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("mockserver did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
