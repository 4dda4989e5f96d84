"""Reads (issue 14, goal 2): every provider's status read, the mock against a bare app on the same stack.

    .venv/bin/python bench/bench_reads.py [--seconds 3] [--rounds 3] [--concurrency 8] [--providers ...]
    (WIREMOCK_JAR=/path/to/wiremock-standalone.jar adds WireMock's static stub of the same reads)

The mock (``mockserver serve --clock virtual``) gets one call per provider, placed the way a client does
(tests/providers/*/driver.py); then, per provider, the status read a client polls with:

- apifonica ``GET /v2/accounts/{sid}/calls/{call}`` (Basic auth),
- dillo ``GET /api/sendaction/voice/{id}`` (ApiKey + CustomerCode headers),
- routee ``GET /voice/tracking/conversation/{trackingId}`` (Bearer token),
- esendex ``GET /notifyws/phonenotify.asmx/GetQueueIDStatus?QueueID=`` (SOAP-less HTTP GET binding),
- callr ``POST /json-rpc/v1.1/`` ``calls.get_status_1`` (Basic auth, JSON-RPC).

The **bare** peer is a Starlette app served by the *same* uvicorn options as the mock (its guarded
httptools protocol from ``mockserver.security.connections.server_options``, uvloop when installed), in its
own process, answering each of those requests with the mock's own reply bytes and content type from a
dict: the ceiling of what the server stack allows. **WireMock** (only with ``WIREMOCK_JAR``) gets one
static stub per read with the same body. A load process keeps ``--concurrency`` keep-alive connections
sending the same request bytes to each target in turn (raw HTTP/1.1 on asyncio streams).

Goal: mock ≥ 0.9 x bare for every provider; ≥ 0.5 x WireMock when it runs. Loopback only; every process
is stopped at the end. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import console_script, wait_healthy, wiremock_jar  # a sibling script, not a package

from mockserver.server import free_port

PROVIDERS = ("apifonica", "dillo", "routee", "esendex", "callr")
GOAL_VS_BARE = 0.9
GOAL_VS_WIREMOCK = 0.5


@dataclass(frozen=True)
class Read:
    """One provider's status read and what the mock answered (plain data: it crosses processes)."""

    provider: str
    method: str
    path: str  # with the query
    headers: dict[str, str]
    body: bytes
    status: int
    content_type: str
    reply: bytes

    def request_bytes(self, port: int) -> bytes:
        head = f"{self.method} {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in self.headers.items())
        if self.body:
            head += f"Content-Length: {len(self.body)}\r\n"
        return (head + "\r\n").encode() + self.body


