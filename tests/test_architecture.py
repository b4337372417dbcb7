"""One direction of imports: model at the bottom; connectors and matchers beside it; faces on top."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import identity_graph
from identity_graph.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
BOTTOM = {"identity_graph.model", "identity_graph.errors", "identity_graph.settings"}
FACES = ("identity_graph/cli", "identity_graph/service", "identity_graph/web")


def _project_imports(path: Path) -> Iterator[str]:
    """Every project module a file imports (identity_graph, connectors, matchers)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            if name.split(".")[0] in {"identity_graph", "connectors", "matchers"}:
                yield name


def _files(*folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (ROOT / f).rglob("*.py"))


@pytest.mark.parametrize("path", _files("connectors", "matchers"), ids=lambda p: str(p.relative_to(ROOT)))
def test_connectors_and_matchers_depend_only_on_the_model(path: Path) -> None:
    own = path.relative_to(ROOT).parts[0]
    for name in _project_imports(path):
        assert name in BOTTOM or name.startswith(own), f"{path.name} imports {name}"


@pytest.mark.parametrize("module", sorted(BOTTOM))
def test_bottom_layer_imports_nothing_above_it(module: str) -> None:
    path = ROOT / (module.replace(".", "/") + ".py")
    assert set(_project_imports(path)) <= BOTTOM


@pytest.mark.parametrize("path", _files(*FACES), ids=lambda p: str(p.relative_to(ROOT)))
def test_faces_hold_no_matching_logic(path: Path) -> None:
    for name in _project_imports(path):
        assert not name.startswith("matchers"), f"{path.name} imports {name}: faces call identity_graph, not matchers"


def test_public_api_is_pinned() -> None:
    public = {
        n for n in dir(identity_graph) if not n.startswith("_") and not inspect.ismodule(getattr(identity_graph, n))
    }
    assert public | {"__version__"} == set(identity_graph.__all__)


def _commands(group: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every command and sub-command of a (Typer's vendored) click group."""
    for name, cmd in group.commands.items():
        yield f"{prefix}{name}", cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, f"{prefix}{name} ")


def test_every_command_has_help() -> None:
    import typer.main

    root = typer.main.get_command(app)
    seen = list(_commands(root))
    assert len(seen) >= 5
    for name, cmd in seen:
        assert getattr(cmd, "help", None), f"`idgraph {name}` has no help text"
