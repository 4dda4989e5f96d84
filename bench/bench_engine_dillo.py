"""Engine benchmark through a provider API with no callback URLs (issue #3): Dillo send actions.

    .venv/bin/python bench/bench_engine_dillo.py [--calls 10000]

Starts ``mockserver serve --clock virtual`` as a subprocess, places N Dillo voice send actions (a Say then a
Hangup, no StatusCallbackUrl, so the server makes no HTTP request of its own), then one
``POST /_mock/clock/advance`` drives every call to completion. Prints the wall time of placing and of the
advance (goal < 3 s), and the server's peak RSS from /proc (goal < 300 MB). Placing is bound by the Python
client, not the server; the advance is the engine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import httpx

from mockserver.server import free_port

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


async def place(base: str, headers: dict[str, str], calls: int, concurrency: int) -> None:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:
        gate = asyncio.Semaphore(concurrency)

        async def one(n: int) -> None:
            payload = {
                "Sender": "+15550009999",
                "TelephoneNumber": f"+4420{n:08d}",
                "ChannelBehavior": {"ChannelBehaviorNodes": FLOW},
            }
            body = {"SendActionType": "Voice", "MessagePayload": json.dumps(payload)}
            async with gate:
                response = await client.post("/api/sendaction", json=body)
            if response.status_code != 200:
                raise RuntimeError(response.text)

        await asyncio.gather(*(one(n) for n in range(calls)))


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "mockserver",
        "serve",
        "--clock",
        "virtual",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        wait_ready(base, time.monotonic() + 15)
        cred = httpx.get(f"{base}/_mock/credentials").json()["dillo"][0]
        headers = {"ApiKey": cred["ApiKey"], "CustomerCode": cred["CustomerCode"]}
        started = time.perf_counter()
        asyncio.run(place(base, headers, args.calls, args.concurrency))
        placed = time.perf_counter()
        httpx.post(f"{base}/_mock/clock/advance", json={"seconds": 120}, timeout=600).raise_for_status()
        advanced = time.perf_counter()
        calls = httpx.get(f"{base}/_mock/calls", params={"provider": "dillo"}, timeout=60).json()["calls"]
        completed = sum(1 for c in calls if c["state"] == "completed")
        deliveries = len(httpx.get(f"{base}/_mock/callbacks", timeout=60).json()["callbacks"])
        rss = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=15)
    advance = advanced - placed
    print(f"place {args.calls:,} calls (client-bound)   {placed - started:6.2f} s")
    print(
        f"advance to completion (wall)      {advance:6.2f} s   goal < 3 s: "
        f"{'met' if advance < 3 else 'MISSED'}"
    )
    print(
        f"peak RSS of the server            {rss:6.1f} MB  goal < 300 MB: {'met' if rss < 300 else 'MISSED'}"
    )
    print(f"completed / callbacks made        {completed:,} / {deliveries}")


if __name__ == "__main__":
    main()
