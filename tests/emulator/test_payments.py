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
STATE = ("status", "total_paid", "outstanding_amount")


@pytest.fixture
def customer(api: httpx.Client) -> Body:
    return make_contact(api, "Acme Ltd")


@pytest.fixture
def vendor(api: httpx.Client) -> Body:
    return make_contact(api, "Bolt Supplies", "VENDOR")


@pytest.fixture
def sales(api: httpx.Client) -> str:
    return ledger_id(api, 4000)


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
    body: Body = {"transaction_type_id": kind, "contact_id": contact, "bank_account_id": bank}
    body.update(date=extra.pop("date", "2024-04-02"), total_amount=total, **extra)
    if allocations is not None:
        body["allocated_artefacts"] = [{"artefact_id": a, "amount": amount} for a, amount in allocations]
    return api.post("/contact_payments", json={"contact_payment": body})


def state(api: httpx.Client, artefact: Body) -> tuple[Any, ...]:
    """(status id, total_paid, outstanding_amount) of an artefact as the API shows it now."""
    body = api.get(artefact["$path"]).json()
    return (body["status"]["id"], body["total_paid"], body["outstanding_amount"])


def allocations(artefact_id: str, amount: str) -> Body:
    return {"contact_payment": {"allocated_artefacts": [{"artefact_id": artefact_id, "amount": amount}]}}


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
    assert api.get(invoice["$path"]).json()["payments_allocations"] == []  # only shown when asked
    paid = api.get(invoice["$path"], params={"show_payments_allocations": "true"}).json()
    assert paid["status"] == {"id": "PAID", "displayed_as": "Paid", "$path": "/artefact_statuses/PAID"}
    assert vals(paid, "total_paid", "outstanding_amount", "last_paid") == ("119.99", "0.0", "2024-04-02")
    assert paid["payments_allocations_total_amount"] == "119.99"
    (entry,) = paid["payments_allocations"]
    assert entry["contact_payment"]["id"] == payment["id"]
    assert vals(entry, "amount", "date", "reference", "type") == (
        "119.99",
        "2024-04-02",
        "BACS 1",
        "Customer Receipt",
    )
    assert api.get(payment["$path"]).json() == payment


def test_part_payments_then_paid(api: httpx.Client, customer: Body, bank: str, invoice: Body) -> None:
    created(pay(api, customer["id"], bank, "19.99", [(invoice["id"], "19.99")]))
    assert state(api, invoice) == ("PART_PAID", "19.99", "100.0")
    assert api.get(invoice["$path"]).json()["base_currency_outstanding_amount"] == "100.0"
    response = pay(api, customer["id"], bank, "100.01", [(invoice["id"], "100.01")])
    assert (
        rejected(response, "allocated_artefacts[0].amount") == "is more than the outstanding amount (100.0)"
    )
    created(pay(api, customer["id"], bank, 100, [(invoice["id"], 100)], date="2024-04-09"))
    assert state(api, invoice) == ("PAID", "119.99", "0.0")
    paid = api.get(invoice["$path"], params={"show_payments_allocations": "true"}).json()
    assert paid["last_paid"] == "2024-04-09" and len(paid["payments_allocations"]) == 2


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
    response = pay(api, customer["id"], bank, "50", [(invoice["id"], "60")])
    assert rejected(response, "total_amount") == "cannot be less than the allocated amount (60.0)"
    payment = created(pay(api, customer["id"], bank, "99.99", [(invoice["id"], "77.77")], reference="R9"))
    on_account = payment["payment_on_account"]
    assert vals(on_account, "total_amount", "outstanding_amount", "reference") == ("22.22", "22.22", "R9")
    assert on_account["contact"]["id"] == customer["id"]
    assert state(api, invoice) == ("PART_PAID", "77.77", "42.22")
    unallocated = created(pay(api, customer["id"], bank, "33.33"))
    assert (
        unallocated["allocated_artefacts"] == []
        and unallocated["payment_on_account"]["total_amount"] == "33.33"
    )


