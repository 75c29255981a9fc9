"""The client core's modules form no import cycle (even through an import inside a function) and never
import the layers above them (actions, the command line, the emulator): the layers call downward only."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "sage_accounting"
CORE_PACKAGES = ("sage_accounting", "sage_accounting.auth", "sage_accounting.resources")
ABOVE = ("sage_accounting.actions", "sage_accounting.cli", "sage_accounting.emulator",
         "sage_accounting.gateway", "sage_accounting.sync")  # fmt: skip


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every ``sage_accounting`` module ``path`` imports, anywhere in it (``from .x import y`` names x
    and x.y)."""
    name = _name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("sage_accounting")}


def _core() -> dict[str, set[str]]:
    """The private modules of the client core (``_core``, ``_errors``, ``auth._refresh`` …) and what
    each imports."""
    modules = {}
    for path in SRC.rglob("*.py"):
        name = _name(path)
        package, _, last = name.rpartition(".")
        if package in CORE_PACKAGES and last.startswith("_") and last != "__init__":
            modules[name] = _imports(path)
    return modules


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in ``graph``, if there is one."""
    state: dict[str, int] = {}
    trail: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        trail.append(node)
        for nxt in sorted(graph[node] & graph.keys()):
            if state.get(nxt) == 1:
                return [*trail[trail.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        trail.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_client_core_has_no_import_cycle() -> None:
    core = _core()
    assert {"sage_accounting._core", "sage_accounting._errors", "sage_accounting.auth._refresh"} <= set(core)
    assert _cycle(core) is None, " -> ".join(_cycle(core) or [])


def test_the_client_core_never_imports_the_layers_above_it() -> None:
    upward = {name: sorted(m for m in imports if m.startswith(ABOVE)) for name, imports in _core().items()}
    assert not {name: found for name, found in upward.items() if found}
