"""Transactions: every posted document's ``transaction`` link leads to a ledger transaction a sync can follow."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from sage_accounting.emulator import Emulator

from .conftest import assert_error, served_api
from .test_invoices import created, ledger_id, limited_client, line, make_contact, post_invoice, post_purchase
from .test_payments import pay

Body = dict[str, Any]


@pytest.fixture
def customer(api: httpx.Client) -> Body:
    return make_contact(api, "Acme Ltd")


def test_a_posted_invoice_links_to_its_transaction(api: httpx.Client, customer: Body) -> None:
    invoice = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))], reference="PO-7"))
    transaction = api.get(invoice["transaction"]["$path"])
    assert transaction.status_code == 200, transaction.text
    body = transaction.json()
    assert body["id"] == invoice["transaction"]["id"]
    assert body["transaction_type"]["id"] == "SALES_INVOICE"
    assert (body["date"], body["total"], body["reference"], body["deleted"]) == (
        "2024-03-01",
        "120.0",
        "PO-7",
        False,
    )
    assert body["contact"]["id"] == customer["id"]
    assert body["origin"]["$path"] == invoice["$path"]
    assert body["origin"]["status"]["id"] == "UNPAID"
    expanded = api.get(invoice["transaction"]["$path"], params={"expand_origin": "true"}).json()
    assert expanded["origin"]["invoice_lines"][0]["net_amount"] == "100.0"


def test_drafts_book_nothing_until_released(api: httpx.Client, customer: Body) -> None:
    draft = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))], status_id="DRAFT"))
    assert draft["transaction"] is None
    assert api.get("/transactions").json()["$total"] == 0
    released = api.post(f"{draft['$path']}/release").json()
    assert api.get(released["transaction"]["$path"]).json()["origin"]["id"] == draft["id"]


def test_sync_reads_changes_since_and_deletions_from_one_endpoint(
    emu: Emulator, api: httpx.Client, customer: Body
) -> None:
    bank = api.get("/bank_accounts").json()["$items"][0]["id"]
    invoice = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))
    vendor = make_contact(api, "Bolt Supplies", "VENDOR")
    bill = created(post_purchase(api, vendor["id"], [line(ledger_id(api, 5000))]))
    emu.clock.advance(60)
    mark = datetime.fromtimestamp(emu.clock.time(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    receipt = created(pay(api, customer["id"], bank, "120.00", [(invoice["id"], "120.00")]))
    changed = api.get(
        "/transactions", params={"updated_or_created_since": mark, "attributes": "transaction_type"}
    ).json()
    kinds = sorted(i["transaction_type"]["id"] for i in changed["$items"])
    # the receipt, and the invoice it paid (its outstanding amount changed), but not the untouched bill
    assert kinds == ["CUSTOMER_RECEIPT", "SALES_INVOICE"]
    assert api.get("/transactions", params={"transaction_type_id": "PURCHASE_INVOICE"}).json()["$total"] == 1

    emu.clock.advance(1)  # deleted_since is exclusive
    assert api.delete(receipt["$path"]).status_code == 204
    assert api.delete(bill["$path"]).status_code == 204
    gone = {i["id"] for i in api.get("/transactions", params={"deleted_since": mark}).json()["$items"]}
    assert gone == {receipt["transaction"]["id"], bill["transaction"]["id"]}
    assert_error(api.get(bill["transaction"]["$path"]), 404, "RecordNotFound")


def test_a_voided_invoice_voids_its_transaction(api: httpx.Client, customer: Body) -> None:
    invoice = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))
    assert api.request("DELETE", invoice["$path"], json={"void_reason": "typo"}).status_code == 200
    assert api.get(invoice["transaction"]["$path"]).json()["deleted"] is True


def test_journals_and_payments_book_transactions_too(api: httpx.Client, customer: Body) -> None:
    body = {
        "date": "2024-03-31",
        "reference": "Accrual",
        "journal_lines": [
            {"ledger_account_id": ledger_id(api, 7100), "debit": "50", "credit": "0"},
            {"ledger_account_id": ledger_id(api, 2109), "debit": "0", "credit": "50"},
        ],
    }
    journal = created(api.post("/journals", json={"journal": body}))
    found = api.get(journal["transaction"]["$path"]).json()
    assert (found["transaction_type"]["id"], found["total"]) == ("JOURNAL", "50.0")
    assert (
        api.get("/transactions", params={"from_date": "2024-03-31", "to_date": "2024-03-31"}).json()["$total"]
        == 1
    )


def test_transactions_need_journals_read_access(emu: Emulator) -> None:
    reader = limited_client(emu, {"Journals": "no_access"})
    assert_error(reader.get("/transactions"), 403, "MultiUserAccessDenied")
    assert limited_client(emu, {"Journals": "read_only"}).get("/transactions").status_code == 200


def test_allocations_and_their_transactions_over_a_real_socket(emu: Emulator) -> None:
    with served_api(emu) as api:
        customer = make_contact(api, "Socket Ltd")
        bank = api.get("/bank_accounts").json()["$items"][0]["id"]
        invoice = created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))
        poa = created(pay(api, customer["id"], bank, "200.00", []))["payment_on_account"]
        body = {
            "transaction_type_id": "CUSTOMER_ALLOCATION",
            "contact_id": customer["id"],
            "allocated_artefacts": [
                {"artefact_id": invoice["id"], "amount": "120.0"},
                {"artefact_id": poa["id"], "amount": "-120.0"},
            ],
        }
        allocation = created(api.post("/contact_allocations", json={"contact_allocation": body}))
        assert api.get(invoice["$path"]).json()["status"]["id"] == "PAID"
        booked = api.get(allocation["transaction"]["$path"]).json()
        assert (booked["transaction_type"]["id"], booked["total"]) == ("CUSTOMER_ALLOCATION", "120.0")
