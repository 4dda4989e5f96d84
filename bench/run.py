"""The side-by-side suite: every registered bench against its peers, then one table of ratios.

    .venv/bin/python bench/run.py [--rounds 3] [--only webhooks] [suite options...]
    WIREMOCK_JAR=/path/to/wiremock-standalone.jar .venv/bin/python bench/run.py

A suite is a module in bench/ with ``add_arguments(parser)`` (its own options) and ``suite(args)``, which
runs its rounds (peers interleaved) and returns rows ``(figure, "median (min, max)")``. To add one (reads,
engine, ...), write those two functions and add a line to :data:`SUITES`. See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

#: name → module in bench/ (imported only when that suite runs).
SUITES: dict[str, str] = {
    "webhooks": "bench_webhooks",
    "reads": "bench_reads",
    "engine": "bench_engine",  # direct and through Dillo's API (--variant both); minutes per round
}


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds per suite (>= 3 for a report)"
    )
    parser.add_argument(
        "--only", action="append", choices=sorted(SUITES), help="run only this suite (repeatable)"
    )


def suite_args(module: Any, argv: list[str]) -> argparse.Namespace:
    """``argv`` as one suite reads it. Suites share option names (--seconds, --concurrency: one meaning
    each) but not their defaults: parsed together, the last suite's default won for every suite (the
    webhooks suite ran c8 at 3 s, the reads suite's defaults, instead of its own c32 at 10 s)."""
    own = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    _common(own)
    module.add_arguments(own)
    args, _ = own.parse_known_args(argv)  # the other suites' options were checked by main's parser
    return args


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        conflict_handler="resolve",  # suites share --seconds / --concurrency: one meaning each
    )
    _common(parser)
    modules: dict[str, Any] = {}
    for name, module in SUITES.items():
        modules[name] = importlib.import_module(module)
        modules[name].add_arguments(parser.add_argument_group(name))
    args = parser.parse_args()
    table: list[tuple[str, str, str]] = []
    for name in args.only or list(SUITES):
        own = suite_args(modules[name], sys.argv[1:])
        table.extend((name, figure, value) for figure, value in modules[name].suite(own))
    width = max((len(figure) for _, figure, _ in table), default=10)
    print(f"\nside by side: median (min, max) over {args.rounds} interleaved round(s)")
    for name, figure, value in table:
        print(f"  {name:<10} {figure:<{width}}  {value}")
    return 0 if all("MISSED" not in value for _, _, value in table) else 1


if __name__ == "__main__":
    sys.exit(main())
