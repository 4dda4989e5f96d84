"""Engine benchmark: calls placed and driven to completion in virtual time (issue #14, goal 4).

    .venv/bin/python bench/bench_engine.py [--calls 100000] [--rounds 3] [--variant direct]
                                           [--max-calls 0,10000] [--collector serve|default]
                                           [--profile DIR]

Goals: 100,000 calls to completion with the advance < 4 s (direct) and peak RSS < 2.5 KB per finished
call above the idle process; through Dillo's API, bench_engine_dillo.py (advance < 8 s). Variants:

(direct) a fresh child process builds the app with ``create_app(Settings(clock="virtual",
         max_calls=N))`` and places the calls with ``CallBackend.place(PlaceCall(...))`` (no provider
         registers them, so no controller and no HTTP at all), then awaits
         ``Scheduler.advance(seconds, dispatcher.settle)`` inside ``collector.frozen_heap()`` - what
         /_mock/clock/advance does. With
         ``--collector serve`` (the default) the garbage collector is set as ``mockserver serve`` sets
         it (mockserver.collector.tune_collector); ``default`` leaves the interpreter's, as in a test
         process that uses the pytest plugin (full collections walk every live call). Peak RSS is
         that child's own VmHWM; "idle" is its VmRSS once the app is built, before the first call.
(http)   ``mockserver serve --clock virtual --max-calls N`` as a subprocess. The calls are placed through
         the Apifonica REST API (``events: "none"``, ``X-Mock-Scenario: answered``) over
         ``--concurrency`` keep-alive connections, then driven to completion by one POST
         /_mock/clock/advance. An Apifonica call fetches its controller once, on answer (the server's own
         sink /_mock/sink/bench, an empty 200): one loopback round trip per call, server to itself.
(dillo)  bench_engine_dillo.py's round: Dillo voice send actions, no callback URL (goal < 8 s).

``--max-calls`` is the retention cap (``mockserver serve --max-calls``, default 10,000 finished calls
kept, the oldest evicted): a comma-separated list runs each setting, interleaved. 0 keeps every call:
the per-call RSS figure is measured with it; with the default the store stays at 10,000 calls.

Each (variant, setting) runs ``--rounds`` times (a fresh process each round) and the summary gives
median (min, max). ``--profile DIR`` runs the advance (direct) or the server (http, dillo) under
cProfile and prints the top functions; profiled timings are inflated and not compared to goals.

Also a suite of bench/run.py (``--only engine``). Not a test: pytest does not collect it.
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

GOAL_ADVANCE_S = 4.0  # direct
GOAL_KB_PER_CALL = 2.5  # peak RSS above idle, per finished call (measured keeping every call)
SCENARIO = "answered"  # 1 s initiated, +2 s ringing, +4 s answered, +30 s completed; recording +5 s
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# -- processes (shared with bench_callbacks.py) --------------------------------------------------


def console_script() -> str:
    beside = Path(sys.executable).parent / "mockserver"
    found = str(beside) if beside.exists() else shutil.which("mockserver")
    if found is None:
        sys.exit("mockserver is not installed: run with the project's .venv/bin/python")
    return found


#: Where ``npm ci --prefix bench/wiremock`` puts WireMock's standalone jar (the npm package ``wiremock``,
#: pinned in bench/wiremock/package-lock.json, is WireMock's own distribution of it).
NPM_WIREMOCK_JAR = (
    Path(__file__).parent / "wiremock/node_modules/wiremock/build/wiremock-standalone-3.13.2.jar"
)


def wiremock_jar() -> str | None:
    """The WireMock jar to compare with: ``WIREMOCK_JAR``, else the one npm installed, else None (the
    WireMock rows then say "not measured"). Never downloaded here."""
    named = os.environ.get("WIREMOCK_JAR")
    if named:
        return named
    return str(NPM_WIREMOCK_JAR) if NPM_WIREMOCK_JAR.exists() else None


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


def reference_seconds() -> float:
    """How fast this machine runs Python right now: the best of three runs of a fixed pure-Python loop
    (10 million additions; ~0.5 s on a quick core, ~1.2 s on the 2-core machine of 2026-12-05). The
    engine goals are wall times, and shared machines differ, and drift between rounds, by tens of
    percent: each round also reports its advance as a multiple of this, which compares across machines."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for n in range(10_000_000):
            total += n
        best = min(best, time.perf_counter() - started)
    return best


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
    max_calls: int
    calls: int
    place_s: float
    advance_s: float
    hwm_mb: float
    start_rss_mb: float
    cpu_place_s: float | None = None
    cpu_advance_s: float | None = None
    client_cpu_s: float | None = None
    reference_s: float = 0.0  # reference_seconds() just before the round
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def kb_per_call(self) -> float:
        return (self.hwm_mb - self.start_rss_mb) * 1024 / self.calls


