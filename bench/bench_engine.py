"""Engine benchmark: 10,000 calls placed and driven to completion in virtual time, with no callbacks.

    .venv/bin/python bench/bench_engine.py [--calls 10000] [--rounds 3] [--variant both] [--profile DIR]

Two variants (issue #3, "Benchmarks"; goals: the advance to completion < 3 s, peak RSS < 300 MB):

(http)   ``mockserver serve --clock virtual`` as a subprocess. The calls are placed through the Apifonica
         REST API (POST /v2/accounts/{acc}/calls, ``events: "none"``, ``X-Mock-Scenario: answered``) by an
         httpx AsyncClient over ``--concurrency`` keep-alive connections, then driven to completion by one
         POST /_mock/clock/advance. An Apifonica call still fetches its controller once, on answer: the
         controller is the server's own sink /_mock/sink/bench (an empty 200, "carry on"), so this variant
         makes one loopback HTTP round trip per call, server to itself. Peak RSS is the server process's
         VmHWM from /proc/<pid>/status; CPU is its utime+stime from /proc/<pid>/stat.
(direct) a fresh child process builds the app with ``create_app`` and places the calls with
         ``CallBackend.place(PlaceCall(...))`` (no provider registers them, so no controller and no HTTP at
         all), then awaits ``Scheduler.advance(seconds, dispatcher.settle)`` - what /_mock/clock/advance
         does. Peak RSS is that child's own VmHWM.

Each variant runs ``--rounds`` times (a fresh server/process each round) and the summary gives the
median and the spread. ``--profile DIR`` runs the server (http) or the advance (direct) under cProfile,
writes DIR/*.prof and prints the top functions; profiled timings are inflated and not compared to goals.

Not a test: pytest does not collect it (it lives outside tests/ and has no test_ prefix).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

from mockserver.server import free_port

GOAL_ADVANCE_S = 3.0
GOAL_HWM_MB = 300.0
SCENARIO = "answered"  # 1 s initiated, +2 s ringing, +4 s answered, +30 s completed; recording +5 s
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# -- processes (shared with bench_callbacks.py) --------------------------------------------------


def console_script() -> str:
    beside = Path(sys.executable).parent / "mockserver"
    found = str(beside) if beside.exists() else shutil.which("mockserver")
    if found is None:
        sys.exit("mockserver is not installed: run with the project's .venv/bin/python")
    return found


def wait_healthy(port: int, alive: Any, timeout: float = 30.0, path: str = "/_mock/health") -> None:
    """Poll until a 200; ``alive()`` tells whether the server process is still running."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if not alive():
                raise RuntimeError(f"the server on port {port} exited during start-up")
            try:
                if client.get(f"http://127.0.0.1:{port}{path}").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.01)  # wall-clock ok: waits for another process to bind its socket
    raise RuntimeError(f"no 200 from port {port}{path} within {timeout} s")


