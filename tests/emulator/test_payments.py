"""Contact payments: allocations move invoices to PART_PAID / PAID and back; every rule answers a 422."""

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
    vals,
)

Body = dict[str, Any]
PAY_ONLY_UNPAID = "You can only pay unpaid or part-paid invoices."


@pytest.fixture
def customer(api: httpx.Client) -> Body:
    return make_contact(api, "Acme Ltd")


@pytest.fixture
def vendor(api: httpx.Client) -> Body:
    return make_contact(api, "Bolt Supplies", "VENDOR")


@pytest.fixture
def bank(api: httpx.Client) -> str:
    return str(api.get("/bank_accounts").json()["$items"][0]["id"])


@pytest.fixture
def invoice(api: httpx.Client, customer: Body) -> Body:
    """A sales invoice of 119.99 (3 × 33.33 + 20%)."""
    return created(post_invoice(api, customer["id"], [line(ledger_id(api, 4000), 3, "33.33")]))


def pay(
    api: httpx.Client,
    contact: str,
    bank: str,
    total: Any,
    allocations: list[tuple[str, Any]] | None = None,
    kind: str = "CUSTOMER_RECEIPT",
    **extra: Any,
) -> httpx.Response:
    body: Body = {
        "transaction_type_id": kind,
        "contact_id": contact,
        "bank_account_id": bank,
        "date": extra.pop("date", "2024-04-02"),
        "total_amount": total,
        **extra,
    }
    if allocations is not None:
        body["allocated_artefacts"] = [{"artefact_id": a, "amount": amount} for a, amount in allocations]
    return api.post("/contact_payments", json={"contact_payment": body})


def test_full_receipt_pays_the_invoice(api: httpx.Client, customer: Body, bank: str, invoice: Body) -> None:
    payment = created(
        pay(api, customer["id"], bank, "119.99", [(invoice["id"], "119.99")], reference="BACS 1")
    )
    assert list(payment)[:6] == ["id", "displayed_as", "$path", "created_at", "updated_at", "links"]
    assert payment["$path"] == f"/contact_payments/{payment['id']}" and payment["displayed_as"] == "BACS 1"
    assert payment["transaction_type"]["id"] == "CUSTOMER_RECEIPT"
    assert payment["contact"]["id"] == customer["id"] and payment["bank_account"]["id"] == bank
    assert vals(payment, "total_amount", "net_amount", "tax_amount") == ("119.99", "119.99", "0.0")
    assert payment["payment_method"]["id"] == "ELECTRONIC" and payment["payment_on_account"] is None
    (allocation,) = payment["allocated_artefacts"]
    assert allocation["artefact"] == {"id": invoice["id"], "displayed_as": "SI-1", "$path": invoice["$path"]}
    assert allocation["amount"] == "119.99"
    paid = api.get(invoice["$path"]).json()
    assert paid["status"] == {"id": "PAID", "displayed_as": "Paid", "$path": "/artefact_statuses/PAID"}
    assert vals(paid, "total_paid", "outstanding_amount", "last_paid") == ("119.99", "0.0", "2024-04-02")
    assert paid["payments_allocations_total_amount"] == "119.99"
    (entry,) = paid["payments_allocations"]
    assert entry["contact_payment"]["id"] == payment["id"] and entry["amount"] == "119.99"
    assert vals(entry, "date", "reference", "type") == ("2024-04-02", "BACS 1", "Customer Receipt")
    assert api.get(payment["$path"]).json() == payment


def test_part_payments_then_paid(api: httpx.Client, customer: Body, bank: str, invoice: Body) -> None:
    created(pay(api, customer["id"], bank, "19.99", [(invoice["id"], "19.99")]))
    part = api.get(invoice["$path"]).json()
    assert part["status"]["id"] == "PART_PAID"
    assert vals(part, "total_paid", "outstanding_amount", "base_currency_outstanding_amount") == (
        "19.99",
        "100.0",
        "100.0",
    )
    assert (
        rejected(
            pay(api, customer["id"], bank, "100.01", [(invoice["id"], "100.01")]),
            "allocated_artefacts[0].amount",
        )
        == "is more than the outstanding amount (100.0)"
    )
    created(pay(api, customer["id"], bank, 100, [(invoice["id"], 100)], date="2024-04-09"))
    paid = api.get(invoice["$path"]).json()
    assert (paid["status"]["id"], paid["outstanding_amount"], paid["last_paid"]) == (
        "PAID",
        "0.0",
        "2024-04-09",
    )
    assert len(paid["payments_allocations"]) == 2


