"""Run a page's shell walkthrough exactly as written and compare the outputs it shows.

The conventions :

- Every fenced ```bash block of a page is a walkthrough step. The page's steps run in order in ONE bash
  session, in a fresh empty directory, with ``PORT`` (and ``RT_PORT``) set to free ports and the
  checkout's ``.venv/bin`` first on ``PATH``; the page starts its own server
  (``mockserver serve ... --port ${PORT:-8080} &``) and the harness kills the whole session afterwards.
  Nothing in the page is rewritten.
- A block that is not a walkthrough step (installing, sudo, docker, a fragment) says so in its info
  string: ```bash no-run.
- A comment line ``# => TEXT`` shows output: every such line of a block must appear in that block's
  output, in order. ``…`` in TEXT matches anything (ids, times, the parts left out). TEXT's leading and
  trailing spaces are for reading only (a long output wrapped over several indented lines).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from mockserver.server import free_port

FENCE = re.compile(r"^```bash([^\n]*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
SHOWN = re.compile(r"^\s*# => ?(.*)$", re.MULTILINE)
MARK = "@@walkthrough-step@@"


@dataclass(frozen=True)
class Step:
    line: int
    code: str

    @property
    def shown(self) -> list[str]:
        return [line.strip() for line in SHOWN.findall(self.code)]


def steps(text: str) -> list[Step]:
    """The page's runnable bash blocks, in order (``bash no-run`` blocks left out)."""
    found = []
    for match in FENCE.finditer(text):
        if "no-run" in match.group(1).split():
            continue
        found.append(Step(text.count("\n", 0, match.start()) + 1, match.group(2)))
    return found


def pattern(shown: list[str]) -> re.Pattern[str]:
    """The shown lines, in order, anywhere in the output; ``…`` matches anything."""
    parts = [".*?".join(re.escape(piece) for piece in line.split("…")) for line in shown]
    return re.compile(".*?".join(parts), re.DOTALL)


#: A line of the background server's request or callback log (mockserver/requestlog.py). It shares the
#: terminal with curl, so it can land in the middle of a shown line (between a body and curl's ``-w``).
SERVER_LOG = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [a-z]+ (?:callback )?[A-Z]+ [^\n]*?\d+\.\dms"
    r"(?: call=\S+)?(?: #\d+)?\n"
)


def without_server_log(out: str) -> str:
    return SERVER_LOG.sub("", out)


def run(page_steps: list[Step], cwd: Path, port: int, bin_dir: Path, timeout: float = 45) -> list[str]:
    """Run the steps in one bash session; return each step's output (stdout and stderr)."""
    script = "set -eo pipefail\n"
    for step in page_steps:
        script += f"echo {MARK}\n{step.code}\n"
    # RT_PORT: the CALLR page's own Real-Time app server, so two runs on one machine do not collide
    env = {
        **os.environ,
        "PORT": str(port),
        "RT_PORT": str(free_port()),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    }
    env.pop("VIRTUAL_ENV", None)
    log = cwd / ".walkthrough.log"  # a file, not a pipe: the page's background server keeps a pipe open
    with log.open("w") as sink:
        proc = subprocess.Popen(
            ["bash", "-c", script],
            cwd=cwd,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)  # what the page started in the background
    out = without_server_log(log.read_text(encoding="utf-8", errors="replace"))
    if proc.returncode is None or proc.returncode < 0:
        raise AssertionError(f"walkthrough timed out after {timeout} s:\n{out}")
    outputs = out.split(MARK + "\n")[1:]
    if proc.returncode != 0:
        raise AssertionError(f"walkthrough exited {proc.returncode}:\n{out}")
    return outputs
