"""What the command line prints: data shown as text (no markup, no terminal escapes), CSV cells a
spreadsheet would run defused, and credentials in URLs never shown."""

from __future__ import annotations

import csv
import io

import pytest

from sage_accounting.cli._errors import scrub
from sage_accounting.emulator import Emulator

from .conftest import Cli


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
