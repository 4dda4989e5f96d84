"""Webhooks on time (issue 14, goal 1): callbacks delivered while a sustained create load runs.

    .venv/bin/python bench/bench_webhooks.py [--seconds 10] [--rounds 3] [--concurrency 32]
        [--targets mock,bare] [--per-origin N]
    (WIREMOCK_JAR=/path/to/wiremock-standalone.jar adds wiremock; --targets mock,mock+bad for issue 13's
    bad-neighbour figure)

Each target answers ``POST /v2/accounts/{acc}/calls`` and sends one webhook per create to a receiver:

- ``mock``: ``mockserver serve --clock real`` with a scenario that ends at once (``initiated`` then ``busy``
  at 0 s, from ``--scenarios``) and Apifonica's ``events: "busy"``: one status event per call.
- ``mock-aiohttp``: the same, with deliveries sent by aiohttp's client (bench/aiohttp_transport.py).
- ``mock+bad``: the same server, with bad neighbours (issue 13, "a healthy receiver's callbacks arrive
  within their normal latency while another receiver is dead, slow or hostile"): before the load,
  ``NEIGHBOUR_CALLS`` calls each point at four bad receivers — one that accepts and never answers (each
  attempt runs to the mock's 10 s attempt timeout), one whose port refuses connections, one that answers
  500, one that closes every connection at once — so their deliveries are in flight, failing and being
  retried (Apifonica's 5 / 30 / 120 s) while the healthy receiver's load runs. Its rows report the healthy
  receiver's p99 against plain ``mock`` in the same round (goal: within 20 %) and how many of the bad
  receivers' deliveries ``GET /_mock/callbacks`` shows as queued / in flight / waiting / done.
- ``bare``: a bare Starlette app on the same uvicorn stack that answers 201 from a dict and posts the
  webhook with the project's StreamTransport: the ceiling of "create + one callback" on this stack.
- ``wiremock``: WireMock standalone (``java -jar $WIREMOCK_JAR``) with a stub that answers the create and
  a ``webhook`` serve-event listener that posts to the receiver (WireMock 3's built-in extension).

A load process keeps ``--concurrency`` keep-alive connections creating for ``--seconds`` (raw HTTP/1.1 on
asyncio streams, so the client costs little CPU); a receiver process answers 200 and notes when each
webhook arrived (CLOCK_MONOTONIC is system-wide on Linux, so times compare across processes). Per run:

- creates/s and callbacks/s over the same window (webhooks that arrived while the load ran);
- create→callback latency: arrival minus the moment the create's answer was read, p50/p99 over every
  create (and the p99 from the moment it was sent, which adds the create's own latency under load);
- lost: creates answered 2xx whose webhook never arrived (after a drain of up to 30 s); duplicates;
- unrecorded (mock only): webhooks the receiver got that GET /_mock/callbacks does not show as a 200.

Targets run interleaved (mock, bare, … then again) for ``--rounds``; min/median/max are printed.
Goals (mock): callbacks/s ≥ 0.95 x creates/s, p99 < 100 ms, 0 lost, 0 unrecorded; ≥ 2x WireMock's
callbacks/s when WireMock runs. Loopback only; every process is stopped at the end.
Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import console_script, wait_healthy, wiremock_jar  # a sibling script, not a package

from mockserver.server import free_port

SCENARIO = "instant"
SCENARIO_YAML = f"""name: {SCENARIO}
description: Ends at once (bench_webhooks.py), so each create causes one status event right away.
steps:
  - {{after: 0, state: initiated}}
  - {{after: 0, state: busy, cause: "callee busy"}}
