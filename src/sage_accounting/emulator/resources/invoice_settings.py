"""A business's invoice settings (``/invoice_settings``: one record, GET and PUT) and the numbering the sales
documents take from them.

``next_invoice_number`` / ``next_credit_note_number`` are the numbers the next issued sales invoice and credit
note get (read from and written to the business's numbering counters); the prefixes are
``sales_invoice_number_prefix`` / ``sales_credit_note_number_prefix``; with
``separate_invoice_credit_note_numbering`` false, credit notes share the invoices' sequence. A next number
must be greater than the last one issued (it would otherwise issue a number twice). ``customer_credit_days``
is the default delay of an invoice's due date when the customer has none.
"""

from __future__ import annotations

from typing import Any

from .._errors import Invalid
from .._fields import F, Field, S, clean
from .._resource import Ctx, Record, Resource, area
from .financial_settings import SETTINGS_READ, SETTINGS_WRITE, body_of, plain

INVOICE = "invoice_settings"

NUMBERING = {
    "SI": ("next_invoice_number", "sales_invoice_number_prefix"),
    "SCN": ("next_credit_note_number", "sales_credit_note_number_prefix"),
    "SQ": ("next_quote_number", "quote_number_prefix"),
    # the settings keep one next number for quotes and estimates (no next_estimate_number)
    "SE": ("next_quote_number", "estimate_number_prefix"),
}

_TEXTS = (
    "invoice_terms_and_conditions",
    "default_note_on_invoice",
    "default_note_on_credit_note",
    "default_note_on_estimate",
    "default_note_on_quote",
    "quote_terms_and_conditions",
    "estimate_terms_and_conditions",
    "delivery_note_terms_and_conditions",
)
_FLAGS = (
    "separate_invoice_credit_note_numbering",
    "delivery_note_show_signature",
    "delivery_note_show_picked",
    "delivery_note_show_notes",
    "delivery_note_show_contact_details",
    "show_auto_entrepreneur",
    "show_insurance",
)
_NUMBERS = (
    "next_invoice_number",
    "next_credit_note_number",
    "next_quote_number",
    "quote_default_days_to_expiry",
    "estimate_default_days_to_expiry",
    "next_sales_corrective_invoice_number",
    "customer_credit_days",
    "vendor_credit_days",
)
_PREFIXES = (
    "sales_invoice_number_prefix",
    "sales_credit_note_number_prefix",
    "quote_number_prefix",
    "estimate_number_prefix",
    "quick_entry_prefix",
    "sales_corrective_invoice_number_prefix",
)
_NESTED: dict[str, tuple[Field, ...]] = {
    "document_headings": tuple(
        S(k, 50)
        for k in (
            "sales_invoice",
            "sales_credit_note",
            "sales_corrective_invoice",
            "sales_quote",
            "sales_estimate",
            "pro_forma",
            "remittance_advice",
            "statement",
            "delivery_note",
        )
    ),
    "line_item_titles": tuple(S(k, 50) for k in ("description", "unit_price", "quantity", "discount")),
    "footer_details": tuple(S(k, 500) for k in ("column_1", "column_2", "column_3")),
    "print_contact_details": (
        *(
            F(k, "boolean")
            for k in ("business_name", "website", "telephone", "mobile", "email_address", "due_date")
        ),
        S("default_delivery_address"),
    ),
    "print_statements": (F("days_overdue", "boolean"), F("table_of_balances", "boolean")),
}
INVOICE_FIELDS: tuple[Field, ...] = (
    *(F(k, "integer") for k in _NUMBERS),
    *(F(k, "boolean") for k in _FLAGS),
    *(S(k, 10) for k in _PREFIXES),
    *(S(k, 2000) for k in _TEXTS),
    F("late_payment_percentage", "decimal"),
    F("prompt_payment_percentage", "decimal"),
    F("insurer_id", "id"),
    S("insurance_area", 255),
    S("insurance_type", 255),
    S("insurance_text", 255),
    F("payment_bank_account_id", "id"),
    Field(
        "customer_credit_terms",
        "string",
        choices=("month_end_invoice", "date_from_invoice", "immediate_invoice"),
    ),
    Field(
        "vendor_credit_terms",
        "string",
        choices=("month_end_payment", "date_from_payment", "immediate_payment"),
    ),
    *(F(k, "object", fields=fields) for k, fields in _NESTED.items()),
)


