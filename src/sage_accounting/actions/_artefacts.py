"""The inputs invoices and credit notes share, sales and purchase alike."""

from __future__ import annotations

import json

from ._common import (
    DATE,
    ID,
    MONEY,
    NUMBER,
    PURCHASE_LINES,
    SALES_LINES,
    Body,
    Path,
    Query,
    inp,
    path_id,
    sorted_inputs,
)
from ._registry import ActionInput
from ._structured import Lines

__all__ = ["LINES_EXAMPLE", "credit_note_inputs", "invoice_inputs", "void_reason"]

LINES_EXAMPLE = (
    '[{"description": "Consulting", "ledger_account_id": "9a994b92267a11e797950a57719b2edb", '
    '"quantity": "2", "unit_price": "150.00", "tax_rate_id": "GB_STANDARD"}]'
)
_LINES_NOTE = "array of line objects: description, ledger_account_id, unit_price, quantity, product_id, service_id, tax_rate_id, ..."


def void_reason(noun: str) -> ActionInput:
    """The required reason a void records."""
    return inp(
        "voidReason",
        "Void Reason",
        f"Why the {noun} is voided (Sage keeps it on the voided record).",
        "Raised in error",
        sage=Query("void_reason"),
        required=True,
    )


def invoice_inputs(wrapper: str, *, update: bool) -> tuple[ActionInput, ...]:
    """Inputs of create/update sales and purchase invoices (``wrapper``: sales_invoice / purchase_invoice),
    exactly as the component documents them."""
    sales = wrapper.startswith("sales")
    inputs = [
        inp("contactId", "Contact Id", "Provide the unique identifier of a contact.", "example-533242",
            sage=Body((wrapper, "contact_id")), convert=ID, required=not update),
        inp("date", "Date", "Provide a valid date value.", "2022-01-03", sage=Body((wrapper, "date"), "YYYY-MM-DD"),
            convert=DATE, required=not update),
        inp("invoiceLines", "Invoice Lines",
            "Provide a list of javascript objects, each containing information of an an invoice line item.",
            sage=Body((wrapper, "invoice_lines"), _LINES_NOTE), convert=SALES_LINES if sales else PURCHASE_LINES,
            required=True, sample=json.loads(LINES_EXAMPLE)),
        inp("totalAmount", "Total Amount", "Provide a total amount for the invoice.", "150.00",
            sage=Body((wrapper, "total_amount"), "number"), convert=MONEY),
    ]  # fmt: skip
    if update or not sales:
        inputs.append(
            inp("dueDate", "Due Date", "Provide a valid date value for the due date of the invoice.",
                "2022-01-03", sage=Body((wrapper, "due_date"), "YYYY-MM-DD"), convert=DATE, required=True)
        )  # fmt: skip
    if update:
        noun = "sales" if sales else "purchase"
        inputs += [
            inp("contactName", "Contact Name", "Provide the name of a contact.", "John Doe",
                sage=Body((wrapper, "contact_name"))),
            inp("currencyId", "Currency Id", "Provide the unique identifier of the currency type.",
                "example-24525235", sage=Body((wrapper, "currency_id")), convert=ID),
            inp("netAmount", "Net Amount", "Provide the net amount of the invoice.", "150.00",
                sage=Body((wrapper, "net_amount"), "number"), convert=MONEY),
            inp("notes", "Notes", "Provide a string value for notes.", "This is an example note.",
                sage=Body((wrapper, "notes"))),
            inp(f"{noun}InvoiceId", f"{noun.title()} Invoice Id",
                f"Provide the unique identifier of a {noun} invoice id.", "example-533242",
                sage=Path(f"{noun}InvoiceId"), convert=ID, required=True),
            inp("taxAmount", "Tax Amount", "Provide a tax amount for the invoice.", "150.00",
                sage=Body((wrapper, "tax_amount"), "number"), convert=MONEY),
            inp("totalQuantity", "Total Quantity", "Provide a total quantity of the invoice.", "3",
                sage=Body((wrapper, "total_quantity"), "number"), convert=NUMBER),
        ]  # fmt: skip
    return sorted_inputs(inputs)


def credit_note_inputs(*, sales: bool, update: bool) -> tuple[ActionInput, ...]:
    """Inputs of create/update sales and purchase credit notes."""
    w = "sales_credit_note" if sales else "purchase_credit_note"
    lines: Lines = SALES_LINES if sales else PURCHASE_LINES
    party = "customer" if sales else "supplier"
    inputs = [
        inp("contactId", "Contact Id", f"Provide the unique identifier of the {party} (a contact).",
            "example-533242", sage=Body((w, "contact_id")), convert=ID, required=not update),
        inp("date", "Date", "The date of the credit note.", "2024-01-31", sage=Body((w, "date"), "YYYY-MM-DD"),
            convert=DATE, required=not update),
        inp("creditNoteLines", "Credit Note Lines",
            "The lines: a list (or JSON text) of objects in Sage's field names: description, "
            "ledger_account_id, quantity, unit_price, tax_rate_id, product_id, service_id, discount_amount …",
            LINES_EXAMPLE, sage=Body((w, "credit_note_lines"), "array of line objects"), convert=lines,
            required=not update),
        inp("originalInvoiceDate", "Original Invoice Date", "The date of the invoice this credit note corrects.",
            "2024-01-15", sage=Body((w, "original_invoice_date"), "YYYY-MM-DD"), convert=DATE),
        inp("reference", "Reference", "A reference for the credit note.", "CN-42", sage=Body((w, "reference"))),
        inp("notes", "Notes", "Notes on the credit note.", "Returned goods", sage=Body((w, "notes"))),
        inp("contactName", "Contact Name", "The contact's name as printed on the credit note (default: the "
            "contact's name).", "Acme Ltd", sage=Body((w, "contact_name"))),
        inp("currencyId", "Currency Id", "The currency (default: the business currency).", "GBP",
            sage=Body((w, "currency_id")), convert=ID),
        inp("netAmount", "Net Amount", "The net total; Sage checks it against the lines.", "300.00",
            sage=Body((w, "net_amount"), "number"), convert=MONEY),
        inp("taxAmount", "Tax Amount", "The tax total; Sage checks it against the lines.", "60.00",
            sage=Body((w, "tax_amount"), "number"), convert=MONEY),
        inp("totalAmount", "Total Amount", "The total; Sage checks it against the lines.", "360.00",
            sage=Body((w, "total_amount"), "number"), convert=MONEY),
    ]  # fmt: skip
    if not sales:
        inputs.append(inp("vendorReference", "Vendor Reference", "The supplier's own credit note number.",
                          "SUP-CN-7", sage=Body((w, "vendor_reference"))))  # fmt: skip
    if update:
        key = "salesCreditNoteId" if sales else "purchaseCreditNoteId"
        label = "Sales Credit Note Id" if sales else "Purchase Credit Note Id"
        inputs.append(path_id(key, label, f"a {'sales' if sales else 'purchase'} credit note"))
    else:
        inputs.append(inp("statusId", "Status Id", "DRAFT to create a draft (issue it later); by default Sage "
                          "issues the credit note.", "DRAFT", sage=Body((w, "status_id")), convert=ID))  # fmt: skip
    return sorted_inputs(inputs)
