"""Fidelity follow-ups: pro forma invoices, addresses copied onto sales artefacts, refunds of payments on
account, missing record keys and two-decimal money — all through HTTP, in process."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import assert_error
from .test_catalog import product, service
from .test_invoices import created, ledger_id, line, make_contact, post_invoice, post_purchase, rejected, vals
from .test_journals import body, lines
from .test_ledger import ledger_by_code
from .test_payments import PAY_ONLY_UNPAID, pay

Body = dict[str, Any]
ADDRESS_KEYS = [
    "id", "displayed_as", "$path", "address_line_1", "address_line_2", "city", "postal_code", "country",
    "deleted_at", "address_type", "region", "country_group",
]  # fmt: skip
LEEDS = {
    "address_line_1": "1 High Street",
    "address_line_2": "",
    "city": "Leeds",
    "region": "West Yorkshire",
    "postal_code": "LS1 1AA",
}


@pytest.fixture
def sales(api: httpx.Client) -> str:
    return ledger_id(api, 4000)


@pytest.fixture
def bank(api: httpx.Client) -> str:
    return str(api.get("/bank_accounts").json()["$items"][0]["id"])


@pytest.fixture
def accounts(api: httpx.Client) -> tuple[str, str]:
    """Two chart accounts for journals: fixed asset cost (0030) and its depreciation (0031)."""
    return ledger_by_code(api, 30)["id"], ledger_by_code(api, 31)["id"]


@pytest.fixture
def ledgers(api: httpx.Client) -> dict[int, str]:
    return {code: ledger_by_code(api, code)["id"] for code in (4000, 4100, 5000, 7100)}


@pytest.fixture
def customer(api: httpx.Client) -> Body:
    return make_contact(
        api,
        "Acme Ltd",
        main_address=LEEDS,
        delivery_address={"address_line_1": "Unit 4", "city": "Wakefield", "postal_code": "WF1 2AB"},
    )


def sales_credit_note(api: httpx.Client, contact: str, lines: list[Body], **extra: Any) -> httpx.Response:
    body = {"contact_id": contact, "date": "2024-03-02", "credit_note_lines": lines, **extra}
    return api.post("/sales_credit_notes", json={"sales_credit_note": body})


# --- 1. PRO_FORMA -----------------------------------------------------------------------------------------
def test_pro_forma_sales_invoice_is_not_posted_and_can_be_released(
    api: httpx.Client, customer: Body, sales: str, bank: str
) -> None:
    response = post_invoice(api, customer["id"], [line(sales, 1, "50")], status_id="PRO_FORMA")
    pro_forma = created(response)
    assert pro_forma["status"] == {
        "id": "PRO_FORMA",
        "displayed_as": "Pro Forma",
        "$path": "/artefact_statuses/PRO_FORMA",
    }
    # like a draft: no transaction, owes nothing, a placeholder number that uses none up
    assert pro_forma["transaction"] is None
    assert vals(pro_forma, "total_amount", "outstanding_amount", "total_paid") == ("60.0", "0.0", "0.0")
    assert pro_forma["invoice_number"] == pro_forma["displayed_as"] == "SI-PRO_FORMA"
    listed = api.get("/sales_invoices", params={"status_id": "PRO_FORMA"}).json()
    assert [item["id"] for item in listed["$items"]] == [pro_forma["id"]]
    # no payments on it
    refused = pay(api, customer["id"], bank, "60", [(pro_forma["id"], "60")])
    assert rejected(refused, "allocated_artefacts[0].artefact_id") == PAY_ONLY_UNPAID
    assert created(post_invoice(api, customer["id"], [line(sales)]))["invoice_number"] == "SI-1"
    # released to UNPAID with the next real number and a transaction
    response = api.post(f"/sales_invoices/{pro_forma['id']}/release")
    assert response.status_code == 201, response.text
    released = response.json()
    assert released["status"]["id"] == "UNPAID" and released["transaction"] is not None
    assert vals(released, "invoice_number", "displayed_as", "outstanding_amount") == ("SI-2", "SI-2", "60.0")
    assert api.get(pro_forma["$path"]).json() == released
    created(pay(api, customer["id"], bank, "60", [(pro_forma["id"], "60")]))
    assert api.get(pro_forma["$path"]).json()["status"]["id"] == "PAID"


def test_pro_forma_is_deleted_like_a_draft_and_kept_on_edit(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    pro_forma = created(post_invoice(api, customer["id"], [line(sales)], status_id="PRO_FORMA"))
    edit = api.put(pro_forma["$path"], json={"sales_invoice": {"invoice_lines": [line(sales, 2, "10")]}})
    assert edit.status_code == 200, edit.text
    assert vals(edit.json(), "total_amount", "outstanding_amount") == ("24.0", "0.0")
    assert edit.json()["status"]["id"] == "PRO_FORMA" and edit.json()["transaction"] is None
    response = api.delete(pro_forma["$path"])
    assert response.status_code == 204 and response.content == b""
    assert_error(api.get(pro_forma["$path"]), 404, "RecordNotFound")


def test_pro_forma_is_for_sales_invoices_only(api: httpx.Client, customer: Body, sales: str) -> None:
    note = sales_credit_note(api, customer["id"], [line(sales)], status_id="PRO_FORMA")
    assert rejected(note, "status_id") == "is not included in the list"
    vendor = make_contact(api, "Bolt Supplies", "VENDOR")
    purchase = post_purchase(api, vendor["id"], [line(ledger_id(api, 5000))], status_id="PRO_FORMA")
    assert rejected(purchase, "status_id") == "is not included in the list"
    paid = post_invoice(api, customer["id"], [line(sales)], status_id="PAID")
    assert rejected(paid, "status_id") == "is not included in the list"


# --- 2. addresses copied onto sales artefacts -------------------------------------------------------------
def test_contact_addresses_are_copied_onto_the_invoice(api: httpx.Client, customer: Body, sales: str) -> None:
    invoice = created(post_invoice(api, customer["id"], [line(sales)]))
    contact_address = api.get(customer["main_address"]["$path"]).json()
    assert invoice["main_address_free_form"] == "1 High Street\nLeeds West Yorkshire LS1 1AA"
    main = invoice["main_address"]
    assert list(main) == ADDRESS_KEYS
    assert main["id"] != contact_address["id"] and len(main["id"]) == 32
    assert main["$path"] == f"/contacts/{main['id']}"  # as in the invoicing guide's example
    assert main["displayed_as"] == invoice["main_address_free_form"]
    assert vals(main, "address_line_1", "address_line_2", "city", "region", "postal_code") == (
        "1 High Street",
        "",
        "Leeds",
        "West Yorkshire",
        "LS1 1AA",
    )
    for key in ("country", "address_type", "country_group"):
        assert main[key] == contact_address[key]
    assert main["country"]["id"] == "GB" and main["deleted_at"] is None
    assert invoice["delivery_address_free_form"] == "Unit 4\nWakefield WF1 2AB"
    assert invoice["delivery_address"]["address_line_1"] == "Unit 4"
    assert invoice["delivery_address"]["address_type"]["id"] == "DELIVERY"
    assert api.get(invoice["$path"]).json() == invoice
    # credit notes carry them too
    note = created(sales_credit_note(api, customer["id"], [line(sales)]))
    assert note["main_address_free_form"] == invoice["main_address_free_form"]
    assert list(note["main_address"]) == ADDRESS_KEYS


def test_a_contact_without_delivery_address_and_a_foreign_one(api: httpx.Client, sales: str) -> None:
    plain = make_contact(api, "Walk-in")
    invoice = created(post_invoice(api, plain["id"], [line(sales)]))
    # an empty main address shows its country, as the contact address's displayed_as does
    assert invoice["main_address_free_form"] == "United Kingdom"
    assert invoice["main_address"]["address_line_1"] is None
    assert invoice["delivery_address"] is None and invoice["delivery_address_free_form"] is None
    abroad = make_contact(
        api, "Dublin Co", main_address={"address_line_1": "5 Quay St", "city": "Dublin", "country_id": "IE"}
    )
    invoice = created(post_invoice(api, abroad["id"], [line(sales)]))
    assert invoice["main_address_free_form"] == "5 Quay St\nDublin\nIreland"
    assert invoice["main_address"]["country_group"]["id"] == "GBIE"


def test_sent_addresses_override_the_copy(api: httpx.Client, customer: Body, sales: str) -> None:
    text = created(post_invoice(api, customer["id"], [line(sales)], main_address_free_form="PO Box 7\nLeeds"))
    assert text["main_address_free_form"] == "PO Box 7\nLeeds"
    assert text["main_address"]["address_line_1"] == "1 High Street"  # the complete copy stays
    sent = {"address_line_1": "9 Mill Lane", "city": "York", "postal_code": "YO1 7HH"}
    invoice = created(post_invoice(api, customer["id"], [line(sales)], delivery_address=sent))
    delivery = invoice["delivery_address"]
    assert invoice["delivery_address_free_form"] == delivery["displayed_as"] == "9 Mill Lane\nYork YO1 7HH"
    assert vals(delivery, "address_line_1", "address_line_2", "region") == ("9 Mill Lane", None, None)
    assert delivery["country"]["id"] == "GB" and delivery["address_type"]["id"] == "DELIVERY"
    assert list(delivery) == ADDRESS_KEYS
    bad = post_invoice(
        api, customer["id"], [line(sales)], main_address={"country_id": "XX", "address_type_id": "NOPE"}
    )
    assert rejected(bad, "main_address.country_id") == "is invalid"
    assert rejected(bad, "main_address.address_type_id") == "is invalid"
    too_long = post_invoice(api, customer["id"], [line(sales)], main_address_free_form="x" * 501)
    assert rejected(too_long, "main_address_free_form") == "is too long (maximum is 500 characters)"


def test_issued_invoice_keeps_its_copy_until_its_contact_changes(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    invoice = created(post_invoice(api, customer["id"], [line(sales)]))
    moved = {"contact": {"main_address": {"address_line_1": "2 New Road"}}}
    assert api.put(customer["$path"], json=moved).status_code == 200
    edited = api.put(invoice["$path"], json={"sales_invoice": {"reference": "R1"}}).json()
    assert edited["main_address"] == invoice["main_address"]
    assert edited["main_address_free_form"] == invoice["main_address_free_form"]
    text = api.put(invoice["$path"], json={"sales_invoice": {"delivery_address_free_form": "Gate 2"}}).json()
    assert text["delivery_address_free_form"] == "Gate 2"
    assert text["delivery_address"] == invoice["delivery_address"]
    assert text["main_address_free_form"] == invoice["main_address_free_form"]
    other = make_contact(api, "Other Ltd", main_address={"address_line_1": "3 Side St", "city": "Hull"})
    switched = api.put(invoice["$path"], json={"sales_invoice": {"contact_id": other["id"]}})
    assert switched.status_code == 200, switched.text
    assert switched.json()["main_address_free_form"] == "3 Side St\nHull"
    assert switched.json()["delivery_address"] is None


# --- 3. refunding a payment on account --------------------------------------------------------------------
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


# --- 4. record keys ---------------------------------------------------------------------------------------
def test_contact_ends_with_the_keys_of_a_real_one(api: httpx.Client) -> None:
    contact = make_contact(api, "Acme Ltd")
    assert list(contact)[-5:] == [
        "destination_vat_blocking",
        "mandate_active",
        "send_statements",
        "statement_run",
        "go_cardless_mandate",
    ]
    assert vals(contact, "mandate_active", "send_statements", "go_cardless_mandate") == (False, True, None)
    assert contact["statement_run"] == {
        "id": "statement_delivery_method_print",
        "name": "By post (PDF Generated)",
    }
    assert api.get(contact["$path"]).json() == contact


def test_journals_and_bank_accounts_have_deleted_at_in_swagger_order(
    api: httpx.Client, accounts: tuple[str, str]
) -> None:
    journal = created(api.post("/journals", json=body(accounts)))
    keys = list(journal)
    assert keys[5:9] == ["transaction", "transaction_type", "deleted_at", "date"]
    assert journal["deleted_at"] is None
    bank_body = {"bank_account_type_id": "SAVINGS", "bank_account_details": {"account_name": "Reserve"}}
    bank_account = created(api.post("/bank_accounts", json={"bank_account": bank_body}))
    assert list(bank_account)[4:7] == ["updated_at", "deleted_at", "bank_account_details"]
    assert bank_account["deleted_at"] is None
    assert api.get(bank_account["$path"]).json()["deleted_at"] is None


# --- 5. two-decimal money ---------------------------------------------------------------------------------
def test_contact_credit_limit_is_rounded_half_up_to_cents(api: httpx.Client) -> None:
    contact = make_contact(api, "Acme Ltd", credit_limit="12.345")
    assert contact["credit_limit"] == "12.35"
    response = api.put(contact["$path"], json={"contact": {"credit_limit": 12.344}})
    assert response.status_code == 200 and response.json()["credit_limit"] == "12.34"
    response = api.put(contact["$path"], json={"contact": {"credit_limit": "-0.001"}})
    assert response.status_code == 200 and response.json()["credit_limit"] == "0.0"  # -0.00 is 0


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


def test_journal_amounts_are_rounded_to_cents(api: httpx.Client, accounts: tuple[str, str]) -> None:
    journal = created(
        api.post("/journals", json=body(accounts, journal_lines=lines(accounts, ("12.345", 0), (0, "12.35"))))
    )
    assert [(x["debit"], x["credit"]) for x in journal["journal_lines"]] == [
        ("12.35", "0.0"),
        ("0.0", "12.35"),
    ]
    assert journal["total"] == "12.35"


def test_product_and_service_prices_are_rounded_to_cents(api: httpx.Client, ledgers: dict[int, str]) -> None:
    item = created(
        product(api, ledgers, cost_price="2.345", sales_prices=[{"price_name": "Trade", "price": "12.345"}])
    )
    assert item["cost_price"] == "2.35"
    assert {p["price_name"]: p["price"] for p in item["sales_prices"]}["Trade"] == "12.35"
    rate = created(service(api, ledgers, sales_rates=[{"rate_name": "Rate", "rate": 99.995}]))
    assert rate["sales_rates"][0]["rate"] == "100.0"


def test_invoice_amounts_are_cents_but_unit_prices_keep_their_precision(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    # 3 × 33.333 = 99.999 → net 100.0, tax 20.0; the unit price is kept as sent
    response = post_invoice(api, customer["id"], [line(sales, 3, "33.333")], total_amount="120.004")
    invoice = created(response)
    assert invoice["invoice_lines"][0]["unit_price"] == "33.333"
    assert vals(invoice, "net_amount", "tax_amount", "total_amount") == ("100.0", "20.0", "120.0")