# -- placing one call per provider (as tests/providers/*/driver.py do) ----------------------------
def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def place_calls(base: str) -> dict[str, Read]:
    reads: dict[str, Read] = {}
    with httpx.Client(base_url=base, timeout=10) as http:
        creds = http.get("/_mock/credentials").json()

        def read(provider: str, method: str, path: str, headers: dict[str, str], body: bytes = b"") -> None:
            shown = http.request(method, path, headers=headers, content=body or None)
            if shown.status_code != 200:
                raise RuntimeError(f"{provider} read failed: {shown.status_code} {shown.text}")
            kind = shown.headers.get("content-type", "application/octet-stream")
            reads[provider] = Read(provider, method, path, headers, body, 200, kind, shown.content)

        a = creds["apifonica"][0]
        auth = {"Authorization": basic(a["account_sid"], a["auth_token"])}
        created = http.post(
            f"/v2/accounts/{a['account_sid']}/calls",
            headers=auth,
            json={"from": "442071234567", "to": "15550000007", "controller": "http://127.0.0.1:9/ctl"},
        )
        read("apifonica", "GET", created.json()["uri"], auth)

        d = creds["dillo"][0]
        auth = {"ApiKey": d["ApiKey"], "CustomerCode": d["CustomerCode"]}
        hold = {
            "ChannelBehaviorNodes": {
                "0": {"ActionType": "Silence", "ChannelBehaviorAction": {"Duration": 3600}}
            }
        }
        payload = {"Sender": "+393391003110", "TelephoneNumber": "+15550000007", "ChannelBehavior": hold}
        created = http.post(
            "/api/sendaction",
            headers=auth,
            json={"SendActionType": "Voice", "MessagePayload": json.dumps(payload)},
        )
        read("dillo", "GET", f"/api/sendaction/voice/{created.json()['id']}", auth)

        r = creds["routee"][0]
        token = http.post(
            "/oauth/token",
            auth=(r["applicationId"], r["applicationSecret"]),
            data={"grant_type": "client_credentials"},
        ).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        body = {
            "from": "+306940000000",
            "to": {"phone": "+15550000007"},
            "dialPlan": {"verbs": [{"type": "PAUSE", "duration": 3600}]},
        }
        created = http.post("/voice/conversation", headers=auth, json=body)
        read("routee", "GET", f"/voice/tracking/conversation/{created.json()['trackingId']}", auth)

        key = creds["esendex"][0]["license_key"]
        service = "/notifyws/phonenotify.asmx"
        created = http.post(
            f"{service}/NotifyPhoneBasic",
            data={
                "LicenseKey": key,
                "PhoneNumberToDial": "5550000007",
                "TextToSay": r"~\PlaySilence(600)~",
                "VoiceID": "0",
                "CallerID": "7575550000",
                "CallerIDname": "",
            },
        )
        queue_id = created.text.split("<QueueID>")[1].split("<")[0]
        read("esendex", "GET", f"{service}/GetQueueIDStatus?QueueID={queue_id}", {})

        c = creds["callr"][0]
        auth = {"Authorization": basic(c["login"], c["password"]), "Content-Type": "application/json"}

        def rpc(method: str, *params: Any) -> Any:
            body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
            return http.post("/json-rpc/v1.1/", headers=auth, json=body).json()["result"]

        http.put(
            "/_mock/sink/bench-reads/reply",
            json={
                "body": json.dumps(
                    {"command": "wait", "command_id": 1, "params": {"wait": 30}, "variables": {}}
                )
            },
        )
        app = rpc("apps.create", "REALTIME10", "bench", {"url": f"{base}/_mock/sink/bench-reads"})["hash"]
        ref = rpc("calls.realtime", app, {"number": "+15550000007", "timeout": 30}, None)
        status = {"jsonrpc": "2.0", "id": 1, "method": "calls.get_status_1", "params": [ref]}
        read("callr", "POST", "/json-rpc/v1.1/", auth, json.dumps(status).encode())
        # Answered (the long-call scenario): a read a client polls while the call is up.
        http.post("/_mock/clock/advance", json={"seconds": 30})
    # Read again after the advance: the bodies the load will see.
    with httpx.Client(base_url=base, timeout=10) as http:
        for provider, old in list(reads.items()):
            shown = http.request(old.method, old.path, headers=old.headers, content=old.body or None)
            reads[provider] = Read(**{**old.__dict__, "reply": shown.content})
    return reads