@contextmanager
def mock_process(port: int, *flags: str, profile: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """``mockserver serve`` (virtual clock) as a subprocess; under cProfile when ``profile`` is given."""
    if profile is None:
        argv = [console_script()]
    else:
        argv = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "mockserver"]
    argv += ["serve", "--clock", "virtual", "--port", str(port), "--log-level", "warning", *flags]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_healthy(port, lambda: process.poll() is None)
        yield process
    finally:
        exited_early = process.poll() is not None
        if not exited_early:
            # uvicorn shuts down cleanly, then re-raises the signal: SIGINT becomes a KeyboardInterrupt,
            # which lets cProfile write its file; SIGTERM would kill the process first.
            process.send_signal(signal.SIGINT if profile else signal.SIGTERM)
        try:
            process.wait(timeout=60 if profile else 10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            errors = process.stderr.read().decode(errors="replace").strip()
            process.stderr.close()
            expected = (-2, -15, 1) if profile else (-15, 0)
            if errors and (exited_early or process.returncode not in expected):
                print(f"  server stderr (exit {process.returncode}):\n{errors[-2000:]}", file=sys.stderr)


def proc_status(pid: int | str = "self") -> dict[str, float]:
    """VmRSS and VmHWM (peak resident set) of a process, in MB, from /proc/<pid>/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024  # kB → MB
    return values


def cpu_seconds(pid: int | str = "self") -> float:
    """utime + stime of a process, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def print_profile(path: Path, top: int) -> None:
    import pstats

    if not path.exists():
        print(f"  (no profile written at {path})")
        return
    print(f"  profile {path}: top {top} by own time (tottime), then by cumulative time")
    stats = pstats.Stats(str(path))
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


# -- placing over HTTP -------------------------------------------------------------------------
@dataclass(frozen=True)
class Account:
    sid: str
    token: str


def apifonica_account(base: str) -> Account:
    [account] = httpx.get(f"{base}/_mock/credentials", timeout=10).json()["apifonica"]
    return Account(account["account_sid"], account["auth_token"])


async def place_calls(
    base: str, account: Account, calls: int, concurrency: int, controller: str, events: str
) -> tuple[float, float, list[str]]:
    """Place ``calls`` Apifonica calls over ``concurrency`` keep-alive connections.

    The client is a minimal HTTP/1.1 one on asyncio streams: httpx costs ~1.5 ms of CPU per request,
    which on a 2-core machine would take CPU from the server being measured. Returns (wall seconds, this
    client's CPU seconds, failures)."""
    host, port = base.removeprefix("http://").split(":")
    path = f"/v2/accounts/{account.sid}/calls"
    basic = base64.b64encode(f"{account.sid}:{account.token}".encode()).decode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Basic {basic}\r\n"
        f"X-Mock-Scenario: {SCENARIO}\r\nContent-Type: application/json\r\n"
    )
    failures: list[str] = []
    numbers = iter(range(calls))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for i in numbers:  # one shared iterator: each call is placed exactly once
                body = json.dumps(
                    {"from": "442071234567", "to": f"1555{i:07d}", "controller": controller, "events": events}
                ).encode()
                writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
                status, text = await read_response(reader)
                if status != 201:
                    failures.append(f"{status} {text[:200]!r}")
        finally:
            writer.close()
            await writer.wait_closed()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout=calls * 0.1 + 60)
    return time.perf_counter() - started, time.process_time() - cpu, failures


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 response with a Content-Length (what uvicorn sends for these routes)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    status = int(head[9:12])
    length = 0
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


def advance(base: str, seconds: float, timeout: float) -> float:
    """POST /_mock/clock/advance; its wall seconds."""
    started = time.perf_counter()
    response = httpx.post(f"{base}/_mock/clock/advance", json={"seconds": seconds}, timeout=timeout)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"advance failed: {response.status_code} {response.text[:500]}")
    return elapsed


def call_states(base: str) -> Counter[str]:
    calls = httpx.get(f"{base}/_mock/calls", params={"provider": "apifonica"}, timeout=120).json()["calls"]
    return Counter(call["state"] for call in calls)


def health(base: str) -> dict[str, Any]:
    result: dict[str, Any] = httpx.get(f"{base}/_mock/health", timeout=30).json()
    return result


