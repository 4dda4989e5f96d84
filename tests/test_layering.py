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


def module_path(name: str) -> Path | None:
    relative = PACKAGE.joinpath(*name.split(".")[1:])
    for candidate in (relative.with_name(relative.name + ".py"), relative / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_modules(path: Path) -> set[str]:
    """The project modules a file imports, counting ``from mockserver import snapshot`` as
    ``mockserver.snapshot`` (a name that is no module, e.g. a class, is dropped by the walk)."""
    names = imports_of(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("mockserver")}


def reached_from(start: str) -> set[str]:
    """Every project module ``start`` imports, directly or through another project module."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        path = module_path(name)
        if name in seen or path is None:
            continue
        seen.add(name)
        todo.extend(imported_modules(path))
    return seen


def test_state_does_not_import_control() -> None:
    """AppState holds records, not HTTP: what it keeps (sinks, timeline) lives in mockserver/records/."""
    reached = reached_from("mockserver.state")
    assert "mockserver.snapshot" in reached, "the walk must follow state.py's imports"
    control = sorted(n for n in reached if n.startswith("mockserver.control"))
    assert not control, f"state.py reaches {control}"


@pytest.mark.parametrize("path", modules("records"), ids=lambda p: p.name)
def test_records_import_only_core_callback_model_and_themselves(path: Path) -> None:
    allowed = ("mockserver.core", "mockserver.callbacks.model", "mockserver.records")
    for name in project_imports(path):
        assert name.startswith(allowed), f"{path.name} imports {name}"
