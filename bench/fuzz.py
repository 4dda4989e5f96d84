"""The long fuzzing profile: the suite's hypothesis fuzz tests with many more examples, and a count.

    .venv/bin/python bench/fuzz.py [--examples 1600]

Runs tests/fuzz (every provider endpoint and every /_mock endpoint, over real HTTP on loopback) with
FUZZ_EXAMPLES examples per endpoint — 1,600 x 64 endpoints is about 100,000 requests — and prints the
number of requests, of answers >= 500 and of errors not in the owner's format. Not a test itself.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1600)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "fuzz.jsonl"
        env = {**os.environ, "FUZZ_EXAMPLES": str(args.examples), "FUZZ_REPORT": str(report)}
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/fuzz"], cwd=ROOT, env=env
        )
        rows = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
    total = {k: sum(r[k] for r in rows) for k in ("requests", "server_errors", "wrong_format")}
    print(
        f"{len(rows)} endpoints, {total['requests']} requests in {time.monotonic() - started:.0f} s: "
        f"{total['server_errors']} answers >= 500, {total['wrong_format']} errors not in the owner's format"
    )
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
