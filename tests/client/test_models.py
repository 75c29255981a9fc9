"""Models parse records in Sage's real shape: money as strings, nulls, unknown fields, links."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sage_accounting import Link
from sage_accounting.types import Contact, SalesInvoice, TaxRate

# Hand-made in the shape Sage answers GET /contacts/{id} (values invented).
CONTACT = {
    "id": "0123456789abcdef0123456789abcdef",
    "displayed_as": "Hill Farm Supplies (HFS001)",
    "$path": "/contacts/0123456789abcdef0123456789abcdef",
    "created_at": "2023-03-01T09:15:00Z",
    "updated_at": "2023-04-02T10:20:30Z",
    "links": [{"href": "https://accounts.example/contacts/1", "rel": "alternate", "type": "text/html"}],
    "contact_types": [{"id": "VENDOR", "displayed_as": "Supplier", "$path": "/contact_types/VENDOR"}],
    "name": "Hill Farm Supplies",
    "reference": "HFS001",
    "main_address": {"id": "aa" * 16, "displayed_as": "1 Lane", "$path": f"/addresses/{'aa' * 16}"},
    "delivery_address": None,
    "bank_account_details": {"account_name": None, "account_number": None, "sort_code": None},
    "credit_limit": "1572.87",
    "credit_days": 30,
    "balance": "-14557.08",
    "currency": {"id": "GBP", "displayed_as": "Pound Sterling (GBP)", "$path": "/currencies/GBP"},
    "tax_treatment": {"home_tax": True, "is_importer": None},
    "email": None,
    "tax_calculation": "",
    "statement_run": {"id": "statement_delivery_method_print", "name": "By post"},
    "brand_new_field": {"nested": [1, 2, 3]},
}


def test_contact_parses_sage_shape() -> None:
    contact = Contact.model_validate(CONTACT)
    assert contact.path == CONTACT["$path"]
    assert contact.credit_limit == Decimal("1572.87")
    assert isinstance(contact.credit_limit, Decimal)
    assert contact.balance == Decimal("-14557.08")
    assert contact.credit_days == 30
    assert contact.created_at == dt.datetime(2023, 3, 1, 9, 15, tzinfo=dt.UTC)
    assert contact.delivery_address is None
    assert contact.links is not None and contact.links[0].rel == "alternate"
    assert contact.contact_types is not None
    assert isinstance(contact.contact_types[0], Link) and contact.contact_types[0].id == "VENDOR"
    assert contact.main_address is not None and contact.main_address.path.startswith("/addresses/")
    # Unknown fields are kept, and survive a dump in Sage's spelling.
    assert contact.model_extra is not None and contact.model_extra["brand_new_field"] == {"nested": [1, 2, 3]}
    dumped = contact.to_dict()
    assert dumped["$path"] == CONTACT["$path"]
    assert dumped["credit_limit"] == "1572.87"
    assert dumped["statement_run"] == CONTACT["statement_run"]


def test_list_items_with_only_ids_parse() -> None:
    item = Contact.model_validate({"id": "x" * 32, "displayed_as": "A", "$path": "/contacts/x"})
    assert item.name is None and item.displayed_as == "A"


def test_invoice_money_dates_and_lines() -> None:
    invoice = SalesInvoice.model_validate(
        {
            "id": "b" * 32,
            "date": "2024-02-29",
            "due_date": "2024-03-30",
            "net_amount": "100.0",
            "tax_amount": "20.0",
            "total_amount": "120.0",
            "outstanding_amount": 120,
            "exchange_rate": 1.1,
            "status": {"id": "UNPAID", "displayed_as": "Unpaid", "$path": "/artefact_statuses/UNPAID"},
            "invoice_lines": [
                {"description": "Widget", "quantity": "2.0", "unit_price": "50.0", "net_amount": "100.0"}
            ],
            "last_paid": "",
        }
    )
    assert invoice.date == dt.date(2024, 2, 29)
    assert invoice.total_amount == Decimal("120.0")
    assert invoice.outstanding_amount == Decimal("120")
    assert invoice.exchange_rate == Decimal("1.1")  # a float is read via its shortest repr, not binary
    assert invoice.last_paid is None
    assert invoice.invoice_lines is not None and invoice.invoice_lines[0].unit_price == Decimal("50.0")
    assert invoice.status is not None and invoice.status.id == "UNPAID"


def test_tax_rate_percentages() -> None:
    rate = TaxRate.model_validate(
        {
            "id": "GB_STANDARD",
            "percentage": "20.0",
            "percentages": [{"percentage": "20.0", "from_date": "1900-01-01", "to_date": None}],
        }
    )
    assert rate.percentage == Decimal("20.0")
    assert rate.percentages is not None and rate.percentages[0].from_date == dt.date(1900, 1, 1)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12))
def test_money_round_trips_exactly_through_json(amount: Decimal) -> None:
    contact = Contact.model_validate({"credit_limit": str(amount)})
    assert contact.credit_limit == amount
    again = Contact.model_validate_json(contact.model_dump_json(by_alias=True))
    assert again.credit_limit == amount
