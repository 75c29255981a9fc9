"""Financial and invoice settings: the accounts start date bounds every dated record; numbering follows the
invoice settings."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sage_accounting.emulator import Emulator

from .conftest import assert_error
from .test_invoices import (
    created,
    ledger_id,
    limited_client,
    line,
    make_contact,
    post_invoice,
    rejected,
    sales_credit_note,
)

Body = dict[str, Any]


@pytest.fixture
def customer(api: httpx.Client) -> Body:
    return make_contact(api, "Acme Ltd")


def test_financial_settings_show_the_accounts_start_date(api: httpx.Client) -> None:
    settings = api.get("/financial_settings")
    assert settings.status_code == 200, settings.text
    body = settings.json()
    assert body["$path"] == "/financial_settings"
    assert body["accounts_start_date"] == "2023-01-01"
    assert body["base_currency"]["id"] == "GBP"
    assert (body["accounting_type"], body["multi_currency_enabled"]) == ("accrual", False)
    assert list(body)[:5] == [
        "$path",
        "year_end_date",
        "year_end_lockdown_date",
        "accounting_type",
        "accounts_start_date",
    ]


def test_nothing_is_dated_before_the_accounts_start_date(api: httpx.Client, customer: Body) -> None:
    moved = api.put("/financial_settings", json={"financial_settings": {"accounts_start_date": "2024-03-01"}})
    assert moved.status_code == 200, moved.text
    assert moved.json()["accounts_start_date"] == "2024-03-01"
    early = post_invoice(api, customer["id"], [line(ledger_id(api, 4000))], date="2024-02-29")
    assert rejected(early, "date") == "must be on or after the accounts start date (2024-03-01)"
    invoice = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))], date="2024-03-01"))
    bank = api.get("/bank_accounts").json()["$items"][0]["id"]
    receipt = {
        "transaction_type_id": "CUSTOMER_RECEIPT",
        "contact_id": customer["id"],
        "bank_account_id": bank,
        "date": "2024-01-15",
        "total_amount": "10",
    }
    assert rejected(api.post("/contact_payments", json={"contact_payment": receipt}), "date").startswith(
        "must be on or after"
    )
    journal = {
        "date": "2023-12-31",
        "reference": "Year end",
        "journal_lines": [
            {"ledger_account_id": ledger_id(api, 7100), "debit": "5", "credit": "0"},
            {"ledger_account_id": ledger_id(api, 2109), "debit": "0", "credit": "5"},
        ],
    }
    assert rejected(api.post("/journals", json={"journal": journal}), "date").startswith(
        "must be on or after"
    )
    # the start date cannot move past a transaction already entered
    late = api.put("/financial_settings", json={"financial_settings": {"accounts_start_date": "2024-03-02"}})
    assert (
        rejected(late, "accounts_start_date")
        == "cannot be after the date of a transaction already entered (2024-03-01)"
    )
    # an edit that leaves an old date alone is fine; moving the date earlier is not
    assert api.put(invoice["$path"], json={"sales_invoice": {"notes": "ok"}}).status_code == 200


def test_financial_settings_refuse_bad_values(api: httpx.Client) -> None:
    bad = api.put(
        "/financial_settings",
        json={
            "financial_settings": {
                "accounting_type": "barter",
                "base_currency_id": "USD",
                "accounts_start_date": "2024-02-30",
            }
        },
    )
    assert rejected(bad, "accounting_type") == "is not included in the list"
    assert rejected(bad, "accounts_start_date") == "is not a valid date"
    assert_error(
        api.put("/financial_settings", json={"accounts_start_date": "2024-01-01"}),
        422,
        "RecordInvalid",
        "financial_settings",
    )
    assert api.post("/financial_settings", json={}).status_code == 405


def test_invoice_settings_drive_the_next_numbers_and_prefixes(api: httpx.Client, customer: Body) -> None:
    settings = api.get("/invoice_settings").json()
    assert (settings["next_invoice_number"], settings["next_credit_note_number"]) == (1, 1)
    assert (settings["sales_invoice_number_prefix"], settings["customer_credit_days"]) == ("SI-", 30)
    first = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))
    assert first["invoice_number"] == "SI-1"
    assert api.get("/invoice_settings").json()["next_invoice_number"] == 2

    changed = api.put(
        "/invoice_settings",
        json={
            "invoice_settings": {
                "next_invoice_number": 100,
                "sales_invoice_number_prefix": "INV/",
                "customer_credit_days": 14,
                "footer_details": {"column_1": "Bank: 12-34-56"},
            }
        },
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (
        body["next_invoice_number"],
        body["footer_details"]["column_1"],
        body["footer_details"]["column_2"],
    ) == (100, "Bank: 12-34-56", "")
    second = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))
    assert (second["invoice_number"], second["invoice_number_prefix"]) == ("INV/100", "INV/")
    assert second["due_date"] == "2024-03-15"  # 14 days: the business's credit days, the contact has none
    assert api.get(first["$path"]).json()["invoice_number"] == "SI-1"  # issued numbers stay

    back = api.put("/invoice_settings", json={"invoice_settings": {"next_invoice_number": 50}})
    assert rejected(back, "next_invoice_number") == "must be greater than the last number issued (100)"
    far = api.put("/invoice_settings", json={"invoice_settings": {"customer_credit_days": 10**9}})
    assert rejected(far, "customer_credit_days") == "must be between 0 and 365"
    terms = api.put("/invoice_settings", json={"invoice_settings": {"customer_credit_terms": "whenever"}})
    assert rejected(terms, "customer_credit_terms") == "is not included in the list"


def test_combined_numbering_shares_one_sequence(api: httpx.Client, customer: Body) -> None:
    api.put("/invoice_settings", json={"invoice_settings": {"separate_invoice_credit_note_numbering": False}})
    created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))
    note = sales_credit_note(api, customer["id"], [line(ledger_id(api, 4000))])
    assert created(note)["credit_note_number"] == "SCN-2"
    assert api.get("/invoice_settings").json()["next_credit_note_number"] == 3


def test_settings_need_the_settings_area(emu: Emulator) -> None:
    reader = limited_client(emu, {"Settings": "read_only"})
    assert reader.get("/invoice_settings").status_code == 200
    assert_error(reader.put("/invoice_settings", json={"invoice_settings": {}}), 403, "MultiUserAccessDenied")
    assert_error(
        limited_client(emu, {"Settings": "no_access"}).get("/financial_settings"),
        403,
        "MultiUserAccessDenied",
    )