"""
GOAL_RATIO = 0.95
GOAL_P99_MS = 100.0
GOAL_VS_WIREMOCK = 2.0
GOAL_BAD_NEIGHBOURS = 1.2  # healthy p99 with bad neighbours / without, in the same round
NEIGHBOUR_CALLS = 100  # calls pointed at each bad receiver before the load
BARE_PATH = "/v2/accounts/{acc}/calls"


# -- the receiver (its own process) --------------------------------------------------------------
def serve_receiver(port: int) -> None:
    asyncio.run(_receiver(port))


async def _receiver(port: int) -> None:
    """Answers every request 200; ``GET /dump`` answers {call id: [arrival times]}; ``POST /clear``."""
    arrivals: dict[str, list[float]] = {}
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                now = time.monotonic()
                lines = head.decode("latin-1").split("\r\n")
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                body = await reader.readexactly(length) if length else b""
                if lines[0].startswith("GET /dump"):
                    data = json.dumps(arrivals).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(data) + data)
                elif lines[0].startswith("POST /clear"):
                    arrivals.clear()
                    writer.write(ok)
                else:
                    sid = dict(parse_qsl(body.decode())).get("call_sid", "?")
                    arrivals.setdefault(sid, []).append(now)
                    writer.write(ok)
                await writer.drain()
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


def serve_bad(silent: int, failing: int, closing: int) -> None:
    asyncio.run(_bad(silent, failing, closing))


async def _bad(silent: int, failing: int, closing: int) -> None:
    """Three bad receivers: one reads and never answers, one answers 500, one closes at once."""
    held: list[asyncio.StreamWriter] = []
    error = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"

    async def never(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # kept open, never answered
        while await reader.read(65536):
            pass

    async def fail(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                for line in head.decode("latin-1").split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length" and int(value):
                        await reader.readexactly(int(value))
                writer.write(error)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    servers = [
        await asyncio.start_server(handler, "127.0.0.1", port, backlog=1024)
        for handler, port in ((never, silent), (fail, failing), (close, closing))
    ]
    await asyncio.gather(*(server.serve_forever() for server in servers))


@contextmanager
def bad_receivers() -> Iterator[dict[str, str]]:
    """{kind: base URL} of the bad receivers; ``refused`` is a port nothing listens on."""
    silent, failing, closing, refused = free_port(), free_port(), free_port(), free_port()
    process = multiprocessing.get_context("spawn").Process(
        target=serve_bad, args=(silent, failing, closing), daemon=True
    )
    process.start()
    try:
        wait_listening(failing)
        yield {
            kind: f"http://127.0.0.1:{port}"
            for kind, port in (
                ("silent", silent),
                ("refused", refused),
                ("500", failing),
                ("closing", closing),
            )
        }
    finally:
        stop(process)


@contextmanager
def receiver_process() -> Iterator[str]:
    port = free_port()
    process = multiprocessing.get_context("spawn").Process(target=serve_receiver, args=(port,), daemon=True)
    process.start()
    try:
        wait_healthy(port, process.is_alive, path="/dump")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def stop(process: Any) -> None:
    process.terminate()
    process.join(timeout=10)
    if process.is_alive():
        process.kill()
        process.join()


# -- the targets ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Load:
    """What the load process sends (plain data: it crosses to another process)."""

    port: int
    path: str
    headers: dict[str, str]
    body: str  # JSON with "{to}" where each create's own number goes


@dataclass
class Target:
    name: str
    load: Load
    recorded: Callable[[], int] | None = None  # 200 attempts the server itself recorded (mock only)
    neighbours: Callable[[], dict[str, int]] | None = None  # the bad receivers' deliveries by state


TO_ONLY = '{"to": "{to}"}'


@contextmanager
def mock_target(
    receiver: str, per_origin: int | None, transport: str, bad: dict[str, str] | None = None
) -> Iterator[Target]:
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, f"{SCENARIO}.yaml").write_text(SCENARIO_YAML)
        launcher = [console_script()]
        if transport == "aiohttp":
            launcher = [sys.executable, str(Path(__file__).with_name("aiohttp_transport.py"))]
        argv = [
            *launcher,
            "serve",
            "--clock",
            "real",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--scenarios",
            folder,
            # every call kept, so every delivery stays listed for "unrecorded" (with the default 10,000,
            # an evicted call takes its deliveries along and they read as unrecorded)
            "--max-calls",
            "0",
            *(["--callback-per-origin", str(per_origin)] if per_origin is not None else []),
        ]
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_healthy(port, lambda: process.poll() is None)
            base = f"http://127.0.0.1:{port}"
            [account] = httpx.get(f"{base}/_mock/credentials", timeout=10).json()["apifonica"]
            sid, token = account["account_sid"], account["auth_token"]
            basic = base64.b64encode(f"{sid}:{token}".encode()).decode()

            body = json.dumps(
                {"from": "442071234567", "to": "{to}", "controller": f"{receiver}/cb", "events": "busy"}
            )

            def recorded() -> int:
                rows = httpx.get(f"{base}/_mock/callbacks", timeout=300).json()["callbacks"]
                return sum(1 for row in rows for a in row["attempts"] if a.get("status") == 200)

            headers = {"Authorization": f"Basic {basic}", "X-Mock-Scenario": SCENARIO}
            name = "mock" if transport == "stream" else f"mock-{transport}"
            load = Load(port, f"/v2/accounts/{sid}/calls", headers, body)
            if bad is None:
                yield Target(name, load, recorded)
                return
            place_neighbours(base, f"/v2/accounts/{sid}/calls", headers, bad)

            def neighbours() -> dict[str, int]:
                rows = httpx.get(f"{base}/_mock/callbacks", timeout=300).json()["callbacks"]
                states: dict[str, int] = {}
                for row in rows:
                    if not row["url"].startswith(f"{receiver}/"):
                        states[row["state"]] = states.get(row["state"], 0) + 1
                return states

            yield Target("mock+bad", load, recorded, neighbours)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            assert process.stderr is not None
            errors = process.stderr.read().decode(errors="replace").strip()
            process.stderr.close()
            if errors and process.returncode not in (0, -15):
                print(f"  mock stderr (exit {process.returncode}):\n{errors[-2000:]}", file=sys.stderr)


def place_neighbours(base: str, path: str, headers: dict[str, str], bad: dict[str, str]) -> None:
    """``NEIGHBOUR_CALLS`` calls per bad receiver, placed before the load; waits until the silent
    receiver holds its attempts, so the load runs with them in flight."""
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for kind, url in bad.items():
            for n in range(NEIGHBOUR_CALLS):
                body = {
                    "from": "442071234567",
                    "to": f"19{n:09d}",
                    "controller": f"{url}/{kind}",
                    "events": "busy",
                }
                client.post(path, json=body).raise_for_status()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = client.get("/_mock/callbacks").json()["states"]
            if states["in_flight"] >= 1 and states["queued"] == 0:
                return
            time.sleep(0.05)  # wall-clock ok: waits for the server's dispatcher (another process)


def serve_bare(port: int, receiver: str) -> None:
    """Answers the create from a dict and posts one webhook with the project's StreamTransport."""
    import uuid

    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from mockserver.callbacks.transport import StreamTransport

    transport = StreamTransport(64)
    tasks: set[asyncio.Task[Any]] = set()
    url = f"{receiver}/cb"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    async def create(request: Request) -> Response:
        await request.body()
        sid = uuid.uuid4().hex
        body = f"call_sid={sid}&status=busy".encode()
        task = asyncio.create_task(transport.send("POST", url, (), headers, body, 10.0))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return JSONResponse({"uri": f"/v2/accounts/acc/calls/{sid}", "status": "queued"}, 201)

    app = Starlette(routes=[Route(BARE_PATH, create, methods=["POST"])])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", access_log=False)


