"""Rules a fidelity review of the emulator turned up: hostile inputs, per-verb roles, transactions, refunds,
the business header on errors and the payments-allocations flag."""

from __future__ import annotations

import httpx
import pytest

from sage_accounting.emulator import DEMO, Emulator

from .conftest import assert_error
from .test_invoices import created, customer, limited_client, line, make_contact, post_invoice, sales
from .test_payments import pay

__all__ = ["customer", "sales"]  # fixtures used below


@pytest.mark.parametrize(
    "raw",
    [
        b'{"contact": {"name": "A\\ud800B", "contact_type_ids": ["CUSTOMER"]}}',
        b"[" * 5000 + b"]" * 5000,
    ],
)
def test_unencodable_or_absurdly_nested_json_is_a_400_and_stores_nothing(
    api: httpx.Client, raw: bytes
) -> None:
    response = api.post("/contacts", content=raw, headers={"Content-Type": "application/json"})
    assert_error(response, 400, "InvalidJSON")
    listed = api.get("/contacts", params={"attributes": "all"})
    assert listed.status_code == 200 and listed.json()["$total"] == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_days", "1" * 5000, "must be an integer"),
        ("credit_limit", "1e-100000", "is not a number"),
    ],
)
def test_absurd_numbers_are_422_not_500(api: httpx.Client, field: str, value: str, message: str) -> None:
    body = {"contact": {"name": "N", "contact_type_ids": ["CUSTOMER"], field: value}}
    item = assert_error(api.post("/contacts", json=body), 422, "RecordInvalid", field)
    assert item["$message"] == message


def test_bank_role_reads_one_contact_but_not_the_list(emu: Emulator, api: httpx.Client) -> None:
    contact = make_contact(api, "Banked Ltd")
    roles = {"Contacts": "no_access", "Sales": "no_access", "Purchases": "no_access", "Bank": "read_only"}
    with limited_client(emu, roles) as bank_only:
        assert bank_only.get(contact["$path"]).status_code == 200
        assert bank_only.get(contact["main_address"]["$path"]).status_code == 200
        assert bank_only.get(contact["main_contact_person"]["$path"]).status_code == 200
        assert_error(bank_only.get("/contacts"), 403, "MultiUserAccessDenied")
        assert_error(bank_only.get("/addresses"), 403, "MultiUserAccessDenied")


def test_tax_rates_and_artefact_statuses_follow_the_swagger_roles(emu: Emulator) -> None:
    roles = {
        "Sales": "no_access",
        "Purchases": "no_access",
        "Bank": "no_access",
        "Settings": "restricted_access",
    }
    with limited_client(emu, roles) as limited:
        assert_error(limited.get("/tax_rates"), 403, "MultiUserAccessDenied")
        assert_error(limited.get("/artefact_statuses"), 403, "MultiUserAccessDenied")
        assert limited.get("/countries").status_code == 200  # reference lists without restrictions stay open


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


def test_errors_carry_the_business_header(api: httpx.Client) -> None:
    for response in (
        api.get("/contacts/" + "0" * 32),
        api.post("/contacts", json={"contact": {}}),
        api.delete("/contacts"),
    ):
        assert response.status_code >= 400
        assert response.headers["x-business"] == DEMO.business_id


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
