"""Other payments: bank money in and out that no invoice is behind, split over ledger accounts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import assert_error
from .test_invoices import created, ledger_id, make_contact, rejected

Body = dict[str, Any]


@pytest.fixture
def bank(api: httpx.Client) -> Body:
    return dict(api.get("/bank_accounts", params={"attributes": "balance"}).json()["$items"][0])


def post(api: httpx.Client, bank: Body, lines: list[Body], **extra: Any) -> httpx.Response:
    body = {
        "transaction_type_id": "OTHER_PAYMENT",
        "bank_account_id": bank["id"],
        "date": "2024-10-31",
        "total_amount": "100.00",
        "payment_lines": lines,
        **extra,
    }
    return api.post("/other_payments", json={"other_payment": body})


def balance(api: httpx.Client, bank: Body) -> str:
    return str(api.get(bank["$path"]).json()["balance"])


def test_a_payment_splits_over_its_lines_and_leaves_the_bank(api: httpx.Client, bank: Body) -> None:
    before = balance(api, bank)
    supplier = make_contact(api, "Corner Shop", "VENDOR")
    payment = created(
        post(
            api,
            bank,
            [
                {
                    "ledger_account_id": ledger_id(api, 7500),
                    "tax_rate_id": "GB_STANDARD",
                    "total_amount": "60.00",
                },
                {
                    "ledger_account_id": ledger_id(api, 7100),
                    "tax_rate_id": "GB_EXEMPT",
                    "total_amount": "40.00",
                },
            ],
            contact_id=supplier["id"],
            reference="Stationery",
        )
    )
    assert payment["transaction_type"]["id"] == "OTHER_PAYMENT"
    assert (payment["net_amount"], payment["tax_amount"], payment["total_amount"]) == (
        "90.0",
        "10.0",
        "100.0",
    )
    assert [(p["net_amount"], p["tax_amount"]) for p in payment["payment_lines"]] == [
        ("50.0", "10.0"),
        ("40.0", "0.0"),
    ]
    assert payment["contact"]["id"] == supplier["id"] and payment["displayed_as"] == "Stationery"
    assert float(balance(api, bank)) == float(before) - 100
    assert api.get(payment["transaction"]["$path"]).json()["total"] == "100.0"
    listed = api.get("/other_payments", params={"contact_id": supplier["id"]}).json()
    assert [i["id"] for i in listed["$items"]] == [payment["id"]]

    edited = api.put(payment["$path"], json={"other_payment": {"reference": "Paper"}})
    assert edited.status_code == 200 and edited.json()["displayed_as"] == "Paper"
    assert api.delete(payment["$path"]).status_code == 204
    assert balance(api, bank) == before


def test_a_receipt_refund_as_the_payments_guide_posts_it(api: httpx.Client, bank: Body) -> None:
    customer = make_contact(api, "Walk-in")
    receipt = created(
        post(
            api,
            bank,
            [
                {
                    "ledger_account_id": ledger_id(api, 4000),
                    "tax_rate_id": "GB_STANDARD",
                    "net_amount": "83.33",
                    "tax_amount": "16.67",
                    "total_amount": "100.00",
                }
            ],
            transaction_type_id="OTHER_RECEIPT_REFUND",
            payment_method_id="CREDIT_DEBIT",
            contact_id=customer["id"],
        )
    )
    assert receipt["payment_method"]["id"] == "CREDIT_DEBIT"
    assert receipt["payment_lines"][0]["net_amount"] == "83.33"


def test_rules_answer_422(api: httpx.Client, bank: Body) -> None:
    expense = ledger_id(api, 7500)
    mismatch = post(api, bank, [{"ledger_account_id": expense, "total_amount": "90.00"}])
    assert "sum of the payment lines (90.0)" in rejected(mismatch, "total_amount")
    split = post(
        api,
        bank,
        [{"ledger_account_id": expense, "net_amount": "80", "tax_amount": "10", "total_amount": "100"}],
    )
    assert "net_amount plus tax_amount" in rejected(split, "payment_lines[0].total_amount")
    sales = post(api, bank, [{"ledger_account_id": ledger_id(api, 4000), "total_amount": "100.00"}])
    assert (
        rejected(sales, "payment_lines[0].ledger_account_id") == "is not a ledger account for other payments"
    )
    kind = post(
        api,
        bank,
        [{"ledger_account_id": expense, "total_amount": "100"}],
        transaction_type_id="CUSTOMER_RECEIPT",
    )
    assert rejected(kind, "transaction_type_id") == "is not included in the list"
    assert rejected(post(api, bank, []), "payment_lines") == "must have at least one line"
    early = post(api, bank, [{"ledger_account_id": expense, "total_amount": "100"}], date="2001-01-01")
    assert rejected(early, "date").startswith("must be on or after the accounts start date")
    no_bank = post(api, {"id": None}, [{"ledger_account_id": expense, "total_amount": "100"}])
    assert_error(no_bank, 422, "RecordInvalid", "bank_account_id")