def test_only_unpaid_or_part_paid_artefacts_can_be_paid(
    api: httpx.Client, customer: Body, bank: str, invoice: Body
) -> None:
    created(pay(api, customer["id"], bank, "119.99", [(invoice["id"], "119.99")]))
    sales = ledger_id(api, 4000)
    draft = created(post_invoice(api, customer["id"], [line(sales)], status_id="DRAFT"))
    void = created(post_invoice(api, customer["id"], [line(sales)]))
    assert api.delete(void["$path"], params={"void_reason": "x"}).status_code == 200
    for target in (invoice, draft, void):
        response = pay(api, customer["id"], bank, "1", [(target["id"], "1")])
        assert rejected(response, "allocated_artefacts[0].artefact_id") == PAY_ONLY_UNPAID
    assert api.get("/contact_payments").json()["$total"] == 1


def test_total_below_allocations_is_422_and_above_is_a_payment_on_account(
    api: httpx.Client, customer: Body, bank: str, invoice: Body
) -> None:
    assert (
        rejected(pay(api, customer["id"], bank, "50", [(invoice["id"], "60")]), "total_amount")
        == "cannot be less than the allocated amount (60.0)"
    )
    payment = created(pay(api, customer["id"], bank, "99.99", [(invoice["id"], "77.77")], reference="R9"))
    on_account = payment["payment_on_account"]
    assert vals(on_account, "total_amount", "outstanding_amount") == ("22.22", "22.22")
    assert on_account["contact"]["id"] == customer["id"] and on_account["reference"] == "R9"
    assert api.get(invoice["$path"]).json()["outstanding_amount"] == "42.22"
    unallocated = created(pay(api, customer["id"], bank, "33.33"))
    assert (
        unallocated["allocated_artefacts"] == []
        and unallocated["payment_on_account"]["total_amount"] == "33.33"
    )


def test_allocation_amounts_must_be_positive_and_totals_too(
    api: httpx.Client, customer: Body, bank: str, invoice: Body
) -> None:
    rejected(pay(api, customer["id"], bank, "10", [(invoice["id"], "0")]), "allocated_artefacts[0].amount")
    rejected(pay(api, customer["id"], bank, "0"), "total_amount")
    twice = [(invoice["id"], "60"), (invoice["id"], "60")]  # 120 > 119.99 owed, across two entries
    rejected(pay(api, customer["id"], bank, "120", twice), "allocated_artefacts[1].amount")


def test_artefact_must_belong_to_the_contact_and_match_the_payment_type(
    api: httpx.Client, customer: Body, vendor: Body, bank: str, invoice: Body
) -> None:
    other = make_contact(api, "Other Ltd")
    assert (
        rejected(
            pay(api, other["id"], bank, "10", [(invoice["id"], "10")]), "allocated_artefacts[0].artefact_id"
        )
        == "belongs to another contact"
    )
    purchase = created(post_purchase(api, vendor["id"], [line(ledger_id(api, 5000))]))
    assert (
        rejected(
            pay(api, customer["id"], bank, "10", [(purchase["id"], "10")]),
            "allocated_artefacts[0].artefact_id",
        )
        == "is invalid"
    )
    assert (
        rejected(pay(api, customer["id"], bank, "10", kind="VENDOR_PAYMENT"), "contact_id")
        == "Couldn't find Supplier."
    )
    assert rejected(pay(api, vendor["id"], bank, "10"), "contact_id") == "Couldn't find Customer."


def test_vendor_payment_pays_a_purchase_invoice(api: httpx.Client, vendor: Body, bank: str) -> None:
    purchase = created(post_purchase(api, vendor["id"], [line(ledger_id(api, 5000), 1, "45.50")]))
    payment = created(
        pay(
            api,
            vendor["id"],
            bank,
            "54.6",
            [(purchase["id"], "54.60")],
            kind="VENDOR_PAYMENT",
            payment_method_id="CHECK",
        )
    )
    assert (
        payment["transaction_type"]["id"] == "VENDOR_PAYMENT" and payment["payment_method"]["id"] == "CHECK"
    )
    body = api.get(purchase["$path"]).json()
    assert (body["status"]["id"], body["total_paid"], body["outstanding_amount"]) == ("PAID", "54.6", "0.0")


def test_refunds_settle_credit_notes(api: httpx.Client, customer: Body, bank: str) -> None:
    scn = {
        "contact_id": customer["id"],
        "date": "2024-03-02",
        "credit_note_lines": [line(ledger_id(api, 4000), 1, "10")],
    }
    note = created(api.post("/sales_credit_notes", json={"sales_credit_note": scn}))
    created(pay(api, customer["id"], bank, "12", [(note["id"], "12")], kind="CUSTOMER_REFUND"))
    body = api.get(note["$path"]).json()
    assert (body["status"]["id"], body["outstanding_amount"]) == ("PAID", "0.0")


