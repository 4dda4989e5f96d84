"""The mock serves no WebSocket (none of the providers' APIs is one): a request that asks to upgrade is
answered as the plain HTTP request it also is, quietly, and no WebSocket library is loaded at start."""

from __future__ import annotations

import logging
import socket

from mockserver.server import MockServer
from mockserver.settings import Settings
from tests.processes import fresh_python

UPGRADE = (
    b"GET /_mock/health HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
    b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n\r\n"
)


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_an_upgrade_request_is_answered_as_plain_http() -> None:
    kept = Kept()
    uvicorn_log = logging.getLogger(
        "uvicorn.error"
    )  # what uvicorn's protocols warn on; it does not propagate
    with MockServer(Settings(clock="virtual", port=0)) as server:
        uvicorn_log.addHandler(kept)
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(UPGRADE)
                reply = b""
                while b'"status":"ok"' not in reply:
                    chunk = sock.recv(65536)
                    assert chunk, reply
                    reply += chunk
        finally:
            uvicorn_log.removeHandler(kept)
    assert reply.startswith(b"HTTP/1.1 200 OK\r\n")
    assert kept.messages == []


def test_serving_loads_no_websocket_library() -> None:
    probe = (
        "import sys, uvicorn\n"
        "from mockserver.app import create_app\n"
        "from mockserver.security.connections import server_options\n"
        "from mockserver.settings import Settings\n"
        "uvicorn.Config(create_app(Settings()), **server_options(10, None)).load()\n"
        "print(sorted(m for m in ('websockets', 'wsproto') if m in sys.modules))\n"
    )
    assert fresh_python(probe) == ["[]"]
