"""The layers of the design, kept by a test: imports point down only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "livefeed"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", _modules(PACKAGE / "domain"), ids=lambda p: p.name)
def test_domain_uses_only_the_standard_library(path: Path) -> None:
    outside = {
        name
        for name in _imports(path)
        if _top(name) not in sys.stdlib_module_names
        and not name.startswith("livefeed.domain")
        and name != "__future__"
    }
    assert not outside, f"{path.name} imports {sorted(outside)}"


@pytest.mark.parametrize("path", _modules(PACKAGE / "store"), ids=lambda p: p.name)
def test_store_knows_only_the_domain(path: Path) -> None:
    ours = {name for name in _imports(path) if _top(name) == "livefeed"}
    above = {n for n in ours if not n.startswith(("livefeed.domain", "livefeed.store"))}
    assert not above, f"{path.name} imports {sorted(above)}"


USE_CASES = [p for p in PACKAGE.glob("*.py") if p.name not in ("cli.py", "__init__.py")]


@pytest.mark.parametrize("path", USE_CASES, ids=lambda p: p.name)
def test_use_cases_know_no_face(path: Path) -> None:
    faces = {
        name
        for name in _imports(path)
        if name.startswith(("livefeed.web", "livefeed.cli", "starlette", "click", "uvicorn"))
    }
    assert not faces, f"{path.name} imports {sorted(faces)}"


@pytest.mark.parametrize("path", _modules(PACKAGE / "web"), ids=lambda p: p.name)
def test_web_face_writes_no_sql(path: Path) -> None:
    below = {
        name
        for name in _imports(path)
        if name.startswith(("livefeed.store", "sqlalchemy", "livefeed.cli"))
    }
    assert not below, f"{path.name} imports {sorted(below)}"


def test_package_init_holds_only_the_version() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    assigned = [n.targets[0].id for n in tree.body if isinstance(n, ast.Assign)]  # type: ignore[attr-defined]
    assert assigned == ["__version__"]
