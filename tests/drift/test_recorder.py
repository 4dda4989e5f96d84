"""The recorder is a faithful, streaming proxy: the client gets the upstream's answer unchanged."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from mockserver.drift import cassette
from mockserver.drift.recorder import Recorder, write_header
from mockserver.drift.redact import Redactor
from mockserver.drift.upstreams import Upstream
from mockserver.server import free_port
from mockserver.testing.receiver import CallbackReceiver
from tests.drift.conftest import ThreadServer

BIG = 3 * 1024 * 1024  # larger than what a cassette keeps of one body


async def big(request: Request) -> Response:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(BIG // 65536):
            yield b"x" * 65536

    return StreamingResponse(chunks(), media_type="application/octet-stream")


async def echo(request: Request) -> Response:
    body = await request.body()
    return Response(
        json.dumps({"got": len(body), "query": request.url.query}),
        status_code=418,
        media_type="application/json; charset=utf-8",
        headers={"x-upstream": "yes"},
    )


@contextlib.contextmanager
def recording(tmp_path: Path, upstream: str) -> Iterator[tuple[Recorder, Path]]:
    out = tmp_path / "c.jsonl"
    target = Upstream(upstream, "")
    with out.open("w", encoding="utf-8") as handle:
        write_header(handle, "apifonica", target, Redactor())
        yield Recorder("apifonica", target, handle), out


def test_answers_pass_through_unchanged_and_bodies_stream_past_the_cassette_limit(tmp_path: Path) -> None:
    upstream_app = Starlette(routes=[Route("/big", big), Route("/echo", echo, methods=["POST"])])
    with (
        ThreadServer(upstream_app) as upstream,
        recording(tmp_path, upstream.url) as (recorder, out),
        ThreadServer(recorder.app()) as proxy,
    ):
        direct = httpx.post(upstream.url + "/echo?a=1", content=b"y" * BIG)
        proxied = httpx.post(proxy.url + "/apifonica/echo?a=1", content=b"y" * BIG)
        downloaded = httpx.get(proxy.url + "/big")

    assert (proxied.status_code, proxied.content) == (direct.status_code, direct.content)
    assert proxied.headers["content-type"] == direct.headers["content-type"]
    assert proxied.headers["x-upstream"] == "yes"
    assert len(downloaded.content) == BIG
    _, exchanges = cassette.read(out)
    echo_line, big_line = exchanges
    assert echo_line.request.path == "/echo"
    assert echo_line.request.query == "a=1"
    assert echo_line.request.truncated
    assert len(echo_line.request.body) == cassette.BODY_LIMIT
    assert echo_line.response.body == direct.content
    assert echo_line.response.status == 418
    assert big_line.response.truncated
    assert len(big_line.response.body) == cassette.BODY_LIMIT


def test_the_relay_records_a_get_callback_and_forwards_its_fields(tmp_path: Path) -> None:
    with (
        ThreadServer(Starlette()) as upstream,
        CallbackReceiver() as receiver,
        recording(tmp_path, upstream.url) as (recorder, out),
        ThreadServer(recorder.app()) as proxy,
    ):
        relayed = httpx.get(f"{proxy.url}/_relay?to={quote(receiver.url('/hook'), safe='')}&call_sid=c1")
        refused = httpx.get(f"{proxy.url}/_relay")

    assert relayed.status_code == 200
    assert refused.status_code == 400
    (got,) = receiver.requests("/hook")
    assert got.query == {"call_sid": "c1"}
    (line,) = cassette.read(out)[1]
    assert (line.kind, line.target, line.request.query) == ("callback", receiver.url("/hook"), "call_sid=c1")


def test_an_unreachable_upstream_is_a_502_and_still_recorded(tmp_path: Path) -> None:
    unreachable = "http://127.0.0.1:9"  # the discard port: nothing listens
    with recording(tmp_path, unreachable) as (recorder, out), ThreadServer(recorder.app()) as proxy:
        answer = httpx.get(proxy.url + "/v2/accounts")

    assert answer.status_code == 502
    assert cassette.read(out)[1][0].response.status == 502


def test_the_record_command_records_until_interrupted(tmp_path: Path) -> None:
    out = tmp_path / "session.jsonl"
    port = free_port()
    upstream_app = Starlette(routes=[Route("/echo", echo, methods=["POST"])])
    with ThreadServer(upstream_app) as upstream:
        command = [
            sys.executable,
            "-m",
            "mockserver",
            "record",
            "--provider",
            "dillo",
            "--upstream",
            upstream.url,
        ]
        process = subprocess.Popen(
            [*command, "--port", str(port), "--out", str(out)], stderr=subprocess.PIPE, text=True
        )
        try:
            answer = _when_listening(f"http://127.0.0.1:{port}/echo", content=b"hi", headers={"ApiKey": "k1"})
        finally:
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=20)

    assert answer.status_code == 418
    assert "1 exchange(s) recorded" in stderr
    header, (exchange,) = cassette.read(out)
    assert (header.provider, header.upstream) == ("dillo", upstream.url)
    assert exchange.request.header("ApiKey") == "REDACTED"


def _when_listening(url: str, **kwargs: object) -> httpx.Response:
    deadline = time.monotonic() + 20
    while True:
        try:
            return httpx.post(url, **kwargs)  # type: ignore[arg-type]
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)  # wall-clock ok: waiting for a child process to bind its port
