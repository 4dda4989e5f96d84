"""Engine benchmark through a provider API (issue #14, goal 4): Dillo voice send actions, no callbacks.

    .venv/bin/python bench/bench_engine_dillo.py [--calls 100000] [--rounds 3] [--max-calls 0,10000]

Each round starts a fresh ``mockserver serve --clock virtual --max-calls N`` subprocess, places
``--calls`` Dillo voice send actions (a Say then a Hangup; no StatusCallbackUrl, so the server makes no
HTTP request of its own) over ``--concurrency`` keep-alive connections, then one
``POST /_mock/clock/advance`` of 120 virtual seconds drives every call to completion. Figures per round:
the wall time of the advance (goal < 8 s), the server's CPU during it, and the server's peak RSS
(VmHWM) above its idle RSS (VmRSS once healthy, before the first call) divided by the calls placed
(goal < 2.5 KB per call, measured with a retention that keeps every call: ``--max-calls 0``). With the
default retention (``--max-calls 10000``) the oldest finished calls are evicted and the figure says how
flat the server stays instead.

Placing uses a minimal HTTP/1.1 client on asyncio streams (httpx costs ~1.5 ms of CPU per request,
which on a 2-core machine takes CPU from the server being measured). ``--profile DIR`` runs the server
under cProfile (timings inflated, not compared to goals). Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import (
    cpu_seconds,
    mock_process,
    print_profile,
    proc_status,
    read_response,
    reference_seconds,
    spread,
    verdict,
)

from mockserver.server import free_port

GOAL_ADVANCE_S = 8.0
GOAL_KB_PER_CALL = 2.5
ADVANCE_S = 120.0  # virtual seconds: the flow (a Say, then Hangup) ends well within this

FLOW = {
    "0": {
        "ActionType": "Say",
        "NextNode": 1,
        "ChannelBehaviorAction": {"Text": "Hello there, this is a test"},
    },
    "1": {"ActionType": "Hangup", "ChannelBehaviorAction": {}},
}


def wait_ready(base: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/_mock/health").status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)  # waiting for another process to bind its socket
    raise RuntimeError("the server did not start")


def dillo_headers(base: str) -> dict[str, str]:
    cred = httpx.get(f"{base}/_mock/credentials", timeout=10).json()["dillo"][0]
    return {"ApiKey": cred["ApiKey"], "CustomerCode": cred["CustomerCode"]}


def body_for(n: int) -> bytes:
    payload = {
        "Sender": "+15550009999",
        "TelephoneNumber": f"+4420{n:08d}",
        "ChannelBehavior": {"ChannelBehaviorNodes": FLOW},
    }
    return json.dumps({"SendActionType": "Voice", "MessagePayload": json.dumps(payload)}).encode()


async def place(base: str, headers: dict[str, str], calls: int, concurrency: int, first: int = 0) -> int:
    """Place ``calls`` voice send actions over ``concurrency`` keep-alive connections; returns how many
    were not answered 200 (raises if any was, with the first answer)."""
    host, port = base.removeprefix("http://").split(":")
    head = (
        f"POST /api/sendaction HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    )
    numbers = iter(range(first, first + calls))
    failures: list[str] = []

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for n in numbers:  # one shared iterator: each call is placed exactly once
                body = body_for(n)
                writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
                status, text = await read_response(reader)
                if status != 200:
                    failures.append(f"{status} {text[:200]!r}")
        finally:
            writer.close()
            await writer.wait_closed()

    await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(concurrency))), timeout=calls * 0.1 + 60)
    if failures:
        raise RuntimeError(f"{len(failures)} placements failed, e.g. {failures[0]}")
    return len(failures)


@dataclass
class DilloRound:
    max_calls: int
    place_s: float
    advance_s: float
    cpu_advance_s: float
    idle_rss_mb: float
    hwm_mb: float
    calls: int
    reference_s: float = 0.0  # reference_seconds() just before the advance
    problems: list[str] = field(default_factory=list)

    @property
    def kb_per_call(self) -> float:
        return (self.hwm_mb - self.idle_rss_mb) * 1024 / self.calls


def dillo_round(calls: int, max_calls: int, concurrency: int, profile: Path | None = None) -> DilloRound:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with mock_process(port, "--max-calls", str(max_calls), profile=profile) as server:
        idle = proc_status(server.pid)["VmRSS"]
        headers = dillo_headers(base)
        started = time.perf_counter()
        asyncio.run(place(base, headers, calls, concurrency))
        place_s = time.perf_counter() - started
        reference = reference_seconds()
        cpu0 = cpu_seconds(server.pid)
        started = time.perf_counter()
        response = httpx.post(f"{base}/_mock/clock/advance", json={"seconds": ADVANCE_S}, timeout=900)
        advance_s = time.perf_counter() - started
        cpu_advance = cpu_seconds(server.pid) - cpu0
        hwm = proc_status(server.pid)["VmHWM"]  # before the checks below add their own JSON
        problems = [] if response.status_code == 200 else [f"advance: {response.status_code}"]
        health: dict[str, Any] = httpx.get(f"{base}/_mock/health", timeout=60).json()
        listed = httpx.get(f"{base}/_mock/calls", params={"provider": "dillo"}, timeout=120).json()["calls"]
        completed = sum(1 for c in listed if c["state"] == "completed")
        kept = min(calls, max_calls) if max_calls else calls
        if completed != kept or health["calls"] != kept or health["evicted_calls"] != calls - kept:
            problems.append(
                f"{completed} completed of {len(listed)} listed, health {health['calls']} kept "
                f"{health['evicted_calls']} evicted; expected {kept} kept"
            )
        deliveries = len(httpx.get(f"{base}/_mock/callbacks", timeout=60).json()["callbacks"])
        if deliveries:
            problems.append(f"{deliveries} callbacks although no flow has a callback URL")
        if health.get("internal_errors"):
            problems.append(f"internal errors: {health['internal_errors'][:3]}")
    return DilloRound(max_calls, place_s, advance_s, cpu_advance, idle, hwm, calls, reference, problems)


# -- the suite (bench/run.py) and the script --------------------------------------------------------
def rows(rounds: list[DilloRound], calls: int) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for max_calls in sorted({r.max_calls for r in rounds}):
        mine = [r for r in rounds if r.max_calls == max_calls]
        tag = f"[dillo, {calls:,} calls, --max-calls {max_calls}]"
        advance = [r.advance_s for r in mine]
        per_call = [r.kb_per_call for r in mine]
        out += [
            (f"{tag} place (client-bound)", spread([r.place_s for r in mine], "s")),
            (f"{tag} advance to completion (wall)", spread(advance, "s")),
            (f"{tag} advance CPU of the server", spread([r.cpu_advance_s for r in mine], "s")),
            (f"{tag} reference loop (machine speed)", spread([r.reference_s for r in mine], "s")),
            (f"{tag} advance / reference loop", spread([r.advance_s / r.reference_s for r in mine], "x")),
            (f"{tag} advance goal < {GOAL_ADVANCE_S:g} s", verdict(max(advance) < GOAL_ADVANCE_S)),
            (f"{tag} idle RSS", spread([r.idle_rss_mb for r in mine], "MB", 1)),
            (f"{tag} peak RSS (VmHWM)", spread([r.hwm_mb for r in mine], "MB", 1)),
            (f"{tag} peak RSS above idle per call", spread(per_call, "KB", 2)),
        ]
        if max_calls == 0:
            out.append(
                (f"{tag} per-call goal < {GOAL_KB_PER_CALL:g} KB", verdict(max(per_call) < GOAL_KB_PER_CALL))
            )
        out.append(
            (f"{tag} all calls completed, checks", "ok" if all(not r.problems for r in mine) else "PROBLEMS")
        )
    return out


def run_rounds(
    calls: int, settings: list[int], rounds: int, concurrency: int, profile: Path | None = None
) -> list[DilloRound]:
    results: list[DilloRound] = []
    for number in range(1, rounds + 1):
        for max_calls in settings:  # interleaved: drift on a shared machine hits each setting alike
            prof = profile / f"engine-dillo-{max_calls}-{number}.prof" if profile else None
            result = dillo_round(calls, max_calls, concurrency, prof)
            results.append(result)
            print(
                f"  round {number} dillo --max-calls {max_calls:<6} place {result.place_s:6.2f}s"
                f"  advance {result.advance_s:6.2f}s (cpu {result.cpu_advance_s:5.2f}s)"
                f"  RSS idle {result.idle_rss_mb:5.1f} peak {result.hwm_mb:6.1f} MB"
                f" = {result.kb_per_call:5.2f} KB/call  reference {result.reference_s:.2f}s"
                f"  {'ok' if not result.problems else 'PROBLEMS'}",
                flush=True,
            )
            for problem in result.problems:
                print(f"    ! {problem}")
            if prof is not None:
                print_profile(prof, 25)
    return results


def max_calls_list(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError("a comma-separated list of retention caps (0 = keep every call)")
    return values


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-calls", type=max_calls_list, default=[0, 10_000], help="e.g. 0,10000")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--profile", type=Path, help="run the server under cProfile, write DIR/*.prof")
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    results = run_rounds(args.calls, args.max_calls, args.rounds, args.concurrency, args.profile)
    table = rows(results, args.calls)
    width = max(len(name) for name, _ in table)
    print("\nsummary: median (min, max, n)" + ("  [PROFILED: timings inflated]" if args.profile else ""))
    for name, value in table:
        print(f"{name:<{width}}  {value}")
    return 0 if all("MISSED" not in v and "PROBLEMS" not in v for _, v in table) else 1


if __name__ == "__main__":
    sys.exit(main())
