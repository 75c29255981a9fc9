"""Contact allocations: invoices settled against payments on account and credit notes, with Sage's 422s."""

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
    post_purchase,
    rejected,
    sales_credit_note,
)
from .test_payments import pay, state

Body = dict[str, Any]
PAY_ONLY_UNPAID = "You can only pay unpaid or part-paid invoices."


@pytest.fixture
def customer(api: httpx.Client) -> Body:
    return make_contact(api, "Acme Ltd")


@pytest.fixture
def bank(api: httpx.Client) -> str:
    return str(api.get("/bank_accounts").json()["$items"][0]["id"])


@pytest.fixture
def invoice(api: httpx.Client, customer: Body) -> Body:
    """A sales invoice of 120.00 (100 + 20%)."""
    return created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000))]))


@pytest.fixture
def on_account(api: httpx.Client, customer: Body, bank: str) -> Body:
    """The payment on account left by an unallocated receipt of 150.00."""
    receipt = created(pay(api, customer["id"], bank, "150.00", []))
    return dict(receipt["payment_on_account"])


def allocate(
    api: httpx.Client, contact: str, lines: list[tuple[str, Any]], kind: str = "CUSTOMER_ALLOCATION"
) -> httpx.Response:
    body = {
        "transaction_type_id": kind,
        "contact_id": contact,
        "date": "2024-04-10",
        "allocated_artefacts": [{"artefact_id": a, "amount": amount} for a, amount in lines],
    }
    return api.post("/contact_allocations", json={"contact_allocation": body})


def on_account_state(api: httpx.Client, poa: Body) -> tuple[Any, ...]:
    body = api.get(f"/payments_on_account/{poa['id']}").json()
    return (body["status"]["id"], body["outstanding_amount"])


def test_a_payment_on_account_settles_an_invoice_and_deleting_gives_it_back(
    api: httpx.Client, customer: Body, invoice: Body, on_account: Body
) -> None:
    allocation = created(
        allocate(api, customer["id"], [(invoice["id"], "120.00"), (on_account["id"], "-120.00")])
    )
    assert allocation["transaction_type"]["id"] == "CUSTOMER_ALLOCATION"
    assert allocation["contact"]["id"] == customer["id"]
    assert [a["amount"] for a in allocation["allocated_artefacts"]] == ["120.0", "-120.0"]
    assert (
        allocation["allocated_artefacts"][1]["artefact"]["$path"]
        == f"/payments_on_account/{on_account['id']}"
    )
    assert state(api, invoice) == ("PAID", "120.0", "0.0")
    assert on_account_state(api, on_account) == ("PART_PAID", "30.0")
    listed_poa = api.get(
        "/payments_on_account", params={"contact_id": customer["id"], "attributes": "outstanding_amount"}
    )
    assert [(p["id"], p["outstanding_amount"]) for p in listed_poa.json()["$items"]] == [
        (on_account["id"], "30.0")
    ]

    shown = api.get(invoice["$path"], params={"show_payments_allocations": "true"}).json()
    entry = shown["payments_allocations"][0]
    assert entry["contact_allocation"]["id"] == allocation["id"] and entry["amount"] == "120.0"

    assert api.get(f"/contact_allocations/{allocation['id']}").json()["date"] == "2024-04-10"
    listed = api.get("/contact_allocations", params={"contact_id": customer["id"]}).json()
    assert [i["id"] for i in listed["$items"]] == [allocation["id"]]

    assert api.delete(f"/contact_allocations/{allocation['id']}").status_code == 204
    assert state(api, invoice) == ("UNPAID", "0.0", "120.0")
    assert on_account_state(api, on_account) == ("UNPAID", "150.0")
    gone = api.get("/contact_allocations", params={"deleted_since": "2000-01-01"}).json()["$items"]
    assert [g["id"] for g in gone] == [allocation["id"]]


def test_a_credit_note_part_pays_an_invoice(api: httpx.Client, customer: Body, invoice: Body) -> None:
    note = created(
        sales_credit_note(api, customer["id"], [line(ledger_id(api, 4000), 1, "20.00")], date="2024-03-05")
    )
    created(allocate(api, customer["id"], [(invoice["id"], "24.00"), (note["id"], "-24.00")]))
    assert state(api, invoice) == ("PART_PAID", "24.0", "96.0")
    assert state(api, note) == ("PAID", "24.0", "0.0")
    # a used-up credit note cannot be allocated again: the same message for either side (payments guide)
    again = allocate(api, customer["id"], [(invoice["id"], "1.00"), (note["id"], "-1.00")])
    assert rejected(again, "allocated_artefacts[1].artefact_id") == PAY_ONLY_UNPAID


def test_supplier_allocations_take_the_opposite_signs(api: httpx.Client) -> None:
    vendor = make_contact(api, "Bolt Supplies", "VENDOR")
    expense = ledger_id(api, 5000)
    bill = created(post_purchase(api, vendor["id"], [line(expense)]))
    note = created(
        api.post(
            "/purchase_credit_notes",
            json={
                "purchase_credit_note": {
                    "contact_id": vendor["id"],
                    "date": "2024-03-05",
                    "credit_note_lines": [line(expense, 1, "50.00")],
                }
            },
        )
    )
    wrong = allocate(api, vendor["id"], [(bill["id"], "60.00"), (note["id"], "-60.00")], "VENDOR_ALLOCATION")
    assert "must be less than 0" in rejected(wrong, "allocated_artefacts[0].amount")
    created(allocate(api, vendor["id"], [(bill["id"], "-60.00"), (note["id"], "60.00")], "VENDOR_ALLOCATION"))
    assert state(api, bill) == ("PART_PAID", "60.0", "60.0")
    assert state(api, note) == ("PAID", "60.0", "0.0")


