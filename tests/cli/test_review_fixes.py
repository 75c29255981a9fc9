"""The command line's fixes from the client/CLI review (findings 2, 6–10, 12, 13, 15–18, 20, 24, 26–29)."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest

from sage_accounting.cli._errors import scrub
from sage_accounting.emulator import DEMO, Emulator
from sage_accounting.emulator._state import State

from .conftest import Cli, Served, free_port

HERE = Path(__file__).parent


def token_path() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "sage-accounting" / "tokens" / "default.json"


def profile(cli: Cli, monkeypatch: pytest.MonkeyPatch, **settings: str) -> None:
    """A default profile with a client id and secret (and ``settings``), never signed in."""
    cli.ok("config", "set", "client_id", DEMO.client_id)
    monkeypatch.setenv("SAGE_CLIENT_SECRET", DEMO.client_secret)
    for key, value in settings.items():
        cli.ok("config", "set", key, value)


# --- 2: secrets on the command line, credentials in URLs ------------------------------------------------


def test_a_secret_given_on_the_command_line_is_warned_about(cli: Cli) -> None:
    out = cli.ok("config", "set", "client_secret", "s3cret-value")
    assert "warning:" in out.stderr and "shell history" in out.stderr and "prompted" in out.stderr
    assert "s3cret-value" not in out.stderr
    prompted = cli.ok("config", "set", "client_secret", input="other-s3cret\n")
    assert "warning:" not in prompted.stderr


def test_user_and_password_in_a_url_are_never_printed(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (
        scrub("GET http://bob:pa55@127.0.0.1:9/v3.1/x failed") == "GET http://***@127.0.0.1:9/v3.1/x failed"
    )
    out = cli.ok("config", "set", "base_url", "http://bob:pa55w0rd@127.0.0.1:9")
    assert "pa55w0rd" not in out.stderr and "***@127.0.0.1:9" in out.stderr
    assert "pa55w0rd" not in cli.ok("config", "show").stdout
    assert "pa55w0rd" not in cli.ok("config", "show", "--json").stdout
    monkeypatch.setenv("SAGE_CLIENT_SECRET", "x")
    cli.ok("config", "set", "client_id", "abc")
    status = cli("auth", "status", "--debug")
    assert status.code == 3 and "pa55w0rd" not in status.stdout + status.stderr
    failed = cli("contacts", "list", "--debug")
    assert "pa55w0rd" not in failed.stdout + failed.stderr


# --- 6 and 26: what the data holds cannot break or drive the output -------------------------------------


def test_rich_markup_and_escape_codes_in_data_are_shown_as_text(cli: Cli, emu: Emulator) -> None:
    name = "[red]Markup[/red] [/] [bold"
    out = cli.ok("--emulator", "contacts", "create", "--name", name, "--contact-type-ids", "CUSTOMER")
    assert "[red]Markup[/red] [/] [bold" in out.stdout
    evil = '{"contact": {"name": "\\u001b[31mEvil\\u0007 \\u009b2J[/]", "contact_type_ids": ["CUSTOMER"]}}'
    cli.ok("--emulator", "raw", "POST", "/contacts", "-d", evil)
    listed = cli.ok("--emulator", "contacts", "list", "--all", "--search", "Evil")
    assert "Evil" in listed.stdout and "\x1b" not in listed.stdout and "\x07" not in listed.stdout
    assert "\x9b" not in listed.stdout and "[/]" in listed.stdout
    table = cli.ok("--emulator", "contacts", "list", "--all")
    assert "[red]Markup[/red]" in table.stdout


def test_csv_cells_that_a_spreadsheet_would_run_are_prefixed(cli: Cli, emu: Emulator) -> None:
    formula = '=HYPERLINK("http://evil.example","click")'
    cli.ok("--emulator", "contacts", "create", "--name", formula, "--contact-type-ids", "CUSTOMER",
           "--credit-limit", "12.50")  # fmt: skip
    out = cli.ok(
        "--emulator", "contacts", "list", "--search", "HYPERLINK", "--attributes", "name,balance", "--csv"
    )
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert rows and rows[0]["name"] == "'" + formula
    assert rows[0]["displayed_as"].startswith("'=HYPERLINK")
    from sage_accounting.cli._output import csv_cell

    assert [csv_cell(v) for v in ("-12.50", "+1", "@SUM(A1)", "-1+2", "plain", None)] == [
        "-12.50", "+1", "'@SUM(A1)", "'-1+2", "plain", ""]  # fmt: skip


# --- 7, 28: ids and path segments made of dots ------------------------------------------------------------


def test_dot_ids_and_dot_segments_are_refused(cli: Cli, emu: Emulator) -> None:
    for args in (("contacts", "get", "."), ("contacts", "delete", "."),
                 ("sales-invoices", "void", "..", "--void-reason", "x"),
                 ("raw", "GET", "/contacts/."), ("raw", "DELETE", "/./contacts")):  # fmt: skip
        out = cli.fails(2, "--emulator", *args)
        assert "'.'" in out.stderr or "valid Sage id" in out.stderr
    assert not [e for e in emu.request_log.entries() if e.path.startswith("/v3.1")]


# --- 8: emulator serve --state ----------------------------------------------------------------------------


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


# --- 9: a corrupt token file ------------------------------------------------------------------------------


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


# --- 10: bad inputs are usage errors naming the input -----------------------------------------------------


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


def test_bad_login_options_are_usage_errors(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    profile(
        cli, monkeypatch, redirect_uri=f"http://127.0.0.1:{free_port()}/cb", base_url="http://127.0.0.1:9"
    )
    out = cli.fails(2, "auth", "login", "--browser-command", '"unterminated', "--timeout", "1")
    assert "--browser-command" in out.stderr
    out = cli.fails(2, "auth", "login", "--timeout", "1e308")
    assert "--timeout" in out.stderr


def test_a_callback_state_that_is_not_ascii_is_refused(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    profile(cli, monkeypatch, redirect_uri="https://app.example/cb")
    out = cli("auth", "login", "--no-browser", input="https://app.example/cb?code=abc&state=\u00e9\n")
    assert out.code == 3 and "state" in out.stderr and "unexpected" not in out.stderr


def test_bad_headers_and_business_ids_are_usage_errors(cli: Cli, emu: Emulator) -> None:
    assert "-H" in cli.fails(2, "--emulator", "raw", "GET", "/contacts", "-H", "X-A: \u00e9").stderr
    assert "-H" in cli.fails(2, "--emulator", "raw", "GET", "/contacts", "-H", "X-A: a\r\nX-B: b").stderr
    out = cli.fails(2, "--emulator", "--business", "x\r\nX: 1", "contacts", "list")
    assert "--business" in out.stderr
    assert not [e for e in emu.request_log.entries() if e.path.startswith("/v3.1")]


# --- 12, 13, 20: what Sage's errors are said to mean ----------------------------------------------------


def test_a_post_that_may_have_been_carried_out_is_not_told_to_try_again(cli: Cli, emu: Emulator) -> None:
    create = ("--emulator", "contacts", "create", "--name", "Maybe Ltd", "--contact-type-ids", "CUSTOMER")
    emu.faults.add("POST", "/v3.1/contacts", commit_then_fail=True, status=503)
    out = cli.fails(7, *create)
    assert "before sending it again" in out.stderr and "try again later" not in out.stderr
    emu.faults.add("POST", "/v3.1/contacts", drop=True)
    out = cli.fails(7, *create)
    assert "before sending it again" in out.stderr
    assert "cannot reach" not in out.stderr and ".." not in out.stderr


def test_a_connection_error_reads_as_one_sentence(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    profile(cli, monkeypatch, base_url=f"http://127.0.0.1:{free_port()}")
    from sage_accounting.auth import FileTokenStore, Token

    token_path().parent.mkdir(parents=True)
    FileTokenStore(token_path()).save(Token.from_response(Emulator().grant_tokens(DEMO.client_id)))
    out = cli.fails(7, "raw", "GET", "/contacts")
    assert "cannot reach Sage" in out.stderr and ".." not in out.stderr


def test_a_business_the_user_cannot_reach_is_named(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(3, "--emulator", "--business", "nope", "contacts", "list")
    assert (
        "business 'nope' is not one this user can reach; see `sage-accounting businesses list`" in out.stderr
    )
    assert "sign in again" not in out.stderr


def test_a_method_the_path_does_not_take_has_advice(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(5, "--emulator", "raw", "DELETE", "/contacts")
    assert "405" in out.stderr and "does not take DELETE" in out.stderr


# --- 15, 16, 17, 27: sign-in prompt, profiles, exit 130 --------------------------------------------------


def test_a_bare_code_at_the_prompt_asks_for_the_whole_url(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    profile(cli, monkeypatch, redirect_uri="https://app.example/cb")
    out = cli("auth", "login", "--no-browser", input="abc123\n")
    assert out.code == 2 and "paste the whole URL" in out.stderr and "forged" not in out.stderr


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


# --- 18: logout --local and offline ---------------------------------------------------------------------


def test_logout_local_forgets_without_revoking(cli: Cli, signed_in_profile: Served) -> None:
    out = cli.ok("auth", "logout", "--local")
    assert "not revoked" in out.stderr and not token_path().exists()
    assert not [e for e in signed_in_profile.emulator.request_log.entries() if e.path == "/revoke"]


def test_logout_offline_keeps_the_tokens_and_points_at_local(
    cli: Cli, signed_in_profile: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAGE_REVOKE_URL", f"http://127.0.0.1:{free_port()}/revoke")
    out = cli.fails(7, "auth", "logout")
    assert "auth logout --local" in out.stderr and token_path().exists()
    cli.ok("auth", "logout", "--local")
    assert not token_path().exists()


# --- 24, 29: blank void reasons, control characters ---------------------------------------------------


def test_a_blank_void_reason_is_refused_locally(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(2, "--emulator", "sales-invoices", "void", "abc123", "--void-reason", "  ")
    assert "--void-reason is required" in out.stderr


def test_control_characters_in_text_inputs_are_refused(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(2, "--emulator", "contacts", "list", "--search", "a\x00b")
    assert "--search must not contain control characters" in out.stderr
    out = cli.fails(
        2, "--emulator", "contacts", "create", "--name", "\x1b[2JEvil", "--contact-type-ids", "CUSTOMER"
    )
    assert "--name" in out.stderr
    assert not [e for e in emu.request_log.entries() if e.path.startswith("/v3.1")]
