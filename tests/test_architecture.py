"""The layers of the design, kept by a test: imports point down only.

Every module of the package belongs to one part of the table below, and may import only the
parts its row names (and its own part, and the package's version). Relative imports are
resolved first, so ``from .. import x`` is held to the same table as ``from livefeed import x``.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "livefeed"

USE_CASES = (
    "newsroom", "discussion", "access", "distribution", "portability", "operations", "services",
)  # fmt: skip
BELOW_USE_CASES = (
    "domain", "settings", "store", "realtime", "outside", "languages", "access.rate_limits",
)  # fmt: skip

# part -> the parts it may import. Read top to bottom: the faces, the use cases, what they stand on.
LAYERS: dict[str, tuple[str, ...]] = {
    "cli": ("web", "demo", *USE_CASES, *BELOW_USE_CASES),
    "web": (*USE_CASES, *(part for part in BELOW_USE_CASES if part != "store")),
    "demo": (*USE_CASES, *BELOW_USE_CASES),
    **dict.fromkeys(USE_CASES, (*USE_CASES, *BELOW_USE_CASES)),
    "access.rate_limits": ("domain", "settings"),
    "store": ("domain",),
    "realtime": ("domain",),
    "outside": ("domain",),
    "languages": ("domain",),
    "settings": ("domain",),
    "domain": (),
}
# Third-party modules a part must not reach for (a package, and every module in it): the domain
# stays plain, the use cases know no face and get the store's errors as domain errors, and the
# faces write no SQL.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(USE_CASES, ("starlette", "click", "uvicorn", "sqlalchemy.exc")),
    "web": ("sqlalchemy",),
}


def part_of(module: str) -> str | None:
    """The row of ``LAYERS`` a dotted module name belongs to (``None`` for the version)."""
    parts = module.split(".")[1:]
    if not parts or parts == ["__init__"]:
        return None
    if parts[:2] == ["access", "rate_limits"]:
        return "access.rate_limits"
    return parts[0]


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every module this file imports, relative imports made absolute."""
    source = path.read_text(encoding="utf-8")
    return imports_in(source, module_name(path), is_package=path.name == "__init__.py")


def imports_in(source: str, module: str, *, is_package: bool) -> set[str]:
    tree = ast.parse(source)
    package = module.split(".")
    if not is_package:
        package.pop()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def ours(name: str) -> bool:
    """Whether ``name`` is one of our modules or packages (not a name imported from one)."""
    path = PACKAGE.parent.joinpath(*name.split("."))
    return name.startswith("livefeed") and (path.with_suffix(".py").exists() or path.is_dir())


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_every_module_belongs_to_a_part_of_the_table() -> None:
    unplaced = [
        module_name(p)
        for p in MODULES
        if p.parent != PACKAGE or p.name != "__init__.py"
        if part_of(module_name(p)) not in LAYERS
    ]
    assert not unplaced


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_imports_point_down(path: Path) -> None:
    part = part_of(module_name(path))
    if part is None:
        return
    allowed = {part, *LAYERS[part]}
    upward = sorted(
        name
        for name in imports(path)
        if ours(name) and (target := part_of(name)) is not None and target not in allowed
    )
    assert not upward, f"{module_name(path)} ({part}) imports {upward}"


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_third_party_imports_keep_to_their_layer(path: Path) -> None:
    part = part_of(module_name(path))
    if part == "domain":
        outside = {
            name
            for name in imports(path)
            if name.split(".")[0] not in sys.stdlib_module_names
            and not name.startswith("livefeed.domain")
            and name != "__future__"
        }
        assert not outside, f"{path.name} imports {sorted(outside)}"
    forbidden = FORBIDDEN.get(part or "", ())
    reached = sorted(
        name
        for name in imports(path)
        if any(name == banned or name.startswith(f"{banned}.") for banned in forbidden)
    )
    assert not reached, f"{module_name(path)} imports {reached}"


def test_the_table_catches_an_arrow_pointing_up() -> None:
    # The checks above are only as good as the resolver: a relative import out of the store
    # into a use case must be seen for what it is.
    source = "from ..newsroom import publishing\nfrom . import posts\n"
    found = imports_in(source, "livefeed.store.probe", is_package=False)
    assert {"livefeed.newsroom.publishing", "livefeed.store.posts"} <= found
    assert part_of("livefeed.newsroom.publishing") not in LAYERS["store"]


def test_package_init_holds_only_the_version() -> None:
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    assigned = [n.targets[0].id for n in tree.body if isinstance(n, ast.Assign)]  # type: ignore[attr-defined]
    assert assigned == ["__version__"]


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_no_module_is_over_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{module_name(path)} has {lines} lines: split it by what it holds"