@contextmanager
def bare_target(receiver: str) -> Iterator[Target]:
    port = free_port()
    process = multiprocessing.get_context("spawn").Process(
        target=serve_bare, args=(port, receiver), daemon=True
    )
    process.start()
    try:
        wait_listening(port)
        yield Target("bare", Load(port, "/v2/accounts/acc/calls", {}, TO_ONLY))
    finally:
        stop(process)


def wait_listening(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.02)  # wall-clock ok: waits for another process to bind its socket
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def wiremock_target(receiver: str, jar: str) -> Iterator[Target]:
    port = free_port()
    java = shutil.which("java") or "java"
    argv = [java, "-jar", jar, "--port", str(port), "--disable-banner", "--no-request-journal"]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_healthy(port, lambda: process.poll() is None, timeout=60, path="/__admin/mappings")
        stub = {
            "request": {"method": "POST", "urlPathPattern": "/v2/accounts/[^/]+/calls"},
            "response": {
                "status": 201,
                "headers": {"Content-Type": "application/json"},
                "body": '{"uri": "/v2/accounts/acc/calls/' + "{{jsonPath request.body '$.to'}}" + '"}',
                "transformers": ["response-template"],
            },
            "serveEventListeners": [
                {
                    "name": "webhook",
                    "parameters": {
                        "method": "POST",
                        "url": f"{receiver}/cb",
                        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
                        "body": "call_sid={{jsonPath originalRequest.body '$.to'}}&status=busy",
                    },
                }
            ],
        }
        response = httpx.post(f"http://127.0.0.1:{port}/__admin/mappings", json=stub, timeout=10)
        response.raise_for_status()
        yield Target("wiremock", Load(port, "/v2/accounts/acc/calls", {}, TO_ONLY))
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


