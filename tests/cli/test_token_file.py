"""The token file: a corrupt one named without blocking ``auth``, a full disk or an unusable lock file that
stops the command before the refresh token is spent, symbolic links written through, and a file others can
read reported and made private."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from .conftest import Cli, Served, disk_full, expire_stored_token, token_path

HERE = Path(__file__).parent


def test_a_corrupt_token_file_is_named_and_does_not_block_auth(
    cli: Cli, signed_in_profile: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = token_path()
    path.write_text("{bad")
    out = cli.fails(3, "contacts", "list")
    assert f"token file {path} is corrupt" in out.stderr and "auth login" in out.stderr
    status = cli.fails(3, "auth", "status")
    assert "corrupt" in status.stderr and str(path) in status.stderr
    logout = cli.ok("auth", "logout")
    assert "corrupt" in logout.stderr and not path.exists()
    path.write_text("{bad")
    browser = f"{sys.executable} {HERE / 'consent_click.py'} %s allow"
    cli.ok("auth", "login", "--timeout", "60", "--browser-command", browser)
    assert json.loads(path.read_text())["access_token"]
    cli.ok("contacts", "list")


def _refreshes(served: Served) -> int:
    return len(served.emulator.token_requests("refresh_token"))


def test_a_full_disk_stops_the_command_before_the_refresh_token_is_spent(
    cli: Cli, signed_in_profile: Served
) -> None:
    expire_stored_token()
    with disk_full():
        out = cli.fails(1, "contacts", "list")
    assert str(token_path()) in out.stderr and "not spent" in out.stderr
    assert _refreshes(signed_in_profile) == 0
    cli.ok("contacts", "list")  # room again: the stored sign-in still works
    assert _refreshes(signed_in_profile) == 1


def test_a_token_lock_file_that_cannot_be_created_is_named(cli: Cli, signed_in_profile: Served) -> None:
    expire_stored_token()
    lock = token_path().with_name("default.json.lock")
    lock.mkdir()
    out = cli.fails(1, "contacts", "list")
    assert str(lock) in out.stderr and "Is a directory" in out.stderr
    assert "unknown error" not in out.stderr
    assert _refreshes(signed_in_profile) == 0


def test_a_token_file_nested_too_deeply_is_corrupt_and_does_not_block_auth(
    cli: Cli, signed_in_profile: Served
) -> None:
    path = token_path()
    path.write_text("[" * 1000 + "]" * 1000)
    out = cli.fails(3, "contacts", "list")
    assert f"token file {path} is corrupt" in out.stderr and "nested too deeply" in out.stderr
    assert "corrupt" in cli.fails(3, "auth", "status").stderr
    assert "corrupt" in cli.ok("auth", "logout").stderr and not path.exists()
    path.write_text('{"a":' * 1000 + "1" + "}" * 1000)
    browser = f"{sys.executable} {HERE / 'consent_click.py'} %s allow"
    cli.ok("auth", "login", "--timeout", "60", "--browser-command", browser)
    cli.ok("contacts", "list")


def test_a_symlinked_token_file_is_written_through(
    cli: Cli, signed_in_profile: Served, tmp_path: Path
) -> None:
    target = tmp_path / "secrets" / "sage.json"
    target.parent.mkdir()
    token_path().rename(target)
    token_path().symlink_to(target)
    expire_stored_token()
    before = json.loads(target.read_text())["refresh_token"]
    cli.ok("contacts", "list")
    assert _refreshes(signed_in_profile) == 1
    assert token_path().is_symlink() and token_path().resolve() == target
    assert json.loads(target.read_text())["refresh_token"] != before
    cli.ok("auth", "logout", "--local")
    assert not target.exists(), "signing out removes the tokens, not just the link to them"


def test_a_token_file_others_can_read_is_reported_and_made_private(
    cli: Cli, signed_in_profile: Served
) -> None:
    expire_stored_token()
    token_path().chmod(0o644)
    out = cli.ok("contacts", "list")
    assert "warning:" in out.stderr and "can be read by other users (mode 0644)" in out.stderr
    assert stat.S_IMODE(token_path().stat().st_mode) == 0o600  # the refresh rewrote it
    assert "warning:" not in cli.ok("contacts", "list").stderr
