"""Lazy exports: a package names what it offers, and each name's module is imported on first use.

``import sage_accounting`` then costs almost nothing, and ``from sage_accounting import Contact`` imports
just what ``Contact`` needs (pydantic and one model module), not every model, the emulator or the CLI.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import ModuleType

__all__ = ["defer_httpx_cli", "exports"]


def exports(package: str, table: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``table`` maps each public name to the module
    (relative to ``package``, such as ``"._client"``) that defines it."""

    def __getattr__(name: str) -> Any:
        module_name = table.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name, package), name)
        # Cached on the package, so the next lookup is an ordinary attribute read.
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return __getattr__, __dir__


class _HttpxWithoutCli:
    """Imports httpx without its command line (``httpx._main`` brings click, rich and pygments, a third
    of httpx's import time); ``httpx.main`` still works: it imports the command line when called.

    A meta path finder and loader (``importlib.abc`` is not subclassed: importing it costs more than the
    rest of this module)."""

    _loader: Any

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        if fullname != "httpx":
            return None
        _remove_finder(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        self._loader = spec.loader
        spec.loader = self  # type: ignore[assignment]
        return spec

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self._loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        # A None entry makes httpx's `from ._main import main` fail, and httpx then defines a stand-in.
        blocked = "httpx._main" not in sys.modules
        if blocked:
            sys.modules["httpx._main"] = None  # type: ignore[assignment]
        try:
            self._loader.exec_module(module)
        finally:
            if blocked and sys.modules.get("httpx._main", False) is None:
                del sys.modules["httpx._main"]
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        if blocked:
            module.main = _httpx_main  # type: ignore[attr-defined]


def _httpx_main(*args: Any, **kwargs: Any) -> Any:
    """httpx's command line, imported when called."""
    from httpx._main import main

    return main(*args, **kwargs)


def _remove_finder(finder: Any) -> None:
    with contextlib.suppress(ValueError):
        sys.meta_path.remove(finder)


def defer_httpx_cli() -> None:
    """Have the next ``import httpx`` leave its command line out (nothing happens if httpx is imported)."""
    if "httpx" not in sys.modules and not any(isinstance(f, _HttpxWithoutCli) for f in sys.meta_path):
        sys.meta_path.insert(0, _HttpxWithoutCli())