def test_amounts_must_be_positive_and_cumulate_per_artefact(
    api: httpx.Client, customer: Body, bank: str, invoice: Body
) -> None:
    response = pay(api, customer["id"], bank, "10", [(invoice["id"], "0")])
    assert rejected(response, "allocated_artefacts[0].amount") == "must be greater than 0"
    assert rejected(pay(api, customer["id"], bank, "0"), "total_amount") == "must be greater than 0"
    twice = [(invoice["id"], "60"), (invoice["id"], "60")]  # 120 > 119.99 owed, across two entries
    response = pay(api, customer["id"], bank, "120", twice)
    assert (
        rejected(response, "allocated_artefacts[1].amount") == "is more than the outstanding amount (119.99)"
    )


def test_artefact_must_belong_to_the_contact_and_match_the_payment_type(
    api: httpx.Client, customer: Body, vendor: Body, bank: str, invoice: Body
) -> None:
    other = make_contact(api, "Other Ltd")
    response = pay(api, other["id"], bank, "10", [(invoice["id"], "10")])
    assert rejected(response, "allocated_artefacts[0].artefact_id") == "belongs to another contact"
    purchase = created(post_purchase(api, vendor["id"], [line(ledger_id(api, 5000))]))
    response = pay(api, customer["id"], bank, "10", [(purchase["id"], "10")])
    assert rejected(response, "allocated_artefacts[0].artefact_id") == "is invalid"
    response = pay(api, customer["id"], bank, "10", kind="VENDOR_PAYMENT")
    assert rejected(response, "contact_id") == "Couldn't find Supplier."
    assert rejected(pay(api, vendor["id"], bank, "10"), "contact_id") == "Couldn't find Customer."


def test_vendor_payment_pays_a_purchase_invoice(api: httpx.Client, vendor: Body, bank: str) -> None:
    purchase = created(post_purchase(api, vendor["id"], [line(ledger_id(api, 5000), 1, "45.50")]))
    extra = {"kind": "VENDOR_PAYMENT", "payment_method_id": "CHECK"}
    payment = created(pay(api, vendor["id"], bank, "54.6", [(purchase["id"], "54.60")], **extra))
    assert (
        payment["transaction_type"]["id"] == "VENDOR_PAYMENT" and payment["payment_method"]["id"] == "CHECK"
    )
    assert state(api, purchase) == ("PAID", "54.6", "0.0")


def test_refunds_settle_credit_notes(api: httpx.Client, customer: Body, vendor: Body, bank: str) -> None:
    lines = [line(ledger_id(api, 4000), 1, "10")]
    scn = {"contact_id": customer["id"], "date": "2024-03-02", "credit_note_lines": lines}
    note = created(api.post("/sales_credit_notes", json={"sales_credit_note": scn}))
    created(pay(api, customer["id"], bank, "5", [(note["id"], "5")], kind="CUSTOMER_REFUND"))
    assert state(api, note) == ("PART_PAID", "5.0", "7.0")
    # a purchase credit note posts to an expense account (sales lines take income accounts)
    expense = [line(ledger_id(api, 5000), 1, "10")]
    pcn = {"contact_id": vendor["id"], "date": "2024-03-02", "credit_note_lines": expense}
    pnote = created(api.post("/purchase_credit_notes", json={"purchase_credit_note": pcn}))
    created(pay(api, vendor["id"], bank, "12", [(pnote["id"], "12")], kind="VENDOR_REFUND"))
    assert state(api, pnote) == ("PAID", "12.0", "0.0")