# -- the load (its own process) ------------------------------------------------------------------
def load_child(load: Load, seconds: float, concurrency: int, out: Connection, lead: str = "1") -> None:
    out.send(asyncio.run(_load(load, seconds, concurrency, lead)))
    out.close()


async def _load(load: Load, seconds: float, concurrency: int, lead: str = "1") -> dict[str, Any]:
    """``lead``: the first digit of every number called (a warm-up's differ from the measured run's)."""
    head = f"POST {load.path} HTTP/1.1\r\nHost: 127.0.0.1:{load.port}\r\nContent-Type: application/json\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in load.headers.items())
    sent: dict[str, float] = {}
    answered: dict[str, float] = {}
    failures: list[str] = []
    started = time.monotonic()
    stop_at = started + seconds

    async def worker(number: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", load.port)
        n = 0
        try:
            while time.monotonic() < stop_at:
                n += 1
                body = load.body.replace("{to}", f"{lead}{number:02d}{n:08d}").encode()
                at = time.monotonic()
                writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
                status, text = await _response(reader)
                if 200 <= status < 300:
                    sid = json.loads(text)["uri"].rsplit("/", 1)[1]
                    sent[sid] = at
                    answered[sid] = time.monotonic()
                else:
                    failures.append(f"{status} {text[:200]!r}")
        finally:
            writer.close()

    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return {
        "sent": sent,
        "answered": answered,
        "failures": failures,
        "started": started,
        "ended": time.monotonic(),
    }


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    length = 0
    chunked = False
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
        elif name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if not chunked:
        return int(head[9:12]), await reader.readexactly(length)
    parts = []
    while (size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)) != 0:
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
    await reader.readuntil(b"\r\n")
    return int(head[9:12]), b"".join(parts)


# -- one run -------------------------------------------------------------------------------------
@dataclass
class Run:
    target: str
    creates_per_s: float
    callbacks_per_s: float
    p50_ms: float
    p99_ms: float
    p99_from_send_ms: float
    lost: int
    duplicates: int
    unrecorded: int | None
    problems: list[str] = field(default_factory=list)
    neighbours: dict[str, int] | None = None  # mock+bad: the bad receivers' deliveries by state

    @property
    def ratio(self) -> float:
        return self.callbacks_per_s / self.creates_per_s if self.creates_per_s else 0.0


def run_load(target: Target, seconds: float, concurrency: int, lead: str) -> dict[str, Any]:
    parent, child = multiprocessing.get_context("spawn").Pipe(duplex=False)
    process = multiprocessing.get_context("spawn").Process(
        target=load_child, args=(target.load, seconds, concurrency, child, lead), daemon=True
    )
    process.start()
    child.close()
    if not parent.poll(seconds + 120):
        stop(process)
        raise RuntimeError(f"{target.name}: the load did not finish")
    result: dict[str, Any] = parent.recv()
    process.join(timeout=10)
    return result


