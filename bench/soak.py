"""Soak: calls without end against one server with the retention cap on; RSS over time.

    .venv/bin/python bench/soak.py [--minutes 10] [--max-calls 2000] [--batch 200] [--sample 15]
                                   [--provider dillo|apifonica|callr|esendex|routee|all] [--warm-up 60]

Spawns ``mockserver serve --clock virtual --max-calls N`` on loopback, then until the time is up: places
a batch of calls (Dillo: the engine benchmark's flow; any other provider, or ``all`` in turn:
through the contract test's driver, tests/providers/<name>/driver.py, over its own API), advances the
virtual clock two minutes so they finish, and every ``--sample`` seconds prints the server's RSS,
its calls kept and evicted. At the end: RSS once the cap was reached and the warm-up is over — min /
median / max and the largest deviation from the median (the goal: within ±10 %). The warm-up
(``--warm-up`` seconds, default 60) leaves out the first samples after the cap, while the allocator's
arenas, interned strings and each provider's first-use caches still grow; the line for every sample
from the cap on is printed too, so the warm-up's effect is visible. Bounded in time, loopback only;
not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench_engine_dillo import place, wait_ready

from mockserver.providers import REGISTRY
from mockserver.server import free_port

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from providers.test_contract import load_driver  # each provider's own client code


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--max-calls", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--sample", type=float, default=15.0)
    parser.add_argument("--provider", default="dillo", help="a provider, or 'all' (one batch each in turn)")
    parser.add_argument("--warm-up", type=float, default=60.0, help="seconds left out of the summary")
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "mockserver", "serve", "--clock", "virtual", "--port", str(port)]
    command += ["--max-calls", str(args.max_calls), "--log-level", "warning"]
    # CALLR's calls cost credit, and an account without any is shut down: give it plenty
    credentials = Path(tempfile.mkdtemp()) / "credentials.yaml"
    credentials.write_text("callr:\n  - credit: 1000000000\n")
    command += ["--credentials", str(credentials)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    samples: list[tuple[float, float, int, int]] = []  # seconds, RSS MB, calls kept, evicted
    try:
        wait_ready(base, time.monotonic() + 15)
        cred = httpx.get(f"{base}/_mock/credentials").json()["dillo"][0]
        headers = {"ApiKey": cred["ApiKey"], "CustomerCode": cred["CustomerCode"]}
        names = sorted(REGISTRY) if args.provider == "all" else [args.provider]
        control = httpx.Client(base_url=base, timeout=60)
        drivers = {name: load_driver(name)(base, control) for name in names if name != "dillo"}
        started = time.monotonic()
        next_sample = started
        placed = 0
        print(f"{'s':>6} {'RSS MB':>8} {'calls':>7} {'evicted':>8} {'placed':>8}")
        while time.monotonic() - started < args.minutes * 60:
            name = names[(placed // args.batch) % len(names)]
            if name == "dillo":
                asyncio.run(place(base, headers, args.batch, 8))
            else:
                if name == "routee":  # its token expires as the virtual clock moves: a fresh one
                    drivers[name].close()
                    drivers[name] = load_driver(name)(base, control)
                for _ in range(args.batch):
                    drivers[name].place("442079460001")
            placed += args.batch
            httpx.post(f"{base}/_mock/clock/advance", json={"seconds": 120}, timeout=600).raise_for_status()
            if time.monotonic() >= next_sample:
                health = httpx.get(f"{base}/_mock/health").json()
                row = (
                    time.monotonic() - started,
                    rss_mb(server.pid),
                    health["calls"],
                    health["evicted_calls"],
                )
                samples.append(row)
                print(f"{row[0]:6.0f} {row[1]:8.1f} {row[2]:7d} {row[3]:8d} {placed:8d}", flush=True)
                next_sample += args.sample
    finally:
        server.terminate()
        server.wait(timeout=30)
    capped = [(at, rss) for at, rss, _, evicted in samples if evicted > 0]
    if len(capped) < 2:
        print("the cap was not reached: run longer or lower --max-calls")
        return
    summarise("from the cap on", [rss for _, rss in capped])
    settled = [rss for at, rss in capped if at >= args.warm_up]
    if len(settled) < 2:
        print(f"fewer than 2 samples after the {args.warm_up:.0f} s warm-up: run longer")
        return
    summarise(f"after the {args.warm_up:.0f} s warm-up", settled)


def summarise(label: str, values: list[float]) -> None:
    median = statistics.median(values)
    worst = max(abs(r - median) for r in values) / median * 100
    print(
        f"RSS {label} ({len(values)} samples): min {min(values):.1f} / median {median:.1f} / "
        f"max {max(values):.1f} MB; largest deviation from the median {worst:.1f} %"
    )


if __name__ == "__main__":
    main()
