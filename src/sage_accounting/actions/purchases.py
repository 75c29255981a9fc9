"""Purchases: purchase invoices (bills) and purchase credit notes.

Reading needs Read in Purchases; everything else needs Full in Purchases.  A write's amount is the total
of its lines (see :func:`._amounts.line_total`).
"""

from __future__ import annotations

from ._amounts import artefact_total
from ._artefacts import credit_note_inputs, invoice_inputs
from ._common import (
    SEED,
    action,
    artefact_filters,
    check_order,
    full,
    items_per_page,
    list_inputs,
    page,
    path_id,
    read,
    since,
)
from ._registry import Action

__all__ = ["ACTIONS"]

READS = read("purchases")
WRITES = full("purchases")
_GROUP = "Purchases"
_INVOICE = "PurchaseInvoice"
_CREDIT_NOTE = "PurchaseCreditNote"
_ITEM = "/purchase_invoices/{purchaseInvoiceId}"
_INVOICE_ID = (path_id("purchaseInvoiceId", "Purchase Invoice Id", "a purchase invoice id"),)
_ORDER = (check_order("date", "dueDate"),)
_INVOICE_AMOUNT = artefact_total("invoiceLines")

_INVOICES = [
    action("createPurchaseInvoice", "Create Purchase Invoice", "Create a new purchase invoice", "POST",
           "/purchase_invoices", invoice_inputs("purchase_invoice", update=False), kind="create", group=_GROUP,
           access=WRITES, tags=SEED, checks=_ORDER, model=_INVOICE, amount=_INVOICE_AMOUNT),
    action("deletePurchaseInvoice", "Delete Purchase Invoice",
           "Delete the information and metadata of a purchase invoice by Id", "DELETE", _ITEM, _INVOICE_ID,
           kind="delete", group=_GROUP, access=WRITES, tags=SEED),
    action("getPurchaseInvoice", "Get Purchase Invoice",
           "Get the information and metadata of a purchase invoice by Id", "GET", _ITEM, _INVOICE_ID, kind="get",
           group=_GROUP, access=READS, tags=SEED, model=_INVOICE),
    action("listPurchaseInvoice", "List Purchase Invoices", "List all purchase invoices", "GET",
           "/purchase_invoices",
           list_inputs(*artefact_filters("purchase invoices"), seed=(items_per_page(), page(), since())),
           kind="list", group=_GROUP, access=READS, tags=SEED, model=_INVOICE),
    action("updatePurchaseInvoice", "Update Purchase Invoice",
           "Update the information and metadata of a purchase invoice by Id", "PUT", _ITEM,
           invoice_inputs("purchase_invoice", update=True), kind="update", group=_GROUP, access=WRITES,
           tags=SEED, checks=_ORDER, model=_INVOICE, amount=_INVOICE_AMOUNT),
]  # fmt: skip

_NOTES_PATH = "/purchase_credit_notes"
_NOTE_ITEM = f"{_NOTES_PATH}/{{purchaseCreditNoteId}}"
_NOTE_ID = (path_id("purchaseCreditNoteId", "Purchase Credit Note Id", "a purchase credit note"),)
_NOTE_AMOUNT = artefact_total("creditNoteLines")

_CREDIT_NOTES = [
    action("listPurchaseCreditNotes", "List Purchase Credit Notes", "List all purchase credit notes", "GET",
           _NOTES_PATH, list_inputs(since("Purchase Credit Notes"), *artefact_filters("purchase credit notes")),
           kind="list", group=_GROUP, access=READS, model=_CREDIT_NOTE),
    action("getPurchaseCreditNote", "Get Purchase Credit Note",
           "Get the information and metadata of a purchase credit note by Id", "GET", _NOTE_ITEM, _NOTE_ID,
           kind="get", group=_GROUP, access=READS, model=_CREDIT_NOTE),
    action("createPurchaseCreditNote", "Create Purchase Credit Note", "Create a new purchase credit note",
           "POST", _NOTES_PATH, credit_note_inputs(sales=False, update=False), kind="create", group=_GROUP,
           access=WRITES, model=_CREDIT_NOTE, amount=_NOTE_AMOUNT),
    action("updatePurchaseCreditNote", "Update Purchase Credit Note",
           "Update a purchase credit note by Id (only the inputs given are changed)", "PUT", _NOTE_ITEM,
           credit_note_inputs(sales=False, update=True), kind="update", group=_GROUP, access=WRITES,
           model=_CREDIT_NOTE, amount=_NOTE_AMOUNT),
    action("deletePurchaseCreditNote", "Delete Purchase Credit Note", "Delete a purchase credit note by Id",
           "DELETE", _NOTE_ITEM, _NOTE_ID, kind="delete", group=_GROUP, access=WRITES),
]  # fmt: skip

ACTIONS: tuple[Action, ...] = (*_INVOICES, *_CREDIT_NOTES)
