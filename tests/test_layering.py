"""The dependency rules of docs/architecture.md, kept by scanning imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "mockserver"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def project_imports(path: Path) -> set[str]:
    return {name for name in imports_of(path) if name.startswith("mockserver")}


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: p.name)
def test_core_imports_only_the_standard_library_and_itself(path: Path) -> None:
    third_party = {n.split(".")[0] for n in imports_of(path)} - {"mockserver", "__future__"}
    stdlib = set(sys.stdlib_module_names)
    assert third_party <= stdlib, f"{path.name} imports {third_party - stdlib}"
    assert all(n.startswith("mockserver.core") for n in project_imports(path))


@pytest.mark.parametrize("path", modules("scenario") + modules("callbacks"), ids=lambda p: p.name)
def test_scenario_and_callbacks_import_only_core_and_themselves(path: Path) -> None:
    own = f"mockserver.{path.parent.name}"
    for name in project_imports(path):
        assert name.startswith(("mockserver.core", own)), f"{path.name} imports {name}"


@pytest.mark.parametrize(
    "path",
    [p for p in modules("providers") if p.parent != PACKAGE / "providers"],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_a_provider_imports_core_base_callback_model_and_itself(path: Path) -> None:
    own = f"mockserver.providers.{path.parent.name}"
    allowed = ("mockserver.core", "mockserver.providers.base", "mockserver.callbacks.model", own)
    for name in project_imports(path):
        assert name.startswith(allowed), f"{path.parent.name}/{path.name} imports {name}"


@pytest.mark.parametrize("path", modules("control"), ids=lambda p: p.name)
def test_control_never_imports_a_specific_provider(path: Path) -> None:
    for name in project_imports(path):
        assert not name.startswith("mockserver.providers."), f"{path.name} imports {name}"
