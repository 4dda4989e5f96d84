"""How fast is mockserver? Time-to-ready, and GET-a-call throughput against a bare Starlette app.

    .venv/bin/python bench/bench_get_call.py [--seconds 5] [--concurrency 8] [--rounds 3]

(a) time-to-ready: ``mockserver serve`` is spawned N times; the time from spawn to the first 200 from
    /_mock/health is measured, with mockserver's bytecode compiled first (the goal: < 0.2 s). In turn
    with it, a bare uvicorn + Starlette app answering that path is spawned the same way: the floor; and
    that bare app building Faker first as the mock does, to draw the default accounts' names: the floor
    for as long as the banner shows those names at start.
(b) throughput: the mock (virtual clock) gets one Apifonica call; a bare Starlette app served by uvicorn
    the same way (own process, same uvicorn options) answers GET on the same path with the same JSON from
    a dict. Both are loaded by the same client: `wrk` when installed, otherwise a raw-socket keep-alive
    load generator in a separate process (so it does not share a GIL with either server). Rounds
    alternate mock and bare; medians are reported, and the ratio is the median of the rounds' ratios
    (which cancels the drift of a shared machine). The target is mock/bare >= 0.8.

Not a test: pytest does not collect it (it lives outside tests/ and has no test_ prefix).
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import httpx
from bench_engine import console_script, wait_healthy  # a sibling script, not a package

from mockserver.app import FAKER_PROVIDERS
from mockserver.server import free_port

TARGET_RATIO = 0.8
CALL_PATH = "/v2/accounts/{acc}/calls/{call}"


# -- processes ---------------------------------------------------------------------------------


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def mock_process(port: int, *flags: str) -> Iterator[subprocess.Popen[bytes]]:
    argv = [console_script(), "serve", "--port", str(port), *flags]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield process
    finally:
        stop(process)
        if process.stderr is not None:
            process.stderr.close()


def serve_bare(port: int, payload: dict[str, Any]) -> None:
    """The baseline: the same path answers a prepared dict; uvicorn options as the mock's."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def get_call(request: Request) -> Response:
        return JSONResponse(payload)

    app = Starlette(routes=[Route(CALL_PATH, get_call, methods=["GET"])])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", access_log=False)


@contextmanager
def bare_process(port: int, payload: dict[str, Any]) -> Iterator[BaseProcess]:
    process = multiprocessing.get_context("spawn").Process(target=serve_bare, args=(port, payload))
    process.start()
    try:
        yield process
    finally:
        process.terminate()
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
            process.join()


# -- (a) time to ready -------------------------------------------------------------------------
READY_GOAL = 0.2  # seconds, issue 14 goal 5 (with cached bytecode)

