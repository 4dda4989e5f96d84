"""A real ``mockserver serve`` process in tests: wait for its banner, stop it."""

from __future__ import annotations

import os
import selectors
import subprocess
import time


def read_banner(process: subprocess.Popen[bytes], timeout: float = 20.0) -> str:
    """Everything the process prints up to the banner's last line (the control API URL)."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    out = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not (b"control API:" in out and out.endswith(b"\n")):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise AssertionError(f"no banner within {timeout} s: {out!r}")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise AssertionError(f"exited ({process.wait()}) before its banner: {out!r}")
            out += chunk
    return out.decode()


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
