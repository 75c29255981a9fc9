"""List tables a person can read: each resource's columns, just those attributes asked of Sage, money
aligned right, fitted to the terminal; ``--columns`` to choose; ``--json`` and ``--csv`` unchanged."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs

import pytest

from sage_accounting.emulator import DEMO, Emulator

from .conftest import Cli


def _list_queries(emu: Emulator, path: str) -> list[dict[str, list[str]]]:
    return [parse_qs(e.query) for e in emu.request_log.entries() if e.path == f"/v3.1/{path}"]


def _rows(stdout: str) -> list[list[str]]:
    """The cells of each body row of a rich table."""
    return [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in stdout.splitlines()
        if line.startswith("│")
    ]


def _headings(stdout: str) -> list[str]:
    line = next(line for line in stdout.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in line.strip("┃").split("┃")]


def test_sales_invoices_show_number_date_contact_total_outstanding_status(cli: Cli, emu: Emulator) -> None:
    out = cli.ok("--emulator", "sales-invoices", "list", "--items-per-page", "5")
    assert _headings(out.stdout) == ["number", "date", "contact", "total", "outstanding", "status"]
    rows = _rows(out.stdout)
    assert len(rows) == 5
    assert rows[0][0] == "SI-1" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", rows[0][1])
    assert all(re.fullmatch(r"[\d,]+\.\d\d", row[3]) for row in rows)  # money with two decimals
    # Sage was asked for just the attributes of the columns.
    (query,) = _list_queries(emu, "sales_invoices")
    assert query["attributes"] == ["invoice_number,date,contact_name,total_amount,outstanding_amount,status"]


def test_money_is_aligned_right(cli: Cli, emu: Emulator) -> None:
    out = cli.ok("--emulator", "sales-invoices", "list", "--items-per-page", "20")
    lines = [line for line in out.stdout.splitlines() if line.startswith("│")]
    total_ends = {
        line.index(" │", line.index(row[3])) for line, row in zip(lines, _rows(out.stdout), strict=True)
    }
    assert len(total_ends) == 1  # every total ends in the same column
    assert any(len(row[3]) < max(len(r[3]) for r in _rows(out.stdout)) for row in _rows(out.stdout))


def test_contacts_show_name_reference_type_and_email(cli: Cli, emu: Emulator) -> None:
    out = cli.ok("--emulator", "contacts", "list", "--items-per-page", "3")
    # balance is asked for too; a column Sage left empty in every row is not shown
    assert _headings(out.stdout) == ["name", "reference", "type", "email"]
    assert _rows(out.stdout)[0][:3] == ["Aldgate Print Works Ltd", "ALDG001", "Customer"]
    (query,) = _list_queries(emu, "contacts")
    assert query["attributes"] == ["name,reference,contact_types,email,balance"]


def test_columns_choose_what_is_shown_and_asked_for(cli: Cli, emu: Emulator) -> None:
    out = cli.ok(
        "--emulator", "sales-invoices", "list", "--items-per-page", "2",
        "--columns", "number=invoice_number, contact.displayed_as ,net_amount,notes",
    )  # fmt: skip
    assert _headings(out.stdout) == ["number", "contact.displayed_as", "net_amount", "notes"]
    row = _rows(out.stdout)[0]
    assert row[0] == "SI-1" and row[1].endswith("(DRIF001)") and row[2] == "1,332.00" and row[3] == ""
    (query,) = _list_queries(emu, "sales_invoices")
    assert query["attributes"] == ["invoice_number,contact,net_amount,notes"]


def test_attributes_given_are_asked_for_as_given(cli: Cli, emu: Emulator) -> None:
    cli.ok("--emulator", "sales-invoices", "list", "--items-per-page", "2", "--attributes", "all")
    (query,) = _list_queries(emu, "sales_invoices")
    assert query["attributes"] == ["all"]


@pytest.mark.parametrize("width", [80, 200])
def test_the_table_fits_the_terminal(
    cli: Cli, emu: Emulator, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    out = cli.ok("--emulator", "contact-payments", "list", "--items-per-page", "10")
    lines = out.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    body = [line for line in lines if line.startswith("│")]
    assert all(line.endswith("│") for line in body)  # nothing cut off at the right edge
    assert any("…" in line for line in body) == (width == 80)  # long text shortened only when needed
    assert all(re.search(r"\d{4}-\d{2}-\d{2}", line) for line in body)  # dates are never shortened


def test_json_and_csv_are_what_sage_sent(cli: Cli, emu: Emulator) -> None:
    data = cli.ok("--emulator", "sales-invoices", "list", "--items-per-page", "3", "--json").json()
    assert set(data["$items"][0]) == {"id", "displayed_as", "$path"}
    text = cli.ok("--emulator", "sales-invoices", "list", "--items-per-page", "3", "--csv").stdout
    assert next(csv.reader(io.StringIO(text))) == ["id", "displayed_as"]
    for query in _list_queries(emu, "sales_invoices"):
        assert "attributes" not in query


def test_bad_columns_are_a_usage_error(cli: Cli, emu: Emulator) -> None:
    out = cli.fails(2, "--emulator", "sales-invoices", "list", "--columns", " , ")
    assert "--columns" in out.stderr
    out = cli.fails(2, "--emulator", "sales-invoices", "list", "--columns", "a..b")
    assert "--columns: 'a..b' is not a field name" in out.stderr


def test_a_resource_without_chosen_columns_keeps_the_id_table(cli: Cli, emu: Emulator) -> None:
    out = cli.ok("--emulator", "address-types", "list")
    assert _headings(out.stdout) == ["id", "displayed_as"]
    assert DEMO.business_id  # the demo business answered
