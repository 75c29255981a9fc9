"""Actions for the wider Sage API, named in the seed's style (``listSalesCreditNotes``,
``voidSalesInvoice`` …): sales and purchase credit notes, invoice void and release, contact payments
and journals here; bank accounts, products, services, tax rates, contact persons, businesses, the user
and reference lists in :mod:`._wider_more`.
"""

from __future__ import annotations

from decimal import Decimal

from ._common import (
    ALLOCATIONS,
    DATE,
    ID,
    JOURNAL_LINES,
    MONEY,
    PURCHASE_LINES,
    SALES_LINES,
    action,
    artefact_filters,
    deleted_since,
    inp,
    list_inputs,
    path_id,
    query_id,
    since,
    sorted_inputs,
)
from ._inputs import InputProblem
from ._registry import Action, ActionInput, Inputs
from ._structured import Lines
from ._wider_more import ACTIONS as MORE_ACTIONS

__all__ = ["ACTIONS"]

_LINES_EXAMPLE = (
    '[{"description": "Consulting", "ledger_account_id": "9a994b92267a11e797950a57719b2edb", '
    '"quantity": "2", "unit_price": "150.00", "tax_rate_id": "GB_STANDARD"}]'
)


def _void_reason(noun: str) -> ActionInput:
    return inp(
        "voidReason",
        "Void Reason",
        f"Why the {noun} is voided (Sage keeps it on the voided record).",
        "Raised in error",
        sage="query void_reason",
        required=True,
    )


# --- credit notes -------------------------------------------------------------------------------------


def _credit_note_inputs(*, sales: bool, update: bool) -> tuple[ActionInput, ...]:
    wrapper = "sales_credit_note" if sales else "purchase_credit_note"
    lines: Lines = SALES_LINES if sales else PURCHASE_LINES
    party = "customer" if sales else "supplier"
    inputs = [
        inp("contactId", "Contact Id", f"Provide the unique identifier of the {party} (a contact).",
            "example-533242", sage=f"{wrapper}.contact_id", convert=ID, required=not update),
        inp("date", "Date", "The date of the credit note.", "2024-01-31", sage=f"{wrapper}.date (YYYY-MM-DD)",
            convert=DATE, required=not update),
        inp("creditNoteLines", "Credit Note Lines",
            "The lines: a list (or JSON text) of objects in Sage's field names: description, "
            "ledger_account_id, quantity, unit_price, tax_rate_id, product_id, service_id, discount_amount …",
            _LINES_EXAMPLE, sage=f"{wrapper}.credit_note_lines (array of line objects)", convert=lines,
            required=not update),
        inp("originalInvoiceDate", "Original Invoice Date", "The date of the invoice this credit note corrects.",
            "2024-01-15", sage=f"{wrapper}.original_invoice_date (YYYY-MM-DD)", convert=DATE),
        inp("reference", "Reference", "A reference for the credit note.", "CN-42", sage=f"{wrapper}.reference"),
        inp("notes", "Notes", "Notes on the credit note.", "Returned goods", sage=f"{wrapper}.notes"),
        inp("contactName", "Contact Name", "The contact's name as printed on the credit note (default: the "
            "contact's name).", "Acme Ltd", sage=f"{wrapper}.contact_name"),
        inp("currencyId", "Currency Id", "The currency (default: the business currency).", "GBP",
            sage=f"{wrapper}.currency_id", convert=ID),
        inp("netAmount", "Net Amount", "The net total; Sage checks it against the lines.", "300.00",
            sage=f"{wrapper}.net_amount (number)", convert=MONEY),
        inp("taxAmount", "Tax Amount", "The tax total; Sage checks it against the lines.", "60.00",
            sage=f"{wrapper}.tax_amount (number)", convert=MONEY),
        inp("totalAmount", "Total Amount", "The total; Sage checks it against the lines.", "360.00",
            sage=f"{wrapper}.total_amount (number)", convert=MONEY),
    ]  # fmt: skip
    if not sales:
        inputs.append(inp("vendorReference", "Vendor Reference", "The supplier's own credit note number.",
                          "SUP-CN-7", sage=f"{wrapper}.vendor_reference"))  # fmt: skip
    if update:
        key = "salesCreditNoteId" if sales else "purchaseCreditNoteId"
        label = "Sales Credit Note Id" if sales else "Purchase Credit Note Id"
        inputs.append(path_id(key, label, f"a {'sales' if sales else 'purchase'} credit note"))
    else:
        inputs.append(inp("statusId", "Status Id", "DRAFT to create a draft (issue it later); by default Sage "
                          "issues the credit note.", "DRAFT", sage=f"{wrapper}.status_id", convert=ID))  # fmt: skip
    return sorted_inputs(inputs)


