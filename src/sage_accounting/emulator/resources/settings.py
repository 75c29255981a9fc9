"""A business's settings: ``/financial_settings`` and ``/invoice_settings`` (one record each, GET and PUT).

Both are singletons (no id in the path); each is stored as the one record of a collection of the same name
so it is saved, dumped and loaded with the rest of the business. Defaults are those of a new UK or Irish
business: accrual accounting, the base currency, no multi-currency, numbering ``SI-`` / ``SCN-`` from 1,
30 days' credit.

Rules the other resources take from here:

* ``accounts_start_date`` (invoicing guide: an invoice may be dated in a previous year "but not before the
  financial_settings.accounts_start_date of the business"): no artefact, payment, allocation or journal is
  dated before it (422 on ``date``), and it cannot be moved past a date already used.
* ``next_invoice_number`` / ``next_credit_note_number`` are the numbers the next issued sales invoice and
  credit note get; the prefixes are ``sales_invoice_number_prefix`` / ``sales_credit_note_number_prefix``.
  A next number must be greater than the last one issued (it would otherwise issue a number twice).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .._errors import Invalid
from .._fields import F, Field, S, clean
from .._money import format_money
from .._resource import Ctx, Record, Resource, area
from .._state import Business

FINANCIAL = "financial_settings"
INVOICE = "invoice_settings"
# Settings: Full Access or Read Only reads, Full Access writes (swagger)
SETTINGS_READ = frozenset({"full_access", "read_only"})
SETTINGS_WRITE = frozenset({"full_access"})

# (counter used by the artefacts, settings field of the next number, settings field of the prefix)
NUMBERING = {
    "SI": ("next_invoice_number", "sales_invoice_number_prefix"),
    "SCN": ("next_credit_note_number", "sales_credit_note_number_prefix"),
}

TAX_SCHEMES = {"GB": ("STANDARD", "Standard"), "IE": ("INVOICE", "Invoice Based")}

FINANCIAL_FIELDS: tuple[Field, ...] = (
    F("year_end_date", "date"),
    F("year_end_lockdown_date", "date"),
    Field("accounting_type", "string", choices=("accrual", "cash")),
    F("accounts_start_date", "date"),
    F("base_currency_id", "id"),
    F("multi_currency_enabled", "boolean"),
    F("use_live_exchange_rates", "boolean"),
    S("mtd_activation_status"),
    F("mtd_connected", "boolean"),
    F("mtd_authenticated_date", "datetime"),
    F("tax_scheme_id", "id"),
    F("tax_return_frequency_id", "id"),
    S("tax_number", 20),
    S("general_tax_number", 20),
    F("tax_office_id", "id"),
    F("default_irpf_rate", "decimal"),
    F("flat_rate_tax_percentage", "decimal"),
    F("recoverable_percentage", "decimal"),
    Field("sales_tax_calculation", "string", choices=("invoice", "cash")),
    Field("purchase_tax_calculation", "string", choices=("invoice", "cash")),
    F("postponed_accounting", "boolean"),
    F("destination_vat", "boolean"),
)

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


def _link(collection: str, rid: str, label: str) -> Record:
    return {"id": rid, "displayed_as": label, "$path": f"/{collection}/{rid}"}


def default_start(business: Business) -> str:
    """A new business's accounts start: the first day of the month it was created in."""
    return f"{business.created_at[:7]}-01"


def financial_settings(ctx: Ctx) -> Record:
    """The business's financial settings record (created with the defaults on first use)."""
    store = ctx.collection(FINANCIAL)
    record = store.get(FINANCIAL)
    if record is None:
        business = ctx.business
        start = default_start(business)
        year_end = date.fromisoformat(start).replace(year=int(start[:4]) + 1).toordinal() - 1
        scheme = TAX_SCHEMES.get(business.country, TAX_SCHEMES["GB"])
        record = store[FINANCIAL] = {
            "$path": "/financial_settings",
            "year_end_date": date.fromordinal(year_end).isoformat(),
            "year_end_lockdown_date": None,
            "accounting_type": "accrual",
            "accounts_start_date": start,
            "base_currency": _link("currencies", business.currency, f"{_currency_name(ctx)}"),
            "multi_currency_enabled": False,
            "use_live_exchange_rates": False,
            "mtd_activation_status": "not_activated" if business.country == "GB" else None,
            "mtd_connected": False,
            "mtd_authenticated_date": None,
            "tax_scheme": _link("tax_schemes", *scheme),
            "tax_return_frequency": _link("tax_return_frequencies", "QUARTERLY", "Quarterly"),
            "tax_number": "",
            "general_tax_number": None,
            "tax_office": None,
            "default_irpf_rate": None,
            "flat_rate_tax_percentage": None,
            "recoverable_percentage": None,
            "sales_tax_calculation": None,
            "purchase_tax_calculation": None,
            "updated_at": business.created_at,
            "postponed_accounting": False,
            "destination_vat": False,
        }
    return record