def test_every_rule_answers_a_422(
    api: httpx.Client, customer: Body, invoice: Body, on_account: Body, bank: str
) -> None:
    cid = customer["id"]
    unbalanced = allocate(api, cid, [(invoice["id"], "100.00"), (on_account["id"], "-90.00")])
    assert "add up to zero" in rejected(unbalanced, "allocated_artefacts")
    too_much = allocate(api, cid, [(invoice["id"], "140.00"), (on_account["id"], "-140.00")])
    assert (
        rejected(too_much, "allocated_artefacts[0].amount") == "is more than the outstanding amount (120.0)"
    )
    assert rejected(allocate(api, cid, [(invoice["id"], "1")]), "allocated_artefacts").startswith("must name")
    unknown = allocate(api, cid, [(invoice["id"], "1"), ("f" * 32, "-1")])
    assert rejected(unknown, "allocated_artefacts[1].artefact_id") == "is invalid"
    other = make_contact(api, "Other Ltd")
    foreign = allocate(api, other["id"], [(invoice["id"], "1"), (on_account["id"], "-1")])
    assert rejected(foreign, "allocated_artefacts[0].artefact_id") == "belongs to another contact"
    vendor = make_contact(api, "Bolt Supplies", "VENDOR")
    assert rejected(allocate(api, vendor["id"], []), "contact_id") == "Couldn't find Customer."
    assert (
        rejected(allocate(api, cid, [], "CUSTOMER_RECEIPT"), "transaction_type_id")
        == "is not included in the list"
    )
    # a paid invoice takes no allocation
    created(pay(api, cid, bank, "120.00", [(invoice["id"], "120.00")]))
    paid = allocate(api, cid, [(invoice["id"], "10"), (on_account["id"], "-10")])
    assert rejected(paid, "allocated_artefacts[0].artefact_id") == PAY_ONLY_UNPAID
    assert on_account_state(api, on_account) == ("UNPAID", "150.0")  # nothing was half done


def test_allocated_money_holds_its_payment_and_invoice(
    api: httpx.Client, customer: Body, invoice: Body, on_account: Body, bank: str
) -> None:
    created(allocate(api, customer["id"], [(invoice["id"], "50.00"), (on_account["id"], "-50.00")]))
    receipt = next(
        p
        for p in api.get("/contact_payments", params={"attributes": "payment_on_account"}).json()["$items"]
        if (p.get("payment_on_account") or {}).get("id") == on_account["id"]
    )
    assert "contact allocation" in rejected(api.delete(receipt["$path"]), "base")
    voided = api.request("DELETE", invoice["$path"], json={"void_reason": "mistake"})
    assert "payments or allocations" in rejected(voided, "base")


def test_allocations_need_full_access_in_sales_purchases_or_contacts(emu: Emulator) -> None:
    reader = limited_client(emu, {"Sales": "read_only", "Purchases": "read_only", "Contacts": "read_only"})
    assert_error(reader.get("/contact_allocations"), 403, "MultiUserAccessDenied")
    writer = limited_client(emu, {"Sales": "read_only", "Purchases": "read_only", "Contacts": "full_access"})
    assert writer.get("/contact_allocations").status_code == 200


def test_put_allocates_again_and_a_broken_put_changes_nothing(
    api: httpx.Client, customer: Body, invoice: Body, on_account: Body
) -> None:
    allocation = created(
        allocate(api, customer["id"], [(invoice["id"], "50.00"), (on_account["id"], "-50.00")])
    )
    path = f"/contact_allocations/{allocation['id']}"
    # the allocation's own 50.00 is given back first, so it may grow to what the invoice owed before it
    lines = [
        {"artefact_id": invoice["id"], "amount": "120.00"},
        {"artefact_id": on_account["id"], "amount": "-120.00"},
    ]
    moved = api.put(path, json={"contact_allocation": {"date": "2024-05-01", "allocated_artefacts": lines}})
    assert moved.status_code == 200, moved.text
    assert [a["amount"] for a in moved.json()["allocated_artefacts"]] == ["120.0", "-120.0"]
    assert state(api, invoice) == ("PAID", "120.0", "0.0")
    assert on_account_state(api, on_account) == ("PART_PAID", "30.0")
    shown = api.get(invoice["$path"], params={"show_payments_allocations": "true"}).json()
    assert [(e["date"], e["amount"]) for e in shown["payments_allocations"]] == [("2024-05-01", "120.0")]

    too_much = [
        {"artefact_id": invoice["id"], "amount": "130.00"},
        {"artefact_id": on_account["id"], "amount": "-130.00"},
    ]
    broken = api.put(path, json={"contact_allocation": {"allocated_artefacts": too_much}})
    assert rejected(broken, "allocated_artefacts[0].amount") == "is more than the outstanding amount (120.0)"
    assert state(api, invoice) == ("PAID", "120.0", "0.0")  # unchanged
    assert on_account_state(api, on_account) == ("PART_PAID", "30.0")
    assert api.get(path).json()["allocated_artefacts"] == moved.json()["allocated_artefacts"]
    other = make_contact(api, "Other Ltd")
    assert "cannot be changed" in rejected(
        api.put(path, json={"contact_allocation": {"contact_id": other["id"]}}), "contact_id"
    )