def _credit_notes(*, sales: bool) -> list[Action]:
    side = "Sales" if sales else "Purchase"
    path = f"/{side.lower()}_credit_notes"
    id_key = f"{side.lower()}CreditNoteId"
    noun = f"{side.lower()} credit note"
    item = f"{path}/{{{id_key}}}"
    group = "Sales" if sales else "Purchases"
    the_id = (path_id(id_key, f"{side} Credit Note Id", f"a {noun}"),)
    actions = [
        action(f"list{side}CreditNotes", f"List {side} Credit Notes", f"List all {noun}s", "GET", path,
               list_inputs(since(f"{side} Credit Notes"), *artefact_filters(f"{noun}s")), kind="list",
               group=group),
        action(f"get{side}CreditNote", f"Get {side} Credit Note",
               f"Get the information and metadata of a {noun} by Id", "GET", item, the_id, kind="get",
               group=group),
        action(f"create{side}CreditNote", f"Create {side} Credit Note", f"Create a new {noun}", "POST", path,
               _credit_note_inputs(sales=sales, update=False), kind="create", group=group),
        action(f"update{side}CreditNote", f"Update {side} Credit Note",
               f"Update a {noun} by Id (only the inputs given are changed)", "PUT", item,
               _credit_note_inputs(sales=sales, update=True), kind="update", group=group),
    ]  # fmt: skip
    if sales:
        actions.append(action("voidSalesCreditNote", "Void Sales Credit Note",
                              "Void a sales credit note by Id (a draft is deleted instead)", "DELETE", item,
                              (*the_id, _void_reason("credit note")), kind="delete", group=group))  # fmt: skip
    else:
        actions.append(action("deletePurchaseCreditNote", "Delete Purchase Credit Note",
                              "Delete a purchase credit note by Id", "DELETE", item, the_id, kind="delete",
                              group=group))  # fmt: skip
    return actions


# --- sales invoice verbs ------------------------------------------------------------------------------

_INVOICE_ID = path_id("salesInvoiceId", "Sales Invoice Id", "a sales invoice id")

_INVOICE_VERBS = [
    action("voidSalesInvoice", "Void Sales Invoice",
           "Void a sales invoice by Id and return the voided invoice (a draft is deleted instead)", "DELETE",
           "/sales_invoices/{salesInvoiceId}", (_INVOICE_ID, _void_reason("invoice")), kind="delete",
           group="Sales"),
    action("releaseSalesInvoice", "Release Sales Invoice",
           "Issue a draft sales invoice (it gets its number and becomes unpaid)", "POST",
           "/sales_invoices/{salesInvoiceId}/release", (_INVOICE_ID,), kind="action", group="Sales"),
]  # fmt: skip

# --- contact payments ---------------------------------------------------------------------------------

_PAYMENT = "contact_payment"
_PAYMENT_INPUTS = sorted_inputs([
    inp("transactionTypeId", "Transaction Type Id",
        "The kind of payment: CUSTOMER_RECEIPT, VENDOR_PAYMENT, CUSTOMER_REFUND or VENDOR_REFUND.",
        "CUSTOMER_RECEIPT", sage=f"{_PAYMENT}.transaction_type_id", convert=ID, required=True),
    inp("contactId", "Contact Id", "The customer or supplier paying or paid.", "example-533242",
        sage=f"{_PAYMENT}.contact_id", convert=ID, required=True),
    inp("bankAccountId", "Bank Account Id", "The bank account the money goes into or out of.",
        "example-9489210", sage=f"{_PAYMENT}.bank_account_id", convert=ID, required=True),
    inp("date", "Date", "The date of the payment.", "2024-02-01", sage=f"{_PAYMENT}.date (YYYY-MM-DD)",
        convert=DATE, required=True),
    inp("totalAmount", "Total Amount", "The amount paid.", "120.00", sage=f"{_PAYMENT}.total_amount (number)",
        convert=MONEY, required=True),
    inp("paymentMethodId", "Payment Method Id", "How it was paid: CASH, CHECK, ELECTRONIC, CREDIT_DEBIT …",
        "ELECTRONIC", sage=f"{_PAYMENT}.payment_method_id", convert=ID),
    inp("reference", "Reference", "A reference for the payment.", "Remittance 881",
        sage=f"{_PAYMENT}.reference"),
    inp("currencyId", "Currency Id", "The currency (default: the business currency).", "GBP",
        sage=f"{_PAYMENT}.currency_id", convert=ID),
    inp("allocatedArtefacts", "Allocated Artefacts",
        "The invoices (or credit notes) the payment settles: a list (or JSON text) of objects with "
        "artefact_id, amount and optionally discount.",
        '[{"artefact_id": "example-533242", "amount": "120.00"}]',
        sage=f"{_PAYMENT}.allocated_artefacts (array of allocation objects)", convert=ALLOCATIONS),
])  # fmt: skip
_PAYMENT_ID = (path_id("contactPaymentId", "Contact Payment Id", "a contact payment"),)