def one_run(target: Target, receiver: str, seconds: float, concurrency: int, warmup: float = 0.0) -> Run:
    recorded_before = 0
    if warmup > 0:  # the same load, unmeasured: a JVM's JIT, connection pools and caches warm up
        warm = run_load(target, warmup, concurrency, lead="2")
        drain(receiver, set(warm["sent"]), timeout=30)
        recorded_before = target.recorded() if target.recorded is not None else 0
    httpx.post(f"{receiver}/clear", timeout=10)
    result = run_load(target, seconds, concurrency, lead="1")
    sent: dict[str, float] = result["sent"]
    window = result["ended"] - result["started"]
    arrivals = drain(receiver, set(sent), timeout=30)
    during = sum(1 for times in arrivals.values() for t in times if t <= result["ended"])
    answered: dict[str, float] = result["answered"]
    # from the create's answer (what a client sees: "201, then how long until my webhook"); negative when
    # the webhook beat the answer. From the moment the create was sent, for the p99 including the create.
    latencies = sorted((min(arrivals[sid]) - at) * 1000 for sid, at in answered.items() if sid in arrivals)
    from_send = sorted((min(arrivals[sid]) - at) * 1000 for sid, at in sent.items() if sid in arrivals)
    lost = sum(1 for sid in sent if sid not in arrivals)
    duplicates = sum(len(times) - 1 for times in arrivals.values())
    stray = sum(len(times) for sid, times in arrivals.items() if sid not in sent)
    received = sum(len(times) for times in arrivals.values())
    unrecorded = None if target.recorded is None else received - (target.recorded() - recorded_before)
    problems = (
        [f"{len(result['failures'])} creates failed, e.g. {result['failures'][0]}"]
        if result["failures"]
        else []
    )
    if lost or duplicates or stray or unrecorded:
        problems.append(f"lost {lost}, duplicates {duplicates}, stray {stray}, unrecorded {unrecorded}")
    neighbours = None if target.neighbours is None else target.neighbours()
    if neighbours is not None and sum(neighbours.values()) < 4 * NEIGHBOUR_CALLS:
        problems.append(f"the bad receivers' deliveries are not all listed: {neighbours}")
    return Run(
        target=target.name,
        creates_per_s=len(sent) / window,
        callbacks_per_s=during / window,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        p99_from_send_ms=percentile(from_send, 99),
        lost=lost,
        duplicates=duplicates,
        unrecorded=unrecorded,
        problems=problems,
        neighbours=neighbours,
    )


def drain(receiver: str, expected: set[str], timeout: float) -> dict[str, list[float]]:
    """The receiver's arrivals once every expected webhook is in (or the time is up)."""
    deadline = time.monotonic() + timeout
    while True:
        arrivals: dict[str, list[float]] = httpx.get(f"{receiver}/dump", timeout=60).json()
        if expected <= arrivals.keys() or time.monotonic() > deadline:
            return arrivals
        time.sleep(0.2)  # wall-clock ok: waits for deliveries in flight in other processes


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(len(values) * pct / 100))]


# -- the suite -----------------------------------------------------------------------------------
def targets_for(names: list[str], receiver: str, per_origin: int | None) -> dict[str, Callable[[], Any]]:
    makers: dict[str, Callable[[], Any]] = {
        "mock": lambda: mock_target(receiver, per_origin, "stream"),
        "mock-aiohttp": lambda: mock_target(receiver, per_origin, "aiohttp"),
        "bare": lambda: bare_target(receiver),
        "mock+bad": lambda: bad_mock_target(receiver, per_origin),
    }
    jar = wiremock_jar()
    if jar:
        makers["wiremock"] = lambda: wiremock_target(receiver, jar)
    return {name: makers[name] for name in names if name in makers}


@contextmanager
def bad_mock_target(receiver: str, per_origin: int | None) -> Iterator[Target]:
    with bad_receivers() as bad, mock_target(receiver, per_origin, "stream", bad) as target:
        yield target


def run_suite(
    rounds: int,
    seconds: float,
    concurrency: int,
    names: list[str],
    per_origin: int | None,
    warmup: float = 0.0,
) -> list[Run]:
    runs: list[Run] = []
    with receiver_process() as receiver:
        makers = targets_for(names, receiver, per_origin)
        for number in range(1, rounds + 1):
            for maker in makers.values():  # interleaved: the machine's drift hits every target alike
                with maker() as target:
                    run = one_run(target, receiver, seconds, concurrency, warmup)
                runs.append(run)
                print(
                    f"  round {number} {run.target:<13} creates {run.creates_per_s:7.0f}/s"
                    f"  callbacks {run.callbacks_per_s:7.0f}/s ({run.ratio:4.2f}x)"
                    f"  p50 {run.p50_ms:7.1f} ms  p99 {run.p99_ms:7.1f} ms (sent {run.p99_from_send_ms:6.1f})"
                    f"  lost {run.lost}  unrecorded {run.unrecorded}"
                    + ("" if run.neighbours is None else f"  bad receivers' deliveries {run.neighbours}")
                    + ("" if not run.problems else "  ! " + "; ".join(run.problems)),
                    flush=True,
                )
    return runs


def spread(values: list[float], digits: int = 0) -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{mid:,.{digits}f} (min {low:,.{digits}f}, max {high:,.{digits}f})"


