"""Each area of registry/ says in its __init__ what it may import; the code keeps to it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "registry"
# Every package of registry/ but the web layer and the data files: a new area must say what it may import.
AREAS = sorted(
    folder.name
    for folder in PACKAGE.iterdir()
    if (folder / "__init__.py").is_file() and folder.name not in {"web", "data"}
)
# What every area may use: the unbound extensions (the database session), the domain's exceptions, the data files.
EVERYWHERE = {"extensions", "exceptions", "data"}


def declared(area: str) -> set[str]:
    """The areas named after 'Imports' in the package's docstring ('Imports models, audit, text.')."""
    doc = " ".join((ast.get_docstring(ast.parse((PACKAGE / area / "__init__.py").read_text())) or "").split())
    found = re.search(r"Imports ([a-z., ]+?)(?:;|\.(?:\s|$))", doc)
    assert found, f"registry/{area}/__init__.py does not say what the area may import"
    names = {re.sub(r"^registry\.|\bonly\b", "", name.strip()).strip() for name in re.split(r",| and ", found.group(1))}
    return names - {"", "the standard library"}


def imported_areas(area: str) -> dict[str, list[str]]:
    """Each registry area the package's modules import, with where."""
    seen: dict[str, list[str]] = {}
    for path in sorted((PACKAGE / area).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.level:  # from ..cases import x, resolved
                package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level])
                modules = [f"{package}.{node.module}" if node.module else package]
                modules += [f"{modules[0]}.{a.name}" for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module] + (
                    [f"{node.module}.{a.name}" for a in node.names] if node.module == "registry" else []
                )
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            for module in modules:
                parts = module.split(".")
                if parts[0] == "registry" and len(parts) > 1:
                    seen.setdefault(parts[1], []).append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return seen


@pytest.mark.parametrize("area", AREAS)
def test_an_area_imports_only_what_its_init_names(area):
    allowed = declared(area) | EVERYWHERE | {area}
    unknown = declared(area) - set(AREAS) - EVERYWHERE
    assert not unknown, f"registry/{area}/__init__.py names areas that do not exist: {sorted(unknown)}"
    outside = {other: where for other, where in imported_areas(area).items() if other not in allowed}
    assert not outside, f"registry/{area} imports areas its __init__ does not name: {outside}"


def test_the_check_sees_imports():
    """The walk finds real imports (so the test above cannot pass by reading nothing), and every known area."""
    assert "models" in imported_areas("cases") and "law" in imported_areas("models")
    assert set(AREAS) >= {"accounts", "announcements", "audit", "cases", "law", "mail", "models", "storage", "text"}