_PAYMENTS = [
    action("listContactPayments", "List Contact Payments", "List all contact payments and receipts", "GET",
           "/contact_payments",
           list_inputs(
               since("Contact Payments"),
               query_id("contactId", "Contact Id", "contact_id", "Only payments of this contact.", "example-533242"),
               query_id("bankAccountId", "Bank Account Id", "bank_account_id",
                        "Only payments through this bank account.", "example-9489210"),
               query_id("transactionTypeId", "Transaction Type Id", "transaction_type_id",
                        "Only payments of this type (CUSTOMER_RECEIPT, VENDOR_PAYMENT …).", "CUSTOMER_RECEIPT"),
               inp("fromDate", "From Date", "Only payments dated on or after this date.", "2024-01-01",
                   sage="query from_date (YYYY-MM-DD)", convert=DATE),
               inp("toDate", "To Date", "Only payments dated on or before this date.", "2024-12-31",
                   sage="query to_date (YYYY-MM-DD)", convert=DATE),
               inp("sort", "Sort", "Sort order: field:direction pairs (created_at, updated_at, date).",
                   "date:desc", sage="query sort"),
               deleted_since("contact payments"),
           ), kind="list", group="Payments"),
    action("getContactPayment", "Get Contact Payment", "Get the information and metadata of a contact payment by Id",
           "GET", "/contact_payments/{contactPaymentId}", _PAYMENT_ID, kind="get", group="Payments"),
    action("createContactPayment", "Create Contact Payment",
           "Record a customer receipt or a supplier payment, optionally allocated to invoices", "POST",
           "/contact_payments", _PAYMENT_INPUTS, kind="create", group="Payments"),
    action("deleteContactPayment", "Delete Contact Payment",
           "Delete a contact payment by Id (its allocations are undone)", "DELETE",
           "/contact_payments/{contactPaymentId}", _PAYMENT_ID, kind="delete", group="Payments"),
]  # fmt: skip

# --- journals -----------------------------------------------------------------------------------------


def _balanced(values: Inputs) -> list[InputProblem]:
    """A journal's debits must equal its credits (Sage refuses it otherwise)."""
    lines = values.get("journalLines") or []
    debit = sum((line.get("debit", Decimal(0)) for line in lines), Decimal(0))
    credit = sum((line.get("credit", Decimal(0)) for line in lines), Decimal(0))
    if debit != credit:
        return [InputProblem("journalLines", f"journalLines must balance: debits {debit} ≠ credits {credit}")]
    return []


_JOURNAL_ID = (path_id("journalId", "Journal Id", "a journal"),)
_JOURNALS = [
    action("listJournals", "List Journals", "List all journals", "GET", "/journals",
           list_inputs(since("Journals"), deleted_since("journals")), kind="list", group="Journals"),
    action("getJournal", "Get Journal", "Get the information and metadata of a journal by Id", "GET",
           "/journals/{journalId}", _JOURNAL_ID, kind="get", group="Journals"),
    action("createJournal", "Create Journal", "Create a journal (its debits must equal its credits)", "POST",
           "/journals", sorted_inputs([
               inp("date", "Date", "The date of the journal.", "2024-03-31", sage="journal.date (YYYY-MM-DD)",
                   convert=DATE, required=True),
               inp("reference", "Reference", "A reference for the journal.", "JNL-2024-03",
                   sage="journal.reference", required=True),
               inp("description", "Description", "What the journal is for.", "Accruals",
                   sage="journal.description"),
               inp("journalLines", "Journal Lines",
                   "The lines: a list (or JSON text) of objects with ledger_account_id, debit, credit and "
                   "optionally details and include_on_tax_return.",
                   '[{"ledger_account_id": "example-1", "debit": "100.00", "credit": "0"}, '
                   '{"ledger_account_id": "example-2", "debit": "0", "credit": "100.00"}]',
                   sage="journal.journal_lines (array of line objects)", convert=JOURNAL_LINES, required=True),
           ]), kind="create", group="Journals", checks=(_balanced,)),
    action("deleteJournal", "Delete Journal", "Delete a journal by Id (journals cannot be edited)", "DELETE",
           "/journals/{journalId}", _JOURNAL_ID, kind="delete", group="Journals"),
]  # fmt: skip

ACTIONS: tuple[Action, ...] = (
    *_credit_notes(sales=True),
    *_credit_notes(sales=False),
    *_INVOICE_VERBS,
    *_PAYMENTS,
    *_JOURNALS,
    *MORE_ACTIONS,
)
