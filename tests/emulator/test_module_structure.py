"""The emulator's modules import one another in layers: no import circle, each importable on its own."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sage_accounting.emulator as package

ROOT = Path(package.__file__).parent
PACKAGE = "sage_accounting.emulator"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join((PACKAGE, *parts))


def imports_of(path: Path) -> set[str]:
    """Every emulator module ``path`` imports, wherever the import is (top level, a function, or under
    TYPE_CHECKING): a circle hidden in a function or a type-only import is still a circle."""
    name = module_name(path)
    package_parts = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package_parts[: len(package_parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            submodules = [f"{target}.{alias.name}" for alias in node.names]
            # "from . import ledger" imports the submodule; the package itself only when a name is not one
            candidates = submodules + ([target] if not all(m in MODULES for m in submodules) else [])
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        for candidate in candidates:
            if candidate.startswith(PACKAGE) and candidate in MODULES and candidate != name:
                found.add(candidate)
    return found


FILES = {module_name(p): p for p in ROOT.rglob("*.py")}
MODULES = set(FILES)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_no_import_circle_between_emulator_modules() -> None:
    # a package imports its submodules (resources/__init__ lists its modules); the reverse edge is the circle
    graph = {name: imports_of(path) for name, path in FILES.items()}
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_the_graph_sees_real_imports() -> None:
    # the checker itself: it must see that the app imports the API pipeline and the control plane
    graph = {name: imports_of(path) for name, path in FILES.items()}
    assert f"{PACKAGE}._api" in graph[f"{PACKAGE}._app"]
    assert f"{PACKAGE}._control" in graph[f"{PACKAGE}._app"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_each_module_imports_first_in_a_fresh_interpreter() -> None:
    # Importing a module first is how an import-order circle shows (ImportError on a half-built module):
    # in one fresh interpreter, each module is imported with every emulator module forgotten beforehand.
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        "for name in sys.argv[1:]:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('sage_accounting.emulator')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{name}: {exc!r}')\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *sorted(MODULES)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, (
        f"modules that fail to import first:\n{result.stdout}{result.stderr[-2000:]}"
    )
