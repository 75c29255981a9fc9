"""The money a write moves, worked out from its inputs before anything is sent: invoices and credit
notes by their lines, payments by their total, journals by their debits; nothing for the rest."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sage_accounting import SageAccounting
from sage_accounting.actions import registry

from .helpers import customer, line

LINE = {"description": "Work", "ledger_account_id": "l1", "quantity": "2", "unit_price": "150.00",
        "tax_rate_id": "GB_STANDARD"}  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "total"),
    [
        ([LINE], "300.00"),
        ([LINE, {**LINE, "quantity": "1", "unit_price": "0.10"}], "300.10"),
        ([{**LINE, "tax_amount": "60.00"}], "360.00"),
        ([{**LINE, "discount_amount": "50"}], "250.00"),
        ([{**LINE, "discount_percentage": "10"}], "270.00"),
        ([{**LINE, "quantity": 3, "unit_price": 19.99}], "59.97"),
    ],
)
def test_invoices_and_credit_notes_are_valued_by_their_lines(
    lines: list[dict[str, object]], total: str
) -> None:
    sales = registry["createSalesInvoice"]
    args = {"contact_id": "c1", "date": "2024-01-31", "invoice_lines": lines}
    assert sales.amount(sales.validate_args(args)) == Decimal(total)
    note = registry["createSalesCreditNote"]
    inputs = note.validate_args({"contact_id": "c1", "date": "2024-01-31", "credit_note_lines": lines})
    assert note.amount(inputs) == Decimal(total)
    if not any("discount_amount" in x or "discount_percentage" in x for x in lines):
        purchase = registry["createPurchaseInvoice"]
        assert purchase.amount({**{"contactId": "c1", "date": "2024-01-31", "dueDate": "2024-02-28"},
                                "invoiceLines": lines}) == Decimal(total)  # fmt: skip


def test_an_update_without_lines_counts_its_total_if_given() -> None:
    update = registry["updateSalesCreditNote"]
    assert update.amount({"salesCreditNoteId": "n1", "totalAmount": "99.50"}) == Decimal("99.50")
    assert update.amount({"salesCreditNoteId": "n1", "notes": "x"}) is None


def test_payments_move_their_total_and_journals_their_debits() -> None:
    payment = registry["createContactPayment"]
    args = {"transaction_type_id": "CUSTOMER_RECEIPT", "contact_id": "c1", "bank_account_id": "b1",
            "date": "2024-02-01", "total_amount": "1080.00"}  # fmt: skip
    assert payment.amount(payment.validate_args(args)) == Decimal("1080.00")
    journal = registry["createJournal"]
    lines = [{"ledger_account_id": "a", "debit": "100.00", "credit": "0"},
             {"ledger_account_id": "b", "debit": "25.50", "credit": "0"},
             {"ledger_account_id": "c", "debit": "0", "credit": "125.50"}]  # fmt: skip
    inputs = journal.validate_args({"date": "2024-03-31", "reference": "J1", "journal_lines": lines})
    assert journal.amount(inputs) == Decimal("125.50")


def test_actions_that_move_no_money_say_none() -> None:
    moving = {"createSalesInvoice", "updateSalesInvoice", "createPurchaseInvoice", "updatePurchaseInvoice",
              "createSalesCreditNote", "updateSalesCreditNote", "createPurchaseCreditNote",
              "updatePurchaseCreditNote", "createContactPayment", "createJournal"}  # fmt: skip
    assert {k for k, a in registry.items() if a.amount_rule is not None} == moving
    assert registry["createContact"].amount({"name": "X", "contactTypeIds": "CUSTOMER"}) is None
    assert registry["listSalesInvoices"].amount({}) is None


def test_the_amount_matches_the_total_sage_computes(client: SageAccounting) -> None:
    contact = customer(client)
    ledger = client.request("GET", "/ledger_accounts", params={"search": "4000"}).json()["$items"][0]["id"]
    lines = [line(ledger, "150.00", "2", tax_amount="60.00"), line(ledger, "10.00", "1", tax_amount="2.00")]
    inputs = {"contactId": contact["id"], "date": "2024-01-31", "invoiceLines": lines}
    action = registry["createSalesInvoice"]
    invoice = action.run(client, inputs)
    assert action.amount(inputs) == Decimal(invoice["total_amount"]) == Decimal("372.00")