def http_round(args: argparse.Namespace, number: int, max_calls: int) -> Round:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    profile = args.profile / f"engine-http-{max_calls}-{number}.prof" if args.profile else None
    with mock_process(port, "--max-calls", str(max_calls), profile=profile) as server:
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
        kept = min(args.calls, max_calls) if max_calls else args.calls
        states = call_states(base)
        if states != Counter({"completed": kept}):
            problems.append(f"calls not all completed: {dict(states)}")
        fetches = httpx.get(f"{base}/_mock/callbacks", params={"kind": "fetch"}, timeout=120).json()
        fetched = fetches["callbacks"]
        good = sum(1 for d in fetched if d["delivered"] and len(d["attempts"]) == 1)
        if max_calls == 0 and (len(fetched) != args.calls or good != args.calls):
            problems.append(f"controller fetches: {len(fetched)} recorded, {good} delivered at once")
        events = httpx.get(f"{base}/_mock/callbacks", params={"kind": "event"}, timeout=120).json()
        if events["callbacks"]:
            problems.append(f"{len(events['callbacks'])} status events although events=none")
        errors = health(base)["internal_errors"]
        if errors:
            problems.append(f"internal errors: {errors[:3]}")
    return Round(
        "http",
        max_calls,
        args.calls,
        place_s,
        advance_s,
        hwm,
        start_rss,
        cpu_place_s=cpu1 - cpu0,
        cpu_advance_s=cpu2 - cpu1,
        client_cpu_s=client_cpu,
        problems=problems,
    )


def direct_child(
    calls: int, seconds: float, max_calls: int, profile: str | None, collector: str, out: Connection
) -> None:
    """In a fresh process: the engine alone, calls placed with CallBackend.place."""
    try:
        out.send(asyncio.run(_direct(calls, seconds, max_calls, profile, collector)))
    except BaseException as exc:  # report, do not hang the parent
        out.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        out.close()


async def _direct(
    calls: int, seconds: float, max_calls: int, profile: str | None, collector: str
) -> dict[str, Any]:
    import cProfile

    from mockserver.app import create_app
    from mockserver.collector import frozen_heap, tune_collector
    from mockserver.core.backend import PlaceCall
    from mockserver.settings import Settings

    app = create_app(Settings(clock="virtual", max_calls=max_calls))
    if collector == "serve":
        tune_collector()  # the garbage collector as `mockserver serve` sets it
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
    with frozen_heap():  # as /_mock/clock/advance does (mockserver.collector)
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
        "evicted": backend.store.evicted,
        "errors": [repr(e) for e in scheduler.errors[:3]],
        "deliveries": len(dispatcher),
    }


