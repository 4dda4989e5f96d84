"""Docs cite what a user can open: public provider pages and repositories, never this project's
private working files (research notes, seed files, paths on the machine it was built on)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", ROOT / "bench" / "README.md", *(ROOT / "docs").rglob("*.md")])
PRIVATE = re.compile(
    r"shared/|/work/|\bseeds?/|\b\d{3}_[0-9a-f]{16}\.txt\b|sources-round\d|ARCHITECTURE\.md|STYLE\.md"
)


def private_citations(text: str) -> list[str]:
    return [
        f"{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        if PRIVATE.search(line)
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_page_cites_no_private_file(page: Path) -> None:
    assert private_citations(page.read_text(encoding="utf-8")) == []


def test_private_paths_are_caught() -> None:
    for line in [
        "see shared/providers/dillo.md",
        "from /work/shared/seeds/003_5b801f1097a8b85a.txt",
        "the seed 001_083368ee9b707044.txt says",
        "This follows `ARCHITECTURE.md`",
        "listed in sources-round2",
    ]:
        assert private_citations(line), line
    assert private_citations("https://api.dillo.cloud/api/ and --seed 42 and docs/architecture.md") == []