def ratios(runs: list[Run]) -> list[tuple[str, str]]:
    """Rows of the side-by-side table: each target's figures, then the mock's ratios and goals."""
    by: dict[str, list[Run]] = {}
    for run in runs:
        by.setdefault(run.target, []).append(run)
    rows: list[tuple[str, str]] = []
    for name, own in by.items():
        rows.append((f"{name}: creates/s", spread([r.creates_per_s for r in own])))
        rows.append((f"{name}: callbacks/s during the load", spread([r.callbacks_per_s for r in own])))
        rows.append((f"{name}: callbacks / creates", spread([r.ratio for r in own], 2)))
        rows.append((f"{name}: create answered→callback p99 ms", spread([r.p99_ms for r in own], 1)))
        rows.append((f"{name}: create sent→callback p99 ms", spread([r.p99_from_send_ms for r in own], 1)))
        rows.append((f"{name}: lost / unrecorded", "  ".join(f"{r.lost}/{r.unrecorded}" for r in own)))
    mock = by.get("mock", [])
    if mock and "mock+bad" in by:
        pairs = list(zip(by["mock+bad"], mock, strict=False))
        rows.append(("mock+bad / mock: callback p99", spread([b.p99_ms / m.p99_ms for b, m in pairs], 2)))
        ratio = statistics.median(b.p99_ms / m.p99_ms for b, m in pairs)
        rows.append(
            (
                f"goal healthy p99 with bad neighbours ≤ {GOAL_BAD_NEIGHBOURS}x",
                verdict(ratio <= GOAL_BAD_NEIGHBOURS),
            )
        )
        rows.append(
            ("mock+bad: every bad delivery listed", verdict(all(not b.problems for b in by["mock+bad"])))
        )
    for peer in ("bare", "wiremock", "mock-aiohttp"):
        if mock and peer in by:
            pairs = list(zip(mock, by[peer], strict=False))
            rows.append(
                (
                    f"mock / {peer}: creates/s",
                    spread([m.creates_per_s / p.creates_per_s for m, p in pairs], 2),
                )
            )
            rows.append(
                (
                    f"mock / {peer}: callbacks/s",
                    spread([m.callbacks_per_s / p.callbacks_per_s for m, p in pairs], 2),
                )
            )
    if mock:
        rows.append(
            (
                f"goal callbacks/creates ≥ {GOAL_RATIO}",
                verdict(statistics.median(r.ratio for r in mock) >= GOAL_RATIO),
            )
        )
        rows.append(
            (
                f"goal p99 < {GOAL_P99_MS:.0f} ms",
                verdict(statistics.median(r.p99_ms for r in mock) < GOAL_P99_MS),
            )
        )
        rows.append(
            ("goal 0 lost, 0 unrecorded", verdict(all(r.lost == 0 and not r.unrecorded for r in mock)))
        )
        if "wiremock" in by:
            pairs = list(zip(mock, by["wiremock"], strict=False))
            ok = (
                statistics.median(m.callbacks_per_s / w.callbacks_per_s for m, w in pairs) >= GOAL_VS_WIREMOCK
            )
            rows.append((f"goal callbacks/s ≥ {GOAL_VS_WIREMOCK:.0f}x WireMock", verdict(ok)))
    return rows


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of create load per run")
    parser.add_argument(
        "--warmup",
        type=float,
        default=3.0,
        help="unmeasured seconds of the same load before each run (WireMock's JIT warms up in them)",
    )
    parser.add_argument("--concurrency", type=int, default=32, help="client connections creating")
    parser.add_argument(
        "--per-origin", type=int, default=None, help="the mock's --callback-per-origin (default: its own)"
    )
    parser.add_argument(
        "--targets",
        default="mock,bare,wiremock",
        help="comma-separated: mock, mock+bad, mock-aiohttp, bare, wiremock (wiremock: WIREMOCK_JAR only)",
    )


def suite(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The entry point bench/run.py calls: run, then the table rows."""
    print(
        f"webhooks: c{args.concurrency} creates for {args.seconds:g} s per run after {args.warmup:g} s of "
        f"warm-up, {args.rounds} round(s), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus",
        flush=True,
    )
    names = [n.strip() for n in args.targets.split(",") if n.strip()]
    runs = run_suite(args.rounds, args.seconds, args.concurrency, names, args.per_origin, args.warmup)
    return ratios(runs)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    add_arguments(parser)
    args = parser.parse_args()
    rows = suite(args)
    width = max(len(name) for name, _ in rows)
    print("\nwebhooks: median (min, max)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    return 0 if all("MISSED" not in value for _, value in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
