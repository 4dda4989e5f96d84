"""Slowloris (issue 13, item 5): half-open connections cannot take the server away. Loopback only,
bounded: 1,100 connections to a server limited to 1,024 file descriptors, as in many containers."""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from mockserver.server import MockServer, free_port
from mockserver.settings import Settings

HALF_OPEN = 1_100
PARTIAL_HEAD = b"GET /_mock/health HTTP/1.1\r\nHost: localhost\r\nX-Slow: "


def _limit_fds() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


@pytest.fixture
def limited_server() -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "mockserver", "serve", "--port", str(port), "--clock", "virtual"]
    command += ["--head-timeout", "120", "--log-level", "error"]
    process = subprocess.Popen(
        command, preexec_fn=_limit_fds, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=os.environ
    )
    try:
        assert process.stdout is not None
        assert b"mockserver ready" in process.stdout.readline()
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def test_the_server_answers_under_1100_half_open_connections_with_1024_fds(limited_server: str) -> None:
    port = int(limited_server.rsplit(":", 1)[1])
    sockets: list[socket.socket] = []
    try:
        for _ in range(HALF_OPEN):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(PARTIAL_HEAD)
            sockets.append(sock)
        response = httpx.get(f"{limited_server}/_mock/health", timeout=15)
        assert response.status_code == 200
    finally:
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()


def test_a_connection_that_never_finishes_its_head_is_closed_after_the_head_timeout() -> None:
    with MockServer(Settings(clock="virtual", port=0, head_timeout=0.3)) as server:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(PARTIAL_HEAD)
            assert sock.recv(1024) == b""  # closed by the server (a timeout here raises instead)
        assert httpx.get(f"{server.base_url}/_mock/health").status_code == 200


@pytest.fixture(scope="module")
def quick_port() -> Iterator[int]:
    """A server whose clients have 1 s for each piece of a request."""
    with MockServer(Settings(clock="virtual", port=0, head_timeout=1.0)) as server:
        yield server.port


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(
            line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
    )
    while len(body) < length:
        body += sock.recv(4096)
    return head


def test_after_an_answered_request_a_stalled_next_head_is_closed_after_the_head_timeout(
    quick_port: int,
) -> None:
    with socket.create_connection(("127.0.0.1", quick_port), timeout=10) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert _read_response(sock).startswith(b"HTTP/1.1 200")
        sock.sendall(PARTIAL_HEAD)  # the next request's head, never finished
        assert sock.recv(1024) == b""


def test_a_body_that_stops_coming_is_closed_after_the_head_timeout(quick_port: int) -> None:
    with socket.create_connection(("127.0.0.1", quick_port), timeout=10) as sock:
        head = b"POST /_mock/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        sock.sendall(head + b"Content-Length: 100\r\n\r\n{")
        assert sock.recv(1024) == b""


def test_a_slow_but_steady_body_is_not_cut_off_however_long_it_takes_in_all(quick_port: int) -> None:
    """Each piece comes within the deadline (5 x within it), the whole takes longer than one deadline: the
    request is answered.
    The client's pacing is what is under test here (a wall-clock read timeout), not a wait for time."""
    with socket.create_connection(("127.0.0.1", quick_port), timeout=10) as sock:
        body = b'{"provider": "apifonica", "count": 0, "method": "POST"}'
        head = b"POST /_mock/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        sock.sendall(head + b"Content-Length: %d\r\n\r\n" % len(body))
        for start in range(0, len(body), len(body) // 6 + 1):
            time.sleep(0.2)  # wall-clock ok: a fifth of a deadline between pieces (the pacing is under test)
            sock.sendall(body[start : start + len(body) // 6 + 1])
        assert _read_response(sock).startswith(b"HTTP/1.1 200")
