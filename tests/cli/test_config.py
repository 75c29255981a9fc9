"""Profiles in config.toml: what ``config set`` accepts and refuses (bad settings, profile names, values that
are not UTF-8), symbolic links written through, a file others can read reported and made private, and a
broken file reported in one line."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from .conftest import Cli, config_file, profile


def test_a_secret_given_on_the_command_line_is_warned_about(cli: Cli) -> None:
    out = cli.ok("config", "set", "client_secret", "s3cret-value")
    assert "warning:" in out.stderr and "shell history" in out.stderr and "prompted" in out.stderr
    assert "s3cret-value" not in out.stderr
    prompted = cli.ok("config", "set", "client_secret", input="other-s3cret\n")
    assert "warning:" not in prompted.stderr


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SAGE_SCOPE": "admin"}, "scope 'admin' (from env SAGE_SCOPE)"),
        ({"SAGE_REDIRECT_URI": "http://127.0.0.1:99999/cb"}, "redirect_uri"),
        ({"SAGE_REDIRECT_URI": "http://127.0.0.1:abc/cb"}, "redirect_uri"),
        ({"SAGE_BASE_URL": "http://[::1"}, "base_url"),
        ({"SAGE_BASE_URL": "http://256.1.1.1"}, "base_url"),
        ({"SAGE_BASE_URL": "not-a-url"}, "base_url 'not-a-url'"),
        ({"SAGE_BASE_URL": "ftp://x"}, "base_url 'ftp://x'"),
    ],
)
def test_bad_settings_are_usage_errors(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    profile(cli, monkeypatch)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    for args in (("auth", "login", "--no-browser", "--timeout", "1"), ("contacts", "list")):
        out = cli.fails(2, *args)
        assert named in out.stderr


def test_bad_settings_are_refused_by_config_set(cli: Cli) -> None:
    for key, value in (("scope", "admin"), ("base_url", "ftp://x"), ("redirect_uri", "http://127.0.0.1:99999/cb"),
                       ("business_id", "a b"), ("client_id", "x\ty")):  # fmt: skip
        out = cli.fails(2, "config", "set", key, value)
        assert key in out.stderr
    assert not cli.ok("config", "show", "--json").json()["profiles"]


def test_config_default_refuses_an_unknown_profile(cli: Cli) -> None:
    cli.ok("config", "set", "client_id", "abc")
    out = cli.fails(2, "config", "default", "nope")
    assert "no profile 'nope'" in out.stderr
    data = cli.ok("config", "show", "--json").json()
    assert set(data["profiles"]) == {"default"} and data["default_profile"] == "default"


def test_profile_names_made_of_dots_are_refused(cli: Cli) -> None:
    for name in ("..", ".", ".hidden"):
        assert "not valid" in cli.fails(2, "--profile", name, "config", "set", "client_id", "x").stderr


def test_end_of_input_at_a_prompt_exits_130_and_is_documented(cli: Cli) -> None:
    out = cli("config", "set", "client_secret", input="")
    assert out.code == 130
    docs = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    assert "| 130 |" in docs and "405" in docs


@pytest.mark.parametrize("name", ["work\n", "wo\trk", "work\x1b[2J", "a\r"])
def test_a_profile_name_with_control_characters_is_refused_before_anything_is_written(
    cli: Cli, name: str
) -> None:
    out = cli.fails(2, "config", "set", "client_id", "x", "--profile", name)
    assert "profile name" in out.stderr and "not valid" in out.stderr
    assert not config_file().exists()
    cli.ok("config", "set", "client_id", "x", "--profile", "work")
    cli.fails(2, "config", "set", "scope", "readonly", "--profile", name)
    assert set(cli.ok("config", "show", "--json").json()["profiles"]) == {"work"}


def test_a_value_that_is_not_utf8_is_refused(cli: Cli) -> None:
    out = cli.fails(2, "config", "set", "client_id", "abc\udcff")
    assert "not UTF-8" in out.stderr
    assert not config_file().exists()


def test_a_symlinked_config_is_written_through(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "sage.toml"
    target.parent.mkdir()
    target.write_text('[profiles.default]\nclient_id = "first"\n')
    target.chmod(0o600)
    config_file().parent.mkdir(parents=True)
    config_file().symlink_to(target)
    cli.ok("config", "set", "scope", "readonly")
    assert config_file().is_symlink() and config_file().resolve() == target
    assert 'scope = "readonly"' in target.read_text() and 'client_id = "first"' in target.read_text()


def test_a_config_others_can_read_is_reported_and_made_private(cli: Cli) -> None:
    cli.ok("config", "set", "client_id", "abc")
    config_file().chmod(0o644)
    out = cli.ok("config", "show")
    assert "warning:" in out.stderr and "can be read by other users (mode 0644)" in out.stderr
    cli.ok("config", "set", "scope", "readonly")
    assert stat.S_IMODE(config_file().stat().st_mode) == 0o600
    assert "warning:" not in cli.ok("config", "show").stderr


def test_a_config_nested_too_deeply_is_one_line(cli: Cli) -> None:
    config_file().parent.mkdir(parents=True)
    for text in ("a = " + "[" * 1000 + "]" * 1000, "a = " + "{b = " * 1000 + "1" + "}" * 1000):
        config_file().write_text(text)
        out = cli.fails(2, "config", "show")
        assert str(config_file()) in out.stderr and "nested too deeply" in out.stderr
        assert len(out.stderr.splitlines()) <= 2


def test_a_configuration_that_would_not_read_back_is_never_written(cli: Cli) -> None:
    from sage_accounting.cli._config import Config
    from sage_accounting.cli._errors import CliError

    cli.ok("config", "set", "client_id", "abc")
    before = config_file().read_bytes()
    config = Config.load(config_file())
    config.profiles["default"]["colour"] = "blue"  # not a setting: the file would not load again
    with pytest.raises(CliError, match="would not read back"):
        config.save()
    assert config_file().read_bytes() == before