def direct_round(args: argparse.Namespace, number: int, max_calls: int) -> Round:
    profile = str(args.profile / f"engine-direct-{max_calls}-{number}.prof") if args.profile else None
    reference = reference_seconds()
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=direct_child, args=(args.calls, args.seconds, max_calls, profile, args.collector, sender)
    )
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
    kept = min(args.calls, max_calls) if max_calls else args.calls
    if result["states"] != {"completed": kept} or result["evicted"] != args.calls - kept:
        problems.append(f"calls not all completed: {result['states']}, {result['evicted']} evicted")
    if result["deliveries"]:
        problems.append(f"{result['deliveries']} deliveries although no provider registered the calls")
    if result["errors"]:
        problems.append(f"scheduler errors: {result['errors']}")
    return Round(
        "direct",
        max_calls,
        args.calls,
        result["place_s"],
        result["advance_s"],
        result["hwm_mb"],
        result["start_rss_mb"],
        cpu_place_s=result["cpu_place_s"],
        cpu_advance_s=result["cpu_advance_s"],
        reference_s=reference,
        problems=problems,
    )


# -- main ---------------------------------------------------------------------------------------
def add_arguments(parser: Any) -> None:
    """The engine suite's options (bench/run.py shares --rounds and --concurrency)."""
    parser.add_argument("--calls", type=int, default=100_000, help="calls per round")
    parser.add_argument(
        "--variant",
        choices=("direct", "http", "dillo", "both", "all"),
        default="all",
        help="both = direct + dillo (the goals); all adds http (Apifonica, a controller fetch per call)",
    )
    parser.add_argument("--max-calls", type=max_calls_list, default=[0, 10_000], help="e.g. 0,10000")
    parser.add_argument(
        "--collector",
        choices=("serve", "default"),
        default="serve",
        help="direct: the garbage collector as `mockserver serve` sets it (frozen start-up heap, "
        "GC_THRESHOLDS), or the interpreter's defaults (as in a test process with the pytest plugin)",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="client connections for placing")
    parser.add_argument("--engine-seconds", type=float, default=60.0, help="virtual seconds (>= 42)")
    parser.add_argument("--timeout", type=float, default=900.0, help="wall seconds allowed for one advance")
    parser.add_argument("--profile", type=Path, help="write cProfile output here and print hot spots")
    parser.add_argument("--top", type=int, default=25, help="functions to print per profile")