# -- one round ---------------------------------------------------------------------------------
@dataclass
class Round:
    variant: str
    place_s: float
    advance_s: float
    hwm_mb: float
    start_rss_mb: float
    cpu_place_s: float | None = None
    cpu_advance_s: float | None = None
    client_cpu_s: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def http_round(args: argparse.Namespace, number: int) -> Round:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    profile = args.profile / f"engine-http-{number}.prof" if args.profile else None
    with mock_process(port, profile=profile) as server:
        start_rss = proc_status(server.pid)["VmRSS"]
        account = apifonica_account(base)
        controller = f"{base}/_mock/sink/bench"
        cpu0 = cpu_seconds(server.pid)
        place_s, client_cpu, failures = asyncio.run(
            place_calls(base, account, args.calls, args.concurrency, controller, "none")
        )
        cpu1 = cpu_seconds(server.pid)
        advance_s = advance(base, args.seconds, args.timeout)
        cpu2 = cpu_seconds(server.pid)
        hwm = proc_status(server.pid)["VmHWM"]  # read before the checks below add their own JSON

        problems = [f"{len(failures)} placements failed, e.g. {failures[0]}"] if failures else []
        states = call_states(base)
        if states != Counter({"completed": args.calls}):
            problems.append(f"calls not all completed: {dict(states)}")
        fetches = httpx.get(f"{base}/_mock/callbacks", params={"kind": "fetch"}, timeout=120).json()
        fetched = fetches["callbacks"]
        good = sum(1 for d in fetched if d["delivered"] and len(d["attempts"]) == 1)
        if len(fetched) != args.calls or good != args.calls:
            problems.append(f"controller fetches: {len(fetched)} recorded, {good} delivered at once")
        events = httpx.get(f"{base}/_mock/callbacks", params={"kind": "event"}, timeout=120).json()
        if events["callbacks"]:
            problems.append(f"{len(events['callbacks'])} status events although events=none")
        errors = health(base)["internal_errors"]
        if errors:
            problems.append(f"internal errors: {errors[:3]}")
    return Round(
        "http",
        place_s,
        advance_s,
        hwm,
        start_rss,
        cpu_place_s=cpu1 - cpu0,
        cpu_advance_s=cpu2 - cpu1,
        client_cpu_s=client_cpu,
        problems=problems,
    )


def direct_child(calls: int, seconds: float, profile: str | None, out: Connection) -> None:
    """In a fresh process: the engine alone, calls placed with CallBackend.place."""
    try:
        out.send(asyncio.run(_direct(calls, seconds, profile)))
    except BaseException as exc:  # report, do not hang the parent
        out.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        out.close()


async def _direct(calls: int, seconds: float, profile: str | None) -> dict[str, Any]:
    import cProfile

    from mockserver.app import create_app
    from mockserver.core.backend import PlaceCall
    from mockserver.settings import Settings

    app = create_app(Settings(clock="virtual"))
    state = app.state.mock
    backend, scheduler, dispatcher = state.backend, state.scheduler, state.dispatcher
    start_rss = proc_status()["VmRSS"]
    account = state.providers["apifonica"].credentials()[0]["account_sid"]

    cpu0 = time.process_time()
    started = time.perf_counter()
    for i in range(calls):
        backend.place(
            PlaceCall(
                provider="apifonica",
                account=account,
                from_="442071234567",
                to=f"1555{i:07d}",
                provider_call_id=f"cal{i}",
                scenario=SCENARIO,
                ring_timeout=30.0,  # what the Apifonica route passes by default
            )
        )
    place_s = time.perf_counter() - started
    cpu_place = time.process_time() - cpu0

    profiler = cProfile.Profile() if profile else None
    cpu0 = time.process_time()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    await scheduler.advance(seconds, dispatcher.settle)
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    advance_s = time.perf_counter() - started
    cpu_advance = time.process_time() - cpu0

    hwm = proc_status()["VmHWM"]
    states = Counter(call.state.value for call in backend.calls())
    await dispatcher.client.aclose()
    return {
        "place_s": place_s,
        "advance_s": advance_s,
        "hwm_mb": hwm,
        "start_rss_mb": start_rss,
        "cpu_place_s": cpu_place,
        "cpu_advance_s": cpu_advance,
        "states": dict(states),
        "errors": [repr(e) for e in scheduler.errors[:3]],
        "deliveries": len(dispatcher),
    }


def direct_round(args: argparse.Namespace, number: int) -> Round:
    profile = str(args.profile / f"engine-direct-{number}.prof") if args.profile else None
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=direct_child, args=(args.calls, args.seconds, profile, sender))
    child.start()
    sender.close()
    try:
        if not receiver.poll(args.timeout):
            raise RuntimeError(f"the direct run did not finish within {args.timeout} s")
        result: dict[str, Any] = receiver.recv()
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
            child.join()
    if "error" in result:
        raise RuntimeError(f"the direct run failed: {result['error']}")
    problems = []
    if result["states"] != {"completed": args.calls}:
        problems.append(f"calls not all completed: {result['states']}")
    if result["deliveries"]:
        problems.append(f"{result['deliveries']} deliveries although no provider registered the calls")
    if result["errors"]:
        problems.append(f"scheduler errors: {result['errors']}")
    return Round(
        "direct",
        result["place_s"],
        result["advance_s"],
        result["hwm_mb"],
        result["start_rss_mb"],
        cpu_place_s=result["cpu_place_s"],
        cpu_advance_s=result["cpu_advance_s"],
        problems=problems,
    )