#: The floor: uvicorn + Starlette answering the same path from a fresh interpreter (uvicorn's defaults).
BARE_READY = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
async def health(request): return JSONResponse({"status": "ok"})
app = Starlette(routes=[Route("/_mock/health", health)])
port = int(sys.argv[1])
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", access_log=False)
"""

#: The floor while the banner names the default accounts: the bare app that first builds Faker as
#: ``create_app`` does (its providers, its seed) and draws the six names the default accounts get.
FAKER_READY = BARE_READY.replace(
    "port = int",
    "from faker import Faker\n"
    f"faker = Faker(providers={list(FAKER_PROVIDERS)!r})\n"
    "faker.seed_instance(0)\n"
    "names = [faker.company() for _ in range(5)] + [faker.user_name()]\n"
    "port = int",
)


def compile_bytecode() -> None:
    """The goal is for cached bytecode, as a pip install leaves it. An editable install run with
    PYTHONDONTWRITEBYTECODE=1 never caches mockserver's own modules, and compiling ~190 of them on every
    start added ~0.35 s here; so compile them first (into the gitignored __pycache__ folders)."""
    import compileall

    import mockserver

    compileall.compile_dir(Path(mockserver.__file__).parent, quiet=1)


def spawn_ready(argv: list[str], port: int) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port, lambda: process.poll() is None)
        return time.perf_counter() - started
    finally:
        stop(process)


def time_to_ready(runs: int) -> tuple[list[float], list[float], list[float]]:
    """``mockserver serve``, the bare floor and the bare floor with Faker, spawned in turn ``runs`` times
    each: spawn → first 200."""
    compile_bytecode()
    mock, bare, with_faker = [], [], []
    for _ in range(runs):
        port = free_port()
        mock.append(spawn_ready([console_script(), "serve", "--port", str(port)], port))
        port = free_port()
        bare.append(spawn_ready([sys.executable, "-c", BARE_READY, str(port)], port))
        port = free_port()
        with_faker.append(spawn_ready([sys.executable, "-c", FAKER_READY, str(port)], port))
    return mock, bare, with_faker


# -- (b) throughput ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    port: int
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Load:
    ok: int
    errors: int
    seconds: float
    client_cpu: float | None = None  # the load generator's CPU seconds per wall second (1.0 = a core)

    @property
    def rps(self) -> float:
        return self.ok / self.seconds


def create_call(port: int) -> tuple[Target, dict[str, Any]]:
    """One Apifonica call on the mock; returns how to GET it and what the GET answers."""
    base = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=base, timeout=10) as client:
        [account] = client.get("/_mock/credentials").json()["apifonica"]
        sid, token = account["account_sid"], account["auth_token"]
        created = client.post(
            f"/v2/accounts/{sid}/calls",
            auth=(sid, token),
            json={"from": "442071234567", "to": "15550000099", "controller": "http://127.0.0.1:9/ctl"},
        )
        if created.status_code != 201:
            raise RuntimeError(f"creating the call failed: {created.status_code} {created.text}")
        path = created.json()["uri"]
        shown = client.get(path, auth=(sid, token))
        if shown.status_code != 200:
            raise RuntimeError(f"GET {path} failed: {shown.status_code} {shown.text}")
    basic = base64.b64encode(f"{sid}:{token}".encode()).decode()
    return Target(port, path, {"Authorization": f"Basic {basic}"}), dict(shown.json())


def read_response(sock: socket.socket, buffer: bytearray) -> int:
    """One HTTP/1.1 response off a keep-alive socket; returns its status code."""
    while (end := buffer.find(b"\r\n\r\n")) < 0:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buffer += chunk
    head = bytes(buffer[:end]).lower()
    match = re.search(rb"\r\ncontent-length:\s*(\d+)", head)
    if match is None:
        raise ConnectionError("a response without Content-Length")
    total = end + 4 + int(match.group(1))
    while len(buffer) < total:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buffer += chunk
    status = int(head[9:12])
    del buffer[:total]
    return status


def load_connection(target: Target, warmup_until: float, stop_at: float, counts: list[int]) -> None:
    headers = "".join(f"{k}: {v}\r\n" for k, v in target.headers.items())
    request = f"GET {target.path} HTTP/1.1\r\nHost: 127.0.0.1:{target.port}\r\n{headers}\r\n".encode()
    buffer = bytearray()
    sock: socket.socket | None = None
    while (now := time.monotonic()) < stop_at:
        try:
            if sock is None:
                sock = socket.create_connection(("127.0.0.1", target.port), timeout=5)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                buffer.clear()
            sock.sendall(request)
            status = read_response(sock, buffer)
        except OSError:
            status = 0
            if sock is not None:
                sock.close()
            sock = None
        if now >= warmup_until:
            counts[0 if status == 200 else 1] += 1
    if sock is not None:
        sock.close()


def python_load(target: Target, seconds: float, warmup: float, concurrency: int, out: Connection) -> None:
    """The load generator's process: ``concurrency`` keep-alive connections, one thread each."""
    start, cpu = time.monotonic(), time.process_time()
    per_thread = [[0, 0] for _ in range(concurrency)]
    threads = [
        threading.Thread(target=load_connection, args=(target, start + warmup, start + warmup + seconds, c))
        for c in per_thread
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    busy = (time.process_time() - cpu) / (time.monotonic() - start)
    out.send(Load(sum(c[0] for c in per_thread), sum(c[1] for c in per_thread), seconds, busy))
    out.close()


def run_python_load(target: Target, seconds: float, warmup: float, concurrency: int) -> Load:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=python_load, args=(target, seconds, warmup, concurrency, sender))
    process.start()
    sender.close()
    try:
        if not receiver.poll(warmup + seconds + 60):
            raise RuntimeError("the load generator did not report")
        load: Load = receiver.recv()
        return load
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


def run_wrk(wrk: str, target: Target, seconds: float, warmup: float, concurrency: int) -> Load:
    url = f"http://127.0.0.1:{target.port}{target.path}"
    headers = [arg for k, v in target.headers.items() for arg in ("-H", f"{k}: {v}")]
    common = [wrk, "-t", "1", "-c", str(concurrency), *headers]  # one wrk thread keeps a core for the server
    if warmup > 0:
        subprocess.run([*common, "-d", f"{max(1, round(warmup))}s", url], capture_output=True, check=True)
    result = subprocess.run(
        [*common, "-d", f"{max(1, round(seconds))}s", url], capture_output=True, text=True, check=True
    )
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)\b", result.stdout)
    if done is None:
        raise RuntimeError(f"cannot read wrk's output:\n{result.stdout}")
    elapsed = float(done.group(2)) * {"ms": 0.001, "s": 1.0, "m": 60.0}[done.group(3)]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    errors = int(bad.group(1)) if bad else 0
    socket_errors = re.search(r"Socket errors: (.*)", result.stdout)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Load(int(done.group(1)) - (int(bad.group(1)) if bad else 0), errors, elapsed)


