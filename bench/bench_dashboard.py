"""Does the dashboard stay responsive with 10,000 calls? First paint of /_mock/ui in headless Chromium.

    .venv/bin/python bench/bench_dashboard.py [--calls 10000] [--loads 5] [--chromium /usr/bin/chromium]

A MockServer (virtual clock, real socket) gets ``--calls`` Apifonica calls through the provider's HTTP
API, spread over the shipped scenarios by number, and the clock is advanced 5 s so the table holds a
mix of states (5 s: before any call is answered, so no controller is fetched). Then Chromium (Debian's,
driven by Playwright) loads the page ``--loads`` times, each in a fresh tab, and the Performance API
reports:

- first paint and first contentful paint (``performance.getEntriesByType("paint")``): the goal is < 1 s;
- "first rows": the page's own mark once the stream's first snapshot event (the newest 1,000 calls) is
  in the table, and "all loaded" once every older call has arrived too;
- "filter": typing in the filter until the next frame has been painted, over every call.

Also printed: the size of the snapshot event. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

from mockserver.server import MockServer
from mockserver.settings import Settings

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GOAL_MS = 1000.0

MEASURE = """async () => {
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map(e => [e.name, e.startTime]));
  const [shown] = performance.getEntriesByName("dashboard-snapshot-shown");
  await new Promise(function wait(done) {
    if (performance.getEntriesByName("dashboard-all-calls-loaded").length) done();
    else setTimeout(() => wait(done), 20);
  });
  const [loaded] = performance.getEntriesByName("dashboard-all-calls-loaded");
  const filter = document.getElementById("filter");
  const started = performance.now();
  filter.value = "ringing";
  filter.dispatchEvent(new Event("input"));
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  const filtered = performance.now() - started;
  return {fp: paint["first-paint"], fcp: paint["first-contentful-paint"], shown: shown.startTime,
          loaded: loaded.startTime, filter: filtered, count: document.getElementById("count").textContent};
}"""


def place_calls(base_url: str, total: int, threads: int = 4) -> float:
    """Place ``total`` calls through the Apifonica API from a few keep-alive clients; returns seconds."""
    [cred] = httpx.get(f"{base_url}/_mock/credentials").json()["apifonica"]
    sid, token = cred["account_sid"], cred["auth_token"]
    errors: list[str] = []

    def worker(first: int) -> None:
        with httpx.Client(base_url=base_url, auth=(sid, token), timeout=30) as client:
            for n in range(first, total, threads):
                body = {
                    "from": "442071234567",
                    "to": f"1555000000{n % 8}",
                    "controller": "http://127.0.0.1:9/",
                }
                response = client.post(f"/v2/accounts/{sid}/calls", json=body)
                if response.status_code != 201:
                    errors.append(response.text)

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} calls failed, e.g. {errors[0]}")
    return time.perf_counter() - started


def snapshot_bytes(base_url: str) -> int:
    """The size of the snapshot's events (``snapshot`` and every ``older``) on the wire."""
    total = 0
    with httpx.stream("GET", f"{base_url}/_mock/ui/stream", timeout=30) as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                total += len(line)
                if '"remaining":0}' in line:
                    break
    return total


def load_once(page: Page, url: str, screenshot: str | None) -> dict[str, Any]:
    page.goto(url)
    page.wait_for_selector("body[data-ready]", timeout=30_000)
    result: dict[str, Any] = page.evaluate(MEASURE)
    if screenshot:
        page.screenshot(path=screenshot)
    page.goto("about:blank")  # closes the event stream
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--screenshot", metavar="PNG", help="also save a screenshot of the loaded page")
    args = parser.parse_args()

    with MockServer(Settings(clock="virtual", port=0, seed=1)) as server:
        url = f"{server.base_url}/_mock/ui"
        print(f"placing {args.calls:,} calls through the Apifonica API ...", flush=True)
        placed = place_calls(server.base_url, args.calls)
        httpx.post(f"{server.base_url}/_mock/clock/advance", json={"seconds": 5}, timeout=120)
        print(f"  {placed:.1f} s; snapshot events {snapshot_bytes(server.base_url) / 1e6:.2f} MB", flush=True)

        runs = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            for n in range(1, args.loads + 1):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                runs.append(load_once(page, url, args.screenshot))
                page.close()
                r = runs[-1]
                print(
                    f"  load {n}: first paint {r['fp']:.0f} ms, first contentful paint {r['fcp']:.0f} ms, "
                    f"first rows {r['shown']:.0f} ms, all loaded {r['loaded']:.0f} ms, "
                    f"filter {r['filter']:.0f} ms ({r['count']})",
                    flush=True,
                )
            browser.close()

    def median(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)

    verdict = "ok" if median("fp") < GOAL_MS else "ABOVE GOAL"
    print(f"\nsummary ({args.calls:,} calls, median of {len(runs)} loads)")
    print(f"  first paint               {median('fp'):6.0f} ms   (goal < {GOAL_MS:.0f} ms: {verdict})")
    print(f"  first contentful paint    {median('fcp'):6.0f} ms")
    print(f"  first rows in the table   {median('shown'):6.0f} ms")
    print(f"  all calls loaded          {median('loaded'):6.0f} ms")
    print(f"  filter over every call    {median('filter'):6.0f} ms")
    return 0 if median("fp") < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