# -- main --------------------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=10_000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per variant (fresh server each)")
    parser.add_argument("--variant", choices=("http", "direct", "both"), default="both")
    parser.add_argument("--concurrency", type=int, default=4, help="client connections for placing (http)")
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="virtual seconds to advance (the scenario ends by 42 s)"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="wall seconds allowed for one advance")
    parser.add_argument("--profile", type=Path, help="write cProfile output here and print hot spots")
    parser.add_argument("--top", type=int, default=25, help="functions to print per profile")
    args = parser.parse_args()
    if args.calls < 1 or args.rounds < 1 or args.concurrency < 1 or args.seconds < 42 or args.timeout <= 0:
        parser.error("--calls, --rounds, --concurrency must be positive and --seconds at least 42")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    return args


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    return (
        f"{statistics.median(values):.{digits}f} {unit}  "
        f"(min {min(values):.{digits}f}, max {max(values):.{digits}f}, n={len(values)})"
    )


def main() -> int:
    args = parse_args()
    variants = ("http", "direct") if args.variant == "both" else (args.variant,)
    print(
        f"engine: {args.calls:,} calls (scenario {SCENARIO!r}), advance {args.seconds:g} virtual s, "
        f"{args.rounds} round(s) per variant, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus"
        + ("  [PROFILED: timings inflated]" if args.profile else ""),
        flush=True,
    )
    rounds: list[Round] = []
    for number, variant in itertools.product(range(1, args.rounds + 1), variants):
        result = http_round(args, number) if variant == "http" else direct_round(args, number)
        rounds.append(result)
        client = "" if result.client_cpu_s is None else f" (client {result.client_cpu_s:.2f}s)"
        cpu = f"  cpu: place {result.cpu_place_s:.2f}s{client} advance {result.cpu_advance_s:.2f}s"
        print(
            f"  round {number} {variant:<6}  place {result.place_s:6.2f}s"
            f" ({args.calls / result.place_s:6.0f}/s)"
            f"  advance {result.advance_s:6.2f}s  peak RSS {result.hwm_mb:6.1f} MB"
            f" (start {result.start_rss_mb:.1f}){cpu}  {'ok' if result.ok else 'PROBLEMS'}",
            flush=True,
        )
        for problem in result.problems:
            print(f"    ! {problem}")
        if args.profile:
            print_profile(args.profile / f"engine-{variant}-{number}.prof", args.top)

    rows: list[tuple[str, str]] = []
    for variant in variants:
        mine = [r for r in rounds if r.variant == variant]
        advance_s = [r.advance_s for r in mine]
        hwm = [r.hwm_mb for r in mine]
        how = "server subprocess, VmHWM" if variant == "http" else "child process, own VmHWM"
        who = "server" if variant == "http" else "child"
        rows += [
            (f"[{variant}] place {args.calls:,} calls", spread([r.place_s for r in mine], "s")),
            (f"[{variant}] advance to completion (wall)", spread(advance_s, "s")),
            (f"[{variant}] advance CPU of the {who}", spread([r.cpu_advance_s or 0.0 for r in mine], "s")),
            (
                f"[{variant}] advance goal < {GOAL_ADVANCE_S:g} s",
                verdict(statistics.median(advance_s) < GOAL_ADVANCE_S),
            ),
            (f"[{variant}] peak RSS ({how})", spread(hwm, "MB", 1)),
            (f"[{variant}] peak RSS goal < {GOAL_HWM_MB:g} MB", verdict(max(hwm) < GOAL_HWM_MB)),
            (f"[{variant}] all calls completed, checks", "ok" if all(r.ok for r in mine) else "PROBLEMS"),
        ]
    width = max(len(name) for name, _ in rows)
    print("\nsummary" + ("  [PROFILED: timings inflated]" if args.profile else ""))
    print("-" * (width + 50))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0 if all(r.ok for r in rounds) else 1


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