def test_required_fields_and_bad_references(api: httpx.Client, customer: Body, bank: str) -> None:
    response = api.post("/contact_payments", json={"contact_payment": {}})
    assert response.status_code == 422
    required = {"transaction_type_id", "contact_id", "bank_account_id", "date", "total_amount"}
    assert {i["$source"]: i["$message"] for i in response.json()} == dict.fromkeys(required, "can't be blank")
    response = pay(api, customer["id"], bank, "1", kind="OTHER_RECEIPT")
    assert rejected(response, "transaction_type_id") == "is not included in the list"
    assert rejected(pay(api, customer["id"], "0" * 32, "1"), "bank_account_id") == "is invalid"
    assert (
        rejected(pay(api, customer["id"], bank, "1", payment_method_id="GOLD"), "payment_method_id")
        == "is invalid"
    )
    response = pay(api, customer["id"], bank, "1", [("0" * 32, "1")])
    assert rejected(response, "allocated_artefacts[0].artefact_id") == "is invalid"
    response = pay(api, customer["id"], bank, "1", currency_id="EUR")
    assert rejected(response, "currency_id") == "Multi-currency is not enabled for this business"
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
    assert state(api, invoice) == ("PAID", "119.99", "0.0")
    response = api.delete(second["$path"])
    assert response.status_code == 204 and response.content == b""
    assert state(api, invoice) == ("PART_PAID", "19.99", "100.0")
    body = api.get(invoice["$path"], params={"show_payments_allocations": "true"}).json()
    assert body["last_paid"] == "2024-04-02"
    assert [e["contact_payment"]["id"] for e in body["payments_allocations"]] == [first["id"]]
    assert api.delete(first["$path"]).status_code == 204
    assert state(api, invoice) == ("UNPAID", "0.0", "119.99")
    body = api.get(invoice["$path"], params={"show_payments_allocations": "true"}).json()
    assert body["payments_allocations"] == [] and body["last_paid"] is None
    assert_error(api.get(first["$path"]), 404, "RecordNotFound")
    deleted = api.get("/contact_payments", params={"deleted_since": "2000-01-01"}).json()
    assert {item["id"] for item in deleted["$items"]} == {first["id"], second["id"]}


def test_invoices_with_payments_cannot_be_voided_or_deleted(
    api: httpx.Client, customer: Body, vendor: Body, bank: str, invoice: Body
) -> None:
    payment = created(pay(api, customer["id"], bank, "10", [(invoice["id"], "10")]))
    message = rejected(api.delete(invoice["$path"], params={"void_reason": "x"}), "base")
    assert message == "The invoice has payments or allocations; delete them before it can be voided."
    purchase = created(post_purchase(api, vendor["id"], [line(ledger_id(api, 5000))]))
    paid = created(pay(api, vendor["id"], bank, "120", [(purchase["id"], "120")], kind="VENDOR_PAYMENT"))
    message = rejected(api.delete(purchase["$path"]), "base")
    assert message == "The invoice has payments or allocations; delete them before it can be deleted."
    assert api.delete(payment["$path"]).status_code == 204
    assert api.delete(invoice["$path"], params={"void_reason": "x"}).json()["status"]["id"] == "VOID"
    assert api.delete(paid["$path"]).status_code == 204
    assert api.delete(purchase["$path"]).status_code == 204


def test_invoice_edits_respect_payments(api: httpx.Client, customer: Body, bank: str, invoice: Body) -> None:
    created(pay(api, customer["id"], bank, "100", [(invoice["id"], "100")]))
    sales = ledger_id(api, 4000)
    smaller = api.put(invoice["$path"], json={"sales_invoice": {"invoice_lines": [line(sales, 1, "50")]}})
    assert rejected(smaller, "total_amount") == "cannot be less than the amount already paid (100.0)"
    other = make_contact(api, "Other Ltd")
    moved = api.put(invoice["$path"], json={"sales_invoice": {"contact_id": other["id"]}})
    assert rejected(moved, "contact_id") == "cannot be changed on an invoice with payments or allocations"
    exact = api.put(invoice["$path"], json={"sales_invoice": {"invoice_lines": [line(sales, 1, "83.34")]}})
    assert exact.status_code == 200, exact.text
    assert state(api, invoice) == ("PART_PAID", "100.0", "0.01")  # 83.34 + 16.67 = 100.01
    # 83.33 + 16.67 (16.666 rounded) = 100.00: exactly what was paid
    api.put(invoice["$path"], json={"sales_invoice": {"invoice_lines": [line(sales, 1, "83.33")]}})
    assert state(api, invoice) == ("PAID", "100.0", "0.0")


