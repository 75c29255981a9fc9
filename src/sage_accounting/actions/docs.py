"""Regenerate ``docs/actions.md`` from the action registry.

``python -m sage_accounting.actions.docs`` writes it (run from the repository root, or give the path);
``--check`` only compares and exits 1 when the file is stale.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import SEED_KEYS, registry
from ._docs import render_docs

__all__ = ["DEFAULT_PATH", "main", "render"]

DEFAULT_PATH = Path("docs") / "actions.md"


def render() -> str:
    """The Markdown of ``docs/actions.md`` for the current registry."""
    return render_docs(registry, SEED_KEYS)


def main(argv: Sequence[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the actions document; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m sage_accounting.actions.docs", description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH, help="default: docs/actions.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is not up to date")
    args = parser.parse_args(argv)
    text = render()
    path: Path = args.path
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            print(f"{path} is stale: run python -m sage_accounting.actions.docs", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path} ({len(registry)} actions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