def test_required_fields_and_bad_references(api: httpx.Client, customer: Body, bank: str) -> None:
    response = api.post("/contact_payments", json={"contact_payment": {}})
    assert response.status_code == 422
    assert {i["$source"] for i in response.json()} == {
        "transaction_type_id",
        "contact_id",
        "bank_account_id",
        "date",
        "total_amount",
    }
    assert (
        rejected(pay(api, customer["id"], bank, "1", kind="OTHER_RECEIPT"), "transaction_type_id")
        == "is not included in the list"
    )
    rejected(pay(api, customer["id"], "0" * 32, "1"), "bank_account_id")
    rejected(pay(api, customer["id"], bank, "1", payment_method_id="GOLD"), "payment_method_id")
    rejected(pay(api, customer["id"], bank, "1", [("0" * 32, "1")]), "allocated_artefacts[0].artefact_id")
    assert api.get("/contact_payments").json()["$total"] == 0


@pytest.mark.parametrize(
    "payment",
    [
        {
            "transaction_type_id": 3,
            "contact_id": {},
            "bank_account_id": [],
            "date": "x",
            "total_amount": "ten",
        },
        {"transaction_type_id": "CUSTOMER_RECEIPT", "total_amount": "1", "allocated_artefacts": "all"},
        {"transaction_type_id": "CUSTOMER_RECEIPT", "total_amount": 1, "allocated_artefacts": [5, None, {}]},
        {
            "transaction_type_id": "CUSTOMER_RECEIPT",
            "total_amount": True,
            "allocated_artefacts": [{"amount": []}],
        },
        {"transaction_type_id": "VENDOR_REFUND", "total_amount": "1e99", "reference": "x" * 26},
    ],
)
def test_bad_input_of_any_shape_is_422_never_500(api: httpx.Client, payment: Body) -> None:
    response = api.post("/contact_payments", json={"contact_payment": payment})
    assert response.status_code == 422, response.text
    assert all(item["$dataCode"] == "RecordInvalid" and item["$source"] for item in response.json())


def test_deleting_the_payment_gives_the_money_back(
    api: httpx.Client, customer: Body, bank: str, invoice: Body
) -> None:
    first = created(pay(api, customer["id"], bank, "19.99", [(invoice["id"], "19.99")]))
    second = created(pay(api, customer["id"], bank, "100", [(invoice["id"], "100")], date="2024-04-05"))
    assert api.get(invoice["$path"]).json()["status"]["id"] == "PAID"
    response = api.delete(second["$path"])
    assert response.status_code == 204 and response.content == b""
    body = api.get(invoice["$path"]).json()
    assert (body["status"]["id"], body["outstanding_amount"], body["last_paid"]) == (
        "PART_PAID",
        "100.0",
        "2024-04-02",
    )
    assert [e["contact_payment"]["id"] for e in body["payments_allocations"]] == [first["id"]]
    assert api.delete(first["$path"]).status_code == 204
    body = api.get(invoice["$path"]).json()
    assert (body["status"]["id"], body["outstanding_amount"], body["total_paid"]) == (
        "UNPAID",
        "119.99",
        "0.0",
    )
    assert body["payments_allocations"] == [] and body["last_paid"] is None
    rejected(api.get(first["$path"]), 404, "RecordNotFound")
    deleted = api.get("/contact_payments", params={"deleted_since": "2000-01-01"}).json()
    assert {item["id"] for item in deleted["$items"]} == {first["id"], second["id"]}


def test_invoices_with_payments_cannot_be_voided_or_deleted(
    api: httpx.Client, customer: Body, vendor: Body, bank: str, invoice: Body
) -> None:
    payment = created(pay(api, customer["id"], bank, "10", [(invoice["id"], "10")]))
    item = assert_error(api.delete(invoice["$path"], params={"void_reason": "x"}), "base")
    assert "payments" in item["$message"]
    purchase = created(post_purchase(api, vendor["id"], [line(ledger_id(api, 5000))]))
    vendor_payment = created(
        pay(api, vendor["id"], bank, "120", [(purchase["id"], "120")], kind="VENDOR_PAYMENT")
    )
    rejected(api.delete(purchase["$path"]), "base")
    assert api.delete(payment["$path"]).status_code == 204
    assert api.delete(invoice["$path"], params={"void_reason": "x"}).json()["status"]["id"] == "VOID"
    assert api.delete(vendor_payment["$path"]).status_code == 204
    assert api.delete(purchase["$path"]).status_code == 204


