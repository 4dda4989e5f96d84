"""Every shell walkthrough in README.md, docs/ and bench/ runs as pasted and shows what it prints."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from tests.docs.walkthrough import pattern, run, steps, without_server_log

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(
    [ROOT / "README.md", ROOT / "bench" / "README.md", *(ROOT / "docs").rglob("*.md")],
)
RUNNABLE = [page for page in PAGES if steps(page.read_text(encoding="utf-8"))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_walkthrough_pages_are_found() -> None:
    names = {page.relative_to(ROOT).as_posix() for page in RUNNABLE}
    assert {"README.md", "docs/providers/apifonica.md"} <= names


@pytest.mark.parametrize("page", RUNNABLE, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_walkthrough_runs_as_pasted(page: Path, tmp_path: Path) -> None:
    page_steps = steps(page.read_text(encoding="utf-8"))
    outputs = run(page_steps, tmp_path, free_port(), Path(sys.executable).parent)
    assert len(outputs) == len(page_steps)
    for step, output in zip(page_steps, outputs, strict=True):
        if step.shown:
            where = f"{page.name}:{step.line}"
            assert pattern(step.shown).search(output), f"{where} drifted; it printed:\n{output}"


def test_shown_output_must_appear_in_order_with_ellipsis_as_anything() -> None:
    shown = ['{"now":"…Z"', '"status":"busy"']
    assert pattern(shown).search('{"now":"2026-01-01T09:00:10Z"}\n{"status":"busy"}')
    assert not pattern(shown).search('{"now":"2026-01-01T09:00:10Z"}\n{"status":"completed"}')
    assert not pattern(shown).search('{"status":"busy"}{"now":"2026-01-01T09:00:10Z"}')


def test_no_run_blocks_are_left_out() -> None:
    text = "```bash no-run\nsudo x\n```\n\n```bash\necho hi\n# => hi\n```\n"
    [step] = steps(text)
    assert step.shown == ["hi"]
    assert step.line == 5


def test_the_server_log_is_taken_out_even_mid_line() -> None:
    out = (
        '{"ErrorMessage":"required"}2026-01-01T09:01:00.000Z dillo GET /api/sendaction/voice/1 401 0.3ms\n'
        " (HTTP 401)\n"
        "2026-01-01T09:01:00.000Z dillo callback POST http://127.0.0.1:1/s 200 1.2ms call=c1 #1\n"
    )
    assert without_server_log(out) == '{"ErrorMessage":"required"} (HTTP 401)\n'