def _stored_invoice_settings(ctx: Ctx) -> Record:
    store = ctx.collection(INVOICE)
    record = store.get(INVOICE)
    if record is None:
        record = store[INVOICE] = {
            "$path": "/invoice_settings",
            "separate_invoice_credit_note_numbering": True,
            "sales_invoice_number_prefix": "SI-",
            "sales_credit_note_number_prefix": "SCN-",
            **{k: None for k in _TEXTS},
            "next_quote_number": 1,
            "quote_number_prefix": "SQ-",
            "estimate_number_prefix": "SE-",
            "quote_default_days_to_expiry": 30,
            "estimate_default_days_to_expiry": 30,
            "delivery_note_show_signature": True,
            "delivery_note_show_picked": True,
            "delivery_note_show_notes": True,
            "delivery_note_show_contact_details": True,
            "quick_entry_prefix": "QE-",
            "late_payment_percentage": None,
            "prompt_payment_percentage": None,
            "show_auto_entrepreneur": False,
            "show_insurance": False,
            "insurer": None,
            "insurance_area": None,
            "insurance_type": None,
            "insurance_text": None,
            "payment_bank_account": None,
            "sales_corrective_invoice_number_prefix": None,
            "next_sales_corrective_invoice_number": None,
            "document_headings": {
                "sales_invoice": "Sales Invoice",
                "sales_credit_note": "Sales Credit Note",
                "sales_corrective_invoice": "Sales Corrective Invoice",
                "sales_quote": "Sales Quote",
                "sales_estimate": "Sales Estimate",
                "pro_forma": "Pro-Forma Invoice",
                "remittance_advice": "Remittance Advice",
                "statement": "Statement",
                "delivery_note": "Delivery Note",
            },
            "line_item_titles": {
                "description": "Description",
                "unit_price": "Unit Price",
                "quantity": "Qty/Hrs",
                "discount": "Discount",
            },
            "footer_details": {"column_1": "", "column_2": "", "column_3": ""},
            "print_contact_details": {
                "business_name": True,
                "website": True,
                "telephone": True,
                "mobile": True,
                "email_address": True,
                "due_date": True,
                "default_delivery_address": "INVOICE_ADDRESS",
            },
            "print_statements": {"days_overdue": True, "table_of_balances": True},
            "customer_credit_days": 30,
            "vendor_credit_days": 30,
            "customer_credit_terms": "date_from_invoice",
            "vendor_credit_terms": "date_from_payment",
            "updated_at": ctx.business.created_at,
        }
    return record


# Swagger InvoiceSettings key order.
INVOICE_KEYS = (
    "$path",
    "next_invoice_number",
    "next_credit_note_number",
    "separate_invoice_credit_note_numbering",
    "sales_invoice_number_prefix",
    "sales_credit_note_number_prefix",
    "invoice_terms_and_conditions",
    "default_note_on_invoice",
    "default_note_on_credit_note",
    "default_note_on_estimate",
    "default_note_on_quote",
    "next_quote_number",
    "quote_number_prefix",
    "estimate_number_prefix",
    "quote_default_days_to_expiry",
    "estimate_default_days_to_expiry",
    "quote_terms_and_conditions",
    "estimate_terms_and_conditions",
    "delivery_note_terms_and_conditions",
    "delivery_note_show_signature",
    "delivery_note_show_picked",
    "delivery_note_show_notes",
    "delivery_note_show_contact_details",
    "quick_entry_prefix",
    "late_payment_percentage",
    "prompt_payment_percentage",
    "show_auto_entrepreneur",
    "show_insurance",
    "insurer",
    "insurance_area",
    "insurance_type",
    "insurance_text",
    "payment_bank_account",
    "sales_corrective_invoice_number_prefix",
    "next_sales_corrective_invoice_number",
    "document_headings",
    "line_item_titles",
    "footer_details",
    "print_contact_details",
    "print_statements",
    "customer_credit_days",
    "vendor_credit_days",
    "customer_credit_terms",
    "vendor_credit_terms",
    "updated_at",
)


