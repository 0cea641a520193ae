"""Imports flow one way through the layers of ganforge (docs/architecture.md): never up, never sideways."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "ganforge"
# layer of each top-level part; a module may import only lower layers and its own part
LAYERS = {
    "config": 0, "registry": 0, "errors": 0, "utils": 0,
    "nn": 1, "losses": 1, "data": 1,
    "models": 2,
    "metrics": 3, "objectives": 3,
    "training": 4,
    "apps": 5,
    "ui": 6,  # the browser app's page, over apps/webapp.py
    "cli": 7, "__main__": 8,  # `ganforge serve` launches the page
}
FORBIDDEN = {("apps", "training")}  # what users do with a model never needs the trainer


def _part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "ganforge" and len(parts) > 1 else None


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_down(path: Path):
    relative = path.relative_to(PACKAGE)
    own = relative.parts[0].removesuffix(".py")
    if own == "__init__":
        return
    for module in _imports(path):
        target = _part(module)
        if target is None or target == own or target == "__init__" or module == "ganforge":
            continue
        assert target in LAYERS, f"{relative} imports unknown part {module}"
        base = LAYERS[target] == LAYERS[own] == 0  # the base modules may use each other
        assert base or LAYERS[target] < LAYERS[own], f"{relative} ({own}) imports {module}: against the layering"
        assert (own, target) not in FORBIDDEN, f"{relative} imports {module}"


# probes allowed: the architecture table asks each layer to describe itself, a display duty, not a capability
PROBES_ALLOWED = {("models/summary.py", 'hasattr(layer, "describe")')}


def test_capabilities_are_declared_not_probed():
    """What a model can do comes from its family's declaration (Family.capabilities, TranslationShape.output),
    never from hasattr() on its networks or a comparison with a family's name."""
    probe = re.compile(r'hasattr\([^)]*\)|\["family"\]\s*[!=]=|family\s*[!=]=\s*"')
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = str(path.relative_to(PACKAGE))
        for match in probe.finditer(path.read_text()):
            if (relative, match.group(0)) not in PROBES_ALLOWED:
                found.append(f"{relative}: {match.group(0)}")
    assert not found, found