def test_invoice_edits_respect_payments(api: httpx.Client, customer: Body, bank: str, invoice: Body) -> None:
    created(pay(api, customer["id"], bank, "100", [(invoice["id"], "100")]))
    sales = ledger_id(api, 4000)
    smaller = {"sales_invoice": {"invoice_lines": [line(sales, 1, "50")]}}
    assert (
        rejected(api.put(invoice["$path"], json=smaller), "total_amount")
        == "cannot be less than the amount already paid (100.0)"
    )
    other = make_contact(api, "Other Ltd")
    rejected(api.put(invoice["$path"], json={"sales_invoice": {"contact_id": other["id"]}}), "contact_id")
    exact = api.put(invoice["$path"], json={"sales_invoice": {"invoice_lines": [line(sales, 1, "83.34")]}})
    assert exact.status_code == 200, exact.text
    assert (exact.json()["total_amount"], exact.json()["status"]["id"]) == ("100.01", "PART_PAID")
    # 83.33 + 16.67 (16.666 rounded) = 100.00: exactly what was paid
    paid = api.put(
        invoice["$path"], json={"sales_invoice": {"invoice_lines": [line(sales, 1, "83.33")]}}
    ).json()
    assert (paid["total_amount"], paid["outstanding_amount"], paid["status"]["id"]) == (
        "100.0",
        "0.0",
        "PAID",
    )


def test_editing_a_payment_reallocates(api: httpx.Client, customer: Body, bank: str, invoice: Body) -> None:
    payment = created(pay(api, customer["id"], bank, "119.99", [(invoice["id"], "119.99")]))
    response = api.put(
        payment["$path"],
        json={
            "contact_payment": {"allocated_artefacts": [{"artefact_id": invoice["id"], "amount": "19.99"}]}
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["allocated_artefacts"][0]["amount"] == "19.99" and body["total_amount"] == "119.99"
    assert body["payment_on_account"]["outstanding_amount"] == "100.0"
    assert api.get(invoice["$path"]).json()["outstanding_amount"] == "100.0"
    # more than the invoice owes (counting this payment's own money) is refused and changes nothing
    too_much = {"contact_payment": {"allocated_artefacts": [{"artefact_id": invoice["id"], "amount": "120"}]}}
    rejected(api.put(payment["$path"], json=too_much), "allocated_artefacts[0].amount")
    assert api.get(invoice["$path"]).json()["status"]["id"] == "PART_PAID"
    assert api.get(payment["$path"]).json() == body
    cleared = api.put(payment["$path"], json={"contact_payment": {"allocated_artefacts": []}}).json()
    assert cleared["allocated_artefacts"] == [] and cleared["payment_on_account"]["total_amount"] == "119.99"
    assert api.get(invoice["$path"]).json()["status"]["id"] == "UNPAID"
    back = api.put(
        payment["$path"],
        json={
            "contact_payment": {
                "reference": "again",
                "allocated_artefacts": [{"artefact_id": invoice["id"], "amount": "119.99"}],
            }
        },
    ).json()
    assert back["reference"] == "again" and back["payment_on_account"] is None
    assert api.get(invoice["$path"]).json()["status"]["id"] == "PAID"


def test_a_payment_makes_its_contact_undeletable(api: httpx.Client, bank: str) -> None:
    fresh = make_contact(api, "Walk-in")
    created(pay(api, fresh["id"], bank, "5"))
    assert api.get(fresh["$path"]).json()["deletable"] is False
    assert api.delete(fresh["$path"]).status_code == 422


def test_list_filters(api: httpx.Client, customer: Body, vendor: Body, bank: str, invoice: Body) -> None:
    receipt = created(pay(api, customer["id"], bank, "10", [(invoice["id"], "10")], date="2024-04-01"))
    refund = created(pay(api, vendor["id"], bank, "5", kind="VENDOR_PAYMENT", date="2024-05-01"))

    def ids(**params: Any) -> list[str]:
        response = api.get("/contact_payments", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["$items"]]

    assert ids(transaction_type_id="VENDOR_PAYMENT") == [refund["id"]]
    assert ids(contact_id=customer["id"]) == [receipt["id"]]
    assert ids(bank_account_id=bank) == [receipt["id"], refund["id"]]
    assert ids(from_date="2024-04-15") == [refund["id"]]
    assert ids(sort="date:desc") == [refund["id"], receipt["id"]]


def test_bank_roles(emu: Emulator, api: httpx.Client, customer: Body, bank: str) -> None:
    payment = created(pay(api, customer["id"], bank, "5"))
    with limited_client(emu, {"Bank": "read_only"}) as reader:
        assert reader.get(payment["$path"]).status_code == 200
        assert_error(pay(reader, customer["id"], bank, "5"), 403, "MultiUserAccessDenied")
    with limited_client(emu, {"Bank": "restricted_access"}) as restricted:
        assert created(pay(restricted, customer["id"], bank, "5"))["total_amount"] == "5.0"
        assert_error(restricted.delete(payment["$path"]), 403, "MultiUserAccessDenied")
    with limited_client(emu, {"Bank": "no_access"}) as blind:
        assert_error(blind.get("/contact_payments"), 403, "MultiUserAccessDenied")
