"""One engine boundary: code outside continuum.analysis uses only the engine's public names, so the engine can
change its insides without breaking the platform (issue 18, item 7)."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "continuum"
ENGINE = "continuum.analysis"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(source: str) -> list[str]:
    """Each import of an engine name starting with _, and each `module._name` on an imported engine name."""
    tree = ast.parse(source)
    bound: set[str] = set()
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(ENGINE) and node.level == 0:
            path = node.module.split(".")
            found += [f"{node.module}.{p}" for p in path if _private(p)]
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"from {node.module} import {alias.name}")
                bound.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(ENGINE):
                    found += [alias.name for p in alias.name.split(".") if _private(p)]
                    bound.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr) and _root(node.value) in bound:
            found.append(f"{ast.unparse(node)}")
    return found


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def test_the_platform_uses_only_the_engines_public_names():
    outside = [p for p in SRC.rglob("*.py") if SRC / "analysis" not in p.parents]
    assert len(outside) > 50  # the walk sees the platform
    uses = {str(p.relative_to(SRC)): u for p in outside if (u := private_uses(p.read_text(encoding="utf-8")))}
    assert uses == {}


@pytest.mark.parametrize(
    "source",
    [
        "from continuum.analysis.load import _csv_error, connect",
        "from continuum.analysis import load as engine\nengine._format(p)",
        "import continuum.analysis.load\ncontinuum.analysis.load._load_excel(con, p, {})",
        "from continuum.analysis._private import thing",
    ],
)
def test_a_private_use_is_caught(source):
    assert private_uses(source)


@pytest.mark.parametrize(
    "source",
    [
        "from continuum.analysis.load import connect, read_raw",
        "from continuum.analysis import load\nload.__name__",
        "from other.module import _helper\n_helper()",
        "from continuum.analysis.load import load_table\nself._tmpdir = 1",
    ],
)
def test_public_uses_pass(source):
    assert private_uses(source) == []
