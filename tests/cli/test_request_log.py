"""The console's request log, read from a real ``mockserver serve`` process on a free port."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mockserver.server import free_port
from tests.processes import read_banner, stop

CONSOLE_SCRIPT = Path(sys.executable).parent / "mockserver"


@contextlib.contextmanager
def serving(tmp_path: Path, *flags: str) -> Iterator[tuple[httpx.Client, Path, str]]:
    port = free_port()
    log = tmp_path / "stderr.log"
    with (
        log.open("wb") as err,
        subprocess.Popen(
            [str(CONSOLE_SCRIPT), "serve", "--port", str(port), "--clock", "virtual", *flags],
            env={k: v for k, v in os.environ.items() if not k.startswith("MOCKSERVER_")},
            stdout=subprocess.PIPE,
            stderr=err,
        ) as process,
    ):
        try:
            read_banner(process)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
                yield http, log, f"http://127.0.0.1:{port}"
        finally:
            stop(process)


def place_call(http: httpx.Client, base: str) -> str:
    """An Apifonica call whose controller is the server's own sink; returns (account, the call's uri)."""
    [account] = http.get("/_mock/credentials").json()["apifonica"]
    acc, auth = account["account_sid"], (account["account_sid"], account["auth_token"])
    app = http.post(
        f"/v2/accounts/{acc}/applications",
        json={"controller": f"{base}/_mock/sink/ctl", "method": "POST"},
        auth=auth,
    ).json()["uri"]
    body = {"from": "442071234567", "to": "15550000009", "call_app_sid": app.rsplit("/", 1)[1]}
    call = http.post(f"/v2/accounts/{acc}/calls", json=body, auth=auth)
    assert call.status_code == 201, call.text
    uri = call.json()["uri"]
    assert http.get(uri, auth=auth).status_code == 200
    assert http.get(f"/v2/accounts/{acc}/calls/nope", auth=auth).status_code == 404
    return str(uri)


def wait_for(log: Path, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while text not in (content := log.read_text()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not logged within {timeout} s:\n{content}")
        time.sleep(0.05)  # wall-clock ok: waiting on a condition (a line in a file), with a timeout
    return content


def test_each_provider_request_and_callback_gets_one_line(tmp_path: Path) -> None:
    with serving(tmp_path) as (http, log, base):
        uri = place_call(http, base)
        call_id = http.get("/_mock/calls").json()["calls"][0]["id"]
        assert http.post("/_mock/clock/advance", json={"seconds": 60}).status_code == 200
        content = wait_for(log, " callback ")
    lines = [line for line in content.splitlines() if line.startswith("2026-")]
    requests = [line for line in lines if " callback " not in line]
    assert len(requests) == 4, content  # the application, the call, its GET and the unknown id
    created = next(line for line in requests if " POST /v2/accounts/" in line and "/calls " in line)
    assert created.startswith("2026-01-01T09:00:00.000Z apifonica POST ")
    assert " 201 " in created
    assert created.endswith(f"call={call_id}")
    [read] = [line for line in requests if f" GET {uri} 200 " in line]
    assert read.endswith(f"call={call_id}")
    assert "ms call=" in read
    [unknown] = [line for line in requests if "/calls/nope 404 " in line]
    assert "call=" not in unknown
    assert "/_mock/" not in "\n".join(requests)  # the control API is logged at debug only
    callback = next(line for line in lines if " callback " in line)
    assert f"apifonica callback POST {base}/_mock/sink/ctl 200 " in callback
    assert callback.endswith(f"call={call_id} #1")


@pytest.mark.parametrize("flag", ["-q", "--no-request-log"])
def test_the_request_log_can_be_quieted(tmp_path: Path, flag: str) -> None:
    with serving(tmp_path, flag) as (http, log, base):
        place_call(http, base)
        assert http.post("/_mock/clock/advance", json={"seconds": 60}).status_code == 200
        wait_for(log, "Application startup complete")
    assert "apifonica" not in log.read_text()


def test_debug_logs_control_requests_but_not_fakers_locale_chatter(tmp_path: Path) -> None:
    with serving(tmp_path, "--log-level", "debug") as (http, log, _base):
        http.get("/_mock/health")
        content = wait_for(log, " GET /_mock/health 200 ")
    assert "locale" not in content.lower()
    assert "faker" not in content.lower()