def max_calls_list(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError("a comma-separated list of retention caps (0 = keep every call)")
    return values


def suite(args: argparse.Namespace) -> list[tuple[str, str]]:
    """Run every (variant, --max-calls) ``args.rounds`` times, interleaved; the summary rows."""
    from bench_engine_dillo import DilloRound, dillo_round
    from bench_engine_dillo import rows as dillo_rows

    args.seconds = args.engine_seconds
    if args.calls < 1 or args.rounds < 1 or args.concurrency < 1 or args.seconds < 42:
        raise SystemExit("--calls, --rounds, --concurrency must be positive and --engine-seconds >= 42")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    variants = {"both": ("direct", "dillo"), "all": ("direct", "dillo", "http")}.get(
        args.variant, (args.variant,)
    )
    print(
        f"engine: {args.calls:,} calls per round, --max-calls {args.max_calls}, {args.rounds} round(s), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus"
        + ("  [PROFILED: timings inflated]" if args.profile else ""),
        flush=True,
    )
    rounds: list[Round] = []
    dillo: list[DilloRound] = []
    for number, variant, max_calls in itertools.product(range(1, args.rounds + 1), variants, args.max_calls):
        if variant == "dillo":
            prof = args.profile / f"engine-dillo-{max_calls}-{number}.prof" if args.profile else None
            d = dillo_round(args.calls, max_calls, args.concurrency, prof)
            dillo.append(d)
            print(
                f"  round {number} dillo  --max-calls {max_calls:<6} place {d.place_s:6.2f}s"
                f"  advance {d.advance_s:6.2f}s (cpu {d.cpu_advance_s:5.2f}s)  peak RSS {d.hwm_mb:6.1f} MB"
                f" (idle {d.idle_rss_mb:.1f}) = {d.kb_per_call:5.2f} KB/call  reference {d.reference_s:.2f}s"
                f"  {'ok' if not d.problems else 'PROBLEMS'}",
                flush=True,
            )
            for problem in d.problems:
                print(f"    ! {problem}")
            if prof is not None:
                print_profile(prof, args.top)
            continue
        result = (
            http_round(args, number, max_calls)
            if variant == "http"
            else direct_round(args, number, max_calls)
        )
        rounds.append(result)
        client = "" if result.client_cpu_s is None else f" (client {result.client_cpu_s:.2f}s)"
        cpu = f"  cpu: place {result.cpu_place_s:.2f}s{client} advance {result.cpu_advance_s:.2f}s"
        print(
            f"  round {number} {variant:<6} --max-calls {max_calls:<6} place {result.place_s:6.2f}s"
            f"  advance {result.advance_s:6.2f}s  peak RSS {result.hwm_mb:6.1f} MB"
            f" (idle {result.start_rss_mb:.1f}) = {result.kb_per_call:5.2f} KB/call{cpu}"
            f"  reference {result.reference_s:.2f}s  {'ok' if result.ok else 'PROBLEMS'}",
            flush=True,
        )
        for problem in result.problems:
            print(f"    ! {problem}")
        if args.profile:
            print_profile(args.profile / f"engine-{variant}-{max_calls}-{number}.prof", args.top)

    table: list[tuple[str, str]] = []
    for variant in variants:
        if variant == "dillo":
            table += dillo_rows(dillo, args.calls)
            continue
        for max_calls in args.max_calls:
            mine = [r for r in rounds if r.variant == variant and r.max_calls == max_calls]
            collector = f", --collector {args.collector}" if variant == "direct" else ""
            tag = f"[{variant}, {args.calls:,} calls, --max-calls {max_calls}{collector}]"
            advance_s = [r.advance_s for r in mine]
            per_call = [r.kb_per_call for r in mine]
            who = "server" if variant == "http" else "child"
            table += [
                (f"{tag} place", spread([r.place_s for r in mine], "s")),
                (f"{tag} advance to completion (wall)", spread(advance_s, "s")),
                (f"{tag} advance CPU of the {who}", spread([r.cpu_advance_s or 0.0 for r in mine], "s")),
                (f"{tag} reference loop (machine speed)", spread([r.reference_s for r in mine], "s")),
                (
                    f"{tag} advance / reference loop",
                    spread([r.advance_s / r.reference_s for r in mine if r.reference_s], "x"),
                ),
                (f"{tag} idle RSS", spread([r.start_rss_mb for r in mine], "MB", 1)),
                (f"{tag} peak RSS (VmHWM)", spread([r.hwm_mb for r in mine], "MB", 1)),
                (f"{tag} peak RSS above idle per call", spread(per_call, "KB", 2)),
            ]
            if variant == "direct":
                table.append(
                    (f"{tag} advance goal < {GOAL_ADVANCE_S:g} s", verdict(max(advance_s) < GOAL_ADVANCE_S))
                )
            if max_calls == 0:
                table.append(
                    (
                        f"{tag} per-call goal < {GOAL_KB_PER_CALL:g} KB",
                        verdict(max(per_call) < GOAL_KB_PER_CALL),
                    )
                )
            table.append(
                (f"{tag} all calls completed, checks", "ok" if all(r.ok for r in mine) else "PROBLEMS")
            )
    return table


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    if not values:
        return "-"
    return (
        f"{statistics.median(values):.{digits}f} {unit}  "
        f"(min {min(values):.{digits}f}, max {max(values):.{digits}f}, n={len(values)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds per variant and setting")
    add_arguments(parser)
    args = parser.parse_args()
    table = suite(args)
    width = max(len(name) for name, _ in table)
    print("\nsummary: median (min, max, n)" + ("  [PROFILED: timings inflated]" if args.profile else ""))
    for name, value in table:
        print(f"{name:<{width}}  {value}")
    return 0 if all("MISSED" not in v and "PROBLEMS" not in v for _, v in table) else 1


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    sys.exit(main())
