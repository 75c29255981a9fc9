"""Printable documents: a sales invoice, credit note, quote or estimate as a PDF (``GET …/{id}`` with ``Accept:
application/pdf``).

The layout follows what Sage prints: the business's name and address, the document heading from the invoice
settings (``document_headings``), number, dates and reference, the customer's name and address, one row per
line (description, quantity, unit price, net, tax, total), the totals and what is still outstanding, notes,
terms and the footer columns. A draft, pro forma or void document says so under the heading. The text is
real PDF text (fpdf2, core Helvetica), so it can be searched and extracted.
"""

from __future__ import annotations

from typing import Any

from .._resource import Ctx, Record
from .invoice_settings import invoice_settings

# collection -> (document heading key in the invoice settings, number field, lines key)
DOCUMENTS = {
    "sales_invoices": ("sales_invoice", "invoice_number", "invoice_lines"),
    "sales_credit_notes": ("sales_credit_note", "credit_note_number", "credit_note_lines"),
    "sales_quotes": ("sales_quote", "quote_number", "quote_lines"),
    "sales_estimates": ("sales_estimate", "estimate_number", "estimate_lines"),
}
STATUS_NOTES = {"DRAFT": "DRAFT", "PRO_FORMA": "PRO FORMA", "VOID": "VOID"}
# (title, key, width in mm, align)
COLUMNS = (
    ("Description", "description", 70, "L"),
    ("Qty", "quantity", 18, "R"),
    ("Unit price", "unit_price", 24, "R"),
    ("Net", "net_amount", 24, "R"),
    ("Tax", "tax_amount", 20, "R"),
    ("Total", "total_amount", 24, "R"),
)


def _text(value: Any) -> str:
    """Text the core PDF fonts can show (Latin-1); anything else becomes ``?`` rather than failing."""
    return ("" if value is None else str(value)).encode("latin-1", "replace").decode("latin-1")


def _fit(pdf: Any, text: str, width: float) -> str:
    """``text`` cut (with "...") to fit a table cell ``width`` mm wide, so long descriptions stay in their
    column."""
    if pdf.get_string_width(text) <= width - 2:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if pdf.get_string_width(text[:middle] + "...") <= width - 2:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "..."


def _money(value: Any, currency: str) -> str:
    return f"{currency} {value}" if value not in (None, "") else ""


def render_document(ctx: Ctx, collection: str, record: Record) -> bytes:
    """The PDF of a sales invoice, credit note, quote or estimate, as bytes."""
    from fpdf import FPDF  # lazily: only a PDF request needs it

    heading_key, number_field, lines_key = DOCUMENTS[collection]
    settings = invoice_settings(ctx)
    heading = (settings.get("document_headings") or {}).get(heading_key) or heading_key.replace(
        "_", " "
    ).title()
    status = (record.get("status") or {}).get("id")
    if status == "PRO_FORMA":
        heading = (settings.get("document_headings") or {}).get("pro_forma") or "Pro-Forma Invoice"
    currency = str((record.get("currency") or {}).get("id") or ctx.business.currency)
    business = ctx.business

    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"{heading} {record.get(number_field) or ''}".strip()))
    pdf.set_author(_text(business.name))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 8, _text(business.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in (business.address_line_1, business.address_line_2, business.city, business.postal_code):
        if line:
            pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _text(heading), new_x="LMARGIN", new_y="NEXT")
    if status in STATUS_NOTES:
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 6, STATUS_NOTES[status], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    facts = [
        ("Number", record.get(number_field)),
        ("Date", record.get("date")),
        ("Due date", record.get("due_date")),
        ("Expiry date", record.get("expiry_date")),
        ("Reference", record.get("reference")),
    ]
    for label, value in facts:
        if value:
            pdf.cell(30, 5, _text(f"{label}:"))
            pdf.cell(0, 5, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 5, _text(record.get("contact_name")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    address = record.get("main_address_free_form")
    if address:
        pdf.multi_cell(0, 5, _text(address), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    titles = settings.get("line_item_titles") or {}
    pdf.set_font("Helvetica", "B", 9)
    for title, key, width, align in COLUMNS:
        shown = titles.get(key) if key in ("description", "unit_price", "quantity") else None
        pdf.cell(width, 6, _text(shown or title), border="B", align=align)
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for item in record.get(lines_key) or []:
        for _, key, width, align in COLUMNS:
            value = item.get(key)
            pdf.cell(width, 6, _fit(pdf, _text(value), width), align=align)
        pdf.ln()
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 10)
    totals = [
        ("Net", record.get("net_amount")),
        ("Tax", record.get("tax_amount")),
        ("Total", record.get("total_amount")),
    ]
    if status not in STATUS_NOTES and "outstanding_amount" in record:  # quotes owe nothing
        totals.append(("Outstanding", record.get("outstanding_amount")))
    for label, value in totals:
        pdf.set_font("Helvetica", "B" if label == "Total" else "", 10)
        pdf.cell(150, 6, _text(label), align="R")
        pdf.cell(30, 6, _text(_money(value, currency)), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for label, value in (("Notes", record.get("notes")), ("Terms", record.get("terms_and_conditions"))):
        if value:
            pdf.ln(3)
            pdf.multi_cell(0, 5, _text(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    footer = [v for v in (settings.get("footer_details") or {}).values() if v]
    if footer:
        pdf.ln(6)
        pdf.multi_cell(0, 5, _text("   ".join(str(v) for v in footer)), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
