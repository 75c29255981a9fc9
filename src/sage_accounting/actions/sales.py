"""Sales: sales invoices (create, change, issue, void) and sales credit notes.

Reading needs Read in Sales; everything else needs Full in Sales.  A write's amount is the total of
its lines (see :func:`._amounts.line_total`).
"""

from __future__ import annotations

from ._amounts import artefact_total
from ._artefacts import credit_note_inputs, invoice_inputs, void_reason
from ._common import (
    SEED,
    Query,
    action,
    artefact_filters,
    check_order,
    full,
    inp,
    items_per_page,
    list_inputs,
    page,
    path_id,
    read,
    since,
)
from ._registry import Action

__all__ = ["ACTIONS"]

READS = read("sales")
WRITES = full("sales")
_GROUP = "Sales"
_INVOICE = "SalesInvoice"
_CREDIT_NOTE = "SalesCreditNote"
_INVOICE_ID = path_id("salesInvoiceId", "Sales Invoice Id", "a sales invoice id")
_INVOICE_AMOUNT = artefact_total("invoiceLines")
_ITEM = "/sales_invoices/{salesInvoiceId}"

_INVOICES = [
    action("createSalesInvoice", "Create Sales Invoice", "Create a new sales invoice", "POST", "/sales_invoices",
           invoice_inputs("sales_invoice", update=False), kind="create", group=_GROUP, access=WRITES, tags=SEED,
           model=_INVOICE, amount=_INVOICE_AMOUNT),
    action("deleteSalesInvoice", "Delete Sales Invoice",
           "Delete the information and metadata of a sales invoice by Id", "DELETE", _ITEM,
           (_INVOICE_ID,
            inp("voidReason", "Void Reason",
                "Why the invoice is voided: Sage voids a sales invoice on delete and needs a reason unless "
                "it is a draft (a draft is deleted).", "Raised in error", sage=Query("void_reason"))),
           kind="delete", group=_GROUP, access=WRITES, tags=SEED, model=_INVOICE),
    action("getSalesInvoice", "Get Sales Invoice", "Get the information and metadata of a sales invoice by Id",
           "GET", _ITEM, (_INVOICE_ID,), kind="get", group=_GROUP, access=READS, tags=SEED, model=_INVOICE),
    action("listSalesInvoices", "List Sales Invoices", "List all sales invoices", "GET", "/sales_invoices",
           list_inputs(*artefact_filters("sales invoices"), seed=(items_per_page(), page(), since())),
           kind="list", group=_GROUP, access=READS, tags=SEED, model=_INVOICE),
    action("updateSalesInvoice", "Update Sales Invoice",
           "Update the information and metadata of a sales invoice by Id", "PUT", _ITEM,
           invoice_inputs("sales_invoice", update=True), kind="update", group=_GROUP, access=WRITES, tags=SEED,
           checks=(check_order("date", "dueDate"),), model=_INVOICE, amount=_INVOICE_AMOUNT),
    action("voidSalesInvoice", "Void Sales Invoice",
           "Void a sales invoice by Id and return the voided invoice (a draft is deleted instead)", "DELETE",
           _ITEM, (_INVOICE_ID, void_reason("invoice")), kind="delete", group=_GROUP, access=WRITES,
           model=_INVOICE),
    action("releaseSalesInvoice", "Release Sales Invoice",
           "Issue a draft sales invoice (it gets its number and becomes unpaid)", "POST",
           f"{_ITEM}/release", (_INVOICE_ID,), kind="action", group=_GROUP, access=WRITES, model=_INVOICE),
]  # fmt: skip

_NOTES_PATH = "/sales_credit_notes"
_NOTE_ITEM = f"{_NOTES_PATH}/{{salesCreditNoteId}}"
_NOTE_ID = (path_id("salesCreditNoteId", "Sales Credit Note Id", "a sales credit note"),)
_NOTE_AMOUNT = artefact_total("creditNoteLines")

_CREDIT_NOTES = [
    action("listSalesCreditNotes", "List Sales Credit Notes", "List all sales credit notes", "GET", _NOTES_PATH,
           list_inputs(since("Sales Credit Notes"), *artefact_filters("sales credit notes")), kind="list",
           group=_GROUP, access=READS, model=_CREDIT_NOTE),
    action("getSalesCreditNote", "Get Sales Credit Note", "Get the information and metadata of a sales credit "
           "note by Id", "GET", _NOTE_ITEM, _NOTE_ID, kind="get", group=_GROUP, access=READS, model=_CREDIT_NOTE),
    action("createSalesCreditNote", "Create Sales Credit Note", "Create a new sales credit note", "POST",
           _NOTES_PATH, credit_note_inputs(sales=True, update=False), kind="create", group=_GROUP,
           access=WRITES, model=_CREDIT_NOTE, amount=_NOTE_AMOUNT),
    action("updateSalesCreditNote", "Update Sales Credit Note",
           "Update a sales credit note by Id (only the inputs given are changed)", "PUT", _NOTE_ITEM,
           credit_note_inputs(sales=True, update=True), kind="update", group=_GROUP, access=WRITES,
           model=_CREDIT_NOTE, amount=_NOTE_AMOUNT),
    action("voidSalesCreditNote", "Void Sales Credit Note",
           "Void a sales credit note by Id (a draft is deleted instead)", "DELETE", _NOTE_ITEM,
           (*_NOTE_ID, void_reason("credit note")), kind="delete", group=_GROUP, access=WRITES,
           model=_CREDIT_NOTE),
]  # fmt: skip

ACTIONS: tuple[Action, ...] = (*_INVOICES, *_CREDIT_NOTES)