def load(target: Target, args: argparse.Namespace, wrk: str | None) -> Load:
    if wrk:
        return run_wrk(wrk, target, args.seconds, args.warmup, args.concurrency)
    return run_python_load(target, args.seconds, args.warmup, args.concurrency)


def cpu_note(load: Load) -> str:
    return "" if load.client_cpu is None else f" (client cpu {load.client_cpu:.0%})"


def throughput(args: argparse.Namespace, wrk: str | None) -> tuple[list[Load], list[Load], bool]:
    mock_port, bare_port = free_port(), free_port()
    with mock_process(mock_port, "--clock", "virtual", "--log-level", "warning") as mock:
        wait_healthy(mock_port, lambda: mock.poll() is None)
        mock_target, payload = create_call(mock_port)
        bare_target = Target(bare_port, mock_target.path, mock_target.headers)
        with bare_process(bare_port, payload) as bare:
            wait_healthy(bare_port, bare.is_alive, path=mock_target.path)
            same = httpx.get(f"http://127.0.0.1:{bare_port}{mock_target.path}").json() == payload
            mock_loads, bare_loads = [], []
            for round_ in range(1, args.rounds + 1):
                mock_loads.append(load(mock_target, args, wrk))
                bare_loads.append(load(bare_target, args, wrk))
                m, b = mock_loads[-1], bare_loads[-1]
                print(
                    f"  round {round_}: mock {m.rps:7.0f} req/s{cpu_note(m)}   "
                    f"bare {b.rps:7.0f} req/s{cpu_note(b)}   ratio {m.rps / b.rps:.2f}",
                    flush=True,
                )
    return mock_loads, bare_loads, same


# -- main --------------------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="measured seconds per load run")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each run")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--rounds", type=int, default=5, help="load runs per server (alternating)")
    parser.add_argument("--ready-runs", type=int, default=5, help="spawns for time-to-ready")
    parser.add_argument("--python-client", action="store_true", help="ignore wrk even when installed")
    args = parser.parse_args()
    if args.seconds <= 0 or args.warmup < 0 or args.concurrency < 1 or args.rounds < 1 or args.ready_runs < 1:
        parser.error("--seconds, --concurrency, --rounds and --ready-runs must be positive")
    return args


def spread(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} s ({min(times):.3f}, {max(times):.3f})"


def main() -> int:
    args = parse_args()
    wrk = None if args.python_client else shutil.which("wrk")
    client = f"wrk ({wrk})" if wrk else "python raw-socket keep-alive client, own process"

    print(f"(a) time-to-ready: `mockserver serve`, {args.ready_runs} spawns", flush=True)
    ready, bare_ready, faker_ready = time_to_ready(args.ready_runs)
    print("  mock          " + "  ".join(f"{t:.3f}s" for t in ready))
    print("  bare          " + "  ".join(f"{t:.3f}s" for t in bare_ready))
    print("  bare + Faker  " + "  ".join(f"{t:.3f}s" for t in faker_ready))

    print(
        f"(b) throughput: GET {CALL_PATH}, {args.concurrency} connections, "
        f"{args.seconds:g}s x {args.rounds} rounds each, client: {client}",
        flush=True,
    )
    mock_loads, bare_loads, same = throughput(args, wrk)
    mock_rps = statistics.median(x.rps for x in mock_loads)
    bare_rps = statistics.median(x.rps for x in bare_loads)
    # Rounds alternate, so the per-round ratio cancels slow drifts of a shared machine.
    ratio = statistics.median(m.rps / b.rps for m, b in zip(mock_loads, bare_loads, strict=True))
    errors = sum(x.errors for x in (*mock_loads, *bare_loads))

    verdict = "ok" if ratio >= TARGET_RATIO else "BELOW TARGET"
    rows = [
        ("time-to-ready median (min, max)", spread(ready)),
        ("bare uvicorn+Starlette ready", spread(bare_ready)),
        ("bare + Faker (the floor while the banner names accounts)", spread(faker_ready)),
        (f"ready < {READY_GOAL} s (median)", "met" if statistics.median(ready) < READY_GOAL else "MISSED"),
        ("mock GET call (median)", f"{mock_rps:,.0f} req/s"),
        ("bare Starlette (median)", f"{bare_rps:,.0f} req/s"),
        ("ratio mock/bare (median of rounds)", f"{ratio:.2f}  (target >= {TARGET_RATIO}: {verdict})"),
        ("same JSON from both", "yes" if same else "NO"),
        ("errors / non-200", str(errors)),
    ]
    width = max(len(name) for name, _ in rows)
    print("\nsummary")
    print("-" * (width + 40))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0 if same and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
