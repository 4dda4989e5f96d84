"""Receivers that misbehave on real sockets: one that never answers, and an address nobody listens on."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from mockserver.server import free_port


class SilentReceiver:
    """Accepts connections, reads nothing, never answers: a receiver that hangs."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(256)
        self.port: int = self._sock.getsockname()[1]
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="silent-receiver", daemon=True)
        self._thread.start()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._held)

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self._held.append(conn)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() in the thread
        self._sock.close()
        with self._lock:
            for conn in self._held:
                conn.close()
        self._thread.join(timeout=5)


@pytest.fixture
def silent() -> Iterator[SilentReceiver]:
    receiver = SilentReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def dead_url() -> str:
    """A URL on a port nobody listens on: every attempt is refused at once."""
    return f"http://127.0.0.1:{free_port()}/gone"