def counter_key(ctx: Ctx, prefix_key: str) -> str:
    """The numbering counter a sales document uses: credit notes share the invoices' one when numbering is
    combined (``separate_invoice_credit_note_numbering`` false)."""
    if prefix_key == "SE":
        return "SQ"
    if prefix_key == "SCN" and not _stored_invoice_settings(ctx)["separate_invoice_credit_note_numbering"]:
        return "SI"
    return prefix_key


def document_prefix(ctx: Ctx, prefix_key: str) -> str:
    """The prefix (``SI-``) the next sales invoice (``SI``) or credit note (``SCN``) number carries."""
    field = NUMBERING[prefix_key][1]
    return str(_stored_invoice_settings(ctx).get(field) or "")


def invoice_settings(ctx: Ctx) -> Record:
    """The invoice settings as Sage renders them (next numbers read from the business's counters)."""
    stored = _stored_invoice_settings(ctx)
    counters = ctx.business.counters
    shown = {
        **stored,
        "next_invoice_number": counters.get("SI", 0) + 1,
        "next_credit_note_number": counters.get(counter_key(ctx, "SCN"), 0) + 1,
        "next_quote_number": counters.get("SQ", 0) + 1,
    }
    return {k: shown.get(k) for k in INVOICE_KEYS}


def update_invoice_settings(ctx: Ctx, body: Any) -> Record:
    """``PUT /invoice_settings``: the sent fields change, the rest stay; next numbers move the counters."""
    errors = Invalid()
    data = clean(INVOICE_FIELDS, body_of(body, INVOICE, errors), errors, partial=True)
    errors.raise_if_any()
    stored = _stored_invoice_settings(ctx)
    counters = ctx.business.counters
    moves: dict[str, int] = {}
    for prefix_key, (field, _) in NUMBERING.items():
        wanted = data.get(field)
        if wanted is None:
            continue
        if prefix_key == "SE":
            continue  # next_quote_number moves the quotes' counter, which estimates share
        key = counter_key(ctx, prefix_key) if prefix_key == "SCN" else prefix_key
        last = counters.get(key, 0)
        if wanted < 1:
            errors.add(field, "must be greater than 0")
        elif wanted <= last:
            errors.add(field, f"must be greater than the last number issued ({last})")
        else:
            moves[key] = wanted - 1
    for key in ("payment_bank_account_id", "insurer_id"):
        if data.get(key) is not None:
            collection = "bank_accounts" if key == "payment_bank_account_id" else "contacts"
            ctx.require(collection, data[key], key, errors)
    for key in _NUMBERS[2:]:
        if isinstance(data.get(key), int) and data[key] < 0:
            errors.add(key, "must be greater than or equal to 0")
    for key in ("customer_credit_days", "vendor_credit_days"):
        # as a contact's credit_days: a due date more than a year out is no credit term
        if isinstance(data.get(key), int) and data[key] > 365:
            errors.add(key, "must be between 0 and 365")
    errors.raise_if_any()
    counters.update(moves)
    for key, value in data.items():
        if key in ("next_invoice_number", "next_credit_note_number"):
            continue
        if key == "payment_bank_account_id":
            stored["payment_bank_account"] = ctx.link("bank_accounts", ctx.get("bank_accounts", value))
        elif key == "insurer_id":
            stored["insurer"] = ctx.link("contacts", ctx.get("contacts", value))
        elif key in _NESTED and isinstance(value, dict):
            stored[key] = {**(stored.get(key) or {}), **{k: plain(v) for k, v in value.items()}}
        else:
            stored[key] = plain(value)
    stored["updated_at"] = ctx.now_iso
    return invoice_settings(ctx)


class InvoiceSettings(Resource):
    """``/invoice_settings``: one record, GET and PUT (Settings: Full Access or Read Only reads)."""

    name = INVOICE
    wrapper = INVOICE
    singleton = True
    verbs = frozenset({"get", "update"})
    read_access = area("Settings", SETTINGS_READ)
    write_access = area("Settings", SETTINGS_WRITE)

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        return invoice_settings(ctx)

    def do_update(self, ctx: Ctx, record_id: str, body: Any) -> Record:
        return update_invoice_settings(ctx, body)


RESOURCES: tuple[type[Resource], ...] = (InvoiceSettings,)