# -- the peers ------------------------------------------------------------------------------------
def serve_bare(port: int, reads: list[Read]) -> None:
    """The ceiling: the same requests answered with the mock's bytes, on the mock's uvicorn options."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from mockserver.security.connections import server_options

    by_path = {r.path.split("?")[0]: r for r in reads}

    async def answer(request: Request) -> Response:
        found = by_path[request.url.path]
        if found.body:
            await request.body()
        return Response(found.reply, status_code=found.status, media_type=found.content_type)

    routes = [Route(path, answer, methods=[r.method]) for path, r in by_path.items()]
    app = Starlette(routes=routes)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        access_log=False,
        **server_options(10.0, None),
    )


@contextmanager
def bare_process(port: int, reads: list[Read]) -> Iterator[int]:
    """Runs the bare app; yields its pid (for its CPU time)."""
    process = multiprocessing.get_context("spawn").Process(target=serve_bare, args=(port, reads))
    process.start()
    try:
        wait_healthy(port, process.is_alive, path=reads[0].path) if reads[0].method == "GET" else wait_port(
            port
        )
        assert process.pid is not None
        yield process.pid
    finally:
        process.terminate()
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()


def wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.02)  # wall-clock ok: waits for another process to bind its socket
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def wiremock_process(port: int, jar: str, reads: list[Read]) -> Iterator[None]:
    with tempfile.TemporaryDirectory() as root:
        process = subprocess.Popen(
            [
                "java",
                "-jar",
                jar,
                "--port",
                str(port),
                "--root-dir",
                root,
                "--disable-banner",
                "--no-request-journal",
                "--async-response-enabled=false",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_port(port, timeout=60)
            for r in reads:
                stub = {
                    "request": {"method": r.method, "url": r.path},
                    "response": {
                        "status": r.status,
                        "body": r.reply.decode(),
                        # as the mock and the bare app frame it (WireMock would otherwise send it chunked)
                        "headers": {"Content-Type": r.content_type, "Content-Length": str(len(r.reply))},
                    },
                }
                httpx.post(
                    f"http://127.0.0.1:{port}/__admin/mappings", json=stub, timeout=10
                ).raise_for_status()
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- the load -------------------------------------------------------------------------------------
def load_child(
    port: int, request: bytes, seconds: float, warmup: float, concurrency: int, out: Connection
) -> None:
    out.send(asyncio.run(_load(port, request, seconds, warmup, concurrency)))
    out.close()


async def _load(
    port: int, request: bytes, seconds: float, warmup: float, concurrency: int
) -> tuple[int, int, float, int]:
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + seconds
    counts = [0, 0, 0]  # measured 200s, measured others, every answer (warm-up included)

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (now := time.monotonic()) < stop_at:
                writer.write(request)
                status = await _response(reader)
                counts[2] += 1
                if now >= measure_from:
                    counts[0 if status == 200 else 1] += 1
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return counts[0], counts[1], seconds, counts[2]


async def _response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lower = head.lower()
    at = lower.find(b"\r\ncontent-length:")
    if at < 0:
        raise ConnectionError("a response without Content-Length")
    end = lower.find(b"\r\n", at + 2)
    await reader.readexactly(int(lower[at + 17 : end]))
    return int(head[9:12])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_load(
    port: int, request: bytes, args: argparse.Namespace, pid: int | None = None
) -> tuple[float, float]:
    """Requests per second over the measured seconds, and (with the server's ``pid``) the server's CPU
    microseconds per answered request over the whole run, warm-up included (NaN without a pid).

    The second figure is what the server itself spends on a read; on a shared VM it drifts far less
    than req/s, which also moves with the CPU time the host grants the server and the load process."""
    cpu_before = cpu_seconds(pid) if pid is not None else 0.0
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=load_child, args=(port, request, args.seconds, args.warmup, args.concurrency, sender)
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(args.warmup + args.seconds + 60):
            raise RuntimeError("the load generator did not report")
        ok, errors, seconds, answered = receiver.recv()
        cpu = cpu_seconds(pid) - cpu_before if pid is not None else float("nan")
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
    if errors:
        raise RuntimeError(f"{errors} non-200 answers from port {port}")
    return float(ok / seconds), cpu / max(answered, 1) * 1e6


# -- the suite ------------------------------------------------------------------------------------
def spread(values: list[float], digits: int = 0) -> str:
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{mid:,.{digits}f} (min {low:,.{digits}f}, max {high:,.{digits}f})"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=3.0, help="measured seconds per load run")
    parser.add_argument("--warmup", type=float, default=0.5, help="unmeasured seconds before each run")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections")
    parser.add_argument(
        "--providers", default=",".join(PROVIDERS), help="comma-separated providers whose read is loaded"
    )


def suite(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The entry point bench/run.py calls: run, then the table rows."""
    providers = [p.strip() for p in args.providers.split(",") if p.strip()]
    jar = wiremock_jar()
    print(
        f"reads: c{args.concurrency}, {args.seconds:g} s per run, {args.rounds} round(s), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus"
        + ("" if jar else "; WireMock not measured (no WIREMOCK_JAR)"),
        flush=True,
    )
    mock_port, bare_port, wm_port = free_port(), free_port(), free_port()
    argv = [
        console_script(),
        "serve",
        "--port",
        str(mock_port),
        "--clock",
        "virtual",
        "--log-level",
        "warning",
    ]
    mock = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rps: dict[tuple[str, str], list[float]] = {}
    cpu_us: dict[tuple[str, str], list[float]] = {}  # server CPU µs per request: mock and bare only
    try:
        wait_healthy(mock_port, lambda: mock.poll() is None)
        reads = place_calls(f"http://127.0.0.1:{mock_port}")
        chosen = [reads[p] for p in providers]
        with (
            bare_process(bare_port, chosen) as bare_pid,
            wiremock_process(wm_port, jar, chosen) if jar else _nothing(),
        ):
            targets = {"mock": mock_port, "bare": bare_port, **({"wiremock": wm_port} if jar else {})}
            pids = {"mock": mock.pid, "bare": bare_pid}  # WireMock's JVM threads are not comparable
            for round_ in range(1, args.rounds + 1):
                for read in chosen:
                    line = []
                    for name, port in targets.items():
                        value, per_request = run_load(port, read.request_bytes(port), args, pids.get(name))
                        rps.setdefault((read.provider, name), []).append(value)
                        line.append(f"{name} {value:7.0f}")
                        if name in pids:
                            cpu_us.setdefault((read.provider, name), []).append(per_request)
                            line[-1] += f" ({per_request:4.0f} µs)"
                    print(
                        f"  round {round_} {read.provider:<10} "
                        + "   ".join(line)
                        + " req/s (server CPU a request)",
                        flush=True,
                    )
    finally:
        mock.terminate()
        mock.wait(timeout=10)
    rows: list[tuple[str, str]] = []
    met = True
    for read in chosen:
        p = read.provider
        for name in targets:
            rows.append((f"{p}: {name} req/s", spread(rps[(p, name)])))
        to_bare = [m / b for m, b in zip(rps[(p, "mock")], rps[(p, "bare")], strict=True)]
        rows.append((f"{p}: mock / bare", spread(to_bare, 2)))
        met_bare = statistics.median(to_bare) >= GOAL_VS_BARE
        rows.append((f"{p}: goal mock ≥ {GOAL_VS_BARE} x bare", verdict(met_bare)))
        met = met and met_bare
        for name in ("mock", "bare"):
            rows.append((f"{p}: {name} server CPU µs a request", spread(cpu_us[(p, name)])))
        efficiency = [b / m for m, b in zip(cpu_us[(p, "mock")], cpu_us[(p, "bare")], strict=True)]
        rows.append((f"{p}: bare CPU / mock CPU a request", spread(efficiency, 2)))
        if jar:
            to_wm = [m / w for m, w in zip(rps[(p, "mock")], rps[(p, "wiremock")], strict=True)]
            rows.append((f"{p}: mock / wiremock", spread(to_wm, 2)))
            rows.append(
                (
                    f"{p}: goal mock ≥ {GOAL_VS_WIREMOCK} x WireMock",
                    verdict(statistics.median(to_wm) >= GOAL_VS_WIREMOCK),
                )
            )
        else:
            rows.append((f"{p}: mock / wiremock", "not measured: no WIREMOCK_JAR"))
    return rows


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    add_arguments(parser)
    args = parser.parse_args()
    rows = suite(args)
    width = max(len(name) for name, _ in rows)
    print("\nreads: median (min, max)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    return 0 if all("MISSED" not in value for _, value in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