def test_editing_a_payment_reallocates(api: httpx.Client, customer: Body, bank: str, invoice: Body) -> None:
    payment = created(pay(api, customer["id"], bank, "119.99", [(invoice["id"], "119.99")]))
    response = api.put(payment["$path"], json=allocations(invoice["id"], "19.99"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["allocated_artefacts"][0]["amount"] == "19.99" and body["total_amount"] == "119.99"
    assert body["payment_on_account"]["outstanding_amount"] == "100.0"
    assert state(api, invoice) == ("PART_PAID", "19.99", "100.0")
    # more than the invoice owes (counting this payment's own money) is refused and changes nothing
    response = api.put(payment["$path"], json=allocations(invoice["id"], "120"))
    assert (
        rejected(response, "allocated_artefacts[0].amount") == "is more than the outstanding amount (119.99)"
    )
    assert state(api, invoice) == ("PART_PAID", "19.99", "100.0")
    assert api.get(payment["$path"]).json() == body
    cleared = api.put(payment["$path"], json={"contact_payment": {"allocated_artefacts": []}}).json()
    assert cleared["allocated_artefacts"] == [] and cleared["payment_on_account"]["total_amount"] == "119.99"
    assert state(api, invoice) == ("UNPAID", "0.0", "119.99")
    full = allocations(invoice["id"], "119.99")
    full["contact_payment"]["reference"] = "again"
    back = api.put(payment["$path"], json=full).json()
    assert back["reference"] == "again" and back["payment_on_account"] is None
    assert state(api, invoice) == ("PAID", "119.99", "0.0")


def test_a_payment_makes_its_contact_undeletable(api: httpx.Client, bank: str) -> None:
    fresh = make_contact(api, "Walk-in")
    created(pay(api, fresh["id"], bank, "5"))
    assert api.get(fresh["$path"]).json()["deletable"] is False
    assert api.delete(fresh["$path"]).status_code == 422


def test_list_filters(api: httpx.Client, customer: Body, vendor: Body, bank: str, invoice: Body) -> None:
    receipt = created(pay(api, customer["id"], bank, "10", [(invoice["id"], "10")], date="2024-04-01"))
    payment = created(pay(api, vendor["id"], bank, "5", kind="VENDOR_PAYMENT", date="2024-05-01"))

    def ids(**params: Any) -> list[str]:
        response = api.get("/contact_payments", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["$items"]]

    assert ids(transaction_type_id="VENDOR_PAYMENT") == [payment["id"]]
    assert ids(contact_id=customer["id"]) == [receipt["id"]]
    assert ids(bank_account_id=bank) == [receipt["id"], payment["id"]]
    assert ids(from_date="2024-04-15") == [payment["id"]]
    assert ids(sort="date:desc") == [payment["id"], receipt["id"]]


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


def test_posted_invoices_and_payments_book_a_transaction(
    api: httpx.Client, customer: dict, sales: str
) -> None:
    draft = created(post_invoice(api, customer["id"], [line(sales)], status_id="DRAFT"))
    assert draft["transaction"] is None
    released = api.post(f"{draft['$path']}/release").json()
    link = released["transaction"]
    assert set(link) == {"id", "displayed_as", "$path"} and link["$path"] == f"/transactions/{link['id']}"
    edited = api.put(draft["$path"], json={"sales_invoice": {"notes": "edited"}}).json()
    assert edited["transaction"] == link  # an edit keeps the same transaction
    bank = api.get("/bank_accounts").json()["$items"][0]["id"]
    payment = created(pay(api, customer["id"], bank, "120.0", [(draft["id"], "120.0")]))
    assert payment["transaction"]["$path"].startswith("/transactions/")


def test_a_refund_must_be_allocated(api: httpx.Client, customer: dict) -> None:
    bank = api.get("/bank_accounts").json()["$items"][0]["id"]
    response = pay(api, customer["id"], bank, "10.0", kind="CUSTOMER_REFUND")
    item = assert_error(response, 422, "RecordInvalid", "allocated_artefacts")
    assert "credit note" in item["$message"]


def test_payments_allocations_show_only_when_asked(api: httpx.Client, customer: dict, sales: str) -> None:
    invoice = created(post_invoice(api, customer["id"], [line(sales)]))
    bank = api.get("/bank_accounts").json()["$items"][0]["id"]
    created(pay(api, customer["id"], bank, "50.0", [(invoice["id"], "50.0")]))
    plain = api.get(invoice["$path"]).json()
    assert plain["payments_allocations"] == [] and plain["total_paid"] == "50.0"
    shown = api.get(invoice["$path"], params={"show_payments_allocations": "true"}).json()
    assert [a["amount"] for a in shown["payments_allocations"]] == ["50.0"]
    listed = api.get(
        "/sales_invoices", params={"attributes": "all", "show_payments_allocations": "true"}
    ).json()
    assert listed["$items"][0]["payments_allocations"] == shown["payments_allocations"]


def test_refund_of_a_payment_on_account(api: httpx.Client, bank: str) -> None:
    customer = make_contact(api, "Acme Ltd")
    receipt = created(pay(api, customer["id"], bank, "100"))
    poa = receipt["payment_on_account"]
    assert vals(poa, "outstanding_amount", "total_amount") == ("100.0", "100.0")
    refund = created(pay(api, customer["id"], bank, "40", [(poa["id"], "40")], kind="CUSTOMER_REFUND"))
    assert refund["allocated_artefacts"][0]["artefact"] == {
        "id": poa["id"],
        "displayed_as": "Payment on Account",
        "$path": f"/payments_on_account/{poa['id']}",
    }
    assert refund["payment_on_account"] is None and refund["total_amount"] == "40.0"
    after = api.get(receipt["$path"]).json()["payment_on_account"]
    assert vals(after, "total_amount", "outstanding_amount", "base_currency_outstanding_amount") == (
        "100.0",
        "60.0",
        "60.0",
    )
    assert after["status"]["id"] == "PART_PAID"
    too_much = pay(api, customer["id"], bank, "61", [(poa["id"], "61")], kind="CUSTOMER_REFUND")
    message = rejected(too_much, "allocated_artefacts[0].amount")
    assert message == "is more than the outstanding amount (60.0)"
    # the refunded receipt can be neither deleted nor edited while the refund exists
    blocked = api.delete(receipt["$path"])
    assert rejected(blocked, "base") == "Its payment on account has been refunded; delete the refund first."
    edit = api.put(receipt["$path"], json={"contact_payment": {"reference": "x"}})
    assert rejected(edit, "base") == "Its payment on account has been refunded; delete the refund first."
    # editing the refund moves the money; deleting it gives it all back
    edited = api.put(
        refund["$path"],
        json={
            "contact_payment": {
                "total_amount": "100",
                "allocated_artefacts": [{"artefact_id": poa["id"], "amount": "100"}],
            }
        },
    )
    assert edited.status_code == 200, edited.text
    full = api.get(receipt["$path"]).json()["payment_on_account"]
    assert full["outstanding_amount"] == "0.0" and full["status"]["id"] == "PAID"
    again = pay(api, customer["id"], bank, "1", [(poa["id"], "1")], kind="CUSTOMER_REFUND")
    assert rejected(again, "allocated_artefacts[0].artefact_id") == PAY_ONLY_UNPAID
    assert api.delete(refund["$path"]).status_code == 204
    back = api.get(receipt["$path"]).json()["payment_on_account"]
    assert back["outstanding_amount"] == "100.0" and back["status"]["id"] == "UNPAID"
    assert api.delete(receipt["$path"]).status_code == 204


def test_refund_rules(api: httpx.Client, bank: str, sales: str) -> None:
    customer = make_contact(api, "Acme Ltd")
    # a refund must be allocated
    response = pay(api, customer["id"], bank, "10", kind="CUSTOMER_REFUND")
    assert (
        rejected(response, "allocated_artefacts")
        == "A refund must be allocated to a credit note or a payment on account."
    )
    receipt = created(pay(api, customer["id"], bank, "50"))
    poa_id = receipt["payment_on_account"]["id"]
    # a refund is never more than what it allocates (payments guide)
    response = pay(api, customer["id"], bank, "30", [(poa_id, "20")], kind="CUSTOMER_REFUND")
    assert rejected(response, "total_amount") == "cannot be greater than the allocated amount (20.0)"
    # another contact's payment on account, or a supplier refund of a customer's, is not found
    other = make_contact(api, "Other Ltd")
    response = pay(api, other["id"], bank, "5", [(poa_id, "5")], kind="CUSTOMER_REFUND")
    assert rejected(response, "allocated_artefacts[0].artefact_id") == "belongs to another contact"
    vendor = make_contact(api, "Bolt Supplies", "VENDOR")
    response = pay(api, vendor["id"], bank, "5", [(poa_id, "5")], kind="VENDOR_REFUND")
    assert rejected(response, "allocated_artefacts[0].artefact_id") == "is invalid"
    # a receipt can only be refunded once its allocations are cleared (payments guide)
    invoice = created(post_invoice(api, customer["id"], [line(sales, 1, "10")]))
    partly = created(pay(api, customer["id"], bank, "30", [(invoice["id"], "12")]))
    response = pay(
        api, customer["id"], bank, "5", [(partly["payment_on_account"]["id"], "5")], kind="CUSTOMER_REFUND"
    )
    assert rejected(response, "allocated_artefacts[0].artefact_id") == (
        "It's not possible to refund a fully or partially allocated payment; clear its allocations first."
    )
    cleared = api.put(partly["$path"], json={"contact_payment": {"allocated_artefacts": []}}).json()
    created(
        pay(
            api,
            customer["id"],
            bank,
            "5",
            [(cleared["payment_on_account"]["id"], "5")],
            kind="CUSTOMER_REFUND",
        )
    )
    # supplier side: a VENDOR_REFUND gives back a VENDOR_PAYMENT on account
    advance = created(pay(api, vendor["id"], bank, "80", kind="VENDOR_PAYMENT"))
    vendor_poa = advance["payment_on_account"]["id"]
    created(pay(api, vendor["id"], bank, "80", [(vendor_poa, "80")], kind="VENDOR_REFUND"))
    assert api.get(advance["$path"]).json()["payment_on_account"]["status"]["id"] == "PAID"
    assert (
        api.get("/contact_payments", params={"transaction_type_id": "CUSTOMER_REFUND"}).json()["$total"] == 1
    )


def test_payment_amounts_are_rounded_to_cents(api: httpx.Client, bank: str, sales: str) -> None:
    customer = make_contact(api, "Acme Ltd")
    invoice = created(post_invoice(api, customer["id"], [line(sales, 1, "100")]))
    payment = created(pay(api, customer["id"], bank, "20.005", [(invoice["id"], "20.005")]))
    assert payment["total_amount"] == "20.01" and payment["allocated_artefacts"][0]["amount"] == "20.01"
    assert api.get(invoice["$path"]).json()["outstanding_amount"] == "99.99"
    # an amount that rounds to nothing is no payment
    response = pay(api, customer["id"], bank, "0.004")
    assert rejected(response, "total_amount") == "must be greater than 0"
    response = pay(api, customer["id"], bank, "1", [(invoice["id"], "0.001")])
    assert rejected(response, "allocated_artefacts[0].amount") == "must be greater than 0"
