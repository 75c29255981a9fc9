"""A business's financial settings (``/financial_settings``: one record, GET and PUT) and the rule the other
resources take from them.

The record is stored as the one record of a collection of the same name, so it is saved, dumped and loaded
with the rest of the business. Defaults are those of a new UK or Irish business: accrual accounting, the base
currency, no multi-currency, the accounts starting on the first day of the month the business was created.

``accounts_start_date`` (invoicing guide: an invoice may be dated in a previous year "but not before the
financial_settings.accounts_start_date of the business"): no artefact, payment, allocation or journal is
dated before it (422 on ``date``), and it cannot be moved past a date already used.
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
# Settings: Full Access or Read Only reads, Full Access writes (swagger)
SETTINGS_READ = frozenset({"full_access", "read_only"})
SETTINGS_WRITE = frozenset({"full_access"})

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


def body_of(body: Any, wrapper: str, errors: Invalid) -> Any:
    if not isinstance(body, dict) or not isinstance(body.get(wrapper), dict):
        errors.add(wrapper, "is missing or not an object")
        errors.raise_if_any()
    return body[wrapper]


def update_financial_settings(ctx: Ctx, body: Any) -> Record:
    """``PUT /financial_settings``: the sent fields change, the rest stay."""
    errors = Invalid()
    data = clean(FINANCIAL_FIELDS, body_of(body, FINANCIAL, errors), errors, partial=True)
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
            record[key] = plain(value)
    record["updated_at"] = ctx.now_iso
    return record


def plain(value: Any) -> Any:
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


RESOURCES: tuple[type[Resource], ...] = (FinancialSettings,)
