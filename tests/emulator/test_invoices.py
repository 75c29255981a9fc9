"""Sales / purchase invoices and credit notes: arithmetic, numbering, drafts, voiding, rules and lists."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sage_accounting.emulator import DEMO, Emulator

from .conftest import assert_error, client_for

Body = dict[str, Any]


# --- helpers (also used by test_payments) --------------------------------------------------------------
def make_contact(api: httpx.Client, name: str, kind: str = "CUSTOMER", **extra: Any) -> Body:
    response = api.post("/contacts", json={"contact": {"name": name, "contact_type_ids": [kind], **extra}})
    assert response.status_code == 201, response.text
    return response.json()


def ledger_id(api: httpx.Client, nominal_code: int) -> str:
    items = api.get("/ledger_accounts", params={"attributes": "nominal_code", "items_per_page": 200}).json()
    return next(item["id"] for item in items["$items"] if item["nominal_code"] == nominal_code)


def line(
    ledger: str, quantity: Any = "1", price: Any = "100.00", rate: str = "GB_STANDARD", **extra: Any
) -> Body:
    body = {
        "description": "Consulting",
        "ledger_account_id": ledger,
        "quantity": quantity,
        "unit_price": price,
    }
    return {**body, "tax_rate_id": rate, **extra}


def post_invoice(api: httpx.Client, contact: str, lines: list[Body], **extra: Any) -> httpx.Response:
    body = {"contact_id": contact, "date": "2024-03-01", "invoice_lines": lines, **extra}
    return api.post("/sales_invoices", json={"sales_invoice": body})


def post_purchase(api: httpx.Client, contact: str, lines: list[Body], **extra: Any) -> httpx.Response:
    body = {"contact_id": contact, "date": "2024-03-01", "due_date": "2024-03-31", "invoice_lines": lines}
    return api.post("/purchase_invoices", json={"purchase_invoice": {**body, **extra}})


def created(response: httpx.Response) -> Body:
    assert response.status_code == 201, response.text
    return response.json()


def rejected(response: httpx.Response, source: str) -> str:
    """Assert a 422 RecordInvalid naming ``source``; return its message."""
    return str(assert_error(response, 422, "RecordInvalid", source)["$message"])


def vals(record: Body, *names: str) -> tuple[Any, ...]:
    return tuple(record[name] for name in names)


AMOUNTS = ("net_amount", "tax_amount", "total_amount")


def limited_client(emu: Emulator, roles: dict[str, str]) -> httpx.Client:
    """A client for a second user of the demo business with the given area roles (others Full Access)."""
    user = {"id": "limited-user", "first_name": "L", "last_name": "U", "email": "l@example.com"}
    emu.seed({"users": [{**user, "businesses": {DEMO.business_id: roles}}]})
    return client_for(emu, emu.grant_tokens(user_id="limited-user")["access_token"])


@pytest.fixture
def customer(api: httpx.Client) -> Body:
    return make_contact(api, "Acme Ltd", reference="ACME")


@pytest.fixture
def vendor(api: httpx.Client) -> Body:
    return make_contact(api, "Bolt Supplies", "VENDOR")


@pytest.fixture
def sales(api: httpx.Client) -> str:
    return ledger_id(api, 4000)


@pytest.fixture
def costs(api: httpx.Client) -> str:
    return ledger_id(api, 5000)


@pytest.fixture
def bank(api: httpx.Client) -> str:
    return str(api.get("/bank_accounts").json()["$items"][0]["id"])


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
def addressed_customer(api: httpx.Client) -> Body:
    """A customer with a main address in Leeds and a delivery address in Wakefield."""
    return make_contact(
        api,
        "Acme Ltd",
        main_address=LEEDS,
        delivery_address={"address_line_1": "Unit 4", "city": "Wakefield", "postal_code": "WF1 2AB"},
    )


def sales_credit_note(api: httpx.Client, contact: str, lines: list[Body], **extra: Any) -> httpx.Response:
    body = {"contact_id": contact, "date": "2024-03-02", "credit_note_lines": lines, **extra}
    return api.post("/sales_credit_notes", json={"sales_credit_note": body})


# --- creating and arithmetic -----------------------------------------------------------------------------
def test_sales_invoice_is_numbered_computed_and_rendered_in_sage_order(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    body = created(post_invoice(api, customer["id"], [line(sales, 3, "33.33")], reference="PO-7"))
    keys = list(body)
    assert keys[:6] == ["id", "displayed_as", "$path", "created_at", "updated_at", "links"]
    ordered = ["contact", "invoice_number", "date", "due_date", "net_amount", "total_amount", "status"]
    ordered += ["invoice_lines", "tax_analysis", "payments_allocations", "migrated"]
    assert [k for k in keys if k in ordered] == ordered and keys[-1] == "migrated"
    assert body["displayed_as"] == body["invoice_number"] == "SI-1"
    assert body["invoice_number_prefix"] == "SI-" and body["$path"] == f"/sales_invoices/{body['id']}"
    assert body["contact"] == {
        "id": customer["id"],
        "displayed_as": "Acme Ltd (ACME)",
        "$path": customer["$path"],
    }
    assert vals(body, "contact_name", "contact_reference", "reference") == ("Acme Ltd", "ACME", "PO-7")
    # 3 × 33.33 = 99.99; 20% of it is 19.998, rounded half up to 20.00
    assert vals(body, *AMOUNTS) == ("99.99", "20.0", "119.99")
    assert vals(body, "total_paid", "outstanding_amount") == ("0.0", "119.99")
    assert vals(body, "base_currency_total_amount", "base_currency_outstanding_amount") == (
        "119.99",
        "119.99",
    )
    assert vals(body, "total_quantity", "total_discount_amount") == ("3.0", "0.0")
    assert body["status"] == {"id": "UNPAID", "displayed_as": "Unpaid", "$path": "/artefact_statuses/UNPAID"}
    assert body["transaction_type"]["id"] == "SALES_INVOICE"
    assert body["currency"]["id"] == "GBP" and body["exchange_rate"] == "1.0"
    assert body["due_date"] == "2024-03-31"  # 30 days when the contact has no credit_days
    (item,) = body["invoice_lines"]
    assert item["ledger_account"]["id"] == sales and item["displayed_as"] == "Consulting"
    assert vals(item, "quantity", "unit_price", *AMOUNTS) == ("3.0", "33.33", "99.99", "20.0", "119.99")
    assert item["tax_rate"]["id"] == "GB_STANDARD"
    assert item["tax_breakdown"] == [{"tax_rate": item["tax_rate"], "percentage": "20.0", "amount": "20.0"}]
    row = {"net_amount": "99.99", "tax_amount": "20.0", "total_amount": "119.99"}
    assert body["tax_analysis"] == [
        {"tax_rate": item["tax_rate"], **row, "goods_amount": "0.0", "service_amount": "0.0"}
    ]
    assert api.get(body["$path"]).json() == body
    assert created(post_invoice(api, customer["id"], [line(sales)]))["invoice_number"] == "SI-2"


@pytest.mark.parametrize(
    ("quantity", "price", "rate", "amounts"),
    [
        ("1", "10.50", "GB_LOWER", ("10.5", "0.53", "11.03")),  # 0.525 → 0.53 (half up, not banker's 0.52)
        ("1", "0.10", "GB_LOWER", ("0.1", "0.01", "0.11")),  # 0.005 → 0.01
        ("1", "0.02", "GB_STANDARD", ("0.02", "0.0", "0.02")),  # 0.004 → 0.00
        ("3", "0.335", "GB_STANDARD", ("1.01", "0.2", "1.21")),  # net 1.005 → 1.01, its tax 0.202 → 0.20
        ("2.5", "19.99", "GB_ZERO", ("49.98", "0.0", "49.98")),  # 49.975 → 49.98
        ("1", "250", "GB_EXEMPT", ("250.0", "0.0", "250.0")),
        ("1", "250", "GB_NO_TAX", ("250.0", "0.0", "250.0")),
    ],
)
def test_line_amounts_round_half_up_to_cents(
    api: httpx.Client,
    customer: Body,
    sales: str,
    quantity: str,
    price: str,
    rate: str,
    amounts: tuple[str, ...],
) -> None:
    body = created(post_invoice(api, customer["id"], [line(sales, quantity, price, rate)]))
    assert vals(body["invoice_lines"][0], *AMOUNTS) == amounts
    assert vals(body, *AMOUNTS) == amounts


def test_discounts_amount_and_percentage(api: httpx.Client, customer: Body, sales: str) -> None:
    lines = [
        line(sales, 2, "55.00", discount_amount="10.00"),  # 110 − 10 = 100, tax 20
        line(sales, 4, "25", discount_percentage="12.5"),  # 100 − 12.50 = 87.50, tax 17.50
    ]
    body = created(post_invoice(api, customer["id"], lines))
    first, second = body["invoice_lines"]
    discount = ("net_amount", "discount_amount", "discount_percentage")
    assert vals(first, *discount) == ("100.0", "10.0", "9.09")
    assert vals(second, *discount) == ("87.5", "12.5", "12.5")
    assert vals(second, "tax_amount", "total_amount") == ("17.5", "105.0")
    assert vals(body, *AMOUNTS) == ("187.5", "37.5", "225.0")
    assert vals(body, "total_discount_amount", "total_quantity") == ("22.5", "6.0")
    too_much = post_invoice(api, customer["id"], [line(sales, discount_percentage="150")])
    assert rejected(too_much, "invoice_lines[0].discount_percentage") == "must be between 0 and 100"
    huge = post_invoice(api, customer["id"], [line(sales, "9999999999999", "9999999999999")])
    assert rejected(huge, "invoice_lines[0].unit_price").startswith("is too large")


def test_header_sums_lines_and_tax_analysis_has_one_entry_per_rate(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    lines = [
        line(sales, 1, "100", "GB_STANDARD"),
        line(sales, 2, "10.10", "GB_LOWER"),  # 20.20, tax 1.01
        line(sales, 1, "0.99", "GB_STANDARD"),  # tax 0.198 → 0.20
    ]
    body = created(post_invoice(api, customer["id"], lines))
    assert vals(body, *AMOUNTS) == ("121.19", "21.21", "142.4")
    analysis = {row["tax_rate"]["id"]: row for row in body["tax_analysis"]}
    assert list(analysis) == ["GB_STANDARD", "GB_LOWER"]
    assert vals(analysis["GB_STANDARD"], *AMOUNTS) == ("100.99", "20.2", "121.19")
    assert vals(analysis["GB_LOWER"], *AMOUNTS) == ("20.2", "1.01", "21.21")


def test_explicit_line_tax_is_kept_and_zero_rates_refuse_tax(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    # the invoicing guide's pre-calculated example: 110 − 10 discount, tax sent as 9.95
    guide = line(sales, 1, "110.00", discount_amount="10", tax_amount="9.95")
    assert vals(created(post_invoice(api, customer["id"], [guide])), *AMOUNTS) == ("100.0", "9.95", "109.95")
    response = post_invoice(api, customer["id"], [line(sales, 1, "10", "GB_ZERO", tax_amount="2.00")])
    assert rejected(response, "invoice_lines[0].tax_amount") == "must be 0 for a zero, exempt or no-tax rate"


def test_price_including_tax_is_split_back_into_net_and_tax(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    body = created(post_invoice(api, customer["id"], [line(sales, 1, "100", unit_price_includes_tax=True)]))
    item = body["invoice_lines"][0]
    assert vals(item, *AMOUNTS) == ("83.33", "16.67", "100.0") and item["unit_price_includes_tax"] is True


def test_sent_totals_must_match_the_computed_ones(api: httpx.Client, customer: Body, sales: str) -> None:
    lines = [line(sales, 3, "33.33")]
    response = post_invoice(api, customer["id"], lines, total_amount="119.98")
    assert rejected(response, "total_amount") == "does not match the sum of the lines (119.99)"
    rejected(post_invoice(api, customer["id"], lines, tax_amount="19.99"), "tax_amount")
    response = post_invoice(api, customer["id"], [line(sales, 3, "33.33", net_amount="100.00")])
    assert rejected(response, "invoice_lines[0].net_amount") == "does not match the calculated amount (99.99)"
    response = post_invoice(api, customer["id"], [line(sales, 1, "10", total_amount="10")])
    assert (
        rejected(response, "invoice_lines[0].total_amount") == "does not match the calculated amount (12.0)"
    )
    assert api.get("/sales_invoices").json()["$total"] == 0
    ok = post_invoice(api, customer["id"], lines, net_amount="99.99", tax_amount=20, total_amount="119.990")
    assert created(ok)["total_amount"] == "119.99"


def test_shipping_is_added_to_sales_totals_and_analysis(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    extra = {"shipping_net_amount": "12.50", "shipping_tax_rate_id": "GB_STANDARD"}
    body = created(post_invoice(api, customer["id"], [line(sales, 1, "100")], **extra))
    shipping = ("shipping_net_amount", "shipping_tax_amount", "shipping_total_amount")
    assert vals(body, *shipping) == ("12.5", "2.5", "15.0")
    assert body["shipping_tax_rate"]["id"] == "GB_STANDARD"
    assert body["shipping_tax_breakdown"][0]["amount"] == "2.5"
    assert vals(body, *AMOUNTS, "total_quantity") == ("112.5", "22.5", "135.0", "1.0")
    assert len(body["tax_analysis"]) == 1 and body["tax_analysis"][0]["net_amount"] == "112.5"


def test_due_date_defaults_from_contact_credit_days_and_cannot_precede_date(
    api: httpx.Client, sales: str
) -> None:
    quick = make_contact(api, "Quick Pay", credit_days=14)
    assert created(post_invoice(api, quick["id"], [line(sales)]))["due_date"] == "2024-03-15"
    later = created(post_invoice(api, quick["id"], [line(sales)], due_date="2024-05-01"))
    assert later["due_date"] == "2024-05-01"
    early = post_invoice(api, quick["id"], [line(sales)], due_date="2024-02-01")
    assert rejected(early, "due_date") == "must be on or after the date"


# --- validation ------------------------------------------------------------------------------------------
def test_required_fields_are_all_named(api: httpx.Client) -> None:
    response = api.post("/sales_invoices", json={"sales_invoice": {}})
    assert response.status_code == 422
    sources = {item["$source"]: item["$message"] for item in response.json()}
    assert sources == dict.fromkeys(("contact_id", "date", "invoice_lines"), "can't be blank")
    response = api.post("/sales_invoices", json={"sales_invoice": {"invoice_lines": [{}]}})
    assert response.status_code == 422
    line_sources = {item["$source"] for item in response.json()}
    for field in ("description", "ledger_account_id", "quantity", "unit_price", "tax_rate_id"):
        assert f"invoice_lines[0].{field}" in line_sources


def test_empty_lines_unknown_references_and_foreign_currency_are_422(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    assert rejected(post_invoice(api, customer["id"], []), "invoice_lines") == "can't be blank"
    response = post_invoice(api, customer["id"], [line("0" * 32, rate="GB_NOPE", product_id="nope")])
    assert response.status_code == 422
    fields = ("ledger_account_id", "tax_rate_id", "product_id")
    assert {i["$source"] for i in response.json()} == {f"invoice_lines[0].{f}" for f in fields}
    response = post_invoice(api, customer["id"], [line(sales)], currency_id="EUR")
    assert rejected(response, "currency_id") == "Multi-currency is not enabled for this business"
    assert api.get("/sales_invoices").json()["$total"] == 0


def test_sales_need_a_customer_and_purchases_a_supplier(
    api: httpx.Client, customer: Body, vendor: Body, sales: str, costs: str
) -> None:
    assert rejected(post_invoice(api, vendor["id"], [line(sales)]), "contact_id") == "Couldn't find Customer."
    assert rejected(post_invoice(api, "f" * 32, [line(sales)]), "contact_id") == "Couldn't find Customer."
    assert (
        rejected(post_purchase(api, customer["id"], [line(costs)]), "contact_id") == "Couldn't find Supplier."
    )
    note = {"contact_id": customer["id"], "date": "2024-03-01", "credit_note_lines": [line(costs)]}
    response = api.post("/purchase_credit_notes", json={"purchase_credit_note": note})
    assert rejected(response, "contact_id") == "Couldn't find Supplier."


def test_purchase_invoice_needs_a_due_date(api: httpx.Client, vendor: Body, costs: str) -> None:
    body = {"contact_id": vendor["id"], "date": "2024-03-01", "invoice_lines": [line(costs)]}
    response = api.post("/purchase_invoices", json={"purchase_invoice": body})
    assert rejected(response, "due_date") == "can't be blank"
    response = api.post("/purchase_invoices", json={"purchase_invoice": {**body, "due_date": ""}})
    assert rejected(response, "due_date") == "can't be blank"


@pytest.mark.parametrize(
    "invoice",
    [
        {"contact_id": 5, "date": "2024-03-01", "invoice_lines": []},
        {"contact_id": ["x"], "date": 20240301, "invoice_lines": "lines"},
        {"contact_id": "x", "date": "2024-13-45", "invoice_lines": [1, None, "a"]},
        {"date": "2024-03-01", "invoice_lines": [{"quantity": "abc", "unit_price": {}, "tax_rate_id": 3}]},
        {"invoice_lines": [{"quantity": "1e400", "unit_price": "NaN", "discount_amount": True}]},
        {"total_amount": [], "shipping_net_amount": "x", "status_id": 7, "invoice_lines": None},
        {"date": "2024-03-01", "status_id": "PAID", "shipping_tax_rate_id": "nope", "invoice_lines": [{}]},
        {"invoice_lines": [{"quantity": "9999999999999", "unit_price": "9999999999999"}]},
        {"invoice_lines": [{"quantity": "1", "unit_price": "10", "discount_percentage": "9999999999999"}]},
    ],
)
def test_bad_input_of_any_shape_is_422_never_500(api: httpx.Client, invoice: Body) -> None:
    response = api.post("/sales_invoices", json={"sales_invoice": invoice})
    assert response.status_code == 422, response.text
    assert all(item["$dataCode"] == "RecordInvalid" and item["$source"] for item in response.json())


# --- drafts, release, void, delete ------------------------------------------------------------------------
def test_draft_shows_si_draft_owes_nothing_and_release_numbers_it(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    draft = created(post_invoice(api, customer["id"], [line(sales, 1, "50")], status_id="DRAFT"))
    assert draft["invoice_number"] == draft["displayed_as"] == "SI-DRAFT"
    assert vals(draft, "total_amount", "outstanding_amount") == ("60.0", "0.0")
    assert draft["status"]["id"] == "DRAFT"
    first = created(post_invoice(api, customer["id"], [line(sales)]))
    assert first["invoice_number"] == "SI-1"  # drafts do not use up numbers
    response = api.post(f"/sales_invoices/{draft['id']}/release")
    # Sage documents 201 for release
    assert response.status_code == 201, response.text
    released = response.json()
    assert released["invoice_number"] == released["displayed_as"] == "SI-2"
    assert released["status"]["id"] == "UNPAID" and released["outstanding_amount"] == "60.0"
    assert api.get(draft["$path"]).json() == released
    again = api.post(f"/sales_invoices/{draft['id']}/release")
    assert rejected(again, "status") == "Only a draft or pro forma invoice can be released."


def test_void_needs_a_reason_and_answers_the_voided_invoice(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    invoice = created(post_invoice(api, customer["id"], [line(sales, 1, "80")]))
    assert rejected(api.delete(invoice["$path"]), "void_reason") == "can't be blank"
    assert api.get(invoice["$path"]).json()["status"]["id"] == "UNPAID"
    response = api.request("DELETE", invoice["$path"], json={"void_reason": "Created by accident"})
    assert response.status_code == 200, response.text
    voided = response.json()
    assert voided["status"]["id"] == "VOID" and voided["void_reason"] == "Created by accident"
    assert vals(voided, "outstanding_amount", "total_amount", "invoice_number") == ("0.0", "96.0", "SI-1")
    assert voided["editable"] is False
    assert api.get(invoice["$path"]).json() == voided
    again = api.delete(invoice["$path"], params={"void_reason": "again"})
    assert rejected(again, "base") == "The invoice has already been voided."
    update = api.put(invoice["$path"], json={"sales_invoice": {"reference": "x"}})
    assert rejected(update, "base") == "A void invoice cannot be edited."
    other = created(post_invoice(api, customer["id"], [line(sales)]))
    response = api.delete(other["$path"], params={"void_reason": "Duplicate"})
    assert response.status_code == 200 and response.json()["void_reason"] == "Duplicate"
    assert api.get("/sales_invoices", params={"status_id": "VOID"}).json()["$total"] == 2


def test_deleting_a_draft_removes_it(api: httpx.Client, customer: Body, sales: str) -> None:
    draft = created(post_invoice(api, customer["id"], [line(sales)], status_id="DRAFT"))
    response = api.delete(draft["$path"])
    assert response.status_code == 204 and response.content == b""
    assert_error(api.get(draft["$path"]), 404, "RecordNotFound")
    deleted = api.get("/sales_invoices", params={"deleted_since": "2000-01-01"}).json()["$items"]
    assert deleted == [{"id": draft["id"], "displayed_as": "SI-DRAFT", "$path": draft["$path"]}]


def test_purchase_invoice_is_created_and_deleted_with_204(
    api: httpx.Client, vendor: Body, costs: str
) -> None:
    body = created(post_purchase(api, vendor["id"], [line(costs, 2, "12.345")], vendor_reference="INV-889"))
    assert body["displayed_as"] == body["vendor_reference"] == "INV-889"
    assert "invoice_number" not in body and "shipping_net_amount" not in body
    assert "discount_amount" not in body["invoice_lines"][0]
    assert body["invoice_lines"][0]["net_amount"] == "24.69"  # 2 × 12.345 = 24.69
    assert vals(body, "tax_amount", "total_amount", "outstanding_amount") == ("4.94", "29.63", "29.63")
    assert body["transaction_type"]["id"] == "PURCHASE_INVOICE" and body["due_date"] == "2024-03-31"
    response = api.delete(body["$path"])
    assert response.status_code == 204 and response.content == b""
    assert_error(api.get(body["$path"]), 404, "RecordNotFound")


def test_credit_notes(api: httpx.Client, customer: Body, vendor: Body, sales: str, costs: str) -> None:
    scn = {"contact_id": customer["id"], "date": "2024-03-02", "credit_note_lines": [line(sales, 1, "20")]}
    note = created(api.post("/sales_credit_notes", json={"sales_credit_note": scn}))
    assert note["credit_note_number"] == note["displayed_as"] == "SCN-1"
    assert vals(note, "total_amount", "outstanding_amount") == ("24.0", "24.0")
    assert note["transaction_type"]["id"] == "SALES_CREDIT_NOTE" and "due_date" not in note
    draft = created(
        api.post("/sales_credit_notes", json={"sales_credit_note": {**scn, "status_id": "DRAFT"}})
    )
    assert draft["credit_note_number"] == "SCN-DRAFT"
    voided = api.delete(note["$path"], params={"void_reason": "wrong customer"})
    assert voided.status_code == 200 and voided.json()["status"]["id"] == "VOID"
    pcn = {
        "contact_id": vendor["id"],
        "date": "2024-03-02",
        "reference": "R1",
        "credit_note_lines": [line(costs)],
    }
    pnote = created(api.post("/purchase_credit_notes", json={"purchase_credit_note": pcn}))
    assert vals(pnote, "displayed_as", "total_amount") == ("R1", "120.0")
    assert api.delete(pnote["$path"]).status_code == 204


def test_contact_with_an_invoice_is_no_longer_deletable(
    api: httpx.Client, customer: Body, sales: str
) -> None:
    assert customer["deletable"] is True
    created(post_invoice(api, customer["id"], [line(sales)], status_id="DRAFT"))
    assert api.get(customer["$path"]).json()["deletable"] is False
    assert api.delete(customer["$path"]).status_code == 422


# --- updates ----------------------------------------------------------------------------------------------
def test_update_recomputes_and_keeps_what_was_not_sent(api: httpx.Client, customer: Body, sales: str) -> None:
    invoice = created(post_invoice(api, customer["id"], [line(sales, 1, "100")], reference="A", notes="n"))
    line_id = invoice["invoice_lines"][0]["id"]
    response = api.put(invoice["$path"], json={"sales_invoice": {"reference": "B"}})
    assert response.status_code == 200, response.text
    body = response.json()
    assert vals(body, "reference", "notes", "total_amount", "invoice_number") == ("B", "n", "120.0", "SI-1")
    assert body["invoice_lines"] == invoice["invoice_lines"]
    lines = [{**line(sales, 2, "100"), "id": line_id}, line(sales, 1, "10", "GB_LOWER")]
    body = api.put(invoice["$path"], json={"sales_invoice": {"invoice_lines": lines}}).json()
    assert body["invoice_lines"][0]["id"] == line_id and body["invoice_lines"][1]["id"] != line_id
    assert vals(body, *AMOUNTS, "outstanding_amount") == ("210.0", "40.5", "250.5", "250.5")
    assert body["created_at"] == invoice["created_at"]
    status = api.put(invoice["$path"], json={"sales_invoice": {"status_id": "PAID"}})
    assert rejected(status, "status_id").startswith("cannot be changed here")
    mismatch = api.put(invoice["$path"], json={"sales_invoice": {"total_amount": "1.00"}})
    assert rejected(mismatch, "total_amount") == "does not match the sum of the lines (250.5)"
    assert api.get(invoice["$path"]).json()["total_amount"] == "250.5"


# --- lists ------------------------------------------------------------------------------------------------
def test_list_filters_search_dates_and_sort(api: httpx.Client, customer: Body, sales: str) -> None:
    other = make_contact(api, "Zeta Plc")
    a = created(post_invoice(api, customer["id"], [line(sales)], date="2024-01-10", reference="ORDER-1"))
    b = created(post_invoice(api, other["id"], [line(sales)], date="2024-02-10"))
    c = created(post_invoice(api, customer["id"], [line(sales)], date="2024-03-10", status_id="DRAFT"))

    def ids(**params: Any) -> list[str]:
        response = api.get("/sales_invoices", params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["$items"]]

    assert ids(contact_id=customer["id"]) == [a["id"], c["id"]]
    assert ids(status_id="DRAFT") == [c["id"]]
    assert ids(from_date="2024-02-01", to_date="2024-02-28") == [b["id"]]
    assert ids(search="zeta") == [b["id"]]
    assert ids(search="order-1") == [a["id"]]
    assert ids(search="SI-2") == [b["id"]]
    assert ids(sort="date:desc") == [c["id"], b["id"], a["id"]]
    assert ids(sort="due_date") == [a["id"], b["id"], c["id"]]
    assert_error(api.get("/sales_invoices", params={"sort": "total_amount"}), 400, "InvalidParameter", "sort")
    item = api.get("/sales_invoices", params={"attributes": "total_amount,status"}).json()["$items"][0]
    assert item == {**{k: a[k] for k in ("id", "displayed_as", "$path", "total_amount", "status")}}


# --- access -----------------------------------------------------------------------------------------------
def test_roles_per_area(
    emu: Emulator, api: httpx.Client, customer: Body, vendor: Body, sales: str, costs: str
) -> None:
    invoice = created(post_invoice(api, customer["id"], [line(sales)]))
    with limited_client(emu, {"Sales": "read_only", "Purchases": "restricted_access"}) as limited:
        assert limited.get(invoice["$path"]).status_code == 200
        assert_error(post_invoice(limited, customer["id"], [line(sales)]), 403, "MultiUserAccessDenied")
        assert_error(limited.post(f"{invoice['$path']}/release"), 403, "MultiUserAccessDenied")
        purchase = created(post_purchase(limited, vendor["id"], [line(costs)]))
        assert_error(limited.delete(purchase["$path"]), 403, "MultiUserAccessDenied")
    assert api.delete(purchase["$path"]).status_code == 204
    with limited_client(emu, {"Sales": "no_access"}) as blind:
        assert_error(blind.get("/sales_invoices"), 403, "MultiUserAccessDenied")


def test_pro_forma_sales_invoice_is_not_posted_and_can_be_released(
    api: httpx.Client, addressed_customer: Body, sales: str, bank: str
) -> None:
    from .test_payments import PAY_ONLY_UNPAID, pay

    response = post_invoice(api, addressed_customer["id"], [line(sales, 1, "50")], status_id="PRO_FORMA")
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
    refused = pay(api, addressed_customer["id"], bank, "60", [(pro_forma["id"], "60")])
    assert rejected(refused, "allocated_artefacts[0].artefact_id") == PAY_ONLY_UNPAID
    assert created(post_invoice(api, addressed_customer["id"], [line(sales)]))["invoice_number"] == "SI-1"
    # released to UNPAID with the next real number and a transaction
    response = api.post(f"/sales_invoices/{pro_forma['id']}/release")
    assert response.status_code == 201, response.text
    released = response.json()
    assert released["status"]["id"] == "UNPAID" and released["transaction"] is not None
    assert vals(released, "invoice_number", "displayed_as", "outstanding_amount") == ("SI-2", "SI-2", "60.0")
    assert api.get(pro_forma["$path"]).json() == released
    created(pay(api, addressed_customer["id"], bank, "60", [(pro_forma["id"], "60")]))
    assert api.get(pro_forma["$path"]).json()["status"]["id"] == "PAID"


def test_pro_forma_is_deleted_like_a_draft_and_kept_on_edit(
    api: httpx.Client, addressed_customer: Body, sales: str
) -> None:
    pro_forma = created(post_invoice(api, addressed_customer["id"], [line(sales)], status_id="PRO_FORMA"))
    edit = api.put(pro_forma["$path"], json={"sales_invoice": {"invoice_lines": [line(sales, 2, "10")]}})
    assert edit.status_code == 200, edit.text
    assert vals(edit.json(), "total_amount", "outstanding_amount") == ("24.0", "0.0")
    assert edit.json()["status"]["id"] == "PRO_FORMA" and edit.json()["transaction"] is None
    response = api.delete(pro_forma["$path"])
    assert response.status_code == 204 and response.content == b""
    assert_error(api.get(pro_forma["$path"]), 404, "RecordNotFound")


def test_pro_forma_is_for_sales_invoices_only(
    api: httpx.Client, addressed_customer: Body, sales: str
) -> None:
    note = sales_credit_note(api, addressed_customer["id"], [line(sales)], status_id="PRO_FORMA")
    assert rejected(note, "status_id") == "is not included in the list"
    vendor = make_contact(api, "Bolt Supplies", "VENDOR")
    purchase = post_purchase(api, vendor["id"], [line(ledger_id(api, 5000))], status_id="PRO_FORMA")
    assert rejected(purchase, "status_id") == "is not included in the list"
    paid = post_invoice(api, addressed_customer["id"], [line(sales)], status_id="PAID")
    assert rejected(paid, "status_id") == "is not included in the list"


def test_contact_addresses_are_copied_onto_the_invoice(
    api: httpx.Client, addressed_customer: Body, sales: str
) -> None:
    invoice = created(post_invoice(api, addressed_customer["id"], [line(sales)]))
    contact_address = api.get(addressed_customer["main_address"]["$path"]).json()
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
    note = created(sales_credit_note(api, addressed_customer["id"], [line(sales)]))
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


def test_sent_addresses_override_the_copy(api: httpx.Client, addressed_customer: Body, sales: str) -> None:
    text = created(
        post_invoice(api, addressed_customer["id"], [line(sales)], main_address_free_form="PO Box 7\nLeeds")
    )
    assert text["main_address_free_form"] == "PO Box 7\nLeeds"
    assert text["main_address"]["address_line_1"] == "1 High Street"  # the complete copy stays
    sent = {"address_line_1": "9 Mill Lane", "city": "York", "postal_code": "YO1 7HH"}
    invoice = created(post_invoice(api, addressed_customer["id"], [line(sales)], delivery_address=sent))
    delivery = invoice["delivery_address"]
    assert invoice["delivery_address_free_form"] == delivery["displayed_as"] == "9 Mill Lane\nYork YO1 7HH"
    assert vals(delivery, "address_line_1", "address_line_2", "region") == ("9 Mill Lane", None, None)
    assert delivery["country"]["id"] == "GB" and delivery["address_type"]["id"] == "DELIVERY"
    assert list(delivery) == ADDRESS_KEYS
    bad = post_invoice(
        api,
        addressed_customer["id"],
        [line(sales)],
        main_address={"country_id": "XX", "address_type_id": "NOPE"},
    )
    assert rejected(bad, "main_address.country_id") == "is invalid"
    assert rejected(bad, "main_address.address_type_id") == "is invalid"
    too_long = post_invoice(api, addressed_customer["id"], [line(sales)], main_address_free_form="x" * 501)
    assert rejected(too_long, "main_address_free_form") == "is too long (maximum is 500 characters)"


def test_issued_invoice_keeps_its_copy_until_its_contact_changes(
    api: httpx.Client, addressed_customer: Body, sales: str
) -> None:
    invoice = created(post_invoice(api, addressed_customer["id"], [line(sales)]))
    moved = {"contact": {"main_address": {"address_line_1": "2 New Road"}}}
    assert api.put(addressed_customer["$path"], json=moved).status_code == 200
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


def test_invoice_amounts_are_cents_but_unit_prices_keep_their_precision(
    api: httpx.Client, addressed_customer: Body, sales: str
) -> None:
    # 3 × 33.333 = 99.999 → net 100.0, tax 20.0; the unit price is kept as sent
    response = post_invoice(api, addressed_customer["id"], [line(sales, 3, "33.333")], total_amount="120.004")
    invoice = created(response)
    assert invoice["invoice_lines"][0]["unit_price"] == "33.333"
    assert vals(invoice, "net_amount", "tax_amount", "total_amount") == ("100.0", "20.0", "120.0")
