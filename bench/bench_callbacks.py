"""Callback benchmark: 10,000 calls with every status event delivered to a local receiver on loopback.

    .venv/bin/python bench/bench_callbacks.py [--calls 10000] [--rounds 3] [--profile DIR]

``mockserver serve --clock virtual`` runs as a subprocess; a receiver runs in another process (a minimal
HTTP/1.1 keep-alive server on asyncio streams that answers every request 200 with an empty body, which
for Apifonica's controller fetch means "carry on"). The calls are placed through the Apifonica REST API
(``events: "all"``, ``X-Mock-Scenario: answered``, controller = the receiver), as in bench_engine.py.
Each call then causes five deliveries to the receiver: the events ``queued`` (submitted while the call
is created), ``initiated``, ``ringing`` and ``completed``, and the controller fetch on answer (which is
Apifonica's ``answered`` notice; there is no separate ``answered`` event).

Measured (issue #3, "Benchmarks"; goal >= 3,000 delivered callbacks/s on this 2-core machine, none lost
or unrecorded):
- the ``queued`` events are let through before the clock moves (the receiver is polled until it has them
  all), then one POST /_mock/clock/advance drives every call to completion; delivered callbacks/s = what
  the receiver got during that request / its wall time.
- lost or unrecorded: the receiver's count and its (call_sid, status) pairs, against GET /_mock/callbacks
  (every delivery must have exactly one attempt, status 200, delivered=true, and the same pairs), against
  the expected 5 per call.
- the server's peak RSS (VmHWM from /proc/<pid>/status) and CPU seconds (/proc/<pid>/stat).

``--profile DIR`` runs the server under cProfile and prints its top functions (timings then inflated).
Not a test: pytest does not collect it (it lives outside tests/ and has no test_ prefix).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import (  # a sibling script, not a package
    SCENARIO,
    advance,
    apifonica_account,
    cpu_seconds,
    free_port,
    health,
    mock_process,
    place_calls,
    print_profile,
    proc_status,
    wait_healthy,
)

GOAL_RATE = 3000.0
#: What one call of the "answered" scenario sends its controller, by Apifonica status.
EVENTS = ("queued", "initiated", "ringing", "completed")
FETCHES = ("answered",)
PER_CALL = len(EVENTS) + len(FETCHES)


# -- the receiver (its own process) --------------------------------------------------------------
def serve_receiver(port: int) -> None:
    asyncio.run(_receiver(port))


async def _receiver(port: int) -> None:
    """Answers every request 200 (empty body); ``GET /stats`` answers what it has received."""
    by_status: Counter[str] = Counter()
    pairs: set[tuple[str, str]] = set()
    stats: dict[str, Any] = {"total": 0, "duplicates": 0, "first": None, "last": None}
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                length = 0
                lines = head.decode("latin-1").split("\r\n")
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                body = await reader.readexactly(length) if length else b""
                if lines[0].startswith("GET /stats"):
                    data = json.dumps({**stats, "by_status": by_status, "unique": len(pairs)}).encode()
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        + f"Content-Length: {len(data)}\r\n\r\n".encode()
                        + data
                    )
                else:
                    now = time.monotonic()  # system-wide on Linux: comparable with the parent's
                    stats["first"] = stats["first"] or now
                    stats["last"] = now
                    stats["total"] += 1
                    form = dict(parse_qsl(body.decode()))
                    status = form.get("status", "?")
                    by_status[status] += 1
                    pair = (form.get("call_sid", "?"), status)
                    if pair in pairs:
                        stats["duplicates"] += 1
                    pairs.add(pair)
                    writer.write(ok)
                await writer.drain()
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


class Receiver:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: BaseProcess = multiprocessing.get_context("spawn").Process(
            target=serve_receiver, args=(self.port,), daemon=True
        )

    def __enter__(self) -> Receiver:
        self.process.start()
        wait_healthy(self.port, self.process.is_alive, path="/stats")
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = httpx.get(f"{self.url}/stats", timeout=30).json()
        return result

    def wait_for(self, total: int, timeout: float) -> dict[str, Any]:
        """Poll until the receiver has ``total`` requests (or the time is up); its stats."""
        deadline = time.monotonic() + timeout
        while (stats := self.stats())["total"] < total and time.monotonic() < deadline:
            time.sleep(0.05)  # wall-clock ok: waits for deliveries in flight between two processes
        return stats


# -- one round ---------------------------------------------------------------------------------
@dataclass
class Round:
    place_s: float
    advance_s: float
    during_advance: int
    hwm_mb: float
    cpu_advance_s: float
    received: int
    recorded: int
    expected: int
    lost: int
    unrecorded: int
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.during_advance / self.advance_s

    @property
    def ok(self) -> bool:
        return not self.problems


def one_round(args: argparse.Namespace, number: int) -> Round:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    profile = args.profile / f"callbacks-{number}.prof" if args.profile else None
    expected = args.calls * PER_CALL
    with Receiver() as receiver, mock_process(port, profile=profile) as server:
        account = apifonica_account(base)
        place_s, _, failures = asyncio.run(
            place_calls(base, account, args.calls, args.concurrency, f"{receiver.url}/cb", "all")
        )
        before = receiver.wait_for(args.calls, timeout=args.timeout)  # the queued events
        cpu0 = cpu_seconds(server.pid)
        advance_s = advance(base, args.seconds, args.timeout)
        cpu_advance = cpu_seconds(server.pid) - cpu0
        after = receiver.stats()
        hwm = proc_status(server.pid)["VmHWM"]

        problems = [f"{len(failures)} placements failed, e.g. {failures[0]}"] if failures else []
        if before["total"] != args.calls:
            problems.append(f"before the advance the receiver had {before['total']}, not {args.calls}")
        rows = httpx.get(f"{base}/_mock/callbacks", timeout=300).json()["callbacks"]
        calls = httpx.get(f"{base}/_mock/calls", timeout=120).json()["calls"]
        errors = health(base)["internal_errors"]

    states = Counter(call["state"] for call in calls)
    if states != Counter({"completed": args.calls}):
        problems.append(f"calls not all completed: {dict(states)}")
    if errors:
        problems.append(f"internal errors: {errors[:3]}")
    attempts = [a for row in rows for a in row["attempts"]]
    good = [row for row in rows if row["delivered"] and len(row["attempts"]) == 1]
    if len(good) != len(rows) or any(a.get("status") != 200 for a in attempts):
        bad = [row for row in rows if row not in good][:2]
        problems.append(f"{len(rows) - len(good)} deliveries not delivered at the first attempt, e.g. {bad}")
    kinds = Counter(row["kind"] for row in rows)
    if kinds != Counter({"event": args.calls * len(EVENTS), "fetch": args.calls * len(FETCHES)}):
        problems.append(f"recorded kinds {dict(kinds)}")
    recorded_pairs = set()
    for row in rows:
        form = dict(parse_qsl(row["body"] or ""))
        recorded_pairs.add((form.get("call_sid", "?"), form.get("status", "?")))
    by_status = after["by_status"]
    if by_status != {status: args.calls for status in (*EVENTS, *FETCHES)}:
        problems.append(f"receiver by status {by_status}")
    if after["duplicates"]:
        problems.append(f"receiver got {after['duplicates']} duplicates")
    if after["unique"] != len(recorded_pairs) or len(recorded_pairs) != expected:
        problems.append(
            f"distinct (call, status): receiver {after['unique']}, recorded {len(recorded_pairs)}"
        )

    lost = expected - after["unique"]  # expected but never reached the receiver
    unrecorded = after["total"] - sum(1 for a in attempts if a.get("status") == 200)
    if lost or unrecorded:
        problems.append(f"lost {lost}, unrecorded {unrecorded}")
    return Round(
        place_s=place_s,
        advance_s=advance_s,
        during_advance=after["total"] - before["total"],
        hwm_mb=hwm,
        cpu_advance_s=cpu_advance,
        received=after["total"],
        recorded=len(attempts),
        expected=expected,
        lost=lost,
        unrecorded=unrecorded,
        problems=problems,
    )


# -- main --------------------------------------------------------------------------------------
def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=10_000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (fresh server and receiver each)")
    parser.add_argument("--concurrency", type=int, default=4, help="client connections for placing")
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="virtual seconds to advance (the scenario ends by 42 s)"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="wall seconds allowed for one advance")
    parser.add_argument("--profile", type=Path, help="run the server under cProfile; write DIR/*.prof")
    parser.add_argument("--top", type=int, default=25, help="functions to print per profile")
    args = parser.parse_args()
    if args.calls < 1 or args.rounds < 1 or args.concurrency < 1 or args.seconds < 42 or args.timeout <= 0:
        parser.error("--calls, --rounds, --concurrency must be positive and --seconds at least 42")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    return args


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    return (
        f"{statistics.median(values):,.{digits}f} {unit}  "
        f"(min {min(values):,.{digits}f}, max {max(values):,.{digits}f}, n={len(values)})"
    )


def main() -> int:
    args = parse_args()
    print(
        f"callbacks: {args.calls:,} calls (scenario {SCENARIO!r}, events all), {PER_CALL} deliveries a call, "
        f"{args.rounds} round(s), load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus"
        + ("  [PROFILED: timings inflated]" if args.profile else ""),
        flush=True,
    )
    rounds = []
    for number in range(1, args.rounds + 1):
        r = one_round(args, number)
        rounds.append(r)
        print(
            f"  round {number}  place {r.place_s:6.2f}s  advance {r.advance_s:6.2f}s"
            f" ({r.during_advance:,} delivered: {r.rate:6.0f}/s, server cpu {r.cpu_advance_s:.2f}s)"
            f"  received {r.received:,} recorded {r.recorded:,} expected {r.expected:,}"
            f"  lost {r.lost} unrecorded {r.unrecorded}  peak RSS {r.hwm_mb:.1f} MB"
            f"  {'ok' if r.ok else 'PROBLEMS'}",
            flush=True,
        )
        for problem in r.problems:
            print(f"    ! {problem}")
        if args.profile:
            print_profile(args.profile / f"callbacks-{number}.prof", args.top)

    rates = [r.rate for r in rounds]
    rows = [
        (f"place {args.calls:,} calls (events all)", spread([r.place_s for r in rounds], "s")),
        ("advance to completion (wall)", spread([r.advance_s for r in rounds], "s")),
        ("advance CPU of the server", spread([r.cpu_advance_s for r in rounds], "s")),
        ("delivered callbacks/s during the advance", spread(rates, "/s", 0)),
        (
            f"goal >= {GOAL_RATE:,.0f}/s",
            "met" if statistics.median(rates) >= GOAL_RATE else "MISSED",
        ),
        (
            "received / recorded / expected",
            " / ".join(f"{r.received}/{r.recorded}/{r.expected}" for r in rounds),
        ),
        ("lost / unrecorded", "  ".join(f"{r.lost}/{r.unrecorded}" for r in rounds)),
        ("peak RSS (server subprocess, VmHWM)", spread([r.hwm_mb for r in rounds], "MB", 1)),
        ("all checks", "ok" if all(r.ok for r in rounds) else "PROBLEMS"),
    ]
    width = max(len(name) for name, _ in rows)
    print("\nsummary" + ("  [PROFILED: timings inflated]" if args.profile else ""))
    print("-" * (width + 50))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0 if all(r.ok for r in rounds) else 1


if __name__ == "__main__":
    sys.exit(main())
