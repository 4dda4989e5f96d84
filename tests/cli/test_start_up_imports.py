"""Start-up imports only what the first request needs (issue 14, goal 5: ready < 0.2 s).

httpx (~90 ms: its import and its client's SSL context), faker (~60 ms) and cryptography (~25 ms, for
--tls) are imported where they are used. A timing test would be flaky on a shared machine, so these check
which modules a fresh interpreter has loaded instead: they fail when a module-level import is back.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.processes import fresh_python

HEAVY = ("httpx", "faker", "cryptography", "rich")


def loaded_after(code: str, modules: tuple[str, ...] = HEAVY) -> list[str]:
    """The ``modules`` (HEAVY unless told) a fresh interpreter has loaded once ``code`` ran."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {modules!r} if m in sys.modules)))"
    loaded: list[str] = json.loads(fresh_python(probe)[-1])
    return loaded


def test_the_cli_imports_nothing_heavy() -> None:
    assert loaded_after("import mockserver.cli") == []


def test_serving_imports_only_faker_which_names_the_default_accounts() -> None:
    """Each provider's default account is named by the seeded Faker, so it is built at start; the
    callbacks' httpx client waits for the first https callback, cryptography for --tls."""
    code = (
        "from mockserver.app import create_app\n"
        "from mockserver.server import run\n"
        "from mockserver.settings import Settings\n"
        "create_app(Settings())"
    )
    assert loaded_after(code) == ["faker"]


def test_serving_leaves_yaml_and_rarely_needed_modules_for_later() -> None:
    """YAML waits for the shipped scenarios' first use (or a user's file); xml.sax (with urllib.request)
    for an Esendex SOAP fault, WSDL or help page; wave for an uploaded WAVE file. ~20 ms in all."""
    code = (
        "from mockserver.app import create_app\n"
        "from mockserver.settings import Settings\n"
        "create_app(Settings())"
    )
    assert loaded_after(code, ("yaml", "xml.sax", "urllib.request", "wave")) == []


def test_tls_imports_cryptography(tmp_path: Path) -> None:
    code = (
        "from pathlib import Path\n"
        "from mockserver.app import create_app\n"
        "from mockserver.settings import Settings\n"
        f"create_app(Settings(tls=True, ca_dir=Path({str(tmp_path)!r})))"
    )
    assert "cryptography" in loaded_after(code)
