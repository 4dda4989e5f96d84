"""Real processes in tests: a ``mockserver serve`` (wait for its banner, stop it), a fresh interpreter."""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time


def fresh_python(code: str, timeout: float = 60.0) -> list[str]:
    """The lines a fresh interpreter prints running ``code`` (which must succeed): for what start-up
    loads, which the test's own interpreter has long loaded."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


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
