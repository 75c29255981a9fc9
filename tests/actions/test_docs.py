"""docs/actions.md is generated from the registry; this fails when it is stale."""

from __future__ import annotations

from pathlib import Path

from sage_accounting.actions import registry
from sage_accounting.actions.docs import main, render

DOC = Path(__file__).resolve().parents[2] / "docs" / "actions.md"


def test_docs_actions_md_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/actions.md is stale: run `python -m sage_accounting.actions.docs` from the repository root"
    )


def test_docs_name_every_action_and_input() -> None:
    text = render()
    for key, action in registry.items():
        assert f"### `{key}`" in text
        for item in action.inputs:
            assert f"| `{item.key}` |" in text


def test_the_script_writes_and_checks(tmp_path: Path) -> None:
    target = tmp_path / "actions.md"
    assert main(["--check", str(target)]) == 1
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render()
    assert main(["--check", str(target)]) == 0
    target.write_text("stale", encoding="utf-8")
    assert main(["--check", str(target)]) == 1
