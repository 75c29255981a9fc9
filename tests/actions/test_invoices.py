"""Sales and purchase invoices and credit notes: lines in Sage's field names, money as exact strings,
partial updates, void / delete / release, and the list filters."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sage_accounting import NotFoundError, SageAccounting, UnprocessableEntityError
from sage_accounting.actions import run_action

from .conftest import Ids, Recorder
from .helpers import customer, line, supplier


def sales_invoice(client: SageAccounting, ids: Ids, contact_id: str, **inputs: Any) -> dict[str, Any]:
    result: dict[str, Any] = run_action(client, "createSalesInvoice", {
        "contactId": contact_id, "date": "2026-01-15", "invoiceLines": [line(ids.sales)], **inputs,
    })  # fmt: skip
    return result


def draft(client: SageAccounting, path: str, wrapper: str, body: dict[str, Any]) -> dict[str, Any]:
    """A draft artefact, created through rawRequest (the create actions issue records)."""
    result: dict[str, Any] = run_action(client, "rawRequest", {
        "method": "POST", "url": path, "data": json.dumps({wrapper: {**body, "status_id": "DRAFT"}}),
    })  # fmt: skip
    return result


def test_create_sales_invoice_sends_lines_and_money_exactly(
    client: SageAccounting, recorder: Recorder, ids: Ids
) -> None:
    acme = customer(client)
    lines = [
        line(ids.sales, "100.00", "2"),
        line(ids.sales, "50", "1", discount_amount="10.00", product_id=None),
    ]
    invoice = run_action(client, "createSalesInvoice", {
        "contactId": acme["id"], "date": "2026-01-15", "invoiceLines": json.dumps(lines), "totalAmount": "288.00",
    })  # fmt: skip
    assert recorder.last_body() == {"sales_invoice": {
        "contact_id": acme["id"], "date": "2026-01-15", "total_amount": "288.00",
        "invoice_lines": [
            {"description": "Consulting", "ledger_account_id": ids.sales, "quantity": "2", "unit_price": "100.00",
             "tax_rate_id": "GB_STANDARD"},
            {"description": "Consulting", "ledger_account_id": ids.sales, "quantity": "1", "unit_price": "50",
             "tax_rate_id": "GB_STANDARD", "discount_amount": "10.00"},
        ],
    }}  # fmt: skip
    assert (invoice["net_amount"], invoice["tax_amount"], invoice["total_amount"]) == (
        "240.0",
        "48.0",
        "288.0",
    )
    assert invoice["status"]["id"] == "UNPAID" and invoice["invoice_number"].startswith("SI-")
    assert run_action(client, "getSalesInvoice", {"salesInvoiceId": invoice["id"]}) == invoice
    with pytest.raises(UnprocessableEntityError) as caught:
        run_action(client, "createSalesInvoice", {
            "contactId": acme["id"], "date": "2026-01-15", "invoiceLines": lines, "totalAmount": "1.00",
        })  # fmt: skip
    assert caught.value.errors[0].source == "total_amount"


def test_update_sales_invoice_maps_inputs_and_keeps_the_rest(
    client: SageAccounting, recorder: Recorder, ids: Ids
) -> None:
    acme, other = customer(client), customer(client, "Other Ltd")
    invoice = sales_invoice(client, ids, acme["id"], totalAmount="120")
    kept = [{"id": invoice["invoice_lines"][0]["id"], **line(ids.sales)}]
    updated = run_action(client, "updateSalesInvoice", {
        "salesInvoiceId": invoice["id"], "dueDate": "2026-03-01", "invoiceLines": kept, "notes": "Thanks",
    })  # fmt: skip
    assert recorder.last_body() == {"sales_invoice": {"due_date": "2026-03-01", "invoice_lines": [
        {"id": kept[0]["id"], "description": "Consulting", "ledger_account_id": ids.sales, "quantity": "1",
         "unit_price": "100.00", "tax_rate_id": "GB_STANDARD"}], "notes": "Thanks"}}  # fmt: skip
    assert (updated["notes"], updated["due_date"]) == ("Thanks", "2026-03-01")
    for field in ("date", "contact", "invoice_number", "total_amount", "contact_name", "reference"):
        assert updated[field] == invoice[field], field
    everything = run_action(client, "updateSalesInvoice", {
        "salesInvoiceId": invoice["id"], "contactId": other["id"], "contactName": "Other Trading", "currencyId": "GBP",
        "date": "2026-02-01", "dueDate": "2026-03-03", "invoiceLines": [line(ids.sales, "10", "3")],
        "netAmount": "30", "taxAmount": "6", "totalAmount": "36.00", "totalQuantity": "3", "notes": "Again",
    })  # fmt: skip
    assert recorder.last_body()["sales_invoice"] == {
        "contact_id": other["id"], "contact_name": "Other Trading", "currency_id": "GBP", "date": "2026-02-01",
        "due_date": "2026-03-03", "invoice_lines": [line(ids.sales, "10", "3")], "net_amount": "30",
        "tax_amount": "6", "total_amount": "36.00", "total_quantity": "3", "notes": "Again",
    }  # fmt: skip
    assert everything["contact"]["id"] == other["id"] and everything["contact_name"] == "Other Trading"
    assert (everything["date"], everything["total_amount"], everything["total_quantity"]) == (
        "2026-02-01",
        "36.0",
        "3.0",
    )


def test_list_sales_invoices_filters(client: SageAccounting, ids: Ids) -> None:
    acme, other = customer(client), customer(client, "Other Ltd")
    first = sales_invoice(client, ids, acme["id"], date="2026-01-10")
    second = sales_invoice(client, ids, acme["id"], date="2026-02-10")
    third = sales_invoice(client, ids, other["id"], date="2026-03-10")

    def listed(**inputs: Any) -> list[str]:
        return [i["id"] for i in run_action(client, "listSalesInvoices", inputs)["$items"]]

    assert listed(contactId=acme["id"]) == [first["id"], second["id"]]
    assert listed(fromDate="2026-02-01", toDate="2026-02-28") == [second["id"]]
    assert listed(sort="date:desc") == [third["id"], second["id"], first["id"]]
    assert listed(search=third["invoice_number"]) == [third["id"]]
    assert listed(statusId="UNPAID", itemsPerPage="1", page="3") == [third["id"]]
    assert listed(updated_or_created_since=first["created_at"]) == [first["id"], second["id"], third["id"]]
    all_pages = run_action(
        client, "listSalesInvoices", {"fetchAll": True, "itemsPerPage": 1, "attributes": "total_amount"}
    )
    assert [i["total_amount"] for i in all_pages["$items"]] == ["120.0"] * 3 and all_pages["$total"] == 3
    run_action(client, "voidSalesInvoice", {"salesInvoiceId": first["id"], "voidReason": "Duplicate"})
    assert listed(statusId="VOID") == [first["id"]]


def test_delete_and_void_sales_invoices_return_the_voided_invoice(client: SageAccounting, ids: Ids) -> None:
    acme = customer(client)
    invoice = sales_invoice(client, ids, acme["id"])
    with pytest.raises(UnprocessableEntityError) as caught:
        run_action(client, "deleteSalesInvoice", {"salesInvoiceId": invoice["id"]})
    assert caught.value.errors[0].source == "void_reason"
    voided = run_action(
        client, "deleteSalesInvoice", {"salesInvoiceId": invoice["id"], "voidReason": "Raised in error"}
    )
    assert voided["id"] == invoice["id"] and voided["status"]["id"] == "VOID"
    assert voided["void_reason"] == "Raised in error"
    another = sales_invoice(client, ids, acme["id"])
    voided = run_action(
        client, "voidSalesInvoice", {"salesInvoiceId": another["id"], "voidReason": "Duplicate"}
    )
    assert (voided["status"]["id"], voided["void_reason"]) == ("VOID", "Duplicate")


def test_release_a_draft_and_delete_a_draft(client: SageAccounting, ids: Ids) -> None:
    acme = customer(client)
    body = {"contact_id": acme["id"], "date": "2026-01-15", "invoice_lines": [line(ids.sales)]}
    first = draft(client, "/sales_invoices", "sales_invoice", body)
    assert first["status"]["id"] == "DRAFT"
    released = run_action(client, "releaseSalesInvoice", {"salesInvoiceId": first["id"]})
    assert released["status"]["id"] == "UNPAID" and released["invoice_number"].startswith("SI-")
    second = draft(client, "/sales_invoices", "sales_invoice", body)
    assert run_action(client, "deleteSalesInvoice", {"salesInvoiceId": second["id"]}) is None
    with pytest.raises(NotFoundError):
        run_action(client, "getSalesInvoice", {"salesInvoiceId": second["id"]})


def test_purchase_invoices(client: SageAccounting, recorder: Recorder, ids: Ids) -> None:
    widgets = supplier(client)
    invoice = run_action(client, "createPurchaseInvoice", {
        "contactId": widgets["id"], "date": "2026-01-05", "dueDate": "2026-02-04",
        "invoiceLines": [line(ids.purchases, "80.00", "1.5", is_purchase_for_resale="false")], "totalAmount": "144.00",
    })  # fmt: skip
    assert recorder.last_body()["purchase_invoice"]["invoice_lines"][0]["is_purchase_for_resale"] is False
    assert recorder.last_body()["purchase_invoice"]["due_date"] == "2026-02-04"
    assert (invoice["net_amount"], invoice["total_amount"], invoice["due_date"]) == (
        "120.0",
        "144.0",
        "2026-02-04",
    )
    assert run_action(client, "getPurchaseInvoice", {"purchaseInvoiceId": invoice["id"]}) == invoice
    updated = run_action(client, "updatePurchaseInvoice", {
        "purchaseInvoiceId": invoice["id"], "dueDate": "2026-02-28", "invoiceLines": [line(ids.purchases, "80.00", "1.5")],
        "notes": "Checked",
    })  # fmt: skip
    assert set(recorder.last_body()["purchase_invoice"]) == {"due_date", "invoice_lines", "notes"}
    assert (updated["due_date"], updated["notes"], updated["date"]) == ("2026-02-28", "Checked", "2026-01-05")
    listed = run_action(client, "listPurchaseInvoice", {"contactId": widgets["id"], "fetchAll": True})
    assert [i["id"] for i in listed["$items"]] == [invoice["id"]]
    assert run_action(client, "listPurchaseInvoice", {"fromDate": "2026-01-06"})["$total"] == 0
    assert run_action(client, "deletePurchaseInvoice", {"purchaseInvoiceId": invoice["id"]}) is None
    gone = run_action(client, "listPurchaseInvoice", {"deletedSince": "2000-01-01"})
    assert [i["id"] for i in gone["$items"]] == [invoice["id"]]


def test_sales_credit_notes(client: SageAccounting, recorder: Recorder, ids: Ids) -> None:
    acme = customer(client)
    note = run_action(client, "createSalesCreditNote", {
        "contactId": acme["id"], "date": "2026-02-01", "creditNoteLines": json.dumps([line(ids.sales, "25.00")]),
        "originalInvoiceDate": "2026-01-15", "reference": "CN-1", "notes": "Damaged", "contactName": "Acme",
        "currencyId": "GBP", "netAmount": "25.00", "taxAmount": "5.00", "totalAmount": "30.00",
    })  # fmt: skip
    assert recorder.last_body() == {"sales_credit_note": {
        "contact_id": acme["id"], "date": "2026-02-01", "credit_note_lines": [line(ids.sales, "25.00")],
        "original_invoice_date": "2026-01-15", "reference": "CN-1", "notes": "Damaged", "contact_name": "Acme",
        "currency_id": "GBP", "net_amount": "25.00", "tax_amount": "5.00", "total_amount": "30.00",
    }}  # fmt: skip
    assert note["credit_note_number"].startswith("SCN-") and note["total_amount"] == "30.0"
    assert run_action(client, "getSalesCreditNote", {"salesCreditNoteId": note["id"]}) == note
    updated = run_action(
        client, "updateSalesCreditNote", {"salesCreditNoteId": note["id"], "notes": "Refunded"}
    )
    assert recorder.last_body() == {"sales_credit_note": {"notes": "Refunded"}}
    assert (
        updated["notes"] == "Refunded"
        and updated["reference"] == "CN-1"
        and updated["total_amount"] == "30.0"
    )
    listed = run_action(client, "listSalesCreditNotes", {"contactId": acme["id"], "search": "CN-1"})
    assert [n["id"] for n in listed["$items"]] == [note["id"]]
    voided = run_action(
        client, "voidSalesCreditNote", {"salesCreditNoteId": note["id"], "voidReason": "Wrong customer"}
    )
    assert (voided["status"]["id"], voided["void_reason"]) == ("VOID", "Wrong customer")
    drafted = run_action(client, "createSalesCreditNote", {
        "contactId": acme["id"], "date": "2026-02-02", "creditNoteLines": [line(ids.sales)], "statusId": "DRAFT",
    })  # fmt: skip
    assert drafted["status"]["id"] == "DRAFT"


def test_purchase_credit_notes(client: SageAccounting, recorder: Recorder, ids: Ids) -> None:
    widgets = supplier(client)
    note = run_action(client, "createPurchaseCreditNote", {
        "contactId": widgets["id"], "date": "2026-02-01", "creditNoteLines": [line(ids.purchases, "10")],
        "vendorReference": "SUP-CN-7",
    })  # fmt: skip
    assert recorder.last_body()["purchase_credit_note"]["vendor_reference"] == "SUP-CN-7"
    assert note["vendor_reference"] == "SUP-CN-7" and note["total_amount"] == "12.0"
    assert (
        run_action(client, "getPurchaseCreditNote", {"purchaseCreditNoteId": note["id"]})["id"] == note["id"]
    )
    updated = run_action(
        client, "updatePurchaseCreditNote", {"purchaseCreditNoteId": note["id"], "reference": "R2"}
    )
    assert recorder.last_body() == {"purchase_credit_note": {"reference": "R2"}}
    assert updated["reference"] == "R2" and updated["vendor_reference"] == "SUP-CN-7"
    listed = run_action(client, "listPurchaseCreditNotes", {"fetchAll": True, "statusId": "UNPAID"})
    assert [n["id"] for n in listed["$items"]] == [note["id"]]
    assert run_action(client, "deletePurchaseCreditNote", {"purchaseCreditNoteId": note["id"]}) is None
    assert run_action(client, "listPurchaseCreditNotes", {})["$total"] == 0
