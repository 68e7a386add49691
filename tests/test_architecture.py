"""The walls between the rooms (ARCHITECTURE.md): which package may import which."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "linepack"

# room → rooms it must not import (directly or through ``from linepack.x import``)
FORBIDDEN = {
    "physics": {"network", "numerics", "problems", "io", "report", "results", "cli", "scenarios"},
    "numerics": {"physics", "network", "problems", "io", "report", "results", "cli", "scenarios"},
    "network": {"physics", "numerics", "problems", "io", "report", "results", "cli", "scenarios"},
    "io": {"physics", "numerics", "problems", "report", "cli"},
    "results": {"physics", "numerics", "problems", "io", "report", "cli"},
    "report": {"problems", "numerics", "io", "cli"},
    "problems": {"io", "report", "cli"},
    # layer 3 beside problems: formulations built from problems.model's NetworkModel
    "optimization": {"io", "report", "cli"},
}


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("linepack."):
            yield node.module.split(".")[1], node.lineno
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("linepack."):
                    yield a.name.split(".")[1], node.lineno


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_room_imports_respect_the_layers(room):
    """No module of a room imports a room above it or beside it (e.g. physics knows no matrices)."""
    bad = []
    for path in sorted((SRC / room).rglob("*.py")):
        for target, line in _imports(path):
            if target in FORBIDDEN[room]:
                bad.append(f"{path.relative_to(SRC)}:{line} imports linepack.{target}")
    assert bad == []


def test_cli_calls_only_the_public_api():
    """cli.py imports nothing from linepack but the package itself (its public API)."""
    bad = [f"cli.py:{line} imports linepack.{t}" for t, line in _imports(SRC / "cli.py")]
    assert bad == []
