"""Invoice and credit note lines post to the ledger accounts their side of the business uses."""

from __future__ import annotations

from typing import Any

import httpx

from .test_invoices import (
    created,
    ledger_id,
    line,
    make_contact,
    post_invoice,
    post_purchase,
    rejected,
    sales_credit_note,
)

Body = dict[str, Any]
SALES_ONLY = "must be an income ledger account (GET /ledger_accounts?visible_in=sales)"
EXPENSES_ONLY = "must be an expense ledger account (GET /ledger_accounts?visible_in=expenses)"


def test_sales_lines_take_income_accounts(api: httpx.Client) -> None:
    customer = make_contact(api, "Acme Ltd")
    lines = [line(ledger_id(api, 4000)), line(ledger_id(api, 5000)), line(ledger_id(api, 1200))]
    response = post_invoice(api, customer["id"], lines)
    assert rejected(response, "invoice_lines[1].ledger_account_id") == SALES_ONLY
    assert rejected(response, "invoice_lines[2].ledger_account_id") == SALES_ONLY
    assert len(response.json()) == 2  # the income line is fine
    note = sales_credit_note(api, customer["id"], [line(ledger_id(api, 7500))])
    assert rejected(note, "credit_note_lines[0].ledger_account_id") == SALES_ONLY


def test_purchase_lines_take_expense_accounts(api: httpx.Client) -> None:
    vendor = make_contact(api, "Bolt Supplies", "VENDOR")
    response = post_purchase(api, vendor["id"], [line(ledger_id(api, 4000))])
    assert rejected(response, "invoice_lines[0].ledger_account_id") == EXPENSES_ONLY
    created(post_purchase(api, vendor["id"], [line(ledger_id(api, 5000))]))


def test_an_account_the_chart_shows_in_expenses_is_accepted(api: httpx.Client) -> None:
    """A fixed asset account flagged visible in expenses (equipment bought on a supplier invoice)."""
    vendor = make_contact(api, "Bolt Supplies", "VENDOR")
    equipment = ledger_id(api, 10)
    refused = post_purchase(api, vendor["id"], [line(equipment)])
    assert rejected(refused, "invoice_lines[0].ledger_account_id") == EXPENSES_ONLY
    flagged = api.put(f"/ledger_accounts/{equipment}", json={"ledger_account": {"visible_in_expenses": True}})
    assert flagged.status_code == 200, flagged.text
    created(post_purchase(api, vendor["id"], [line(equipment)]))


def test_an_update_is_held_to_the_same_rule(api: httpx.Client) -> None:
    customer = make_contact(api, "Acme Ltd")
    invoice = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))
    changed = api.put(
        invoice["$path"], json={"sales_invoice": {"invoice_lines": [line(ledger_id(api, 5000))]}}
    )
    assert rejected(changed, "invoice_lines[0].ledger_account_id") == SALES_ONLY
