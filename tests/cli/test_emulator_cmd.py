"""``emulator serve``: the state and seed files it refuses, with the file left as it is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sage_accounting.emulator import Emulator
from sage_accounting.emulator._state import State

from .conftest import Cli


def test_serve_refuses_a_file_that_is_not_an_emulator_state(cli: Cli, tmp_path: Path) -> None:
    for text in ('{"x": 1}', "[1, 2]", "{bad", '{"apps": [], "users": {}, "businesses": {}}'):
        path = tmp_path / "f.json"
        path.write_text(text)
        out = cli("emulator", "serve", "--port", "0", "--state", str(path))
        assert out.code == 2 and "not an emulator state file" in out.stderr, out.stderr
        assert path.read_text() == text, "left as it is"
    with pytest.raises(ValueError, match="not an emulator state"):
        State.from_json({"x": 1})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="is not an emulator state file: apps must be an object"):
        Emulator.from_file(tmp_path / "f.json")
    good = tmp_path / "good.json"
    Emulator().save(good)
    assert Emulator.from_file(good).state.businesses


def test_serve_refuses_a_state_path_it_cannot_save_to(cli: Cli, tmp_path: Path) -> None:
    out = cli("emulator", "serve", "--port", "0", "--state", "/proc/nope/s.json")
    assert out.code == 2 and "does not exist" in out.stderr
    out = cli("emulator", "serve", "--port", "0", "--state", str(tmp_path))
    assert out.code == 2 and "is a directory" in out.stderr
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        out = cli("emulator", "serve", "--port", "0", "--state", str(locked / "s.json"))
        assert out.code == 2 and "not writable" in out.stderr


def test_serve_refuses_seed_and_state_files_nested_too_deeply(cli: Cli, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"a":' * 1000 + "1" + "}" * 1000)
    out = cli("emulator", "serve", "--port", "0", "--seed", str(deep))
    assert out.code == 2 and "nested too deeply" in out.stderr and "Traceback" not in out.stderr
    out = cli("emulator", "serve", "--port", "0", "--state", str(deep))
    assert out.code == 2 and "too deeply" in out.stderr and "Traceback" not in out.stderr
    assert deep.read_text().startswith('{"a":{"a":'), "left as it is"