def _currency_name(ctx: Ctx) -> str:
    found = ctx.get("currencies", ctx.business.currency)
    return str(found["displayed_as"]) if found else ctx.business.currency


def accounts_start(ctx: Ctx) -> str:
    return str(financial_settings(ctx)["accounts_start_date"])


def check_not_before_start(ctx: Ctx, day: Any, source: str, errors: Invalid) -> None:
    """422 on ``source`` when ``day`` (a ``YYYY-MM-DD`` date) is before the accounts start date."""
    if isinstance(day, str) and day:
        start = accounts_start(ctx)
        if day < start:
            errors.add(source, f"must be on or after the accounts start date ({start})")


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
    }
    return {k: shown.get(k) for k in INVOICE_KEYS}


def _body(body: Any, wrapper: str, errors: Invalid) -> Any:
    if not isinstance(body, dict) or not isinstance(body.get(wrapper), dict):
        errors.add(wrapper, "is missing or not an object")
        errors.raise_if_any()
    return body[wrapper]


def update_financial_settings(ctx: Ctx, body: Any) -> Record:
    """``PUT /financial_settings``: the sent fields change, the rest stay."""
    errors = Invalid()
    data = clean(FINANCIAL_FIELDS, _body(body, FINANCIAL, errors), errors, partial=True)
    errors.raise_if_any()
    record = financial_settings(ctx)
    start = data.get("accounts_start_date")
    if "accounts_start_date" in data and start is None:
        errors.add("accounts_start_date", "can't be blank")
    if isinstance(start, str):
        earliest = earliest_dated(ctx)
        if earliest is not None and start > earliest:
            errors.add(
                "accounts_start_date",
                f"cannot be after the date of a transaction already entered ({earliest})",
            )
    base = data.get("base_currency_id")
    if base is not None and base != ctx.business.currency:
        errors.add("base_currency_id", "cannot be changed")
    links = {
        "tax_scheme_id": "tax_schemes",
        "tax_return_frequency_id": "tax_return_frequencies",
        "tax_office_id": "tax_offices",
    }
    errors.raise_if_any()
    for key, value in data.items():
        if key == "base_currency_id":
            continue
        if key in links:
            record[key.removesuffix("_id")] = (
                _link(links[key], str(value), str(value).replace("_", " ").title()) if value else None
            )
        else:
            record[key] = _plain(value)
    record["updated_at"] = ctx.now_iso
    return record


def update_invoice_settings(ctx: Ctx, body: Any) -> Record:
    """``PUT /invoice_settings``: the sent fields change, the rest stay; next numbers move the counters."""
    errors = Invalid()
    data = clean(INVOICE_FIELDS, _body(body, INVOICE, errors), errors, partial=True)
    errors.raise_if_any()
    stored = _stored_invoice_settings(ctx)
    counters = ctx.business.counters
    moves: dict[str, int] = {}
    for prefix_key, (field, _) in NUMBERING.items():
        wanted = data.get(field)
        if wanted is None:
            continue
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
            stored[key] = {**(stored.get(key) or {}), **{k: _plain(v) for k, v in value.items()}}
        else:
            stored[key] = _plain(value)
    stored["updated_at"] = ctx.now_iso
    return invoice_settings(ctx)


def _plain(value: Any) -> Any:
    """Cleaned values as Sage renders them: decimals as strings (money style), the rest unchanged."""
    return format_money(value) if isinstance(value, Decimal) else value


# Collections whose records carry a business date that the accounts start date must not pass.
DATED = (
    "sales_invoices",
    "sales_credit_notes",
    "purchase_invoices",
    "purchase_credit_notes",
    "contact_payments",
    "contact_allocations",
    "other_payments",
    "journals",
)


def earliest_dated(ctx: Ctx) -> str | None:
    """The earliest ``date`` of any transaction the business holds (None when it has none)."""
    dates = [str(r["date"]) for name in DATED for r in ctx.collection(name).values() if r.get("date")]
    return min(dates, default=None)


class FinancialSettings(Resource):
    """``/financial_settings``: one record, GET and PUT (Settings: Full Access or Read Only reads)."""

    name = FINANCIAL
    wrapper = FINANCIAL
    singleton = True
    verbs = frozenset({"get", "update"})
    read_access = area("Settings", SETTINGS_READ)
    write_access = area("Settings", SETTINGS_WRITE)

    def retrieve(self, ctx: Ctx, record_id: str) -> Record:
        return financial_settings(ctx)

    def do_update(self, ctx: Ctx, record_id: str, body: Any) -> Record:
        return update_financial_settings(ctx, body)


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


RESOURCES: tuple[type[Resource], ...] = (FinancialSettings, InvoiceSettings)
